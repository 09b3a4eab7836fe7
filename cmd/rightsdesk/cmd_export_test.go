package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// expEnv is a set-up clinic with a lead and a desk member and one logged
// request, driven through run() in-process.
type expEnv struct {
	t                  *testing.T
	db, files          string
	leadPass, deskPass string
	ref                string
}

func newExpEnv(t *testing.T) *expEnv {
	t.Helper()
	root := t.TempDir()
	e := &expEnv{t: t, db: filepath.Join(root, "data", "rightsdesk.db"), files: filepath.Join(root, "files")}
	if err := os.MkdirAll(e.files, 0o700); err != nil {
		t.Fatal(err)
	}
	adminPass := e.file("admin.pass", "admin passphrase one\n")
	e.leadPass = e.file("lead.pass", "lead passphrase two\n")
	e.deskPass = e.file("desk.pass", "desk passphrase three\n")
	e.ok("init", "--clinic", "Test Clinic", "--admin", "Ada Admin", "--passphrase-file", adminPass)
	e.ok("staff", "add", "--name", "Lee Lead", "--role", "lead", "--passphrase-file", e.leadPass, "--as", "Ada Admin", "--as-passphrase-file", adminPass)
	e.ok("staff", "add", "--name", "Dee Desk", "--role", "desk", "--passphrase-file", e.deskPass, "--as", "Ada Admin", "--as-passphrase-file", adminPass)

	// Log a verified request through the store: logging has its own command.
	ctx := context.Background()
	st, err := storage.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	desk, err := st.Authenticate(ctx, "Dee Desk", "desk passphrase three", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.LogRequest(ctx, desk, model.Request{
		Kind: model.KindAccess, Channel: model.ChannelEmail, Rule: model.RuleUKGDPR,
		ReceivedAt: time.Now().Add(-48 * time.Hour),
		Subject:    model.Subject{Name: "Анна Каренина", DateOfBirth: time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)},
		Requester:  model.Requester{Relationship: model.RelSelf},
		Evidence:   []model.Evidence{{Kind: model.EvidenceIdentity, Method: model.MethodCopyReceived, Document: string(model.DocDrivingLicence)}},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.ref = r.Reference
	return e
}

func (e *expEnv) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.files, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *expEnv) run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--db", e.db}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func (e *expEnv) ok(args ...string) string {
	e.t.Helper()
	code, out, errs := e.run(args...)
	if code != 0 {
		e.t.Fatalf("rightsdesk %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (e *expEnv) as(who string) []string {
	if who == "lead" {
		return []string{"--as", "Lee Lead", "--as-passphrase-file", e.leadPass}
	}
	return []string{"--as", "Dee Desk", "--as-passphrase-file", e.deskPass}
}

func TestExportAndAttachCommands(t *testing.T) {
	e := newExpEnv(t)
	out := filepath.Join(t.TempDir(), "to patient")

	got := e.ok(append([]string{"export", e.ref, "--out", out}, e.as("desk")...)...)
	if !strings.Contains(got, e.ref+" acknowledgement.pdf") || !strings.Contains(got, e.ref+" acknowledgement.txt") || !strings.Contains(got, "sha256 ") {
		t.Errorf("export output:\n%s", got)
	}
	got = e.ok(append([]string{"export", e.ref, "--out", out}, e.as("desk")...)...)
	if !strings.Contains(got, "(2).pdf") || !strings.Contains(got, "already exists") {
		t.Errorf("second export should be numbered and say so:\n%s", got)
	}

	records := e.file("GP records.txt", "the patient's records\n")
	got = e.ok(append([]string{"attach", e.ref, records}, e.as("desk")...)...)
	if !strings.Contains(got, "Attached GP records.txt to "+e.ref) {
		t.Errorf("attach output: %s", got)
	}

	// The response package: leads only, answered requests only.
	code, _, errs := e.run(append([]string{"export", e.ref, "--kind", "response", "--out", out}, e.as("lead")...)...)
	if code != exitUsage || !strings.Contains(errs, "still open") {
		t.Errorf("response for an open request: exit %d, %s", code, errs)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	lead, err := st.Authenticate(ctx, "Lee Lead", "lead passphrase two", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, lead, e.ref, model.Op{Action: model.ActComplete}, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, _, errs = e.run(append([]string{"export", e.ref, "--kind", "response", "--out", out}, e.as("desk")...)...)
	if code != exitUsage || !strings.Contains(errs, "may not export response packages") {
		t.Errorf("desk response export: exit %d, %s", code, errs)
	}
	pw := e.file("letter.pass", "Blue heron 42!\n")
	got = e.ok(append([]string{"export", e.ref, "--kind", "response", "--out", out, "--password-file", pw}, e.as("lead")...)...)
	if !strings.Contains(got, e.ref+".zip") {
		t.Errorf("response output:\n%s", got)
	}
	zr := filepath.Join(out, e.ref+".zip")
	if info, err := os.Stat(zr); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("package: %v %v", info, err)
	}
	names := map[string]bool{}
	for _, n := range listZip(t, zr) {
		names[n] = true
	}
	for _, want := range []string{"letter.pdf", "request.json", "index.html", "manifest.json", "data/GP records.txt"} {
		if !names[want] {
			t.Errorf("no %s in the package", want)
		}
	}
}

func TestExportCommandUsageErrors(t *testing.T) {
	e := newExpEnv(t)
	blocker := e.file("not a folder", "")
	pw := e.file("pw", "Blue heron 42!\n")
	short := e.file("short", "abc\n")
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no reference":           {[]string{"export"}, "needs one reference"},
		"bad reference":          {[]string{"export", "R 1"}, "cannot contain spaces"},
		"unknown kind":           {[]string{"export", e.ref, "--kind", "letter"}, "is not known"},
		"password for an ack":    {[]string{"export", e.ref, "--password-file", pw}, "response letter only"},
		"short password":         {[]string{"export", e.ref, "--kind", "response", "--password-file", short}, "too short"},
		"unknown request":        {append([]string{"export", "R-2026-9999"}, e.as("desk")...), "no such request"},
		"out is a file":          {append([]string{"export", e.ref, "--out", filepath.Join(blocker, "x")}, e.as("desk")...), "--out"},
		"attach missing file":    {append([]string{"attach", e.ref, filepath.Join(e.files, "nope.pdf")}, e.as("desk")...), "not found"},
		"attach without a file":  {[]string{"attach", e.ref}, "needs a reference and a file"},
		"export without sign-in": {[]string{"export", e.ref}, "must be attributed"},
	} {
		code, _, errs := e.run(c.args...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", name, code, errs, c.want)
		}
	}
}

func listZip(t *testing.T, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}
