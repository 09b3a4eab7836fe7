package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// quits reports whether the key makes the desk quit, running the commands
// it returns (and theirs) until a tea.QuitMsg appears or they run out.
func quits(t *testing.T, m *Model, k tea.KeyPressMsg) bool {
	t.Helper()
	_, cmd := m.Update(k)
	for i := 0; cmd != nil && i < 10; i++ {
		msg := cmd()
		switch msg := msg.(type) {
		case tea.QuitMsg:
			return true
		case tea.BatchMsg:
			for _, c := range msg {
				if c != nil {
					if _, ok := c().(tea.QuitMsg); ok {
						return true
					}
				}
			}
			return false
		}
		_, cmd = m.Update(msg)
	}
	return false
}

func TestFormUpdate(t *testing.T) {
	st := newStyles(true, 0)
	build := func() *form {
		f := newForm(st)
		f.text("a", "First", "", func(s string) error {
			if s == "" {
				return model.Invalid("first", "first is empty", "type it")
			}
			return nil
		})
		f.choice("c", "Pick", []option{{"x", "ex"}, {"y", "why"}}, "x")
		f.text("b", "Second", "", nil)
		return f
	}
	cases := []struct {
		name   string
		keys   []string
		result formResult
		check  func(t *testing.T, f *form)
	}{
		{"enter on an empty required field stays with the error", []string{"enter"}, formNone, func(t *testing.T, f *form) {
			if f.focus != 0 || !strings.Contains(f.View(), "first is empty") {
				t.Fatalf("focus %d view:\n%s", f.focus, f.View())
			}
		}},
		{"letters type, even q and n", []string{"q", "n", "?", "enter"}, formNone, func(t *testing.T, f *form) {
			if f.Value("a") != "qn?" || f.focus != 1 {
				t.Fatalf("value %q focus %d", f.Value("a"), f.focus)
			}
		}},
		{"enter moves on and submits on the last field", []string{"x", "enter", "enter", "enter"}, formSubmit, nil},
		{"tab and shift+tab move without checking", []string{"tab", "tab", "shift+tab"}, formNone, func(t *testing.T, f *form) {
			if f.focus != 1 {
				t.Fatalf("focus %d", f.focus)
			}
		}},
		{"right cycles a choice", []string{"tab", "right"}, formNone, func(t *testing.T, f *form) {
			if f.Value("c") != "y" {
				t.Fatalf("choice %q", f.Value("c"))
			}
		}},
		{"esc on an empty form leaves at once", []string{"esc"}, formCancel, nil},
		{"esc with input asks first; n stays", []string{"x", "esc", "n"}, formNone, func(t *testing.T, f *form) {
			if f.confirming || f.Value("a") != "x" {
				t.Fatal("the typed text should stay")
			}
		}},
		{"esc with input asks first; y leaves", []string{"x", "esc", "y"}, formCancel, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := build()
			var res formResult
			for _, k := range c.keys {
				res, _ = f.Update(press(k))
			}
			if res != c.result {
				t.Fatalf("result %v, want %v", res, c.result)
			}
			if c.check != nil {
				c.check(t, f)
			}
		})
	}
}

func TestBoardUpdate(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	cases := []struct {
		name  string
		as    model.Staff
		keys  []string
		want  []string
		bad   []string
		quits string
	}{
		{name: "most urgent first, overdue marked", as: env.admin, want: []string{"!R-2026-0001", "~R-2026-0002", "=R-2026-0003", "1 of 5"}},
		{name: "down moves the cursor", as: env.admin, keys: []string{"down", "down"}, want: []string{"3 of 5"}},
		{name: "search as you type", as: env.admin, keys: []string{"/", typed("tur")}, want: []string{"Alan Turing", "1 of 1"}, bad: []string{"Ada Lovelace"}},
		{name: "q in the search box types", as: env.admin, keys: []string{"/", typed("q")}, want: []string{"Nothing matches"}},
		{name: "search by reference", as: env.admin, keys: []string{"/", typed("R-2026-0004")}, want: []string{"Mia Child", "1 of 1"}},
		{name: "esc clears the search", as: env.admin, keys: []string{"/", typed("tur"), "esc"}, want: []string{"1 of 5"}},
		{name: "closed requests one key away", as: env.admin, keys: []string{"c"}, want: []string{"showing closed", "R-2026-0006"}, bad: []string{"R-2026-0001"}},
		{name: "status filter", as: env.admin, keys: []string{"s"}, want: []string{"status awaiting verification", "Mia Child"}, bad: []string{"Ada Lovelace"}},
		{name: "kind filter", as: env.admin, keys: []string{"t"}, want: []string{"kind access", "2 of"[:1]}, bad: []string{"Grace Hopper"}},
		{name: "mine", as: env.admin, keys: []string{"m"}, want: []string{"mine", "Alan Turing", "Katherine Johnson"}, bad: []string{"Ada Lovelace"}},
		{name: "x clears filters", as: env.admin, keys: []string{"m", "t", "x"}, want: []string{"1 of 5"}},
		{name: "n opens the wizard", as: env.desk, keys: []string{"n"}, want: []string{"1 · Who is asking"}},
		{name: "enter opens the request", as: env.desk, keys: []string{"enter"}, want: []string{"Request R-2026-0001", "People"}},
		{name: "v opens verification", as: env.desk, keys: []string{"down", "down", "down", "v"}, want: []string{"Verify R-2026-0004", "Still needed"}},
		{name: "settings are for admins", as: env.desk, keys: []string{"S"}, want: []string{"desk staff may not change settings"}},
		{name: "admin opens settings", as: env.admin, keys: []string{"S"}, want: []string{"The clinic's settings"}},
		{name: "help lists every binding", as: env.admin, keys: []string{"?"}, want: []string{"Keys on this screen", "clear filters", "ctrl+l", "r      dashboard", "ctrl+r refresh"}},
		{name: "r opens the dashboard for an admin", as: env.admin, keys: []string{"r"}, want: []string{"· Dashboard", "By month received"}},
		{name: "desk staff are told why r is not for them", as: env.desk, keys: []string{"r"}, want: []string{"desk staff may not see reports: ask a lead"}, bad: []string{"Dashboard"}},
		{name: "desk staff's help lists no dashboard", as: env.desk, keys: []string{"?"}, want: []string{"ctrl+r refresh"}, bad: []string{"dashboard"}},
		{name: "q quits from the board", as: env.admin, quits: "q"},
		{name: "ctrl+c quits at once when nothing is typed", as: env.admin, quits: "ctrl+c"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := env.signedIn(t, c.as, 100, 30)
			keys(t, m, c.keys...)
			if c.quits != "" {
				if !quits(t, m, press(c.quits)) {
					t.Fatalf("%s did not quit", c.quits)
				}
				return
			}
			mustContain(t, m, c.want...)
			mustNotContain(t, m, c.bad...)
		})
	}
}

func TestRootUpdate(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	t.Run("ctrl+c asks first while a form holds input", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "n", "enter", typed("Someone"))
		if quits(t, m, press("ctrl+c")) {
			t.Fatal("quit without asking")
		}
		mustContain(t, m, "Quit and lose what you typed?")
		keys(t, m, "n")
		mustContain(t, m, "Someone")
		keys(t, m, "ctrl+c")
		if !quits(t, m, press("y")) {
			t.Fatal("y did not quit")
		}
	})
	t.Run("ctrl+l locks at once and hides personal data", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "enter")
		mustContain(t, m, "Ada Lovelace")
		keys(t, m, "ctrl+l")
		mustContain(t, m, "The desk is locked", "Dee Desk can unlock")
		mustNotContain(t, m, "Ada Lovelace", "R-2026-0001")
		// letters type into the PIN field, never act
		keys(t, m, typed("q?n"), "enter")
		mustContain(t, m, "The desk is locked")
		keys(t, m, typed("582046"), "enter")
		mustContain(t, m, "Request R-2026-0001", "Ada Lovelace")
	})
	t.Run("the same person unlocks with the passphrase", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "ctrl+l", typed(deskPass), "enter")
		mustContain(t, m, "Open 5")
	})
	t.Run("anyone else signs in fully", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "ctrl+l", "esc")
		mustContain(t, m, "Sign in")
		keys(t, m, typed("Lee Lead"), "enter", typed(leadPass), "enter")
		mustContain(t, m, "Lee Lead (lead)", "Open 5")
	})
	t.Run("idle lock after the setting's minutes without a key", func(t *testing.T) {
		e := newEnv(t)
		m := e.signedIn(t, e.desk, 100, 30)
		drive(t, m, idleTickMsg{})
		mustNotContain(t, m, "The desk is locked")
		e.clock.Add(9 * time.Minute)
		drive(t, m, idleTickMsg{})
		mustNotContain(t, m, "The desk is locked")
		keys(t, m, "down") // a key resets the idle time
		e.clock.Add(9 * time.Minute)
		drive(t, m, idleTickMsg{})
		mustNotContain(t, m, "The desk is locked")
		e.clock.Add(2 * time.Minute)
		drive(t, m, idleTickMsg{})
		mustContain(t, m, "The desk is locked")
	})
	t.Run("below 80x24 it says so", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		drive(t, m, tea.WindowSizeMsg{Width: 70, Height: 30})
		mustContain(t, m, "at least 80×24", "70×30")
		drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		mustContain(t, m, "Open 5")
	})
	t.Run("the audit chain's last verification is shown", func(t *testing.T) {
		if err := env.store.SetMeta(context.Background(), "chain_verified_at", time.Date(2026, 9, 2, 17, 5, 0, 0, time.UTC).Format(time.RFC3339Nano)); err != nil {
			t.Fatal(err)
		}
		defer env.store.SetMeta(context.Background(), "chain_verified_at", "")
		m := env.signedIn(t, env.desk, 100, 30)
		mustContain(t, m, "audit chain last verified: 02/09/2026 18:05")
	})
}

func TestSignInUpdate(t *testing.T) {
	env := newEnv(t)
	cases := []struct {
		name string
		keys []string
		want []string
	}{
		{"enter moves from name to passphrase", []string{typed("Dee Desk"), "enter"}, []string{"› Passphrase"}},
		{"an empty name is refused in place", []string{"enter"}, []string{"type your name"}},
		{"a wrong passphrase says so and keeps the name", []string{typed("Dee Desk"), "enter", typed("nope nope nope"), "enter"}, []string{"the name or passphrase is wrong", "Dee Desk"}},
		{"the right one opens the board", []string{typed("dee desk"), "enter", typed(deskPass), "enter"}, []string{"Open 0", "Dee Desk (desk)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := env.model(100, 30)
			drive(t, m, m.Init())
			keys(t, m, c.keys...)
			mustContain(t, m, c.want...)
		})
	}
	t.Run("throttling from the store is shown", func(t *testing.T) {
		m := env.model(100, 30)
		drive(t, m, m.Init())
		keys(t, m, typed("Lee Lead"), "enter")
		for range 6 {
			keys(t, m, typed("wrong wrong wrong"), "enter")
		}
		mustContain(t, m, "too many wrong attempts for this name: wait")
	})
}

func TestSetupUpdate(t *testing.T) {
	env := newEnvEmpty(t)
	m := env.model(100, 30)
	drive(t, m, m.Init())
	mustContain(t, m, "Welcome: set up the clinic")
	keys(t, m, "enter", "enter", "enter", "backspace", "backspace", typed("11"), "enter")
	mustContain(t, m, "the age threshold is a whole number from 12 to 18")
	keys(t, m, "backspace", "backspace", typed("16"), "enter", "enter", "enter",
		typed("Ada Admin"), "enter", typed("short"), "enter")
	mustContain(t, m, "a passphrase needs at least 12 characters")
	for range 5 {
		keys(t, m, "backspace")
	}
	keys(t, m, typed(adminPass), "enter", typed(adminPass), "enter")
	mustContain(t, m, "Choose an unlock PIN", "Ada Admin (admin)")
	set, err := env.store.Settings(context.Background())
	if err != nil || set.ClinicName != "Perfect Doctors Clinic" || set.AgeThreshold != 16 {
		t.Fatalf("settings %+v, %v", set, err)
	}
}

func TestRequestUpdate(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	cases := []struct {
		name string
		as   model.Staff
		keys []string
		want []string
		bad  []string
	}{
		{name: "a desk member sees lead actions disabled with why", as: env.desk, want: []string{"e extend (lead only)", "c complete (lead only)", "p pause"}},
		{name: "a disabled action says who may", as: env.desk, keys: []string{"e"}, want: []string{"desk staff may not extend deadlines: ask a lead"}, bad: []string{"Extend the deadline"}},
		{name: "a refusal needs a reason", as: env.lead, keys: []string{"r", "enter"}, want: []string{"a refusal needs a reason"}},
		{name: "esc with a typed reason asks first", as: env.lead, keys: []string{"r", typed("legal hold"), "esc"}, want: []string{"Leave and lose what you typed?"}},
		{name: "a note is added and shown", as: env.desk, keys: []string{"a", typed("called back \x1b[31mred\x1b[0m"), "enter", "end"}, want: []string{"called back"}, bad: []string{"\x1b[31m"}},
		{name: "pause asks why", as: env.desk, keys: []string{"p", "right", "enter"}, want: []string{"Paused"}},
		{name: "esc goes back to the board", as: env.desk, keys: []string{"esc"}, want: []string{"Open 5"}},
		{name: "the extension form takes the clinic's date order", as: env.lead, keys: []string{"e", typed("complex"), "enter", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", typed("31/02/2026"), "enter"}, want: []string{"February 2026 has 28 days"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := env.signedIn(t, c.as, 100, 30)
			keys(t, m, "down") // R-2026-0002
			keys(t, m, "enter")
			keys(t, m, c.keys...)
			mustContain(t, m, c.want...)
			mustNotContain(t, m, c.bad...)
		})
	}
	t.Run("hostile text is shown without control sequences", func(t *testing.T) {
		e := newEnv(t)
		evil := "\x1b]0;pwned\x07\x1b[2J\u202Egnp.exe\x00 " + strings.Repeat("long ", 2000)
		r, err := e.store.LogRequest(context.Background(), e.desk, model.Request{Kind: model.KindComplaint, Rule: model.RuleUKGDPR, Channel: model.ChannelEmail,
			ReceivedAt: day(2026, 9, 1), Subject: model.Subject{Name: "Zoë Ŝmith-Ñúñez", DateOfBirth: dob(1979, 2, 2)}, Requester: model.Requester{Relationship: model.RelSelf}, Details: model.Details{Summary: evil}}, fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		m := e.signedIn(t, e.desk, 100, 30)
		keys(t, m, "enter")
		mustContain(t, m, "Request "+r.Reference, "Zoë Ŝmith-Ñúñez", "gnp.exe")
		v := m.View().Content
		for _, bad := range []string{"\x1b]0", "\x07", "\x1b[2J", "\u202E", "\x00"} {
			if strings.Contains(v, bad) {
				t.Fatalf("the view carries %q", bad)
			}
		}
	})
	t.Run("a failed write keeps what was typed", func(t *testing.T) {
		e := newEnv(t)
		e.seed(t)
		m := e.signedIn(t, e.lead, 100, 30)
		keys(t, m, "enter", "r", typed("no lawful basis"))
		if err := e.store.SetActive(context.Background(), e.admin, e.lead.ID, false, fixedNow); err != nil {
			t.Fatal(err)
		}
		keys(t, m, "enter")
		mustContain(t, m, "your account is deactivated", "no lawful basis")
		if r := getRequest(t, e.store, "R-2026-0001"); r.Status != model.StatusInProgress {
			t.Fatalf("status %s: a failed write changed the request", r.Status)
		}
	})
}

func TestWizardUpdate(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	t.Run("a child's own request is refused under the policy, and the desk is told", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "n", "enter", typed("Tom Young"), "enter", typed("2013-05-01"))
		mustContain(t, m, "A child's own request: under the clinic's policy")
		keys(t, m, "enter", "enter", "enter", "enter", "enter", "enter", "enter", "enter", "enter")
		mustContain(t, m, "Check and save", "It will be logged as refused")
		mustNotContain(t, m, "5 · Identity")
		keys(t, m, "enter")
		mustContain(t, m, "Logged", "refused", "no one under 16 makes a request for themselves")
	})
	t.Run("a duplicate open request is warned about", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "n", "enter", typed("Ada Lovelace"), "enter", typed("10/12/1985"), "enter", "enter", "enter",
			"enter", "enter", "enter", "enter", "enter", "enter", "tab", "tab", "tab", "tab", "tab", "tab", "enter")
		mustContain(t, m, "Possible duplicate", "R-2026-0001")
	})
	t.Run("dates are checked where they are typed", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "n", "enter", typed("Ada Lovelace"), "enter", typed("13/13/1985"), "enter")
		mustContain(t, m, "the month must be between 1 and 12", "› Date of birth")
	})
	t.Run("after saving, x exports the acknowledgement", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "n", "enter", typed("Rosalind Franklin"), "enter", typed("25/07/1980"), "enter", "enter", "enter",
			"enter", "enter", "enter", "enter", "enter", "enter", "right", "enter")
		mustContain(t, m, "Check and save", "Identity of the patient is needed")
		keys(t, m, "enter")
		mustContain(t, m, "Logged", "awaiting verification")
		keys(t, m, "x")
		mustContain(t, m, "Exported the acknowledgement: ")
		files, err := os.ReadDir(filepath.Join(env.dir, "exports"))
		if err != nil || len(files) == 0 {
			t.Fatalf("nothing was exported: %v", err)
		}
	})
	t.Run("shift+tab on the first field goes back a step", func(t *testing.T) {
		m := env.signedIn(t, env.desk, 100, 30)
		keys(t, m, "n", "enter", "shift+tab")
		mustContain(t, m, "1 · Who is asking")
	})
}

func TestVerifyUpdate(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	r, err := env.store.LogRequest(ctx, env.desk, model.Request{Kind: model.KindAccess, Rule: model.RuleUKGDPR, Channel: model.ChannelLetter,
		ReceivedAt: day(2026, 8, 24), Subject: model.Subject{Name: "Ann Other", DateOfBirth: dob(1980, 1, 1)},
		Requester: model.Requester{Name: "Sol Icitor", Relationship: model.RelRepresentative}}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	m := env.signedIn(t, env.desk, 100, 30)
	keys(t, m, "v")
	mustContain(t, m, "Identity of the requester is needed", "written authority or a power of attorney")
	// identity by copy (a letter): method defaults to copy received
	keys(t, m, "enter", "enter", "enter", typed("gb"), "enter", typed("99"), "enter", "enter", "enter", "enter")
	mustContain(t, m, "Recorded. Still needed: The patient's written authority")
	keys(t, m, "enter", "enter", "enter")
	mustContain(t, m, "Verification complete: the request is now in progress", "The clock starts 03/09/2026")
	got := getRequest(t, env.store, r.Reference)
	if got.Status != model.StatusInProgress || len(got.Evidence) != 2 || got.Evidence[0].IssuingCountry != "GB" {
		t.Fatalf("status %s evidence %+v", got.Status, got.Evidence)
	}
}

func TestStaffUpdate(t *testing.T) {
	env := newEnv(t)
	m := env.signedIn(t, env.admin, 100, 30)
	keys(t, m, "A", "n", typed("Sam Second"), "enter", "right", "enter", typed("quiet orange river bend"), "enter")
	mustContain(t, m, "Added Sam Second", "Sam Second")
	keys(t, m, "down", "down", "down", "d")
	mustContain(t, m, "deactivated")
	list, err := env.store.ListStaff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		if s.Name == "Sam Second" {
			found = s.Role == model.RoleLead && !s.Active
		}
	}
	if !found {
		t.Fatalf("staff not saved as expected: %+v", list)
	}
}

func TestSettingsUpdate(t *testing.T) {
	env := newEnv(t)
	m := env.signedIn(t, env.admin, 100, 30)
	keys(t, m, "S")
	for range 11 {
		keys(t, m, "tab")
	}
	keys(t, m, "backspace", "backspace", typed("5"), "enter", "enter")
	mustContain(t, m, "Settings saved")
	set, err := env.store.Settings(context.Background())
	if err != nil || set.IdleLockMinutes != 5 {
		t.Fatalf("idle lock %d, %v", set.IdleLockMinutes, err)
	}
}

func TestBoardDropsStaleResults(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	m := env.signedIn(t, env.admin, 100, 30)
	b := m.top().(*board)
	old := b.qid
	keys(t, m, "/", typed("tur"))
	// A slow, older result arrives after the newer search: it is dropped.
	drive(t, m, boardLoadedMsg{id: old, rows: nil, counted: true, total: 0})
	mustContain(t, m, "Alan Turing", "1 of 1")
}

func TestAttachUpdate(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	docs := filepath.Join(env.dir, "docs")
	if err := os.MkdirAll(docs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "records.txt"), []byte("copy of the records"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := env.signedIn(t, env.desk, 100, 30)
	m.s.startDir = docs
	keys(t, m, "enter", "f")
	mustContain(t, m, "Choose a file", "records.txt")
	keys(t, m, "enter")
	mustContain(t, m, "File attached to R-2026-0001")
	atts, err := env.store.Attachments(context.Background(), "R-2026-0001")
	if err != nil || len(atts) != 1 || atts[0].OriginalName != "records.txt" {
		t.Fatalf("attachments %+v, %v", atts, err)
	}
}
