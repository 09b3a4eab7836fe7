package storage

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

func TestLogRequestReferences(t *testing.T) {
	e := newTestEnv(t)
	seen := map[string]bool{}
	for i := 1; i <= 12; i++ {
		r := e.logRequest(t, testRequest(fmt.Sprintf("Patient Number %c", 'A'+i), testDay(2026, 3, 9)))
		want := fmt.Sprintf("R-2026-%04d", i)
		if r.Reference != want {
			t.Errorf("request %d got %s, want %s", i, r.Reference, want)
		}
		if seen[r.Reference] || r.ID == 0 {
			t.Fatalf("reference %s (id %d) handed out twice", r.Reference, r.ID)
		}
		seen[r.Reference] = true
	}
	// The year is the year received, with its own count.
	old := e.logRequest(t, testRequest("Late Logger", testDay(2025, 12, 31)))
	if old.Reference != "R-2025-0001" {
		t.Errorf("received 31 Dec 2025: %s, want R-2025-0001", old.Reference)
	}
	// A reference given by the caller is kept; the counter skips it.
	r := testRequest("Given Reference", testDay(2026, 3, 9))
	r.Reference = "R-2026-0013"
	if got := e.logRequest(t, r); got.Reference != "R-2026-0013" {
		t.Errorf("given reference became %s", got.Reference)
	}
	if got := e.logRequest(t, testRequest("Next One", testDay(2026, 3, 9))); got.Reference != "R-2026-0014" {
		t.Errorf("after a taken number: %s, want R-2026-0014", got.Reference)
	}
	// A reference already in the register is refused and nothing is written.
	before := e.eventCount(t)
	r.Subject.Name = "Someone Else"
	_, err := e.LogRequest(e.ctx, e.Desk, r, testNow)
	var ie *model.InputError
	if !errors.As(err, &ie) || ie.Field != "reference" {
		t.Fatalf("a reference in use: %v, want an InputError", err)
	}
	if e.eventCount(t) != before {
		t.Error("a refused request left events behind")
	}
	if refs, _ := e.DuplicateOpen(e.ctx, "Someone Else", testDay(1980, 5, 1)); len(refs) != 0 {
		t.Errorf("a refused request was stored: %v", refs)
	}
	e.mustChainOK(t)
}

func TestLogRequestRefusals(t *testing.T) {
	e := newTestEnv(t)
	bad := testRequest("Jane Patient", testDay(2026, 3, 9))
	bad.Subject.DateOfBirth = time.Time{}
	for name, tc := range map[string]struct {
		actor model.Staff
		r     model.Request
	}{
		"no date of birth": {e.Desk, bad},
		"unknown staff":    {model.Staff{ID: 99, Name: "Ghost", Role: model.RoleAdmin}, testRequest("Jane Patient", testDay(2026, 3, 9))},
		"stale role":       {model.Staff{ID: e.Desk.ID, Name: e.Desk.Name, Role: model.RoleAdmin}, testRequest("Jane Patient", testDay(2026, 3, 9))},
	} {
		before := e.eventCount(t)
		if _, err := e.LogRequest(e.ctx, tc.actor, tc.r, testNow); err == nil || !model.IsUserError(err) {
			t.Errorf("%s: %v, want a user error", name, err)
		}
		if e.eventCount(t) != before {
			t.Errorf("%s: events written", name)
		}
	}
	n, err := e.CountRequests(e.ctx, Filter{Scope: ScopeAll})
	if err != nil || n != 0 {
		t.Errorf("%d requests stored after refusals (%v)", n, err)
	}
}

// TestApplyPersists: what Apply changes is in the database afterwards,
// with the columns derived from it (due dates, verified, missing).
func TestApplyPersists(t *testing.T) {
	e := newTestEnv(t)
	cal := CalendarFor(model.NationEnglandWales)
	// Received Tuesday 3 March 2026: one month is Friday 3 April, Good
	// Friday; Easter Monday follows, so UK GDPR moves it to Tuesday 7 April.
	r := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 3)))
	got, err := e.GetRequest(e.ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != model.StatusAwaitingVerification || got.Rule != model.RuleUKGDPR || got.Nation != model.NationEnglandWales {
		t.Fatalf("logged: %s %s %s", got.Status, got.Rule, got.Nation)
	}
	if got.OwnerName != "Dee Desk" || got.CreatedBy != e.Desk.ID {
		t.Errorf("owner %q #%d", got.OwnerName, got.CreatedBy)
	}
	m := e.summary(t, r.Reference)
	if m.Verified || len(m.Missing) != 1 || !strings.Contains(m.Missing[0], "Identity of the patient") {
		t.Errorf("summary verified %v, missing %q", m.Verified, m.Missing)
	}
	if !m.DueOn.Equal(testDay(2026, 4, 7)) || !m.EffectiveDue.Equal(m.DueOn) || !m.ClockStart.Equal(testDay(2026, 3, 3)) {
		t.Errorf("due %s, effective %s, clock %s; want 2026-04-07 from 2026-03-03", m.DueOn, m.EffectiveDue, m.ClockStart)
	}
	if m.SubjectName != "Jane Patient" || !m.SubjectDOB.Equal(testDay(1980, 5, 1)) || !m.ReceivedOn.Equal(testDay(2026, 3, 3)) {
		t.Errorf("summary %+v", m)
	}

	// ID arrives a week later: under UK GDPR the clock starts then.
	idDay := time.Date(2026, 3, 10, 11, 0, 0, 0, testLondon)
	p := testPassport()
	r = e.apply(t, e.Desk, r.Reference, model.Op{Action: model.ActEvidence, Evidence: &p}, idDay)
	if r.Status != model.StatusInProgress {
		t.Fatalf("after a passport: %s", r.Status)
	}
	got, _ = e.GetRequest(e.ctx, r.Reference)
	if got.Status != model.StatusInProgress || !got.VerifiedOn.Equal(testDay(2026, 3, 10)) || len(got.Evidence) != 1 {
		t.Fatalf("stored: %s, verified on %s, %d evidence", got.Status, got.VerifiedOn, len(got.Evidence))
	}
	ev := got.Evidence[0]
	if ev.Document != "passport" || ev.Last4 != "1234" || ev.Strength != model.StrengthStrong || ev.CheckedByName != "Dee Desk" || ev.IssuingCountry != "GB" || !ev.ExpiryChecked || !ev.PhotoMatched {
		t.Errorf("stored evidence %+v", ev)
	}
	if !ev.CheckedAt.Equal(idDay) || !ev.ReceivedOn.Equal(testDay(2026, 3, 10)) {
		t.Errorf("evidence checked at %s, received %s", ev.CheckedAt, ev.ReceivedOn)
	}
	m = e.summary(t, r.Reference)
	want := got.Deadline(cal)
	if !m.Verified || len(m.Missing) != 0 || !m.ClockStart.Equal(testDay(2026, 3, 10)) || !m.DueOn.Equal(testDay(2026, 4, 10)) || !m.DueOn.Equal(want.Due) {
		t.Errorf("after ID: verified %v, missing %q, clock %s, due %s (model says %s)", m.Verified, m.Missing, m.ClockStart, m.DueOn, want.Due)
	}

	// Extension: the deadline in force moves; the first one stays.
	r = e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActExtend, Reason: "hundreds of records", Date: testDay(2026, 3, 12)}, idDay.AddDate(0, 0, 2))
	m = e.summary(t, r.Reference)
	if !m.Extended || !m.DueOn.Equal(testDay(2026, 4, 10)) || !m.EffectiveDue.Equal(testDay(2026, 6, 10)) || !m.ExtendedDueOn.Equal(m.EffectiveDue) {
		t.Errorf("extended: %v, due %s, effective %s, extended %s", m.Extended, m.DueOn, m.EffectiveDue, m.ExtendedDueOn)
	}
	got, _ = e.GetRequest(e.ctx, r.Reference)
	if !got.Extended || got.ExtensionReason != "hundreds of records" || !got.ExtensionNotifiedOn.Equal(testDay(2026, 3, 12)) {
		t.Errorf("stored extension %v %q %s", got.Extended, got.ExtensionReason, got.ExtensionNotifiedOn)
	}

	// Pause and resume: the paused days are kept.
	r = e.apply(t, e.Desk, r.Reference, model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingClarification}, time.Date(2026, 3, 13, 9, 0, 0, 0, testLondon))
	m = e.summary(t, r.Reference)
	if m.Status != model.StatusPaused || m.PauseReason != model.PauseAwaitingClarification || !m.PausedSince.Equal(testDay(2026, 3, 13)) {
		t.Errorf("paused: %s %s %s", m.Status, m.PauseReason, m.PausedSince)
	}
	r = e.apply(t, e.Desk, r.Reference, model.Op{Action: model.ActResume}, time.Date(2026, 3, 16, 9, 0, 0, 0, testLondon))
	got, _ = e.GetRequest(e.ctx, r.Reference)
	if got.Status != model.StatusInProgress || got.PausedDays != 3 || got.ClarificationDays != 3 || !got.PausedSince.IsZero() {
		t.Errorf("resumed: %s, paused %d, clarification %d", got.Status, got.PausedDays, got.ClarificationDays)
	}
	m = e.summary(t, r.Reference)
	if !m.EffectiveDue.Equal(got.Deadline(cal).Effective) || !m.EffectiveDue.After(testDay(2026, 6, 10)) {
		t.Errorf("after a clarification pause the effective deadline is %s (model: %s)", m.EffectiveDue, got.Deadline(cal).Effective)
	}

	// Completion closes it.
	closeDay := time.Date(2026, 3, 20, 15, 0, 0, 0, testLondon)
	r = e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActPartial, Reason: "medical records must be kept"}, closeDay)
	got, _ = e.GetRequest(e.ctx, r.Reference)
	if got.Status != model.StatusPartiallyCompleted || !got.ClosedOn.Equal(testDay(2026, 3, 20)) || got.OutcomeReason != "medical records must be kept" {
		t.Errorf("closed: %s %s %q", got.Status, got.ClosedOn, got.OutcomeReason)
	}
	if open, _ := e.ListSummaries(e.ctx, Filter{Scope: ScopeOpen}); len(open) != 0 {
		t.Errorf("a closed request is on the open list: %+v", open)
	}
	// What GetRequest reads back is what Apply returned.
	if !reflect.DeepEqual(normalised(got), normalised(r)) {
		t.Errorf("stored and returned differ:\nstored   %+v\nreturned %+v", got, r)
	}
	e.mustChainOK(t)
}

// normalised drops what only differs in representation (time zones of the
// same instant, evidence ids the caller did not see).
func normalised(r model.Request) model.Request {
	r.ReceivedAt = r.ReceivedAt.UTC()
	r.Evidence = slices.Clone(r.Evidence)
	for i := range r.Evidence {
		r.Evidence[i].ID = 0
		r.Evidence[i].CheckedAt = r.Evidence[i].CheckedAt.UTC()
	}
	return r
}

func TestApplyRefusedWritesNothing(t *testing.T) {
	e := newTestEnv(t)
	r := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 9)))
	before := e.eventCount(t)
	stored, _ := e.GetRequest(e.ctx, r.Reference)
	tries := []struct {
		name  string
		actor model.Staff
		op    model.Op
	}{
		{"complete unverified", e.Lead, model.Op{Action: model.ActComplete}},
		{"desk refuses", e.Desk, model.Op{Action: model.ActRefuse, Reason: "no"}},
		{"refuse without reason", e.Lead, model.Op{Action: model.ActRefuse}},
		{"bad evidence", e.Desk, model.Op{Action: model.ActEvidence, Evidence: &model.Evidence{Kind: model.EvidenceIdentity, Method: "telepathy", Document: "passport"}}},
		{"stale role", model.Staff{ID: e.Desk.ID, Name: e.Desk.Name, Role: model.RoleLead}, model.Op{Action: model.ActNote}},
	}
	for _, tt := range tries {
		_, err := e.Apply(e.ctx, tt.actor, r.Reference, tt.op, testNow)
		if err == nil || !model.IsUserError(err) {
			t.Errorf("%s: %v, want a user error", tt.name, err)
		}
	}
	if _, err := e.Apply(e.ctx, e.Lead, "R-1999-0001", model.Op{Action: model.ActNote}, testNow); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown reference: %v, want ErrNotFound", err)
	}
	if e.eventCount(t) != before {
		t.Errorf("refused actions wrote %d events", e.eventCount(t)-before)
	}
	after, _ := e.GetRequest(e.ctx, r.Reference)
	if !reflect.DeepEqual(after, stored) {
		t.Errorf("refused actions changed the request:\n%+v\n%+v", after, stored)
	}
}

// TestRequestKeepsItsRuleAndNation: changing the clinic's rule set and
// holiday calendar does not move the deadlines of requests already logged.
func TestRequestKeepsItsRuleAndNation(t *testing.T) {
	e := newTestEnv(t)
	// Received 3 March 2026 under UK GDPR with England & Wales holidays:
	// due Tuesday 7 April (after Good Friday and Easter Monday).
	p := testPassport()
	old := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 3)), p)
	if m := e.summary(t, old.Reference); !m.DueOn.Equal(testDay(2026, 4, 7)) {
		t.Fatalf("due %s, want 2026-04-07", m.DueOn)
	}
	st, _ := e.Settings(e.ctx)
	st.Rule, st.Nation, st.TimeZone = model.RuleHIPAA, model.NationUS, "America/New_York"
	if err := e.SaveSettings(e.ctx, e.Admin, st, testNow); err != nil {
		t.Fatal(err)
	}
	// Any action recomputes the stored columns: they must not move.
	e.apply(t, e.Lead, old.Reference, model.Op{Action: model.ActNote}, testNow)
	e.apply(t, e.Desk, old.Reference, model.Op{Action: model.ActEvidence, Evidence: &p}, testNow)
	got, _ := e.GetRequest(e.ctx, old.Reference)
	if got.Rule != model.RuleUKGDPR || got.Nation != model.NationEnglandWales {
		t.Errorf("the old request is now %s / %s", got.Rule, got.Nation)
	}
	m := e.summary(t, old.Reference)
	if m.Rule != model.RuleUKGDPR || !m.DueOn.Equal(testDay(2026, 4, 7)) || !m.EffectiveDue.Equal(testDay(2026, 4, 7)) {
		t.Errorf("after the settings change: %s due %s / %s, want uk-gdpr 2026-04-07", m.Rule, m.DueOn, m.EffectiveDue)
	}
	// An extension still counts UK GDPR months on English holidays:
	// 3 June 2026 is a Wednesday.
	e.apply(t, e.Lead, old.Reference, model.Op{Action: model.ActExtend, Reason: "complex", Date: testDay(2026, 3, 10)}, testNow)
	if m := e.summary(t, old.Reference); !m.EffectiveDue.Equal(testDay(2026, 6, 3)) {
		t.Errorf("extended: %s, want 2026-06-03", m.EffectiveDue)
	}
	// A new request takes the new rule and calendar: HIPAA, 30 days.
	nr := e.logRequest(t, testRequest("John Patient", testDay(2026, 3, 3)), p)
	if nr.Rule != model.RuleHIPAA || nr.Nation != model.NationUS {
		t.Errorf("new request under %s / %s", nr.Rule, nr.Nation)
	}
	if m := e.summary(t, nr.Reference); !m.DueOn.Equal(testDay(2026, 4, 2)) {
		t.Errorf("new HIPAA request due %s, want 2026-04-02", m.DueOn)
	}
}

// TestDuplicateOpen: the same patient (name and date of birth) with an open
// request is found, and a second request is still verified on its own.
func TestDuplicateOpen(t *testing.T) {
	e := newTestEnv(t)
	p := testPassport()
	first := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 2)), p)
	if first.Status != model.StatusInProgress {
		t.Fatalf("first: %s", first.Status)
	}
	dob := testDay(1980, 5, 1)
	for _, name := range []string{"Jane Patient", "  jane   PATIENT ", "ＪＡＮＥ Patient"} {
		refs, err := e.DuplicateOpen(e.ctx, name, dob)
		if err != nil || !slices.Equal(refs, []string{first.Reference}) {
			t.Errorf("DuplicateOpen(%q) = %v, %v", name, refs, err)
		}
	}
	for _, c := range []struct {
		name string
		dob  time.Time
	}{{"Jane Patient", testDay(1980, 5, 2)}, {"Jane Patients", dob}, {"Jane", dob}} {
		if refs, _ := e.DuplicateOpen(e.ctx, c.name, c.dob); len(refs) != 0 {
			t.Errorf("DuplicateOpen(%q, %s) = %v, want none", c.name, c.dob.Format("2006-01-02"), refs)
		}
	}

	// The duplicate: same patient, nothing seen for this request.
	dup := testRequest("jane patient", testDay(2026, 3, 9))
	dup.Kind, dup.Details = model.KindDeletion, model.Details{WholeRecord: true}
	second := e.logRequest(t, dup)
	if second.Status != model.StatusAwaitingVerification || second.Subject.ID != first.Subject.ID {
		t.Fatalf("duplicate: %s, subject %d vs %d", second.Status, second.Subject.ID, first.Subject.ID)
	}
	if _, err := e.Apply(e.ctx, e.Lead, second.Reference, model.Op{Action: model.ActComplete}, testNow); err == nil {
		t.Fatal("the duplicate was completed on the first request's verification")
	}
	got, _ := e.GetRequest(e.ctx, second.Reference)
	if len(got.Evidence) != 0 || got.Status != model.StatusAwaitingVerification {
		t.Errorf("the duplicate borrowed evidence: %+v", got.Evidence)
	}
	if m := e.summary(t, second.Reference); m.Verified {
		t.Error("the duplicate's row says verified")
	}
	refs, _ := e.DuplicateOpen(e.ctx, "Jane Patient", dob)
	if !slices.Equal(refs, []string{first.Reference, second.Reference}) {
		t.Errorf("both open: %v", refs)
	}
	// A closed request is no longer a duplicate.
	e.apply(t, e.Lead, first.Reference, model.Op{Action: model.ActComplete}, testNow)
	refs, _ = e.DuplicateOpen(e.ctx, "Jane Patient", dob)
	if !slices.Equal(refs, []string{second.Reference}) {
		t.Errorf("after closing the first: %v", refs)
	}
}

// boardFixture logs a spread of requests around testNow (Tuesday 10 March
// 2026) and returns their references by name.
func boardFixture(t *testing.T, e *testEnv) map[string]string {
	t.Helper()
	p := testPassport()
	refs := map[string]string{}
	add := func(name string, day time.Time, owner model.Staff, ev ...model.Evidence) string {
		r := testRequest(name, day)
		r.Evidence = ev
		if name == "Oona Oldref" {
			r.Reference = "OLD_REF.1" // from an older register
		}
		got, err := e.LogRequest(e.ctx, owner, r, testNow)
		if err != nil {
			t.Fatal(err)
		}
		refs[name] = got.Reference
		return got.Reference
	}
	add("Olive Overdue", testDay(2026, 2, 2), e.Desk, p)   // due Mon 2 March: overdue
	add("Sam Soon", testDay(2026, 2, 12), e.Desk, p)       // due Thu 12 March: this week
	add("Una Unverified", testDay(2026, 2, 16), e.Lead)    // due Mon 16 March, awaiting verification
	add("Larry Later", testDay(2026, 3, 9), e.Lead, p)     // due Thu 9 April
	add("Polly Paused", testDay(2026, 2, 3), e.Desk, p)    // due Tue 3 March, but paused
	add("Carl Closed", testDay(2026, 2, 4), e.Desk, p)     // completed on 5 March
	add("Wendy Withdrawn", testDay(2026, 2, 5), e.Desk, p) // withdrawn on 6 March
	add("Edge Today", testDay(2026, 2, 10), e.Desk, p)     // due Tue 10 March: today, not overdue
	add("Edge Week", testDay(2026, 2, 17), e.Desk, p)      // due Tue 17 March: the 7th day
	add("Edge Eight", testDay(2026, 2, 18), e.Desk, p)     // due Wed 18 March: after the week
	add("Oona Oldref", testDay(2026, 3, 9), e.Desk)        // due Thu 9 April; an old reference with LIKE's "_"
	e.apply(t, e.Desk, refs["Polly Paused"], model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingFee}, testNow)
	e.apply(t, e.Lead, refs["Carl Closed"], model.Op{Action: model.ActComplete}, time.Date(2026, 3, 5, 12, 0, 0, 0, testLondon))
	e.apply(t, e.Lead, refs["Wendy Withdrawn"], model.Op{Action: model.ActWithdraw}, time.Date(2026, 3, 6, 12, 0, 0, 0, testLondon))
	return refs
}

func names(ms []model.Summary) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.SubjectName
	}
	return out
}

func TestListSummaries(t *testing.T) {
	e := newTestEnv(t)
	refs := boardFixture(t, e)
	today := testDay(2026, 3, 10)
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"open, most urgent first", Filter{}, []string{"Olive Overdue", "Polly Paused", "Edge Today", "Sam Soon", "Una Unverified", "Edge Week", "Edge Eight", "Larry Later", "Oona Oldref"}},
		{"closed, newest first", Filter{Scope: ScopeClosed}, []string{"Wendy Withdrawn", "Carl Closed"}},
		{"all: open first", Filter{Scope: ScopeAll}, []string{"Olive Overdue", "Polly Paused", "Edge Today", "Sam Soon", "Una Unverified", "Edge Week", "Edge Eight", "Larry Later", "Oona Oldref", "Carl Closed", "Wendy Withdrawn"}},
		{"status", Filter{Status: model.StatusAwaitingVerification}, []string{"Una Unverified", "Oona Oldref"}},
		{"status paused", Filter{Status: model.StatusPaused}, []string{"Polly Paused"}},
		{"closed status in all", Filter{Scope: ScopeAll, Status: model.StatusCompleted}, []string{"Carl Closed"}},
		{"kind", Filter{Kind: model.KindDeletion}, nil},
		{"mine (the lead's)", Filter{OwnerID: e.Lead.ID}, []string{"Una Unverified", "Larry Later"}},
		{"overdue, not paused", Filter{Overdue: true, Today: today}, []string{"Olive Overdue"}},
		{"search by name part", Filter{Search: "edge"}, []string{"Edge Today", "Edge Week", "Edge Eight"}},
		{"search folds case and width", Filter{Search: "ＬＡＲＲＹ"}, []string{"Larry Later"}},
		{"search by reference prefix", Filter{Search: refs["Sam Soon"]}, []string{"Sam Soon"}},
		{"search by reference prefix, lower case", Filter{Search: strings.ToLower(refs["Sam Soon"])}, []string{"Sam Soon"}},
		{"search: % is not a wildcard", Filter{Search: "%"}, nil},
		{"search: _ is not a wildcard in names", Filter{Search: "o_ive"}, nil},
		{"search: _ is not a wildcard in references", Filter{Search: "R_2026"}, nil},
		{"search: _ literally", Filter{Search: "old_"}, []string{"Oona Oldref"}},
		{"search: a reference is matched from its start", Filter{Search: "REF.1"}, nil},
		{"search in closed", Filter{Scope: ScopeClosed, Search: "carl"}, []string{"Carl Closed"}},
		{"search with no match", Filter{Search: "zzz"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.ListSummaries(e.ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), tt.want) {
				t.Errorf("got  %q\nwant %q", names(got), tt.want)
			}
			n, err := e.CountRequests(e.ctx, tt.f)
			if err != nil || n != len(tt.want) {
				t.Errorf("CountRequests = %d, %v; want %d", n, err, len(tt.want))
			}
			var streamed []model.Summary
			err = e.EachSummary(e.ctx, tt.f, func(m model.Summary) error { streamed = append(streamed, m); return nil })
			if err != nil || !reflect.DeepEqual(streamed, got) {
				t.Errorf("EachSummary differs from ListSummaries (%v)", err)
			}
		})
	}

	// Paging: windows of any size put together give the whole list.
	all, _ := e.ListSummaries(e.ctx, Filter{Scope: ScopeAll})
	for _, size := range []int{1, 2, 3, 4, 11, 20} {
		var paged []model.Summary
		for off := 0; ; off += size {
			page, err := e.ListSummaries(e.ctx, Filter{Scope: ScopeAll, Limit: size, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > size {
				t.Fatalf("page of %d rows for limit %d", len(page), size)
			}
			paged = append(paged, page...)
			if len(page) < size {
				break
			}
		}
		if !reflect.DeepEqual(paged, all) {
			t.Errorf("pages of %d: %q, want %q", size, names(paged), names(all))
		}
	}

	// EachSummary stops at the first error fn returns.
	stop := errors.New("enough")
	calls := 0
	err := e.EachSummary(e.ctx, Filter{Scope: ScopeAll}, func(model.Summary) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachSummary after an error: %v, %d calls", err, calls)
	}

	// The row carries what the board shows.
	m := e.summary(t, refs["Una Unverified"])
	if m.Kind != model.KindAccess || m.Channel != model.ChannelDesk || m.Rule != model.RuleUKGDPR || m.OwnerID != e.Lead.ID ||
		m.Relationship != model.RelSelf || m.Verified || len(m.Missing) != 1 || m.ID == 0 {
		t.Errorf("summary %+v", m)
	}
	if m := e.summary(t, refs["Carl Closed"]); !m.ClosedOn.Equal(testDay(2026, 3, 5)) || m.Status != model.StatusCompleted {
		t.Errorf("closed summary %+v", m)
	}
}

func TestBoardCounts(t *testing.T) {
	e := newTestEnv(t)
	boardFixture(t, e)
	got, err := e.BoardCounts(e.ctx, testDay(2026, 3, 10))
	if err != nil {
		t.Fatal(err)
	}
	want := model.Counts{
		Open:                 9, // all but the completed and the withdrawn
		DueThisWeek:          4, // Edge Today, Sam Soon, Una Unverified, Edge Week
		Overdue:              1, // Olive Overdue (Polly is paused)
		AwaitingVerification: 2, // Una Unverified, Oona Oldref
		Paused:               1,
	}
	if got != want {
		t.Errorf("BoardCounts = %+v, want %+v", got, want)
	}
	// A week later, more are late.
	got, _ = e.BoardCounts(e.ctx, testDay(2026, 3, 17))
	if got.Overdue != 4 || got.DueThisWeek != 2 {
		t.Errorf("on 17 March: %+v, want 4 overdue (Olive, Edge Today, Sam, Una) and 2 due (Edge Week, Edge Eight)", got)
	}
	// The board's header agrees with the lists.
	n, _ := e.CountRequests(e.ctx, Filter{Overdue: true, Today: testDay(2026, 3, 17)})
	if n != got.Overdue {
		t.Errorf("overdue list %d, header %d", n, got.Overdue)
	}
}

func TestCalendarForIsShared(t *testing.T) {
	a, b := CalendarFor(model.NationScotland), CalendarFor(model.NationScotland)
	if a != b || a.Nation() != model.NationScotland {
		t.Errorf("CalendarFor gives %p and %p", a, b)
	}
}

func TestLogRequestCleansTypedText(t *testing.T) {
	e := newTestEnv(t)
	for _, ref := range []string{"R 2026 1", "R-2026-\x1b[2J", "../etc", strings.Repeat("R", 40)} {
		r := testRequest("Jane Patient", testDay(2026, 3, 9))
		r.Reference = ref
		_, err := e.LogRequest(e.ctx, e.Desk, r, testNow)
		var ie *model.InputError
		if !errors.As(err, &ie) || ie.Field != "reference" {
			t.Errorf("reference %q: %v, want refused", ref, err)
		}
	}
	r := testRequest("  Jane   Patient ", testDay(2026, 3, 9))
	r.Reference = "  OLD-7 "
	got := e.logRequest(t, r)
	stored, err := e.GetRequest(e.ctx, "OLD-7")
	if err != nil || got.Reference != "OLD-7" {
		t.Fatalf("trimmed reference: %q, %v", got.Reference, err)
	}
	if stored.Subject.Name != "Jane Patient" {
		t.Errorf("stored name %q, want it trimmed", stored.Subject.Name)
	}
}
