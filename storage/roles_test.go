package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

// The role checks live in the store, not only in which keys the desk
// shows: a desk member calling the store directly is refused, and nothing
// is written.
func TestStorageEnforcesRoles(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	desk := trustStaff(t, s, admin, "Dee Desk", model.RoleDesk)
	lead := trustStaff(t, s, admin, "Lee Lead", model.RoleLead)
	r := trustLog(t, s, desk, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow)
	before := len(trustEvents(t, s))

	for _, a := range []model.Action{model.ActComplete, model.ActPartial, model.ActRefuse, model.ActExtend} {
		_, err := s.Apply(ctx, desk, r.Reference, model.Op{Action: a, Reason: "because", Date: trustNow}, trustNow)
		trustIsForbidden(t, "desk "+string(a), err)
	}
	set, _ := s.Settings(ctx)
	set.RetentionYears = 2
	trustIsForbidden(t, "desk changes settings", s.SaveSettings(ctx, desk, set, trustNow))
	trustIsForbidden(t, "lead changes settings", s.SaveSettings(ctx, lead, set, trustNow))
	_, err := s.AddStaff(ctx, desk, "Eve Extra", model.RoleAdmin, "a long enough passphrase", trustNow)
	trustIsForbidden(t, "desk adds staff", err)
	trustIsForbidden(t, "lead changes a role", s.SetRole(ctx, lead, desk.ID, model.RoleAdmin, trustNow))
	trustIsForbidden(t, "desk deactivates", s.SetActive(ctx, desk, lead.ID, false, trustNow))
	trustIsForbidden(t, "desk resets a passphrase", s.ResetPassphrase(ctx, desk, lead.ID, "a long enough passphrase", trustNow))
	_, err = s.Purge(ctx, desk, trustNow, false)
	trustIsForbidden(t, "desk purges", err)
	_, err = s.Backup(ctx, desk, t.TempDir(), trustNow)
	trustIsForbidden(t, "desk backs up", err)

	if after := len(trustEvents(t, s)); after != before {
		t.Fatalf("refused actions wrote %d events", after-before)
	}
	got, _ := s.GetRequest(ctx, r.Reference)
	if got.Status != model.StatusInProgress {
		t.Fatalf("status changed to %s", got.Status)
	}
	if now, _ := s.Settings(ctx); now.RetentionYears != 6 {
		t.Fatal("settings changed")
	}
	// The lead may complete it.
	if _, err := s.Apply(ctx, lead, r.Reference, model.Op{Action: model.ActComplete}, trustNow); err != nil {
		t.Fatalf("lead completes: %v", err)
	}
}

// A caller cannot claim a role it does not hold: the role in the database
// is the one that counts, and a member whose role changed must sign in again.
func TestStorageChecksTheRoleInTheDatabase(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	desk := trustStaff(t, s, admin, "Dee Desk", model.RoleDesk)
	lead := trustStaff(t, s, admin, "Lee Lead", model.RoleLead)
	r := trustLog(t, s, desk, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow)

	forged := desk
	forged.Role = model.RoleAdmin
	set, _ := s.Settings(ctx)
	var re *model.RuleError
	if err := s.SaveSettings(ctx, forged, set, trustNow); !errors.As(err, &re) {
		t.Fatalf("a forged admin saved settings: %v", err)
	}
	if _, err := s.Apply(ctx, model.Staff{ID: desk.ID, Name: desk.Name, Role: model.RoleLead}, r.Reference, model.Op{Action: model.ActComplete}, trustNow); err == nil {
		t.Fatal("a forged lead completed a request")
	}
	if _, err := s.Apply(ctx, model.Staff{ID: 9999, Role: model.RoleAdmin}, r.Reference, model.Op{Action: model.ActComplete}, trustNow); err == nil {
		t.Fatal("an unknown member completed a request")
	}
	// Demoted while signed in: the old session is refused.
	if err := s.SetRole(ctx, admin, lead.ID, model.RoleDesk, trustNow); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, lead, r.Reference, model.Op{Action: model.ActComplete}, trustNow); !errors.As(err, &re) {
		t.Fatalf("a demoted lead's old session: %v", err)
	}
}

// A deactivated member can do nothing, not even sign in with the right
// passphrase.
func TestDeactivatedMemberCanDoNothing(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	lead := trustStaff(t, s, admin, "Lee Lead", model.RoleLead)
	r := trustLog(t, s, lead, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow)
	if err := s.SetActive(ctx, admin, lead.ID, false, trustNow); err != nil {
		t.Fatal(err)
	}
	before := len(trustEvents(t, s))
	if _, err := s.Authenticate(ctx, "Lee Lead", "Lee Lead passphrase", trustNow); !errors.Is(err, ErrBadLogin) {
		t.Errorf("deactivated sign-in: %v", err)
	}
	if _, err := s.LogRequest(ctx, lead, trustRequest("John Patient", trustNow.Add(-time.Hour)), trustNow); err == nil {
		t.Error("deactivated member logged a request")
	}
	if _, err := s.Apply(ctx, lead, r.Reference, model.Op{Action: model.ActComplete}, trustNow); err == nil {
		t.Error("deactivated member completed a request")
	}
	if err := s.AddNote(ctx, lead, r.Reference, "a note", trustNow); err == nil {
		t.Error("deactivated member added a note")
	}
	if err := s.SetPIN(ctx, lead, "418273", trustNow); err == nil {
		t.Error("deactivated member set a PIN")
	}
	if err := s.SetRestriction(ctx, lead, r.Reference, "no parents", trustNow); err == nil {
		t.Error("deactivated member recorded a restriction")
	}
	events := trustEvents(t, s)
	for _, e := range events[before:] {
		if e.ActorID == lead.ID {
			t.Errorf("a deactivated member's action was recorded: %+v", e)
		}
	}
	// Reactivated, they may work again.
	if err := s.SetActive(ctx, admin, lead.ID, true, trustNow); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, lead, r.Reference, model.Op{Action: model.ActComplete}, trustNow); err != nil {
		t.Fatalf("reactivated lead: %v", err)
	}
}

// Every privilege change is an event naming who did it, and the last
// admin cannot be demoted or deactivated.
func TestStaffManagementIsAudited(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	desk := trustStaff(t, s, admin, "Dee Desk", model.RoleDesk)
	steps := []struct {
		action string
		do     func() error
	}{
		{"role_changed", func() error { return s.SetRole(ctx, admin, desk.ID, model.RoleLead, trustNow) }},
		{"passphrase_reset", func() error { return s.ResetPassphrase(ctx, admin, desk.ID, "a brand new passphrase", trustNow) }},
		{"staff_deactivated", func() error { return s.SetActive(ctx, admin, desk.ID, false, trustNow) }},
		{"staff_reactivated", func() error { return s.SetActive(ctx, admin, desk.ID, true, trustNow) }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.action, err)
		}
		last := trustChainOK(t, s).Last
		if last.Action != st.action || last.ActorID != admin.ID || last.ActorName != "Ada Admin" {
			t.Errorf("after %s the last event is %+v", st.action, last)
		}
	}
	var sawAdd bool
	for _, e := range trustEvents(t, s) {
		if e.Action == "staff_added" && e.ActorID == admin.ID {
			sawAdd = true
		}
		if e.Action == "passphrase_reset" && (len(e.Detail) > 40 || strings.Contains(strings.ToLower(e.Detail), "brand new")) {
			t.Errorf("the reset event holds the passphrase: %q", e.Detail)
		}
	}
	if !sawAdd {
		t.Error("no staff_added event")
	}
	// After a reset the old passphrase no longer works, the new one does.
	if _, err := s.Authenticate(ctx, "Dee Desk", "Dee Desk passphrase", trustNow); !errors.Is(err, ErrBadLogin) {
		t.Errorf("old passphrase after reset: %v", err)
	}
	if _, err := s.Authenticate(ctx, "Dee Desk", "a brand new passphrase", trustNow); err != nil {
		t.Errorf("new passphrase after reset: %v", err)
	}
	// The last admin stays.
	var re *model.RuleError
	if err := s.SetRole(ctx, admin, admin.ID, model.RoleLead, trustNow); !errors.As(err, &re) {
		t.Errorf("the last admin was demoted: %v", err)
	}
	if err := s.SetActive(ctx, admin, admin.ID, false, trustNow); !errors.As(err, &re) {
		t.Errorf("the last admin deactivated themselves: %v", err)
	}
	// Staff are never deleted: a deactivated member is still listed.
	s.SetActive(ctx, admin, desk.ID, false, trustNow)
	all, _ := s.ListStaff(ctx)
	if len(all) != 2 || all[1].Name != "Dee Desk" || all[1].Active {
		t.Errorf("staff list %+v", all)
	}
}
