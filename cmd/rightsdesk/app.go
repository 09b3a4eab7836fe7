package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// app holds what every command shares: the streams and global flags.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dbFlag         string
	asName         string
	asPassFile     string
	// now is the clock; tests may fix it.
	now func() time.Time
}

func (a *app) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

func (a *app) dbPath() string { return storage.ResolvePath(a.dbFlag) }

// open opens the database, saying what to do when it cannot.
func (a *app) open(ctx context.Context) (*storage.Store, error) {
	path := a.dbPath()
	st, err := storage.Open(ctx, path)
	if err != nil {
		if errors.Is(err, storage.ErrNotDatabase) {
			return nil, adviceError{err, restoreAdvice(path)}
		}
		return nil, a.adviseRestore(err)
	}
	return st, nil
}

// adviseRestore gives an error that says the database is damaged the
// newest backup to restore. Open only checks the schema, so the damage
// may be met by any later read, whose error says what it was doing.
func (a *app) adviseRestore(err error) error {
	var ae adviceError
	if !storage.IsDamaged(err) || errors.As(err, &ae) {
		return err
	}
	if !errors.Is(err, storage.ErrDamaged) {
		err = fmt.Errorf("%w: %w", storage.ErrDamaged, err)
	}
	return adviceError{err, restoreAdvice(a.dbPath())}
}

// adviceError is an error followed by what to do about it.
type adviceError struct {
	err    error
	advice string
}

func (e adviceError) Error() string { return e.err.Error() + "\n" + e.advice }
func (e adviceError) Unwrap() error { return e.err }

// restoreAdvice names the newest backup beside the database, if any.
func restoreAdvice(path string) string {
	if b := storage.NewestBackup(path); b != "" {
		return fmt.Sprintf("The newest backup is %s: restore it with\n  rightsdesk --db %s restore %s", b, path, b)
	}
	return "No backup was found beside it. Restore one you keep elsewhere with: rightsdesk restore FILE"
}

// openSetUp opens a database that must already be set up.
func (a *app) openSetUp(ctx context.Context) (*storage.Store, model.Settings, error) {
	st, err := a.open(ctx)
	if err != nil {
		return nil, model.Settings{}, err
	}
	set, err := st.Settings(ctx)
	if err != nil {
		st.Close()
		return nil, model.Settings{}, err
	}
	return st, set, nil
}

// readSecretFile reads a passphrase from a file (first line, trailing
// newline removed). The file should be readable only by its owner.
func readSecretFile(path, what string) (string, error) {
	if path == "" {
		return "", usage("%s is missing: pass it in a file", what)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", usage("read %s from %s: %v", what, path, errors.Unwrap(err))
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(line, "\r"), nil
}

// isTerminal is true when stdin is an interactive terminal.
func (a *app) isTerminal() bool {
	f, ok := a.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// prompt asks for a line on the terminal; secret input is not echoed.
func (a *app) prompt(label string, secret bool) (string, error) {
	fmt.Fprint(a.stderr, label)
	if secret {
		if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(a.stderr)
			return string(b), err
		}
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usage("no answer given")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// actor signs in the staff member a command acts for: --as with
// --as-passphrase-file for scripts, else asked on the terminal.
func (a *app) actor(ctx context.Context, st *storage.Store) (model.Staff, error) {
	name, pass := a.asName, ""
	if name != "" {
		p, err := readSecretFile(a.asPassFile, "the passphrase of --as")
		if err != nil {
			return model.Staff{}, err
		}
		pass = p
	} else {
		if !a.isTerminal() {
			return model.Staff{}, usage("this command changes data and must be attributed to a staff member: pass --as NAME --as-passphrase-file FILE")
		}
		var err error
		if name, err = a.prompt("Staff name: ", false); err != nil {
			return model.Staff{}, err
		}
		if pass, err = a.prompt("Passphrase: ", true); err != nil {
			return model.Staff{}, err
		}
	}
	staff, err := st.Authenticate(ctx, name, pass, a.clock())
	if err != nil {
		return model.Staff{}, err
	}
	return staff, nil
}
