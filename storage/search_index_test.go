package storage

import (
	"context"
	"testing"
)

// The demo generator defers the search index as an import does: every
// request it makes is in the index once, the deferral ends with each
// batch, and search finds the demo's patients.
func TestDemoFillsTheSearchIndex(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.GenerateDemo(ctx, DemoOptions{Requests: 120, Seed: 4, Now: demoNow}); err != nil {
		t.Fatal(err)
	}
	var requests, indexed, missing, deferred int
	err := s.db.QueryRow(`SELECT (SELECT count(*) FROM requests), (SELECT count(*) FROM request_search),
		(SELECT count(*) FROM requests WHERE id NOT IN (SELECT rowid FROM request_search)), (SELECT count(*) FROM search_deferred)`).
		Scan(&requests, &indexed, &missing, &deferred)
	if err != nil {
		t.Fatal(err)
	}
	if requests != 120 || indexed != requests || missing != 0 || deferred != 0 {
		t.Fatalf("%d requests, %d in the search index, %d missing from it, deferral left on: %d", requests, indexed, missing, deferred)
	}
	var name, ref string
	if err := s.db.QueryRow(`SELECT p.name, r.reference FROM requests r JOIN subjects p ON p.id = r.subject_id ORDER BY r.id DESC LIMIT 1`).Scan(&name, &ref); err != nil {
		t.Fatal(err)
	}
	rows, err := s.ListSummaries(ctx, Filter{Scope: ScopeAll, Search: name})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || r.Reference == ref
	}
	if !found {
		t.Errorf("searching %q does not find %s", name, ref)
	}
}
