package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"

	"rightsdesk/model"
)

// ChainResult is what walking the audit trail found.
type ChainResult struct {
	Count    int64       // events checked
	Last     model.Event // the last good event
	BadSeq   int64       // the first event that does not match; 0 if none
	Problem  string      // what is wrong with it
	LastHash []byte
	Texts    int64 // events whose text was checked against its digest
	Erased   int64 // events whose text was erased with its request (purge)
}

// OK is true when the whole chain matched.
func (r ChainResult) OK() bool { return r.BadSeq == 0 && r.Problem == "" }

// VerifyChain re-walks the hash chain from the first event, streaming rows
// so a million events need no more memory than one. Each event's text,
// where it is still kept, must match the digest the chain holds; a text
// erased by purge is counted, not a fault.
//
// The walk reuses its buffers from row to row (raw column bytes, the
// encoding, the hash) and takes each event's time as stored, rather than
// parsing it only to format it again for the hash.
func (s *Store) VerifyChain(ctx context.Context) (ChainResult, error) {
	var res ChainResult
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("read the audit trail: %w", classify(err))
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, "SELECT "+eventCols+" FROM events ORDER BY seq")
	if err != nil {
		return res, fmt.Errorf("read the audit trail: %w", classify(err))
	}
	defer rows.Close()

	var (
		texts                      *textWalk
		e                          model.Event
		at, digest, prevHash, hash sql.RawBytes
		hasher                     model.ChainHasher
		canonAt, lastAt, lastDig   []byte
		prev                       = make([]byte, model.HashSize)
		lastPrev                   = make([]byte, model.HashSize)
	)
	want := int64(1)
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Reference, &e.Detail, &digest, &prevHash, &hash); err != nil {
			return res, fmt.Errorf("read the audit trail: %w", err)
		}
		if texts == nil {
			// Opened while the events' statement is running on the same
			// connection, so both read one snapshot of the file.
			if texts, err = openTextWalk(ctx, conn); err != nil {
				return res, err
			}
			defer texts.close()
		}
		e.TextDigest = digest
		canonAt = canonicalAt(canonAt, at)
		switch {
		case e.Seq != want:
			res.BadSeq, res.Problem = want, fmt.Sprintf("event #%d is missing (the next one is #%d)", want, e.Seq)
		case !bytes.Equal(prevHash, prev):
			res.BadSeq, res.Problem = e.Seq, fmt.Sprintf("event #%d does not follow #%d (its link to the previous event is wrong)", e.Seq, e.Seq-1)
		case !bytes.Equal(hasher.Hash(prev, &e, canonAt), hash):
			res.BadSeq, res.Problem = e.Seq, fmt.Sprintf("event #%d was changed after it was written (its hash does not match)", e.Seq)
		default:
			res.Problem, err = texts.check(&res, &hasher, e.Seq, digest)
			if err != nil {
				return res, err
			}
			if res.Problem != "" {
				res.BadSeq = e.Seq
			}
		}
		if res.BadSeq != 0 {
			return res, nil
		}
		res.Count++
		res.Last = e
		lastAt = append(lastAt[:0], at...)
		lastDig = append(lastDig[:0], digest...)
		lastPrev, prev = prev, lastPrev
		prev = append(prev[:0], hash...)
		want++
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("read the audit trail: %w", classify(err))
	}
	if texts != nil {
		seq, problem, err := texts.rest()
		if err != nil {
			return res, err
		}
		if problem != "" {
			res.BadSeq, res.Problem = seq, problem
			return res, nil
		}
	}
	if res.Count > 0 {
		res.Last.At = parseTime(string(lastAt))
		res.Last.TextDigest = nil
		if len(lastDig) > 0 {
			res.Last.TextDigest = lastDig
		}
		res.Last.PrevHash, res.Last.Hash = lastPrev, bytes.Clone(prev)
	}
	res.LastHash = prev
	return res, nil
}

// textWalk reads event_texts in the order of the events, beside them.
type textWalk struct {
	rows       *sql.Rows
	seq        int64 // the text row read ahead; 0 when none is left
	salt, text sql.RawBytes
}

func openTextWalk(ctx context.Context, conn *sql.Conn) (*textWalk, error) {
	rows, err := conn.QueryContext(ctx, "SELECT seq, salt, text FROM event_texts ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("read the audit trail's texts: %w", classify(err))
	}
	w := &textWalk{rows: rows}
	return w, w.next()
}

func (w *textWalk) close() { w.rows.Close() }

func (w *textWalk) next() error {
	w.seq = 0
	if w.rows.Next() {
		if err := w.rows.Scan(&w.seq, &w.salt, &w.text); err != nil {
			return fmt.Errorf("read the audit trail's texts: %w", err)
		}
		if w.seq <= 0 {
			w.seq = -1 // still a row: rest() reports it
		}
		return nil
	}
	if err := w.rows.Err(); err != nil {
		return fmt.Errorf("read the audit trail's texts: %w", classify(err))
	}
	return nil
}

// check compares event seq's text, if one is kept, with the digest the
// chain holds for it, and says what is wrong, if anything.
func (w *textWalk) check(res *ChainResult, h *model.ChainHasher, seq int64, digest []byte) (string, error) {
	if w.seq != 0 && w.seq < seq {
		return fmt.Sprintf("a text is stored for event #%d, which is not in the audit trail", w.seq), nil
	}
	if w.seq != seq {
		if len(digest) > 0 {
			res.Erased++
		}
		return "", nil
	}
	var problem string
	switch {
	case len(digest) == 0:
		problem = fmt.Sprintf("event #%d has a text it was not written with", seq)
	case !h.TextMatches(digest, w.salt, w.text):
		problem = fmt.Sprintf("the text of event #%d was changed after it was written (its digest does not match)", seq)
	default:
		res.Texts++
	}
	return problem, w.next()
}

// rest reports a text left over after the last event.
func (w *textWalk) rest() (int64, string, error) {
	if w.seq == 0 {
		return 0, "", nil
	}
	return w.seq, fmt.Sprintf("a text is stored for event #%d, which is not in the audit trail", w.seq), nil
}

// canonicalAt appends to dst[:0] the canonical text of a stored instant
// (model.CanonicalTime): a time stored as timeFormat is that text with
// the fraction's trailing zeros (and a bare point) dropped, so no parsing
// is needed. Anything else is parsed and formatted.
func canonicalAt(dst, at []byte) []byte {
	dst = dst[:0]
	if !isStoredTime(at) {
		return append(dst, model.CanonicalTime(parseTime(string(at)))...)
	}
	frac := at[20:29]
	n := len(frac)
	for n > 0 && frac[n-1] == '0' {
		n--
	}
	dst = append(dst, at[:19]...)
	if n > 0 {
		dst = append(dst, '.')
		dst = append(dst, frac[:n]...)
	}
	return append(dst, 'Z')
}

// isStoredTime is true when at has timeFormat's shape,
// 2006-01-02T15:04:05.000000000Z, with its fields in range.
func isStoredTime(at []byte) bool {
	if len(at) != len(timeFormat) {
		return false
	}
	for i, c := range at {
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != 'T' {
				return false
			}
		case 13, 16:
			if c != ':' {
				return false
			}
		case 19:
			if c != '.' {
				return false
			}
		case 29:
			if c != 'Z' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	num := func(i int) int { return int(at[i]-'0')*10 + int(at[i+1]-'0') }
	month, day, hour, minute, sec := num(5), num(8), num(11), num(14), num(17)
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, num(0)*100+num(2)) &&
		hour < 24 && minute < 60 && sec < 60
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
