package model

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// needsOf lists the needs a request still lacks.
func needsOf(r Request, s Settings) []Need {
	var out []Need
	for _, m := range r.MissingVerification(s) {
		out = append(out, m.Need)
	}
	return out
}

func TestMissingVerification(t *testing.T) {
	strong := DefaultSettings()
	strong.RequireStrongID = true
	competence := DefaultSettings()
	competence.ChildPolicy = ChildCompetence

	adult := sampleRequest()
	rep := sampleRequest()
	rep.Requester = Requester{Name: "Sam Solicitor", Relationship: RelRepresentative}
	child := sampleChild()
	childOwn := sampleChild()
	childOwn.Requester = Requester{Relationship: RelSelf}
	complaint := sampleRequest()
	complaint.Kind = KindComplaint
	marketing := sampleRequest()
	marketing.Kind = KindStopMarketing

	with := func(r Request, ev ...Evidence) Request {
		r.Evidence = nil
		for _, e := range ev {
			if e.Kind == EvidenceIdentity {
				e.Strength = IDDocument(e.Document).Strength()
			}
			r.Evidence = append(r.Evidence, e)
		}
		return r
	}
	tests := []struct {
		name string
		r    Request
		s    Settings
		want []Need
	}{
		{"adult, nothing", with(adult), DefaultSettings(), []Need{NeedIdentity}},
		{"adult, passport", with(adult, samplePassport()), DefaultSettings(), nil},
		{"adult, bill", with(adult, sampleBill()), DefaultSettings(), nil},
		{"adult, bill, strong ID asked", with(adult, sampleBill()), strong, []Need{NeedStrongID}},
		{"adult, passport, strong ID asked", with(adult, samplePassport()), strong, nil},
		{"marketing, bill, strong ID asked", with(marketing, sampleBill()), strong, nil},
		{"complaint needs no ID", with(complaint), strong, nil},
		{"representative, nothing", with(rep), DefaultSettings(), []Need{NeedIdentity, NeedAuthority}},
		{"representative, ID only", with(rep, samplePassport()), DefaultSettings(), []Need{NeedAuthority}},
		{"representative, parental proof is not authority", with(rep, samplePassport(), sampleParental()), DefaultSettings(), []Need{NeedAuthority}},
		{"representative, authority", with(rep, samplePassport(), sampleAuthority()), DefaultSettings(), nil},
		{"child by parent, nothing", with(child), DefaultSettings(), []Need{NeedIdentity, NeedParental}},
		{"child by parent, ID only", with(child, samplePassport()), DefaultSettings(), []Need{NeedParental}},
		{"child by parent, authority is not parental proof", with(child, samplePassport(), sampleAuthority()), DefaultSettings(), []Need{NeedParental}},
		{"child by parent, both", with(child, samplePassport(), sampleParental()), DefaultSettings(), nil},
		{"child complaint by parent", with(func() Request { r := child; r.Kind = KindComplaint; return r }()), DefaultSettings(), []Need{NeedParental}},
		{"child's own, refuse policy", with(childOwn, samplePassport()), DefaultSettings(), nil},
		{"child's own, competence policy", with(childOwn, samplePassport()), competence, []Need{NeedCompetence}},
		{"child's own, competence recorded", with(childOwn, samplePassport(), sampleCompetence()), competence, nil},
	}
	for _, tt := range tests {
		got := needsOf(tt.r, tt.s)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: missing %v, want %v", tt.name, got, tt.want)
		}
		for _, m := range tt.r.MissingVerification(tt.s) {
			if m.Text == "" || strings.Contains(m.Text, tt.r.Subject.Name) {
				t.Errorf("%s: need %s explained as %q", tt.name, m.Need, m.Text)
			}
		}
	}
	// A child's own request under the refuse policy is never verified,
	// even though nothing is "missing": it cannot go on.
	if with(childOwn, samplePassport()).Verified(DefaultSettings()) {
		t.Error("a child's own request is verified under the refuse policy")
	}
}

func TestUnderThresholdRule(t *testing.T) {
	desk, lead := sampleCtx(sampleDesk), sampleCtx(sampleLead)

	t.Run("12-year-old with a parent needs parental proof", func(t *testing.T) {
		r := sampleChild()
		r.Evidence = []Evidence{samplePassport()}
		r = sampleLog(t, r, desk)
		if r.Status != StatusAwaitingVerification {
			t.Fatalf("status %s, want awaiting_verification", r.Status)
		}
		m := r.MissingVerification(desk.Settings)
		if len(m) != 1 || m[0].Need != NeedParental || m[0].Text != "Proof of parental responsibility is needed: the patient is 12" {
			t.Fatalf("missing %+v", m)
		}
		_, err := r.Apply(Op{Action: ActComplete}, lead)
		if re := wantRuleError(t, err); !strings.Contains(re.Fix, "Proof of parental responsibility is needed: the patient is 12") {
			t.Errorf("refusal %q does not say what is missing", err)
		}
		e := sampleParental()
		ch := sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, desk)
		if r.Status != StatusInProgress || len(ch) != 2 || ch[1].Action != ActVerified {
			t.Fatalf("after parental proof: %s, %+v", r.Status, ch)
		}
	})

	t.Run("a guardian is treated as a parent", func(t *testing.T) {
		r := sampleChild()
		r.Requester.Relationship = RelGuardian
		if got := needsOf(r, desk.Settings); !reflect.DeepEqual(got, []Need{NeedIdentity, NeedParental}) {
			t.Errorf("guardian of a child needs %v", got)
		}
	})

	t.Run("child's own request, refuse policy", func(t *testing.T) {
		r := sampleChild()
		r.Requester = Requester{Relationship: RelSelf}
		r.Evidence = []Evidence{samplePassport()}
		ch, err := r.Log(desk)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != StatusRefused || r.OutcomeReason != ChildRefusalReason(desk.Settings) || !r.ClosedOn.Equal(ymd(2026, 3, 10)) {
			t.Fatalf("child's own request: %s, reason %q, closed %s", r.Status, r.OutcomeReason, r.ClosedOn)
		}
		if !strings.Contains(r.OutcomeReason, "under 16") {
			t.Errorf("reason %q does not name the threshold", r.OutcomeReason)
		}
		if len(ch) != 2 || ch[0].Action != ActLog || ch[1].Action != ActRefuse || !strings.Contains(ch[1].Detail, r.OutcomeReason) {
			t.Errorf("changes %+v, want logged then refused with the reason", ch)
		}
		if err := r.Consistent(desk.Settings); err != nil {
			t.Errorf("refused child request is not consistent: %v", err)
		}
		// It cannot be re-opened into a request that can never go on.
		_, err = r.Apply(Op{Action: ActReopen, Reason: "try again"}, lead)
		wantRuleError(t, err)
		if r.Status != StatusRefused {
			t.Errorf("re-opened to %s", r.Status)
		}
		s := DefaultSettings()
		s.AgeThreshold = 13
		if !strings.Contains(ChildRefusalReason(s), "under 13") {
			t.Errorf("ChildRefusalReason(13) = %q", ChildRefusalReason(s))
		}
	})

	t.Run("child's own request, competence policy", func(t *testing.T) {
		c := desk
		c.Settings.ChildPolicy = ChildCompetence
		r := sampleChild()
		r.Requester = Requester{Relationship: RelSelf}
		r.Evidence = []Evidence{samplePassport()}
		r = sampleLog(t, r, c)
		if r.Status != StatusAwaitingVerification {
			t.Fatalf("status %s, want awaiting_verification", r.Status)
		}
		if got := needsOf(r, c.Settings); !reflect.DeepEqual(got, []Need{NeedCompetence}) {
			t.Fatalf("needs %v", got)
		}
		e := sampleCompetence()
		before := r
		_, err := r.Apply(Op{Action: ActEvidence, Evidence: &e}, c)
		if !errors.Is(err, ErrForbidden) {
			t.Fatalf("desk recording competence: %v, want forbidden", err)
		}
		if !reflect.DeepEqual(r, before) {
			t.Fatal("a refused competence assessment changed the request")
		}
		empty := Evidence{Kind: EvidenceCompetence}
		lc := c
		lc.Actor = sampleLead
		_, err = r.Apply(Op{Action: ActEvidence, Evidence: &empty}, lc)
		wantInputError(t, err, "assessment")
		sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, lc)
		if r.Status != StatusInProgress {
			t.Fatalf("after a lead's assessment: %s", r.Status)
		}
		if got := r.Evidence[len(r.Evidence)-1]; got.CheckedBy != sampleLead.ID || got.CheckedByName != sampleLead.Name {
			t.Errorf("assessment recorded by %d %q", got.CheckedBy, got.CheckedByName)
		}
		// At intake, too, only a lead may record it.
		r2 := sampleChild()
		r2.Requester = Requester{Relationship: RelSelf}
		r2.Evidence = []Evidence{samplePassport(), sampleCompetence()}
		if _, err := r2.Log(c); !errors.Is(err, ErrForbidden) {
			t.Errorf("desk logging with a competence assessment: %v, want forbidden", err)
		}
		if _, err := r2.Log(lc); err != nil || r2.Status != StatusInProgress {
			t.Errorf("lead logging with an assessment: %v, %s", err, r2.Status)
		}
	})

	t.Run("adult with a representative needs authority", func(t *testing.T) {
		r := sampleRequest()
		r.Requester = Requester{Name: "Sam Solicitor", Relationship: RelRepresentative}
		r.Evidence = []Evidence{samplePassport()}
		r = sampleLog(t, r, desk)
		m := r.MissingVerification(desk.Settings)
		if r.Status != StatusAwaitingVerification || len(m) != 1 || m[0].Need != NeedAuthority {
			t.Fatalf("status %s, missing %+v", r.Status, m)
		}
		e := sampleAuthority()
		sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, desk)
		if r.Status != StatusInProgress {
			t.Fatalf("after authority: %s", r.Status)
		}
	})

	t.Run("age is taken on the day received, 29 February birthday", func(t *testing.T) {
		c := desk
		c.Settings.AgeThreshold = 17
		c.Now = time.Date(2025, 3, 10, 12, 0, 0, 0, sampleLondon)
		r := sampleChild()
		r.Subject.DateOfBirth = ymd(2008, 2, 29)
		r.ReceivedAt = time.Date(2025, 2, 28, 16, 0, 0, 0, sampleLondon)
		r.Evidence = []Evidence{samplePassport()}
		r1 := sampleLog(t, r, c)
		if got := needsOf(r1, c.Settings); !reflect.DeepEqual(got, []Need{NeedParental}) {
			t.Errorf("16 on 28 Feb 2025 (born 29 Feb 2008), threshold 17: needs %v", got)
		}
		if m := r1.MissingVerification(c.Settings); m[0].Text != "Proof of parental responsibility is needed: the patient is 16" {
			t.Errorf("text %q", m[0].Text)
		}
		// On 1 March 2025 they are 17: a parent now needs the adult's authority.
		r.ReceivedAt = time.Date(2025, 3, 1, 9, 0, 0, 0, sampleLondon)
		r2 := sampleLog(t, r, c)
		if got := needsOf(r2, c.Settings); !reflect.DeepEqual(got, []Need{NeedAuthority}) {
			t.Errorf("17 on 1 Mar 2025: needs %v", got)
		}
		// Logged a year later, the age is still the one on the day received.
		c.Now = c.Now.AddDate(1, 0, 0)
		r.ReceivedAt = time.Date(2025, 2, 28, 16, 0, 0, 0, sampleLondon)
		r3 := sampleLog(t, r, c)
		if got := r3.SubjectAge(); got != 16 {
			t.Errorf("age logged later = %d, want 16", got)
		}
	})
}

// TestNoPathSkipsVerification walks every path by which a request can reach
// in_progress or a completed state, and checks each needs the verification.
func TestNoPathSkipsVerification(t *testing.T) {
	desk, lead := sampleCtx(sampleDesk), sampleCtx(sampleLead)

	t.Run("new", func(t *testing.T) {
		for _, ev := range [][]Evidence{nil, {sampleParental()}, {sampleAuthority()}} {
			r := sampleRequest()
			r.Evidence = ev
			// Whatever state the caller fills in, a new request starts over.
			r.Status, r.ClosedOn, r.OutcomeReason = StatusCompleted, ymd(2026, 3, 9), "done"
			r.VerifiedOn = ymd(2026, 3, 9)
			r.Extended, r.ExtensionNotifiedOn = true, ymd(2026, 3, 9)
			r = sampleLog(t, r, desk)
			if r.Status != StatusAwaitingVerification || r.Verified(desk.Settings) {
				t.Fatalf("logged with %d evidence: %s", len(ev), r.Status)
			}
			if !r.ClosedOn.IsZero() || r.OutcomeReason != "" || !r.VerifiedOn.IsZero() || r.Extended || !r.ExtensionNotifiedOn.IsZero() {
				t.Errorf("a new request keeps state the caller made up: %+v", r)
			}
			if err := r.Consistent(desk.Settings); err != nil {
				t.Errorf("new request not consistent: %v", err)
			}
			_, err := r.Apply(Op{Action: ActComplete}, lead)
			wantRuleError(t, err)
		}
		// The child with a parent and only ID stays waiting.
		r := sampleChild()
		r.Evidence = []Evidence{samplePassport()}
		if r = sampleLog(t, r, desk); r.Status != StatusAwaitingVerification {
			t.Fatalf("child with ID only: %s", r.Status)
		}
	})

	t.Run("resumed", func(t *testing.T) {
		r := applyFixture(t, StatusPaused) // awaiting ID, none recorded
		sampleApply(t, &r, Op{Action: ActResume}, desk)
		if r.Status != StatusAwaitingVerification {
			t.Fatalf("resumed without ID: %s", r.Status)
		}
		// Verified before the pause, but the clinic now asks for strong
		// ID and only a bill was seen: resuming does not skip it.
		r = sampleRequest()
		r.Evidence = []Evidence{sampleBill()}
		r = sampleLog(t, r, desk)
		sampleApply(t, &r, Op{Action: ActPause, PauseReason: PauseAwaitingFee}, desk)
		strict := desk
		strict.Settings.RequireStrongID = true
		sampleApply(t, &r, Op{Action: ActResume}, strict)
		if r.Status != StatusAwaitingVerification {
			t.Fatalf("resumed under the strong-ID rule with a bill: %s", r.Status)
		}
	})

	t.Run("re-opened", func(t *testing.T) {
		r := sampleRequest()
		r.Evidence = []Evidence{sampleBill()}
		r = sampleLog(t, r, desk)
		sampleApply(t, &r, Op{Action: ActComplete}, lead)
		strict := lead
		strict.Settings.RequireStrongID = true
		sampleApply(t, &r, Op{Action: ActReopen, Reason: "more records found"}, strict)
		if r.Status != StatusAwaitingVerification {
			t.Fatalf("re-opened without the strong ID now needed: %s", r.Status)
		}
		_, err := r.Apply(Op{Action: ActComplete}, strict)
		wantRuleError(t, err)
		// A refused unverified request re-opens to awaiting verification.
		r = applyFixture(t, StatusAwaitingVerification)
		sampleApply(t, &r, Op{Action: ActRefuse, Reason: "no reply"}, lead)
		sampleApply(t, &r, Op{Action: ActReopen, Reason: "they wrote back"}, lead)
		if r.Status != StatusAwaitingVerification {
			t.Fatalf("re-opened unverified: %s", r.Status)
		}
	})

	t.Run("in progress, then the clinic asks for more", func(t *testing.T) {
		r := sampleRequest()
		r.Evidence = []Evidence{sampleBill()}
		r = sampleLog(t, r, desk)
		strict := lead
		strict.Settings.RequireStrongID = true
		for _, op := range []Op{{Action: ActComplete}, {Action: ActPartial, Reason: "records kept"}} {
			_, err := r.Apply(op, strict)
			if re := wantRuleError(t, err); !strings.Contains(re.Fix, "Strong identity evidence") {
				t.Errorf("%s: %q does not say what is missing", op.Action, err)
			}
		}
		e := samplePassport()
		sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, strict)
		sampleApply(t, &r, Op{Action: ActComplete}, strict)
	})

	t.Run("evidence added", func(t *testing.T) {
		r := sampleChild()
		r = sampleLog(t, r, desk)
		e := sampleParental()
		sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, desk)
		if r.Status != StatusAwaitingVerification {
			t.Fatalf("parental proof without ID: %s", r.Status)
		}
		// Evidence that arrives while the request is paused for the fee
		// does not lift that pause.
		sampleApply(t, &r, Op{Action: ActPause, PauseReason: PauseAwaitingFee}, desk)
		id := samplePassport()
		sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &id}, desk)
		if r.Status != StatusPaused || r.PauseReason != PauseAwaitingFee {
			t.Fatalf("ID while paused for the fee: %s (%s)", r.Status, r.PauseReason)
		}
		if !r.Verified(desk.Settings) {
			t.Fatal("not verified with ID and parental proof")
		}
		sampleApply(t, &r, Op{Action: ActResume}, desk)
		if r.Status != StatusInProgress {
			t.Fatalf("resumed verified: %s", r.Status)
		}
		// No evidence at all is refused.
		_, err := r.Apply(Op{Action: ActEvidence}, desk)
		wantInputError(t, err, "evidence")
	})

	t.Run("imported or restored", func(t *testing.T) {
		s := DefaultSettings()
		unverified := sampleLog(t, sampleRequest(), desk)
		for _, st := range []Status{StatusInProgress, StatusCompleted, StatusPartiallyCompleted} {
			r := unverified
			r.Status = st
			if st.Closed() {
				r.ClosedOn, r.OutcomeReason = ymd(2026, 3, 10), "reason"
			}
			r.Imported = true
			wantRuleError(t, r.Consistent(s))
		}
	})

	t.Run("duplicate", func(t *testing.T) {
		first := sampleVerified(t)
		sampleApply(t, &first, Op{Action: ActComplete}, lead)
		second := sampleRequest() // the same patient, same date of birth
		second.Subject.ID = first.Subject.ID
		second = sampleLog(t, second, desk)
		if second.Status != StatusAwaitingVerification {
			t.Fatalf("the duplicate is %s: it borrowed the first one's verification", second.Status)
		}
		_, err := second.Apply(Op{Action: ActComplete}, lead)
		wantRuleError(t, err)
		second.Status, second.ClosedOn = StatusCompleted, ymd(2026, 3, 10)
		wantRuleError(t, second.Consistent(desk.Settings))
	})
}

func TestConsistent(t *testing.T) {
	s := DefaultSettings()
	competence := DefaultSettings()
	competence.ChildPolicy = ChildCompetence
	base := func() Request {
		r := sampleRequest()
		r.Evidence = []Evidence{samplePassport()}
		r.Evidence[0].Strength = StrengthStrong
		r.Status = StatusInProgress
		r.Imported = true
		return r
	}
	closed := func(st Status, reason string) func(*Request) {
		return func(r *Request) { r.Status, r.ClosedOn, r.OutcomeReason = st, ymd(2026, 3, 10), reason }
	}
	tests := []struct {
		name  string
		edit  func(*Request)
		s     Settings
		valid bool
	}{
		{"verified in progress", func(*Request) {}, s, true},
		{"verified completed", closed(StatusCompleted, ""), s, true},
		{"partial with a reason", closed(StatusPartiallyCompleted, "records kept by law"), s, true},
		{"partial without a reason", closed(StatusPartiallyCompleted, " "), s, false},
		{"refused with a reason", closed(StatusRefused, "manifestly unfounded"), s, true},
		{"refused without a reason", closed(StatusRefused, ""), s, false},
		{"withdrawn without a reason", closed(StatusWithdrawn, ""), s, true},
		{"unverified awaiting", func(r *Request) { r.Evidence = nil; r.Status = StatusAwaitingVerification }, s, true},
		{"unverified paused", func(r *Request) { r.Evidence = nil; r.Status, r.PauseReason = StatusPaused, PauseAwaitingID }, s, true},
		{"unverified refused", func(r *Request) { r.Evidence = nil; closed(StatusRefused, "no ID")(r) }, s, true},
		{"closed without a day", func(r *Request) { r.Status = StatusCompleted }, s, false},
		{"open with a closing day", func(r *Request) { r.ClosedOn = ymd(2026, 3, 10) }, s, false},
		{"closed the day before receipt", func(r *Request) { closed(StatusCompleted, "")(r); r.ClosedOn = ymd(2026, 3, 8) }, s, false},
		{"extended without reasons", func(r *Request) { r.Extended = true }, s, false},
		{"extended with reasons", func(r *Request) { r.Extended, r.ExtensionReason = true, "complex" }, s, true},
		{"extended CCPA opt-out", func(r *Request) {
			r.Rule, r.Kind, r.Extended, r.ExtensionReason = RuleCCPA, KindStopMarketing, true, "complex"
		}, s, false},
		{"unknown status", func(r *Request) { r.Status = "done" }, s, false},
		{"no status", func(r *Request) { r.Status = "" }, s, false},
		{"child by parent without proof", func(r *Request) {
			r.Subject.DateOfBirth = ymd(2013, 6, 1)
			r.Requester = Requester{Name: "Mary Patient", Relationship: RelParent}
		}, s, false},
		{"child's own, refuse policy, in progress", func(r *Request) { r.Subject.DateOfBirth = ymd(2013, 6, 1) }, s, false},
		{"child's own, refuse policy, awaiting", func(r *Request) {
			r.Subject.DateOfBirth = ymd(2013, 6, 1)
			r.Status = StatusAwaitingVerification
		}, s, false},
		{"child's own, refuse policy, refused", func(r *Request) {
			r.Subject.DateOfBirth = ymd(2013, 6, 1)
			closed(StatusRefused, ChildRefusalReason(s))(r)
		}, s, true},
		{"child's own, competence policy, no assessment", func(r *Request) { r.Subject.DateOfBirth = ymd(2013, 6, 1) }, competence, false},
		{"child's own, competence policy, assessed", func(r *Request) {
			r.Subject.DateOfBirth = ymd(2013, 6, 1)
			r.Evidence = append(r.Evidence, sampleCompetence())
		}, competence, true},
	}
	for _, tt := range tests {
		r := base()
		tt.edit(&r)
		err := r.Consistent(tt.s)
		if tt.valid && err != nil {
			t.Errorf("%s: refused: %v", tt.name, err)
		}
		if !tt.valid {
			if err == nil {
				t.Errorf("%s: accepted", tt.name)
			} else if !IsUserError(err) {
				t.Errorf("%s: %v is not an error a person can act on", tt.name, err)
			}
		}
	}
}

// TestRandomWalkKeepsGuards drives many requests through random actions by
// random staff, with random inputs, and checks after every step that no
// guard was skipped: whatever the path, in_progress and completion need the
// verification, refusals and partial completions carry a reason, re-opening
// was a lead's, an extension happened once with reasons, and a refused
// action changed nothing.
func TestRandomWalkKeepsGuards(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 26))
	staff := []Staff{sampleDesk, sampleLead, sampleAdmin}
	pick := func(n int) int { return rng.IntN(n) }
	evidence := []func() Evidence{samplePassport, sampleBill, sampleParental, sampleAuthority, sampleCompetence,
		func() Evidence { return Evidence{Kind: EvidenceIdentity, Method: "psychic", Document: "passport"} },
		func() Evidence {
			return Evidence{Kind: EvidenceIdentity, Method: MethodCopyReceived, Document: "passport", ReceivedOn: ymd(2030, 1, 1)}
		},
	}
	actions := []Action{ActEvidence, ActEvidence, ActPause, ActResume, ActExtend, ActComplete, ActPartial,
		ActRefuse, ActWithdraw, ActReopen, ActNote, ActVerified, ActImport}
	reasons := []string{"", " ", "a reason"}
	pauses := []PauseReason{"", PauseAwaitingID, PauseAwaitingClarification, PauseAwaitingFee, PauseOther, "bored"}

	cal := NewCalendar(NationEnglandWales) // shared: its holiday cache makes the walk fast
	steps := 0
	reached := map[Status]int{}
	for walk := range 300 {
		s := DefaultSettings()
		s.RequireStrongID = pick(2) == 0
		if pick(2) == 0 {
			s.ChildPolicy = ChildCompetence
		}
		r := sampleRequest()
		r.Kind = Kinds[pick(len(Kinds))]
		r.Details = Details{Summary: "as asked"}
		r.Rule = Rules[pick(len(Rules))]
		if pick(2) == 0 {
			r.Subject.DateOfBirth = ymd(2013, 6, 1)
		}
		r.Requester = Requester{Name: "Pat Asker", Relationship: Relationships[pick(len(Relationships))]}
		for range pick(3) {
			r.Evidence = append(r.Evidence, evidence[pick(5)]())
		}
		now := sampleNow()
		c := Ctx{Now: now, Actor: staff[pick(3)], Settings: s, Cal: cal}
		if _, err := r.Log(c); err != nil {
			if errors.Is(err, ErrForbidden) {
				continue // a desk logging a competence assessment
			}
			t.Fatalf("walk %d: Log: %v", walk, err)
		}
		extensions := 0
		check := func(what string) {
			t.Helper()
			switch r.Status {
			case StatusInProgress, StatusCompleted, StatusPartiallyCompleted:
				if !r.Verified(s) {
					t.Fatalf("walk %d, %s: %s without verification; missing %v", walk, what, r.Status, needsOf(r, s))
				}
			}
			if err := r.Consistent(s); err != nil {
				t.Fatalf("walk %d, %s: not consistent: %v (%+v)", walk, what, err, r)
			}
			if extensions > 1 {
				t.Fatalf("walk %d, %s: extended %d times", walk, what, extensions)
			}
			reached[r.Status]++
		}
		check("log")
		for step := range 30 {
			steps++
			now = now.Add(time.Duration(pick(4)) * 24 * time.Hour)
			c.Now, c.Actor = now, staff[pick(3)]
			op := Op{Action: actions[pick(len(actions))], Reason: reasons[pick(3)], PauseReason: pauses[pick(len(pauses))]}
			if pick(4) > 0 {
				op.Date = DateOf(now).AddDate(0, 0, -pick(40))
			}
			if op.Action == ActEvidence && pick(10) > 0 {
				e := evidence[pick(len(evidence))]()
				op.Evidence = &e
			}
			before := r
			before.Evidence = append([]Evidence(nil), r.Evidence...)
			changes, err := r.Apply(op, c)
			what := fmt.Sprintf("step %d %s by %s", step, op.Action, c.Actor.Role)
			if err != nil {
				if !IsUserError(err) {
					t.Fatalf("walk %d, %s: %v is not a user error", walk, what, err)
				}
				if !reflect.DeepEqual(r, before) {
					t.Fatalf("walk %d, %s: refused (%v) but changed the request", walk, what, err)
				}
				continue
			}
			for _, ch := range changes {
				switch ch.Action {
				case ActReopen:
					if !Can(c.Actor.Role, PermReopen) || strings.TrimSpace(op.Reason) == "" {
						t.Fatalf("walk %d, %s: re-opened by %s with reason %q", walk, what, c.Actor.Role, op.Reason)
					}
				case ActExtend:
					extensions++
				case ActVerified:
					if ch.To != StatusInProgress {
						t.Fatalf("walk %d, %s: verification led to %s", walk, what, ch.To)
					}
				}
			}
			check(what)
		}
	}
	if steps < 4000 {
		t.Fatalf("only %d steps walked", steps)
	}
	for _, st := range Statuses {
		if reached[st] == 0 {
			t.Errorf("no walk reached %s: the walk does not cover every status (%v)", st, reached)
		}
	}
}
