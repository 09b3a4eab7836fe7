package storage

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// damageTable overwrites the first byte of table's root page, the b-tree
// page's type, as a failing disk might: the schema and goose's table stay
// readable, so Open's cheap check passes, and only reading table fails.
func damageTable(t testing.TB, s *Store, table string) {
	t.Helper()
	var root, pageSize int64
	if err := s.db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = ?", table).Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // checkpointed: every page is in the file
		t.Fatal(err)
	}
	f, err := os.OpenFile(s.path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte{0}, (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
}

// Opening reads only the schema, so damage elsewhere is found by the
// first read that reaches it, which reports it as damage, and by
// QuickCheck, which reads the whole file.
func TestDamageFoundAfterOpen(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	ref := e.logRequest(t, testRequest("Pat Damaged", testDay(2026, 3, 2))).Reference
	if err := e.QuickCheck(ctx); err != nil {
		t.Fatalf("QuickCheck of a sound file: %v", err)
	}
	damageTable(t, e.Store, "requests")

	s, err := Open(ctx, e.Path)
	if err != nil {
		t.Fatalf("Open reads more than the schema: %v", err)
	}
	defer s.Close()
	if _, err := s.Settings(ctx); err != nil {
		t.Fatalf("the settings are not damaged: %v", err)
	}
	_, err = s.ListSummaries(ctx, Filter{Scope: ScopeAll, Limit: 10})
	if err == nil || !IsDamaged(err) {
		t.Fatalf("ListSummaries of a damaged table = %v, want damage", err)
	}
	if _, err := s.GetRequest(ctx, ref); !IsDamaged(err) {
		t.Fatalf("GetRequest of a damaged table = %v, want damage", err)
	}
	// Writes go through classify, which names the damage.
	_, err = s.LogRequest(ctx, e.Desk, testRequest("Another Patient", testDay(2026, 3, 3)), testDay(2026, 3, 4))
	if !errors.Is(err, ErrDamaged) || err.Error() != ErrDamaged.Error() {
		t.Fatalf("LogRequest into a damaged table = %v, want ErrDamaged", err)
	}
	err = s.QuickCheck(ctx)
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("QuickCheck of a damaged file = %v, want ErrDamaged", err)
	}
	if IsDamaged(errors.New("database disk image is malformed")) {
		t.Error("IsDamaged believes a message rather than SQLite's code")
	}
}

// A SQLite file that holds some other program's tables is not taken over.
func TestOpenRefusesOtherSQLiteFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), path); !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("Open(another program's database) = %v, want ErrNotDatabase", err)
	}
	db, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil || tables != 1 {
		t.Fatalf("the other database was changed: %d tables, %v", tables, err)
	}
}
