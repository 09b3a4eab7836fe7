package storage

import (
	"context"
	"database/sql"
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
	tx       *sql.Tx
	st       model.Settings
	actor    model.Staff
	now      time.Time
	opt      ImportOptions
	res      ImportResult
	refLine  map[string]int // reference → the line that gives it
	keyLine  map[string]int // import key → the line it came from
	byRef    *sql.Stmt
	byKey    *sql.Stmt
	failedAt int // the first line with a problem; nothing is written after it
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
	return im, nil
}

func (im *importer) close() {
	im.byRef.Close()
	im.byKey.Close()
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
	if err := insertRequest(im.tx, &r, im.st, row.Key); err != nil {
		return err
	}
	return logEvent(im.tx, im.actor, im.now, string(model.ActImport), r.Reference, row.Detail)
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
