package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"rightsdesk/model"
)

// searchStore is a clinic with a few requests whose names and references
// the search tests look for.
func searchStore(t *testing.T) (*Store, model.Staff, map[string]string) {
	t.Helper()
	ctx := context.Background()
	s := openTemp(t)
	admin, err := s.Setup(ctx, model.DefaultSettings(), "Ada Admin", "search test passphrase", demoNow)
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]string{}
	for _, p := range []struct{ subject, requester string }{
		{"Zoë Smith-Jones", ""},
		{"Ben Goldsmith", ""},
		{"Maria Mistry", ""},
		{"Tom Small", "Sandra Small"},
		{"Seán Ó Súilleabháin", ""},
	} {
		r := model.Request{Kind: model.KindAccess, Channel: model.ChannelEmail, Rule: model.RuleUKGDPR, ReceivedAt: demoNow.Add(-time.Hour),
			Subject:   model.Subject{Name: p.subject, DateOfBirth: time.Date(1980, 5, 6, 0, 0, 0, 0, time.UTC)},
			Requester: model.Requester{Relationship: model.RelSelf}}
		if p.requester != "" {
			r.Requester = model.Requester{Name: p.requester, Relationship: model.RelRepresentative}
		}
		got, err := s.LogRequest(ctx, admin, r, demoNow)
		if err != nil {
			t.Fatal(err)
		}
		refs[p.subject] = got.Reference
	}
	return s, admin, refs
}

func searchRefs(t *testing.T, s *Store, scope Scope, typed string) []string {
	t.Helper()
	ctx := context.Background()
	f := Filter{Scope: scope, Search: typed}
	rows, err := s.ListSummaries(ctx, f)
	if err != nil {
		t.Fatalf("search %q: %v", typed, err)
	}
	n, err := s.CountRequests(ctx, f)
	if err != nil {
		t.Fatalf("count %q: %v", typed, err)
	}
	if n != len(rows) {
		t.Errorf("search %q: %d rows but a count of %d", typed, len(rows), n)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.SubjectName)
	}
	slices.Sort(out)
	return out
}

func TestSearchFindsNamesAndReferences(t *testing.T) {
	s, _, refs := searchStore(t)
	for _, c := range []struct {
		typed string
		want  []string
	}{
		{"smi", []string{"Ben Goldsmith", "Zoë Smith-Jones"}},                  // three or more: anywhere in a name
		{"SMITH", []string{"Ben Goldsmith", "Zoë Smith-Jones"}},                // any case
		{"zoe", []string{"Zoë Smith-Jones"}},                                   // accents folded
		{"sm", []string{"Tom Small", "Zoë Smith-Jones"}},                       // two: the start of a word
		{"s", []string{"Seán Ó Súilleabháin", "Tom Small", "Zoë Smith-Jones"}}, // one: the start of a word
		{"jo", []string{"Zoë Smith-Jones"}},                                    // after a hyphen too
		{"mi", []string{"Maria Mistry"}},                                       // the start of Mistry, not inside Smith
		{"it", nil},                                                            // inside Smith only: too short to look inside
		{"sandra", []string{"Tom Small"}},                                      // the requester's name
		{"tom sm", []string{"Tom Small"}},                                      // every word
		{"tom smith", nil},                                                     // every word, not any
		{"súil", []string{"Seán Ó Súilleabháin"}},                              // accents typed
		{"suil", []string{"Seán Ó Súilleabháin"}},                              // and not typed
		{refs["Maria Mistry"], []string{"Maria Mistry"}},                       // a whole reference
		{"r-2026-000", []string{"Ben Goldsmith", "Maria Mistry", "Seán Ó Súilleabháin", "Tom Small", "Zoë Smith-Jones"}}, // a reference's start, any case
		{"2026", nil},
		{"R-", nil}, // too short to be taken for a reference's start
		{"r-2", []string{"Ben Goldsmith", "Maria Mistry", "Seán Ó Súilleabháin", "Tom Small", "Zoë Smith-Jones"}}, // a reference from its start only
		{`"smi`, []string{"Ben Goldsmith", "Zoë Smith-Jones"}},                                                    // FTS5's own syntax is only text
		{"|", nil},
		{"smi\x00", []string{"Ben Goldsmith", "Zoë Smith-Jones"}}, // a NUL breaks nothing
		{"smi*", nil},
		{"R-2026_", nil}, // LIKE's wildcards are only text
	} {
		if got := searchRefs(t, s, ScopeOpen, c.typed); !slices.Equal(got, c.want) {
			t.Errorf("search %q: got %q, want %q", c.typed, got, c.want)
		}
	}
}

// The index follows every change: closing and re-opening, a patient's
// name corrected, a requester removed, a request deleted.
func TestSearchFollowsChanges(t *testing.T) {
	ctx := context.Background()
	s, admin, refs := searchStore(t)
	ref := refs["Maria Mistry"]
	id := &model.Evidence{Kind: model.EvidenceIdentity, Method: model.MethodInPerson, Document: string(model.DocPassport)}
	if _, err := s.Apply(ctx, admin, ref, model.Op{Action: model.ActEvidence, Evidence: id}, demoNow); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, admin, ref, model.Op{Action: model.ActComplete}, demoNow); err != nil {
		t.Fatal(err)
	}
	if got := searchRefs(t, s, ScopeOpen, "mistry"); got != nil {
		t.Errorf("a closed request is still found among the open ones: %q", got)
	}
	if got := searchRefs(t, s, ScopeClosed, "mistry"); !slices.Equal(got, []string{"Maria Mistry"}) {
		t.Errorf("the closed request is not found among the closed ones: %q", got)
	}
	if got := searchRefs(t, s, ScopeAll, "mistry"); !slices.Equal(got, []string{"Maria Mistry"}) {
		t.Errorf("the closed request is not found among all: %q", got)
	}
	if got := searchRefs(t, s, ScopeClosed, ref); !slices.Equal(got, []string{"Maria Mistry"}) {
		t.Errorf("the closed request's reference is not found: %q", got)
	}
	if _, err := s.Apply(ctx, admin, ref, model.Op{Action: model.ActReopen, Reason: "more records found"}, demoNow); err != nil {
		t.Fatal(err)
	}
	if got := searchRefs(t, s, ScopeOpen, "mistry"); !slices.Equal(got, []string{"Maria Mistry"}) {
		t.Errorf("a re-opened request is not found among the open ones: %q", got)
	}

	if _, err := s.db.Exec("UPDATE subjects SET name = 'Maria Mystery', name_key = ? WHERE name_key = ?", foldKey("Maria Mystery"), foldKey("Maria Mistry")); err != nil {
		t.Fatal(err)
	}
	if got := searchRefs(t, s, ScopeOpen, "mistry"); got != nil {
		t.Errorf("the old name is still found: %q", got)
	}
	if got := searchRefs(t, s, ScopeOpen, "myst"); !slices.Equal(got, []string{"Maria Mystery"}) {
		t.Errorf("the corrected name is not found: %q", got)
	}

	if _, err := s.db.Exec("UPDATE requests SET requester_name = '', requester_key = '' WHERE reference = ?", refs["Tom Small"]); err != nil {
		t.Fatal(err)
	}
	if got := searchRefs(t, s, ScopeOpen, "sandra"); got != nil {
		t.Errorf("a removed requester is still found: %q", got)
	}
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM request_search").Scan(&n); err != nil || n != 5 {
		t.Fatalf("index rows %d, %v: want one per request", n, err)
	}
	// Nothing deletes requests today, but a row deleted leaves no trace.
	if _, err := s.db.Exec("PRAGMA foreign_keys = OFF; DELETE FROM evidence; DELETE FROM requests WHERE reference = ?", refs["Ben Goldsmith"]); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("SELECT count(*) FROM request_search").Scan(&n); err != nil || n != 4 {
		t.Fatalf("index rows %d, %v after a delete: want 4", n, err)
	}
}

// An update that changes none of the searched columns leaves the index
// alone: each status change rewrites `open`, and should not cost a
// rewrite of the request's index row.
func TestSearchIndexSkipsUnrelatedUpdates(t *testing.T) {
	s, _, refs := searchStore(t)
	var before, after int
	q := "SELECT count(*) FROM request_search_data"
	if err := s.db.QueryRow(q).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("UPDATE requests SET open = open, requester_key = requester_key, status = status WHERE reference = ?", refs["Tom Small"]); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(q).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("the index changed (%d → %d blocks) for an update that changed nothing it holds", before, after)
	}
}
