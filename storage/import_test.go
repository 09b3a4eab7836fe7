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
		rows, err := s.db.Query("SELECT * FROM " + table + " ORDER BY rowid")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

// TestImportWriterMatchesDesk: the import's prepared-statement path
// stores requests, patients, evidence and events exactly as
// insertRequest and logEvent do.
func TestImportWriterMatchesDesk(t *testing.T) {
	desk, fast := newTestEnv(t), newTestEnv(t)
	st, err := desk.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	err = desk.write(context.Background(), func(tx *sql.Tx) error {
		for i, r := range impRequests(desk.Lead) {
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
	err = fast.write(context.Background(), func(tx *sql.Tx) error {
		w, err := newImportWriter(tx)
		if err != nil {
			return err
		}
		defer w.close()
		for i, r := range impRequests(fast.Lead) {
			if err := w.add(&r, st, fmt.Sprintf("key-%d", i), fast.Lead, testNow, string(model.ActImport), "detail"); err != nil {
				return err
			}
		}
		return w.finish()
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := impDump(t, desk.Store), impDump(t, fast.Store)
	if a != b {
		t.Errorf("the import stores rows differently from the desk:\ndesk:\n%s\nimport:\n%s", a, b)
	}
	if !strings.Contains(a, "OLD-3") || strings.Count(a, "subjects [") != 2 {
		t.Errorf("the dump misses rows:\n%s", a)
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
