package tui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// The flows run the real desk in a teatest program on a real SQLite file.
// The renderer only sends what changed, so the tests read the screen the
// model last drew (through a small wrapper) rather than the byte stream.

type watched struct {
	m    *Model
	mu   *sync.Mutex
	last *string
}

func (w watched) Init() tea.Cmd { return w.m.Init() }

func (w watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := w.m.Update(msg)
	s := ansi.Strip(w.m.render())
	w.mu.Lock()
	*w.last = s
	w.mu.Unlock()
	return w, cmd
}

func (w watched) View() tea.View { return w.m.View() }

type flow struct {
	t  *testing.T
	tm *teatest.TestModel
	w  watched
}

func startFlow(t *testing.T, env *testEnv) *flow {
	t.Helper()
	var s string
	w := watched{m: env.model(120, 40), mu: &sync.Mutex{}, last: &s}
	tm := teatest.NewTestModel(t, w, teatest.WithInitialTermSize(120, 40))
	f := &flow{t: t, tm: tm, w: w}
	t.Cleanup(func() { _ = tm.Quit() })
	return f
}

func (f *flow) screen() string {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	return *f.w.last
}

// waitFor waits until the screen shows every one of want.
func (f *flow) waitFor(want ...string) {
	f.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		s := f.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(s, w) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.t.Fatalf("screen never showed %q; last screen:\n%s", want, f.screen())
}

// keys sends key names (see press); a quoted word is typed.
func (f *flow) keys(ks ...string) {
	for _, k := range ks {
		if len(k) > 2 && strings.HasPrefix(k, "\"") && strings.HasSuffix(k, "\"") {
			f.tm.Type(k[1 : len(k)-1])
			continue
		}
		f.tm.Send(press(k))
	}
}

func (f *flow) signIn(name, pass string) {
	f.t.Helper()
	f.waitFor("Sign in", "Passphrase")
	f.keys(typed(name), "enter", typed(pass), "enter")
	f.waitFor("Open ", "audit chain last verified")
}

func (f *flow) quit() {
	f.t.Helper()
	f.keys("esc", "esc", "esc")
	f.waitFor("Open ")
	f.keys("q")
	f.tm.WaitFinished(f.t, teatest.WithFinalTimeout(10*time.Second))
}

func getRequest(t *testing.T, st *storage.Store, ref string) model.Request {
	t.Helper()
	r, err := st.GetRequest(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFlowSignIn(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	newbie, err := env.store.AddStaff(ctx, env.admin, "Nia New", model.RoleDesk, "tall green ladder sky", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	f := startFlow(t, env)
	f.waitFor("Sign in")
	// A wrong passphrase is refused and the name is kept.
	f.keys(typed("Nia New"), "enter", typed("wrong passphrase"), "enter")
	f.waitFor("the name or passphrase is wrong", "Nia New")
	f.keys(typed("tall green ladder sky"), "enter")
	// First sign-in: choose a PIN. A common PIN is refused.
	f.waitFor("Choose an unlock PIN")
	f.keys(typed("123456"), "enter")
	f.waitFor("too easy to guess")
	for range 6 {
		f.keys("backspace")
	}
	f.keys(typed("480371"), "enter", typed("480371"), "enter")
	f.waitFor("PIN set", "Open 0", "Nia New (desk)")
	list, err := env.store.ListStaff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.ID == newbie.ID && !s.HasPIN {
			t.Fatal("the PIN was not saved")
		}
	}
	f.quit()
}

func TestFlowLogSelfAccessWithID(t *testing.T) {
	env := newEnv(t)
	f := startFlow(t, env)
	f.signIn("Dee Desk", deskPass)
	f.keys("n")
	f.waitFor("1 · Who is asking")
	f.keys("enter") // the patient themselves
	f.waitFor("2 · The patient")
	f.keys(typed("Ada Lovelace"), "enter", typed("10/12/1985"), "enter")
	f.waitFor("age 40")
	f.keys(typed("ada@example.org"), "enter", "enter")
	f.waitFor("3 · What they ask")
	f.keys("enter", typed("all my records"), "enter", typed("paper"), "enter", "enter")
	f.waitFor("4 · How and when it came in", "03/09/2026 10:00")
	f.keys("enter", "enter")
	f.waitFor("5 · Identity")
	// seen now, in person, passport, GB, last 4, expiry checked, photo matched
	f.keys("enter", "enter", "enter", typed("GB"), "enter", typed("5678"), "enter", "y", "enter", "y", "enter")
	f.waitFor("Check and save", "Identity: passport (in person)", "Due")
	f.keys("enter")
	f.waitFor("Logged", "R-2026-0001", "in progress", "Due        05/10/2026")
	r := getRequest(t, env.store, "R-2026-0001")
	if r.Status != model.StatusInProgress || r.Kind != model.KindAccess || len(r.Evidence) != 1 || r.Evidence[0].Last4 != "5678" {
		t.Fatalf("saved request is wrong: status %s kind %s evidence %+v", r.Status, r.Kind, r.Evidence)
	}
	if r.Details.Scope != "all my records" || r.Subject.Email != "ada@example.org" {
		t.Fatalf("details not saved: %+v %+v", r.Details, r.Subject)
	}
	f.quit()
}

func TestFlowParentDeletionForChild(t *testing.T) {
	env := newEnv(t)
	f := startFlow(t, env)
	f.signIn("Dee Desk", deskPass)
	f.keys("n")
	f.waitFor("1 · Who is asking")
	f.keys("right")
	f.waitFor("a parent, for the patient", "Their name")
	f.keys("enter", typed("Jo Parent"), "enter", "enter", typed("07700 900123"), "enter")
	f.waitFor("2 · The patient")
	f.keys(typed("Mia Child"), "enter", typed("15/01/2014"))
	f.waitFor("age 12: under 16. Proof of parental responsibility is needed")
	f.keys("enter", "enter", "enter")
	f.waitFor("3 · What they ask")
	f.keys("right", "right")
	f.waitFor("Delete or stop processing", "The whole record")
	f.keys("enter", "y", "enter", "enter")
	f.waitFor("4 · How and when it came in")
	f.keys("enter", "enter")
	f.waitFor("5 · Identity")
	f.keys("enter", "enter", "enter", typed("GB"), "enter", "enter", "y", "enter", "y", "enter")
	f.waitFor("6 · Parental responsibility", "the patient is 12")
	f.keys("enter") // not yet
	f.waitFor("Check and save", "Proof of parental responsibility is needed: the patient is 12")
	f.keys("enter")
	f.waitFor("Logged", "R-2026-0001", "awaiting verification")
	if r := getRequest(t, env.store, "R-2026-0001"); r.Status != model.StatusAwaitingVerification {
		t.Fatalf("status %s, want awaiting verification", r.Status)
	}

	// Open it: work cannot start, and a lead's completion is not offered.
	f.keys("enter")
	f.waitFor("Proof of parental responsibility is needed: the patient is 12", "v verify")
	f.keys("c")
	f.waitFor("Not possible while the request is awaiting verification")
	f.keys("v")
	f.waitFor("Still needed", "proof of parental responsibility")
	f.keys("enter", "enter", "enter")
	f.waitFor("Verification complete: the request is now in progress")
	r := getRequest(t, env.store, "R-2026-0001")
	if r.Status != model.StatusInProgress || len(r.Evidence) != 2 {
		t.Fatalf("after the proof: status %s, %d evidence", r.Status, len(r.Evidence))
	}
	f.quit()
}

func TestFlowExtend(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	f := startFlow(t, env)
	f.signIn("Lee Lead", leadPass)
	f.waitFor("1 of 5")
	f.keys("down") // R-2026-0002, due in 4 days
	f.keys("enter")
	f.waitFor("Request R-2026-0002", "e extend")
	f.keys("e")
	f.waitFor("Extend the deadline")
	f.keys(typed("records held in three systems"), "enter", "enter")
	f.waitFor("Extended: now due 06/11/2026", "first due 07/09/2026")
	r := getRequest(t, env.store, "R-2026-0002")
	if !r.Extended || r.ExtensionReason != "records held in three systems" || !r.ExtensionNotifiedOn.Equal(model.DateOf(fixedNow)) {
		t.Fatalf("extension not saved: %v %q %v", r.Extended, r.ExtensionReason, r.ExtensionNotifiedOn)
	}
	f.quit()
}

func TestFlowComplete(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	f := startFlow(t, env)
	f.signIn("Lee Lead", leadPass)
	f.waitFor("1 of 5")
	f.keys("enter")
	f.waitFor("Request R-2026-0001", "c complete")
	f.keys("c")
	f.waitFor("Mark R-2026-0001 as completed? y = yes")
	f.keys("y")
	f.waitFor("R-2026-0001 is now completed", "Closed")
	if r := getRequest(t, env.store, "R-2026-0001"); r.Status != model.StatusCompleted {
		t.Fatalf("status %s, want completed", r.Status)
	}
	f.quit()
}
