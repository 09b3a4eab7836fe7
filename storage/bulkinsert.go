package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
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
// the millions of values into a fresh slice per statement; here one slice
// is reused, and the values are converted as database/sql converts them
// (driverValue).
//
// A column whose value is its DEFAULT in every row of a statement is left
// out of that statement, so SQLite fills it in: the row stored is the
// same, and the driver copies fewer values (for an imported request, 32
// of 38 in most statements: some optional columns are blank in every row).
type bulkInsert struct {
	conn     *sql.Conn
	table    string
	names    []string       // the columns, in the single-row statement's order
	cols     int            // len(names): values a row
	defaults []driver.Value // each column's DEFAULT, as the value that gives it
	omitable []bool         // whether defaults[i] is known
	stmts    map[bulkShape]driver.Stmt
	vals     []driver.NamedValue // reused for each statement's arguments
	conv     []driver.Value      // … and for its values, converted
}

// bulkShape is what a statement is prepared for: rows of the columns not
// left out (a bit each, in names' order).
type bulkShape struct {
	rows    int
	omitted uint64
}

// bulkSizes are the rows per statement, largest first: a batch of any
// size is written with a few statements, each prepared once.
var bulkSizes = []int{256, 64, 16, 4, 1}

// maxBulkStmts bounds the statements a bulkInsert keeps prepared.
const maxBulkStmts = 64

// newBulkInsert makes a bulkInsert from single, an INSERT INTO t (columns)
// VALUES (?, …) of one row, to run on conn inside tx. With withID the rows
// also give the table's INTEGER PRIMARY KEY `id`, first: an import that
// knows the ids it will get writes the rows that point at them without
// reading them back.
func newBulkInsert(conn *sql.Conn, tx *sql.Tx, single string, withID bool) (*bulkInsert, error) {
	table, cols, ok := parseInsert(single)
	if !ok {
		return nil, fmt.Errorf("bulk insert: not an INSERT INTO t (columns) VALUES (?, …): %.40q", single)
	}
	if withID {
		cols = append([]string{"id"}, cols...)
	}
	if len(cols)*bulkSizes[0] > 32766 {
		return nil, fmt.Errorf("bulk insert: %d columns do not fit SQLite's limit on variables", len(cols))
	}
	b := &bulkInsert{conn: conn, table: table, names: cols, cols: len(cols), stmts: map[bulkShape]driver.Stmt{}}
	b.defaults, b.omitable = make([]driver.Value, len(cols)), make([]bool, len(cols))
	known, err := columnDefaults(tx, table)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if d, ok := known[c]; ok && len(cols) <= 64 {
			b.defaults[i], b.omitable[i] = d, true
		}
	}
	return b, nil
}

// parseInsert reads the table and columns of an INSERT INTO t (a, b, …)
// VALUES (?, ?, …) with a placeholder for each column.
func parseInsert(single string) (table string, cols []string, ok bool) {
	open, close := strings.Index(single, "("), strings.Index(single, ")")
	values := strings.LastIndex(single, "VALUES")
	if open < 0 || close < open || values < close {
		return "", nil, false
	}
	words := strings.Fields(single[:open])
	if len(words) != 3 || !strings.EqualFold(words[0], "INSERT") || !strings.EqualFold(words[1], "INTO") {
		return "", nil, false
	}
	for _, c := range strings.Split(single[open+1:close], ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	row := strings.Join(strings.Fields(single[values+len("VALUES"):]), "")
	if row != "("+strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",")+")" {
		return "", nil, false
	}
	return words[2], cols, true
}

// columnDefaults are the columns of table whose DEFAULT is a plain
// literal (an integer or a quoted text), or NULL for a nullable column
// with none, as the driver value that stores the same thing.
func columnDefaults(tx *sql.Tx, table string) (map[string]driver.Value, error) {
	rows, err := tx.Query(`SELECT name, dflt_value, "notnull" FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	out := map[string]driver.Value{}
	for rows.Next() {
		var name string
		var dflt sql.NullString
		var notNull bool
		if err := rows.Scan(&name, &dflt, &notNull); err != nil {
			return nil, fmt.Errorf("read the columns of %s: %w", table, err)
		}
		switch d := dflt.String; {
		case !dflt.Valid:
			if !notNull {
				out[name] = nil
			}
		case len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'':
			out[name] = strings.ReplaceAll(d[1:len(d)-1], "''", "'")
		default:
			if n, err := strconv.ParseInt(d, 10, 64); err == nil && strconv.FormatInt(n, 10) == d {
				out[name] = n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	return out, nil
}

// write inserts the rows whose values args holds, one row after another.
func (b *bulkInsert) write(args []any) error {
	cols := b.cols
	if len(args)%cols != 0 {
		return fmt.Errorf("bulk insert: %d values are not rows of %d", len(args), cols)
	}
	return b.conn.Raw(func(dc any) error {
		for len(args) > 0 {
			rows := len(args) / cols
			n := bulkSizes[len(bulkSizes)-1]
			for _, size := range bulkSizes {
				if size <= rows {
					n = size
					break
				}
			}
			if err := b.exec(dc, n, args[:n*cols]); err != nil {
				return err
			}
			args = args[n*cols:]
		}
		return nil
	})
}

// exec runs the statement for n rows with args on the driver's connection.
func (b *bulkInsert) exec(dc any, n int, args []any) error {
	conv := b.conv[:0]
	for i, a := range args {
		v, err := driverValue(a)
		if err != nil {
			return fmt.Errorf("bulk insert into %s: value %d: %w", b.table, i+1, err)
		}
		conv = append(conv, v)
	}
	b.conv = conv
	shape := bulkShape{rows: n}
	for c := range b.names {
		if b.omitable[c] && b.allDefault(conv, c) {
			shape.omitted |= 1 << c
		}
	}
	if shape.omitted == 1<<len(b.names)-1 {
		shape.omitted &^= 1 // a row names at least one column
	}
	st, err := b.stmt(dc, shape)
	if err != nil {
		return err
	}
	ex, ok := st.(driver.StmtExecContext)
	if !ok {
		return errors.New("bulk insert: the driver cannot run statements")
	}
	vals := b.vals[:0]
	for i, v := range conv {
		if shape.omitted&(1<<(i%len(b.names))) == 0 {
			vals = append(vals, driver.NamedValue{Ordinal: len(vals) + 1, Value: v})
		}
	}
	// No deadline reaches SQLite: the import checks its context between
	// rows, and a cancellable context would cost the driver a watcher per
	// statement.
	_, err = ex.ExecContext(context.Background(), vals)
	clear(vals) // let the batch's values go
	clear(conv)
	b.vals, b.conv = vals[:0], conv[:0]
	if err != nil {
		return fmt.Errorf("insert into %s: %w", b.table, err)
	}
	return nil
}

// allDefault says whether column c holds its DEFAULT in every row of vals.
func (b *bulkInsert) allDefault(vals []driver.Value, c int) bool {
	d := b.defaults[c]
	for i := c; i < len(vals); i += len(b.names) {
		if !sameValue(vals[i], d) {
			return false
		}
	}
	return true
}

// sameValue says whether v stores what the default d does: the same type
// and value (a text "0" is not the integer 0).
func sameValue(v, d driver.Value) bool {
	switch d := d.(type) {
	case nil:
		return v == nil
	case int64:
		n, ok := v.(int64)
		return ok && n == d
	case string:
		s, ok := v.(string)
		return ok && s == d
	}
	return false
}

// stmt is the statement for shape, prepared on first use.
func (b *bulkInsert) stmt(dc any, shape bulkShape) (driver.Stmt, error) {
	if st, ok := b.stmts[shape]; ok {
		return st, nil
	}
	pc, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("bulk insert: the driver cannot prepare statements")
	}
	if len(b.stmts) >= maxBulkStmts {
		b.closeStmts()
	}
	var cols []string
	for i, c := range b.names {
		if shape.omitted&(1<<i) == 0 {
			cols = append(cols, c)
		}
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	q := "INSERT INTO " + b.table + " (" + strings.Join(cols, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", shape.rows), ", ")
	st, err := pc.PrepareContext(context.Background(), q)
	if err != nil {
		return nil, fmt.Errorf("prepare a bulk insert into %s: %w", b.table, err)
	}
	b.stmts[shape] = st
	return st, nil
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

func (b *bulkInsert) closeStmts() {
	for _, st := range b.stmts {
		st.Close()
	}
	clear(b.stmts)
}

func (b *bulkInsert) close() {
	if len(b.stmts) == 0 {
		return
	}
	_ = b.conn.Raw(func(any) error {
		b.closeStmts()
		return nil
	})
}
