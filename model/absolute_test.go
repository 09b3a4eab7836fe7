package model

import (
	"errors"
	"testing"
)

// Stopping direct marketing is absolute: no proof is asked for, a child's
// own request is honoured, and it can be neither refused nor partly done.
func TestStopMarketingIsAbsolute(t *testing.T) {
	lead := sampleCtx(sampleLead)
	for _, tt := range []struct {
		name string
		edit func(*Request)
	}{
		{"an adult, no evidence", func(r *Request) {}},
		{"a representative, no authority", func(r *Request) {
			r.Requester = Requester{Name: "Sam Solicitor", Relationship: RelRepresentative}
		}},
		{"a parent for a child, no proof", func(r *Request) {
			c := sampleChild()
			r.Subject, r.Requester = c.Subject, c.Requester
		}},
		{"a child for themselves", func(r *Request) {
			c := sampleChild()
			r.Subject, r.Requester = c.Subject, Requester{Relationship: RelSelf}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRequest()
			r.Kind = KindStopMarketing
			r.Evidence = nil
			tt.edit(&r)
			if _, err := r.Log(lead); err != nil {
				t.Fatal(err)
			}
			if r.Status != StatusInProgress || len(r.MissingVerification(lead.Settings)) != 0 {
				t.Fatalf("status %s, missing %v; want in progress with nothing missing", r.Status, r.MissingVerification(lead.Settings))
			}
			for _, a := range []Action{ActRefuse, ActPartial} {
				x := r
				_, err := x.Apply(Op{Action: a, Reason: "legitimate interest"}, lead)
				var re *RuleError
				if !errors.As(err, &re) || x.Status != StatusInProgress {
					t.Errorf("%s: err %v, status %s; want a refusal and no change", a, err, x.Status)
				}
			}
			x := r
			if _, err := x.Apply(Op{Action: ActComplete}, lead); err != nil || x.Status != StatusCompleted {
				t.Errorf("complete: %v, status %s", err, x.Status)
			}
			y := r
			y.Status, y.OutcomeReason, y.ClosedOn = StatusRefused, "no", y.ReceivedOn()
			if err := y.Consistent(lead.Settings); err == nil {
				t.Error("an imported refused stop-marketing request was accepted")
			}
		})
	}
}
