package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"rightsdesk/model"
)

// Note is a free-text note on a request. Notes are kept apart from the
// audit trail because they may hold personal data; the trail records that
// a note was added.
type Note struct {
	ID     int64
	Text   string
	ByName string
	At     time.Time
}

// AddNote adds a note to a request.
func (s *Store) AddNote(ctx context.Context, actor model.Staff, ref, text string, now time.Time) error {
	text = strings.TrimSpace(model.CleanText(text, 5000))
	if text == "" {
		return model.Invalid("note", "the note is empty", "type the note")
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermNote); err != nil {
			return err
		}
		id, err := requestID(tx, ref)
		if err != nil {
			return err
		}
		if _, err := tx.Exec("INSERT INTO notes (request_id, text, by_staff, at) VALUES (?, ?, ?, ?)", id, text, actor.ID, fmtTime(now)); err != nil {
			return fmt.Errorf("add note: %w", err)
		}
		return logEvent(tx, actor, now, string(model.ActNote), ref, "note added")
	})
}

// Notes lists a request's notes, oldest first.
func (s *Store) Notes(ctx context.Context, ref string) ([]Note, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.text, coalesce(s.name, ''), n.at FROM notes n
		JOIN requests r ON r.id = n.request_id LEFT JOIN staff s ON s.id = n.by_staff
		WHERE r.reference = ? ORDER BY n.id`, ref)
	if err != nil {
		return nil, fmt.Errorf("read notes: %w", err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		var at string
		if err := rows.Scan(&n.ID, &n.Text, &n.ByName, &at); err != nil {
			return nil, err
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}
