package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"
)

// bulkInsert writes many rows into one table with multi-row INSERTs, built
// from the single-row statement the desk uses (so the columns are named in
// one place). Each statement SQLite runs has a fixed cost — binding, a
// statement journal, the driver's round trip — that one row a statement
// paid a hundred thousand times over in an import; a few hundred rows a
// statement pay it a few hundred times.
//
// It runs its statements on the driver's connection (conn.Raw), inside the
// transaction open on conn: database/sql would copy and check each of
// the millions of values into a fresh slice per statement, a tenth of the
// writer's time; here one slice is reused, and the values are converted
// as database/sql converts them (driverValue).
type bulkInsert struct {
	conn  *sql.Conn
	head  string // INSERT INTO t (cols) VALUES
	row   string // (?, ?, …)
	cols  int
	stmts map[int]driver.Stmt // by rows per statement
	vals  []driver.NamedValue
}

// bulkSizes are the rows per statement, largest first: a batch of any
// size is written with a few statements, each prepared once.
var bulkSizes = []int{256, 64, 16, 4, 1}

// newBulkInsert makes a bulkInsert from single, an INSERT … VALUES (?, …)
// of one row. With withID the rows also give the table's INTEGER PRIMARY
// KEY `id`, first: an import that knows the ids it will get writes the
// rows that point at them without reading them back.
func newBulkInsert(conn *sql.Conn, single string, withID bool) (*bulkInsert, error) {
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
	b := &bulkInsert{conn: conn, head: head + " ", row: row, cols: strings.Count(row, "?"), stmts: map[int]driver.Stmt{}}
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
	return b.conn.Raw(func(dc any) error {
		for len(args) > 0 {
			rows := len(args) / b.cols
			n := bulkSizes[len(bulkSizes)-1]
			for _, size := range bulkSizes {
				if size <= rows {
					n = size
					break
				}
			}
			if err := b.exec(dc, n, args[:n*b.cols]); err != nil {
				return err
			}
			args = args[n*b.cols:]
		}
		return nil
	})
}

// exec runs the statement of n rows with args on the driver's connection.
func (b *bulkInsert) exec(dc any, n int, args []any) error {
	st, ok := b.stmts[n]
	if !ok {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("bulk insert: the driver cannot prepare statements")
		}
		q := b.head + strings.TrimSuffix(strings.Repeat(b.row+", ", n), ", ")
		var err error
		if st, err = pc.PrepareContext(context.Background(), q); err != nil {
			return fmt.Errorf("prepare a bulk insert: %w", err)
		}
		b.stmts[n] = st
	}
	ex, ok := st.(driver.StmtExecContext)
	if !ok {
		return errors.New("bulk insert: the driver cannot run statements")
	}
	vals := b.vals[:0]
	for i, a := range args {
		v, err := driverValue(a)
		if err != nil {
			return fmt.Errorf("bulk insert: value %d: %w", i+1, err)
		}
		vals = append(vals, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	// No deadline reaches SQLite: the import checks its context between
	// rows, and a cancellable context would cost the driver a watcher per
	// statement.
	_, err := ex.ExecContext(context.Background(), vals)
	clear(vals) // let the batch's values go
	b.vals = vals[:0]
	return err
}

// driverValue is v as database/sql hands it to the driver (its default
// conversion, which this driver uses): the common kinds directly, the
// rest (named types, Valuers) through driver.DefaultParameterConverter.
func driverValue(v any) (driver.Value, error) {
	switch x := v.(type) {
	case nil, int64, string, []byte, bool, float64, time.Time:
		return x, nil
	case int:
		return int64(x), nil
	}
	return driver.DefaultParameterConverter.ConvertValue(v)
}

func (b *bulkInsert) close() {
	if len(b.stmts) == 0 {
		return
	}
	_ = b.conn.Raw(func(any) error {
		for _, st := range b.stmts {
			st.Close()
		}
		return nil
	})
	clear(b.stmts)
}
