package storage

import (
	"bytes"
	"cmp"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"rightsdesk/model"
)

// importWriter is insertRequest, upsertSubject, insertEvidence and
// appendEvent for many rows at once. Their statements are used word for
// word, and TestImportWriterMatchesDesk checks that what it stores is
// exactly what they store; what differs is how often SQLite pays its
// fixed costs:
//
//   - requests wait in pending and are written importBatch at a time:
//     their patients looked up with one query, and patients, requests,
//     evidence and events each inserted a few hundred rows to a statement
//     (bulkInsert);
//   - new patients and requests are given their ids here, the tables'
//     last id plus one as SQLite would, so nothing is read back: the
//     transaction is immediate, so no one else can insert meanwhile, and
//     the same holds for the audit trail's tail, read once;
//   - the search index is filled once, at the end (finish), with one
//     statement: its insert trigger skips the import's rows (deferSearch);
//   - a big import into a small register sets the requests' secondary
//     indexes aside and builds them again at the end (asideIndexes).
type importWriter struct {
	tx                                   *sql.Tx
	plan                                 *bulkPlan
	subjects, requests, evidence, events *bulkInsert
	subjFind, subjUpdate                 *sql.Stmt
	lastSubject, lastRequest             int64
	seq                                  int64
	prev                                 []byte
	pending                              []pendingRequest
	args                                 []any
	hasher                               model.ChainHasher
	// The last event's time, and as text for its hash and for its row:
	// an import's events share one time, formatted once.
	at          time.Time
	atCanonical []byte
	atStored    string
	searchAfter int64 // requests after this id are not in the search index yet
	asideDone   bool
	aside       []*asideIndexes
}

type pendingRequest struct {
	importItem
	id     int64 // the request's
	ref    string
	actor  model.Staff
	now    time.Time
	action string
	detail string
}

// newImportWriter starts writing in tx, which is open on conn, following
// plan. The rows it is given are prepared (prepare) under the clinic's
// settings.
func newImportWriter(conn *sql.Conn, tx *sql.Tx, plan *bulkPlan) (*importWriter, error) {
	w := &importWriter{tx: tx, plan: plan}
	err := tx.QueryRow("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").Scan(&w.seq, &w.prev)
	if errors.Is(err, sql.ErrNoRows) {
		w.seq, w.prev = 0, make([]byte, model.HashSize)
	} else if err != nil {
		return nil, fmt.Errorf("read the audit trail's tail: %w", err)
	}
	if err := tx.QueryRow("SELECT coalesce(max(id), 0) FROM subjects").Scan(&w.lastSubject); err != nil {
		return nil, fmt.Errorf("read the last patient: %w", err)
	}
	if w.searchAfter, err = deferSearch(tx); err != nil {
		return nil, err
	}
	w.lastRequest = w.searchAfter
	for _, b := range []struct {
		to     **bulkInsert
		q      string
		withID bool
	}{
		{&w.subjects, subjectInsert, true},
		{&w.requests, requestInsert, true},
		{&w.evidence, evidenceInsert, false},
		{&w.events, eventInsert, false},
	} {
		if *b.to, err = newBulkInsert(conn, tx, b.q, b.withID); err != nil {
			w.close()
			return nil, err
		}
	}
	if w.subjFind, err = tx.Prepare(subjectFindMany); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare the import: %w", err)
	}
	if w.subjUpdate, err = tx.Prepare(subjectUpdate); err != nil {
		w.close()
		return nil, fmt.Errorf("prepare the import: %w", err)
	}
	return w, nil
}

func (w *importWriter) close() {
	for _, b := range []*bulkInsert{w.subjects, w.requests, w.evidence, w.events} {
		if b != nil {
			b.close()
		}
	}
	for _, st := range []*sql.Stmt{w.subjFind, w.subjUpdate} {
		if st != nil {
			st.Close()
		}
	}
}

// add is insertRequest followed by logEvent(action, detail) for the
// prepared request it, whose reference is ref; it is written with the
// batch.
func (w *importWriter) add(it importItem, ref string, actor model.Staff, now time.Time, action, detail string) error {
	w.pending = append(w.pending, pendingRequest{importItem: it, ref: ref, actor: actor, now: now, action: action, detail: detail})
	if len(w.pending) >= importBatch {
		return w.flush()
	}
	return nil
}

// flush writes the pending requests: their patients, then the requests,
// their evidence and their events.
func (w *importWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	if !w.asideDone {
		// At the first write, so that an import refused by its first rows
		// drops nothing.
		w.asideDone = true
		for _, t := range w.plan.tables {
			a, err := setIndexesAside(w.tx, t)
			if err != nil {
				return err
			}
			w.aside = append(w.aside, a)
		}
	}
	if err := w.savePatients(); err != nil {
		return err
	}
	args := w.args[:0]
	for i := range w.pending {
		p := &w.pending[i]
		w.lastRequest++
		p.id = w.lastRequest
		p.req[requestArgReference] = p.ref
		args = append(append(args, p.id), p.req...)
	}
	if err := w.requests.write(args); err != nil {
		return fmt.Errorf("save requests: %w", err)
	}
	args = args[:0]
	for _, p := range w.pending {
		for i := 0; i < len(p.evidence); i += w.evidence.cols {
			p.evidence[i+evidenceArgRequest] = p.id
		}
		args = append(args, p.evidence...)
	}
	if err := w.evidence.write(args); err != nil {
		return fmt.Errorf("record evidence: %w", err)
	}
	args = args[:0]
	for _, p := range w.pending {
		e := model.Event{Seq: w.seq + 1, At: p.now.UTC(), ActorID: p.actor.ID, ActorName: p.actor.Name, Action: p.action, Reference: p.ref, Detail: p.detail, PrevHash: w.prev}
		if !e.At.Equal(w.at) || w.atCanonical == nil {
			w.at, w.atCanonical, w.atStored = e.At, []byte(model.CanonicalTime(e.At)), fmtTime(e.At)
		}
		e.Hash = bytes.Clone(w.hasher.Hash(w.prev, &e, w.atCanonical)) // e.ComputeHash(w.prev), without its buffers
		args = appendEventArgs(args, &e, w.atStored)
		w.seq, w.prev = e.Seq, e.Hash
	}
	if err := w.events.write(args); err != nil {
		return fmt.Errorf("append to the audit trail: %w", err)
	}
	clear(args) // let the batch's values go
	w.args = args[:0]
	clear(w.pending)
	w.pending = w.pending[:0]
	return nil
}

// patient is one patient of a batch: found in the register (id > 0 from
// the start) or new, with the contact details the batch's requests give,
// later ones replacing earlier ones as upsertSubject's update does.
type patient struct {
	sub      model.Subject
	key, dob string
	id       int64
	found    bool
}

// savePatients is upsertSubject for each pending request, in order: it
// sets each request's patient.
func (w *importWriter) savePatients() error {
	byKey := map[[2]string]*patient{}
	var order []*patient
	of := make([]*patient, len(w.pending))
	for i := range w.pending {
		sub := w.pending[i].row.Request.Subject
		k := [2]string{w.pending[i].subjKey, w.pending[i].subjDOB}
		p, ok := byKey[k]
		if !ok {
			p = &patient{sub: sub, key: k[0], dob: k[1]}
			byKey[k] = p
			order = append(order, p)
		} else {
			p.sub.Email = cmp.Or(sub.Email, p.sub.Email)
			p.sub.Phone = cmp.Or(sub.Phone, p.sub.Phone)
			p.sub.Address = cmp.Or(sub.Address, p.sub.Address)
			p.sub.Restriction = cmp.Or(sub.Restriction, p.sub.Restriction)
		}
		of[i] = p
	}
	if err := w.findPatients(order); err != nil {
		return err
	}
	args := w.args[:0]
	for _, p := range order {
		if p.found {
			if _, err := w.subjUpdate.Exec(subjectUpdateArgs(p.sub, p.id)...); err != nil {
				return fmt.Errorf("update patient: %w", err)
			}
			continue
		}
		w.lastSubject++
		p.id = w.lastSubject
		args = append(append(args, p.id), subjectArgs(p.sub, p.key, p.dob)...)
		if w.plan.patients != nil {
			w.plan.patients[[2]string{p.key, p.dob}] = p.id
		}
	}
	if err := w.subjects.write(args); err != nil {
		return fmt.Errorf("add patients: %w", err)
	}
	clear(args)
	w.args = args[:0]
	for i, p := range of {
		w.pending[i].req[requestArgSubject] = p.id
	}
	return nil
}

// findPatients finds the batch's patients in the register: in memory
// when the plan read them, else with one query.
func (w *importWriter) findPatients(order []*patient) error {
	if w.plan.patients != nil {
		for _, p := range order {
			p.id, p.found = w.plan.patients[[2]string{p.key, p.dob}]
		}
		return nil
	}
	pairs := make([][2]string, len(order))
	for i, p := range order {
		pairs[i] = [2]string{p.key, p.dob}
	}
	arg, err := json.Marshal(pairs)
	if err != nil {
		return fmt.Errorf("find patients: %w", err)
	}
	rows, err := w.subjFind.Query(string(arg))
	if err != nil {
		return fmt.Errorf("find patients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var id sql.NullInt64
		if err := rows.Scan(&i, &id); err != nil {
			return fmt.Errorf("find patients: %w", err)
		}
		if id.Valid && i >= 0 && i < len(order) {
			order[i].id, order[i].found = id.Int64, true
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find patients: %w", err)
	}
	return nil
}

// finish writes what is pending, builds any indexes set aside and indexes
// every request added for search, saying how long the last two took. The
// writer is done with after it.
func (w *importWriter) finish() (indexes, search time.Duration, err error) {
	if err := w.flush(); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	for _, a := range w.aside {
		if err := a.rebuild(w.tx); err != nil {
			return 0, 0, err
		}
	}
	w.aside = nil
	indexes = time.Since(start)
	start = time.Now()
	err = fillSearch(w.tx, w.searchAfter)
	return indexes, time.Since(start), err
}
