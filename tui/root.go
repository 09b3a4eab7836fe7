// Package tui is the desk: the keyboard-driven terminal app front-desk staff
// use to log, verify and see through privacy-rights requests. One root
// model routes between screens; every database call runs in a tea.Cmd.
package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// Minimum size the desk lays out in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Deps is everything the desk needs from outside. Nothing else is read
// from the process (no stdin, stdout, environment or wall clock), so one
// process can run several desks and tests can fix the clock and the size.
type Deps struct {
	Store *storage.Store
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Width and Height are the first size, before the terminal reports it.
	Width, Height int
	// Profile is the terminal's colour profile (NO_COLOR gives ASCII).
	Profile colorprofile.Profile
	// DarkBackground picks the first palette until the terminal answers.
	DarkBackground bool
	// ExportDir is where exports are written.
	ExportDir string
	// StartDir is where the attach-file picker starts.
	StartDir string
	// IdleCheck is how often the idle lock is checked (default 15s; a
	// negative value turns the timer off, for tests that drive the clock).
	IdleCheck time.Duration
	// RestoreAdvice says which backup to restore, and how, should the
	// database turn out to be damaged.
	RestoreAdvice string
	// Context, when set, ends the whole-file check started after the
	// first frame once it is done (the program quitting), so that closing
	// the database does not wait for it.
	Context context.Context
}

// Model is the root of the desk.
type Model struct {
	s       *session
	profile colorprofile.Profile
	isDark  bool

	stack   []screen
	locked  bool
	lock    screen // the lock screen while locked
	started bool

	help        help.Model
	showHelp    bool
	confirmQuit bool
	status      string
	statusErr   bool
	lastKey     time.Time
	idleEvery   time.Duration
	keys        rootKeys

	// damaged is set once the database is found damaged: the damaged
	// screen then stays whatever else arrives.
	damaged       bool
	restoreAdvice string
	ctx           context.Context
}

type rootKeys struct {
	Quit, Lock, Help key.Binding
}

func newRootKeys() rootKeys {
	return rootKeys{
		Quit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Lock: key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "lock")),
		Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	}
}

// New builds the desk's root model.
func New(d Deps) *Model {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	m := &Model{
		profile:   d.Profile,
		isDark:    d.DarkBackground,
		help:      help.New(),
		keys:      newRootKeys(),
		idleEvery: d.IdleCheck,

		restoreAdvice: d.RestoreAdvice,
		ctx:           d.Context,
	}
	if m.ctx == nil {
		m.ctx = context.Background()
	}
	if m.idleEvery == 0 {
		m.idleEvery = 15 * time.Second
	}
	m.s = &session{
		store:     d.Store,
		now:       now,
		settings:  model.DefaultSettings(),
		styles:    newStyles(d.DarkBackground, d.Profile),
		width:     d.Width,
		height:    d.Height,
		exportDir: d.ExportDir,
		startDir:  d.StartDir,
	}
	m.help.Styles = m.s.styles.Help
	m.lastKey = now()
	return m
}

// startMsg says whether the clinic is set up yet.
type startMsg struct {
	setUp    bool
	settings model.Settings
	err      error
}

func (m *Model) startCmd() tea.Cmd {
	st := m.s.store
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		ok, err := st.IsSetUp(ctx)
		if err != nil || !ok {
			return startMsg{err: err}
		}
		set, err := st.Settings(ctx)
		return startMsg{setUp: true, settings: set, err: err}
	}
}

type idleTickMsg struct{}

func (m *Model) idleTick() tea.Cmd {
	if m.idleEvery < 0 {
		return nil
	}
	return tea.Tick(m.idleEvery, func(time.Time) tea.Msg { return idleTickMsg{} })
}

// Init asks for the background colour and whether the clinic is set up.
// The whole-file check starts once that answer is on screen (startMsg).
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.startCmd(), m.idleTick())
}

func (m *Model) top() screen {
	if m.locked {
		return m.lock
	}
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

func (m *Model) bodyHeight() int { return max(1, m.s.height-4) }

func (m *Model) sizeScreen(s screen) {
	if s != nil {
		s.SetSize(m.s.width, m.bodyHeight())
	}
}

func (m *Model) anyDirty() bool {
	for _, s := range m.stack {
		if dirty(s) {
			return true
		}
	}
	return false
}

// signedInMsg is sent when someone has signed in (or set up the clinic).
type signedInMsg struct {
	staff    model.Staff
	settings model.Settings
	chain    string
}

// unlockedMsg is sent when the person who locked the desk is back.
type unlockedMsg struct{ staff model.Staff }

// signOutMsg goes back to a full sign-in, for someone else.
type signOutMsg struct{}

// settingsMsg carries changed settings to the session.
type settingsMsg struct{ settings model.Settings }

// chainMsg carries when the audit chain was last verified.
type chainMsg struct{ at string }

func chainCmd(st *storage.Store) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		v, err := st.Meta(ctx, "chain_verified_at")
		if err != nil {
			return nil
		}
		return chainMsg{at: v}
	}
}

func (m *Model) setStack(s screen) tea.Cmd {
	m.stack = []screen{s}
	m.sizeScreen(s)
	return s.Init()
}

func (m *Model) doLock() tea.Cmd {
	if m.s.user.ID == 0 || m.locked {
		return nil
	}
	m.locked = true
	m.status = ""
	m.showHelp = false
	m.confirmQuit = false
	m.lock = newLockScreen(m.s)
	m.sizeScreen(m.lock)
	return m.lock.Init()
}

// showDamaged puts up the damaged screen for good.
func (m *Model) showDamaged(err error) tea.Cmd {
	m.damaged = true
	m.locked, m.lock = false, nil
	m.showHelp, m.confirmQuit = false, false
	m.status = ""
	m.s.user = model.Staff{}
	return m.setStack(newDamagedScreen(m.s, err, m.restoreAdvice))
}

// Update routes a message: global keys first, then the screen on top.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.damaged {
		// Whatever was under way when the damage was found is dropped.
		switch msg.(type) {
		case tea.WindowSizeMsg, tea.BackgroundColorMsg, tea.KeyPressMsg, quitMsg:
		default:
			return m, nil
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.s.width, m.s.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		for _, s := range m.stack {
			m.sizeScreen(s)
		}
		m.sizeScreen(m.lock)
		return m, nil
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		*m.s.styles = *newStyles(m.isDark, m.profile)
		m.help.Styles = m.s.styles.Help
		return m, nil
	case startMsg:
		m.started = true
		if storage.IsDamaged(msg.err) {
			return m, m.showDamaged(msg.err)
		}
		if msg.err != nil {
			m.status, m.statusErr = errText(msg.err), true
			return m, checkCmd(m.ctx, m.s.store)
		}
		if !msg.setUp {
			m.s.settings.ClinicName = ""
			return m, tea.Batch(m.setStack(newSetupScreen(m.s)), checkCmd(m.ctx, m.s.store))
		}
		m.s.settings = msg.settings
		return m, tea.Batch(m.setStack(newSignInScreen(m.s, "")), checkCmd(m.ctx, m.s.store))
	case checkedMsg:
		if storage.IsDamaged(msg.err) || errors.Is(msg.err, storage.ErrNotDatabase) {
			return m, m.showDamaged(msg.err)
		}
		if msg.err != nil {
			m.status, m.statusErr = "could not check the database file: "+errText(msg.err), true
		}
		return m, nil
	case signedInMsg:
		m.s.user, m.s.settings, m.s.chainVerified = msg.staff, msg.settings, msg.chain
		m.locked, m.lock = false, nil
		m.lastKey = m.s.now()
		m.status = ""
		if !msg.staff.HasPIN {
			return m, m.setStack(newPINScreen(m.s))
		}
		return m, m.setStack(newBoard(m.s))
	case unlockedMsg:
		m.locked, m.lock = false, nil
		m.lastKey = m.s.now()
		m.status = ""
		var cmds []tea.Cmd
		if t := m.top(); t != nil {
			_, cmd := m.routeTop(shownMsg{})
			cmds = append(cmds, cmd)
		}
		return m, tea.Batch(cmds...)
	case signOutMsg:
		m.s.user = model.Staff{}
		m.locked, m.lock = false, nil
		return m, m.setStack(newSignInScreen(m.s, ""))
	case settingsMsg:
		m.s.settings = msg.settings
		return m, nil
	case chainMsg:
		m.s.chainVerified = msg.at
		return m, nil
	case idleTickMsg:
		var cmd tea.Cmd
		if limit := time.Duration(m.s.settings.IdleLockMinutes) * time.Minute; limit > 0 && m.s.now().Sub(m.lastKey) >= limit {
			cmd = m.doLock()
		}
		return m, tea.Batch(cmd, m.idleTick())
	case lockMsg:
		return m, m.doLock()
	case pushMsg:
		m.stack = append(m.stack, msg.s)
		m.sizeScreen(msg.s)
		m.status = ""
		return m, msg.s.Init()
	case popMsg:
		if len(m.stack) > 1 {
			m.stack = m.stack[:len(m.stack)-1]
			return m.routeTop(shownMsg{})
		}
		return m, nil
	case resetMsg:
		m.status, m.statusErr = msg.note, false
		return m, m.setStack(msg.s)
	case replaceMsg:
		if len(m.stack) == 0 {
			return m, m.setStack(msg.s)
		}
		m.stack[len(m.stack)-1] = msg.s
		m.sizeScreen(msg.s)
		return m, msg.s.Init()
	case flashMsg:
		m.status, m.statusErr = msg.text, msg.isErr
		return m, nil
	case quitMsg:
		return m, tea.Quit
	case tea.KeyPressMsg:
		m.lastKey = m.s.now()
		return m.handleKey(msg)
	}
	return m.routeTop(msg)
}

// lockMsg locks the desk (ctrl+l, or a screen asking).
type lockMsg struct{}

// quitMsg quits after the board's q.
type quitMsg struct{}

func (m *Model) routeTop(msg tea.Msg) (tea.Model, tea.Cmd) {
	t := m.top()
	if t == nil {
		return m, nil
	}
	next, cmd := t.Update(msg)
	if m.locked {
		m.lock = next
	} else if len(m.stack) > 0 {
		m.stack[len(m.stack)-1] = next
	}
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.confirmQuit {
		switch msg.String() {
		case "y", "Y", "ctrl+c":
			return m, tea.Quit
		case "n", "N", "esc":
			m.confirmQuit = false
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		if !m.locked && m.anyDirty() {
			m.confirmQuit = true
			return m, nil
		}
		return m, tea.Quit
	case key.Matches(msg, m.keys.Lock):
		return m, m.doLock()
	}
	if m.showHelp {
		switch msg.String() {
		case "?", "esc", "q":
			m.showHelp = false
		}
		return m, nil
	}
	t := m.top()
	if key.Matches(msg, m.keys.Help) && t != nil && !capturing(t) {
		m.showHelp = true
		return m, nil
	}
	if m.status != "" && !m.statusErr {
		m.status = ""
	}
	return m.routeTop(msg)
}

// View draws the header, the screen on top and the footer. Below the
// minimum size it says so instead of drawing a garbled desk.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "rightsdesk"
	return v
}

func (m *Model) render() string {
	w, h := m.s.width, m.s.height
	if w < MinWidth || h < MinHeight {
		msg := fmt.Sprintf("The desk needs a window of at least %d×%d.\nThis one is %d×%d: make it larger.", MinWidth, MinHeight, w, h)
		if w <= 0 || h <= 0 {
			return msg
		}
		return fitLines(msg, w, h)
	}
	st := m.s.styles
	t := m.top()
	title := "rightsdesk"
	if m.s.settings.ClinicName != "" && m.started {
		title += " · " + model.Clean(m.s.settings.ClinicName, 40)
	}
	if t != nil {
		title += " · " + t.Title()
	}
	right := ""
	if m.s.user.ID != 0 && !m.locked {
		right = model.Clean(m.s.user.Name, 30) + " (" + string(m.s.user.Role) + ")"
	}
	header := st.Title.Render(ansi.Truncate(title, w-ansi.StringWidth(right)-2, "…"))
	header += strings.Repeat(" ", max(1, w-ansi.StringWidth(header)-ansi.StringWidth(right))) + st.Muted.Render(right)
	chain := ""
	if m.s.user.ID != 0 && !m.locked {
		at := "never"
		if m.s.chainVerified != "" {
			if ts, err := time.Parse(time.RFC3339Nano, m.s.chainVerified); err == nil {
				at = m.s.fmtTime(ts)
			} else {
				at = model.Clean(m.s.chainVerified, 30)
			}
		}
		chain = st.Muted.Render("audit chain last verified: " + at)
	}
	var body string
	switch {
	case t == nil:
		body = st.Muted.Render("Opening the database…")
	case m.showHelp:
		body = m.helpView(t)
	default:
		body = t.View()
	}
	bh := m.bodyHeight()
	body = fitLines(body, w, bh)

	var status string
	switch {
	case m.confirmQuit:
		status = st.Warn.Render("Quit and lose what you typed? y = quit, n = stay")
	case m.status != "" && m.statusErr:
		status = st.Error.Render("✗ " + m.status)
	case m.status != "":
		status = st.OK.Render(m.status)
	}
	var helpLine string
	if t != nil {
		bindings := t.ShortHelp()
		if !capturing(t) {
			bindings = append([]key.Binding{m.keys.Help}, bindings...)
		}
		helpLine = m.help.ShortHelpView(bindings)
	}
	lines := []string{
		header,
		chain,
		body,
		ansi.Truncate(status, w, "…"),
		ansi.Truncate(helpLine, w, "…"),
	}
	return strings.Join(lines, "\n")
}

func (m *Model) helpView(t screen) string {
	st := m.s.styles
	groups := t.FullHelp()
	global := []key.Binding{m.keys.Help, m.keys.Lock, m.keys.Quit}
	if len(groups) >= 4 {
		groups[len(groups)-1] = append(groups[len(groups)-1], global...)
	} else {
		groups = append(groups, global)
	}
	hm := m.help
	hm.ShowAll = true
	return st.Section.Render("Keys on this screen") + "\n\n" + hm.FullHelpView(groups) + "\n\n" + st.Muted.Render("? or esc closes this help")
}

// fitLines cuts or pads s to exactly h lines of at most w cells.
func fitLines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// CurrentTitle is the title of the screen on top (for tests and the e2e).
func (m *Model) CurrentTitle() string {
	if t := m.top(); t != nil {
		return t.Title()
	}
	return ""
}
