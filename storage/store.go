// Package storage keeps rightsdesk's data in a SQLite file. It speaks the
// domain's types and keeps all SQL behind its API, one file per table, so
// that another backend can come later without touching model or tui.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/adrg/xdg"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// EnvDB names the environment variable that picks another database file.
const EnvDB = "RIGHTSDESK_DB"

// DefaultPath is the embedded default: rightsdesk.db in the user's data
// directory ($XDG_DATA_HOME/rightsdesk).
func DefaultPath() string {
	return filepath.Join(xdg.DataHome, "rightsdesk", "rightsdesk.db")
}

// ResolvePath picks the database: the flag, else $RIGHTSDESK_DB, else the
// default.
func ResolvePath(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv(EnvDB); env != "" {
		return env
	}
	return DefaultPath()
}

// Store is an open rightsdesk database.
type Store struct {
	db   *sql.DB
	path string
}

// ErrDamaged is returned when the file fails SQLite's quick_check, or a
// read finds it damaged (classify).
var ErrDamaged = errors.New("the database file is damaged")

// ErrNotDatabase is returned when the file is not a rightsdesk database.
var ErrNotDatabase = errors.New("the file is not a rightsdesk database")

func dsn(path string, readOnly bool) string {
	q := []string{
		"_pragma=busy_timeout(10000)",
		"_pragma=foreign_keys(1)",
		"_pragma=secure_delete(1)",
		"_pragma=synchronous(FULL)",
		"_pragma=journal_mode(WAL)",
		// Statement journals, sorts and temporary tables stay in memory:
		// they hold copies of patients' rows, which should not land in
		// unnamed files under /tmp, and an import's multi-row inserts spent
		// a tenth of their time writing the statement journal there.
		"_pragma=temp_store(MEMORY)",
		// Immediate transactions take the write lock at BEGIN: a deferred
		// read-then-write fails with SQLITE_BUSY across processes.
		"_txlock=immediate",
	}
	if readOnly {
		q = append(q, "mode=ro")
	}
	return "file:" + path + "?" + strings.Join(q, "&")
}

// Open opens (creating if needed) the database at path, checks that it is
// a rightsdesk database (cheaply: QuickCheck reads the whole file) and
// brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dir, err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Create the file ourselves so that it is 0600 from the start;
		// SQLite gives its -wal and -shm files the same mode.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create database %s: %w", path, err)
		}
		if f != nil {
			f.Close()
		}
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// check makes sure, cheaply, that the file is a rightsdesk database before
// anything is migrated into it or read from it: SQLite reads the header and
// parses the whole schema, and a file that already holds tables must hold
// goose's table of applied migrations. It reads a few pages, not the file:
// the full QuickCheck reads every page (seconds on a large register), so
// it runs where it is worth the wait (the desk, after its first frame), and
// damage met by a later read is reported as ErrDamaged (errors.go).
func (s *Store) check(ctx context.Context) error {
	var tables int
	var goose bool
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(max(name = 'goose_db_version'), 0)
		FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &goose)
	if err == nil && tables > 0 && !goose {
		return fmt.Errorf("open database %s: %w", s.path, ErrNotDatabase)
	}
	if err == nil && goose {
		var version int64
		err = s.db.QueryRowContext(ctx, "SELECT coalesce(max(version_id), 0) FROM goose_db_version").Scan(&version)
	}
	if err != nil {
		if isNotADB(err) {
			return fmt.Errorf("open database %s: %w", s.path, ErrNotDatabase)
		}
		return fmt.Errorf("check database %s: %w", s.path, classifyOpen(s.path, err)) // a read-only folder, a damaged file say so (openerror.go)
	}
	return nil
}

// QuickCheck runs SQLite's quick_check over the whole file, so that damage
// anywhere in it is found before a read stumbles on it. It returns
// ErrDamaged (with SQLite's first complaint) when the file is damaged.
func (s *Store) QuickCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("check database %s: %w", s.path, classifyOpen(s.path, err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("check database %s: %w", s.path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil { // stopped, not damaged
			return fmt.Errorf("check database %s: %w", s.path, ctx.Err())
		}
		return fmt.Errorf("check database %s: %w: %w", s.path, ErrDamaged, err)
	}
	if len(problems) > 0 {
		// SQLite's complaint names pages and tables, never their contents.
		return fmt.Errorf("check database %s: %w (%s)", s.path, ErrDamaged, problems[0])
	}
	return nil
}

func isNotADB(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "file is encrypted"))
}

// migrate applies the embedded numbered migrations. A lock file keeps two
// processes that start at once on a new file from both migrating.
func (s *Store) migrate(ctx context.Context) error {
	lock, err := os.OpenFile(s.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err == nil {
		defer lock.Close()
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err == nil {
			defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
		}
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, sub)
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate database %s: %w", s.path, classify(err))
	}
	return nil
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// DB exposes the handle for tests and tools in this module.
func (s *Store) DB() *sql.DB { return s.db }

// Close checkpoints the WAL and closes the database.
func (s *Store) Close() error {
	_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return s.db.Close()
}

// write runs fn in one immediate transaction: all of it happens, or none.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeConn(ctx, func(_ *sql.Conn, tx *sql.Tx) error { return fn(tx) })
}

// writeConn is write that also hands fn the connection the transaction
// runs on, for a bulk writer that talks to the driver (bulkinsert.go).
func (s *Store) writeConn(ctx context.Context, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	defer s.writeTurn(ctx)() // writers take turns (writelock.go)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	if err := fn(conn, tx); err != nil {
		_ = tx.Rollback()
		return classify(err)
	}
	if err := tx.Commit(); err != nil {
		return classify(err)
	}
	return nil
}
