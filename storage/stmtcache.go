package storage

import (
	"database/sql"
)

// rowWriter is what insertRequest and the helpers it calls need of a
// transaction: a *sql.Tx, or a stmtTx.
type rowWriter interface {
	Exec(query string, args ...any) (sql.Result, error)
	QueryRow(query string, args ...any) *sql.Row
}

// stmtTx is a transaction that prepares each statement once, for a writer
// that saves thousands of requests in it (the demo register): SQLite
// parsing the same INSERTs again for every request was a quarter of the
// time.
type stmtTx struct {
	*sql.Tx
	stmts map[string]*sql.Stmt
}

func newStmtTx(tx *sql.Tx) *stmtTx { return &stmtTx{Tx: tx, stmts: map[string]*sql.Stmt{}} }

func (t *stmtTx) stmt(q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.Tx.Prepare(q)
	if err != nil {
		return nil, err
	}
	t.stmts[q] = st
	return st, nil
}

func (t *stmtTx) Exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (t *stmtTx) QueryRow(q string, args ...any) *sql.Row {
	st, err := t.stmt(q)
	if err != nil {
		return t.Tx.QueryRow(q, args...) // which reports the same error
	}
	return st.QueryRow(args...)
}

// close closes the prepared statements; the transaction stays open.
func (t *stmtTx) close() {
	for _, st := range t.stmts {
		st.Close()
	}
}
