-- +goose Up
-- What staff type as a reason (a refusal's, an extension's, a re-opening's)
-- may name people, and the events table can never be changed. So the
-- chain keeps only the text's digest, SHA-256(salt || text), in
-- text_digest (empty for an event without text; see model.Event), and the
-- salt and text live here, where purge can delete them: the chain still
-- verifies, and with the random salt gone the digest cannot be matched
-- against guesses. audit verify checks every text still here against its
-- digest, so a text can be erased but not changed.
ALTER TABLE events ADD COLUMN text_digest BLOB NOT NULL DEFAULT x'';

CREATE TABLE event_texts (
    seq  INTEGER PRIMARY KEY REFERENCES events(seq),
    salt BLOB NOT NULL,
    text TEXT NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER event_texts_no_update BEFORE UPDATE ON event_texts
BEGIN SELECT RAISE(ABORT, 'an event''s text can be erased, never changed'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER event_texts_no_update;
DROP TABLE event_texts;
ALTER TABLE events DROP COLUMN text_digest;
