package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"rightsdesk/model"
)

// seedHistory adds a year of closed requests to the seeded board: on time,
// late, extended, refused (once with a reason carrying control sequences),
// partly completed, withdrawn, and one from the year before.
func (e *testEnv) seedHistory(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	names := []string{"Ann Archer", "Ben Baker", "Cat Cooper", "Dan Dyer", "Eve Eaton", "Fay Fisher", "Gus Grant", "Hal Hunt", "Ivy Irving", "Jon Jones"}
	type step struct {
		op model.Op
		on time.Time
	}
	n := 0
	add := func(kind model.Kind, ch model.Channel, recv time.Time, verified bool, steps ...step) {
		t.Helper()
		r := model.Request{Kind: kind, Rule: model.RuleUKGDPR, Channel: ch, ReceivedAt: recv,
			Subject:   model.Subject{Name: names[n%len(names)], DateOfBirth: dob(1970+n, 1, 2)},
			Requester: model.Requester{Relationship: model.RelSelf, Name: names[n%len(names)]}}
		n++
		if verified {
			r.Evidence = []model.Evidence{passport()}
		}
		if kind == model.KindCorrection {
			r.Details.Wrong = "address"
		}
		if kind == model.KindDeletion {
			r.Details.WholeRecord = true
		}
		got, err := e.store.LogRequest(ctx, e.desk, r, recv)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range steps {
			if _, err := e.store.Apply(ctx, e.lead, got.Reference, s.op, s.on); err != nil {
				t.Fatalf("%s %s: %v", got.Reference, s.op.Action, err)
			}
		}
	}
	complete := model.Op{Action: model.ActComplete}
	add(model.KindAccess, model.ChannelDesk, day(2025, 3, 3), true, step{complete, day(2025, 3, 20)})
	add(model.KindAccess, model.ChannelDesk, day(2025, 10, 6), true, step{complete, day(2025, 10, 30)})
	add(model.KindAccess, model.ChannelLetter, day(2025, 11, 12), true, step{complete, day(2025, 12, 22)})
	add(model.KindAccess, model.ChannelEmail, day(2025, 11, 20), true, step{complete, day(2025, 12, 1)})
	add(model.KindDeletion, model.ChannelDesk, day(2026, 1, 15), true, step{model.Op{Action: model.ActRefuse, Reason: "legal hold on the records"}, day(2026, 2, 2)})
	add(model.KindCorrection, model.ChannelPhone, day(2026, 2, 3), true, step{model.Op{Action: model.ActPartial, Reason: "legal hold on the records"}, day(2026, 2, 20)})
	add(model.KindAccess, model.ChannelDesk, day(2026, 3, 10), true,
		step{model.Op{Action: model.ActExtend, Reason: "records held in three systems", Date: dob(2026, 3, 20)}, day(2026, 3, 20)},
		step{complete, day(2026, 5, 20)})
	add(model.KindStopMarketing, model.ChannelEmail, day(2026, 4, 2), true, step{complete, day(2026, 4, 3)})
	add(model.KindWithdrawConsent, model.ChannelPhone, day(2026, 5, 5), false, step{model.Op{Action: model.ActWithdraw, Reason: "changed their mind"}, day(2026, 5, 6)})
	add(model.KindAccess, model.ChannelDesk, day(2026, 6, 1), true, step{model.Op{Action: model.ActRefuse, Reason: "\x1b[31mmanifestly\x1b[0m unfounded\x07"}, day(2026, 6, 22)})
	add(model.KindAccess, model.ChannelEmail, day(2026, 6, 15), true, step{complete, day(2026, 6, 30)})
}

// TestDashboardUpdate drives the dashboard with key presses on a real
// database: who may open it, the period keys, typed dates, scrolling and
// going back.
func TestDashboardUpdate(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	env.seedHistory(t)
	cases := []struct {
		name string
		as   model.Staff
		keys []string
		want []string
		bad  []string
	}{
		{name: "r opens the last 12 months for a lead", as: env.lead, keys: []string{"r"},
			want: []string{"· Dashboard", "Requests received 01/10/2025 – 03/09/2026 · the last 12 months", "Received 16", "open now 5", "overdue now 1",
				"90.0% on time (9)", "10.0% late (1)", "median 18, 90th percentile 40", "By month received", "Oct 2025", "Sep 2026"},
			bad: []string{"Sep 2025", "Mar 2025"}},
		{name: "an admin may open it too", as: env.admin, keys: []string{"r"}, want: []string{"· Dashboard", "Received 16"}},
		{name: "desk staff are refused with the domain's message", as: env.desk, keys: []string{"r"},
			want: []string{"desk staff may not see reports: ask a lead", "· Board", "Open 5"}, bad: []string{"Dashboard"}},
		{name: "← goes back a year", as: env.lead, keys: []string{"r", "left"},
			want: []string{"Requests received 01/10/2024 – 30/09/2025 · 12 months", "Received 1 ", "Mar 2025", "Sep 2025"}, bad: []string{"Oct 2025"}},
		{name: "→ comes forward again", as: env.lead, keys: []string{"r", "left", "right"},
			want: []string{"01/10/2025 – 03/09/2026 · the last 12 months", "Received 16"}},
		{name: "→ past today is refused", as: env.lead, keys: []string{"r", "right"},
			want: []string{"that period has not started yet", "01/10/2025 – 03/09/2026"}},
		{name: "y shows this calendar year so far", as: env.lead, keys: []string{"r", "y"},
			want: []string{"Requests received 01/01/2026 – 03/09/2026 · 2026 so far", "Received 13", "Jan 2026", "Sep 2026"}, bad: []string{"Dec 2025"}},
		{name: "y then ← shows last year whole", as: env.lead, keys: []string{"r", "y", "left"},
			want: []string{"Requests received 01/01/2025 – 31/12/2025 · 2025", "Received 4 ", "Jan 2025", "Dec 2025"}},
		{name: "l goes back to the last 12 months", as: env.lead, keys: []string{"r", "y", "left", "l"},
			want: []string{"01/10/2025 – 03/09/2026 · the last 12 months"}},
		{name: "d types the period", as: env.lead, keys: []string{"r", "d", "ctrl+u", typed("1/11/2025"), "enter", "ctrl+u", typed("2025-12-31"), "enter"},
			want: []string{"Requests received 01/11/2025 – 31/12/2025 · dates typed in", "Received 2 ", "Nov 2025", "Dec 2025"}, bad: []string{"Oct 2025", "Jan 2026"}},
		{name: "letters type into the dates, never act", as: env.lead, keys: []string{"r", "d", typed("qy?l")},
			want: []string{"Choose the period", "qy?l"}},
		{name: "a last day before the first is refused in place", as: env.lead, keys: []string{"r", "d", "enter", "ctrl+u", typed("1/1/2025"), "enter"},
			want: []string{"the last day is before the first", "Choose the period"}},
		{name: "a date that does not exist is refused in place", as: env.lead, keys: []string{"r", "d", "ctrl+u", typed("31/02/2026"), "enter"},
			want: []string{"February 2026 has 28 days", "Choose the period"}},
		{name: "esc leaves the dates and keeps the period", as: env.lead, keys: []string{"r", "d", "esc"},
			want: []string{"01/10/2025 – 03/09/2026 · the last 12 months", "By kind"}, bad: []string{"Choose the period"}},
		{name: "esc goes back to the board", as: env.lead, keys: []string{"r", "esc"}, want: []string{"· Board", "Open 5"}, bad: []string{"By month received"}},
		{name: "help lists the dashboard's keys", as: env.lead, keys: []string{"r", "?"},
			want: []string{"Keys on this screen", "year back", "this year", "last 12 months", "type dates", "ctrl+r", "refresh"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := env.signedIn(t, c.as, 100, 40)
			keys(t, m, c.keys...)
			mustContain(t, m, c.want...)
			mustNotContain(t, m, c.bad...)
		})
	}
	t.Run("it scrolls when the window is small", func(t *testing.T) {
		m := env.signedIn(t, env.lead, 80, 24)
		keys(t, m, "r")
		mustContain(t, m, "lines 1–19 of 28", "Received 16")
		mustNotContain(t, m, "Per kind")
		keys(t, m, "down")
		mustContain(t, m, "lines 2–20 of 28")
		mustNotContain(t, m, "Received 16")
		keys(t, m, "end")
		mustContain(t, m, "lines 10–28 of 28", "Per kind", "consent            1")
		keys(t, m, "pgdown")
		mustContain(t, m, "lines 10–28 of 28")
		keys(t, m, "home")
		mustContain(t, m, "lines 1–19 of 28")
		// a period change starts at the top again
		keys(t, m, "end", "left")
		mustContain(t, m, "lines 1–19 of ")
	})
	t.Run("a stale result is dropped", func(t *testing.T) {
		m := env.signedIn(t, env.lead, 100, 40)
		keys(t, m, "r")
		d := m.top().(*dashboard)
		old := d.qid
		// ← without running its command: the old figures stay, marked
		m.Update(press("left"))
		mustContain(t, m, "01/10/2024 – 30/09/2025", "reading the register…", "Received 16")
		keys(t, m, "ctrl+r")
		mustNotContain(t, m, "reading the register…")
		// the report for the first period arrives after the one asked for last
		drive(t, m, dashLoadedMsg{id: old, rep: model.Report{Received: 999}})
		mustContain(t, m, "01/10/2024 – 30/09/2025", "Received 1 ")
		mustNotContain(t, m, "Received 999")
		// an error is shown in place, and the next good result clears it
		drive(t, m, dashLoadedMsg{id: d.qid, err: fmt.Errorf("disk on fire")})
		mustContain(t, m, "could not finish: disk on fire")
		keys(t, m, "ctrl+r")
		mustContain(t, m, "Received 1 ")
		mustNotContain(t, m, "disk on fire")
	})
}

func logAccess(t *testing.T, e *testEnv, name string, recv time.Time) {
	t.Helper()
	_, err := e.store.LogRequest(context.Background(), e.desk, model.Request{Kind: model.KindAccess, Rule: model.RuleUKGDPR, Channel: model.ChannelDesk,
		ReceivedAt: recv, Subject: model.Subject{Name: name, DateOfBirth: dob(1980, 4, 4)},
		Requester: model.Requester{Relationship: model.RelSelf, Name: name}, Evidence: []model.Evidence{passport()}}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
}

// TestRefreshKeys: r now opens the dashboard, so the board refreshes with
// ctrl+r; the dashboard reads the register again with ctrl+r too.
func TestRefreshKeys(t *testing.T) {
	e := newEnv(t)
	e.seed(t)
	desk := e.signedIn(t, e.desk, 100, 30)
	lead := e.signedIn(t, e.lead, 100, 40)
	keys(t, lead, "r")
	mustContain(t, desk, "Open 5")
	mustContain(t, lead, "Received 6 ")
	logAccess(t, e, "Nora Newcomer", day(2026, 9, 3))
	keys(t, desk, "r")
	mustContain(t, desk, "Open 5", "may not see reports")
	keys(t, desk, "ctrl+r")
	mustContain(t, desk, "Open 6", "Nora Newcomer")
	mustContain(t, lead, "Received 6 ")
	keys(t, lead, "ctrl+r")
	mustContain(t, lead, "Received 7 ", "open now 6")
}

// TestDashboardGolden pins the dashboard's look at 80×24 and 120×40 with
// an ASCII profile, the fixed clock and fixed data. -update rewrites it.
func TestDashboardGolden(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	env.seedHistory(t)
	for _, c := range []struct {
		name string
		keys []string
	}{
		{"last12", nil},
		{"scrolled", []string{"end"}},
		{"dates", []string{"d"}},
	} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			if c.name == "scrolled" && size[0] != 80 {
				continue // everything fits at 120×40
			}
			t.Run(fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				m := env.signedIn(t, env.lead, size[0], size[1])
				keys(t, m, "r")
				keys(t, m, c.keys...)
				v := asciiView(m)
				for i, l := range strings.Split(v, "\n") {
					if w := ansi.StringWidth(l); w > size[0] {
						t.Fatalf("line %d is %d cells wide, more than %d:\n%s", i+1, w, size[0], ansi.Strip(l))
					}
				}
				golden.RequireEqual(t, v)
			})
		}
	}
}

// TestBars: the longest bar fills the room, a zero count draws no bar, a
// count of one still shows, every line fits the width, and labels lose
// their control sequences.
func TestBars(t *testing.T) {
	st := newStyles(true, colorprofile.ASCII)
	items := []barItem{
		{label: "big", n: 400, note: "80.0%"},
		{label: "none", n: 0, note: "0.0%"},
		{label: "tiny", n: 1, note: "0.2%"},
		{label: "half", n: 200, note: "40.0%"},
		{label: "\x1b]0;pwned\x07evil\x1b[31m red\x1b[0m\u202e", n: 99, note: "19.8%"},
	}
	for _, width := range []int{38, 58, 100} {
		lines := bars(st, items, width)
		if len(lines) != len(items) {
			t.Fatalf("%d lines for %d items", len(lines), len(items))
		}
		cells := make([]int, len(lines))
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != width {
				t.Errorf("width %d: line %q is %d cells", width, l, w)
			}
			cells[i] = strings.Count(l, barFull)
		}
		// the label (padded to the longest, "evil red": 8 cells), a space,
		// the bar's room, a space, the count (3), a space, the note (5)
		room := width - 8 - 1 - 1 - 3 - 1 - 5
		if cells[0] != room {
			t.Errorf("width %d: the longest bar has %d cells, want the whole room %d", width, cells[0], room)
		}
		if cells[1] != 0 {
			t.Errorf("width %d: a zero count drew %d cells", width, cells[1])
		}
		if cells[2] != 1 {
			t.Errorf("width %d: a count of one drew %d cells, want 1", width, cells[2])
		}
		if want := (room + 1) / 2; cells[3] != want {
			t.Errorf("width %d: half the largest drew %d cells, want %d", width, cells[3], want)
		}
		if !strings.HasPrefix(lines[4], "evil red ") {
			t.Errorf("the label was not cleaned: %q", lines[4])
		}
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "pwned"} {
			if strings.Contains(strings.Join(lines, "\n"), bad) {
				t.Errorf("a bar line carries %q", bad)
			}
		}
	}
	if got := bars(st, []barItem{{label: "a", n: 0}, {label: "b", n: 0}}, 30); strings.Contains(strings.Join(got, ""), barFull) {
		t.Errorf("all-zero counts drew bars: %q", got)
	}
	for _, c := range []struct{ n, most, room, want int }{
		{10, 10, 30, 30}, {0, 10, 30, 0}, {1, 1000, 30, 1}, {5, 10, 30, 15}, {3, 0, 30, 0}, {7, 7, 0, 0},
	} {
		if got := barLen(c.n, c.most, c.room); got != c.want {
			t.Errorf("barLen(%d, %d, %d) = %d, want %d", c.n, c.most, c.room, got, c.want)
		}
	}
}

// TestPeriods: the default is the current month and the eleven before;
// moving by years keeps whole months whole, also across 29 February.
func TestPeriods(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	p := lastTwelveMonths(d(2028, 2, 10))
	if p.from != d(2027, 3, 1) || p.to != d(2028, 2, 29) || p.end(d(2028, 2, 10)) != d(2028, 2, 10) {
		t.Errorf("last 12 months: %v – %v", p.from, p.to)
	}
	back := p.shift(-1)
	if back.from != d(2026, 3, 1) || back.to != d(2027, 2, 28) || back.end(d(2028, 2, 10)) != back.to {
		t.Errorf("a year back: %v – %v", back.from, back.to)
	}
	if again := back.shift(-4).shift(4); again != back {
		t.Errorf("there and back again: %v – %v", again.from, again.to)
	}
	if p := back.shift(-1).shift(0); p.to != d(2026, 2, 28) {
		t.Errorf("two years back ends %v", p.to)
	}
	if p := lastTwelveMonths(d(2028, 2, 10)).shift(-4); p.to != d(2024, 2, 29) {
		t.Errorf("four years back ends %v, want 29 February", p.to)
	}
	y := calendarYear(2026)
	if y.from != d(2026, 1, 1) || y.to != d(2026, 12, 31) || y.label(d(2026, 9, 3)) != "2026 so far" || y.shift(-1).label(d(2026, 9, 3)) != "2025" {
		t.Errorf("calendar year: %+v", y)
	}
	typed := period{kind: periodTyped, from: d(2024, 2, 29), to: d(2024, 3, 15)}
	if s := typed.shift(1); s.from != d(2025, 2, 28) || s.to != d(2025, 3, 15) {
		t.Errorf("typed dates a year on: %v – %v", s.from, s.to)
	}
}
