package storage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

func TestSaveSettings(t *testing.T) {
	e := newTestEnv(t)
	st, err := e.Settings(e.ctx)
	if err != nil || st != model.DefaultSettings() {
		t.Fatalf("template settings %+v, %v", st, err)
	}
	st.ClinicName = "Perfect Doctors Clinic — Leeds"
	st.ChildPolicy = model.ChildCompetence
	st.RequireStrongID = true
	st.AgeThreshold = 13
	before := e.eventCount(t)

	for _, who := range []model.Staff{e.Lead, e.Desk} {
		if err := e.SaveSettings(e.ctx, who, st, testNow); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("%s saved settings: %v", who.Role, err)
		}
	}
	bad := st
	bad.IdleLockMinutes = 0
	if err := e.SaveSettings(e.ctx, e.Admin, bad, testNow); err == nil || !model.IsUserError(err) {
		t.Errorf("bad settings saved: %v", err)
	}
	if e.eventCount(t) != before {
		t.Fatal("refused saves wrote events")
	}
	if got, _ := e.Settings(e.ctx); got != model.DefaultSettings() {
		t.Fatalf("refused saves changed the settings: %+v", got)
	}

	if err := e.SaveSettings(e.ctx, e.Admin, st, testNow); err != nil {
		t.Fatal(err)
	}
	if got, err := e.Settings(e.ctx); err != nil || got != st {
		t.Errorf("saved %+v, read back %+v (%v)", st, got, err)
	}
	ev := lastEvent(t, e)
	if ev.Action != "settings_changed" || ev.ActorName != "Ada Admin" || !strings.Contains(ev.Detail, "age threshold 13") || !strings.Contains(ev.Detail, "child policy competence") {
		t.Errorf("event %+v", ev)
	}

	// The new rules apply at once: a 14-year-old is an adult now, and a
	// bill is not enough for an access request.
	r := testRequest("Tess Teen", testDay(2026, 3, 9))
	r.Subject.DateOfBirth = testDay(2012, 1, 1)
	bill := model.Evidence{Kind: model.EvidenceIdentity, Method: model.MethodCopyReceived, Document: string(model.DocUtilityBill)}
	got := e.logRequest(t, r, bill)
	if got.Status != model.StatusAwaitingVerification {
		t.Fatalf("status %s", got.Status)
	}
	if m := e.summary(t, got.Reference); len(m.Missing) != 1 || !strings.Contains(m.Missing[0], "Strong identity") {
		t.Errorf("missing %q", m.Missing)
	}
}

func TestSettingsSurviveUnknownAndMissingFields(t *testing.T) {
	e := newTestEnv(t)
	// A database written by an older or newer version.
	if _, err := e.DB().Exec(`UPDATE settings SET json = '{"clinic_name":"Old Clinic","rule":"ccpa","future_setting":true}' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	st, err := e.Settings(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.ClinicName != "Old Clinic" || st.Rule != model.RuleCCPA || st.AgeThreshold != 16 || st.Nation != model.NationEnglandWales {
		t.Errorf("settings %+v: missing fields should take their defaults", st)
	}
	if _, err := e.DB().Exec(`UPDATE settings SET json = 'not json' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Settings(e.ctx); err == nil || !strings.Contains(err.Error(), "read settings") {
		t.Errorf("broken settings: %v", err)
	}
}

func TestNotes(t *testing.T) {
	e := newTestEnv(t)
	r := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 9)))
	other := e.logRequest(t, testRequest("John Patient", testDay(2026, 3, 9)))
	texts := []string{"Rang the patient back", "Letter\x1b[31m sent\x07 today\nsecond line"}
	for i, text := range texts {
		actor := []model.Staff{e.Desk, e.Lead}[i]
		if err := e.AddNote(e.ctx, actor, r.Reference, text, testNow.Add(timeMinutes(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.AddNote(e.ctx, e.Desk, other.Reference, "about someone else", testNow); err != nil {
		t.Fatal(err)
	}
	notes, err := e.Notes(e.ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 {
		t.Fatalf("%d notes: %+v", len(notes), notes)
	}
	if notes[0].Text != "Rang the patient back" || notes[0].ByName != "Dee Desk" || !notes[0].At.Equal(testNow) {
		t.Errorf("first note %+v", notes[0])
	}
	if n := notes[1]; n.ByName != "Lee Lead" || strings.ContainsAny(n.Text, "\x1b\x07") || !strings.Contains(n.Text, "second line") {
		t.Errorf("second note %+v: control characters must go, lines stay", n)
	}
	for _, bad := range []string{"", "   \n\t", "\x1b[2J"} {
		if err := e.AddNote(e.ctx, e.Desk, r.Reference, bad, testNow); err == nil || !model.IsUserError(err) {
			t.Errorf("empty note %q: %v", bad, err)
		}
	}
	if err := e.AddNote(e.ctx, e.Desk, "R-1999-0001", "lost", testNow); !errors.Is(err, ErrNotFound) {
		t.Errorf("note on an unknown request: %v", err)
	}
	if err := e.AddNote(e.ctx, model.Staff{ID: e.Desk.ID, Name: "Dee Desk", Role: "visitor"}, r.Reference, "hi", testNow); err == nil {
		t.Error("a note by a stale role was added")
	}
	if n, _ := e.Notes(e.ctx, "R-1999-0001"); len(n) != 0 {
		t.Errorf("notes of an unknown request: %+v", n)
	}
	// The trail says a note was added, not what it says.
	tl, _ := e.Timeline(e.ctx, r.Reference)
	var added int
	for _, ev := range tl {
		if ev.Action == "note_added" {
			added++
			if ev.Detail != "note added" {
				t.Errorf("note event detail %q", ev.Detail)
			}
		}
	}
	if added != 2 {
		t.Errorf("%d note events, want 2", added)
	}
	e.mustChainOK(t)
}

func timeMinutes(n int) time.Duration { return time.Duration(n) * time.Minute }
