package storage

import (
	"database/sql"
	"fmt"
)

// The search index (request_search, migrations 00002, 00003) is kept in
// step by triggers. A bulk writer may instead defer it: deferSearch makes
// the insert trigger skip the rows the transaction adds (migration 00006),
// and fillSearch indexes them all at once at the end, the same columns
// the trigger writes.

// deferSearch starts deferring the search index for the requests tx
// inserts from now on. It returns the highest request id so far: rows
// after it are the new ones (ids only grow within one transaction, since
// nothing else can write while it runs).
func deferSearch(tx *sql.Tx) (int64, error) {
	var last int64
	if err := tx.QueryRow("SELECT coalesce(max(id), 0) FROM requests").Scan(&last); err != nil {
		return 0, fmt.Errorf("read the last request: %w", err)
	}
	if _, err := tx.Exec("INSERT INTO search_deferred (id) VALUES (1)"); err != nil {
		return 0, fmt.Errorf("defer the search index: %w", err)
	}
	return last, nil
}

// fillSearch indexes every request after id after and ends the deferral.
func fillSearch(tx *sql.Tx, after int64) error {
	if _, err := tx.Exec(`INSERT INTO request_search (rowid, scope, names, starts)
		SELECT r.id, CASE WHEN r.open = 1 THEN '#o#' ELSE '#c#' END,
		       p.name_key || char(10) || r.requester_key,
		       '||' || replace(replace(p.name_key, '-', ' '), ' ', ' ||') || char(10) ||
		       CASE WHEN r.requester_key = '' THEN '' ELSE '||' || replace(replace(r.requester_key, '-', ' '), ' ', ' ||') END
		FROM requests r JOIN subjects p ON p.id = r.subject_id
		WHERE r.id > ?
		ORDER BY r.id`, after); err != nil {
		return fmt.Errorf("fill the search index: %w", err)
	}
	if _, err := tx.Exec("DELETE FROM search_deferred"); err != nil {
		return fmt.Errorf("end deferring the search index: %w", err)
	}
	return nil
}
