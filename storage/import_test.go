package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"rightsdesk/model"
)

// impRequests are requests as an import makes them: two for one patient
// (the second updates the patient's contact details), a parent's for a
// child, extended and closed ones.
func impRequests(lead model.Staff) []model.Request {
	day := func(m, d int) model.Request {
		r := testRequest("Jane Doe", testDay(2025, 1, 1))
		r.ReceivedAt = testDay(2025, 1, 1).AddDate(0, m-1, d-1).In(testLondon)
		return r
	}
	a := day(1, 10)
	a.Reference, a.Status, a.Imported, a.Nation = "OLD-1", model.StatusCompleted, true, model.NationEnglandWales
	a.Evidence = []model.Evidence{{Kind: model.EvidenceIdentity, Method: model.MethodInPerson, Document: string(model.DocPassport), Strength: model.StrengthStrong,
		ReceivedOn: testDay(2025, 1, 10), CheckedBy: lead.ID, CheckedByName: lead.Name, CheckedAt: testNow}}
	a.VerifiedOn, a.ClosedOn = testDay(2025, 1, 10), testDay(2025, 2, 1)
	b := day(2, 3)
	b.Reference, b.Kind, b.Status, b.Imported, b.Nation = "OLD-2", model.KindDeletion, model.StatusInProgress, true, model.NationEnglandWales
	b.Details = model.Details{Summary: model.DetailsNotRecorded}
	b.Subject.Phone = "+44 20 7946 0000"
	b.Evidence = a.Evidence
	b.VerifiedOn = testDay(2025, 2, 3)
	b.Extended, b.ExtensionNotifiedOn, b.ExtensionReason = true, testDay(2025, 2, 10), "numerous records"
	c := day(3, 10)
	c.Reference, c.Status, c.Imported, c.Nation = "OLD-3", model.StatusPaused, true, model.NationEnglandWales
	c.Subject = model.Subject{Name: "Tim Roe", DateOfBirth: testDay(2015, 5, 1)}
	c.Requester = model.Requester{Name: "Mary Roe", Relationship: model.RelParent}
	c.PauseReason, c.PausedSince = model.PauseAwaitingID, testDay(2026, 3, 10)
	c.Notes = "line one\nline two"
	return []model.Request{a, b, c}
}

// impDump is every row of the tables a request touches, as text.
func impDump(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	tables := []string{"subjects", "requests", "evidence", "events", "reference_counters"}
	// The search index, where the schema has one: its trigger must see
	// the same rows.
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'request_search'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		tables = append(tables, "request_search")
	}
	for _, table := range tables {
		for _, line := range strings.SplitAfter(impQuery(t, s, "SELECT * FROM "+table+" ORDER BY rowid"), "\n") {
			if line != "" {
				b.WriteString(table + " " + line)
			}
		}
	}
	return b.String()
}

// impMany is n requests made from impRequests' three, for a few hundred
// patients: a patient's requests fall in different batches of the writer,
// and later ones change the patient's contact details.
func impMany(lead model.Staff, n int) []model.Request {
	base := impRequests(lead)
	out := make([]model.Request, 0, n)
	for i := range n {
		r := base[i%len(base)]
		r.Evidence = append([]model.Evidence(nil), r.Evidence...)
		r.Reference = fmt.Sprintf("OLD-%d", i+1)
		r.Subject.Name = fmt.Sprintf("%s %d", r.Subject.Name, i%331)
		if i%7 == 0 {
			r.Subject.Email = fmt.Sprintf("p%d@example.org", i)
		}
		out = append(out, r)
	}
	return out
}

// TestImportWriterMatchesDesk: the import's writer stores requests,
// patients, evidence and events exactly as insertRequest and logEvent do,
// whether it keeps the requests' indexes up to date row by row or sets
// them aside and builds them again; after it the schema and the planner's
// statistics are as they were.
func TestImportWriterMatchesDesk(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		rows int // the import's size hint
	}{
		{"three requests", 3, 0},
		{"batches, indexes kept", 1200, 0},
		{"batches, indexes set aside", 1200, 1200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			desk, fast := newTestEnv(t), newTestEnv(t)
			st, err := desk.Settings(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			err = desk.write(context.Background(), func(tx *sql.Tx) error {
				for i, r := range impMany(desk.Lead, tc.n) {
					if err := insertRequest(tx, &r, st, fmt.Sprintf("key-%d", i)); err != nil {
						return err
					}
					if err := logEvent(tx, desk.Lead, testNow, string(model.ActImport), r.Reference, "detail"); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var setAside bool
			err = fast.writeConn(context.Background(), func(conn *sql.Conn, tx *sql.Tx) error {
				plan, err := planImport(tx, tc.rows, false)
				if err != nil {
					return err
				}
				w, err := newImportWriter(conn, tx, plan)
				if err != nil {
					return err
				}
				defer w.close()
				for i, r := range impMany(fast.Lead, tc.n) {
					it, err := prepare(model.ImportRow{Request: r, Key: fmt.Sprintf("key-%d", i)}, st, true)
					if err != nil {
						return err
					}
					if err := w.add(it, r.Reference, fast.Lead, testNow, string(model.ActImport), "detail"); err != nil {
						return err
					}
					setAside = setAside || len(w.aside) == 3
				}
				_, _, err = w.finish()
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if setAside != (tc.rows > 0) {
				t.Errorf("indexes set aside: %v, want %v", setAside, tc.rows > 0)
			}
			a, b := impDump(t, desk.Store), impDump(t, fast.Store)
			if a != b {
				t.Errorf("the import stores rows differently from the desk:\ndesk:\n%.3000s\nimport:\n%.3000s", a, b)
			}
			patients := map[string]bool{}
			for _, r := range impMany(desk.Lead, tc.n) {
				patients[r.Subject.Name+fmtDate(r.Subject.DateOfBirth)] = true
			}
			if !strings.Contains(a, "OLD-3") || strings.Count(a, "subjects [") != len(patients) || strings.Count(a, "requests [") != tc.n {
				t.Errorf("the dump misses rows:\n%.2000s", a)
			}
			for _, q := range []string{
				"SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
				"SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx",
			} {
				if a, b := impQuery(t, desk.Store, q), impQuery(t, fast.Store, q); a != b {
					t.Errorf("%s differs after the import:\ndesk:\n%s\nimport:\n%s", q, a, b)
				}
			}
			if res, err := fast.VerifyChain(context.Background()); err != nil || !res.OK() {
				t.Errorf("chain after the import's writer: %+v %v", res, err)
			}
			// The writer filled the search index itself; the trigger is back on
			// for whoever writes next.
			var deferred int
			if err := fast.db.QueryRow("SELECT count(*) FROM search_deferred").Scan(&deferred); err != nil || deferred != 0 {
				t.Errorf("the search index is still deferred after the import: %d %v", deferred, err)
			}
		})
	}
}

// TestImportPlanMatchesRowByRow: imports that set the indexes aside and
// look the register up in memory (bulkPlan) find and write exactly what
// imports that keep the indexes and ask the database do: into an empty
// register, the same file again, and a file that overlaps the register
// with new rows, known patients and a reference used with other details.
func TestImportPlanMatchesRowByRow(t *testing.T) {
	saved := asideMinRows
	t.Cleanup(func() { asideMinRows = saved })
	src := func(reqs []model.Request, keys []string) ImportSource {
		return func(c model.Ctx, yield func(model.ImportRow) error) error {
			for i, r := range reqs {
				if err := yield(model.ImportRow{Line: i + 2, Request: r, Key: keys[i], Detail: "d"}); err != nil {
					return err
				}
			}
			return nil
		}
	}
	run := func(t *testing.T, minRows int) (string, []ImportResult) {
		asideMinRows = minRows
		e := newTestEnv(t)
		all := impMany(e.Lead, 900)
		keys := make([]string, len(all))
		for i := range keys {
			keys[i] = fmt.Sprint("key-", i)
		}
		overlap := append([]model.Request(nil), all[300:]...)
		okeys := append([]string(nil), keys[300:]...)
		overlap[10].Notes = "changed" // same reference, other details
		okeys[10] = "key-other"
		var results []ImportResult
		for _, step := range []struct {
			reqs []model.Request
			keys []string
		}{
			{all[:600], keys[:600]},
			{all[:600], keys[:600]},
			{overlap, okeys},
			{append(overlap[:10:10], overlap[11:]...), append(okeys[:10:10], okeys[11:]...)},
		} {
			res, err := e.Import(e.ctx, e.Lead, ImportOptions{Rows: len(step.reqs)}, src(step.reqs, step.keys), testNow)
			if err != nil {
				t.Fatal(err)
			}
			res.Timing = ImportTiming{}
			results = append(results, res)
		}
		return impDump(t, e.Store), results
	}
	slowDump, slow := run(t, 1<<30)
	fastDump, fast := run(t, 1)
	if fmt.Sprint(slow) != fmt.Sprint(fast) {
		t.Errorf("results differ:\nrow by row: %+v\nplanned:    %+v", slow, fast)
	}
	if want := "[{600 600 0 [] {0s 0s 0s}} {600 0 600 [] {0s 0s 0s}}"; !strings.HasPrefix(fmt.Sprint(fast), want) || len(fast[2].Problems) != 1 || fast[3].Added != 300 {
		t.Errorf("results: %+v", fast)
	}
	// The events' times differ only where the clock does; the rows do not.
	if slowDump != fastDump {
		t.Errorf("the registers differ:\nrow by row:\n%.3000s\nplanned:\n%.3000s", slowDump, fastDump)
	}
}

// TestImportRefusedLateLeavesAllAsItWas: an import refused by its last
// row, after batches were written and the indexes set aside, leaves the
// register, its schema and the planner's statistics as they were.
func TestImportRefusedLateLeavesAllAsItWas(t *testing.T) {
	saved := asideMinRows
	t.Cleanup(func() { asideMinRows = saved })
	asideMinRows = 1
	e := newTestEnv(t)
	reqs := impMany(e.Lead, 1300)
	src := func(n int, bad bool) ImportSource {
		return func(c model.Ctx, yield func(model.ImportRow) error) error {
			for i, r := range reqs[:n] {
				row := model.ImportRow{Line: i + 2, Request: r, Key: fmt.Sprint("key-", i), Detail: "d"}
				if bad && i == n-1 {
					row.Problems = []model.ImportProblem{{Line: i + 2, Column: model.ColStatus, Problem: "is not a status", Fix: "use one"}}
				}
				if err := yield(row); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if res, err := e.Import(e.ctx, e.Lead, ImportOptions{Rows: 100}, src(100, false), testNow); err != nil || res.Added != 100 {
		t.Fatalf("first import: %+v %v", res, err)
	}
	snapshot := func() string {
		return impDump(t, e.Store) + impQuery(t, e.Store, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name") +
			impQuery(t, e.Store, "SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx")
	}
	before := snapshot()
	res, err := e.Import(e.ctx, e.Lead, ImportOptions{Rows: 1300}, src(1300, true), testNow)
	if err != nil || len(res.Problems) != 1 || res.Rows != 1300 {
		t.Fatalf("the refused import: %+v %v", res, err)
	}
	if after := snapshot(); after != before {
		t.Errorf("a refused import changed the register:\nbefore:\n%.2000s\nafter:\n%.2000s", before, after)
	}
	if n := strings.Count(before, "CREATE INDEX"); n < 10 {
		t.Errorf("the schema shows %d indexes", n)
	}
}

// TestImportArgPositions: the values the import's writer fills in last
// are where it fills them.
func TestImportArgPositions(t *testing.T) {
	for _, tc := range []struct {
		insert string
		pos    int
		col    string
	}{
		{requestInsert, requestArgReference, "reference"},
		{requestInsert, requestArgSubject, "subject_id"},
		{evidenceInsert, evidenceArgRequest, "request_id"},
	} {
		open, end := strings.Index(tc.insert, "("), strings.Index(tc.insert, ")")
		cols := strings.Split(tc.insert[open+1:end], ",")
		if got := strings.TrimSpace(cols[tc.pos]); got != tc.col {
			t.Errorf("value %d of %.30q is %s, want %s", tc.pos, tc.insert, got, tc.col)
		}
	}
}

// impQuery is a query's rows as text.
func impQuery(t *testing.T, s *Store, q string) string {
	t.Helper()
	rows, err := s.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	all, err := allValues(rows)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, vals := range all {
		fmt.Fprintf(&b, "%v\n", vals)
	}
	return b.String()
}

// TestImportMadeReferencesAvoidTheFile: a row without a reference gets
// the next R-YYYY-NNNN that neither the register nor the file uses.
func TestImportMadeReferencesAvoidTheFile(t *testing.T) {
	e := newTestEnv(t)
	reqs := impRequests(e.Lead)
	first, second := reqs[0], reqs[2]
	first.Reference = ""
	second.Reference = model.FormatReference(2025, 1)
	src := func(c model.Ctx, yield func(model.ImportRow) error) error {
		for i, r := range []model.Request{first, second} {
			if err := yield(model.ImportRow{Line: i + 2, Request: r, Key: fmt.Sprint("k", i), Detail: "d"}); err != nil {
				return err
			}
		}
		return nil
	}
	res, err := e.Import(e.ctx, e.Lead, ImportOptions{Reserved: map[string]bool{second.Reference: true}}, src, testNow)
	if err != nil || res.Added != 2 || len(res.Problems) != 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if _, err := e.GetRequest(e.ctx, model.FormatReference(2025, 2)); err != nil {
		t.Errorf("the row without a reference should be R-2025-0002: %v", err)
	}
	events, err := e.Timeline(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Action != "register_imported" || !strings.HasPrefix(last.Detail, "2 requests added") {
		t.Errorf("the summary event: %+v", last)
	}
	// Desk staff may not import; nothing is read or written.
	if _, err := e.Import(e.ctx, e.Desk, ImportOptions{}, src, testNow); !model.IsUserError(err) {
		t.Errorf("a desk member importing: %v", err)
	}
}
