package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/storage"
)

func runDemoCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errs)
	return code, out.String(), errs.String()
}

func TestDemoCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	code, out, errs := runDemoCmd(t, "--db", db, "demo", "--requests", "40", "--seed", "3")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"Made 40 made-up requests", storage.DemoPassphrase, "Ada Admin", "Lee Lead", "Dee Desk"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo's output lacks %q:\n%s", want, out)
		}
	}

	ctx := context.Background()
	st, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.CountRequests(ctx, storage.Filter{Scope: storage.ScopeAll})
	if err != nil || n != 40 {
		t.Fatalf("the register holds %d requests (%v), want 40", n, err)
	}
	if _, err := st.Authenticate(ctx, "Dee Desk", storage.DemoPassphrase, time.Now()); err != nil {
		t.Errorf("the printed demo staff cannot sign in: %v", err)
	}
	st.Close()

	// A register with requests in it is refused, and the refusal says how
	// to go on.
	code, out, errs = runDemoCmd(t, "--db", db, "demo")
	if code != exitUsage || !strings.Contains(errs, "--force") {
		t.Fatalf("demo on a register with requests: exit %d, want %d with a hint at --force\n%s%s", code, exitUsage, out, errs)
	}
	code, out, errs = runDemoCmd(t, "--db", db, "demo", "--requests", "5", "--force")
	if code != 0 || !strings.Contains(out, "passphrase unchanged") {
		t.Fatalf("demo --force: exit %d\n%s%s", code, out, errs)
	}

	code, _, errs = runDemoCmd(t, "--db", db, "demo", "--requests", "-1")
	if code != exitUsage {
		t.Errorf("demo --requests -1: exit %d, want %d\n%s", code, exitUsage, errs)
	}
	code, _, errs = runDemoCmd(t, "--db", db, "demo", "extra")
	if code != exitUsage {
		t.Errorf("demo with an argument: exit %d, want %d\n%s", code, exitUsage, errs)
	}
}

// With no --requests on an empty database the demo makes a board's worth.
func TestDemoCommandDefault(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	code, out, errs := runDemoCmd(t, "--db", db, "demo")
	if code != 0 || !strings.Contains(out, "Made 300 made-up requests") {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errs)
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	open, err := st.CountRequests(ctx, storage.Filter{Scope: storage.ScopeOpen})
	if err != nil || open < 20 {
		t.Errorf("the demo's board shows %d open requests (%v): want a populated board", open, err)
	}
}
