package storage

import (
	"context"
	"fmt"
	"strings"

	"rightsdesk/model"
)

// The closed list holds nearly every request (98,686 of 100,000 in the
// benchmarks' register), so the board reads it by key, not by offset, and
// its searches neither count nor sort every match: SQLite steps over each
// row an OFFSET skips (100 to 200 ms deep in the list), and a search for
// one letter matches thousands of closed requests.

// ListKey is a request's place in the closed list (newest first): the
// day it closed and its id.
type ListKey struct {
	closedOn string
	id       int64
}

// KeyOf is the place in the closed list of a request the list returned.
func KeyOf(m model.Summary) ListKey { return ListKey{fmtDate(m.ClosedOn), m.ID} }

// searchWalkFrom is how many name matches make a search among the closed
// requests read the closed list in its own order, testing each request
// against the matches, until the window is full: with many matches that
// is soon, where finding every match and sorting them costs about 10 µs a
// match; with few, sorting them is quicker than reading far down the list
// (a whole walk is about 13 ms). A variable so tests can lower it.
var searchWalkFrom = 300

// windowWhere is the WHERE clause of a window of f: the filter's, with
// the search read the quicker way, and the key to start from. sorts is
// true when the search finds its matches by index, to be sorted.
func (s *Store) windowWhere(ctx context.Context, f Filter) (where string, args []any, sorts bool, err error) {
	conds, args := f.filterConds()
	if q := strings.TrimSpace(f.Search); q != "" {
		cond, a := searchCondition(q, f.Scope)
		// A reference's first few digits are read in the list's order
		// (search.go); the rest are found by index and sorted.
		sorts = countDigits(q) == 0 || countDigits(q) >= 4
		if match, like, ok := nameSearch(q, f.Scope); ok && f.Scope == ScopeClosed {
			var n int
			err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM request_search WHERE request_search MATCH ? LIMIT ?)", match, searchWalkFrom).Scan(&n)
			if err != nil {
				return "", nil, false, fmt.Errorf("count matches: %w", err)
			}
			if n >= searchWalkFrom {
				sorts = false
				// The + keeps SQLite from looking the matches up by id and
				// sorting them; it builds them into a set (with a Bloom
				// filter) and reads the closed list's index in order.
				cond, a = "+r.id IN (SELECT rowid FROM request_search WHERE request_search MATCH ?)", []any{match}
				if like != "" {
					cond = `+r.id IN (SELECT rowid FROM request_search WHERE request_search MATCH ?
						UNION ALL SELECT id FROM requests WHERE open = 0 AND reference LIKE ? ESCAPE '\')`
					a = append(a, like)
				}
			}
		}
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.Scope == ScopeClosed {
		switch {
		case f.After != nil:
			conds = append(conds, "(r.closed_on, r.id) < (?, ?)")
			args = append(args, f.After.closedOn, f.After.id)
		case f.Before != nil:
			conds = append(conds, "(r.closed_on, r.id) > (?, ?)")
			args = append(args, f.Before.closedOn, f.Before.id)
		}
	}
	if len(conds) == 0 {
		return "", nil, sorts, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, sorts, nil
}

// windowOrder is the window's ORDER BY, and whether it reads the list
// backwards (the rows before a key, or the last ones), to be turned round.
func (f Filter) windowOrder() (string, bool) {
	if f.Scope == ScopeClosed && (f.Before != nil || f.FromEnd) {
		return " ORDER BY r.closed_on, r.id", true
	}
	return f.order(), false
}

// CountCap is how far the board counts a search's matches: past it, it
// shows "1,000+", and a longer search narrows them.
const CountCap = 1000

// CountRequestsUpTo counts the requests f matches, but stops past limit:
// it returns at most limit, and more when there are others. A search for
// one or two letters matches thousands of requests; counting them all was
// most of a keystroke's time.
func (s *Store) CountRequestsUpTo(ctx context.Context, f Filter, limit int) (n int, more bool, err error) {
	conds, args := f.filterConds()
	and := ""
	if len(conds) > 0 {
		and = " AND " + strings.Join(conds, " AND ")
	}
	q := strings.TrimSpace(f.Search)
	if match, like, ok := nameSearch(q, f.Scope); ok && q != "" {
		// The full-text index read in its own order, each match's request
		// looked up, stopping at limit+1 (an IN list would first gather
		// every match).
		err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM request_search
			CROSS JOIN requests r ON r.id = request_search.rowid
			WHERE request_search MATCH ?`+and+` LIMIT ?)`, append(append([]any{match}, args...), limit+1)...).Scan(&n)
		if err == nil && like != "" && n <= limit {
			// An older register's references that start with the text,
			// but not the requests its names already matched.
			var refs int
			err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM requests r
				WHERE r.reference LIKE ? ESCAPE '\' AND r.id NOT IN (SELECT rowid FROM request_search WHERE request_search MATCH ?)`+and+` LIMIT ?)`,
				append(append([]any{like, match}, args...), limit+1-n)...).Scan(&refs)
			n += refs
		}
	} else {
		where, wargs := f.where()
		if q != "" {
			// A reference's start, as a range of its index: in the list's
			// order (search.go) the index was read from its first
			// reference, far from those matching.
			where = " WHERE " + strings.Join(append(conds, `r.reference LIKE ? ESCAPE '\'`), " AND ")
			wargs = append(args, escapeLike(q)+"%")
		}
		err = s.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM requests r"+where+" LIMIT ?)", append(wargs, limit+1)...).Scan(&n)
	}
	if err != nil {
		return 0, false, fmt.Errorf("count requests: %w", err)
	}
	return min(n, limit), n > limit, nil
}
