package storage

import (
	"bytes"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

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
// Each event is checked against the stored hash of the one before it, so
// a long chain is walked in two halves at once, on two connections (the
// second half starts from the stored hash of the first half's last
// event, which the first half checks); the first fault in the order of
// the chain is reported. Each walk reads the driver's values as they come
// (see walkQuery), encodes and hashes in one reused buffer, and takes each
// event's time as stored rather than parsing it only to format it again.
func (s *Store) VerifyChain(ctx context.Context) (ChainResult, error) {
	var last int64
	var texts bool
	// A file from before migration 00005 (an older backup being checked
	// before a restore) has no texts: its events are all version 1.
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0),
		EXISTS (SELECT 1 FROM pragma_table_info('events') WHERE name = 'text_digest') FROM events`).Scan(&last, &texts); err != nil {
		return ChainResult{}, fmt.Errorf("read the audit trail: %w", classify(err))
	}
	if last < chainSplitMin {
		return s.walkChain(ctx, texts, 0, 0)
	}
	mid := last / 2
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var second ChainResult
	var secondErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		second, secondErr = s.walkChain(ctx, texts, mid, 0)
	}()
	first, err := s.walkChain(ctx, texts, 0, mid)
	if err != nil || !first.OK() {
		cancel() // the first fault is in the first half: the second's is of no interest
	}
	<-done
	if err != nil {
		return first, err
	}
	if !first.OK() {
		return first, nil
	}
	if secondErr != nil {
		return first, secondErr
	}
	res := second
	res.Count += first.Count
	res.Texts += first.Texts
	res.Erased += first.Erased
	if second.Count == 0 {
		res.Last = first.Last
		if second.OK() {
			res.LastHash = first.LastHash
		}
	}
	return res, nil
}

// chainSplitMin is the length from which VerifyChain walks the chain in
// two halves; shorter chains take less time than a second connection.
var chainSplitMin int64 = 100_000

// walkQuery reads the events for the walk. The five text fields come as
// one string with the byte lengths of the first four, which split it
// without ambiguity: fetching columns one at a time, each a string of its
// own, was most of the walk's time.
const walkQuery = `SELECT seq, actor_id, octet_length(at), octet_length(actor_name), octet_length(action), octet_length(reference),
	at || actor_name || action || reference || detail, text_digest, prev_hash, hash FROM events`

// walkQueryV1 is walkQuery for a file whose events have no texts.
const walkQueryV1 = `SELECT seq, actor_id, octet_length(at), octet_length(actor_name), octet_length(action), octet_length(reference),
	at || actor_name || action || reference || detail, x'', prev_hash, hash FROM events`

// walkChain checks the events after the one numbered after (the first
// event's predecessor is the zero hash; later ones start from the stored
// hash of event after, which must exist), up to and including upTo (0:
// to the end). It reads the driver's rows as they come, without
// database/sql converting and copying every value into a destination.
// texts is false for a file from before events had texts.
func (s *Store) walkChain(ctx context.Context, texts bool, after, upTo int64) (ChainResult, error) {
	var res ChainResult
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("read the audit trail: %w", classify(err))
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("the database driver cannot stream the audit trail")
		}
		res, err = walkRows(ctx, q, texts, after, upTo)
		return err
	})
	return res, err
}

func walkRows(ctx context.Context, q driver.QueryerContext, withTexts bool, after, upTo int64) (ChainResult, error) {
	var res ChainResult
	// No lower bound for the first half: a row numbered 0 or less is a
	// fault to find, not to skip.
	var where string
	var args []any
	switch {
	case after > 0:
		where, args = " WHERE seq >= ?", []any{after}
	case upTo > 0:
		where, args = " WHERE seq <= ?", []any{upTo}
	}
	query := walkQuery
	if !withTexts {
		query = walkQueryV1
	}
	rows, err := rawQuery(ctx, q, query+where+" ORDER BY seq", args...)
	if err != nil {
		return res, fmt.Errorf("read the audit trail: %w", classify(err))
	}
	defer rows.close()

	var (
		texts                  *textWalk
		e                      model.Event
		hasher                 model.ChainHasher
		canonAt                []byte
		lastAt                 string
		prev                   = make([]byte, model.HashSize)
		lastPrev, lastDigest   []byte
		at                     string
		digest, prevHash, hash []byte
	)
	// found gives the result with the last good event whole.
	found := func() (ChainResult, error) {
		if res.Count > 0 {
			res.Last.At = parseTime(lastAt)
			res.Last.TextDigest, res.Last.PrevHash, res.Last.Hash = lastDigest, lastPrev, prev
		}
		return res, nil
	}
	want := after + 1
	for {
		more, err := rows.next()
		if err != nil {
			return res, fmt.Errorf("read the audit trail: %w", classify(err))
		}
		if !more {
			break
		}
		var whole bool
		at, digest, prevHash, hash, whole = unpackEvent(&e, rows.vals)
		if texts == nil {
			// Opened while the events' statement is running on the same
			// connection, so both read one snapshot of the file.
			if texts, err = openTextWalk(ctx, q, withTexts, after, upTo); err != nil {
				return res, err
			}
			defer texts.close()
			if after > 0 {
				if e.Seq != after {
					res.BadSeq, res.Problem = after, fmt.Sprintf("event #%d is missing (the next one is #%d)", after, e.Seq)
					return found()
				}
				prev = hash // checked by the walk before
				continue
			}
		}
		e.TextDigest = digest
		switch {
		case e.Seq != want:
			res.BadSeq, res.Problem = want, fmt.Sprintf("event #%d is missing (the next one is #%d)", want, e.Seq)
		case !bytes.Equal(prevHash, prev):
			res.BadSeq, res.Problem = e.Seq, fmt.Sprintf("event #%d does not follow #%d (its link to the previous event is wrong)", e.Seq, e.Seq-1)
		case !whole:
			res.BadSeq, res.Problem = e.Seq, fmt.Sprintf("event #%d was changed after it was written (its columns are not as written)", e.Seq)
		case !bytes.Equal(hasher.Hash(prev, &e, canonicalAt(&canonAt, at)), hash):
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
			return found()
		}
		// The driver gives new slices and strings for every row, so the
		// last good event's can be kept as they are.
		res.Count++
		res.Last, lastAt, lastDigest, lastPrev = e, at, digest, prev
		prev = hash
		want++
	}
	if after > 0 && texts == nil {
		res.BadSeq, res.Problem = after, fmt.Sprintf("event #%d is missing", after)
		return found()
	}
	if upTo > 0 && want <= upTo {
		// The half ends early, yet later events exist: some are missing.
		next, err := rawQuery(ctx, q, "SELECT min(seq) FROM events WHERE seq > ?", want)
		if err != nil {
			return res, fmt.Errorf("read the audit trail: %w", classify(err))
		}
		defer next.close()
		var n int64
		if ok, err := next.next(); err != nil {
			return res, fmt.Errorf("read the audit trail: %w", classify(err))
		} else if ok {
			n, _ = next.vals[0].(int64)
		}
		res.BadSeq, res.Problem = want, fmt.Sprintf("event #%d is missing (the next one is #%d)", want, n)
		return found()
	}
	if texts != nil {
		if seq, problem := texts.rest(); problem != "" {
			res.BadSeq, res.Problem = seq, problem
			return found()
		}
	}
	res.LastHash = prev
	return found()
}

// unpackEvent fills e from a row of walkQuery and gives the event's
// stored time, text digest, link to the one before and hash. whole is
// false when a value is not of its column's type, or the lengths do not
// fit: only someone changing the table can make that.
func unpackEvent(e *model.Event, v []driver.Value) (at string, digest, link, hash []byte, whole bool) {
	e.Seq, _ = v[0].(int64)
	actor, ok := v[1].(int64)
	packed, ok2 := v[6].(string)
	digest, link, hash = blob(v[7]), blob(v[8]), blob(v[9])
	if !ok || !ok2 {
		return "", digest, link, hash, false
	}
	var cut [4]int
	pos := 0
	for i := range cut {
		n, ok := v[2+i].(int64)
		if !ok || n < 0 || n > int64(len(packed)-pos) {
			return "", digest, link, hash, false
		}
		pos += int(n)
		cut[i] = pos
	}
	e.ActorID = actor
	e.ActorName, e.Action, e.Reference, e.Detail = packed[cut[0]:cut[1]], packed[cut[1]:cut[2]], packed[cut[2]:cut[3]], packed[cut[3]:]
	return packed[:cut[0]], digest, link, hash, true
}

// blob is a blob column's value; a value stored as text (only a changed
// table has one) counts as its bytes.
func blob(v driver.Value) []byte {
	switch b := v.(type) {
	case []byte:
		return b
	case string:
		return []byte(b)
	}
	return nil
}

// rawRows are a driver's rows, read into one reused slice of values.
type rawRows struct {
	rows driver.Rows
	vals []driver.Value
}

func rawQuery(ctx context.Context, q driver.QueryerContext, query string, args ...any) (*rawRows, error) {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	rows, err := q.QueryContext(ctx, query, named)
	if err != nil {
		return nil, err
	}
	return &rawRows{rows: rows, vals: make([]driver.Value, len(rows.Columns()))}, nil
}

// next reads the next row into vals; false at the end.
func (r *rawRows) next() (bool, error) {
	err := r.rows.Next(r.vals)
	if err == io.EOF {
		return false, nil
	}
	return err == nil, err
}

func (r *rawRows) close() { r.rows.Close() }

// textWalk reads event_texts in the order of the events, beside them.
type textWalk struct {
	rows *rawRows
	seq  int64 // the text row read ahead; 0 when none is left
	salt []byte
	text string
}

// openTextWalk reads the texts of the events walkChain(after, upTo) checks
// (none when the file has no texts).
func openTextWalk(ctx context.Context, q driver.QueryerContext, withTexts bool, after, upTo int64) (*textWalk, error) {
	if !withTexts {
		return &textWalk{}, nil
	}
	var where string
	var args []any
	switch {
	case after > 0:
		where, args = " WHERE seq > ?", []any{after}
	case upTo > 0:
		where, args = " WHERE seq <= ?", []any{upTo}
	}
	rows, err := rawQuery(ctx, q, "SELECT seq, salt, CAST(text AS TEXT) FROM event_texts"+where+" ORDER BY seq", args...)
	if err != nil {
		return nil, fmt.Errorf("read the audit trail's texts: %w", classify(err))
	}
	w := &textWalk{rows: rows}
	return w, w.next()
}

func (w *textWalk) close() {
	if w.rows != nil {
		w.rows.close()
	}
}

func (w *textWalk) next() error {
	w.seq = 0
	if w.rows == nil {
		return nil
	}
	more, err := w.rows.next()
	if err != nil {
		return fmt.Errorf("read the audit trail's texts: %w", classify(err))
	}
	if more {
		v := w.rows.vals
		w.seq, _ = v[0].(int64)
		w.salt = blob(v[1])
		w.text, _ = v[2].(string)
		if w.seq <= 0 {
			w.seq = -1 // still a row: check or rest reports it
		}
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
func (w *textWalk) rest() (int64, string) {
	if w.seq == 0 {
		return 0, ""
	}
	return w.seq, fmt.Sprintf("a text is stored for event #%d, which is not in the audit trail", w.seq)
}

// canonicalAt sets *dst to the canonical text of a stored instant
// (model.CanonicalTime) and returns it: a time stored as timeFormat is
// that text with the fraction's trailing zeros (and a bare point)
// dropped, so no parsing is needed. Anything else is parsed and formatted.
func canonicalAt(dst *[]byte, at string) []byte {
	b := (*dst)[:0]
	if !isStoredTime(at) {
		b = append(b, model.CanonicalTime(parseTime(at))...)
	} else {
		frac := at[20:29]
		n := len(frac)
		for n > 0 && frac[n-1] == '0' {
			n--
		}
		b = append(b, at[:19]...)
		if n > 0 {
			b = append(b, '.')
			b = append(b, frac[:n]...)
		}
		b = append(b, 'Z')
	}
	*dst = b
	return b
}

// isStoredTime is true when at has timeFormat's shape,
// 2006-01-02T15:04:05.000000000Z, with its fields in range.
func isStoredTime(at string) bool {
	const shape = "dddd-dd-ddTdd:dd:dd.dddddddddZ"
	if len(at) != len(shape) {
		return false
	}
	for i := 0; i < len(shape); i++ {
		if c := at[i]; shape[i] == 'd' && (c < '0' || c > '9') || shape[i] != 'd' && c != shape[i] {
			return false
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
