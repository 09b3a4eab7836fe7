package tui

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// The tests run on a real SQLite file with a fixed clock, so views and
// goldens are the same on every run.

var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

// fixedNow is Thursday 3 September 2026, 10:00 in London.
var fixedNow = time.Date(2026, 9, 3, 10, 0, 0, 0, london)

const (
	adminPass = "correct horse battery staple"
	deskPass  = "purple monkey dishwasher"
	leadPass  = "lighthouse keeper tuesday"
	testPIN   = "739154"
)

type testEnv struct {
	store             *storage.Store
	dir               string
	set               model.Settings
	admin, desk, lead model.Staff
	clock             *testClock
}

// testClock is a clock tests can move forward (for the idle lock).
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newEnv sets up a clinic with an admin, a desk member and a lead, each
// with an unlock PIN.
func newEnv(t testing.TB) *testEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := storage.Open(ctx, filepath.Join(dir, "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	set := model.DefaultSettings()
	admin, err := st.Setup(ctx, set, "Ada Admin", adminPass, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPIN(ctx, admin, testPIN, fixedNow); err != nil {
		t.Fatal(err)
	}
	admin.HasPIN = true
	desk, err := st.AddStaff(ctx, admin, "Dee Desk", model.RoleDesk, deskPass, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	lead, err := st.AddStaff(ctx, admin, "Lee Lead", model.RoleLead, leadPass, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*model.Staff{&desk, &lead} {
		if err := st.SetPIN(ctx, *s, "582046", fixedNow); err != nil {
			t.Fatal(err)
		}
		s.HasPIN = true
	}
	return &testEnv{store: st, dir: dir, set: set, admin: admin, desk: desk, lead: lead, clock: &testClock{t: fixedNow}}
}

func (e *testEnv) model(w, h int) *Model {
	return New(Deps{Store: e.store, Now: e.clock.Now, Width: w, Height: h, Profile: colorprofile.ASCII,
		ExportDir: filepath.Join(e.dir, "exports"), StartDir: e.dir, IdleCheck: -1})
}

// day is a date at 09:30 London time.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, london) }

func dob(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func passport() model.Evidence {
	return model.Evidence{Kind: model.EvidenceIdentity, Method: model.MethodInPerson, Document: string(model.DocPassport), IssuingCountry: "GB", Last4: "1234", ExpiryChecked: true, PhotoMatched: true}
}

// seed logs a fixed set of requests: overdue, due soon, paused, awaiting a
// parent's proof, in progress, and one completed.
func (e *testEnv) seed(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	log := func(r model.Request, by model.Staff) model.Request {
		t.Helper()
		r.Rule = model.RuleUKGDPR
		if r.Channel == "" {
			r.Channel = model.ChannelDesk
		}
		if r.Requester.Relationship == "" {
			r.Requester.Relationship = model.RelSelf
			r.Requester.Name = r.Subject.Name
		}
		out, err := e.store.LogRequest(ctx, by, r, fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	apply := func(ref string, op model.Op) {
		t.Helper()
		if _, err := e.store.Apply(ctx, e.lead, ref, op, fixedNow); err != nil {
			t.Fatal(err)
		}
	}
	log(model.Request{Kind: model.KindAccess, ReceivedAt: day(2026, 7, 20), Subject: model.Subject{Name: "Ada Lovelace", DateOfBirth: dob(1985, 12, 10)}, Details: model.Details{Scope: "all records"}, Evidence: []model.Evidence{passport()}}, e.desk)
	log(model.Request{Kind: model.KindCorrection, ReceivedAt: day(2026, 8, 6), Subject: model.Subject{Name: "Grace Hopper", DateOfBirth: dob(1970, 3, 9)}, Details: model.Details{Wrong: "address"}, Evidence: []model.Evidence{passport()}}, e.desk)
	p := log(model.Request{Kind: model.KindStopMarketing, Channel: model.ChannelEmail, ReceivedAt: day(2026, 8, 20), Subject: model.Subject{Name: "Alan Turing", DateOfBirth: dob(1990, 6, 23), Email: "alan@example.org"}}, e.admin)
	apply(p.Reference, model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingID})
	log(model.Request{Kind: model.KindDeletion, ReceivedAt: day(2026, 9, 1), Subject: model.Subject{Name: "Mia Child", DateOfBirth: dob(2014, 1, 15)},
		Requester: model.Requester{Name: "Jo Parent", Relationship: model.RelParent, Phone: "07700 900123"}, Details: model.Details{WholeRecord: true}, Evidence: []model.Evidence{passport()}}, e.desk)
	log(model.Request{Kind: model.KindAccess, ReceivedAt: day(2026, 9, 2), Subject: model.Subject{Name: "Katherine Johnson", DateOfBirth: dob(1988, 8, 26)}, Evidence: []model.Evidence{passport()}}, e.admin)
	c := log(model.Request{Kind: model.KindComplaint, ReceivedAt: day(2026, 8, 3), Subject: model.Subject{Name: "Edsger Dijkstra", DateOfBirth: dob(1960, 5, 11)}, Details: model.Details{Summary: "a letter went to the wrong address"}}, e.desk)
	apply(c.Reference, model.Op{Action: model.ActComplete})
}

// drive sends msg to the root and runs every command it returns, and the
// commands those messages return, until none are left. Commands run
// synchronously here, so a test sees the state after all I/O finished.
func drive(t testing.TB, m *Model, msgs ...tea.Msg) {
	t.Helper()
	queue := append([]tea.Msg(nil), msgs...)
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			t.Fatal("drive: too many messages")
		}
		msg := queue[0]
		queue = queue[1:]
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.Cmd:
			if msg != nil {
				queue = append(queue, msg())
			}
			continue
		case tea.BatchMsg:
			for _, c := range msg {
				if c != nil {
					queue = append(queue, c())
				}
			}
			continue
		case tea.QuitMsg:
			continue
		}
		_, cmd := m.Update(msg)
		if cmd != nil {
			queue = append(queue, cmd())
		}
	}
}

// press turns key names into key presses: "enter", "esc", "tab",
// "shift+tab", "up", "down", "left", "right", "pgup", "pgdown", "home",
// "end", "space", "backspace", "ctrl+" and a letter, or a single character.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	if l, ok := strings.CutPrefix(k, "ctrl+"); ok && len(l) == 1 {
		return tea.KeyPressMsg{Code: rune(l[0]), Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// keys drives a sequence of key presses; a word in quotes types its text.
func keys(t testing.TB, m *Model, ks ...string) {
	t.Helper()
	for _, k := range ks {
		if len(k) > 2 && strings.HasPrefix(k, "\"") && strings.HasSuffix(k, "\"") {
			for _, r := range k[1 : len(k)-1] {
				drive(t, m, tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		drive(t, m, press(k))
	}
}

// typed is a word to type, for keys.
func typed(s string) string { return "\"" + s + "\"" }

// plain is the screen without styling.
func plain(m *Model) string { return ansi.Strip(m.render()) }

// asciiView is the view as an ASCII-profile terminal would get it.
func asciiView(m *Model) string {
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ASCII}
	_, _ = w.WriteString(m.View().Content)
	return buf.String()
}

// signedIn returns a model signed in as staff, on the board.
func (e *testEnv) signedIn(t testing.TB, staff model.Staff, w, h int) *Model {
	t.Helper()
	m := e.model(w, h)
	drive(t, m, m.Init())
	drive(t, m, signedInMsg{staff: staff, settings: e.set})
	return m
}

func mustContain(t testing.TB, m *Model, want ...string) {
	t.Helper()
	got := plain(m)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("screen lacks %q:\n%s", w, got)
		}
	}
}

func mustNotContain(t testing.TB, m *Model, bad ...string) {
	t.Helper()
	got := plain(m)
	for _, w := range bad {
		if strings.Contains(got, w) {
			t.Fatalf("screen shows %q but should not:\n%s", w, got)
		}
	}
}

// newEnvEmpty is a database with no clinic yet (the first run).
func newEnvEmpty(t testing.TB) *testEnv {
	t.Helper()
	dir := t.TempDir()
	st, err := storage.Open(context.Background(), filepath.Join(dir, "new.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &testEnv{store: st, dir: dir, set: model.DefaultSettings(), clock: &testClock{t: fixedNow}}
}
