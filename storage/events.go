package storage

import (
	"bytes"
	"context"
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

// appendEvent adds e to the chain inside tx. The transaction is immediate,
// so no other writer can append between reading the tail and inserting.
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
	e.Hash = e.ComputeHash(prev)
	_, err = tx.Exec(`INSERT INTO events (seq, at, actor_id, actor_name, action, reference, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, fmtTime(e.At), e.ActorID, e.ActorName, e.Action, e.Reference, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return e, fmt.Errorf("append to the audit trail: %w", err)
	}
	return e, nil
}

// logEvent appends an event by actor about ref.
func logEvent(tx *sql.Tx, actor model.Staff, now time.Time, action, ref, detail string) error {
	_, err := appendEvent(tx, model.Event{At: now, ActorID: actor.ID, ActorName: actor.Name, Action: action, Reference: ref, Detail: detail})
	return err
}

func scanEvent(rows interface{ Scan(...any) error }) (model.Event, error) {
	var e model.Event
	var at string
	err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Reference, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = parseTime(at)
	return e, err
}

const eventCols = "seq, at, actor_id, actor_name, action, reference, detail, prev_hash, hash"

// Timeline lists the events about one request, oldest first.
func (s *Store) Timeline(ctx context.Context, ref string) ([]model.Event, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+eventCols+" FROM events WHERE reference = ? ORDER BY seq", ref)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("read timeline: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ChainResult is what walking the audit trail found.
type ChainResult struct {
	Count    int64       // events checked
	Last     model.Event // the last good event
	BadSeq   int64       // the first event that does not match; 0 if none
	Problem  string      // what is wrong with it
	LastHash []byte
}

// OK is true when the whole chain matched.
func (r ChainResult) OK() bool { return r.BadSeq == 0 && r.Problem == "" }

// VerifyChain re-walks the hash chain from the first event, streaming rows
// so a million events need no more memory than one.
func (s *Store) VerifyChain(ctx context.Context) (ChainResult, error) {
	var res ChainResult
	rows, err := s.db.QueryContext(ctx, "SELECT "+eventCols+" FROM events ORDER BY seq")
	if err != nil {
		return res, fmt.Errorf("read the audit trail: %w", err)
	}
	defer rows.Close()
	prev := make([]byte, model.HashSize)
	want := int64(1)
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return res, fmt.Errorf("read the audit trail: %w", err)
		}
		switch {
		case e.Seq != want:
			res.BadSeq, res.Problem = want, fmt.Sprintf("event #%d is missing (the next one is #%d)", want, e.Seq)
		case !bytes.Equal(e.PrevHash, prev):
			res.BadSeq, res.Problem = e.Seq, fmt.Sprintf("event #%d does not follow #%d (its link to the previous event is wrong)", e.Seq, e.Seq-1)
		case !bytes.Equal(e.ComputeHash(prev), e.Hash):
			res.BadSeq, res.Problem = e.Seq, fmt.Sprintf("event #%d was changed after it was written (its hash does not match)", e.Seq)
		}
		if res.BadSeq != 0 {
			return res, nil
		}
		res.Count++
		res.Last = e
		prev = e.Hash
		want++
	}
	res.LastHash = prev
	return res, rows.Err()
}
