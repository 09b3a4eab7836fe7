-- +goose Up
-- The clinic's settings: one row, the Settings struct as JSON, so a new
-- setting needs no migration.
CREATE TABLE settings (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    json  TEXT NOT NULL
);

CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL UNIQUE,       -- lower-cased, for sign-in
    role            TEXT NOT NULL CHECK (role IN ('desk','lead','admin')),
    pass_hash       TEXT NOT NULL,              -- argon2id, PHC string
    pin_hash        TEXT NOT NULL DEFAULT '',   -- argon2id, PHC string, '' until set
    active          INTEGER NOT NULL DEFAULT 1,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    last_failed_at  TEXT NOT NULL DEFAULT '',   -- RFC 3339; the throttle survives restarts
    created_at      TEXT NOT NULL
);

CREATE TABLE subjects (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,                -- folded name, for duplicates and search
    date_of_birth TEXT NOT NULL,                -- YYYY-MM-DD
    email         TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    restriction   TEXT NOT NULL DEFAULT '',
    anonymised    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subjects_key ON subjects (name_key, date_of_birth);

CREATE TABLE reference_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE requests (
    id                    INTEGER PRIMARY KEY,
    reference             TEXT NOT NULL UNIQUE,
    kind                  TEXT NOT NULL,
    channel               TEXT NOT NULL,
    rule                  TEXT NOT NULL,
    nation                TEXT NOT NULL,        -- the holiday calendar it was logged under
    received_at           TEXT NOT NULL,        -- RFC 3339 with offset
    received_on           TEXT NOT NULL,        -- YYYY-MM-DD, the clinic's day
    subject_id            INTEGER NOT NULL REFERENCES subjects(id),
    requester_name        TEXT NOT NULL DEFAULT '',
    requester_key         TEXT NOT NULL DEFAULT '',
    relationship          TEXT NOT NULL,
    requester_email       TEXT NOT NULL DEFAULT '',
    requester_phone       TEXT NOT NULL DEFAULT '',
    details               TEXT NOT NULL DEFAULT '{}',
    notes                 TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL,
    open                  INTEGER NOT NULL,     -- 1 while not closed
    pause_reason          TEXT NOT NULL DEFAULT '',
    paused_since          TEXT NOT NULL DEFAULT '',
    paused_days           INTEGER NOT NULL DEFAULT 0,
    clarification_days    INTEGER NOT NULL DEFAULT 0,
    verified              INTEGER NOT NULL DEFAULT 0,
    verified_on           TEXT NOT NULL DEFAULT '',
    fee_received_on       TEXT NOT NULL DEFAULT '',
    missing               TEXT NOT NULL DEFAULT '', -- what verification lacks, '; '-joined
    clock_start           TEXT NOT NULL,
    due_on                TEXT NOT NULL,        -- the first deadline
    effective_due_on      TEXT NOT NULL,        -- the deadline in force (extended or not)
    extended              INTEGER NOT NULL DEFAULT 0,
    extended_due_on       TEXT NOT NULL DEFAULT '',
    extension_reason      TEXT NOT NULL DEFAULT '',
    extension_notified_on TEXT NOT NULL DEFAULT '',
    closed_on             TEXT NOT NULL DEFAULT '',
    outcome_reason        TEXT NOT NULL DEFAULT '',
    created_by            INTEGER REFERENCES staff(id),
    imported              INTEGER NOT NULL DEFAULT 0,
    import_key            TEXT,                 -- a hash of an imported row, so re-import adds nothing
    anonymised            INTEGER NOT NULL DEFAULT 0
);
-- The board: open requests, most urgent first.
CREATE INDEX requests_open_due ON requests (open, effective_due_on, id);
CREATE INDEX requests_status_due ON requests (status, effective_due_on, id);
CREATE INDEX requests_subject ON requests (subject_id, open);
CREATE INDEX requests_received ON requests (received_on);
CREATE INDEX requests_closed ON requests (open, closed_on);
CREATE INDEX requests_owner ON requests (created_by, open, effective_due_on);
CREATE UNIQUE INDEX requests_import_key ON requests (import_key) WHERE import_key IS NOT NULL;

CREATE TABLE evidence (
    id              INTEGER PRIMARY KEY,
    request_id      INTEGER NOT NULL REFERENCES requests(id),
    kind            TEXT NOT NULL CHECK (kind IN ('identity','parental','authority','competence')),
    method          TEXT NOT NULL DEFAULT '',
    document        TEXT NOT NULL DEFAULT '',
    issuing_country TEXT NOT NULL DEFAULT '',
    last4           TEXT NOT NULL DEFAULT '' CHECK (length(last4) <= 4),
    expiry_checked  INTEGER NOT NULL DEFAULT 0,
    photo_matched   INTEGER NOT NULL DEFAULT 0,
    strength        TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    received_on     TEXT NOT NULL,
    checked_by      INTEGER REFERENCES staff(id),
    checked_at      TEXT NOT NULL
);
CREATE INDEX evidence_request ON evidence (request_id);

CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    text       TEXT NOT NULL,
    by_staff   INTEGER REFERENCES staff(id),
    at         TEXT NOT NULL
);
CREATE INDEX notes_request ON notes (request_id);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL REFERENCES requests(id),
    original_name TEXT NOT NULL,
    stored_name   TEXT NOT NULL,               -- file name in the attachments folder
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    added_by      INTEGER REFERENCES staff(id),
    added_at      TEXT NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id);

-- The audit trail: append-only and hash-chained. hash = SHA-256(prev_hash ||
-- canonical encoding); see model.Event.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER NOT NULL DEFAULT 0,
    actor_name TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    reference  TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);
CREATE INDEX events_reference ON events (reference, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- Facts about the store itself: when the chain was last verified.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE meta;
DROP TABLE events;
DROP TABLE attachments;
DROP TABLE notes;
DROP TABLE evidence;
DROP TABLE requests;
DROP TABLE reference_counters;
DROP TABLE subjects;
DROP TABLE staff;
DROP TABLE settings;
