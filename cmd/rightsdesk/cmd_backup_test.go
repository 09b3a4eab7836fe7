package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/storage"
)

func TestBackupAndRestoreCommands(t *testing.T) {
	e := newTrustEnv(t)
	kept := e.logAt("Jane Patient", time.Now())
	dir := filepath.Dir(e.db)

	if code, _, errs := e.run(append([]string{"backup", dir}, e.asLead()...)...); code != exitUsage || !strings.Contains(errs, "may not back up") {
		t.Fatalf("lead backs up: exit %d %s", code, errs)
	}
	out := e.ok(append([]string{"backup", dir}, e.asAdmin()...)...)
	if !strings.Contains(out, "Backed up 1 requests") || !strings.Contains(out, ".backup.db") {
		t.Fatalf("backup said %q", out)
	}
	backup := storage.NewestBackup(e.db)
	if backup == "" {
		t.Fatal("no backup beside the database")
	}
	if code, _, _ := e.run("backup"); code != exitUsage {
		t.Fatalf("backup without DEST: exit %d", code)
	}

	lost := e.logAt("John Later", time.Now())
	// Not at a terminal, restore needs --yes.
	code, _, errs := e.run("restore", backup)
	if code != exitUsage || !strings.Contains(errs, "--yes") {
		t.Fatalf("restore without --yes: exit %d %s", code, errs)
	}
	out = e.ok("restore", backup, "--yes")
	if !strings.Contains(out, "Restored") || !strings.Contains(out, "verified through event #") || !strings.Contains(out, ".replaced") {
		t.Fatalf("restore said %q", out)
	}
	st := e.store()
	defer st.Close()
	ctx := context.Background()
	if _, err := st.GetRequest(ctx, kept); err != nil {
		t.Errorf("the backed-up request is gone: %v", err)
	}
	if _, err := st.GetRequest(ctx, lost); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a request made after the backup survived: %v", err)
	}
	st.Close()
	e.ok("audit", "verify")

	// A file that is not a backup is refused and nothing is replaced.
	junk := e.file("junk.backup.db", strings.Repeat("junk ", 1000))
	before, _ := os.ReadFile(e.db)
	code, _, errs = e.run("restore", junk, "--yes")
	if code == 0 || !strings.Contains(errs, "nothing was replaced") {
		t.Fatalf("restore junk: exit %d %s", code, errs)
	}
	if after, _ := os.ReadFile(e.db); string(after) != string(before) {
		t.Fatal("a refused restore changed the database")
	}
}

// A damaged database is reported on start with the newest backup to
// restore, never a crash; a file that is not a database likewise. The
// advice works: restoring that backup brings the desk back.
func TestDamagedDatabaseOnStart(t *testing.T) {
	e := newTrustEnv(t)
	e.logAt("Jane Patient", time.Now())
	e.ok(append([]string{"backup", filepath.Dir(e.db)}, e.asAdmin()...)...)
	backup := storage.NewestBackup(e.db)
	for i := range 20 {
		e.logAt("Patient Number", time.Now().Add(time.Duration(i)*time.Second))
	}
	st := e.store()
	st.Close() // checkpointed: every page is in the main file

	b, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	// Scribble over the pages after the schema: the data is gone but the
	// file still looks like a database.
	for i := 3 * 4096; i < len(b); i += 5 {
		b[i] = 0xa5
	}
	if err := os.WriteFile(e.db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{}, {"list"}, {"audit", "verify"}} {
		code, out, errs := e.run(args...)
		if code != exitProblem {
			t.Fatalf("rightsdesk %v on a damaged file: exit %d\n%s%s", args, code, out, errs)
		}
		if !strings.Contains(errs, "damaged") || !strings.Contains(errs, backup) || !strings.Contains(errs, "restore") {
			t.Fatalf("rightsdesk %v said %q", args, errs)
		}
		if strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine") {
			t.Fatalf("crashed: %s", errs)
		}
	}
	e.ok("restore", backup, "--yes")
	e.ok("audit", "verify")

	// A file that is not a database at all.
	os.WriteFile(e.db, []byte(strings.Repeat("this is not a database\n", 500)), 0o600)
	code, _, errs := e.run()
	if code != exitProblem || !strings.Contains(errs, "not a rightsdesk database") || !strings.Contains(errs, "restore") {
		t.Fatalf("not a database: exit %d %s", code, errs)
	}
}

func TestPurgeCommand(t *testing.T) {
	e := newTrustEnv(t)
	old := time.Date(2015, 3, 1, 12, 0, 0, 0, time.UTC)
	oldRef := e.logAt("Ottoline Purgeable", old)
	e.complete(oldRef, old.AddDate(0, 1, 0))
	newRef := e.logAt("Nadia Keepme", time.Now())

	if code, _, errs := e.run(append([]string{"purge", "--dry-run"}, e.asLead()...)...); code != exitUsage || !strings.Contains(errs, "may not purge") {
		t.Fatalf("lead purges: exit %d %s", code, errs)
	}
	out := e.ok(append([]string{"purge", "--dry-run"}, e.asAdmin()...)...)
	if !strings.Contains(out, "1 requests closed before") || !strings.Contains(out, oldRef) || strings.Contains(out, newRef) || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("dry run said %q", out)
	}
	if strings.Contains(out, "Ottoline") {
		t.Fatal("the dry run shows a name")
	}
	out = e.ok(append([]string{"purge"}, e.asAdmin()...)...)
	if !strings.Contains(out, "Anonymised 1 requests") {
		t.Fatalf("purge said %q", out)
	}
	out = e.ok(append([]string{"purge"}, e.asAdmin()...)...)
	if !strings.Contains(out, "Nothing to purge") {
		t.Fatalf("second purge said %q", out)
	}
	st := e.store()
	r, _ := st.GetRequest(context.Background(), oldRef)
	n, _ := st.GetRequest(context.Background(), newRef)
	st.Close()
	if r.Subject.Name != "" || n.Subject.Name != "Nadia Keepme" {
		t.Fatalf("after purge: %q, %q", r.Subject.Name, n.Subject.Name)
	}
	e.ok("audit", "verify")
	raw, _ := os.ReadFile(e.db)
	wal, _ := os.ReadFile(e.db + "-wal")
	if strings.Contains(string(raw)+string(wal), "Ottoline") {
		t.Fatal("the purged name can still be read from the file")
	}
}
