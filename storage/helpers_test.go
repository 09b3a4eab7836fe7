package storage

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London on any machine

	"rightsdesk/model"
)

// Shared helpers for the storage tests: every test gets its own real
// database file in t.TempDir(), already set up with an admin, a lead and a
// desk member. Setting up hashes three passphrases with argon2id, which is
// slow on purpose, so it is done once and the file copied for each test.

// The test staff's passphrases.
const (
	testAdminPass = "correct horse battery admin"
	testLeadPass  = "correct horse battery lead"
	testDeskPass  = "correct horse battery desk"
)

var testLondon = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testNow is a Tuesday in March 2026; the template was set up a week before.
var testNow = time.Date(2026, 3, 10, 10, 0, 0, 0, testLondon)

// testDay is a civil date as the model carries it.
func testDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// testEnv is an open store with its staff.
type testEnv struct {
	*Store
	Admin, Lead, Desk model.Staff
	Path              string
	ctx               context.Context
}

var testTemplate struct {
	once              sync.Once
	db                []byte
	admin, lead, desk model.Staff
	err               error
}

func buildTemplate() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "rightsdesk-template-")
	if err != nil {
		testTemplate.err = err
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "rightsdesk.db")
	s, err := Open(ctx, path)
	if err != nil {
		testTemplate.err = err
		return
	}
	at := testNow.AddDate(0, 0, -7)
	fail := func(e error) { testTemplate.err = e; s.Close() }
	admin, err := s.Setup(ctx, model.DefaultSettings(), "Ada Admin", testAdminPass, at)
	if err != nil {
		fail(err)
		return
	}
	lead, err := s.AddStaff(ctx, admin, "Lee Lead", model.RoleLead, testLeadPass, at)
	if err != nil {
		fail(err)
		return
	}
	desk, err := s.AddStaff(ctx, admin, "Dee Desk", model.RoleDesk, testDeskPass, at)
	if err != nil {
		fail(err)
		return
	}
	if err := s.Close(); err != nil {
		testTemplate.err = err
		return
	}
	testTemplate.db, testTemplate.err = os.ReadFile(path)
	testTemplate.admin, testTemplate.lead, testTemplate.desk = admin, lead, desk
}

// newTestEnv opens a fresh copy of the set-up database in t.TempDir().
func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	testTemplate.once.Do(buildTemplate)
	if testTemplate.err != nil {
		t.Fatalf("set up the template database: %v", testTemplate.err)
	}
	path := filepath.Join(t.TempDir(), "rightsdesk.db")
	if err := os.WriteFile(path, testTemplate.db, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return &testEnv{Store: s, Admin: testTemplate.admin, Lead: testTemplate.lead, Desk: testTemplate.desk, Path: path, ctx: ctx}
}

// newEmptyStore opens a new, not yet set-up database in t.TempDir().
func newEmptyStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "rightsdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testRequest is an adult's own access request received on day at 9:30
// London time, with no evidence.
func testRequest(name string, day time.Time) model.Request {
	return model.Request{
		Kind:       model.KindAccess,
		Channel:    model.ChannelDesk,
		ReceivedAt: time.Date(day.Year(), day.Month(), day.Day(), 9, 30, 0, 0, testLondon),
		Subject:    model.Subject{Name: name, DateOfBirth: testDay(1980, 5, 1), Email: "patient@example.org"},
		Requester:  model.Requester{Relationship: model.RelSelf},
		Details:    model.Details{Scope: "everything"},
	}
}

func testPassport() model.Evidence {
	return model.Evidence{Kind: model.EvidenceIdentity, Method: model.MethodInPerson, Document: string(model.DocPassport), IssuingCountry: "GB", Last4: "1234", ExpiryChecked: true, PhotoMatched: true}
}

// logRequest logs r at testNow (by the desk) and fails the test on an error.
func (e *testEnv) logRequest(t testing.TB, r model.Request, ev ...model.Evidence) model.Request {
	t.Helper()
	r.Evidence = ev
	got, err := e.LogRequest(e.ctx, e.Desk, r, testNow)
	if err != nil {
		t.Fatalf("LogRequest: %v", err)
	}
	return got
}

// apply runs op on ref at now and fails the test on an error.
func (e *testEnv) apply(t testing.TB, actor model.Staff, ref string, op model.Op, now time.Time) model.Request {
	t.Helper()
	got, err := e.Apply(e.ctx, actor, ref, op, now)
	if err != nil {
		t.Fatalf("Apply(%s, %s): %v", ref, op.Action, err)
	}
	return got
}

// eventCount is the number of events in the audit trail.
func (e *testEnv) eventCount(t testing.TB) int {
	t.Helper()
	var n int
	if err := e.DB().QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// summary reads one request's row as the board sees it.
func (e *testEnv) summary(t testing.TB, ref string) model.Summary {
	t.Helper()
	all, err := e.ListSummaries(e.ctx, Filter{Scope: ScopeAll, Search: ref})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Reference == ref {
			return m
		}
	}
	t.Fatalf("no summary for %s", ref)
	return model.Summary{}
}

// mustChainOK verifies the audit trail and returns how many events it has.
func (e *testEnv) mustChainOK(t testing.TB) int64 {
	t.Helper()
	res, err := e.VerifyChain(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("the audit trail is broken at #%d: %s", res.BadSeq, res.Problem)
	}
	return res.Count
}
