package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"rightsdesk/model"
)

func TestOpenMakesPrivateFiles(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data", "rightsdesk")
	path := filepath.Join(dir, "rightsdesk.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %s", s.Path())
	}
	if _, err := s.Setup(ctx, model.DefaultSettings(), "Ada Admin", testAdminPass, testNow); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("folder mode %o, want 700", perm)
	}
	// The database, its WAL and shared-memory files, and the migration lock.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		seen[e.Name()] = true
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s mode %o, want 600", e.Name(), perm)
		}
	}
	for _, name := range []string{"rightsdesk.db", "rightsdesk.db-wal"} {
		if !seen[name] {
			t.Errorf("no %s in %v", name, entries)
		}
	}
}

func TestOpenConnectionSettings(t *testing.T) {
	e := newTestEnv(t)
	want := map[string]string{
		"journal_mode":  "wal",
		"foreign_keys":  "1",
		"secure_delete": "1",
		"busy_timeout":  "10000",
		"synchronous":   "2", // FULL
	}
	for pragma, w := range want {
		var got string
		if err := e.DB().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != w {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, w)
		}
	}
	// Immediate transactions take the write lock at BEGIN; a deferred
	// read-then-write can fail with SQLITE_BUSY across processes.
	if d := dsn(e.Path, false); !strings.Contains(d, "_txlock=immediate") || !strings.Contains(d, "_pragma=busy_timeout(") {
		t.Errorf("DSN %q lacks _txlock=immediate or a busy timeout", d)
	}
	// The WAL-reset fix is in SQLite 3.51.3 and later.
	var v string
	if err := e.DB().QueryRow("SELECT sqlite_version()").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if !versionAtLeast(v, 3, 51, 3) {
		t.Errorf("SQLite %s, want 3.51.3 or later (the WAL-reset fix)", v)
	}
	// Foreign keys hold: evidence for no request is refused.
	_, err := e.DB().Exec("INSERT INTO evidence (request_id, kind, received_on, checked_at) VALUES (999, 'identity', '2026-03-10', 'x')")
	if err == nil {
		t.Error("evidence for a missing request was stored: foreign keys are off")
	}
}

func versionAtLeast(v string, want ...int) bool {
	parts := strings.Split(v, ".")
	for i, w := range want {
		if i >= len(parts) {
			return false
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return false
		}
		if n != w {
			return n > w
		}
	}
	return true
}

func TestOpenAgainKeepsData(t *testing.T) {
	e := newTestEnv(t)
	r := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 9)))
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// Migrating an up-to-date file again changes nothing.
	s, err := Open(context.Background(), e.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetRequest(context.Background(), r.Reference)
	if err != nil || got.Subject.Name != "Jane Patient" {
		t.Fatalf("after reopening: %+v, %v", got, err)
	}
	var versions int
	if err := s.DB().QueryRow("SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if versions != len(mustMigrations(t)) {
		t.Errorf("%d migrations recorded, %d embedded", versions, len(mustMigrations(t)))
	}
}

func mustMigrations(t *testing.T) []string {
	t.Helper()
	entries, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestOpenRefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("this is a shopping list, not a database\n", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("Open(text file) = %v, want ErrNotDatabase", err)
	}
	// A folder that cannot be made is reported with its path.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), filepath.Join(blocker, "sub", "rightsdesk.db"))
	if err == nil || !strings.Contains(err.Error(), "create data folder") {
		t.Fatalf("Open under a file = %v", err)
	}
}

func TestResolvePath(t *testing.T) {
	t.Setenv(EnvDB, "")
	if got := ResolvePath("/x/flag.db"); got != "/x/flag.db" {
		t.Errorf("flag: %s", got)
	}
	if got := ResolvePath(""); got != DefaultPath() || !strings.HasSuffix(got, filepath.Join("rightsdesk", "rightsdesk.db")) {
		t.Errorf("default: %s", got)
	}
	t.Setenv(EnvDB, "/y/env.db")
	if got := ResolvePath(""); got != "/y/env.db" {
		t.Errorf("env: %s", got)
	}
	if got := ResolvePath("/x/flag.db"); got != "/x/flag.db" {
		t.Errorf("the flag must win over the environment: %s", got)
	}
}

func TestSetup(t *testing.T) {
	ctx := context.Background()
	s := newEmptyStore(t)
	if ok, err := s.IsSetUp(ctx); err != nil || ok {
		t.Fatalf("IsSetUp on a new file = %v, %v", ok, err)
	}
	if _, err := s.Settings(ctx); !errors.Is(err, ErrNotSetUp) {
		t.Fatalf("Settings before setup: %v, want ErrNotSetUp", err)
	}

	// Bad input is refused and nothing is written.
	bad := model.DefaultSettings()
	bad.AgeThreshold = 30
	for name, try := range map[string]func() error{
		"bad settings": func() error { _, err := s.Setup(ctx, bad, "Ada Admin", testAdminPass, testNow); return err },
		"short passphrase": func() error {
			_, err := s.Setup(ctx, model.DefaultSettings(), "Ada Admin", "short", testNow)
			return err
		},
		"no name": func() error { _, err := s.Setup(ctx, model.DefaultSettings(), " ", testAdminPass, testNow); return err },
	} {
		if err := try(); err == nil || !model.IsUserError(err) {
			t.Errorf("%s: %v, want a user error", name, err)
		}
	}
	if ok, _ := s.IsSetUp(ctx); ok {
		t.Fatal("a refused setup left staff behind")
	}

	st := model.DefaultSettings()
	st.ClinicName = "Perfect Doctors Clinic"
	st.Rule, st.Nation, st.AgeThreshold = model.RuleEUGDPR, model.NationScotland, 13
	admin, err := s.Setup(ctx, st, "Ada Admin", testAdminPass, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if admin.Role != model.RoleAdmin || !admin.Active || admin.ID == 0 {
		t.Errorf("first admin %+v", admin)
	}
	if ok, _ := s.IsSetUp(ctx); !ok {
		t.Error("IsSetUp false after setup")
	}
	got, err := s.Settings(ctx)
	if err != nil || got != st {
		t.Errorf("settings %+v, %v; want %+v", got, err, st)
	}
	signedIn, err := s.Authenticate(ctx, "ada admin", testAdminPass, testNow)
	if err != nil || signedIn.ID != admin.ID {
		t.Errorf("the first admin cannot sign in: %v", err)
	}

	// A second setup is refused, whatever it asks for, and changes nothing.
	_, err = s.Setup(ctx, model.DefaultSettings(), "Eve Intruder", "another long passphrase", testNow)
	if !errors.Is(err, ErrAlreadySetUp) {
		t.Fatalf("second Setup = %v, want ErrAlreadySetUp", err)
	}
	if got, _ := s.Settings(ctx); got != st {
		t.Errorf("a refused setup changed the settings to %+v", got)
	}
	staff, err := s.ListStaff(ctx)
	if err != nil || len(staff) != 1 {
		t.Errorf("staff after a second setup: %+v, %v", staff, err)
	}
	var events []string
	rows, err := s.DB().Query("SELECT action || ':' || detail FROM events ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		events = append(events, a)
	}
	if len(events) != 1 || !strings.HasPrefix(events[0], "clinic_set_up:") || !strings.Contains(events[0], "eu-gdpr") {
		t.Errorf("events %q, want one clinic_set_up", events)
	}
}

func TestMeta(t *testing.T) {
	e := newTestEnv(t)
	if v, err := e.Meta(e.ctx, "chain_verified_at"); err != nil || v != "" {
		t.Fatalf("unset meta = %q, %v", v, err)
	}
	for _, v := range []string{"first", "second"} {
		if err := e.SetMeta(e.ctx, "chain_verified_at", v); err != nil {
			t.Fatal(err)
		}
		if got, err := e.Meta(e.ctx, "chain_verified_at"); err != nil || got != v {
			t.Errorf("meta = %q, %v; want %q", got, err, v)
		}
	}
}
