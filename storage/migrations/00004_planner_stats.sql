-- +goose Up
-- What the query planner knows of the data, as ANALYZE measured it on a
-- register of 100,000 requests and a million events (rightsdesk demo):
-- each row is the table's size, then the average number of rows per value
-- of each leading set of the index's columns. Without figures SQLite
-- guesses that `open = 1` picks ten rows and `name_key = ?` as many, and
-- chose, for example, to find a duplicate patient by reading every open
-- request. With them the plans are those a large register needs, on a new
-- database as on an old one (the query plan test holds them to it). A
-- later ANALYZE or PRAGMA optimize replaces them with the file's own.
-- ANALYZE of sqlite_schema makes the statistics table without reading
-- any table; run again, it makes the planner read the rows below.
ANALYZE sqlite_schema;
DELETE FROM sqlite_stat1 WHERE tbl IN ('requests', 'subjects', 'events', 'evidence', 'notes', 'attachments');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('requests', 'sqlite_autoindex_requests_1', '100000 1'),
    ('requests', 'requests_open_due', '100000 50000 26 1'),
    ('requests', 'requests_status_due', '100000 14286 10 1'),
    ('requests', 'requests_subject', '100000 2 2'),
    ('requests', 'requests_received', '100000 28'),
    ('requests', 'requests_closed', '100000 50000 35'),
    ('requests', 'requests_owner', '100000 25000 12500 9'),
    ('requests', 'requests_open_status_due', '100000 50000 14286 10'),
    ('requests', 'requests_open_reference', '100000 50000 1'),
    ('subjects', 'subjects_key', '90000 2 1'),
    ('events', 'events_reference', '1000000 10 1'),
    ('evidence', 'evidence_request', '100000 2'),
    ('notes', 'notes_request', '500000 5'),
    ('attachments', 'attachments_request', '20000 2');
ANALYZE sqlite_schema;

-- +goose Down
DELETE FROM sqlite_stat1 WHERE tbl IN ('requests', 'subjects', 'events', 'evidence', 'notes', 'attachments');
