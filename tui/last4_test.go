package tui

import (
	"context"
	"testing"

	"rightsdesk/model"
)

// A whole document number typed into "last 4" is refused with a message,
// never cut to its first four characters and saved.
func TestVerifyRefusesAWholeDocumentNumber(t *testing.T) {
	env := newEnv(t)
	r, err := env.store.LogRequest(context.Background(), env.desk, model.Request{Kind: model.KindAccess, Rule: model.RuleUKGDPR, Channel: model.ChannelLetter,
		ReceivedAt: day(2026, 8, 24), Subject: model.Subject{Name: "Ann Other", DateOfBirth: dob(1980, 1, 1)},
		Requester: model.Requester{Relationship: model.RelSelf}}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	m := env.signedIn(t, env.desk, 100, 30)
	keys(t, m, "v", "enter", "enter", "enter", typed("gb"), "enter", typed("123456789"), "enter")
	mustContain(t, m, "only the last 4")
	got := getRequest(t, env.store, r.Reference)
	if len(got.Evidence) != 0 {
		t.Fatalf("evidence saved from a whole number: %+v", got.Evidence)
	}
}
