package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rightsdesk/model"
)

// PurgeCandidate is a closed request old enough to be anonymised. It holds
// no personal data, so a dry run can list it.
type PurgeCandidate struct {
	Reference  string
	Kind       model.Kind
	Status     model.Status
	ReceivedOn time.Time
	ClosedOn   time.Time
}

// PurgeResult says what a purge did, or would do.
type PurgeResult struct {
	Years      int       // the retention setting
	Cutoff     time.Time // requests closed before this day are anonymised
	Candidates []PurgeCandidate
	Purged     int
	// Wiped is true when the write-ahead log was checkpointed and
	// truncated, so the deleted text is gone from every file of the
	// database. It stays false while another desk holds an old snapshot;
	// running purge again later finishes the job.
	Wiped bool
}

// purgeBatch bounds each purge transaction, so desks are not held up for
// long behind one big write.
const purgeBatch = 200

// Purge anonymises the closed requests older than the retention setting
// (admins). Personal fields are blanked: the patient (name, date of birth,
// contact details, any restriction), the requester's name and contact
// details, what was asked, the request's notes, evidence descriptions and
// last characters, attached files and their names, and every reason staff
// typed (the outcome's and the extension's, which become
// model.ErasedText, and the texts of the request's events, which are
// deleted: the chain keeps only their digests, so it still verifies).
// What statistics need stays: reference, kind, channel, rule,
// relationship, dates, status and outcome. Each batch is one transaction
// with an event that gives only the count. SQLite's secure_delete (on for every connection) zeroes the freed
// bytes, and a truncating checkpoint then takes the old pages out of the
// write-ahead log, so the deleted text cannot be read back from the files.
// With dryRun nothing changes and Candidates lists what would be purged.
func (s *Store) Purge(ctx context.Context, actor model.Staff, now time.Time, dryRun bool) (PurgeResult, error) {
	var res PurgeResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermPurge); err != nil {
			return err
		}
		st, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		res.Years = st.RetentionYears
		today := model.DateOf(now.In(st.Location()))
		res.Cutoff = today.AddDate(-st.RetentionYears, 0, 0)
		return nil
	})
	if err != nil {
		return res, err
	}
	cutoff := fmtDate(res.Cutoff)
	if dryRun {
		res.Candidates, err = s.purgeCandidates(ctx, cutoff)
		return res, err
	}
	for {
		n, err := s.purgeBatch(ctx, actor, cutoff, res.Years, now)
		res.Purged += n
		if err != nil {
			return res, err
		}
		if n < purgeBatch {
			break
		}
	}
	res.Wiped, err = s.wipeFreed(ctx)
	return res, err
}

// purgeWhere picks the requests to anonymise: closed, closed before the
// cutoff, not yet anonymised.
const purgeWhere = "open = 0 AND anonymised = 0 AND closed_on != '' AND closed_on < ?"

func (s *Store) purgeCandidates(ctx context.Context, cutoff string) ([]PurgeCandidate, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT reference, kind, status, received_on, closed_on FROM requests WHERE "+purgeWhere+" ORDER BY closed_on, id", cutoff)
	if err != nil {
		return nil, fmt.Errorf("list old requests: %w", classify(err))
	}
	defer rows.Close()
	var out []PurgeCandidate
	for rows.Next() {
		var c PurgeCandidate
		var kind, status, recv, closed string
		if err := rows.Scan(&c.Reference, &kind, &status, &recv, &closed); err != nil {
			return nil, fmt.Errorf("list old requests: %w", err)
		}
		c.Kind, c.Status, c.ReceivedOn, c.ClosedOn = model.Kind(kind), model.Status(status), parseDate(recv), parseDate(closed)
		out = append(out, c)
	}
	return out, rows.Err()
}

// purgeBatch anonymises up to purgeBatch requests in one transaction and
// says how many it did.
func (s *Store) purgeBatch(ctx context.Context, actor model.Staff, cutoff string, years int, now time.Time) (int, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		// The role is checked again in every batch: a long purge stops if
		// the admin is demoted meanwhile.
		if err := authorise(tx, actor, model.PermPurge); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT id, subject_id FROM requests WHERE "+purgeWhere+" ORDER BY id LIMIT ?", cutoff, purgeBatch)
		if err != nil {
			return fmt.Errorf("list old requests: %w", err)
		}
		var ids, subjects []any
		for rows.Next() {
			var id, subject int64
			if err := rows.Scan(&id, &subject); err != nil {
				rows.Close()
				return fmt.Errorf("list old requests: %w", err)
			}
			ids, subjects = append(ids, id), append(subjects, subject)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list old requests: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
		// Attached copies go first: if the transaction then fails, the rows
		// point at missing files of requests due to be purged anyway, and
		// the next purge finishes; no copy is ever left without its row.
		if err := s.removeAttachmentCopies(ctx, tx, in, ids); err != nil {
			return err
		}
		placeholder, err := anonymousSubject(tx)
		if err != nil {
			return err
		}
		steps := []struct {
			what string
			sql  string
			args []any
		}{
			{"requests", `UPDATE requests SET subject_id = ?, requester_name = '', requester_key = '', requester_email = '',
				requester_phone = '', details = '{}', notes = '', anonymised = 1,
				outcome_reason = CASE WHEN outcome_reason = '' THEN '' ELSE ? END,
				extension_reason = CASE WHEN extension_reason = '' THEN '' ELSE ? END WHERE id IN ` + in,
				append([]any{placeholder, model.ErasedText, model.ErasedText}, ids...)},
			{"reasons", "DELETE FROM event_texts WHERE seq IN (SELECT e.seq FROM events e JOIN requests r ON r.reference = e.reference WHERE r.id IN " + in + ")", ids},
			{"evidence", "UPDATE evidence SET description = '', last4 = '' WHERE request_id IN " + in, ids},
			{"notes", "DELETE FROM notes WHERE request_id IN " + in, ids},
			{"attachments", "UPDATE attachments SET original_name = '', stored_name = '', sha256 = '' WHERE request_id IN " + in, ids},
			// A patient with a newer request stays; one with none left goes.
			{"patients", "DELETE FROM subjects WHERE anonymised = 0 AND id IN " + in +
				" AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.subject_id = subjects.id)", subjects},
		}
		for _, st := range steps {
			if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
				return fmt.Errorf("anonymise %s: %w", st.what, err)
			}
		}
		n = len(ids)
		return logEvent(tx, actor, now, "purged", "", fmt.Sprintf("anonymised %d requests closed before %s (retention %d years)", n, cutoff, years))
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// anonymousSubject is the one blank patient every anonymised request points
// to, made on first use.
func anonymousSubject(tx *sql.Tx) (int64, error) {
	var id int64
	err := tx.QueryRow("SELECT id FROM subjects WHERE anonymised = 1 ORDER BY id LIMIT 1").Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := tx.Exec("INSERT INTO subjects (name, name_key, date_of_birth, anonymised) VALUES ('', '', '', 1)")
		if err != nil {
			return 0, fmt.Errorf("anonymise patients: %w", err)
		}
		return res.LastInsertId()
	}
	if err != nil {
		return 0, fmt.Errorf("anonymise patients: %w", err)
	}
	return id, nil
}

// removeAttachmentCopies deletes the attached files of the requests in ids.
func (s *Store) removeAttachmentCopies(ctx context.Context, tx *sql.Tx, in string, ids []any) error {
	rows, err := tx.QueryContext(ctx, "SELECT stored_name FROM attachments WHERE stored_name != '' AND request_id IN "+in, ids...)
	if err != nil {
		return fmt.Errorf("list attached files: %w", err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("list attached files: %w", err)
		}
		names = append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list attached files: %w", err)
	}
	dir := s.AttachmentsDir()
	for _, name := range names {
		if !validStoredName(name) {
			continue // a tampered row must not point outside the folder
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete an attached file: %w", err)
		}
	}
	if len(names) > 0 {
		_ = backupSyncDir(dir)
	}
	return nil
}

// wipeFreed moves every page out of the write-ahead log and truncates it.
// secure_delete has already zeroed the freed bytes in the pages themselves.
func (s *Store) wipeFreed(ctx context.Context) (bool, error) {
	var busy, logFrames, done int
	err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done)
	if err != nil {
		return false, fmt.Errorf("wipe deleted text: %w", classify(err))
	}
	return busy == 0, nil
}
