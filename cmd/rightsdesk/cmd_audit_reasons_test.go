package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

// trustApply runs op on ref as the lead at the given time.
func (e *trustEnv) trustApply(ref string, op model.Op, at time.Time) {
	e.t.Helper()
	st := e.store()
	defer st.Close()
	ctx := context.Background()
	lead, err := st.StaffByName(ctx, "Lee Lead")
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := st.Apply(ctx, lead, ref, op, at); err != nil {
		e.t.Fatal(err)
	}
}

// trustSeqOf is the number of the event with action about ref.
func (e *trustEnv) trustSeqOf(ref, action string) string {
	e.t.Helper()
	return e.sqlite("SELECT seq FROM events WHERE reference = '" + ref + "' AND action = '" + action + "';")
}

// A reason staff typed is kept beside the chain, which holds its digest:
// editing it with the sqlite3 tool is caught like editing an event.
func TestAuditVerifyCatchesAnEditedReason(t *testing.T) {
	e := newTrustEnv(t)
	ref := e.logAt("Jane Patient", time.Now())
	e.trustApply(ref, model.Op{Action: model.ActRefuse, Reason: "Mr Quentin Blackwood threatened staff"}, time.Now())
	out := e.ok("audit", "verify")
	if verifiedLine.FindString(out) == "" || !strings.Contains(out, "reasons: 1 match their digests, 0 erased") {
		t.Fatalf("verify said %q", out)
	}
	if out := e.ok("show", ref); !strings.Contains(out, "in_progress → refused; reason: Mr Quentin Blackwood threatened staff") {
		t.Fatalf("show lacks the reason:\n%s", out)
	}
	seq := e.trustSeqOf(ref, "refused")
	// The table itself refuses the edit; dropping its guard is tampering.
	e.sqlite("DROP TRIGGER event_texts_no_update; UPDATE event_texts SET text = 'manifestly excessive' WHERE seq = " + seq + ";")
	code, out, errs := e.run("audit", "verify")
	if code != exitProblem || !strings.Contains(out, "FAILED at event #"+seq+": the text of event #"+seq+" was changed after it was written") {
		t.Fatalf("exit %d after editing the reason:\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "does not verify") {
		t.Errorf("stderr %q", errs)
	}
}

// Purge erases the reasons of the requests it anonymises; the chain still
// verifies and says how many were erased.
func TestAuditVerifyAfterPurgeErasesReasons(t *testing.T) {
	e := newTrustEnv(t)
	old := time.Date(2015, 3, 1, 12, 0, 0, 0, time.UTC)
	ref := e.logAt("Ottoline Purgeable", old)
	e.trustApply(ref, model.Op{Action: model.ActComplete, Reason: "copies also sent to Wilhelmina Fairweather"}, old.AddDate(0, 1, 0))
	kept := e.logAt("Nadia Keepme", time.Now())
	e.trustApply(kept, model.Op{Action: model.ActRefuse, Reason: "KEPT-REASON manifestly excessive"}, time.Now())
	if out := e.ok("audit", "verify"); !strings.Contains(out, "reasons: 2 match their digests, 0 erased") {
		t.Fatalf("verify before purge said %q", out)
	}
	e.ok(append([]string{"purge"}, e.asAdmin()...)...)

	out := e.ok("audit", "verify")
	m := verifiedLine.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "reasons: 1 match their digests, 1 erased with their requests' personal data") {
		t.Fatalf("verify after purge said %q", out)
	}
	if out := e.ok("show", ref); !regexp.MustCompile(`completed\s+in_progress → completed; reason: \(erased\)`).MatchString(out) || strings.Contains(out, "Wilhelmina") {
		t.Fatalf("show of the purged request:\n%s", out)
	}
	if out := e.ok("show", kept); !strings.Contains(out, "reason: KEPT-REASON manifestly excessive") {
		t.Fatalf("show of the kept request:\n%s", out)
	}
	raw, _ := os.ReadFile(e.db)
	wal, _ := os.ReadFile(e.db + "-wal")
	if strings.Contains(string(raw)+string(wal), "Wilhelmina") || !strings.Contains(string(raw)+string(wal), "KEPT-REASON") {
		t.Fatal("the purged reason can still be read from the file, or the kept one cannot")
	}
}
