-- +goose Up
-- Search as you type. LIKE '%smi%' on names cannot use an index, so at
-- 100,000 requests every keystroke read every row (hundreds of ms). This
-- full-text index holds, per request (rowid = requests.id):
--   reference  '||' and the reference, for prefix matching ("R-2024-01");
--   names      the patient's and the requester's folded names, for
--              substrings of three or more characters ("smi" in Smith);
--   starts     each word of those names after '||', so that one or two
--              typed characters match the start of a word ("sm" → Smith).
-- The trigram tokenizer folds case and accents ("zoe" finds Zoë). The
-- triggers keep it in step with every writer (desk, import, purge).
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

-- The board header's figures (BoardCounts) read only this index: without
-- it each open request's row was read for its status and deadline.
CREATE INDEX requests_open_status_due ON requests (open, status, effective_due_on);

-- +goose Down
DROP INDEX requests_open_status_due;
DROP TRIGGER request_search_subject;
DROP TRIGGER request_search_delete;
DROP TRIGGER request_search_update;
DROP TRIGGER request_search_insert;
DROP TABLE request_search;
