package storage

import (
	"context"
	"errors"

	"rightsdesk/model"
)

// importItem is a row of an import with what can be worked out before the
// register is asked: the request's columns (requestArgs, its reference and
// patient filled in when it is written), its evidence's (evidenceArgs, the
// request's id filled in) and its patient's key.
type importItem struct {
	row              model.ImportRow
	req              []any
	evidence         []any
	subjKey, subjDOB string
}

// Positions of the values the import's writer fills in last: in
// requestArgs, the reference (made for rows without one) and the patient;
// in evidenceArgs, the request. TestImportArgPositions holds them to the
// statements' columns.
const (
	requestArgReference = 0
	requestArgSubject   = 7
	evidenceArgRequest  = 0
)

// prepare works out a row's columns; rows with problems, and all rows of
// a dry run (write false), are passed on as they are.
func prepare(row model.ImportRow, st model.Settings, write bool) (importItem, error) {
	it := importItem{row: row}
	if !write || len(row.Problems) > 0 {
		return it, nil
	}
	r := &it.row.Request
	var err error
	if it.req, err = requestArgs(r, st, row.Key); err != nil {
		return it, err
	}
	for _, e := range r.Evidence {
		it.evidence = append(it.evidence, evidenceArgs(0, e)...)
	}
	it.subjKey, it.subjDOB = foldKey(r.Subject.Name), fmtDate(r.Subject.DateOfBirth)
	return it, nil
}

// errImportStopped ends the preparing goroutine when the import stops.
var errImportStopped = errors.New("import stopped")

// prepared runs src on a goroutine of its own, preparing each row there,
// and hands the items to use on the caller's goroutine (the one that owns
// the transaction), in the file's order. Working out a request's
// deadlines and columns is a fifth of an import's work; done beside the
// database's work it costs no time on a machine with two cores.
func prepared(ctx context.Context, c model.Ctx, src ImportSource, write bool, use func(importItem) error) error {
	const batchSize = 256
	batches := make(chan []importItem, 8)
	stop := make(chan struct{})
	var srcErr error
	go func() {
		defer close(batches)
		batch := make([]importItem, 0, batchSize)
		send := func() bool {
			select {
			case batches <- batch:
				batch = make([]importItem, 0, batchSize)
				return true
			case <-stop:
				return false
			}
		}
		srcErr = src(c, func(row model.ImportRow) error {
			it, err := prepare(row, c.Settings, write)
			if err != nil {
				return err
			}
			batch = append(batch, it)
			if len(batch) == batchSize && !send() {
				return errImportStopped
			}
			return nil
		})
		if srcErr == nil && len(batch) > 0 {
			send()
		}
	}()
	var useErr error
	for batch := range batches {
		if useErr != nil {
			continue // drain, so that the goroutine can finish
		}
		for _, it := range batch {
			if useErr = ctx.Err(); useErr == nil {
				useErr = use(it)
			}
			if useErr != nil {
				close(stop)
				break
			}
		}
	}
	// batches is closed: the goroutine has finished with srcErr.
	if useErr != nil {
		return useErr
	}
	if srcErr != nil && !errors.Is(srcErr, errImportStopped) {
		return srcErr
	}
	return nil
}
