package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"rightsdesk/model"
)

// dashboard is the register's report for a period, drawn as bars so a lead
// sees the year at a glance: the same figures as `rightsdesk report`. The
// period line stays put; the figures under it scroll when the window is
// too small for them.
type dashboard struct {
	s    *session
	keys dashKeys

	p period
	// dates is the open form for typing the period's first and last day.
	dates *form

	rep    model.Report
	loaded bool
	// reading is true from a load until its result: the figures on screen
	// may still be the previous period's.
	reading bool
	err     string
	qid     int

	scroll        int
	width, height int
}

// periodKind says how a period was chosen, for its label.
type periodKind int

const (
	periodRolling periodKind = iota // twelve whole months
	periodYear                      // a calendar year
	periodTyped                     // dates typed in
)

// period is the span of receipt dates the dashboard reports on. For the
// rolling and calendar-year kinds from is a month's first day and to a
// month's last, which may lie after today: the report stops at today.
type period struct {
	kind     periodKind
	from, to time.Time
}

func firstOfMonth(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

func lastOfMonth(y int, m time.Month) time.Time { return firstOfMonth(y, m+1).AddDate(0, 0, -1) }

// lastTwelveMonths is the current month and the eleven before it.
func lastTwelveMonths(today time.Time) period {
	start := firstOfMonth(today.Year(), today.Month()-11)
	return period{kind: periodRolling, from: start, to: lastOfMonth(today.Year(), today.Month())}
}

func calendarYear(y int) period {
	return period{kind: periodYear, from: firstOfMonth(y, time.January), to: lastOfMonth(y, time.December)}
}

// addYears moves a date by whole years, keeping it in its month (29
// February becomes the 28th in other years).
func addYears(d time.Time, n int) time.Time {
	y, m := d.Year()+n, d.Month()
	return firstOfMonth(y, m).AddDate(0, 0, min(d.Day(), lastOfMonth(y, m).Day())-1)
}

// shift moves the period by whole years; whole-month periods stay whole.
func (p period) shift(years int) period {
	p.from = addYears(p.from, years)
	if p.kind == periodTyped {
		p.to = addYears(p.to, years)
	} else {
		p.to = lastOfMonth(p.to.Year()+years, p.to.Month())
	}
	return p
}

// end is the last day reported on: the period's, or today when the period
// runs on past it.
func (p period) end(today time.Time) time.Time {
	if p.to.After(today) {
		return today
	}
	return p.to
}

func (p period) label(today time.Time) string {
	switch p.kind {
	case periodRolling:
		if !p.to.Before(today) {
			return "the last 12 months"
		}
		return "12 months"
	case periodYear:
		if p.to.After(today) {
			return fmt.Sprintf("%d so far", p.from.Year())
		}
		return fmt.Sprint(p.from.Year())
	}
	return "dates typed in"
}

type dashKeys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Earlier, Later, Year, Rolling, Dates  key.Binding
	Refresh, Back                         key.Binding
}

func newDashKeys() dashKeys {
	return dashKeys{
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		End:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),
		Earlier:  key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "year back")),
		Later:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "year on")),
		Year:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "this year")),
		Rolling:  key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "last 12 months")),
		Dates:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "type dates")),
		Refresh:  key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

func newDashboard(s *session) *dashboard {
	return &dashboard{s: s, keys: newDashKeys(), p: lastTwelveMonths(s.today())}
}

func (d *dashboard) Title() string   { return "Dashboard" }
func (d *dashboard) Init() tea.Cmd   { return d.load() }
func (d *dashboard) Capturing() bool { return d.dates != nil && d.dates.Capturing() }

func (d *dashboard) SetSize(w, h int) {
	d.width, d.height = w, h
	if d.dates != nil {
		d.dates.SetWidth(min(w, 70))
	}
	d.clampScroll()
}

type dashLoadedMsg struct {
	id  int
	rep model.Report
	err error
}

// load reads the report for the period. Each load has an id and only the
// latest is shown, so pressing ← twice quickly never ends on the first
// year's figures.
func (d *dashboard) load() tea.Cmd {
	d.qid++
	d.reading = true
	id, st, today := d.qid, d.s.store, d.s.today()
	from, to := d.p.from, d.p.end(today)
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		rep, err := st.Report(ctx, from, to, today)
		return dashLoadedMsg{id: id, rep: rep, err: err}
	}
}

func (d *dashboard) choose(p period) tea.Cmd {
	d.p = p
	d.scroll = 0
	return d.load()
}

func (d *dashboard) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case dashLoadedMsg:
		if msg.id != d.qid {
			return d, nil
		}
		d.loaded, d.reading = true, false
		if msg.err != nil {
			d.err = errText(msg.err)
			return d, nil
		}
		d.err, d.rep = "", msg.rep
		d.clampScroll()
		return d, nil
	case shownMsg:
		return d, d.load()
	case tea.KeyPressMsg:
		if d.dates != nil {
			return d.updateDates(msg)
		}
		return d.updateKey(msg)
	}
	if d.dates != nil {
		_, cmd := d.dates.Update(msg)
		return d, cmd
	}
	return d, nil
}

func (d *dashboard) updateKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k := d.keys
	today := d.s.today()
	page := max(1, d.contentHeight()-1)
	switch {
	case key.Matches(msg, k.Back):
		return d, pop
	case key.Matches(msg, k.Up):
		d.scrollTo(d.scroll - 1)
	case key.Matches(msg, k.Down):
		d.scrollTo(d.scroll + 1)
	case key.Matches(msg, k.PageUp):
		d.scrollTo(d.scroll - page)
	case key.Matches(msg, k.PageDown):
		d.scrollTo(d.scroll + page)
	case key.Matches(msg, k.Home):
		d.scrollTo(0)
	case key.Matches(msg, k.End):
		d.scrollTo(len(d.contentLines()))
	case key.Matches(msg, k.Earlier):
		return d, d.choose(d.p.shift(-1))
	case key.Matches(msg, k.Later):
		next := d.p.shift(1)
		if next.from.After(today) {
			return d, flash("that period has not started yet: today is the latest day reported on")
		}
		return d, d.choose(next)
	case key.Matches(msg, k.Year):
		return d, d.choose(calendarYear(today.Year()))
	case key.Matches(msg, k.Rolling):
		return d, d.choose(lastTwelveMonths(today))
	case key.Matches(msg, k.Dates):
		d.openDates()
		return d, nil
	case key.Matches(msg, k.Refresh):
		return d, d.load()
	}
	return d, nil
}

func (d *dashboard) openDates() {
	order := d.s.settings.DateOrder
	check := func(s string) error { _, err := model.ParseDate(s, order); return err }
	hint := func() string { return "dates are typed " + order.Pattern() + " or YYYY-MM-DD" }
	f := newForm(d.s.styles)
	f.text("from", "First day received", d.s.fmtDate(d.p.from), check).hint = hint
	f.text("to", "Last day received", d.s.fmtDate(d.p.end(d.s.today())), check)
	f.SetWidth(min(d.width, 70))
	d.dates = f
}

func (d *dashboard) updateDates(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	res, cmd := d.dates.Update(msg)
	switch res {
	case formCancel:
		d.dates = nil
		return d, nil
	case formSubmit:
		f := d.dates
		order := d.s.settings.DateOrder
		from, err := model.ParseDate(f.Value("from"), order)
		if err != nil {
			f.FocusKey("from")
			f.err = errText(err)
			return d, nil
		}
		to, err := model.ParseDate(f.Value("to"), order)
		if err != nil {
			f.FocusKey("to")
			f.err = errText(err)
			return d, nil
		}
		switch {
		case to.Before(from):
			f.FocusKey("to")
			f.err = errText(model.Invalid("last day", "the last day is before the first", "type a last day on or after "+d.s.fmtDate(from)))
			return d, nil
		case from.After(d.s.today()):
			f.FocusKey("from")
			f.err = errText(model.Invalid("first day", "the first day is after today", "type a day up to "+d.s.fmtDate(d.s.today())))
			return d, nil
		}
		d.dates = nil
		return d, d.choose(period{kind: periodTyped, from: from, to: to})
	}
	return d, cmd
}

// contentHeight is the room under the period line.
func (d *dashboard) contentHeight() int { return max(1, d.height-1) }

func (d *dashboard) scrollTo(i int) {
	d.scroll = i
	d.clampScroll()
}

func (d *dashboard) clampScroll() {
	d.scroll = max(0, min(d.scroll, len(d.contentLines())-d.contentHeight()))
}

func (d *dashboard) View() string {
	st := d.s.styles
	today := d.s.today()
	head := fmt.Sprintf("Requests received %s – %s · %s", d.s.fmtDate(d.p.from), d.s.fmtDate(d.p.end(today)), d.p.label(today))
	if d.dates != nil {
		return st.Header.Render(ansi.Truncate(head, d.width, "…")) + "\n\n" +
			st.Label.Render("Choose the period") + "\n" +
			st.Muted.Render("enter on the last field shows it; esc keeps the period as it is") + "\n\n" + d.dates.View()
	}
	lines := d.contentLines()
	pos := ""
	if vis := d.contentHeight(); len(lines) > vis {
		end := min(len(lines), d.scroll+vis)
		pos = fmt.Sprintf("lines %d–%d of %d", d.scroll+1, end, len(lines))
		lines = lines[d.scroll:end]
	}
	if d.reading && d.loaded {
		pos = "reading the register…"
	}
	head = ansi.Truncate(head, d.width-ansi.StringWidth(pos)-1, "…")
	gap := max(1, d.width-ansi.StringWidth(head)-ansi.StringWidth(pos))
	if pos != "" {
		head = st.Header.Render(head) + strings.Repeat(" ", gap) + st.Muted.Render(pos)
	} else {
		head = st.Header.Render(head)
	}
	return head + "\n" + strings.Join(lines, "\n")
}

// Bar glyphs: the on-time bar uses a second glyph for the late share, so
// it reads the same without colour.
const (
	barFull = "█"
	barLate = "░"
)

// contentLines is everything under the period line, one entry a line.
func (d *dashboard) contentLines() []string {
	st := d.s.styles
	w := max(20, d.width)
	if d.err != "" {
		return []string{st.Error.Render("✗ " + d.err)}
	}
	if !d.loaded {
		return []string{st.Muted.Render("Loading the report…")}
	}
	r := d.rep
	var out []string
	add := func(s string) { out = append(out, ansi.Truncate(s, w, "…")) }

	add(fmt.Sprintf("%s %d · %s %d · %s %d · %s %d (%.1f%%)",
		st.Label.Render("Received"), r.Received, st.Label.Render("open now"), r.OpenNow,
		st.Label.Render("overdue now"), r.OverdueNow, st.Label.Render("extensions used"), r.Extended, r.ExtendedPercent))
	add(d.onTimeLine(w))
	// Answered requests are the on-time and late ones above.
	closed := fmt.Sprintf("%s %d (%d withdrawn)", st.Label.Render("Closed"), r.Closed, r.Withdrawn)
	if r.Answered > 0 {
		closed += fmt.Sprintf(" · %s median %d, 90th percentile %d", st.Label.Render("days to close:"), r.MedianDaysToClose, r.P90DaysToClose)
	}
	add(closed)
	add(st.Label.Render("By channel") + "  " + inlineCounts(r.ByChannel, func(k string) string { return k }))
	add(st.Label.Render("By rule") + "     " + inlineCounts(r.ByRule, func(k string) string { return model.Rule(k).Label() }))
	out = append(out, "")

	colW := (w - 3) / 2
	kindLabel := func(k model.Kind) string { return kindShort(k) }
	if colW >= 56 {
		kindLabel = func(k model.Kind) string { return k.Label() }
	}
	left := []string{st.Label.Render("By kind")}
	var kinds []barItem
	for _, c := range r.ByKind {
		kinds = append(kinds, barItem{label: kindLabel(model.Kind(c.Key)), n: c.N, note: fmt.Sprintf("%.1f%%", c.Percent)})
	}
	left = append(left, bars(st, kinds, colW)...)
	left = append(left, "", st.Label.Render(fmt.Sprintf("Refusals by reason: %d whole, %d part", r.Refused, r.PartiallyDone)))
	if len(r.RefusalsByReason) == 0 {
		left = append(left, st.Muted.Render("none in this period"))
	} else {
		var reasons []barItem
		for _, rc := range r.RefusalsByReason {
			label := rc.Reason
			if label == "" {
				label = "(no reason given)"
			}
			reasons = append(reasons, barItem{label: label, n: rc.Total, note: fmt.Sprintf("%d/%d", rc.Refused, rc.Partially)})
		}
		left = append(left, bars(st, reasons, colW)...)
	}
	right := []string{st.Label.Render("By month received")}
	var months []barItem
	for _, c := range r.ByMonth {
		label := c.Key
		if t, err := time.Parse("2006-01", c.Key); err == nil {
			label = t.Format("Jan 2006")
		}
		months = append(months, barItem{label: label, n: c.N})
	}
	if len(months) == 0 {
		right = append(right, st.Muted.Render("no months in this period"))
	}
	right = append(right, bars(st, months, colW)...)
	for _, l := range joinColumns(left, right, colW, 3) {
		add(l)
	}

	out = append(out, "")
	out = append(out, d.metricsLines(kindLabel)...)
	return out
}

// onTimeLine is one bar split into the answered requests closed on time
// and those closed late.
func (d *dashboard) onTimeLine(w int) string {
	st := d.s.styles
	r := d.rep
	title := st.Label.Render("On time") + "  "
	if r.Answered == 0 {
		return title + st.Muted.Render("no request received in this period has been answered yet")
	}
	legend := fmt.Sprintf(" %s %.1f%% on time (%d) · %s %.1f%% late (%d)", barFull, r.OnTimePercent, r.OnTime, barLate, r.LatePercent, r.Late)
	room := max(10, w-ansi.StringWidth(title)-ansi.StringWidth(legend))
	ok := barLen(r.OnTime, r.Answered, room)
	late := room - ok
	if r.Late == 0 {
		ok, late = room, 0
	}
	return title + st.OK.Render(strings.Repeat(barFull, ok)) + st.Late.Render(strings.Repeat(barLate, late)) + legend
}

// metricsLines is the per-kind table CCPA's yearly metrics ask for.
func (d *dashboard) metricsLines(kindLabel func(model.Kind) string) []string {
	st := d.s.styles
	lw := 0
	for _, m := range d.rep.ByKindMetrics {
		lw = max(lw, ansi.StringWidth(kindLabel(m.Kind)))
	}
	heads := []string{"received", "complied", "in part", "denied", "withdrawn", "open", "median days"}
	row := func(label string, vals []string) string {
		s := cell(label, lw)
		for i, v := range vals {
			w := ansi.StringWidth(heads[i])
			s += "  " + strings.Repeat(" ", max(0, w-ansi.StringWidth(v))) + v
		}
		return s
	}
	out := []string{st.Label.Render("Per kind (the figures CCPA's yearly metrics ask for)"), st.Muted.Render(row("", heads))}
	for _, m := range d.rep.ByKindMetrics {
		med := "–"
		if m.Answered > 0 {
			med = fmt.Sprint(m.MedianDaysToClose)
		}
		out = append(out, row(kindLabel(m.Kind), []string{fmt.Sprint(m.Received), fmt.Sprint(m.Completed), fmt.Sprint(m.PartiallyCompleted),
			fmt.Sprint(m.Refused), fmt.Sprint(m.Withdrawn), fmt.Sprint(m.Open), med}))
	}
	return out
}

// inlineCounts is a breakdown on one line: "desk 4 · phone 0 · …".
func inlineCounts(cs []model.Count, label func(string) string) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s %d", label(c.Key), c.N))
	}
	return strings.Join(parts, " · ")
}

// joinColumns sets two blocks of lines side by side, the left one padded
// to width w, with gap spaces between.
func joinColumns(left, right []string, w, gap int) []string {
	n := max(len(left), len(right))
	out := make([]string, 0, n)
	for i := range n {
		var l, r string
		if i < len(left) {
			l = ansi.Truncate(left[i], w, "…")
		}
		if i < len(right) {
			r = right[i]
		}
		if r == "" {
			out = append(out, l)
			continue
		}
		out = append(out, l+strings.Repeat(" ", w-ansi.StringWidth(l)+gap)+r)
	}
	return out
}

// barItem is one bar of a chart: its label, its count and a note after
// the count (a percentage, or whole/partial refusals).
type barItem struct {
	label string
	n     int
	note  string
}

// barLen is how many cells of room a count fills when the count most
// fills them all. A count above zero always shows at least one cell (a
// single request must not look like none); zero shows none.
func barLen(n, most, room int) int {
	if n <= 0 || most <= 0 || room <= 0 {
		return 0
	}
	return min(room, max(1, (n*room+most/2)/most))
}

// bars draws a horizontal bar chart in width cells, one line per item:
// label, bar, count and note. The largest count fills the bar's room.
// Labels are cleaned of control sequences, since refusal reasons are text
// staff typed.
func bars(st *Styles, items []barItem, width int) []string {
	labels := make([]string, len(items))
	lw, nw, notew, most := 0, 1, 0, 0
	for i, it := range items {
		labels[i] = model.Clean(it.label, 200)
		lw = max(lw, ansi.StringWidth(labels[i]))
		nw = max(nw, len(fmt.Sprint(it.n)))
		notew = max(notew, ansi.StringWidth(it.note))
		most = max(most, it.n)
	}
	lw = min(lw, max(8, width/2))
	tail := 1 + nw
	if notew > 0 {
		tail += 1 + notew
	}
	room := max(1, width-lw-1-tail)
	out := make([]string, 0, len(items))
	for i, it := range items {
		l := barLen(it.n, most, room)
		line := cell(labels[i], lw) + " " + st.Bar.Render(strings.Repeat(barFull, l)) + strings.Repeat(" ", room-l) +
			" " + fmt.Sprintf("%*d", nw, it.n)
		if notew > 0 {
			line += " " + fmt.Sprintf("%*s", notew, it.note)
		}
		out = append(out, line)
	}
	return out
}

func (d *dashboard) ShortHelp() []key.Binding {
	if d.dates != nil {
		return d.dates.ShortHelp()
	}
	k := d.keys
	return []key.Binding{k.Earlier, k.Later, k.Year, k.Dates, k.Back}
}

func (d *dashboard) FullHelp() [][]key.Binding {
	if d.dates != nil {
		return [][]key.Binding{d.dates.ShortHelp()}
	}
	k := d.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Earlier, k.Later, k.Year, k.Rolling, k.Dates},
		{k.Refresh, k.Back},
	}
}
