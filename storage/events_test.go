package storage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

func TestTimeline(t *testing.T) {
	e := newTestEnv(t)
	r := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 9)))
	other := e.logRequest(t, testRequest("John Patient", testDay(2026, 3, 9)))
	p := testPassport()
	at := func(h int) time.Time { return time.Date(2026, 3, 10, h, 0, 0, 0, testLondon) }
	e.apply(t, e.Desk, r.Reference, model.Op{Action: model.ActEvidence, Evidence: &p}, at(11))
	e.apply(t, e.Desk, other.Reference, model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingID}, at(11))
	if err := e.AddNote(e.ctx, e.Desk, r.Reference, "Patient rang about Jane's letter", at(12)); err != nil {
		t.Fatal(err)
	}
	e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActRefuse, Reason: "manifestly excessive"}, at(13))
	e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActReopen, Reason: "appeal upheld"}, at(14))

	tl, err := e.Timeline(e.ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	// The reasons staff typed come back as the events' texts, apart from
	// the detail; Explained puts them together as people read them.
	type row struct{ action, actor, detail, text, explained string }
	want := []row{
		{"logged", "Dee Desk", "access by desk under uk-gdpr", "", "access by desk under uk-gdpr"},
		{"evidence_recorded", "Dee Desk", "Identity: passport (in person)", "", "Identity: passport (in person)"},
		{"verified", "Dee Desk", "awaiting_verification → in_progress; verification complete; clock starts 2026-03-10", "", "awaiting_verification → in_progress; verification complete; clock starts 2026-03-10"},
		{"note_added", "Dee Desk", "note added", "", "note added"},
		{"refused", "Lee Lead", "in_progress → refused", "manifestly excessive", "in_progress → refused; reason: manifestly excessive"},
		{"reopened", "Lee Lead", "refused → awaiting_verification", "appeal upheld", "refused → awaiting_verification; reason: appeal upheld"},
		{"verified", "Lee Lead", "awaiting_verification → in_progress; verification complete; clock starts 2026-03-10", "", "awaiting_verification → in_progress; verification complete; clock starts 2026-03-10"},
	}
	var got []row
	for _, ev := range tl {
		got = append(got, row{ev.Action, ev.ActorName, ev.Detail, ev.Text, ev.Explained()})
		if (ev.Text != "") != (len(ev.TextDigest) == model.HashSize) || ev.Erased() {
			t.Errorf("event #%d: text %q, digest %x", ev.Seq, ev.Text, ev.TextDigest)
		}
		if ev.Reference != r.Reference {
			t.Errorf("timeline of %s holds an event about %s", r.Reference, ev.Reference)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("timeline:\n got %q\nwant %q", got, want)
	}
	for i := 1; i < len(tl); i++ {
		if tl[i].Seq <= tl[i-1].Seq || tl[i].At.Before(tl[i-1].At) {
			t.Errorf("timeline out of order at %d", i)
		}
	}
	if !tl[0].At.Equal(testNow) || !tl[len(tl)-1].At.Equal(at(14)) {
		t.Errorf("times %s … %s", tl[0].At, tl[len(tl)-1].At)
	}
	if none, err := e.Timeline(e.ctx, "R-1999-0001"); err != nil || len(none) != 0 {
		t.Errorf("timeline of an unknown reference: %v, %v", none, err)
	}
	e.mustChainOK(t)
}

// TestEventsHoldNoPersonalData: the audit trail names references and staff,
// never the patient, the requester, their contacts or a note's text.
func TestEventsHoldNoPersonalData(t *testing.T) {
	e := newTestEnv(t)
	r := testRequest("Zelda Quixote", testDay(2026, 3, 9))
	r.Subject.Email, r.Subject.Phone = "zelda@example.org", "+44 7700 900123"
	r.Requester = model.Requester{Name: "Yorick Quixote", Relationship: model.RelParent, Email: "yorick@example.org"}
	r.Subject.DateOfBirth = testDay(2013, 7, 14)
	got := e.logRequest(t, r, testPassport())
	par := model.Evidence{Kind: model.EvidenceParental, Document: string(model.ParBirthCertificate)}
	e.apply(t, e.Desk, got.Reference, model.Op{Action: model.ActEvidence, Evidence: &par}, testNow)
	if err := e.AddNote(e.ctx, e.Desk, got.Reference, "Yorick says Zelda moved house", testNow); err != nil {
		t.Fatal(err)
	}
	if err := e.SetRestriction(e.ctx, e.Desk, got.Reference, "Zelda consented alone to her care", testNow); err != nil {
		t.Fatal(err)
	}
	e.apply(t, e.Lead, got.Reference, model.Op{Action: model.ActComplete}, testNow)
	rows, err := e.DB().Query("SELECT " + eventCols + " FROM events")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			t.Fatal(err)
		}
		n++
		text := strings.ToLower(ev.Action + " " + ev.Reference + " " + ev.Detail)
		for _, secret := range []string{"zelda", "yorick", "quixote", "example.org", "7700", "2013-07-14", "1234", "moved house", "consented"} {
			if strings.Contains(text, secret) {
				t.Errorf("event #%d %q carries %q", ev.Seq, text, secret)
			}
		}
	}
	if n < 6 {
		t.Fatalf("only %d events", n)
	}
}

func TestVerifyChain(t *testing.T) {
	e := newTestEnv(t)
	base := e.mustChainOK(t) // the template's setup and staff
	for i := range 5 {
		e.logRequest(t, testRequest(fmt.Sprintf("Patient %c", 'A'+i), testDay(2026, 3, 9)), testPassport())
	}
	n := e.mustChainOK(t)
	if n != base+10 || int(n) != e.eventCount(t) {
		t.Fatalf("chain of %d events, want %d + 10 = %d rows", n, base, e.eventCount(t))
	}
	res, _ := e.VerifyChain(e.ctx)
	if res.Last.Seq != n || !bytes.Equal(res.LastHash, res.Last.Hash) || len(res.LastHash) != model.HashSize {
		t.Errorf("result %+v", res)
	}

	// The table refuses changes and deletions.
	for _, q := range []string{"UPDATE events SET detail = 'x' WHERE seq = 3", "DELETE FROM events WHERE seq = 3"} {
		if _, err := e.DB().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}

	// Someone who drops the guards and edits the file is found out.
	tamper := func(t *testing.T, q string) ChainResult {
		t.Helper()
		e := newTestEnv(t)
		for i := range 3 {
			e.logRequest(t, testRequest(fmt.Sprintf("Patient %c", 'A'+i), testDay(2026, 3, 9)))
		}
		if _, err := e.DB().Exec("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; " + q); err != nil {
			t.Fatal(err)
		}
		res, err := e.VerifyChain(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.OK() {
			t.Fatalf("%s went unnoticed", q)
		}
		return res
	}
	last := base + 3
	for _, tc := range []struct {
		q       string
		bad     int64
		problem string
	}{
		{fmt.Sprintf("UPDATE events SET detail = 'nothing happened' WHERE seq = %d", base+2), base + 2, "was changed"},
		{fmt.Sprintf("UPDATE events SET actor_name = 'Lee Lead' WHERE seq = %d", base+1), base + 1, "was changed"},
		{fmt.Sprintf("UPDATE events SET at = '2020-01-01T00:00:00.000000000Z' WHERE seq = %d", last), last, "was changed"},
		{fmt.Sprintf("DELETE FROM events WHERE seq = %d", base+2), base + 2, "is missing"},
		{fmt.Sprintf("UPDATE events SET prev_hash = zeroblob(32) WHERE seq = %d", base+1), base + 1, "does not follow"},
		// Rewriting an event with a fresh, valid-looking hash breaks the next link.
		{fmt.Sprintf("UPDATE events SET hash = zeroblob(32) WHERE seq = %d", base+1), base + 1, "was changed"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			res := tamper(t, tc.q)
			if res.BadSeq != tc.bad || !strings.Contains(res.Problem, tc.problem) {
				t.Errorf("found #%d %q, want #%d %q", res.BadSeq, res.Problem, tc.bad, tc.problem)
			}
		})
	}
}

// The child process of TestTwoProcessesAppend reads these.
const (
	envChildDB    = "RIGHTSDESK_TEST_CHILD_DB"
	envChildName  = "RIGHTSDESK_TEST_CHILD_STAFF"
	envChildCount = "RIGHTSDESK_TEST_CHILD_COUNT"
	envChildGo    = "RIGHTSDESK_TEST_CHILD_GO"
)

// TestTwoProcessesAppend starts two processes (this test binary again) that
// log requests into the same database file at once. Every request is one
// immediate transaction that appends its events, so the chain must come out
// whole and gap-free, with every reference handed out once.
func TestTwoProcessesAppend(t *testing.T) {
	if os.Getenv(envChildDB) != "" {
		appendAsChild(t)
		return
	}
	if testing.Short() {
		t.Skip("starts two processes")
	}
	const perChild = 100
	e := newTestEnv(t)
	before := e.mustChainOK(t)
	goFile := filepath.Join(t.TempDir(), "go")

	staff := []string{e.Desk.Name, e.Lead.Name}
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for _, name := range staff {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesAppend$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(),
			envChildDB+"="+e.Path, envChildName+"="+name,
			envChildCount+"="+strconv.Itoa(perChild), envChildGo+"="+goFile)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	// Both are started: let them go at the same moment.
	if err := os.WriteFile(goFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var windows [][2]int64
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %s: %v\n%s", staff[i], err, outs[i])
		}
		var w [2]int64
		_, after, ok := strings.Cut(outs[i].String(), "child logged")
		if !ok {
			t.Fatalf("child %s did not run:\n%s", staff[i], outs[i])
		}
		after, _, _ = strings.Cut(after, "\n")
		f := strings.Fields(after)
		if len(f) < 4 {
			t.Fatalf("child %s said %q", staff[i], after)
		}
		w[0], _ = strconv.ParseInt(f[len(f)-3], 10, 64)
		w[1], _ = strconv.ParseInt(f[len(f)-1], 10, 64)
		windows = append(windows, w)
	}
	// They wrote at the same time: each started before the other finished.
	if windows[0][0] >= windows[1][1] || windows[1][0] >= windows[0][1] {
		t.Errorf("the two processes did not overlap: %v", windows)
	}

	n := e.mustChainOK(t)
	if want := before + 2*perChild; n != want || int(n) != e.eventCount(t) {
		t.Fatalf("chain of %d events (%d rows), want %d", n, e.eventCount(t), want)
	}
	all, err := e.ListSummaries(e.ctx, Filter{Scope: ScopeAll})
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]bool{}
	for _, m := range all {
		refs[m.Reference] = true
	}
	for i := 1; i <= 2*perChild; i++ {
		if ref := model.FormatReference(2026, i); !refs[ref] {
			t.Errorf("%s is missing: references have a gap", ref)
		}
	}
	if len(all) != 2*perChild || len(refs) != 2*perChild {
		t.Errorf("%d requests with %d references, want %d", len(all), len(refs), 2*perChild)
	}
	// How much the two interleaved (for the log: it depends on scheduling).
	rows, err := e.DB().Query("SELECT actor_name FROM events WHERE seq > ? ORDER BY seq", before)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	switches, prev := 0, ""
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		if prev != "" && a != prev {
			switches++
		}
		prev = a
	}
	t.Logf("the two processes took turns %d times", switches)
}

// appendAsChild is the body of one child process.
func appendAsChild(t *testing.T) {
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(os.Getenv(envChildGo)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the parent never said go")
		}
		time.Sleep(2 * time.Millisecond)
	}
	s, err := Open(ctx, os.Getenv(envChildDB))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	actor, err := s.StaffByName(ctx, os.Getenv(envChildName))
	if err != nil {
		t.Fatal(err)
	}
	count, _ := strconv.Atoi(os.Getenv(envChildCount))
	start := time.Now()
	for i := range count {
		name := fmt.Sprintf("%s Patient %c%c", strings.Fields(actor.Name)[0], 'a'+i/26, 'a'+i%26)
		if _, err := s.LogRequest(ctx, actor, testRequest(name, testDay(2026, 3, 9)), testNow); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		// A desk's pace, not a loop's: the other process gets its turns.
		time.Sleep(200 * time.Microsecond)
	}
	fmt.Printf("child logged %d requests as %s from %d to %d\n", count, actor.Name, start.UnixNano(), time.Now().UnixNano())
}
