-- +goose Up
-- Lighter indexes, for every writer and most for a big import, which
-- builds them again at its end (storage/import_plan.go):
--
-- The search index keeps no copy of the names it indexes (content=''):
-- searches only ever read its rowids, and filling it without the copy
-- takes a third less time. contentless_delete lets the triggers delete
-- a request's row as before. A patient's name is then in the file once
-- fewer.
--
-- requests_status_due goes: a status filter also says whether the
-- request is open (a status is open or closed), so requests_open_status_due
-- serves it (storage/requests.go, filterConds).
--
-- requests_owner (the board's "mine") holds only requests someone logged:
-- those imported from an old register have no creator and are never
-- "mine".
DROP TABLE request_search;

CREATE VIRTUAL TABLE request_search USING fts5(
    scope, names, starts,
    tokenize = 'trigram remove_diacritics 1',
    content = '', contentless_delete = 1
);

INSERT INTO request_search (rowid, scope, names, starts)
SELECT r.id, CASE WHEN r.open = 1 THEN '#o#' ELSE '#c#' END,
       p.name_key || char(10) || r.requester_key,
       '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
       CASE WHEN r.requester_key = '' THEN '' ELSE '||' || replace(replace(r.requester_key, '-', ' '), ' ', ' ||') END
FROM requests r JOIN subjects p ON p.id = r.subject_id;

DROP INDEX requests_status_due;

DROP INDEX requests_owner;
CREATE INDEX requests_owner ON requests (created_by, open, effective_due_on) WHERE created_by IS NOT NULL;

-- The planner's figures for the rebuilt index, as migration 00004 gave.
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('requests', 'requests_owner', '100000 25000 12500 9');
ANALYZE sqlite_schema;

-- +goose Down
DROP INDEX requests_owner;
CREATE INDEX requests_owner ON requests (created_by, open, effective_due_on);
CREATE INDEX requests_status_due ON requests (status, effective_due_on, id);
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('requests', 'requests_owner', '100000 25000 12500 9'),
    ('requests', 'requests_status_due', '100000 14286 10 1');

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
ANALYZE sqlite_schema;
