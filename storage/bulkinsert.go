package storage

import (
	"database/sql"
	"fmt"
	"strings"
)

// bulkInsert writes many rows into one table with multi-row INSERTs, built
// from the single-row statement the desk uses (so the columns are named in
// one place). Each statement SQLite runs has a fixed cost — binding, a
// statement journal, the driver's round trip — that one row a statement
// paid a hundred thousand times over in an import; a few hundred rows a
// statement pay it a few hundred times.
type bulkInsert struct {
	tx    *sql.Tx
	head  string // INSERT INTO t (cols) VALUES
	row   string // (?, ?, …)
	cols  int
	stmts map[int]*sql.Stmt // by rows per statement
}

// bulkSizes are the rows per statement, largest first: a batch of any
// size is written with a few statements, each prepared once.
var bulkSizes = []int{256, 64, 16, 4, 1}

// newBulkInsert makes a bulkInsert from single, an INSERT … VALUES (?, …)
// of one row. With withID the rows also give the table's INTEGER PRIMARY
// KEY `id`, first: an import that knows the ids it will get writes the
// rows that point at them without reading them back.
func newBulkInsert(tx *sql.Tx, single string, withID bool) (*bulkInsert, error) {
	i := strings.LastIndex(single, "VALUES")
	open := strings.Index(single, "(")
	if i < 0 || open < 0 || open > i {
		return nil, fmt.Errorf("bulk insert: not an INSERT … VALUES: %.40q", single)
	}
	head, row := single[:i+len("VALUES")], strings.TrimSpace(single[i+len("VALUES"):])
	if withID {
		head = head[:open+1] + "id, " + head[open+1:]
		row = "(?, " + row[1:]
	}
	b := &bulkInsert{tx: tx, head: head + " ", row: row, cols: strings.Count(row, "?"), stmts: map[int]*sql.Stmt{}}
	if b.cols == 0 || b.cols*bulkSizes[0] > 32766 {
		return nil, fmt.Errorf("bulk insert: %d columns do not fit SQLite's limit on variables", b.cols)
	}
	return b, nil
}

// write inserts the rows whose values args holds, one row after another.
func (b *bulkInsert) write(args []any) error {
	if len(args)%b.cols != 0 {
		return fmt.Errorf("bulk insert: %d values are not rows of %d", len(args), b.cols)
	}
	for len(args) > 0 {
		rows := len(args) / b.cols
		n := bulkSizes[len(bulkSizes)-1]
		for _, size := range bulkSizes {
			if size <= rows {
				n = size
				break
			}
		}
		stmt, err := b.stmt(n)
		if err != nil {
			return err
		}
		if _, err := stmt.Exec(args[:n*b.cols]...); err != nil {
			return err
		}
		args = args[n*b.cols:]
	}
	return nil
}

func (b *bulkInsert) stmt(n int) (*sql.Stmt, error) {
	if st, ok := b.stmts[n]; ok {
		return st, nil
	}
	q := b.head + strings.TrimSuffix(strings.Repeat(b.row+", ", n), ", ")
	st, err := b.tx.Prepare(q)
	if err != nil {
		return nil, fmt.Errorf("prepare a bulk insert: %w", err)
	}
	b.stmts[n] = st
	return st, nil
}

func (b *bulkInsert) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}
