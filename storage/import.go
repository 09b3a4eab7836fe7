package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
	// Rows is how many data rows the file has, as far as a first read
	// tells (0 when unknown): a big import into a small register builds
	// the requests' indexes once at its end instead of row by row.
	Rows int
}

// ImportResult is what an import did, or would do on a dry run.
type ImportResult struct {
	Rows     int // data rows read
	Added    int // requests added (or that would be)
	Present  int // rows already in the register from an earlier import
	Problems []model.ImportProblem
	Timing   ImportTiming
}

// ImportTiming is how long an import's parts took, for its benchmark.
type ImportTiming struct {
	Rows    time.Duration // reading, checking and writing the rows
	Indexes time.Duration // building indexes set aside (bulkPlan)
	Search  time.Duration // filling the search index
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
	err := s.writeConn(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
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
		plan, err := planImport(tx, opt.Rows, opt.DryRun)
		if err != nil {
			return err
		}
		im, err := newImporter(conn, tx, st, actor, now, opt, plan)
		if err != nil {
			return err
		}
		defer im.close()
		start := time.Now()
		c := model.Ctx{Now: now, Actor: actor, Settings: st, Cal: calendarFor(st.Nation)}
		if err := prepared(ctx, c, src, !opt.DryRun, im.add); err != nil {
			return err
		}
		if err := im.settle(); err != nil {
			return err
		}
		res = im.res
		res.Timing.Rows = time.Since(start)
		if len(res.Problems) > 0 || opt.DryRun || res.Added == 0 {
			return errRollback
		}
		if res.Timing.Indexes, res.Timing.Search, err = im.w.finish(); err != nil {
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

// importer checks and writes rows inside the import's transaction. Rows
// wait in queue until importBatch of them are looked up in the register
// with one query (settle), then go on in the file's order.
type importer struct {
	tx      *sql.Tx
	st      model.Settings
	actor   model.Staff
	now     time.Time
	opt     ImportOptions
	res     ImportResult
	refLine map[string]int // reference → the line that gives it
	keyLine map[string]int // import key → the line it came from
	queue   []importItem
	plan    *bulkPlan
	byRef   *sql.Stmt
	byKey   *sql.Stmt
	w       *importWriter
}

// importBatch is how many rows are looked up, and written, together.
const importBatch = 512

// The register's side of the checks, for a batch of rows: the arguments
// are JSON arrays of references or import keys, looked up one by one by
// their unique indexes.
const (
	importByRef = `SELECT r.reference, coalesce(r.import_key, '') FROM json_each(?) j
		JOIN requests r ON r.reference = j.value`
	importByKey = `SELECT r.import_key, r.reference FROM json_each(?) j
		JOIN requests r ON r.import_key = j.value`
)

func newImporter(conn *sql.Conn, tx *sql.Tx, st model.Settings, actor model.Staff, now time.Time, opt ImportOptions, plan *bulkPlan) (*importer, error) {
	im := &importer{tx: tx, st: st, actor: actor, now: now, opt: opt, plan: plan, refLine: map[string]int{}, keyLine: map[string]int{}}
	var err error
	if im.byRef, err = tx.Prepare(importByRef); err != nil {
		return nil, fmt.Errorf("prepare the import: %w", err)
	}
	if im.byKey, err = tx.Prepare(importByKey); err != nil {
		im.byRef.Close()
		return nil, fmt.Errorf("prepare the import: %w", err)
	}
	if !opt.DryRun {
		if im.w, err = newImportWriter(conn, tx, plan); err != nil {
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

// add checks a row against the file (a reference or row given twice) and
// queues it for the register's checks.
func (im *importer) add(it importItem) error {
	row := it.row
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
	im.queue = append(im.queue, it)
	if len(im.queue) >= importBatch {
		return im.settle()
	}
	return nil
}

// settle checks the queued rows against the register and hands those to
// add to the writer. A row is already in the register when its reference
// is there with the same import key, or, without a reference, its import
// key is; a reference there with another key is a problem.
func (im *importer) settle() error {
	if len(im.queue) == 0 {
		return nil
	}
	// From memory when the plan read the register, else one query each.
	keyOfRef, refOfKey := im.plan.refs, im.plan.keys
	if keyOfRef == nil {
		var refs, keys []string
		for _, it := range im.queue {
			if it.row.Request.Reference != "" {
				refs = append(refs, it.row.Request.Reference)
			} else {
				keys = append(keys, it.row.Key)
			}
		}
		var err error
		if keyOfRef, err = lookUp(im.byRef, refs); err != nil {
			return fmt.Errorf("look up references: %w", err)
		}
		if refOfKey, err = lookUp(im.byKey, keys); err != nil {
			return fmt.Errorf("look up imported rows: %w", err)
		}
	}
	for _, it := range im.queue {
		row, r := it.row, it.row.Request
		if r.Reference != "" {
			key, ok := keyOfRef[r.Reference]
			switch {
			case !ok:
			case key == row.Key:
				im.res.Present++
				continue
			case key == "":
				im.problem(row.Line, model.ColReference, "is already used by a request logged at the desk", "give this row another reference, or leave it blank to have one made")
				continue
			default:
				im.problem(row.Line, model.ColReference, "is already in the register with other details (imported earlier)", "give this row another reference, or correct it to match the register")
				continue
			}
		} else if _, ok := refOfKey[row.Key]; ok {
			im.res.Present++
			continue
		}
		if len(im.res.Problems) > 0 {
			continue // keep checking, but nothing more will be written
		}
		im.res.Added++
		if im.opt.DryRun {
			continue
		}
		ref := r.Reference
		if ref == "" {
			var err error
			if ref, err = im.makeReference(r); err != nil {
				return err
			}
		}
		if err := im.w.add(it, ref, im.actor, im.now, string(model.ActImport), row.Detail); err != nil {
			return err
		}
	}
	clear(im.queue)
	im.queue = im.queue[:0]
	return nil
}

// lookUp runs a two-column query on a JSON array of values and maps the
// first column to the second.
func lookUp(stmt *sql.Stmt, values []string) (map[string]string, error) {
	found := map[string]string{}
	if len(values) == 0 {
		return found, nil
	}
	arg, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.Query(string(arg))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		found[k] = v
	}
	return found, rows.Err()
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
