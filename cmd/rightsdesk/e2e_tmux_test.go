package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ETmux runs the real binary in tmux as a person would: set up with
// `rightsdesk init`, open the desk, sign in, log a request, quit with q,
// and then read the database with the sqlite3 tool.
func TestE2ETmux(t *testing.T) {
	for _, tool := range []string{"tmux", "sqlite3", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed: make test installs it with .ci/deps", tool)
			}
			t.Skipf("%s is not installed (run make deps)", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "rightsdesk")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "desk.db")
	passFile := filepath.Join(dir, "admin.pass")
	if err := os.WriteFile(passFile, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "--db", db, "init", "--clinic", "E2E Clinic", "--admin", "Ada Admin", "--passphrase-file", passFile).CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}

	sock := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	const sess = "desk"
	if out, err := tmux("new-session", "-d", "-s", sess, "-x", "120", "-y", "40",
		"env", "TERM=xterm-256color", "NO_COLOR=1", bin, "--db", db); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = tmux("kill-server") })

	screen := func() string {
		out, _ := tmux("capture-pane", "-p", "-t", sess)
		return out
	}
	waitFor := func(want ...string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			s := screen()
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(s, w)
			}
			if ok {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("the screen never showed %q; it shows:\n%s", want, screen())
	}
	// send types text literally or presses named keys (Enter, Escape, Right).
	send := func(keys ...string) {
		t.Helper()
		for _, k := range keys {
			args := []string{"send-keys", "-t", sess}
			switch k {
			case "Enter", "Escape", "Right", "Left", "Tab":
				args = append(args, k)
			default:
				args = append(args, "-l", k)
			}
			if out, err := tmux(args...); err != nil {
				t.Fatalf("send-keys %q: %v\n%s", k, err, out)
			}
			// Let the desk draw between keys, as a person would.
			time.Sleep(60 * time.Millisecond)
		}
	}

	waitFor("Sign in", "Passphrase")
	send("Ada Admin", "Enter", "correct horse battery staple", "Enter")
	waitFor("Choose an unlock PIN")
	send("480371", "Enter", "480371", "Enter")
	waitFor("No open requests", "Ada Admin (admin)")

	send("n")
	waitFor("1 · Who is asking")
	send("Enter")
	waitFor("2 · The patient")
	send("Ada Lovelace", "Enter", "10/12/1985", "Enter", "Enter", "Enter")
	waitFor("3 · What they ask")
	send("Enter", "all records", "Enter", "Enter", "Enter")
	waitFor("4 · How and when it came in")
	send("Enter", "Enter")
	waitFor("5 · Identity")
	send("Enter", "Enter", "Enter", "GB", "Enter", "1234", "Enter", "y", "Enter", "y", "Enter")
	waitFor("Check and save")
	send("Enter")
	waitFor("Logged", "in progress")
	send("Escape")
	waitFor("Open 1", "Ada Lovelace")
	send("q")

	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := tmux("has-session", "-t", sess); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the desk did not quit on q; screen:\n%s", screen())
		}
		time.Sleep(100 * time.Millisecond)
	}

	out, err := exec.Command("sqlite3", db, "SELECT r.reference, r.kind, r.status, p.name, e.document, e.last4 FROM requests r JOIN subjects p ON p.id = r.subject_id JOIN evidence e ON e.request_id = r.id").CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	want := "|access|in_progress|Ada Lovelace|passport|1234"
	if !strings.HasPrefix(got, "R-") || !strings.HasSuffix(got, want) || strings.Count(got, "\n") != 0 {
		t.Fatalf("database holds %q, want one row ending %q", got, want)
	}
	out, err = exec.Command("sqlite3", db, "SELECT action FROM events WHERE reference != '' ORDER BY seq").CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v\n%s", err, out)
	}
	if ev := strings.Fields(string(out)); len(ev) < 2 || ev[0] != "logged" || ev[1] != "verified" {
		t.Fatalf("events %q, want logged then verified", ev)
	}
}
