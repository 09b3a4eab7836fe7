package model

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London on any machine
)

// Shared fixtures for the status, verification and request tests. Names
// start with "sample" so they do not collide with other test files here.

var sampleLondon = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return loc
}()

var (
	sampleDesk  = Staff{ID: 1, Name: "Dee Desk", Role: RoleDesk, Active: true}
	sampleLead  = Staff{ID: 2, Name: "Lee Lead", Role: RoleLead, Active: true}
	sampleAdmin = Staff{ID: 3, Name: "Ada Admin", Role: RoleAdmin, Active: true}
)

// ymd is a civil date as the model carries it (UTC midnight).
func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sampleNow is a Tuesday in March 2026, before British Summer Time.
func sampleNow() time.Time { return time.Date(2026, 3, 10, 10, 0, 0, 0, sampleLondon) }

func sampleCtx(actor Staff) Ctx {
	return Ctx{Now: sampleNow(), Actor: actor, Settings: DefaultSettings(), Cal: NewCalendar(NationEnglandWales)}
}

// sampleRequest is an adult's own access request received the day before
// sampleNow, not yet logged.
func sampleRequest() Request {
	return Request{
		Kind:       KindAccess,
		Channel:    ChannelDesk,
		Rule:       RuleUKGDPR,
		ReceivedAt: time.Date(2026, 3, 9, 9, 30, 0, 0, sampleLondon),
		Subject:    Subject{Name: "Jane Patient", DateOfBirth: ymd(1980, 5, 1), Email: "jane@example.org"},
		Requester:  Requester{Relationship: RelSelf},
		Details:    Details{Scope: "all records"},
	}
}

func samplePassport() Evidence {
	return Evidence{Kind: EvidenceIdentity, Method: MethodInPerson, Document: string(DocPassport), IssuingCountry: "GB", Last4: "12 34", ExpiryChecked: true, PhotoMatched: true}
}

func sampleBill() Evidence {
	return Evidence{Kind: EvidenceIdentity, Method: MethodCopyReceived, Document: string(DocUtilityBill)}
}

func sampleParental() Evidence {
	return Evidence{Kind: EvidenceParental, Document: string(ParBirthCertificate)}
}

func sampleAuthority() Evidence {
	return Evidence{Kind: EvidenceAuthority, Document: string(AuthWrittenAuthority)}
}

func sampleCompetence() Evidence {
	return Evidence{Kind: EvidenceCompetence, Description: "Understands what the request means and its effect"}
}

// sampleChild is a 12-year-old's request made by a parent.
func sampleChild() Request {
	r := sampleRequest()
	r.Subject = Subject{Name: "Tom Patient", DateOfBirth: ymd(2013, 6, 1)}
	r.Requester = Requester{Name: "Mary Patient", Relationship: RelParent}
	return r
}

// sampleLog logs r and fails the test on an error.
func sampleLog(t *testing.T, r Request, c Ctx) Request {
	t.Helper()
	if _, err := r.Log(c); err != nil {
		t.Fatalf("Log: %v", err)
	}
	return r
}

// sampleVerified is sampleRequest logged with a passport: in progress.
func sampleVerified(t *testing.T) Request {
	t.Helper()
	r := sampleRequest()
	r.Evidence = []Evidence{samplePassport()}
	r = sampleLog(t, r, sampleCtx(sampleDesk))
	if r.Status != StatusInProgress {
		t.Fatalf("a request logged with a passport is %s, want in_progress", r.Status)
	}
	return r
}

func sampleApply(t *testing.T, r *Request, op Op, c Ctx) []Change {
	t.Helper()
	ch, err := r.Apply(op, c)
	if err != nil {
		t.Fatalf("Apply(%s): %v", op.Action, err)
	}
	return ch
}

func wantInputError(t *testing.T, err error, field string) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want an InputError about %q", err, err, field)
	}
	if field != "" && ie.Field != field {
		t.Errorf("InputError about %q (%v), want %q", ie.Field, err, field)
	}
	if ie.Fix == "" {
		t.Errorf("InputError %q says nothing about how to fix it", err)
	}
}

func wantRuleError(t *testing.T, err error) *RuleError {
	t.Helper()
	var re *RuleError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want a RuleError", err, err)
	}
	if re.Fix == "" {
		t.Errorf("RuleError %q says nothing about what would allow it", err)
	}
	return re
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		name     string
		dob, day time.Time
		want     int
	}{
		{"the day before the 16th birthday", ymd(2010, 3, 10), ymd(2026, 3, 9), 15},
		{"on the 16th birthday", ymd(2010, 3, 10), ymd(2026, 3, 10), 16},
		{"month before", ymd(2010, 4, 1), ymd(2026, 3, 31), 15},
		{"born today", ymd(2026, 3, 10), ymd(2026, 3, 10), 0},
		{"29 Feb, leap year, day before", ymd(2008, 2, 29), ymd(2024, 2, 28), 15},
		{"29 Feb, leap year, birthday", ymd(2008, 2, 29), ymd(2024, 2, 29), 16},
		// In other years the birthday comes round on 1 March.
		{"29 Feb, common year, 28 Feb", ymd(2008, 2, 29), ymd(2025, 2, 28), 16},
		{"29 Feb, common year, 1 Mar", ymd(2008, 2, 29), ymd(2025, 3, 1), 17},
		{"zero birth date", time.Time{}, ymd(2026, 3, 10), 0},
		// The clock time of either date does not count.
		{"times of day ignored", time.Date(2010, 3, 10, 23, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 0, 1, 0, 0, time.UTC), 16},
	}
	for _, tt := range tests {
		if got := AgeOn(tt.dob, tt.day); got != tt.want {
			t.Errorf("%s: AgeOn(%s, %s) = %d, want %d", tt.name, tt.dob.Format("2006-01-02"), tt.day.Format("2006-01-02"), got, tt.want)
		}
	}
}

func TestSubjectAgeIsOnTheDayReceived(t *testing.T) {
	// A request received in London just before midnight counts that day,
	// whatever "now" is when it is logged.
	r := sampleRequest()
	r.Subject.DateOfBirth = ymd(2010, 3, 9)
	r.ReceivedAt = time.Date(2026, 3, 8, 23, 59, 0, 0, sampleLondon)
	if got := r.SubjectAge(); got != 15 {
		t.Fatalf("age on 8 March 2026 of someone born 9 March 2010 = %d, want 15", got)
	}
	s := DefaultSettings()
	if !r.UnderThreshold(s) {
		t.Fatal("a 15-year-old is not under the threshold of 16")
	}
	r.ReceivedAt = time.Date(2026, 3, 9, 0, 0, 0, 0, sampleLondon)
	if r.UnderThreshold(s) {
		t.Fatal("a subject 16 on the day received is under the threshold")
	}
	s.AgeThreshold = 17
	if !r.UnderThreshold(s) {
		t.Fatal("a 16-year-old is not under a threshold of 17")
	}
	r.Subject.DateOfBirth = time.Time{}
	if r.UnderThreshold(s) {
		t.Fatal("a missing date of birth counts as under the threshold")
	}
}

func TestRequestValidate(t *testing.T) {
	now := sampleNow()
	tests := []struct {
		name  string
		edit  func(*Request)
		field string
	}{
		{"unknown kind", func(r *Request) { r.Kind = "gossip" }, "kind"},
		{"no kind", func(r *Request) { r.Kind = "" }, "kind"},
		{"unknown channel", func(r *Request) { r.Channel = "pigeon" }, "channel"},
		{"unknown rule", func(r *Request) { r.Rule = "pdpa" }, "rule"},
		{"unknown relationship", func(r *Request) { r.Requester.Relationship = "friend" }, "relationship"},
		{"no patient name", func(r *Request) { r.Subject.Name = " " }, "patient's name"},
		{"no requester name for a parent", func(r *Request) { r.Requester = Requester{Relationship: RelParent} }, "requester's name"},
		{"bad requester name for self", func(r *Request) { r.Requester.Name = "Jane\x1b[2J" }, "requester's name"},
		{"no date received", func(r *Request) { r.ReceivedAt = time.Time{} }, "received"},
		{"received tomorrow", func(r *Request) { r.ReceivedAt = now.Add(24 * time.Hour) }, "received"},
		{"no date of birth", func(r *Request) { r.Subject.DateOfBirth = time.Time{} }, "date of birth"},
		{"born after receipt", func(r *Request) { r.Subject.DateOfBirth = ymd(2026, 3, 10) }, "date of birth"},
		{"older than 130", func(r *Request) { r.Subject.DateOfBirth = ymd(1895, 1, 1) }, "date of birth"},
		{"bad patient e-mail", func(r *Request) { r.Subject.Email = "jane at example" }, "patient's e-mail"},
		{"bad requester e-mail", func(r *Request) { r.Requester.Email = "@@" }, "requester's e-mail"},
		{"bad patient phone", func(r *Request) { r.Subject.Phone = "call me" }, "patient's phone"},
		{"correction says nothing", func(r *Request) { r.Kind = KindCorrection; r.Details = Details{} }, "details"},
		{"deletion says nothing", func(r *Request) { r.Kind = KindDeletion; r.Details = Details{} }, "details"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRequest()
			tt.edit(&r)
			wantInputError(t, r.Validate(now), tt.field)
		})
	}
	ok := []func(*Request){
		func(*Request) {},
		func(r *Request) { r.ReceivedAt = now.Add(4 * time.Minute) }, // a desk clock a little ahead
		func(r *Request) { r.Subject.DateOfBirth = ymd(2026, 3, 9) }, // born the day received
		func(r *Request) { r.Kind = KindCorrection; r.Details = Details{Wrong: "address"} },
		func(r *Request) { r.Kind = KindDeletion; r.Details = Details{WholeRecord: true} },
		func(r *Request) { r.Kind = KindDeletion; r.Details = Details{Parts: "marketing list"} },
		func(r *Request) { r.Kind = KindComplaint; r.Details = Details{} },
	}
	for i, edit := range ok {
		r := sampleRequest()
		edit(&r)
		if err := r.Validate(now); err != nil {
			t.Errorf("valid request %d refused: %v", i, err)
		}
	}
}

func TestRequestValidateKeepsPersonalDataOutOfErrors(t *testing.T) {
	r := sampleRequest()
	r.Subject.Email = "secret-address-at-nowhere"
	err := r.Validate(sampleNow())
	if err == nil {
		t.Fatal("a bad e-mail was accepted")
	}
	if strings.Contains(err.Error(), r.Subject.Name) {
		t.Errorf("error %q names the patient", err)
	}
}

func TestRequestSummary(t *testing.T) {
	tests := []struct {
		kind Kind
		d    Details
		want string
	}{
		{KindAccess, Details{Scope: "2024 letters", Format: "pdf"}, "See their data — scope: 2024 letters; format: pdf"},
		{KindCorrection, Details{Wrong: "old address", ShouldSay: "1 New St"}, "Correct their data — wrong: old address; should say: 1 New St"},
		{KindDeletion, Details{WholeRecord: true, Parts: "ignored"}, "Delete or stop processing — the whole record"},
		{KindDeletion, Details{Parts: "photos"}, "Delete or stop processing — parts: photos"},
		{KindComplaint, Details{Summary: "rude letter"}, "Complaint — rude letter"},
		{KindStopMarketing, Details{}, "Stop direct marketing"},
	}
	for _, tt := range tests {
		r := Request{Kind: tt.kind, Details: tt.d}
		if got := r.Summary(); got != tt.want {
			t.Errorf("Summary(%s, %+v) = %q, want %q", tt.kind, tt.d, got, tt.want)
		}
	}
}

func TestRequestDeadlineUsesItsOwnRule(t *testing.T) {
	cal := NewCalendar(NationEnglandWales)
	r := sampleRequest() // received Monday 9 March 2026
	r.VerifiedOn = r.ReceivedOn()
	if got := r.Deadline(cal).Due; !got.Equal(ymd(2026, 4, 9)) {
		t.Errorf("UK GDPR due %s, want 2026-04-09", got.Format("2006-01-02"))
	}
	r.Rule = RuleHIPAA
	if got := r.Deadline(cal).Due; !got.Equal(ymd(2026, 4, 8)) {
		t.Errorf("HIPAA due %s, want 2026-04-08 (30 days)", got.Format("2006-01-02"))
	}
	// Under UK GDPR the clock starts when the requested ID arrived.
	r.Rule = RuleUKGDPR
	r.VerifiedOn = ymd(2026, 3, 20)
	if got := r.ClockStart(); !got.Equal(ymd(2026, 3, 20)) {
		t.Errorf("clock start %s, want the day ID arrived", got.Format("2006-01-02"))
	}
	if got := r.Deadline(cal).Due; !got.Equal(ymd(2026, 4, 20)) {
		t.Errorf("UK GDPR due from ID arrival %s, want 2026-04-20", got.Format("2006-01-02"))
	}
}

func TestPausedDaysOn(t *testing.T) {
	r := Request{Status: StatusPaused, PausedSince: ymd(2026, 3, 1), PausedDays: 4}
	if got := r.PausedDaysOn(ymd(2026, 3, 10)); got != 13 {
		t.Errorf("paused days = %d, want 4 finished + 9 current", got)
	}
	r.Status = StatusInProgress
	if got := r.PausedDaysOn(ymd(2026, 3, 10)); got != 4 {
		t.Errorf("paused days of a running request = %d, want only the finished 4", got)
	}
	s := Summary{Status: StatusPaused, PausedSince: ymd(2026, 3, 1), PausedDays: 4}
	if got := s.PausedDaysOn(ymd(2026, 3, 10)); got != 13 {
		t.Errorf("summary paused days = %d, want 13", got)
	}
}

func TestWarnings(t *testing.T) {
	r := sampleChild()
	if w := r.Warnings(); len(w) != 0 {
		t.Fatalf("warnings with no restriction: %q", w)
	}
	r.Subject.Restriction = "Minor consented alone\x1b[2J to this care"
	w := r.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "Minor consented alone") {
		t.Fatalf("warnings = %q, want the restriction", w)
	}
	if strings.ContainsRune(w[0], 0x1b) {
		t.Errorf("warning %q carries a control sequence", w[0])
	}
	r.Requester = Requester{Relationship: RelSelf}
	if w := r.Warnings(); len(w) != 0 {
		t.Errorf("a patient's own request warns about representatives: %q", w)
	}
}

func TestSummaryUrgency(t *testing.T) {
	today := ymd(2026, 3, 10)
	tests := []struct {
		s    Summary
		want Urgency
	}{
		{Summary{Status: StatusInProgress, EffectiveDue: ymd(2026, 3, 9)}, UrgencyLate},
		{Summary{Status: StatusInProgress, EffectiveDue: ymd(2026, 3, 10)}, UrgencySoon},
		{Summary{Status: StatusAwaitingVerification, EffectiveDue: ymd(2026, 3, 17)}, UrgencySoon},
		{Summary{Status: StatusInProgress, EffectiveDue: ymd(2026, 3, 18)}, UrgencyNone},
		{Summary{Status: StatusPaused, EffectiveDue: ymd(2026, 3, 1)}, UrgencyPaused},
		{Summary{Status: StatusCompleted, EffectiveDue: ymd(2026, 3, 1)}, UrgencyClosed},
	}
	for _, tt := range tests {
		if got := tt.s.UrgencyOn(today); got != tt.want {
			t.Errorf("%s due %s: urgency %d, want %d", tt.s.Status, tt.s.EffectiveDue.Format("2006-01-02"), got, tt.want)
		}
	}
}

func TestLogStoresIdentifiersAndDefaults(t *testing.T) {
	c := sampleCtx(sampleDesk)
	c.Settings.Rule, c.Settings.Nation = RuleEUGDPR, NationScotland
	r := sampleRequest()
	r.Kind, r.Channel, r.Rule = "Withdraw-Consent", " EMAIL ", ""
	r.Requester = Requester{Name: " Sam  Solicitor", Relationship: "Representative"}
	r.Subject.Name = "Jane \t Patient "
	ch, err := r.Log(c)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindWithdrawConsent || r.Channel != ChannelEmail || r.Requester.Relationship != RelRepresentative {
		t.Errorf("stored %q %q %q, want the identifiers", r.Kind, r.Channel, r.Requester.Relationship)
	}
	if r.Subject.Name != "Jane Patient" || r.Requester.Name != "Sam Solicitor" {
		t.Errorf("names stored as %q and %q, want them tidied", r.Subject.Name, r.Requester.Name)
	}
	// A request takes the clinic's rule and holidays when logged, and keeps them.
	if r.Rule != RuleEUGDPR || r.Nation != NationScotland {
		t.Errorf("rule %s, nation %s, want the clinic's", r.Rule, r.Nation)
	}
	if r.CreatedBy != sampleDesk.ID || r.OwnerName != sampleDesk.Name {
		t.Errorf("created by %d %q", r.CreatedBy, r.OwnerName)
	}
	if len(ch) != 1 || ch[0].Action != ActLog || ch[0].To != StatusAwaitingVerification || ch[0].Detail != "withdraw_consent by email under eu-gdpr" {
		t.Errorf("changes %+v", ch)
	}
	for _, x := range ch {
		if strings.Contains(x.Detail, "Jane") || strings.Contains(x.Detail, "Sam") {
			t.Errorf("change %q names a person", x.Detail)
		}
	}
	// A rule given explicitly is kept.
	r = sampleRequest()
	r.Rule, r.Nation = RuleHIPAA, NationUS
	r = sampleLog(t, r, c)
	if r.Rule != RuleHIPAA || r.Nation != NationUS {
		t.Errorf("explicit rule/nation replaced: %s %s", r.Rule, r.Nation)
	}
}
