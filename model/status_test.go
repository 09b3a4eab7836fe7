package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// allActions is every Action the model defines, in the columns' order of
// the tables below.
var allActions = []Action{
	ActLog, ActImport, ActEvidence, ActVerified, ActPause, ActResume, ActExtend, ActComplete,
	ActPartial, ActRefuse, ActWithdraw, ActReopen, ActNote, ActAttach, ActExport, ActRestrict,
}

// statusAbbrev names statuses in the tables.
var statusAbbrev = map[string]Status{
	"AV": StatusAwaitingVerification,
	"IP": StatusInProgress,
	"P":  StatusPaused,
	"C":  StatusCompleted,
	"PC": StatusPartiallyCompleted,
	"R":  StatusRefused,
	"W":  StatusWithdrawn,
}

// parseRow reads one table row: the status, then one cell per action in
// allActions' order.
func parseRow(t *testing.T, row string) (Status, []string) {
	t.Helper()
	cells := strings.Fields(row)
	if len(cells) != 1+len(allActions) {
		t.Fatalf("table row %q has %d cells, want %d", row, len(cells), 1+len(allActions))
	}
	return Status(cells[0]), cells[1:]
}

// TestStatusTable checks Next for every status and every action against a
// table written out here, not derived from the code's table.
// "-" means the action does not move a request from that status.
func TestStatusTable(t *testing.T) {
	want := []string{
		//                     log imp evi ver pau res ext com par ref wit reo not att exp res
		"awaiting_verification -   -   -   IP  P   -   -   -   -   R   W   -   -   -   -   -",
		"in_progress           -   -   -   -   P   -   -   C   PC  R   W   -   -   -   -   -",
		"paused                -   -   -   IP  -   AV  -   -   -   R   W   -   -   -   -   -",
		"completed             -   -   -   -   -   -   -   -   -   -   -   AV  -   -   -   -",
		"partially_completed   -   -   -   -   -   -   -   -   -   -   -   AV  -   -   -   -",
		"refused               -   -   -   -   -   -   -   -   -   -   -   AV  -   -   -   -",
		"withdrawn             -   -   -   -   -   -   -   -   -   -   -   AV  -   -   -   -",
	}
	if len(want) != len(Statuses) {
		t.Fatalf("the table has %d statuses, the model %d", len(want), len(Statuses))
	}
	for i, row := range want {
		from, cells := parseRow(t, row)
		if Statuses[i] != from {
			t.Fatalf("Statuses[%d] = %s, want %s", i, Statuses[i], from)
		}
		for j, cell := range cells {
			a := allActions[j]
			got, ok := Next(from, a)
			if cell == "-" {
				if ok {
					t.Errorf("Next(%s, %s) = %s, want not allowed", from, a, got)
				}
				continue
			}
			if !ok || got != statusAbbrev[cell] {
				t.Errorf("Next(%s, %s) = %s, %v; want %s", from, a, got, ok, statusAbbrev[cell])
			}
		}
	}
	// An unknown status moves nowhere.
	for _, a := range allActions {
		if got, ok := Next("lost", a); ok {
			t.Errorf("Next(unknown, %s) = %s", a, got)
		}
	}
}

// applyFixture puts a request into a status by the ordinary paths, in the
// state the Apply table below assumes.
func applyFixture(t *testing.T, s Status) Request {
	t.Helper()
	lead := sampleCtx(sampleLead)
	switch s {
	case StatusAwaitingVerification: // nothing recorded yet
		return sampleLog(t, sampleRequest(), sampleCtx(sampleDesk))
	case StatusPaused: // waiting for the ID asked for
		r := sampleLog(t, sampleRequest(), sampleCtx(sampleDesk))
		sampleApply(t, &r, Op{Action: ActPause, PauseReason: PauseAwaitingID}, sampleCtx(sampleDesk))
		return r
	}
	r := sampleVerified(t)
	switch s {
	case StatusCompleted:
		sampleApply(t, &r, Op{Action: ActComplete}, lead)
	case StatusPartiallyCompleted:
		sampleApply(t, &r, Op{Action: ActPartial, Reason: "medical records must be kept"}, lead)
	case StatusRefused:
		sampleApply(t, &r, Op{Action: ActRefuse, Reason: "manifestly unfounded"}, lead)
	case StatusWithdrawn:
		sampleApply(t, &r, Op{Action: ActWithdraw, Reason: "the patient changed their mind"}, lead)
	}
	if r.Status != s {
		t.Fatalf("fixture for %s is %s", s, r.Status)
	}
	return r
}

// fullOp is action a with every input it could need.
func fullOp(a Action) Op {
	e := samplePassport()
	return Op{Action: a, Reason: "a recorded reason", PauseReason: PauseAwaitingID, Date: ymd(2026, 3, 10), Evidence: &e}
}

// TestApplyEveryStatusEveryAction runs Apply for every status and every
// action, by an admin (who holds every permission) with every input given,
// against a table written out here. The fixtures: awaiting verification and
// paused (awaiting ID) have no evidence; the others are verified by a
// passport.
// "=" means allowed and the status stays; "x" means refused, and then the
// request must be exactly as it was.
func TestApplyEveryStatusEveryAction(t *testing.T) {
	want := []string{
		//                     log imp evi ver pau res ext com par ref wit reo not att exp res
		"awaiting_verification x   x   IP  x   P   x   =   x   x   R   W   x   =   =   x   =",
		"in_progress           x   x   =   x   P   x   =   C   PC  R   W   x   =   =   x   =",
		"paused                x   x   IP  x   x   AV  =   x   x   R   W   x   =   =   x   =",
		"completed             x   x   x   x   x   x   x   x   x   x   x   IP  =   =   x   =",
		"partially_completed   x   x   x   x   x   x   x   x   x   x   x   IP  =   =   x   =",
		"refused               x   x   x   x   x   x   x   x   x   x   x   IP  =   =   x   =",
		"withdrawn             x   x   x   x   x   x   x   x   x   x   x   IP  =   =   x   =",
	}
	if len(want) != len(Statuses) {
		t.Fatalf("the table has %d statuses, the model %d", len(want), len(Statuses))
	}
	c := sampleCtx(sampleAdmin)
	for i, row := range want {
		from, cells := parseRow(t, row)
		if Statuses[i] != from {
			t.Fatalf("Statuses[%d] = %s, want %s", i, Statuses[i], from)
		}
		for j, cell := range cells {
			a := allActions[j]
			t.Run(string(from)+"/"+string(a), func(t *testing.T) {
				r := applyFixture(t, from)
				before := r
				before.Evidence = append([]Evidence(nil), r.Evidence...)
				changes, err := r.Apply(fullOp(a), c)
				switch cell {
				case "x":
					if err == nil {
						t.Fatalf("allowed (now %s), want refused", r.Status)
					}
					if !IsUserError(err) {
						t.Errorf("error %v is not one a person can act on", err)
					}
					if !reflect.DeepEqual(r, before) {
						t.Errorf("a refused action changed the request:\n got %+v\nwant %+v", r, before)
					}
					return
				case "=":
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if r.Status != from {
						t.Errorf("status %s, want it to stay %s", r.Status, from)
					}
				default:
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if r.Status != statusAbbrev[cell] {
						t.Errorf("status %s, want %s", r.Status, statusAbbrev[cell])
					}
				}
				if len(changes) == 0 || changes[0].Action != a {
					t.Fatalf("changes %+v, want the first to be %s", changes, a)
				}
				if changes[0].From != from {
					t.Errorf("change from %s, want %s", changes[0].From, from)
				}
				if last := changes[len(changes)-1]; last.To != r.Status {
					t.Errorf("the last change ends at %s, the request is %s", last.To, r.Status)
				}
				if err := r.Consistent(c.Settings); err != nil {
					t.Errorf("the result is not consistent: %v", err)
				}
			})
		}
	}
}

// TestApplyChangesNeedTheRole: every action a lead must take is refused to
// desk staff with a ForbiddenError, and the request is unchanged.
func TestApplyChangesNeedTheRole(t *testing.T) {
	leadOnly := map[Action]Status{
		ActExtend:   StatusInProgress,
		ActComplete: StatusInProgress,
		ActPartial:  StatusInProgress,
		ActRefuse:   StatusInProgress,
		ActReopen:   StatusCompleted,
		ActImport:   StatusInProgress,
	}
	for a, from := range leadOnly {
		r := applyFixture(t, from)
		before := r
		_, err := r.Apply(fullOp(a), sampleCtx(sampleDesk))
		var fe *ForbiddenError
		if !errors.As(err, &fe) || !errors.Is(err, ErrForbidden) {
			t.Errorf("desk %s: error %v, want ForbiddenError", a, err)
			continue
		}
		if fe.Needs != RoleLead || fe.Role != RoleDesk {
			t.Errorf("desk %s: %+v, want a lead needed", a, fe)
		}
		if !reflect.DeepEqual(r, before) {
			t.Errorf("desk %s changed the request", a)
		}
	}
	// Staff with no known role may do nothing at all.
	r := applyFixture(t, StatusInProgress)
	if _, err := r.Apply(Op{Action: ActNote}, sampleCtx(Staff{ID: 9, Name: "Nobody", Role: "cleaner"})); !errors.Is(err, ErrForbidden) {
		t.Errorf("unknown role: %v, want forbidden", err)
	}
	nr := sampleRequest()
	if _, err := nr.Log(sampleCtx(Staff{ID: 9, Name: "Nobody"})); !errors.Is(err, ErrForbidden) {
		t.Errorf("Log by staff with no role: %v, want forbidden", err)
	}
}

func TestRefusalAndPartialNeedAReason(t *testing.T) {
	lead := sampleCtx(sampleLead)
	for _, a := range []Action{ActRefuse, ActPartial} {
		for _, reason := range []string{"", "   \t\n"} {
			r := applyFixture(t, StatusInProgress)
			_, err := r.Apply(Op{Action: a, Reason: reason}, lead)
			wantInputError(t, err, "reason")
			if r.Status != StatusInProgress {
				t.Errorf("%s without a reason moved the request to %s", a, r.Status)
			}
		}
		r := applyFixture(t, StatusInProgress)
		sampleApply(t, &r, Op{Action: a, Reason: "  Art. 17(3)(c): public health  "}, lead)
		if r.OutcomeReason != "Art. 17(3)(c): public health" {
			t.Errorf("%s recorded reason %q, want it trimmed", a, r.OutcomeReason)
		}
		if !r.ClosedOn.Equal(ymd(2026, 3, 10)) {
			t.Errorf("%s closed on %s, want today", a, r.ClosedOn)
		}
	}
	// Refusing an unverified request is allowed (with a reason): refusal
	// discloses nothing.
	r := applyFixture(t, StatusAwaitingVerification)
	_, err := r.Apply(Op{Action: ActRefuse}, lead)
	wantInputError(t, err, "reason")
	sampleApply(t, &r, Op{Action: ActRefuse, Reason: "identity never shown"}, lead)
	// Completion needs no reason.
	r = applyFixture(t, StatusInProgress)
	sampleApply(t, &r, Op{Action: ActComplete}, lead)
	if r.OutcomeReason != "" {
		t.Errorf("completion recorded reason %q", r.OutcomeReason)
	}
}

func TestReopenIsALeadsActionWithAReason(t *testing.T) {
	for _, from := range []Status{StatusCompleted, StatusPartiallyCompleted, StatusRefused, StatusWithdrawn} {
		r := applyFixture(t, from)
		_, err := r.Apply(Op{Action: ActReopen, Reason: "patient asked again"}, sampleCtx(sampleDesk))
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("desk re-opening %s: %v, want forbidden", from, err)
		}
		_, err = r.Apply(Op{Action: ActReopen, Reason: " "}, sampleCtx(sampleLead))
		wantInputError(t, err, "reason")
		if r.Status != from {
			t.Fatalf("a refused re-open moved %s to %s", from, r.Status)
		}
		ch := sampleApply(t, &r, Op{Action: ActReopen, Reason: "patient asked again"}, sampleCtx(sampleLead))
		if !r.ClosedOn.IsZero() || r.OutcomeReason != "" {
			t.Errorf("re-opened %s keeps closed on %s and reason %q", from, r.ClosedOn, r.OutcomeReason)
		}
		if ch[0].Reason != "patient asked again" || strings.Contains(ch[0].Detail, "patient asked again") {
			t.Errorf("re-open change %+v does not carry the reason apart from its detail", ch[0])
		}
		// Verified by a passport: it goes straight back to work.
		if r.Status != StatusInProgress || len(ch) != 2 || ch[1].Action != ActVerified {
			t.Errorf("re-opened verified %s: status %s, changes %+v", from, r.Status, ch)
		}
	}
}

func TestPauseAndResume(t *testing.T) {
	desk := sampleCtx(sampleDesk)
	r := applyFixture(t, StatusInProgress)
	_, err := r.Apply(Op{Action: ActPause}, desk)
	wantInputError(t, err, "pause reason")
	_, err = r.Apply(Op{Action: ActPause, PauseReason: "holiday"}, desk)
	wantInputError(t, err, "pause reason")

	// A reason typed in another case is stored as the identifier, so that
	// the clarification rule recognises it.
	sampleApply(t, &r, Op{Action: ActPause, PauseReason: "Awaiting-Clarification"}, desk)
	if r.PauseReason != PauseAwaitingClarification || !r.PausedSince.Equal(ymd(2026, 3, 10)) {
		t.Fatalf("paused with reason %q since %s", r.PauseReason, r.PausedSince)
	}
	later := desk
	later.Now = sampleNow().AddDate(0, 0, 5)
	if got := r.PausedDaysOn(DateOf(later.Now)); got != 5 {
		t.Errorf("paused days while paused = %d, want 5", got)
	}
	due := r.Deadline(desk.Cal).Due
	ch := sampleApply(t, &r, Op{Action: ActResume}, later)
	if r.Status != StatusInProgress || r.PausedDays != 5 || r.ClarificationDays != 5 || !r.PausedSince.IsZero() || r.PauseReason != PauseNone {
		t.Fatalf("after resuming: %+v", r)
	}
	if !strings.Contains(ch[0].Detail, "after 5 days paused") {
		t.Errorf("resume detail %q", ch[0].Detail)
	}
	// UK GDPR Art. 12A: clarification days stop the clock.
	if got := r.Deadline(desk.Cal).Due; !got.After(due) {
		t.Errorf("due %s after a clarification pause, was %s: the clock did not stop", got, due)
	}

	// A fee pause records the day the fee arrived when it ends.
	r = applyFixture(t, StatusInProgress)
	sampleApply(t, &r, Op{Action: ActPause, PauseReason: PauseAwaitingFee}, desk)
	sampleApply(t, &r, Op{Action: ActResume}, later)
	if !r.FeeReceivedOn.Equal(DateOf(later.Now)) || r.ClarificationDays != 0 {
		t.Errorf("fee received %s, clarification days %d", r.FeeReceivedOn, r.ClarificationDays)
	}

	// Refusing a paused request ends the pause and counts its days.
	r = applyFixture(t, StatusInProgress)
	sampleApply(t, &r, Op{Action: ActPause, PauseReason: PauseOther}, desk)
	laterLead := later
	laterLead.Actor = sampleLead
	sampleApply(t, &r, Op{Action: ActRefuse, Reason: "no reply"}, laterLead)
	if r.PausedDays != 5 || !r.PausedSince.IsZero() {
		t.Errorf("refused while paused: paused days %d, since %s", r.PausedDays, r.PausedSince)
	}
}

func TestExtendRules(t *testing.T) {
	lead := sampleCtx(sampleLead)
	told := ymd(2026, 3, 10)

	t.Run("once, with reasons, moves the deadline", func(t *testing.T) {
		r := applyFixture(t, StatusInProgress)
		before := r.Deadline(lead.Cal)
		ch := sampleApply(t, &r, Op{Action: ActExtend, Reason: "numerous records", Date: told}, lead)
		after := r.Deadline(lead.Cal)
		if !r.Extended || r.ExtensionReason != "numerous records" || !r.ExtensionNotifiedOn.Equal(told) {
			t.Fatalf("extension not recorded: %+v", r)
		}
		if !after.Effective.Equal(before.ExtendedDue) || !after.Effective.After(before.Due) {
			t.Errorf("effective deadline %s, want the extended %s", after.Effective, before.ExtendedDue)
		}
		if !strings.Contains(ch[0].Detail, after.Effective.Format("2006-01-02")) {
			t.Errorf("extension detail %q lacks the new due date", ch[0].Detail)
		}
		_, err := r.Apply(Op{Action: ActExtend, Reason: "more", Date: told}, lead)
		wantRuleError(t, err)
	})
	t.Run("HIPAA access: 30 more days", func(t *testing.T) {
		r := sampleRequest()
		r.Rule = RuleHIPAA
		r.Evidence = []Evidence{samplePassport()}
		r = sampleLog(t, r, sampleCtx(sampleDesk))
		sampleApply(t, &r, Op{Action: ActExtend, Reason: "records off site", Date: told}, lead)
		if got := r.Deadline(lead.Cal).Effective; !got.Equal(ymd(2026, 5, 8)) {
			t.Errorf("HIPAA extended due %s, want 2026-05-08 (60 days)", got.Format("2006-01-02"))
		}
	})

	bad := []struct {
		name string
		edit func(*Request)
		op   Op
		ctx  func(Ctx) Ctx
		rule bool // RuleError rather than InputError
	}{
		{name: "no reason", op: Op{Action: ActExtend, Date: told}},
		{name: "blank reason", op: Op{Action: ActExtend, Reason: "  ", Date: told}},
		{name: "no told-on date", op: Op{Action: ActExtend, Reason: "complex"}},
		{name: "told tomorrow", op: Op{Action: ActExtend, Reason: "complex", Date: ymd(2026, 3, 11)}},
		{name: "told before the request came", op: Op{Action: ActExtend, Reason: "complex", Date: ymd(2026, 3, 8)}},
		{
			// Due (and NotifyExtensionBy) is 9 April 2026.
			name: "told after the first deadline", rule: true,
			op:  Op{Action: ActExtend, Reason: "complex", Date: ymd(2026, 4, 10)},
			ctx: func(c Ctx) Ctx { c.Now = c.Now.AddDate(0, 1, 5); return c },
		},
		{
			name: "CCPA opt-out allows none", rule: true,
			edit: func(r *Request) { r.Rule, r.Kind = RuleCCPA, KindStopMarketing },
			op:   Op{Action: ActExtend, Reason: "complex", Date: told},
		},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRequest()
			r.Evidence = []Evidence{samplePassport()}
			if tt.edit != nil {
				tt.edit(&r)
			}
			r = sampleLog(t, r, sampleCtx(sampleDesk))
			c := lead
			if tt.ctx != nil {
				c = tt.ctx(c)
			}
			before := r
			_, err := r.Apply(tt.op, c)
			if tt.rule {
				wantRuleError(t, err)
			} else {
				wantInputError(t, err, "")
			}
			if !reflect.DeepEqual(r, before) {
				t.Errorf("a refused extension changed the request")
			}
		})
	}
	t.Run("told on the last day allowed", func(t *testing.T) {
		r := applyFixture(t, StatusInProgress)
		c := lead
		c.Now = time.Date(2026, 4, 20, 9, 0, 0, 0, sampleLondon)
		sampleApply(t, &r, Op{Action: ActExtend, Reason: "complex", Date: ymd(2026, 4, 9)}, c)
	})
	t.Run("a desk may not extend", func(t *testing.T) {
		r := applyFixture(t, StatusInProgress)
		_, err := r.Apply(Op{Action: ActExtend, Reason: "complex", Date: told}, sampleCtx(sampleDesk))
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("desk extension: %v, want forbidden", err)
		}
	})
}

func TestApplyUnknownAction(t *testing.T) {
	r := applyFixture(t, StatusInProgress)
	for _, a := range []Action{"", "delete_everything", ActVerified, ActExport} {
		before := r
		_, err := r.Apply(Op{Action: a}, sampleCtx(sampleAdmin))
		wantRuleError(t, err)
		if !reflect.DeepEqual(r, before) {
			t.Errorf("unknown action %q changed the request", a)
		}
	}
}
