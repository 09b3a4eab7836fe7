package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

var verifiedLine = regexp.MustCompile(`(?m)^verified (\d+) events, through #(\d+) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$`)

func TestAuditVerifyRecordsWhen(t *testing.T) {
	e := newTrustEnv(t)
	e.logAt("Jane Patient", time.Now())
	out := e.ok("audit", "verify")
	m := verifiedLine.FindStringSubmatch(out)
	if m == nil || m[1] != m[2] {
		t.Fatalf("verify said %q", out)
	}
	st := e.store()
	defer st.Close()
	at, _ := st.Meta(context.Background(), metaChainVerifiedAt)
	seq, _ := st.Meta(context.Background(), metaChainVerifiedSeq)
	when, err := time.Parse(time.RFC3339, at)
	if err != nil || time.Since(when) > time.Minute || seq != m[2] {
		t.Fatalf("recorded %q, %q (said %s)", at, seq, m[2])
	}
}

// Changing, deleting or inserting an event with the sqlite3 tool (after
// dropping the triggers that refuse it) is caught, and the first event
// that does not match is named, with exit status 1.
func TestAuditVerifyCatchesTampering(t *testing.T) {
	cases := map[string]struct {
		sql     string
		bad     string // the event named
		problem string
	}{
		"change": {"DROP TRIGGER events_no_update; UPDATE events SET detail = 'nothing happened' WHERE seq = 3;",
			"#3", "changed after it was written"},
		"change the actor": {"DROP TRIGGER events_no_update; UPDATE events SET actor_name = 'Someone Else' WHERE seq = 4;",
			"#4", "changed after it was written"},
		"delete": {"DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 3;",
			"#3", "missing"},
		"insert at the end": {`INSERT INTO events (seq, at, actor_id, actor_name, action, reference, detail, prev_hash, hash)
			SELECT seq + 1, at, actor_id, actor_name, 'completed', reference, 'forged', hash, randomblob(32) FROM events ORDER BY seq DESC LIMIT 1;`,
			"", "changed after it was written"},
		"insert in the middle": {`DROP TRIGGER events_no_update;
			UPDATE events SET seq = seq + 1000000 WHERE seq >= 3;
			UPDATE events SET seq = seq - 1000000 + 1 WHERE seq >= 1000000;
			INSERT INTO events (seq, at, actor_id, actor_name, action, reference, detail, prev_hash, hash)
			SELECT 3, at, actor_id, actor_name, 'completed', reference, 'forged', hash, randomblob(32) FROM events WHERE seq = 2;`,
			"#3", "changed after it was written"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			e := newTrustEnv(t)
			e.logAt("Jane Patient", time.Now())
			e.logAt("John Patient", time.Now())
			e.ok("audit", "verify")
			e.sqlite(c.sql)
			code, out, errs := e.run("audit", "verify")
			if code != exitProblem {
				t.Fatalf("exit %d after %s:\n%s%s", code, name, out, errs)
			}
			if !strings.Contains(out, "FAILED at event "+c.bad) || !strings.Contains(out, c.problem) {
				t.Fatalf("verify said %q", out)
			}
			if !strings.Contains(errs, "does not verify") {
				t.Errorf("stderr %q", errs)
			}
		})
	}
}

// trustKeys makes a key pair with audit keygen.
func (e *trustEnv) trustKeys(name string) (key, pub string) {
	e.t.Helper()
	prefix := filepath.Join(e.dir, name)
	out := e.ok("audit", "keygen", "--out", prefix)
	if !strings.Contains(out, "SHA256:") {
		e.t.Fatalf("keygen said %q", out)
	}
	return prefix + ".key", prefix + ".pub"
}

func TestAuditKeygen(t *testing.T) {
	e := newTrustEnv(t)
	key, pub := e.trustKeys("audit")
	info, err := os.Stat(key)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	before, _ := os.ReadFile(key)
	if code, _, errs := e.run("audit", "keygen", "--out", strings.TrimSuffix(key, ".key")); code != exitUsage || !strings.Contains(errs, "never overwritten") {
		t.Fatalf("second keygen: exit %d %s", code, errs)
	}
	if after, _ := os.ReadFile(key); string(after) != string(before) {
		t.Fatal("the key was overwritten")
	}
	if _, err := os.Stat(pub); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := e.run("audit", "keygen"); code != exitUsage {
		t.Fatalf("keygen without --out: exit %d", code)
	}
}

func TestAuditCheckpointAndVerify(t *testing.T) {
	e := newTrustEnv(t)
	e.logAt("Jane Patient", time.Now())
	key, pub := e.trustKeys("audit")
	cp := filepath.Join(e.dir, "cp.txt")

	// Signing is an admin's job.
	code, _, errs := e.run(append([]string{"audit", "checkpoint", "--key", key, "--out", cp}, e.asLead()...)...)
	if code != exitUsage || !strings.Contains(errs, "may not sign audit checkpoints") {
		t.Fatalf("lead signs: exit %d %s", code, errs)
	}
	out := e.ok(append([]string{"audit", "checkpoint", "--key", key, "--out", cp}, e.asAdmin()...)...)
	if !strings.Contains(out, "Signed checkpoint of events #1 to #") {
		t.Fatalf("checkpoint said %q", out)
	}
	// Refuses to overwrite a checkpoint.
	if code, _, _ := e.run(append([]string{"audit", "checkpoint", "--key", key, "--out", cp}, e.asAdmin()...)...); code != exitUsage {
		t.Fatalf("overwrite: exit %d", code)
	}
	e.logAt("John Patient", time.Now()) // work goes on
	out = e.ok("audit", "verify", "--checkpoint", cp)
	if !strings.Contains(out, "are as signed") || !strings.Contains(out, "compare it with your copy") || verifiedLine.FindString(out) == "" {
		t.Fatalf("verify --checkpoint said %q", out)
	}
	e.ok("audit", "verify", "--checkpoint", cp, "--pub", pub)
	_, otherPub := e.trustKeys("other")
	if code, out, _ := e.run("audit", "verify", "--checkpoint", cp, "--pub", otherPub); code != exitProblem || !strings.Contains(out, "not with the key given") {
		t.Fatalf("another key: exit %d %s", code, out)
	}
	// An edited checkpoint file is caught.
	b, _ := os.ReadFile(cp)
	seq := regexp.MustCompile(`(?m)^seq: (\d+)$`).FindSubmatch(b)
	n, _ := strconv.Atoi(string(seq[1]))
	edited := filepath.Join(e.dir, "edited.txt")
	os.WriteFile(edited, []byte(strings.Replace(string(b), "seq: "+string(seq[1]), "seq: "+strconv.Itoa(n-1), 1)), 0o600)
	if code, out, _ := e.run("audit", "verify", "--checkpoint", edited); code != exitProblem || !strings.Contains(out, "signature") {
		t.Fatalf("edited checkpoint: exit %d %s", code, out)
	}
	garbage := e.file("garbage.txt", "hello\n")
	if code, _, errs := e.run("audit", "verify", "--checkpoint", garbage); code != exitUsage || !strings.Contains(errs, "not valid") {
		t.Fatalf("not a checkpoint: exit %d %s", code, errs)
	}

	// Cutting the trail short after the checkpoint: the chain alone still
	// verifies, the checkpoint shows the loss.
	e.sqlite("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq >= " + strconv.Itoa(n-1) + ";")
	e.ok("audit", "verify")
	code, out, _ = e.run("audit", "verify", "--checkpoint", cp)
	if code != exitProblem || !strings.Contains(out, "is missing") || !strings.Contains(out, "events were removed") {
		t.Fatalf("truncated trail: exit %d %s", code, out)
	}
}

// A tamperer who knows the hashing scheme can rewrite the chain after the
// event they change, so that verify alone passes; the checkpoint does not.
func TestAuditCheckpointCatchesARewrittenChain(t *testing.T) {
	e := newTrustEnv(t)
	e.logAt("Jane Patient", time.Now())
	key, _ := e.trustKeys("audit")
	cp := filepath.Join(e.dir, "cp.txt")
	e.ok(append([]string{"audit", "checkpoint", "--key", key, "--out", cp}, e.asAdmin()...)...)

	st := e.store()
	db := st.DB()
	for _, q := range []string{"DROP TRIGGER events_no_update", "UPDATE events SET detail = 'nothing happened' WHERE seq = 3"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query("SELECT seq, at, actor_id, actor_name, action, reference, detail FROM events ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	var events []model.Event
	for rows.Next() {
		var ev model.Event
		var at string
		rows.Scan(&ev.Seq, &at, &ev.ActorID, &ev.ActorName, &ev.Action, &ev.Reference, &ev.Detail)
		ev.At, _ = time.Parse(time.RFC3339Nano, at)
		events = append(events, ev)
	}
	rows.Close()
	prev := make([]byte, model.HashSize)
	for _, ev := range events {
		h := ev.ComputeHash(prev)
		if _, err := db.Exec("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", prev, h, ev.Seq); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
	st.Close()

	e.ok("audit", "verify")
	code, out, _ := e.run("audit", "verify", "--checkpoint", cp)
	if code != exitProblem || !strings.Contains(out, "does not match the checkpoint") {
		t.Fatalf("rewritten chain: exit %d %s", code, out)
	}
}
