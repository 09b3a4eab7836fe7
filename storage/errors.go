package storage

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors a person can act on. Their messages say what happened and what to
// do, and carry no personal data.
var (
	ErrNotFound     = errors.New("no such request: check the reference")
	ErrDiskFull     = errors.New("the disk is full: nothing was saved; free some space and try again")
	ErrReadOnly     = errors.New("the database is read-only: nothing was saved; check the file's permissions")
	ErrBusy         = errors.New("the database is busy at another desk: nothing was saved; try again in a moment")
	ErrBadLogin     = errors.New("the name or passphrase is wrong")
	ErrNotSetUp     = errors.New("the clinic is not set up yet: run rightsdesk (or rightsdesk init) to set it up")
	ErrAlreadySetUp = errors.New("the clinic is already set up")
	ErrStaffExists  = errors.New("a staff member with that name already exists: choose another name")
)

// classify turns SQLite's errors into the ones above where it can.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return &friendly{ErrDiskFull, err}
	case sqlite3.SQLITE_READONLY:
		return &friendly{ErrReadOnly, err}
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return &friendly{ErrBusy, err}
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		// Open checks only the schema (store.go); damage elsewhere in
		// the file shows up when a read reaches it.
		return &friendly{ErrDamaged, err}
	}
	return err
}

// IsDamaged reports whether err says the database file is damaged:
// ErrDamaged, or SQLite's "corrupt" or "not a database" from a read whose
// error did not pass through classify (most reads wrap SQLite's error
// with what they were doing).
func IsDamaged(err error) bool {
	if errors.Is(err, ErrDamaged) {
		return true
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// friendly shows a person the plain message while errors.Is still finds
// SQLite's own error underneath.
type friendly struct {
	msg   error
	cause error
}

func (f *friendly) Error() string   { return f.msg.Error() }
func (f *friendly) Unwrap() []error { return []error{f.msg, f.cause} }
