package storage

import (
	"database/sql"
	"fmt"
	"strings"
)

// asideMinRows is the smallest import that sets indexes aside (a
// variable so that tests can take both paths).
var asideMinRows = 1000

// bulkPlan is how a big import into a small register works. Keeping a
// table's indexes in order row by row, each insert landing somewhere else
// in each index, was most of an import's time; CREATE INDEX sorts the
// rows once, which is cheaper while the rows added are at least as many
// as those already there. So each table the import adds more rows to than
// it holds has its indexes set aside at the first write and built again
// at the end, and the lookups those indexes served during the import are
// answered from memory, from the register's rows read at the start.
type bulkPlan struct {
	tables   []string            // whose indexes are set aside
	refs     map[string]string   // reference → import key ("" if none), when requests is
	keys     map[string]string   // import key → reference, when requests is
	patients map[[2]string]int64 // [name_key, date_of_birth] → the first id, when subjects is
}

// planImport decides, for an import of rows requests, which tables' indexes
// to set aside, and reads what their lookups need. A dry run writes
// nothing, so it sets nothing aside.
func planImport(tx *sql.Tx, rows int, dryRun bool) (*bulkPlan, error) {
	p := &bulkPlan{}
	if dryRun || rows < asideMinRows {
		return p, nil
	}
	for _, t := range []struct{ table, last string }{
		{"requests", "SELECT coalesce(max(id), 0) FROM requests"},
		{"subjects", "SELECT coalesce(max(id), 0) FROM subjects"},
		{"events", "SELECT coalesce(max(seq), 0) FROM events"},
	} {
		var last int64
		if err := tx.QueryRow(t.last).Scan(&last); err != nil {
			return nil, fmt.Errorf("plan the import: %w", err)
		}
		if int64(rows) >= last {
			p.tables = append(p.tables, t.table)
		}
	}
	for _, t := range p.tables {
		switch t {
		case "requests":
			p.refs, p.keys = map[string]string{}, map[string]string{}
			err := eachRow(tx, "SELECT reference, coalesce(import_key, '') FROM requests", func(ref, key string) {
				p.refs[ref] = key
				if key != "" {
					p.keys[key] = ref
				}
			})
			if err != nil {
				return nil, fmt.Errorf("read the register's references: %w", err)
			}
		case "subjects":
			p.patients = map[[2]string]int64{}
			rows, err := tx.Query("SELECT id, name_key, date_of_birth FROM subjects WHERE anonymised = 0 ORDER BY id")
			if err != nil {
				return nil, fmt.Errorf("read the register's patients: %w", err)
			}
			for rows.Next() {
				var id int64
				var k [2]string
				if err := rows.Scan(&id, &k[0], &k[1]); err != nil {
					rows.Close()
					return nil, fmt.Errorf("read the register's patients: %w", err)
				}
				if _, ok := p.patients[k]; !ok {
					p.patients[k] = id
				}
			}
			if err := rows.Close(); err != nil {
				return nil, fmt.Errorf("read the register's patients: %w", err)
			}
		}
	}
	return p, nil
}

// allValues reads every row of rows, whatever its columns, and closes it.
func allValues(rows *sql.Rows) ([][]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	all := [][]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		all = append(all, vals)
	}
	return all, rows.Err()
}

// eachRow calls fn with the two text columns of each row of q.
func eachRow(tx *sql.Tx, q string, fn func(a, b string)) error {
	rows, err := tx.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		fn(a, b)
	}
	return rows.Err()
}

// asideIndexes are a table's indexes, dropped inside an import's
// transaction and built again before it commits (bulkPlan). The indexes
// a table's constraints make (UNIQUE in CREATE TABLE) stay. A unique
// index built again checks, as it is built, what it checked row by row.
// Nobody sees a table without its indexes: the transaction is immediate
// and the drop is part of it, undone with it on any failure.
type asideIndexes struct {
	table string
	names []string
	sql   []string
	stats map[string][][]any // the planner's figures: rows of each statistics table
}

// statTables are SQLite's planner statistics (sqlite_stat4 exists where
// ANALYZE made it).
var statTables = []string{"sqlite_stat1", "sqlite_stat4"}

// setIndexesAside drops table's indexes, remembering how to make
// them again (the statements the migrations gave, as SQLite keeps them)
// and the planner statistics that dropping them deletes.
func setIndexesAside(tx *sql.Tx, table string) (*asideIndexes, error) {
	a := &asideIndexes{table: table, stats: map[string][][]any{}}
	err := eachRow(tx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND tbl_name = '`+table+`' AND sql IS NOT NULL ORDER BY name`, func(name, q string) {
		a.names, a.sql = append(a.names, name), append(a.sql, q)
	})
	if err != nil {
		return nil, fmt.Errorf("read the indexes of %s: %w", table, err)
	}
	for _, st := range statTables {
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = ?", st).Scan(&n); err != nil || n == 0 {
			continue
		}
		rows, err := tx.Query("SELECT * FROM "+st+" WHERE tbl = ?", table)
		if err != nil {
			return nil, fmt.Errorf("read the planner statistics: %w", err)
		}
		if a.stats[st], err = allValues(rows); err != nil {
			return nil, fmt.Errorf("read the planner statistics: %w", err)
		}
	}
	for _, name := range a.names {
		// The name comes from sqlite_schema, not from anyone's input.
		if _, err := tx.Exec(`DROP INDEX "` + name + `"`); err != nil {
			return nil, fmt.Errorf("set index %s aside: %w", name, err)
		}
	}
	return a, nil
}

// rebuild makes the indexes again and puts back the planner's statistics
// for the table as they were, so that queries keep the plans the query
// plan test holds them to.
func (a *asideIndexes) rebuild(tx *sql.Tx) error {
	for i, q := range a.sql {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("rebuild index %s: %w", a.names[i], err)
		}
	}
	for st, rows := range a.stats {
		if _, err := tx.Exec("DELETE FROM "+st+" WHERE tbl = ?", a.table); err != nil {
			return fmt.Errorf("restore the planner statistics: %w", err)
		}
		for _, vals := range rows {
			q := "INSERT INTO " + st + " VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + ")"
			if _, err := tx.Exec(q, vals...); err != nil {
				return fmt.Errorf("restore the planner statistics: %w", err)
			}
		}
	}
	// As in migration 00004: this makes SQLite read the statistics again
	// (the connection goes back to the pool with them), without reading
	// any table.
	if _, err := tx.Exec("ANALYZE sqlite_schema"); err != nil {
		return fmt.Errorf("reload the planner statistics: %w", err)
	}
	return nil
}
