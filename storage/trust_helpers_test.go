package storage

// Helpers for the trust tests (audit, backup, purge, staff security). They
// carry a "trust" prefix so they cannot clash with other test helpers in
// this package.

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"rightsdesk/model"
)

const trustAdminPass = "correct horse battery staple"

// trustNow is the tests' fixed "now".
var trustNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// trustStore opens a new set-up store in a temporary folder and returns it
// with its first admin.
func trustStore(t testing.TB) (*Store, model.Staff) {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "rightsdesk.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	set := model.DefaultSettings()
	set.TimeZone = "UTC"
	admin, err := s.Setup(context.Background(), set, "Ada Admin", trustAdminPass, trustNow.AddDate(-12, 0, 0))
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	return s, admin
}

// trustStaff adds a member with passphrase "<name> passphrase".
func trustStaff(t testing.TB, s *Store, admin model.Staff, name string, role model.Role) model.Staff {
	t.Helper()
	st, err := s.AddStaff(context.Background(), admin, name, role, name+" passphrase", trustNow.AddDate(-12, 0, 0))
	if err != nil {
		t.Fatalf("add staff %s: %v", name, err)
	}
	return st
}

// trustRequest is an adult's own access request received at, with strong
// identity evidence, so it goes straight to in progress.
func trustRequest(name string, at time.Time) model.Request {
	return model.Request{
		Kind:       model.KindAccess,
		Channel:    model.ChannelEmail,
		Rule:       model.RuleUKGDPR,
		ReceivedAt: at,
		Subject:    model.Subject{Name: name, DateOfBirth: time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)},
		Requester:  model.Requester{Relationship: model.RelSelf},
		Evidence: []model.Evidence{{Kind: model.EvidenceIdentity, Method: model.MethodInPerson,
			Document: string(model.DocPassport), IssuingCountry: "GB", Last4: "4821"}},
	}
}

// trustLog logs a request and fails the test on error.
func trustLog(t testing.TB, s *Store, actor model.Staff, r model.Request, now time.Time) model.Request {
	t.Helper()
	got, err := s.LogRequest(context.Background(), actor, r, now)
	if err != nil {
		t.Fatalf("log request: %v", err)
	}
	return got
}

// trustEvents lists every event of the chain.
func trustEvents(t testing.TB, s *Store) []model.Event {
	t.Helper()
	rows, err := s.db.Query("SELECT " + eventCols + " FROM events ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// trustChainOK fails the test unless the chain verifies.
func trustChainOK(t testing.TB, s *Store) ChainResult {
	t.Helper()
	res, err := s.VerifyChain(context.Background())
	if err != nil {
		t.Fatalf("verify chain: %v", err)
	}
	if !res.OK() {
		t.Fatalf("chain does not verify: %s", res.Problem)
	}
	return res
}

// trustTamper runs SQL the way a tamperer would: with the append-only
// triggers dropped first.
func trustTamper(t testing.TB, s *Store, stmts ...string) {
	t.Helper()
	all := append([]string{"DROP TRIGGER IF EXISTS events_no_update", "DROP TRIGGER IF EXISTS events_no_delete"}, stmts...)
	for _, q := range all {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatalf("tamper %q: %v", q, err)
		}
	}
}

// trustRehash recomputes every hash from seq from on, as a tamperer who
// knows the scheme would after changing an event: the chain then verifies
// on its own again.
func trustRehash(t testing.TB, s *Store, from int64) {
	t.Helper()
	events := trustEvents(t, s)
	prev := make([]byte, model.HashSize)
	for _, e := range events {
		if e.Seq >= from {
			e.PrevHash = prev
			e.Hash = e.ComputeHash(prev)
			if _, err := s.db.Exec("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", e.PrevHash, e.Hash, e.Seq); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
}

// trustIsForbidden fails unless err is a ForbiddenError.
func trustIsForbidden(t testing.TB, what string, err error) {
	t.Helper()
	var fe *model.ForbiddenError
	if !errors.As(err, &fe) {
		t.Fatalf("%s: want a ForbiddenError, got %v", what, err)
	}
}
