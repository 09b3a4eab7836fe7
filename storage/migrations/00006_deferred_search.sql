-- +goose Up
-- A bulk import fills the search index once, at its end, with one
-- INSERT … SELECT (fillSearch in storage/search_index.go) instead of
-- through the insert trigger row by row: the trigger made the full-text
-- index flush, merge and keep a statement journal at every statement of
-- the import, about a third of its time. While an import runs, its
-- transaction holds the one row of search_deferred and the trigger skips
-- the rows it inserts. No one else ever sees that row: the import's
-- transaction is immediate, and deletes it before it commits (or rolls
-- back with it).
CREATE TABLE search_deferred (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER request_search_insert;

-- +goose StatementBegin
CREATE TRIGGER request_search_insert AFTER INSERT ON requests
WHEN NOT EXISTS (SELECT 1 FROM search_deferred)
BEGIN
    INSERT INTO request_search (rowid, scope, names, starts)
    SELECT new.id, CASE WHEN new.open = 1 THEN '#o#' ELSE '#c#' END,
           p.name_key || char(10) || new.requester_key,
           '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
           CASE WHEN new.requester_key = '' THEN '' ELSE '||' || replace(replace(new.requester_key, '-', ' '), ' ', ' ||') END
    FROM subjects p WHERE p.id = new.subject_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER request_search_insert;

-- +goose StatementBegin
CREATE TRIGGER request_search_insert AFTER INSERT ON requests
BEGIN
    INSERT INTO request_search (rowid, scope, names, starts)
    SELECT new.id, CASE WHEN new.open = 1 THEN '#o#' ELSE '#c#' END,
           p.name_key || char(10) || new.requester_key,
           '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
           CASE WHEN new.requester_key = '' THEN '' ELSE '||' || replace(replace(new.requester_key, '-', ' '), ' ', ' ||') END
    FROM subjects p WHERE p.id = new.subject_id;
END;
-- +goose StatementEnd

DROP TABLE search_deferred;
