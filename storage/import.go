package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"rightsdesk/model"
)

// ImportSource reads a register: it parses each row with c (the clinic's
// clock, settings, calendar and the importing lead, read inside the
// import's transaction) and hands it to yield, stopping when yield fails.
type ImportSource func(c model.Ctx, yield func(model.ImportRow) error) error

// ImportOptions choose how an import runs.
type ImportOptions struct {
	// DryRun checks everything, the register included, and writes nothing.
	DryRun bool
	// Reserved are the references the file itself gives, which references
	// made for rows without one must not take.
	Reserved map[string]bool
	// Source describes the file for the audit trail (e.g. its SHA-256);
	// never its name or contents.
	Source string
}

// ImportResult is what an import did, or would do on a dry run.
type ImportResult struct {
	Rows     int // data rows read
	Added    int // requests added (or that would be)
	Present  int // rows already in the register from an earlier import
	Problems []model.ImportProblem
}

// errRollback ends the import's transaction without writing.
var errRollback = errors.New("import rolled back")

// Import brings a register kept elsewhere into the database, all or
// nothing, in one transaction: every row passes the domain's rules (in
// src), then the register's (a reference already used by another request;
// the same row twice). One problem anywhere and nothing is written; the
// result lists every problem. A row already imported (same reference and
// import key, or same import key with no reference) is skipped, so
// importing a file again adds nothing twice. Each request added gets an
// `imported` event, and the import one summary event.
func (s *Store) Import(ctx context.Context, actor model.Staff, opt ImportOptions, src ImportSource, now time.Time) (ImportResult, error) {
	var res ImportResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermImport); err != nil {
			return err
		}
		st, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		// A bigger page cache for the import's few seconds: with the
		// default 2 MB, SQLite spills pages of the growing indexes to the
		// WAL and reads them back, which took a third of the time.
		var cacheSize int
		if err := tx.QueryRow("PRAGMA cache_size").Scan(&cacheSize); err != nil {
			return fmt.Errorf("read the page cache size: %w", err)
		}
		if _, err := tx.Exec("PRAGMA cache_size = -32768"); err != nil {
			return fmt.Errorf("set the page cache size: %w", err)
		}
		defer tx.Exec(fmt.Sprintf("PRAGMA cache_size = %d", cacheSize))
		im, err := newImporter(tx, st, actor, now, opt)
		if err != nil {
			return err
		}
		defer im.close()
		c := model.Ctx{Now: now, Actor: actor, Settings: st, Cal: calendarFor(st.Nation)}
		if err := src(c, func(row model.ImportRow) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return im.add(row)
		}); err != nil {
			return err
		}
		res = im.res
		if len(res.Problems) > 0 || opt.DryRun || res.Added == 0 {
			return errRollback
		}
		if err := im.w.finish(); err != nil {
			return err
		}
		detail := fmt.Sprintf("%d requests added, %d already in the register", res.Added, res.Present)
		if opt.Source != "" {
			detail += "; " + opt.Source
		}
		return logEvent(tx, actor, now, "register_imported", "", detail)
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importer checks and writes rows inside the import's transaction.
type importer struct {
	tx      *sql.Tx
	st      model.Settings
	actor   model.Staff
	now     time.Time
	opt     ImportOptions
	res     ImportResult
	refLine map[string]int // reference → the line that gives it
	keyLine map[string]int // import key → the line it came from
	byRef   *sql.Stmt
	byKey   *sql.Stmt
	w       *importWriter
}

func newImporter(tx *sql.Tx, st model.Settings, actor model.Staff, now time.Time, opt ImportOptions) (*importer, error) {
	im := &importer{tx: tx, st: st, actor: actor, now: now, opt: opt, refLine: map[string]int{}, keyLine: map[string]int{}}
	var err error
	if im.byRef, err = tx.Prepare("SELECT coalesce(import_key, '') FROM requests WHERE reference = ?"); err != nil {
		return nil, fmt.Errorf("prepare the import: %w", err)
	}
	if im.byKey, err = tx.Prepare("SELECT reference FROM requests WHERE import_key = ?"); err != nil {
		im.byRef.Close()
		return nil, fmt.Errorf("prepare the import: %w", err)
	}
	if !opt.DryRun {
		if im.w, err = newImportWriter(tx); err != nil {
			im.close()
			return nil, err
		}
	}
	return im, nil
}

func (im *importer) close() {
	im.byRef.Close()
	im.byKey.Close()
	if im.w != nil {
		im.w.close()
	}
}

func (im *importer) problem(line int, col, problem, fix string) {
	im.res.Problems = append(im.res.Problems, model.ImportProblem{Line: line, Column: col, Problem: problem, Fix: fix})
}

func (im *importer) add(row model.ImportRow) error {
	im.res.Rows++
	if len(row.Problems) > 0 {
		im.res.Problems = append(im.res.Problems, row.Problems...)
		return nil
	}
	r := row.Request
	if r.Reference != "" {
		if l, ok := im.refLine[r.Reference]; ok {
			im.problem(row.Line, model.ColReference, fmt.Sprintf("is also on line %d", l), "give each request its own reference, or leave it blank to have one made")
			return nil
		}
		im.refLine[r.Reference] = row.Line
	}
	if l, ok := im.keyLine[row.Key]; ok {
		im.problem(row.Line, "", fmt.Sprintf("is the same as line %d", l), "remove one of them, or give each a reference if they are two requests")
		return nil
	}
	im.keyLine[row.Key] = row.Line

	if r.Reference != "" {
		var key string
		err := im.byRef.QueryRow(r.Reference).Scan(&key)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("look up a reference: %w", err)
		case key == row.Key:
			im.res.Present++
			return nil
		case key == "":
			im.problem(row.Line, model.ColReference, "is already used by a request logged at the desk", "give this row another reference, or leave it blank to have one made")
			return nil
		default:
			im.problem(row.Line, model.ColReference, "is already in the register with other details (imported earlier)", "give this row another reference, or correct it to match the register")
			return nil
		}
	} else {
		var ref string
		err := im.byKey.QueryRow(row.Key).Scan(&ref)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("look up an imported row: %w", err)
		default:
			im.res.Present++
			return nil
		}
	}
	if len(im.res.Problems) > 0 {
		return nil // keep checking, but nothing more will be written
	}
	im.res.Added++
	if im.opt.DryRun {
		return nil
	}
	if r.Reference == "" {
		ref, err := im.makeReference(r)
		if err != nil {
			return err
		}
		r.Reference = ref
	}
	return im.w.add(&r, im.st, row.Key, im.actor, im.now, string(model.ActImport), row.Detail)
}

// makeReference gives a row without one the next R-YYYY-NNNN of the year
// it was received, skipping any the file gives to another row.
func (im *importer) makeReference(r model.Request) (string, error) {
	year := r.ReceivedAt.In(im.st.Location()).Year()
	for {
		ref, err := nextReference(im.tx, year)
		if err != nil {
			return "", err
		}
		if !im.opt.Reserved[ref] {
			return ref, nil
		}
	}
}

// importWriter is insertRequest, upsertSubject, insertEvidence and
// appendEvent for many rows at once. Their SQL is used word for word, and
// TestImportWriterMatchesDesk checks that what it stores is exactly what
// they store; what differs is how often SQLite does its fixed costs:
//
//   - statements are prepared once for the whole import, not for each row
//     (preparing took a quarter of the time);
//   - requests are inserted importBatch rows to a statement: an insert
//     into requests fires the search index's trigger, which makes SQLite
//     open a statement journal and the full-text index flush its pending
//     terms at every statement (together over half the time, row by row);
//   - the audit trail's tail is read once: the transaction is immediate,
//     so no one else can append while the import runs;
//   - the search index is filled once, at the end (finish), with one
//     statement: its insert trigger skips the import's rows (deferSearch),
//     so no statement flushes and merges the full-text index.
//
// Requests wait in pending until a batch is full or flush is called;
// their evidence and events follow, in the file's order. finish writes
// what is pending and the search index.
type importWriter struct {
	tx                            *sql.Tx
	subjFind, subjAdd, subjUpdate *sql.Stmt
	evAdd, eventAdd               *sql.Stmt
	reqAdd                        map[int]*sql.Stmt // by rows per statement
	seq                           int64
	prev                          []byte
	pending                       []pendingRequest
	args                          []any
	searchAfter                   int64 // requests after this id are not in the search index yet
}

// importBatch is how many requests one INSERT writes (37 values each,
// under SQLite's 32,766 variables).
const importBatch = 800

type pendingRequest struct {
	ref      string
	evidence []model.Evidence
	actor    model.Staff
	now      time.Time
	action   string
	detail   string
}

const requestInsertCols = `INSERT INTO requests (reference, kind, channel, rule, nation, received_at, received_on, subject_id,
		requester_name, requester_key, relationship, requester_email, requester_phone, details, notes,
		status, open, pause_reason, paused_since, paused_days, clarification_days, verified, verified_on, fee_received_on, missing,
		clock_start, due_on, effective_due_on, extended, extended_due_on, extension_reason, extension_notified_on,
		closed_on, outcome_reason, created_by, imported, import_key)
		VALUES `

const requestInsertRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

func newImportWriter(tx *sql.Tx) (*importWriter, error) {
	w := &importWriter{tx: tx, reqAdd: map[int]*sql.Stmt{}}
	err := tx.QueryRow("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").Scan(&w.seq, &w.prev)
	if errors.Is(err, sql.ErrNoRows) {
		w.seq, w.prev = 0, make([]byte, model.HashSize)
	} else if err != nil {
		return nil, fmt.Errorf("read the audit trail's tail: %w", err)
	}
	if w.searchAfter, err = deferSearch(tx); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		stmt **sql.Stmt
		q    string
	}{
		{&w.subjFind, "SELECT id FROM subjects WHERE name_key = ? AND date_of_birth = ? AND anonymised = 0 ORDER BY id LIMIT 1"},
		{&w.subjAdd, "INSERT INTO subjects (name, name_key, date_of_birth, email, phone, address, restriction) VALUES (?, ?, ?, ?, ?, ?, ?)"},
		{&w.subjUpdate, `UPDATE subjects SET
		email = CASE WHEN ? != '' THEN ? ELSE email END,
		phone = CASE WHEN ? != '' THEN ? ELSE phone END,
		address = CASE WHEN ? != '' THEN ? ELSE address END,
		restriction = CASE WHEN ? != '' THEN ? ELSE restriction END
		WHERE id = ?`},
		{&w.evAdd, `INSERT INTO evidence (request_id, kind, method, document, issuing_country, last4, expiry_checked, photo_matched, strength, description, received_on, checked_by, checked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.eventAdd, `INSERT INTO events (seq, at, actor_id, actor_name, action, reference, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
	} {
		st, err := tx.Prepare(p.q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare the import: %w", err)
		}
		*p.stmt = st
	}
	return w, nil
}

func (w *importWriter) close() {
	for _, st := range []*sql.Stmt{w.subjFind, w.subjAdd, w.subjUpdate, w.evAdd, w.eventAdd} {
		if st != nil {
			st.Close()
		}
	}
	for _, st := range w.reqAdd {
		st.Close()
	}
}

// upsertSubject is storage's upsertSubject on prepared statements.
func (w *importWriter) upsertSubject(sub model.Subject) (int64, error) {
	key := foldKey(sub.Name)
	dob := fmtDate(sub.DateOfBirth)
	var id int64
	err := w.subjFind.QueryRow(key, dob).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := w.subjAdd.Exec(sub.Name, key, dob, sub.Email, sub.Phone, sub.Address, sub.Restriction)
		if err != nil {
			return 0, fmt.Errorf("add patient: %w", err)
		}
		return res.LastInsertId()
	}
	if err != nil {
		return 0, fmt.Errorf("find patient: %w", err)
	}
	if _, err = w.subjUpdate.Exec(sub.Email, sub.Email, sub.Phone, sub.Phone, sub.Address, sub.Address, sub.Restriction, sub.Restriction, id); err != nil {
		return 0, fmt.Errorf("update patient: %w", err)
	}
	return id, nil
}

// add is insertRequest followed by logEvent(action, detail) for the
// request: its patient is written now, the request, its evidence and its
// event with the batch.
func (w *importWriter) add(r *model.Request, st model.Settings, importKey string, actor model.Staff, now time.Time, action, detail string) error {
	subjectID, err := w.upsertSubject(r.Subject)
	if err != nil {
		return err
	}
	r.Subject.ID = subjectID
	details, err := json.Marshal(r.Details)
	if err != nil {
		return fmt.Errorf("encode details: %w", err)
	}
	d := derive(r, st)
	var key any
	if importKey != "" {
		key = importKey
	}
	w.args = append(w.args,
		r.Reference, string(r.Kind), string(r.Channel), string(r.Rule), string(r.Nation), r.ReceivedAt.Format(time.RFC3339Nano), fmtDate(r.ReceivedOn()), subjectID,
		r.Requester.Name, foldKey(r.Requester.Name), string(r.Requester.Relationship), r.Requester.Email, r.Requester.Phone, string(details), r.Notes,
		string(r.Status), boolInt(!r.Status.Closed()), string(r.PauseReason), fmtDate(r.PausedSince), r.PausedDays, r.ClarificationDays, boolInt(d.verified), fmtDate(r.VerifiedOn), fmtDate(r.FeeReceivedOn), d.missing,
		d.clockStart, d.due, d.effective, boolInt(r.Extended), d.ext, r.ExtensionReason, fmtDate(r.ExtensionNotifiedOn),
		fmtDate(r.ClosedOn), r.OutcomeReason, nullID(r.CreatedBy), boolInt(r.Imported), key)
	w.pending = append(w.pending, pendingRequest{ref: r.Reference, evidence: r.Evidence, actor: actor, now: now, action: action, detail: detail})
	if len(w.pending) >= importBatch {
		return w.flush()
	}
	return nil
}

// flush writes the pending requests in one statement, then their evidence
// and events.
func (w *importWriter) flush() error {
	n := len(w.pending)
	if n == 0 {
		return nil
	}
	stmt, ok := w.reqAdd[n]
	if !ok {
		q := requestInsertCols + strings.TrimSuffix(strings.Repeat(requestInsertRow+", ", n), ", ") + " RETURNING id, reference"
		var err error
		if stmt, err = w.tx.Prepare(q); err != nil {
			return fmt.Errorf("prepare the import: %w", err)
		}
		w.reqAdd[n] = stmt
	}
	// RETURNING gives rows in no promised order: match them by reference.
	ids := make(map[string]int64, n)
	rows, err := stmt.Query(w.args...)
	if err != nil {
		return fmt.Errorf("save requests: %w", err)
	}
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			rows.Close()
			return fmt.Errorf("save requests: %w", err)
		}
		ids[ref] = id
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("save requests: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("save requests: %w", err)
	}
	for _, p := range w.pending {
		id, ok := ids[p.ref]
		if !ok {
			return fmt.Errorf("save requests: no id came back for a request")
		}
		for _, e := range p.evidence {
			if _, err := w.evAdd.Exec(id, string(e.Kind), string(e.Method), e.Document, e.IssuingCountry, e.Last4, e.ExpiryChecked, e.PhotoMatched, string(e.Strength), e.Description, fmtDate(e.ReceivedOn), nullID(e.CheckedBy), fmtTime(e.CheckedAt)); err != nil {
				return fmt.Errorf("record evidence: %w", err)
			}
		}
	}
	for _, p := range w.pending {
		if err := w.logEvent(p.actor, p.now, p.action, p.ref, p.detail); err != nil {
			return err
		}
	}
	w.pending = w.pending[:0]
	w.args = w.args[:0]
	return nil
}

// finish writes the pending requests and indexes every request added for
// search. The writer is done with after it.
func (w *importWriter) finish() error {
	if err := w.flush(); err != nil {
		return err
	}
	return fillSearch(w.tx, w.searchAfter)
}

// logEvent is storage's logEvent (appendEvent) with the chain's tail
// kept in memory.
func (w *importWriter) logEvent(actor model.Staff, now time.Time, action, ref, detail string) error {
	e := model.Event{Seq: w.seq + 1, At: now.UTC(), ActorID: actor.ID, ActorName: actor.Name, Action: action, Reference: ref, Detail: detail, PrevHash: w.prev}
	e.Hash = e.ComputeHash(w.prev)
	if _, err := w.eventAdd.Exec(e.Seq, fmtTime(e.At), e.ActorID, e.ActorName, e.Action, e.Reference, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("append to the audit trail: %w", err)
	}
	w.seq, w.prev = e.Seq, e.Hash
	return nil
}
