package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestRolesTable checks every role against every permission, written out
// here: desk staff log, verify, pause and export acknowledgements; leads
// also extend, refuse, complete, re-open and export responses; admins also
// manage staff and settings.
func TestRolesTable(t *testing.T) {
	want := []struct {
		p                 Permission
		desk, lead, admin bool
	}{
		{PermLog, true, true, true},
		{PermVerify, true, true, true},
		{PermPause, true, true, true},
		{PermNote, true, true, true},
		{PermAttach, true, true, true},
		{PermWithdraw, true, true, true},
		{PermExportAck, true, true, true},
		{PermExtend, false, true, true},
		{PermRefuse, false, true, true},
		{PermComplete, false, true, true},
		{PermReopen, false, true, true},
		{PermCompetence, false, true, true},
		{PermExportResponse, false, true, true},
		{PermImport, false, true, true},
		{PermReport, false, true, true},
		{PermManageStaff, false, false, true},
		{PermSettings, false, false, true},
		{PermPurge, false, false, true},
		{PermBackup, false, false, true},
		{PermAudit, false, false, true},
	}
	all := Permissions()
	if len(all) != len(want) {
		t.Fatalf("Permissions() has %d, the table %d", len(all), len(want))
	}
	for i, w := range want {
		if all[i] != w.p {
			t.Errorf("Permissions()[%d] = %s, want %s", i, all[i], w.p)
		}
		for _, rc := range []struct {
			role Role
			can  bool
		}{{RoleDesk, w.desk}, {RoleLead, w.lead}, {RoleAdmin, w.admin}} {
			if got := Can(rc.role, w.p); got != rc.can {
				t.Errorf("Can(%s, %s) = %v, want %v", rc.role, w.p, got, rc.can)
			}
			err := Check(rc.role, w.p)
			if (err == nil) != rc.can {
				t.Errorf("Check(%s, %s) = %v", rc.role, w.p, err)
			}
		}
		needs := RoleAdmin
		switch {
		case w.desk:
			needs = RoleDesk
		case w.lead:
			needs = RoleLead
		}
		if got := NeededRole(w.p); got != needs {
			t.Errorf("NeededRole(%s) = %s, want %s", w.p, got, needs)
		}
		if l := w.p.Label(); l == "" || l == string(w.p) || strings.Contains(l, "_") {
			t.Errorf("%s has no plain label: %q", w.p, l)
		}
	}
	// Every permission the code knows is in the list, once.
	for p := range permissionRole {
		if !slices.Contains(all, p) {
			t.Errorf("permission %s is not in Permissions()", p)
		}
	}
}

func TestRolesNest(t *testing.T) {
	for _, p := range Permissions() {
		if Can(RoleDesk, p) && !Can(RoleLead, p) {
			t.Errorf("a desk may %s but a lead may not", p)
		}
		if Can(RoleLead, p) && !Can(RoleAdmin, p) {
			t.Errorf("a lead may %s but an admin may not", p)
		}
		for _, r := range []Role{"", "Admin", "root", "cleaner"} {
			if Can(r, p) {
				t.Errorf("unknown role %q may %s", r, p)
			}
		}
	}
	for _, r := range Roles {
		if Can(r, "fly") {
			t.Errorf("%s may do an unknown thing", r)
		}
	}
	if !slices.Equal(Roles, []Role{RoleDesk, RoleLead, RoleAdmin}) {
		t.Errorf("Roles = %v, want least privileged first", Roles)
	}
}

func TestForbiddenError(t *testing.T) {
	err := Check(RoleDesk, PermRefuse)
	var fe *ForbiddenError
	if !errors.As(err, &fe) || !errors.Is(err, ErrForbidden) || !IsUserError(err) {
		t.Fatalf("Check(desk, refuse) = %v (%T)", err, err)
	}
	if got, want := err.Error(), "desk staff may not refuse requests: ask a lead"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got, want := Check(RoleLead, PermManageStaff).Error(), "lead staff may not manage staff: ask an admin"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

// TestActionPermissions: which role each staff action needs, written out.
// "" means no one may take it as an action (the model derives it).
func TestActionPermissions(t *testing.T) {
	want := map[Action]Role{
		ActLog: RoleDesk, ActImport: RoleLead, ActEvidence: RoleDesk, ActVerified: "",
		ActPause: RoleDesk, ActResume: RoleDesk, ActExtend: RoleLead, ActComplete: RoleLead,
		ActPartial: RoleLead, ActRefuse: RoleLead, ActWithdraw: RoleDesk, ActReopen: RoleLead,
		ActNote: RoleDesk, ActAttach: RoleDesk, ActExport: "", ActRestrict: RoleDesk,
	}
	if len(want) != len(allActions) {
		t.Fatalf("table has %d actions, allActions %d", len(want), len(allActions))
	}
	for _, a := range allActions {
		p := PermissionFor(a)
		if got := NeededRole(p); got != want[a] {
			t.Errorf("%s needs %s (permission %q), want %s", a, got, p, want[a])
		}
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{Invalid("date of birth", "the date is missing", "type it"), "the date is missing: type it"},
		{Invalid("date of birth", "", ""), "date of birth is not valid"},
		{&InputError{Problem: "bad"}, "bad"},
		{Refuse("the request is closed", "re-open it"), "the request is closed: re-open it"},
		{Refuse("no", ""), "no"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !IsUserError(tt.err) || !IsUserError(errors.Join(errors.New("context"), tt.err)) {
			t.Errorf("%v is not a user error", tt.err)
		}
	}
	if IsUserError(errors.New("disk on fire")) || IsUserError(nil) {
		t.Error("a plain error counts as a user error")
	}
}

func TestThrottleWait(t *testing.T) {
	want := map[int]string{0: "0s", 4: "0s", 5: "1s", 6: "2s", 7: "4s", 14: "8m32s", 15: "15m0s", 30: "15m0s", 1000: "15m0s"}
	for failed, w := range want {
		if got := ThrottleWait(failed).String(); got != w {
			t.Errorf("ThrottleWait(%d) = %s, want %s", failed, got, w)
		}
	}
}
