package model

import (
	"strings"
	"testing"
)

// TestReasonsStayOutOfTheDetail: whatever staff type as a reason goes into
// Change.Reason, never into Detail, for every action that takes one, so
// that the hash-chained detail holds no free text that could name anyone.
func TestReasonsStayOutOfTheDetail(t *testing.T) {
	const typed = "Mr Quentin Blackwood was abusive"
	lead := sampleCtx(sampleLead)
	for _, tc := range []struct {
		from   Status
		action Action
	}{
		{StatusInProgress, ActPartial},
		{StatusInProgress, ActRefuse},
		{StatusAwaitingVerification, ActRefuse},
		{StatusPaused, ActRefuse},
		{StatusInProgress, ActWithdraw},
		{StatusInProgress, ActComplete}, // a reason given anyway is kept apart too
		{StatusInProgress, ActExtend},
		{StatusCompleted, ActReopen},
		{StatusRefused, ActReopen},
	} {
		t.Run(string(tc.from)+"/"+string(tc.action), func(t *testing.T) {
			r := applyFixture(t, tc.from)
			if tc.action == ActExtend {
				r.Kind = KindAccess // UK GDPR lets an access request be extended
			}
			op := Op{Action: tc.action, Reason: "  " + typed + " ", Date: lead.Today()}
			changes := sampleApply(t, &r, op, lead)
			var found bool
			for _, ch := range changes {
				if strings.Contains(ch.Detail, "Blackwood") {
					t.Errorf("%s detail %q carries the typed reason", ch.Action, ch.Detail)
				}
				if ch.Action == tc.action {
					found = true
					if ch.Reason != typed {
						t.Errorf("%s reason %q, want %q (trimmed)", ch.Action, ch.Reason, typed)
					}
				} else if ch.Reason != "" {
					t.Errorf("follow-on %s carries reason %q", ch.Action, ch.Reason)
				}
			}
			if !found {
				t.Fatalf("no %s change in %+v", tc.action, changes)
			}
		})
	}
	// Facts from a fixed list stay in the detail: the pause's reason, and
	// the extension's dates.
	r := applyFixture(t, StatusInProgress)
	ch := sampleApply(t, &r, Op{Action: ActPause, PauseReason: PauseAwaitingFee}, lead)
	if ch[0].Detail != "reason: awaiting_fee" || ch[0].Reason != "" {
		t.Errorf("pause change %+v", ch[0])
	}
	r = applyFixture(t, StatusInProgress)
	ch = sampleApply(t, &r, Op{Action: ActExtend, Reason: "complex", Date: lead.Today()}, lead)
	if !strings.HasPrefix(ch[0].Detail, "due 2026-") || !strings.Contains(ch[0].Detail, "; told 2026-03-10") || ch[0].Reason != "complex" {
		t.Errorf("extension change %+v", ch[0])
	}
}
