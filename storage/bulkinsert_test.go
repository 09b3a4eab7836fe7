package storage

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

func TestParseInsert(t *testing.T) {
	for _, tc := range []struct {
		q     string
		table string
		cols  int
		ok    bool
	}{
		{"INSERT INTO t (a, b, c) VALUES (?, ?, ?)", "t", 3, true},
		{"INSERT INTO t (a,\n\t\tb) VALUES (?,\n ?)", "t", 2, true},
		{"INSERT INTO t (a, b) VALUES (?, lower(?))", "", 0, false}, // an expression: not a row of placeholders
		{"INSERT INTO t (a, b) VALUES (?)", "", 0, false},
		{"INSERT OR IGNORE INTO t (a) VALUES (?)", "", 0, false},
		{"UPDATE t SET a = ?", "", 0, false},
		{requestInsert, "requests", 37, true},
		{eventInsert, "events", 10, true},
	} {
		table, cols, ok := parseInsert(tc.q)
		if ok != tc.ok || table != tc.table || len(cols) != tc.cols {
			t.Errorf("parseInsert(%.40q) = %q, %d columns, %v; want %q, %d, %v", tc.q, table, len(cols), ok, tc.table, tc.cols, tc.ok)
		}
	}
}

// TestBulkInsertLeavesOutDefaults writes the same rows with bulkInsert
// and one INSERT a row: the tables must hold the same values of the same
// types, whichever columns bulkInsert left to their DEFAULT.
func TestBulkInsertLeavesOutDefaults(t *testing.T) {
	s := newEmptyStore(t)
	ctx := context.Background()
	const schema = `CREATE TABLE %s (
		id INTEGER PRIMARY KEY,
		txt TEXT NOT NULL DEFAULT '',
		quoted TEXT NOT NULL DEFAULT 'it''s',
		num INTEGER NOT NULL DEFAULT 0,
		maybe INTEGER,
		blob BLOB NOT NULL DEFAULT x'',
		expr TEXT NOT NULL DEFAULT (lower('X'))
	)`
	single := "INSERT INTO %s (txt, quoted, num, maybe, blob, expr) VALUES (?, ?, ?, ?, ?, ?)"
	// Rows chosen so that statements see every mix: all defaults, a
	// default's look-alike of another type ("0" for 0), and values.
	rows := [][]any{
		{"", "it's", 0, nil, []byte{}, "x"},
		{"", "it's", int64(0), nil, []byte{}, "x"},
		{"a", "it's", 0, nil, []byte{1}, "x"},
		{"", "its", "0", int64(7), []byte{}, "y"},
		{"", "it's", 0, 0, []byte{}, "x"},
	}
	for i := 0; i < 300; i++ { // a 256-row statement and smaller ones
		rows = append(rows, []any{"", "it's", 0, nil, []byte{}, "x"})
	}
	var leftOut bool
	err := s.writeConn(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		for _, table := range []string{"one", "bulk"} {
			if _, err := tx.Exec(fmt.Sprintf(schema, table)); err != nil {
				return err
			}
		}
		b, err := newBulkInsert(conn, tx, fmt.Sprintf(single, "bulk"), false)
		if err != nil {
			return err
		}
		defer b.close()
		var args []any
		for _, r := range rows {
			if _, err := tx.Exec(fmt.Sprintf(single, "one"), r...); err != nil {
				return err
			}
			args = append(args, r...)
		}
		// The first rows alone, so that small statements take each shape.
		if err := b.write(args[:5*b.cols]); err != nil {
			return err
		}
		if err := b.write(args[5*b.cols:]); err != nil {
			return err
		}
		for shape := range b.stmts {
			leftOut = leftOut || shape.omitted != 0
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dump := func(table string) string {
		rows, err := s.db.Query(`SELECT id, quote(txt), quote(quoted), typeof(num), quote(num), quote(maybe), quote(blob), quote(expr) FROM ` + table + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		all, err := allValues(rows)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(all)
	}
	if one, bulk := dump("one"), dump("bulk"); one != bulk {
		t.Errorf("bulk rows differ from single-row inserts:\n one: %.300s\nbulk: %.300s", one, bulk)
	}
	if !leftOut {
		t.Error("no statement left a column to its DEFAULT")
	}
}
