-- +goose Up
-- The board's queue and its status counts only ever ask for open
-- requests (storage/requests.go says `r.open = 1` in the query text, which
-- a partial index needs), so their indexes hold only open requests: a
-- register of years holds mostly closed ones, which every index build (a
-- big import builds them at its end) and every closing paid for. They
-- keep `open` as their first column, one byte an entry, so that the
-- planner still sees `open = 1` served by them and the order they give
-- (open first). A list of closed requests by status reads requests_closed
-- and sorts.
--
-- An import key is the first 128 bits of the row's SHA-256, not all 256:
-- as sure a match for a hundred million rows, and half the bytes in the
-- table and its unique index (model/importrow.go, importKey).
DROP INDEX requests_open_due;
CREATE INDEX requests_open_due ON requests (open, effective_due_on, id) WHERE open = 1;
DROP INDEX requests_open_status_due;
CREATE INDEX requests_open_status_due ON requests (open, status, effective_due_on) WHERE open = 1;
UPDATE requests SET import_key = substr(import_key, 1, 32) WHERE length(import_key) = 64;

-- The planner's figures, as migration 00004 gave for half of 100,000
-- requests open (dropping an index dropped its row).
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('requests', 'requests_open_due', '50000 50000 26 1'),
    ('requests', 'requests_open_status_due', '50000 50000 7143 10');
ANALYZE sqlite_schema;

-- +goose Down
-- Import keys stay short: the full hashes are not kept anywhere.
DROP INDEX requests_open_due;
CREATE INDEX requests_open_due ON requests (open, effective_due_on, id);
DROP INDEX requests_open_status_due;
CREATE INDEX requests_open_status_due ON requests (open, status, effective_due_on);
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('requests', 'requests_open_due', '100000 50000 26 1'),
    ('requests', 'requests_open_status_due', '100000 50000 14286 10');
ANALYZE sqlite_schema;
