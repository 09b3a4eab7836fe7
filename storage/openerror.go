package storage

import (
	"errors"
	"path/filepath"

	"golang.org/x/sys/unix"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// errReadOnlyFolder explains the one read-only case SQLite only reports as
// "unable to open database file": in WAL mode it must create the -wal and
// -shm files beside the database, even to read it.
var errReadOnlyFolder = &readOnlyFolder{}

type readOnlyFolder struct{}

func (*readOnlyFolder) Error() string {
	return "the database's folder is read-only, and SQLite must keep its -wal and -shm files beside the database even to read it: check the folder's permissions, or copy the database somewhere writable"
}

// Is lets errors.Is(err, ErrReadOnly) find it too.
func (*readOnlyFolder) Is(target error) bool { return target == ErrReadOnly }

// classifyOpen is classify for errors met while opening and checking
// path: it tells a read-only folder from other failures to open, and a
// file too damaged for quick_check to run from one it could check.
func classifyOpen(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN:
			if unix.Access(filepath.Dir(path), unix.W_OK) != nil {
				return &friendly{errReadOnlyFolder, err}
			}
		case sqlite3.SQLITE_CORRUPT:
			return &friendly{ErrDamaged, err}
		case sqlite3.SQLITE_NOTADB:
			return &friendly{ErrNotDatabase, err}
		}
	}
	return classify(err)
}
