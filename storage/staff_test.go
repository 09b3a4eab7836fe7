package storage

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"rightsdesk/model"
)

func TestAddStaff(t *testing.T) {
	e := newTestEnv(t)
	before := e.eventCount(t)
	for name, try := range map[string]struct {
		actor model.Staff
		name  string
		role  model.Role
		pass  string
	}{
		"a lead":              {e.Lead, "New Person", model.RoleDesk, "a long enough passphrase"},
		"a desk":              {e.Desk, "New Person", model.RoleDesk, "a long enough passphrase"},
		"a short passphrase":  {e.Admin, "New Person", model.RoleDesk, "short"},
		"an unknown role":     {e.Admin, "New Person", "boss", "a long enough passphrase"},
		"a name with digits":  {e.Admin, "R2D2", model.RoleDesk, "a long enough passphrase"},
		"the same name":       {e.Admin, "dee desk", model.RoleLead, "a long enough passphrase"},
		"a deactivated admin": {model.Staff{ID: 99, Name: "Gone", Role: model.RoleAdmin}, "New Person", model.RoleDesk, "a long enough passphrase"},
	} {
		_, err := e.AddStaff(e.ctx, try.actor, try.name, try.role, try.pass, testNow)
		if err == nil {
			t.Errorf("%s: staff added", name)
			continue
		}
		if name == "the same name" && !errors.Is(err, ErrStaffExists) {
			t.Errorf("%s: %v, want ErrStaffExists", name, err)
		}
		if (name == "a lead" || name == "a desk") && !errors.Is(err, model.ErrForbidden) {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
	}
	if e.eventCount(t) != before {
		t.Error("refused additions wrote events")
	}

	st, err := e.AddStaff(e.ctx, e.Admin, "  Nia   Newcomer ", model.RoleLead, "a long enough passphrase", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if st.Name != "Nia Newcomer" || st.Role != model.RoleLead || !st.Active || st.ID == 0 {
		t.Errorf("added %+v", st)
	}
	// The passphrase is kept as an argon2id hash with OWASP's parameters.
	var hash string
	if err := e.DB().QueryRow("SELECT pass_hash FROM staff WHERE id = ?", st.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, "long enough") {
		t.Errorf("stored hash %q", hash)
	}
	signedIn, err := e.Authenticate(e.ctx, "NIA NEWCOMER", "a long enough passphrase", testNow)
	if err != nil || signedIn.ID != st.ID || signedIn.Role != model.RoleLead {
		t.Errorf("the new member cannot sign in: %+v, %v", signedIn, err)
	}
	all, err := e.ListStaff(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, []string{"Ada Admin", "Dee Desk", "Lee Lead", "Nia Newcomer"}) {
		t.Errorf("ListStaff = %q", names)
	}
	tl := lastEvent(t, e)
	if tl.Action != "staff_added" || tl.ActorName != "Ada Admin" || strings.Contains(tl.Detail, "passphrase") {
		t.Errorf("event %+v", tl)
	}
}

func lastEvent(t *testing.T, e *testEnv) model.Event {
	t.Helper()
	ev, err := scanEvent(e.DB().QueryRow("SELECT " + eventCols + " FROM events ORDER BY seq DESC LIMIT 1"))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestAuthenticate(t *testing.T) {
	e := newTestEnv(t)
	got, err := e.Authenticate(e.ctx, " DEE   desk\t", testDeskPass, testNow)
	if err != nil || got.ID != e.Desk.ID || got.Name != e.Desk.Name || got.Role != e.Desk.Role || !got.Active || !got.CreatedAt.Equal(e.Desk.CreatedAt) {
		t.Fatalf("Authenticate = %+v, %v; want %+v", got, err, e.Desk)
	}
	for name, try := range map[string][2]string{
		"wrong passphrase": {"Dee Desk", testLeadPass},
		"unknown name":     {"Nobody Here", testDeskPass},
		"empty":            {"", ""},
	} {
		if _, err := e.Authenticate(e.ctx, try[0], try[1], testNow); !errors.Is(err, ErrBadLogin) {
			t.Errorf("%s: %v, want ErrBadLogin", name, err)
		}
	}
	// The same message whether the name or the passphrase was wrong.
	if ErrBadLogin.Error() != "the name or passphrase is wrong" {
		t.Errorf("message %q", ErrBadLogin)
	}
}

func TestStaffChangesTakeEffectAtOnce(t *testing.T) {
	e := newTestEnv(t)
	r := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 9)), testPassport())

	// Promoted: the old sign-in no longer acts; the new role does.
	if err := e.SetRole(e.ctx, e.Admin, e.Desk.ID, model.RoleLead, testNow); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Apply(e.ctx, e.Desk, r.Reference, model.Op{Action: model.ActNote}, testNow); err == nil || !strings.Contains(err.Error(), "role changed") {
		t.Errorf("acting with the old role: %v", err)
	}
	promoted := e.Desk
	promoted.Role = model.RoleLead
	e.apply(t, promoted, r.Reference, model.Op{Action: model.ActExtend, Reason: "complex", Date: testDay(2026, 3, 10)}, testNow)
	if ev := lastEvent(t, e); ev.Action != "extended" || ev.ActorName != "Dee Desk" {
		t.Errorf("last event %+v", ev)
	}

	// Deactivated: can neither act nor sign in.
	if err := e.SetActive(e.ctx, e.Admin, e.Lead.ID, false, testNow); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Apply(e.ctx, e.Lead, r.Reference, model.Op{Action: model.ActComplete}, testNow); err == nil || !strings.Contains(err.Error(), "deactivated") {
		t.Errorf("a deactivated lead acted: %v", err)
	}
	if err := e.AddNote(e.ctx, e.Lead, r.Reference, "still here", testNow); err == nil {
		t.Error("a deactivated lead added a note")
	}
	if _, err := e.Authenticate(e.ctx, "Lee Lead", testLeadPass, testNow); !errors.Is(err, ErrBadLogin) {
		t.Errorf("a deactivated lead signed in: %v", err)
	}
	if got, _ := e.GetRequest(e.ctx, r.Reference); got.Status != model.StatusInProgress {
		t.Errorf("status %s after refused actions", got.Status)
	}
	// Never deleted: still listed, and reactivated they work again.
	if st, err := e.StaffByName(e.ctx, "lee lead"); err != nil || st.Active {
		t.Errorf("StaffByName after deactivation: %+v, %v", st, err)
	}
	if err := e.SetActive(e.ctx, e.Admin, e.Lead.ID, true, testNow); err != nil {
		t.Fatal(err)
	}
	e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActComplete}, testNow)
	if _, err := e.StaffByName(e.ctx, "Nobody"); err == nil || !model.IsUserError(err) {
		t.Errorf("StaffByName(unknown) = %v", err)
	}
}

func TestKeepAnAdmin(t *testing.T) {
	e := newTestEnv(t)
	if err := e.SetRole(e.ctx, e.Admin, e.Admin.ID, model.RoleLead, testNow); err == nil || !strings.Contains(err.Error(), "last active admin") {
		t.Errorf("demoting the last admin: %v", err)
	}
	if err := e.SetActive(e.ctx, e.Admin, e.Admin.ID, false, testNow); err == nil {
		t.Error("the last admin deactivated themselves")
	}
	for name, err := range map[string]error{
		"lead sets a role":     e.SetRole(e.ctx, e.Lead, e.Desk.ID, model.RoleAdmin, testNow),
		"desk deactivates":     e.SetActive(e.ctx, e.Desk, e.Lead.ID, false, testNow),
		"lead resets a secret": e.ResetPassphrase(e.ctx, e.Lead, e.Desk.ID, "a brand new passphrase", testNow),
	} {
		if !errors.Is(err, model.ErrForbidden) {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
	}
	if err := e.SetRole(e.ctx, e.Admin, e.Lead.ID, "owner", testNow); err == nil {
		t.Error("an unknown role was set")
	}
	// With a second admin, the first may step down.
	if err := e.SetRole(e.ctx, e.Admin, e.Lead.ID, model.RoleAdmin, testNow); err != nil {
		t.Fatal(err)
	}
	if err := e.SetRole(e.ctx, e.Admin, e.Admin.ID, model.RoleLead, testNow); err != nil {
		t.Fatalf("stepping down with another admin: %v", err)
	}
	st, _ := e.StaffByName(e.ctx, "Ada Admin")
	if st.Role != model.RoleLead {
		t.Errorf("role %s", st.Role)
	}
	ev := lastEvent(t, e)
	if ev.Action != "role_changed" || !strings.Contains(ev.Detail, "admin → lead") {
		t.Errorf("event %+v", ev)
	}
	e.mustChainOK(t)
}
