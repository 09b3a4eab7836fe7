package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"rightsdesk/model"
)

// The screens' and commands' queries must keep using their indexes: at
// 100,000 requests and a million events a full scan of requests or events
// costs tens of milliseconds, over the board's and search's budgets. This
// test runs each store function the screens call against a recording
// connection, so it checks the SQL the code really sends (not a copy), and
// asks SQLite for each statement's plan.

// recorder keeps the SQL sent through a connection.
type recorder struct {
	mu  sync.Mutex
	sql []recordedQuery
}

type recordedQuery struct {
	text string
	args []any
}

func (r *recorder) add(q string, args []driver.NamedValue) {
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	r.mu.Lock()
	r.sql = append(r.sql, recordedQuery{q, vals})
	r.mu.Unlock()
}

func (r *recorder) take() []recordedQuery {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sql
	r.sql = nil
	return out
}

type recConnector struct {
	drv driver.Driver
	dsn string
	rec *recorder
}

func (c *recConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &recConn{conn, c.rec}, nil
}

func (c *recConnector) Driver() driver.Driver { return c.drv }

type recConn struct {
	driver.Conn
	rec *recorder
}

func (c *recConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.rec.add(q, args)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *recConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.rec.add(q, args)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *recConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	c.rec.add(q, nil)
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
}

func (c *recConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

// recordingStore opens path a second time through a recording connection.
func recordingStore(t testing.TB, s *Store) (*Store, *recorder) {
	t.Helper()
	rec := &recorder{}
	db := sql.OpenDB(&recConnector{drv: s.db.Driver(), dsn: dsn(s.path, false), rec: rec})
	t.Cleanup(func() { db.Close() })
	return &Store{db: db, path: s.path}, rec
}

// planOf is SQLite's query plan for q, one detail line per step.
func planOf(t testing.TB, db *sql.DB, q recordedQuery) []string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+q.text, q.args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q.text, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	return out
}

// fullScan matches a step that reads a whole big table without an index.
var fullScan = regexp.MustCompile(`^SCAN (requests|events|subjects|evidence|notes|r|e|p|n)( |$)`)

type planCase struct {
	name string
	call func(ctx context.Context, s *Store) error
	// want are steps the plans must have: an index, by name, and how it is
	// used. No plan may read a big table whole (unless scans says so: list
	// reads every row anyway), nor sort every row of a scope to show a
	// window of it (unless sorts says so: it then sorts only matches).
	want  []string
	sorts bool
	scans bool
}

func TestQueriesUseTheirIndexes(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.GenerateDemo(ctx, DemoOptions{Requests: 60, Seed: 11, Now: demoNow}); err != nil {
		t.Fatal(err)
	}
	var ref, name string
	if err := s.db.QueryRow("SELECT r.reference, p.name FROM requests r JOIN subjects p ON p.id = r.subject_id WHERE r.open = 1 LIMIT 1").Scan(&ref, &name); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRequest(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	dob := got.Subject.DateOfBirth
	lead, err := s.StaffByName(ctx, "Lee Lead")
	if err != nil {
		t.Fatal(err)
	}
	today := model.DateOf(demoNow)
	window := func(f Filter) func(context.Context, *Store) error {
		return func(ctx context.Context, s *Store) error {
			f.Limit, f.Offset = 108, 0
			_, err := s.ListSummaries(ctx, f)
			return err
		}
	}
	count := func(f Filter) func(context.Context, *Store) error {
		return func(ctx context.Context, s *Store) error { _, err := s.CountRequests(ctx, f); return err }
	}
	each := func(f Filter) func(context.Context, *Store) error {
		return func(ctx context.Context, s *Store) error {
			return s.EachSummary(ctx, f, func(model.Summary) error { return nil })
		}
	}
	open := Filter{Scope: ScopeOpen}
	closed := Filter{Scope: ScopeClosed}
	someClosed, err := s.ListSummaries(ctx, Filter{Scope: ScopeClosed, Limit: 1, Offset: 10})
	if err != nil || len(someClosed) == 0 {
		t.Fatalf("no closed request: %v", err)
	}
	key := KeyOf(someClosed[0])
	countUpTo := func(f Filter) func(context.Context, *Store) error {
		return func(ctx context.Context, s *Store) error { _, _, err := s.CountRequestsUpTo(ctx, f, 1000); return err }
	}
	// walked is a window read as if the search matched many requests.
	walked := func(f Filter) func(context.Context, *Store) error {
		return func(ctx context.Context, s *Store) error {
			defer func(n int) { searchWalkFrom = n }(searchWalkFrom)
			searchWalkFrom = 1
			return window(f)(ctx, s)
		}
	}
	byName := "SCAN request_search VIRTUAL TABLE"
	byID := "SEARCH r USING INTEGER PRIMARY KEY (rowid=?)"
	cases := []planCase{
		{name: "board window: open, most urgent first", call: window(open), want: []string{"SEARCH r USING INDEX requests_open_due (open=?)"}},
		{name: "board window: closed, newest first", call: window(closed), want: []string{"SEARCH r USING INDEX requests_closed (open=?)"}},
		{name: "board window: status", call: window(Filter{Scope: ScopeOpen, Status: model.StatusPaused}), want: []string{"SEARCH r USING INDEX requests_open_status_due (open=? AND status=?)"}},
		{name: "board window: closed with a status", call: window(Filter{Scope: ScopeClosed, Status: model.StatusRefused}), want: []string{"SEARCH r USING INDEX requests_closed (open=?)"}},
		{name: "board window: kind", call: window(Filter{Scope: ScopeOpen, Kind: model.KindDeletion}), want: []string{"SEARCH r USING INDEX requests_open_due (open=?)"}},
		{name: "board window: mine", call: window(Filter{Scope: ScopeOpen, OwnerID: lead.ID}), want: []string{"SEARCH r USING INDEX requests_owner (created_by=? AND open=?)"}},
		{name: "board window: overdue", call: window(Filter{Scope: ScopeOpen, Overdue: true, Today: today}), want: []string{"SEARCH r USING INDEX requests_open_due (open=? AND effective_due_on<?)"}},
		{name: "board window: search by name", call: window(Filter{Scope: ScopeOpen, Search: "smi"}), want: []string{byName, byID}, sorts: true},
		{name: "board window: search by a short name", call: window(Filter{Scope: ScopeClosed, Search: "s"}), want: []string{byName, byID}, sorts: true},
		{name: "board window: search by reference", call: window(Filter{Scope: ScopeOpen, Search: "R-2026-00"}), want: []string{"SEARCH r USING INDEX requests_open_reference (open=? AND reference>? AND reference<?)"}, sorts: true},
		{name: "board window: search closed by reference", call: window(Filter{Scope: ScopeClosed, Search: "r-2019-01"}), want: []string{"SEARCH r USING INDEX requests_open_reference (open=? AND reference>? AND reference<?)"}, sorts: true},
		{name: "board window: search closed by a reference's first digits", call: window(Filter{Scope: ScopeClosed, Search: "R-20"}), want: []string{"SEARCH r USING INDEX requests_closed (open=?)"}},
		{name: "board window: closed, after a row (by key)", call: window(Filter{Scope: ScopeClosed, After: &key}), want: []string{"SEARCH r USING INDEX requests_closed (open=? AND closed_on<?)"}},
		{name: "board window: closed, before a row (by key)", call: window(Filter{Scope: ScopeClosed, Before: &key}), want: []string{"SEARCH r USING INDEX requests_closed (open=? AND closed_on>?)"}},
		{name: "board window: closed, the last rows", call: window(Filter{Scope: ScopeClosed, FromEnd: true}), want: []string{"SEARCH r USING INDEX requests_closed (open=?)"}},
		{name: "board window: search closed by a short name matching many", call: walked(Filter{Scope: ScopeClosed, Search: "s"}), want: []string{"SEARCH r USING INDEX requests_closed (open=?)", byName}},
		{name: "board window: search closed by a name matching many", call: walked(Filter{Scope: ScopeClosed, Search: "smi"}),
			want: []string{"SEARCH r USING INDEX requests_closed (open=?)", byName, "SEARCH requests USING COVERING INDEX requests_open_reference (open=? AND reference>? AND reference<?)"}},
		{name: "board count up to 1,000: search by name", call: countUpTo(Filter{Scope: ScopeClosed, Search: "smi"}), want: []string{byName, byID, "SEARCH r USING COVERING INDEX requests_open_reference (open=? AND reference>? AND reference<?)"}},
		{name: "board count up to 1,000: search by a reference's first digits", call: countUpTo(Filter{Scope: ScopeClosed, Search: "R-20"}), want: []string{"SEARCH r USING COVERING INDEX requests_open_reference (open=? AND reference>? AND reference<?)"}},
		{name: "board count: open", call: count(open), want: []string{"SEARCH r USING COVERING INDEX", "(open=?)"}},
		{name: "board count: status", call: count(Filter{Scope: ScopeOpen, Status: model.StatusPaused}), want: []string{"SEARCH r USING COVERING INDEX requests_open_status_due (open=? AND status=?)"}},
		{name: "board count: search by name", call: count(Filter{Scope: ScopeClosed, Search: "smi"}), want: []string{byName, byID}},
		{name: "board count: search by reference", call: count(Filter{Scope: ScopeClosed, Search: "R-2019"}), want: []string{"SEARCH r USING COVERING INDEX requests_open_reference (open=? AND reference>? AND reference<?)"}},
		{name: "board count: search by a reference's first digits", call: count(Filter{Scope: ScopeClosed, Search: "R-20"}), want: []string{"SEARCH r USING COVERING INDEX requests_open_reference (open=?)"}},
		{name: "board header counts", call: func(ctx context.Context, s *Store) error { _, err := s.BoardCounts(ctx, today); return err },
			want: []string{"SEARCH requests USING COVERING INDEX requests_open_status_due (open=?)"}},
		{name: "duplicate warning", call: func(ctx context.Context, s *Store) error { _, err := s.DuplicateOpen(ctx, name, dob); return err },
			want: []string{"SEARCH p USING COVERING INDEX subjects_key (name_key=? AND date_of_birth=?)", "SEARCH r USING INDEX requests_subject (subject_id=? AND open=?)"}, sorts: true},
		{name: "open a request", call: func(ctx context.Context, s *Store) error { _, err := s.GetRequest(ctx, ref); return err },
			want: []string{"SEARCH r USING INDEX sqlite_autoindex_requests_1 (reference=?)", "SEARCH e USING INDEX evidence_request (request_id=?)"}},
		{name: "timeline", call: func(ctx context.Context, s *Store) error { _, err := s.Timeline(ctx, ref); return err },
			want: []string{"SEARCH events USING INDEX events_reference (reference=?)"}},
		{name: "notes", call: func(ctx context.Context, s *Store) error { _, err := s.Notes(ctx, ref); return err },
			want: []string{"SEARCH r USING COVERING INDEX sqlite_autoindex_requests_1 (reference=?)", "SEARCH n USING INDEX notes_request (request_id=?)"}},
		{name: "list --open", call: each(open), want: []string{"SEARCH r USING INDEX requests_open_due (open=?)"}},
		{name: "list --closed", call: each(closed), want: []string{"SEARCH r USING INDEX requests_closed (open=?)"}},
		{name: "list --status (open)", call: each(Filter{Scope: ScopeAll, Status: model.StatusPaused}), want: []string{"SEARCH r USING INDEX requests_open_status_due (open=? AND status=?)"}},
		// requests_open_status_due holds open requests only (migration
		// 00008): a closed status reads the closed requests and sorts them.
		{name: "list --status (closed)", call: each(Filter{Scope: ScopeAll, Status: model.StatusRefused}), want: []string{"SEARCH r USING INDEX", "(open=?)"}, sorts: true},
		{name: "list --overdue", call: each(Filter{Scope: ScopeAll, Overdue: true, Today: today}), want: []string{"SEARCH r USING INDEX requests_open_due (open=? AND effective_due_on<?)"}},
		// The whole register, open first: every row is read and sorted,
		// which list --json is measured against sqlite3 for.
		{name: "list (every request)", call: each(Filter{Scope: ScopeAll}), want: []string{"SCAN r"}, sorts: true, scans: true},
	}
	rs, rec := recordingStore(t, s)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plans, problems := checkPlans(t, ctx, s, rs, rec, c)
			for _, p := range problems {
				t.Error(p)
			}
			t.Logf("%s:\n    %s", c.name, strings.Join(plans, "\n  --\n    "))
		})
	}

	// The check itself: without the board's index, the board's query is
	// caught reading every open request and sorting them.
	t.Run("a lost index is caught", func(t *testing.T) {
		if _, err := s.db.Exec("DROP INDEX requests_open_due"); err != nil {
			t.Fatal(err)
		}
		if _, problems := checkPlans(t, ctx, s, rs, rec, cases[0]); len(problems) == 0 {
			t.Error("the board's window passed without its index")
		}
	})
}

// checkPlans runs c through the recording store and says what is wrong
// with the plans of the queries it sent.
func checkPlans(t *testing.T, ctx context.Context, s, rs *Store, rec *recorder, c planCase) (plans, problems []string) {
	t.Helper()
	rec.take()
	if err := c.call(ctx, rs); err != nil {
		t.Fatal(err)
	}
	for _, q := range rec.take() {
		if !strings.HasPrefix(strings.TrimSpace(q.text), "SELECT") {
			continue
		}
		plan := planOf(t, s.db, q)
		plans = append(plans, strings.Join(plan, "\n    "))
		for _, step := range plan {
			if fullScan.MatchString(step) && !c.scans {
				problems = append(problems, fmt.Sprintf("%s reads a whole table: %q\nquery: %s", c.name, step, q.text))
			}
			if !c.sorts && strings.Contains(step, "TEMP B-TREE") {
				problems = append(problems, fmt.Sprintf("%s sorts every matching row instead of reading them in index order: %q", c.name, step))
			}
		}
	}
	if len(plans) == 0 {
		problems = append(problems, c.name+" sent no query")
	}
	all := strings.Join(plans, "\n")
	for _, w := range c.want {
		if !strings.Contains(all, w) {
			problems = append(problems, fmt.Sprintf("%s: the plan does not use %q:\n    %s", c.name, w, strings.Join(plans, "\n  --\n    ")))
		}
	}
	return plans, problems
}
