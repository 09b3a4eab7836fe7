package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// board is home: the open requests, most urgent first. It holds only a
// window of rows around the cursor (three screens' worth) and reads the
// next window when the cursor leaves it, so 100,000 requests cost no more
// than 100: by offset among the open requests (a few thousand at most),
// by key among the closed ones (windowFilter). A search counts its
// matches up to storage.CountCap ("1,000+").
type board struct {
	s    *session
	keys boardKeys

	closed bool
	status model.Status
	kind   model.Kind
	mine   bool

	searching bool
	search    textinput.Model

	rows     []model.Summary
	winStart int
	total    int
	more     bool // the search matches more than total (countCap)
	countCap int  // how far a search's matches are counted
	counts   model.Counts
	loaded   bool

	cursor, top int
	qid         int
	err         string

	width, height int
}

type boardKeys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Open, New, Verify, Search             key.Binding
	Status, Kind, Mine, Closed, Clear     key.Binding
	Settings, Staff, Refresh, Quit        key.Binding
	Report                                key.Binding
	SearchDone, SearchClear               key.Binding
}

func newBoardKeys() boardKeys {
	return boardKeys{
		Up:          key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:        key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:        key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		End:         key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		New:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new request")),
		Verify:      key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify")),
		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Status:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status filter")),
		Kind:        key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "kind filter")),
		Mine:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mine")),
		Closed:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "open/closed")),
		Clear:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "clear filters")),
		Settings:    key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "settings")),
		Staff:       key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "staff")),
		Report:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "dashboard")),
		Refresh:     key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh")),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		SearchDone:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		SearchClear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
	}
}

func newBoard(s *session) *board {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "reference or name"
	in.CharLimit = 100
	in.SetStyles(s.styles.Input)
	b := &board{s: s, keys: newBoardKeys(), search: in, countCap: storage.CountCap}
	b.applyRole()
	return b
}

func (b *board) applyRole() {
	admin := model.Can(b.s.user.Role, model.PermSettings)
	b.keys.Settings.SetEnabled(admin)
	b.keys.Staff.SetEnabled(model.Can(b.s.user.Role, model.PermManageStaff))
	b.keys.New.SetEnabled(model.Can(b.s.user.Role, model.PermLog))
	b.keys.Report.SetEnabled(model.Can(b.s.user.Role, model.PermReport))
}

func (b *board) Title() string {
	if b.closed {
		return "Closed requests"
	}
	return "Board"
}

func (b *board) Capturing() bool { return b.searching }

func (b *board) Init() tea.Cmd { return tea.Batch(b.load(), chainCmd(b.s.store)) }

func (b *board) SetSize(w, h int) {
	b.width, b.height = w, h
	b.search.SetWidth(max(10, w-40))
	b.clampTop()
}

// visible is how many rows fit under the counts, filter line and column
// heads.
func (b *board) visible() int { return max(1, b.height-4) }

func (b *board) filter() storage.Filter {
	f := storage.Filter{Scope: storage.ScopeOpen, Status: b.status, Kind: b.kind, Search: strings.TrimSpace(b.search.Value())}
	if b.closed {
		f.Scope = storage.ScopeClosed
	}
	if b.mine {
		f.OwnerID = b.s.user.ID
	}
	return f
}

type boardLoadedMsg struct {
	id     int
	rows   []model.Summary
	offset int
	// counted is true when total and counts were read too.
	counted bool
	total   int
	more    bool
	counts  model.Counts
	err     error
}

// load reads the window around the cursor with fresh totals and header
// counts. Each load has an id; a result that is not the latest is dropped
// (a slow search must not overwrite a newer one).
func (b *board) load() tea.Cmd { return b.read(true) }

// read reads the window; counting is skipped when only the cursor moved.
func (b *board) read(count bool) tea.Cmd {
	b.qid++
	id, st, today, countCap := b.qid, b.s.store, b.s.today(), b.countCap
	vis := b.visible()
	start := max(0, b.cursor-vis)
	f := b.windowFilter(start, 3*vis)
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		rows, err := st.ListSummaries(ctx, f)
		if err != nil || !count {
			return boardLoadedMsg{id: id, rows: rows, offset: start, err: err}
		}
		m := boardLoadedMsg{id: id, rows: rows, offset: start, counted: true}
		if f.Search != "" {
			m.total, m.more, m.err = st.CountRequestsUpTo(ctx, f, countCap)
		} else {
			m.total, m.err = st.CountRequests(ctx, f)
		}
		if m.err != nil {
			return m
		}
		m.counts, m.err = st.BoardCounts(ctx, today)
		return m
	}
}

// windowFilter reads the rows from start, limit of them. Deep in the
// closed list an offset makes SQLite step over every row before it, so
// there the window is read by key from a row the board holds: the rows
// after the one before start, or the rows before the one after the
// window, or the last rows. Offsets stay for the open requests, and for
// searches, whose rows stop at storage.CountCap.
func (b *board) windowFilter(start, limit int) storage.Filter {
	f := b.filter()
	f.Offset, f.Limit = start, limit
	if !b.closed || f.Search != "" || start == 0 {
		return f
	}
	held := func(i int) (storage.ListKey, bool) {
		if j := i - b.winStart; j >= 0 && j < len(b.rows) {
			return storage.KeyOf(b.rows[j]), true
		}
		return storage.ListKey{}, false
	}
	if k, ok := held(start - 1); ok {
		f.After, f.Offset = &k, 0
	} else if k, ok := held(start + limit); ok {
		f.Before, f.Offset = &k, 0
	} else if start+limit >= b.total {
		f.FromEnd, f.Offset, f.Limit = true, 0, b.total-start
	}
	return f
}

// needLoad is true when the rows on screen are not all in the window.
func (b *board) needLoad() bool {
	end := min(b.total, b.top+b.visible())
	return b.top < b.winStart || end > b.winStart+len(b.rows)
}

func (b *board) clampTop() {
	vis := b.visible()
	if b.cursor < b.top {
		b.top = b.cursor
	}
	if b.cursor >= b.top+vis {
		b.top = b.cursor - vis + 1
	}
	b.top = max(0, min(b.top, max(0, b.total-vis)))
}

func (b *board) moveTo(i int) tea.Cmd {
	b.cursor = max(0, min(i, b.total-1))
	b.clampTop()
	if b.needLoad() {
		return b.read(false)
	}
	return nil
}

func (b *board) selected() (model.Summary, bool) {
	i := b.cursor - b.winStart
	if i < 0 || i >= len(b.rows) {
		return model.Summary{}, false
	}
	return b.rows[i], true
}

func (b *board) refilter() tea.Cmd {
	b.cursor, b.top = 0, 0
	return b.load()
}

func cycle[T comparable](cur T, all []T) T {
	var zero T
	if cur == zero {
		return all[0]
	}
	for i, v := range all {
		if v == cur && i+1 < len(all) {
			return all[i+1]
		}
	}
	return zero
}

func (b *board) statusChoices() []model.Status {
	var out []model.Status
	for _, s := range model.Statuses {
		if s.Closed() == b.closed {
			out = append(out, s)
		}
	}
	return out
}

func (b *board) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case boardLoadedMsg:
		if msg.id != b.qid {
			return b, nil
		}
		b.loaded = true
		if msg.err != nil {
			b.err = errText(msg.err)
			return b, nil
		}
		b.err = ""
		b.rows, b.winStart = msg.rows, msg.offset
		if msg.counted {
			b.total, b.more, b.counts = msg.total, msg.more, msg.counts
		}
		if b.cursor >= b.total {
			b.cursor = max(0, b.total-1)
		}
		b.clampTop()
		if b.needLoad() && b.total > 0 {
			return b, b.read(false)
		}
		return b, nil
	case shownMsg:
		b.applyRole()
		return b, tea.Batch(b.load(), chainCmd(b.s.store))
	case tea.KeyPressMsg:
		if b.searching {
			return b.updateSearch(msg)
		}
		return b.updateKey(msg)
	}
	if b.searching {
		var cmd tea.Cmd
		before := b.search.Value()
		b.search, cmd = b.search.Update(msg)
		if b.search.Value() != before {
			return b, tea.Batch(cmd, b.refilter())
		}
		return b, cmd
	}
	return b, nil
}

func (b *board) updateSearch(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	switch {
	case key.Matches(msg, b.keys.SearchDone):
		b.searching = false
		b.search.Blur()
		return b, nil
	case key.Matches(msg, b.keys.SearchClear):
		b.searching = false
		b.search.Blur()
		had := b.search.Value() != ""
		b.search.SetValue("")
		if had {
			return b, b.refilter()
		}
		return b, nil
	case msg.String() == "down" || msg.String() == "up":
		b.searching = false
		b.search.Blur()
		return b.updateKey(msg)
	}
	before := b.search.Value()
	var cmd tea.Cmd
	b.search, cmd = b.search.Update(msg)
	if b.search.Value() != before {
		return b, tea.Batch(cmd, b.refilter())
	}
	return b, cmd
}

func (b *board) updateKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k := b.keys
	switch {
	case key.Matches(msg, k.Quit):
		return b, func() tea.Msg { return quitMsg{} }
	case key.Matches(msg, k.Down):
		return b, b.moveTo(b.cursor + 1)
	case key.Matches(msg, k.Up):
		return b, b.moveTo(b.cursor - 1)
	case key.Matches(msg, k.PageDown):
		return b, b.moveTo(b.cursor + b.visible())
	case key.Matches(msg, k.PageUp):
		return b, b.moveTo(b.cursor - b.visible())
	case key.Matches(msg, k.Home):
		return b, b.moveTo(0)
	case key.Matches(msg, k.End):
		return b, b.moveTo(b.total - 1)
	case key.Matches(msg, k.Search):
		b.searching = true
		return b, b.search.Focus()
	case key.Matches(msg, k.New):
		return b, push(newWizard(b.s))
	case key.Matches(msg, k.Open):
		if r, ok := b.selected(); ok {
			return b, push(newRequestScreen(b.s, r.Reference))
		}
	case key.Matches(msg, k.Verify):
		if r, ok := b.selected(); ok {
			return b, push(newVerifyScreen(b.s, r.Reference))
		}
	case key.Matches(msg, k.Status):
		b.status = cycle(b.status, b.statusChoices())
		return b, b.refilter()
	case key.Matches(msg, k.Kind):
		b.kind = cycle(b.kind, model.Kinds)
		return b, b.refilter()
	case key.Matches(msg, k.Mine):
		b.mine = !b.mine
		return b, b.refilter()
	case key.Matches(msg, k.Closed):
		b.closed = !b.closed
		b.status = ""
		return b, b.refilter()
	case key.Matches(msg, k.Clear):
		b.closed, b.status, b.kind, b.mine = false, "", "", false
		b.search.SetValue("")
		return b, b.refilter()
	case key.Matches(msg, k.Refresh):
		return b, tea.Batch(b.load(), chainCmd(b.s.store))
	case key.Matches(msg, k.Settings):
		return b, push(newSettingsScreen(b.s))
	case key.Matches(msg, k.Staff):
		return b, push(newStaffScreen(b.s))
	case key.Matches(msg, k.Report):
		return b, push(newDashboard(b.s))
	case msg.String() == "r":
		return b, flashErr(model.Check(b.s.user.Role, model.PermReport))
	case msg.String() == "S" || msg.String() == "A":
		return b, flash(fmt.Sprintf("%s staff may not %s: ask an admin", b.s.user.Role, map[bool]string{true: "change settings", false: "manage staff"}[msg.String() == "S"]))
	}
	return b, nil
}

// thousands writes n with a comma between each three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// columns are the board's column widths for the current width.
type columns struct{ ref, kind, subject, requester, status, due, left int }

func (b *board) columns() columns {
	c := columns{ref: 12, kind: 10, status: 11, due: 10, left: 11} // left: "paused 120d"
	fixed := c.ref + c.kind + c.status + c.due + c.left + 7
	flex := max(16, b.width-fixed)
	c.subject = flex * 11 / 20
	c.requester = flex - c.subject
	return c
}

func cell(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

func (b *board) View() string {
	st := b.s.styles
	var out strings.Builder
	c := b.counts
	countLine := fmt.Sprintf("Open %d · Due this week %d · Overdue %d · Awaiting verification %d · Paused %d",
		c.Open, c.DueThisWeek, c.Overdue, c.AwaitingVerification, c.Paused)
	out.WriteString(st.Header.Render(ansi.Truncate(countLine, b.width, "…")) + "\n")

	scope := "open"
	if b.closed {
		scope = "closed"
	}
	parts := []string{"showing " + scope}
	if b.status != "" {
		parts = append(parts, "status "+b.status.Label())
	}
	if b.kind != "" {
		parts = append(parts, "kind "+kindShort(b.kind))
	}
	if b.mine {
		parts = append(parts, "mine")
	}
	filterLine := strings.Join(parts, " · ")
	pos := ""
	if b.total > 0 {
		pos = fmt.Sprintf("%d of %d", b.cursor+1, b.total)
		if b.more {
			pos = fmt.Sprintf("%d of %s+", b.cursor+1, thousands(b.total))
		}
	}
	if b.searching || b.search.Value() != "" {
		filterLine += "   " + b.search.View()
	}
	gap := max(1, b.width-ansi.StringWidth(filterLine)-ansi.StringWidth(pos))
	out.WriteString(st.Muted.Render(ansi.Truncate(filterLine, b.width-len(pos)-1, "…")) + strings.Repeat(" ", gap) + st.Muted.Render(pos) + "\n")

	cols := b.columns()
	dueHead := "due"
	if b.closed {
		dueHead = "closed"
	}
	head := " " + cell("reference", cols.ref-1) + " " + cell("kind", cols.kind) + " " + cell("patient", cols.subject) + " " +
		cell("requester", cols.requester) + " " + cell("status", cols.status) + " " + cell(dueHead, cols.due) + " " + cell("left", cols.left)
	out.WriteString(st.Label.Render(ansi.Truncate(head, b.width, "")) + "\n")

	if b.err != "" {
		out.WriteString(st.Error.Render("✗ "+b.err) + "\n")
	}
	if !b.loaded {
		out.WriteString(st.Muted.Render("Loading…"))
		return out.String()
	}
	if b.total == 0 {
		switch {
		case b.search.Value() != "":
			out.WriteString(st.Muted.Render("Nothing matches the search. Press / to change it, x to clear."))
		case b.closed:
			out.WriteString(st.Muted.Render("No closed requests yet. Press c for the open ones."))
		case b.status != "" || b.kind != "" || b.mine:
			out.WriteString(st.Muted.Render("No open requests match the filters. Press x to clear them."))
		default:
			out.WriteString(st.Muted.Render("No open requests. Press n to log one."))
		}
		return out.String()
	}
	today := b.s.today()
	end := min(b.total, b.top+b.visible())
	for i := b.top; i < end; i++ {
		j := i - b.winStart
		if j < 0 || j >= len(b.rows) {
			out.WriteString(st.Muted.Render("  …") + "\n")
			continue
		}
		line := b.row(b.rows[j], cols, today)
		if i == b.cursor {
			line = st.Selected.Render(ansi.Strip(line))
		}
		out.WriteString(line + "\n")
	}
	return strings.TrimRight(out.String(), "\n")
}

// row draws one request. The marker column repeats the colour in text
// (! overdue, ~ due within a week, = paused) for terminals without colour.
func (b *board) row(r model.Summary, c columns, today time.Time) string {
	st := b.s.styles
	u := r.UrgencyOn(today)
	marker := " "
	style := st.Header.UnsetBold()
	switch u {
	case model.UrgencyLate:
		marker, style = "!", st.Late
	case model.UrgencySoon:
		marker, style = "~", st.Warn
	case model.UrgencyPaused:
		marker, style = "=", st.Muted
	case model.UrgencyClosed:
		style = st.Muted
	}
	requester := "self"
	if r.Relationship.ActsForOther() {
		requester = "» " + model.Clean(r.RequesterName, 60) + " (" + string(r.Relationship) + ")"
	}
	due, left := b.s.fmtDate(r.EffectiveDue), ""
	switch {
	case r.Status.Closed():
		due = b.s.fmtDate(r.ClosedOn)
	case r.Status == model.StatusPaused:
		left = fmt.Sprintf("paused %dd", r.PausedDaysOn(today))
	default:
		switch d := r.DaysLeft(today); {
		case d < 0:
			left = fmt.Sprintf("%dd late", -d)
		case d == 0:
			left = "today"
		default:
			left = fmt.Sprintf("%dd", d)
		}
	}
	line := marker + cell(r.Reference, c.ref-1) + " " + cell(kindShort(r.Kind), c.kind) + " " +
		cell(model.Clean(r.SubjectName, 80), c.subject) + " " + cell(requester, c.requester) + " " +
		cell(statusShort(r.Status), c.status) + " " + cell(due, c.due) + " " + cell(left, c.left)
	return style.Render(ansi.Truncate(line, b.width, ""))
}

func (b *board) ShortHelp() []key.Binding {
	if b.searching {
		return []key.Binding{b.keys.SearchDone, b.keys.SearchClear}
	}
	return []key.Binding{b.keys.Open, b.keys.New, b.keys.Verify, b.keys.Search, b.keys.Closed, b.keys.Quit}
}

func (b *board) FullHelp() [][]key.Binding {
	k := b.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Open, k.New, k.Verify, k.Search, k.Refresh},
		{k.Status, k.Kind, k.Mine, k.Closed, k.Clear},
		{k.Report, k.Settings, k.Staff, k.Quit},
	}
}
