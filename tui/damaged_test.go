package tui

import (
	"context"
	"os"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"rightsdesk/storage"
)

// The desk checks the whole file right after its first frame. A damaged
// one replaces the sign-in with a screen that says which backup to
// restore, and nothing else can be done there but quit.
func TestDamagedDatabaseScreen(t *testing.T) {
	ctx := context.Background()

	// A sound file: the check passes and the sign-in stays.
	sound := newEnv(t)
	m := sound.model(100, 30)
	drive(t, m, m.Init())
	if got := m.CurrentTitle(); got != "Sign in" {
		t.Fatalf("a sound database shows %q, want the sign-in", got)
	}

	e := newEnv(t)
	e.seed(t)
	path := e.store.Path()
	var root, pageSize int64
	if err := e.store.DB().QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = 'requests'").Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := e.store.DB().QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	e.store.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The requests table's root page loses its b-tree page type: the
	// schema is still readable, so the database opens.
	if _, err := f.WriteAt([]byte{0}, (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	advice := "The newest backup is /clinic/rightsdesk-20260902-180000.backup.db: restore it with\n  rightsdesk --db /clinic/rightsdesk.db restore /clinic/rightsdesk-20260902-180000.backup.db"
	m = New(Deps{Store: st, Now: e.clock.Now, Width: 100, Height: 30, Profile: colorprofile.ASCII, IdleCheck: -1, RestoreAdvice: advice})
	// The first frame is the sign-in; the check starts with it.
	_, cmd := m.Update(m.startCmd()())
	if got := m.CurrentTitle(); got != "Sign in" {
		t.Fatalf("first frame %q, want the sign-in", got)
	}
	drive(t, m, cmd)
	if got := m.CurrentTitle(); got != "Database damaged" {
		t.Fatalf("after the check the desk shows %q:\n%s", got, plain(m))
	}
	mustContain(t, m, "The database file is damaged", "rightsdesk-20260902-180000.backup.db: restore it with",
		"rightsdesk --db /clinic/rightsdesk.db restore /clinic/rightsdesk-20260902-180000.backup.db", "malformed")

	// It blocks: typing, locking and a sign-in under way change nothing.
	keys(t, m, typed("Lee Lead"), "tab", "enter", "ctrl+l", "esc")
	drive(t, m, signedInMsg{staff: e.lead, settings: e.set}, lockMsg{})
	if got := m.CurrentTitle(); got != "Database damaged" {
		t.Fatalf("the damaged screen gave way to %q", got)
	}
	mustNotContain(t, m, "Lee Lead")
	_, cmd = m.Update(press("q"))
	if cmd == nil {
		t.Fatal("q does not quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q does not quit")
	}
}
