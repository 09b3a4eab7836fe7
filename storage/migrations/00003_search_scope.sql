-- +goose Up
-- The search index learns whether each request is open ('#o#') or closed
-- ('#c#'), so a search on the board's open requests looks only at them:
-- without it a short name prefix matched thousands of closed requests
-- that then had to be read and dropped. References leave it for an
-- ordinary index (below): a trigram phrase like "R-20" is made of
-- trigrams every reference has, and the index answers a prefix by a range.
-- The triggers now skip updates that change none of the indexed columns
-- (every status change rewrites `open`).
DROP TRIGGER request_search_subject;
DROP TRIGGER request_search_delete;
DROP TRIGGER request_search_update;
DROP TRIGGER request_search_insert;
DROP TABLE request_search;

CREATE VIRTUAL TABLE request_search USING fts5(
    scope, names, starts,
    tokenize = 'trigram remove_diacritics 1'
);

INSERT INTO request_search (rowid, scope, names, starts)
SELECT r.id, CASE WHEN r.open = 1 THEN '#o#' ELSE '#c#' END,
       p.name_key || char(10) || r.requester_key,
       '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
       CASE WHEN r.requester_key = '' THEN '' ELSE '||' || replace(replace(r.requester_key, '-', ' '), ' ', ' ||') END
FROM requests r JOIN subjects p ON p.id = r.subject_id;

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

-- +goose StatementBegin
CREATE TRIGGER request_search_update AFTER UPDATE OF open, subject_id, requester_key ON requests
WHEN old.open IS NOT new.open OR old.subject_id IS NOT new.subject_id OR old.requester_key IS NOT new.requester_key
BEGIN
    DELETE FROM request_search WHERE rowid = old.id;
    INSERT INTO request_search (rowid, scope, names, starts)
    SELECT new.id, CASE WHEN new.open = 1 THEN '#o#' ELSE '#c#' END,
           p.name_key || char(10) || new.requester_key,
           '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
           CASE WHEN new.requester_key = '' THEN '' ELSE '||' || replace(replace(new.requester_key, '-', ' '), ' ', ' ||') END
    FROM subjects p WHERE p.id = new.subject_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER request_search_delete AFTER DELETE ON requests
BEGIN
    DELETE FROM request_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER request_search_subject AFTER UPDATE OF name_key ON subjects
WHEN old.name_key IS NOT new.name_key
BEGIN
    DELETE FROM request_search WHERE rowid IN (SELECT id FROM requests WHERE subject_id = new.id);
    INSERT INTO request_search (rowid, scope, names, starts)
    SELECT r.id, CASE WHEN r.open = 1 THEN '#o#' ELSE '#c#' END,
           new.name_key || char(10) || r.requester_key,
           '||' || replace(replace(new.name_key, '-', ' '), ' ', ' ||') || char(10) ||
           CASE WHEN r.requester_key = '' THEN '' ELSE '||' || replace(replace(r.requester_key, '-', ' '), ' ', ' ||') END
    FROM requests r WHERE r.subject_id = new.id;
END;
-- +goose StatementEnd

-- A reference prefix among the open or the closed requests is a range of
-- this index (LIKE 'R-2024-01%' is case-insensitive, hence NOCASE).
CREATE INDEX requests_open_reference ON requests (open, reference COLLATE NOCASE);

-- +goose Down
DROP INDEX requests_open_reference;
DROP TRIGGER request_search_subject;
DROP TRIGGER request_search_delete;
DROP TRIGGER request_search_update;
DROP TRIGGER request_search_insert;
DROP TABLE request_search;

CREATE VIRTUAL TABLE request_search USING fts5(
    reference, names, starts,
    tokenize = 'trigram remove_diacritics 1'
);
INSERT INTO request_search (rowid, reference, names, starts)
SELECT r.id, '||' || r.reference,
       p.name_key || char(10) || r.requester_key,
       '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
       CASE WHEN r.requester_key = '' THEN '' ELSE '||' || replace(replace(r.requester_key, '-', ' '), ' ', ' ||') END
FROM requests r JOIN subjects p ON p.id = r.subject_id;

-- +goose StatementBegin
CREATE TRIGGER request_search_insert AFTER INSERT ON requests
BEGIN
    INSERT INTO request_search (rowid, reference, names, starts)
    SELECT new.id, '||' || new.reference,
           p.name_key || char(10) || new.requester_key,
           '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
           CASE WHEN new.requester_key = '' THEN '' ELSE '||' || replace(replace(new.requester_key, '-', ' '), ' ', ' ||') END
    FROM subjects p WHERE p.id = new.subject_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER request_search_update AFTER UPDATE OF reference, subject_id, requester_key ON requests
BEGIN
    DELETE FROM request_search WHERE rowid = old.id;
    INSERT INTO request_search (rowid, reference, names, starts)
    SELECT new.id, '||' || new.reference,
           p.name_key || char(10) || new.requester_key,
           '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
           CASE WHEN new.requester_key = '' THEN '' ELSE '||' || replace(replace(new.requester_key, '-', ' '), ' ', ' ||') END
    FROM subjects p WHERE p.id = new.subject_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER request_search_delete AFTER DELETE ON requests
BEGIN
    DELETE FROM request_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER request_search_subject AFTER UPDATE OF name_key ON subjects
BEGIN
    DELETE FROM request_search WHERE rowid IN (SELECT id FROM requests WHERE subject_id = new.id);
    INSERT INTO request_search (rowid, reference, names, starts)
    SELECT r.id, '||' || r.reference,
           new.name_key || char(10) || r.requester_key,
           '||' || replace(replace(new.name_key, '-', ' '), ' ', ' ||') || char(10) ||
           CASE WHEN r.requester_key = '' THEN '' ELSE '||' || replace(replace(r.requester_key, '-', ' '), ' ', ' ||') END
    FROM requests r WHERE r.subject_id = new.id;
END;
-- +goose StatementEnd
