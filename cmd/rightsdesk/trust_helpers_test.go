package main

// Helpers for the trust commands' tests (audit, backup, restore, purge).
// Names carry a "trust" prefix so they cannot clash with other tests here.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// trustEnv is a set-up clinic with an admin and a lead, driven through
// run() in-process.
type trustEnv struct {
	t                   *testing.T
	dir, db             string
	adminPass, leadPass string
}

func newTrustEnv(t *testing.T) *trustEnv {
	t.Helper()
	dir := t.TempDir()
	e := &trustEnv{t: t, dir: dir, db: filepath.Join(dir, "data", "rightsdesk.db")}
	e.adminPass = e.file("admin.pass", "admin passphrase one\n")
	e.leadPass = e.file("lead.pass", "lead passphrase two\n")
	e.ok("init", "--clinic", "Trust Clinic", "--admin", "Ada Admin", "--passphrase-file", e.adminPass)
	e.ok(append([]string{"staff", "add", "--name", "Lee Lead", "--role", "lead", "--passphrase-file", e.leadPass}, e.asAdmin()...)...)
	return e
}

func (e *trustEnv) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *trustEnv) asAdmin() []string {
	return []string{"--as", "Ada Admin", "--as-passphrase-file", e.adminPass}
}

func (e *trustEnv) asLead() []string {
	return []string{"--as", "Lee Lead", "--as-passphrase-file", e.leadPass}
}

// run runs the command line against the env's database.
func (e *trustEnv) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--db", e.db}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// ok runs and fails the test unless the command succeeds.
func (e *trustEnv) ok(args ...string) string {
	e.t.Helper()
	code, out, errs := e.run(args...)
	if code != 0 {
		e.t.Fatalf("rightsdesk %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// store opens the database directly; the caller closes it.
func (e *trustEnv) store() *storage.Store {
	e.t.Helper()
	st, err := storage.Open(context.Background(), e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// logAt logs a verified request for name as the lead at the given time
// and returns its reference.
func (e *trustEnv) logAt(name string, at time.Time) string {
	e.t.Helper()
	st := e.store()
	defer st.Close()
	ctx := context.Background()
	lead, err := st.StaffByName(ctx, "Lee Lead")
	if err != nil {
		e.t.Fatal(err)
	}
	r, err := st.LogRequest(ctx, lead, model.Request{
		Kind: model.KindAccess, Channel: model.ChannelEmail, Rule: model.RuleUKGDPR,
		ReceivedAt: at.Add(-time.Hour),
		Subject:    model.Subject{Name: name, DateOfBirth: time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC), Email: "patient@example.org"},
		Requester:  model.Requester{Relationship: model.RelSelf},
		Details:    model.Details{Summary: "records of " + name},
		Evidence:   []model.Evidence{{Kind: model.EvidenceIdentity, Method: model.MethodInPerson, Document: string(model.DocPassport)}},
	}, at)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.Reference
}

// complete closes a request as the lead on the given day.
func (e *trustEnv) complete(ref string, at time.Time) {
	e.t.Helper()
	st := e.store()
	defer st.Close()
	ctx := context.Background()
	lead, _ := st.StaffByName(ctx, "Lee Lead")
	if _, err := st.Apply(ctx, lead, ref, model.Op{Action: model.ActComplete}, at); err != nil {
		e.t.Fatal(err)
	}
}

// sqlite runs SQL with the sqlite3 tool, as someone tampering with the
// file would.
func (e *trustEnv) sqlite(sql string) string {
	e.t.Helper()
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		e.t.Skip("sqlite3 is not installed (make deps installs it)")
	}
	out, err := exec.Command(bin, e.db, sql).CombinedOutput()
	if err != nil {
		e.t.Fatalf("sqlite3 %q: %v\n%s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}
