package storage

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"rightsdesk/model"
)

var demoNow = time.Date(2026, 3, 16, 10, 30, 0, 0, time.UTC)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestGenerateDemoObeysTheDomain checks a small demo: every request passes
// the domain's consistency rules, the chain verifies, and every kind,
// channel, rule, relationship and status is there.
func TestGenerateDemoObeysTheDomain(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	res, err := s.GenerateDemo(ctx, DemoOptions{Requests: 600, Seed: 7, Now: demoNow})
	if err != nil {
		t.Fatal(err)
	}
	if !res.SetUp || res.Requests != 600 || res.refused != 0 {
		t.Fatalf("result %+v: want a set-up clinic, 600 requests and no refused actions", res)
	}
	if len(res.Staff) != len(demoStaff) {
		t.Fatalf("demo staff %v, want %d members", res.Staff, len(demoStaff))
	}
	for _, m := range res.Staff {
		if _, err := s.Authenticate(ctx, m.Name, DemoPassphrase, demoNow); err != nil {
			t.Fatalf("demo member %s cannot sign in with the demo passphrase: %v", m.Name, err)
		}
		if _, err := s.UnlockWithPIN(ctx, m.ID, DemoPIN, demoNow); err != nil || !m.HasPIN {
			t.Fatalf("demo member %s cannot unlock with the demo PIN: %v", m.Name, err)
		}
	}
	st, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}

	seen := map[string]bool{}
	var events int
	oldest, newest := demoNow, time.Time{}
	err = s.EachSummary(ctx, Filter{Scope: ScopeAll}, func(m model.Summary) error {
		r, err := s.GetRequest(ctx, m.Reference)
		if err != nil {
			return err
		}
		if err := r.Consistent(st); err != nil {
			t.Errorf("%s (%s, %s) is not consistent: %v", r.Reference, r.Kind, r.Status, err)
		}
		if r.Status == model.StatusInProgress && !m.Verified {
			t.Errorf("%s is in progress but not verified", r.Reference)
		}
		if r.UnderThreshold(st) && r.Requester.Relationship.ActsForOther() && m.Verified && !r.Kind.Absolute() &&
			!hasEvidence(r, model.EvidenceParental) {
			t.Errorf("%s: a child's request is verified without parental proof", r.Reference)
		}
		if r.ReceivedAt.After(demoNow) || r.ReceivedAt.Before(demoNow.AddDate(-DemoYears, 0, -1)) {
			t.Errorf("%s was received %s, outside the demo's years", r.Reference, r.ReceivedAt)
		}
		oldest, newest = minTime(oldest, r.ReceivedAt), maxTime(newest, r.ReceivedAt)
		tl, err := s.Timeline(ctx, m.Reference)
		if err != nil {
			return err
		}
		if len(tl) == 0 || tl[0].Action != string(model.ActLog) {
			t.Errorf("%s: the timeline does not start with its logging: %v", r.Reference, tl)
		}
		events += len(tl)
		for _, k := range []string{"kind " + string(r.Kind), "channel " + string(r.Channel), "rule " + string(r.Rule),
			"status " + string(r.Status), "relationship " + string(r.Requester.Relationship)} {
			seen[k] = true
		}
		if r.Extended {
			seen["extended"] = true
		}
		if r.PausedDays > 0 {
			seen["paused before"] = true
		}
		if r.UnderThreshold(st) && r.Requester.Relationship.ActsForOther() {
			seen["child with parent"] = true
		}
		if hasEvidence(r, model.EvidenceAuthority) {
			seen["authority"] = true
		}
		if len(tl) >= 50 {
			seen["50 events"] = true
		}
		if m.Status.Closed() == false && m.DaysLeft(model.DateOf(demoNow)) < 0 && m.Status != model.StatusPaused {
			seen["overdue"] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, k := range model.Kinds {
		want = append(want, "kind "+string(k))
	}
	for _, c := range model.Channels {
		want = append(want, "channel "+string(c))
	}
	for _, r := range model.Rules {
		want = append(want, "rule "+string(r))
	}
	for _, s := range model.Statuses {
		want = append(want, "status "+string(s))
	}
	for _, r := range model.Relationships {
		want = append(want, "relationship "+string(r))
	}
	want = append(want, "extended", "paused before", "child with parent", "authority", "50 events", "overdue")
	for _, k := range want {
		if !seen[k] {
			t.Errorf("the demo has no request with %s", k)
		}
	}
	if per := float64(events) / 600; per < 7 || per > 13 {
		t.Errorf("%.1f events per request, want about 10", per)
	}
	if newest.Sub(oldest) < 9*365*24*time.Hour {
		t.Errorf("requests span %s to %s, want about %d years", oldest, newest, DemoYears)
	}

	chain, err := s.VerifyChain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !chain.OK() {
		t.Fatalf("the demo's chain does not verify: %s", chain.Problem)
	}
	// Set-up: the clinic, three more staff, and each member's PIN.
	if setup := int64(2 * len(demoStaff)); chain.Count != res.Events+setup {
		t.Errorf("chain has %d events, want %d from the demo plus %d from set-up", chain.Count, res.Events, setup)
	}
	// The trail is in time order, as a real one is.
	var disorder int
	if err := s.db.QueryRow("SELECT count(*) FROM events a JOIN events b ON b.seq = a.seq + 1 WHERE b.at < a.at").Scan(&disorder); err != nil {
		t.Fatal(err)
	}
	if disorder != 0 {
		t.Errorf("%d events are earlier than the one before them", disorder)
	}
	// A new request logged at the desk gets a fresh reference.
	lead, _ := s.StaffByName(ctx, "Lee Lead")
	r := model.Request{Kind: model.KindAccess, Channel: model.ChannelDesk, Rule: model.RuleUKGDPR, ReceivedAt: demoNow,
		Subject:   model.Subject{Name: "New Patient", DateOfBirth: time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC)},
		Requester: model.Requester{Relationship: model.RelSelf}}
	if _, err := s.LogRequest(ctx, lead, r, demoNow); err != nil {
		t.Fatalf("logging after the demo: %v", err)
	}
}

func hasEvidence(r model.Request, k model.EvidenceKind) bool {
	for _, e := range r.Evidence {
		if e.Kind == k {
			return true
		}
	}
	return false
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestGenerateDemoIsDeterministic: the same seed and time give the same
// register and the same chain; another seed gives another.
func TestGenerateDemoIsDeterministic(t *testing.T) {
	ctx := context.Background()
	tail := func(seed uint64) []byte {
		s := openTemp(t)
		if _, err := s.GenerateDemo(ctx, DemoOptions{Requests: 80, Seed: seed, Now: demoNow}); err != nil {
			t.Fatal(err)
		}
		res, err := s.VerifyChain(ctx)
		if err != nil || !res.OK() {
			t.Fatalf("chain: %v %s", err, res.Problem)
		}
		return res.LastHash
	}
	a, b, c := tail(1), tail(1), tail(2)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different chains")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same chain")
	}
}

// TestGenerateDemoRefusesARealRegister: the demo never mixes with real
// requests unless forced, and forced it keeps references unique.
func TestGenerateDemoRefusesARealRegister(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.GenerateDemo(ctx, DemoOptions{Requests: 20, Seed: 1, Now: demoNow}); err != nil {
		t.Fatal(err)
	}
	_, err := s.GenerateDemo(ctx, DemoOptions{Requests: 20, Seed: 1, Now: demoNow})
	if !errors.Is(err, ErrHasRequests) {
		t.Fatalf("second demo: %v, want ErrHasRequests", err)
	}
	res, err := s.GenerateDemo(ctx, DemoOptions{Requests: 20, Seed: 1, Now: demoNow, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Staff {
		if m.Created {
			t.Errorf("forced demo re-created %s", m.Name)
		}
	}
	n, err := s.CountRequests(ctx, Filter{Scope: ScopeAll})
	if err != nil || n != 40 {
		t.Fatalf("count %d, %v: want 40", n, err)
	}
	if chain, err := s.VerifyChain(ctx); err != nil || !chain.OK() {
		t.Fatalf("chain after a forced demo: %v %s", err, chain.Problem)
	}
}

// TestGenerateDemoOnAClinicSetUpElsewhere adds the demo staff the clinic
// lacks, signed by the generator.
func TestGenerateDemoOnAClinicSetUpElsewhere(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.Setup(ctx, model.DefaultSettings(), "Real Admin", "a real passphrase", demoNow); err != nil {
		t.Fatal(err)
	}
	res, err := s.GenerateDemo(ctx, DemoOptions{Requests: 10, Seed: 3, Now: demoNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.SetUp {
		t.Error("the demo says it set up a clinic that was set up already")
	}
	created := 0
	for _, m := range res.Staff {
		if m.Created {
			created++
		}
	}
	if created != len(demoStaff) {
		t.Errorf("created %d demo staff, want %d", created, len(demoStaff))
	}
	if chain, err := s.VerifyChain(ctx); err != nil || !chain.OK() {
		t.Fatalf("chain: %v %s", err, chain.Problem)
	}
}
