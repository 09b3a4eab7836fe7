package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"rightsdesk/model"
)

// timeFormat stores instants in UTC with nanoseconds, so they sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// dateFormat stores dates.
const dateFormat = "2006-01-02"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateFormat)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func parseDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(dateFormat, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// appendEvent adds e to the chain inside tx, with its text (e.Text) kept
// apart in event_texts and only its digest in the chain. The transaction
// is immediate, so no other writer can append between reading the tail
// and inserting.
func appendEvent(tx *sql.Tx, e model.Event) (model.Event, error) {
	var prevSeq int64
	var prev []byte
	err := tx.QueryRow("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").Scan(&prevSeq, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		prevSeq, prev = 0, make([]byte, model.HashSize)
	} else if err != nil {
		return e, fmt.Errorf("read the audit trail's tail: %w", err)
	}
	e.Seq = prevSeq + 1
	e.At = e.At.UTC()
	e.PrevHash = prev
	var salt []byte
	if e.Text != "" {
		salt = newTextSalt()
	}
	sealText(&e, salt)
	e.Hash = e.ComputeHash(prev)
	if _, err = tx.Exec(eventInsert, eventArgs(e)...); err != nil {
		return e, fmt.Errorf("append to the audit trail: %w", err)
	}
	if e.Text != "" {
		if _, err = tx.Exec(eventTextInsert, e.Seq, salt, e.Text); err != nil {
			return e, fmt.Errorf("append to the audit trail: %w", err)
		}
	}
	return e, nil
}

// eventInsert and eventTextInsert write an event and its text; every
// writer of the chain (appendEvent, the demo's chainWriter) uses them.
const (
	eventInsert = `INSERT INTO events (seq, at, actor_id, actor_name, action, reference, detail, text_digest, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	eventTextInsert = "INSERT INTO event_texts (seq, salt, text) VALUES (?, ?, ?)"
)

// eventArgs are eventInsert's arguments for e, hashed.
func eventArgs(e model.Event) []any {
	return appendEventArgs(make([]any, 0, 10), &e, fmtTime(e.At))
}

// appendEventArgs appends eventArgs(e) to args, with e's time already
// formatted as at (fmtTime): a bulk writer formats its one time once.
func appendEventArgs(args []any, e *model.Event, at string) []any {
	digest := e.TextDigest
	if digest == nil {
		digest = []byte{} // an empty blob: NULL is refused
	}
	return append(args, e.Seq, at, e.ActorID, e.ActorName, e.Action, e.Reference, e.Detail, digest, e.PrevHash, e.Hash)
}

// newTextSalt is a fresh random salt for an event's text.
func newTextSalt() []byte {
	b := make([]byte, model.TextSaltSize)
	rand.Read(b) // never fails (crypto/rand)
	return b
}

// sealText sets e's text digest under salt; an event without text has
// none.
func sealText(e *model.Event, salt []byte) {
	e.TextDigest = nil
	if e.Text != "" {
		e.TextDigest = model.TextDigest(salt, e.Text)
	}
}

// logEvent appends an event by actor about ref.
func logEvent(tx *sql.Tx, actor model.Staff, now time.Time, action, ref, detail string) error {
	return logEventText(tx, actor, now, action, ref, detail, "")
}

// logEventText appends an event with the reason staff typed (text), which
// is kept apart from the chain so that it can be erased.
func logEventText(tx *sql.Tx, actor model.Staff, now time.Time, action, ref, detail, text string) error {
	_, err := appendEvent(tx, model.Event{At: now, ActorID: actor.ID, ActorName: actor.Name, Action: action, Reference: ref, Detail: detail, Text: text})
	return err
}

func scanEvent(rows interface{ Scan(...any) error }) (model.Event, error) {
	var e model.Event
	var at string
	err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Reference, &e.Detail, &e.TextDigest, &e.PrevHash, &e.Hash)
	e.At = parseTime(at)
	return e, err
}

// eventCols are the events table's columns as scanEvent reads them.
const eventCols = "seq, at, actor_id, actor_name, action, reference, detail, text_digest, prev_hash, hash"

// Timeline lists the events about one request, oldest first, each with
// its text unless it was erased (model.Event.Erased).
func (s *Store) Timeline(ctx context.Context, ref string) ([]model.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT events.seq, at, actor_id, actor_name, action, reference, detail, text_digest, prev_hash, hash,
		coalesce(text, '') FROM events LEFT JOIN event_texts ON event_texts.seq = events.seq WHERE reference = ? ORDER BY events.seq`, ref)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		var e model.Event
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Reference, &e.Detail, &e.TextDigest, &e.PrevHash, &e.Hash, &e.Text); err != nil {
			return nil, fmt.Errorf("read timeline: %w", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
