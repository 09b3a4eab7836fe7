package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"rightsdesk/storage"
)

// pagingDesk is a desk signed in on a register of a few hundred requests,
// most of them closed (made once, copied for each test).
func pagingDesk(t *testing.T) (*Model, *storage.Store) {
	t.Helper()
	ctx := context.Background()
	pagingTemplate.once.Do(func() { pagingTemplate.db, pagingTemplate.err = makePagingTemplate() })
	if pagingTemplate.err != nil {
		t.Fatal(pagingTemplate.err)
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, pagingTemplate.db, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	set, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lead, err := st.StaffByName(ctx, "Lee Lead")
	if err != nil {
		t.Fatal(err)
	}
	lead.HasPIN = true
	m := New(Deps{Store: st, Now: func() time.Time { return fixedNow }, Width: 100, Height: 30, Profile: colorprofile.ASCII, IdleCheck: -1})
	drive(t, m, m.Init())
	drive(t, m, signedInMsg{staff: lead, settings: set})
	return m, st
}

var pagingTemplate struct {
	once sync.Once
	db   []byte
	err  error
}

func makePagingTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "rightsdesk-board-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "demo.db")
	st, err := storage.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	if _, err := st.GenerateDemo(context.Background(), storage.DemoOptions{Requests: 400, Seed: 9, Now: fixedNow}); err != nil {
		st.Close()
		return nil, err
	}
	if err := st.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// The board reads the closed list by key, not offset: whichever way the
// cursor goes (the end, back up a page at a time, down from the top), the
// rows on screen are the list's rows at those places.
func TestBoardPagesTheClosedListByKey(t *testing.T) {
	m, st := pagingDesk(t)
	all, err := st.ListSummaries(context.Background(), storage.Filter{Scope: storage.ScopeClosed})
	if err != nil {
		t.Fatal(err)
	}
	keys(t, m, "c")
	b := m.top().(*board)
	if b.total != len(all) || len(all) < 10*b.visible() {
		t.Fatalf("%d closed requests, the board counts %d: too few to page through", len(all), b.total)
	}
	check := func(after string) {
		t.Helper()
		end := min(b.total, b.top+b.visible())
		for i := b.top; i < end; i++ {
			j := i - b.winStart
			if j < 0 || j >= len(b.rows) {
				t.Fatalf("after %s: row %d is not held (window %d+%d)", after, i, b.winStart, len(b.rows))
			}
			if got, want := b.rows[j].Reference, all[i].Reference; got != want {
				t.Fatalf("after %s: row %d is %s, want %s", after, i, got, want)
			}
		}
		if strings.Contains(plain(m), "  …") {
			t.Fatalf("after %s: rows still loading:\n%s", after, plain(m))
		}
	}
	keys(t, m, "end")
	check("end")
	if b.cursor != len(all)-1 {
		t.Fatalf("end: cursor %d of %d", b.cursor, len(all))
	}
	for i := range 8 {
		keys(t, m, "pgup")
		check("pgup " + string(rune('1'+i)))
	}
	for range 3 {
		keys(t, m, "up")
		check("up")
	}
	keys(t, m, "home")
	check("home")
	for i := range 12 {
		keys(t, m, "pgdown")
		check("pgdown " + string(rune('a'+i)))
	}
	for range 40 {
		keys(t, m, "down")
	}
	check("down")
}

// A search counts its matches only up to a cap: past it the board says
// "1,000+" (here a cap of 3).
func TestBoardSearchCountStopsAtTheCap(t *testing.T) {
	m, _ := pagingDesk(t)
	keys(t, m, "c")
	b := m.top().(*board)
	b.countCap = 3
	keys(t, m, "/", typed("a"))
	mustContain(t, m, "1 of 3+")
	keys(t, m, "enter", "end")
	mustContain(t, m, "3 of 3+")
	if thousands(1000) != "1,000" || thousands(98686) != "98,686" || thousands(12) != "12" {
		t.Errorf("thousands: %s %s %s", thousands(1000), thousands(98686), thousands(12))
	}
	// A search that matches fewer is counted exactly.
	keys(t, m, "/", "backspace", typed("zzzz"))
	mustContain(t, m, "Nothing matches")
}
