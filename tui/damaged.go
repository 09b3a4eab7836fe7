package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// checkTimeout bounds the whole-file check: it reads every page, a few
// seconds on a large register, far more than an ordinary read.
const checkTimeout = 10 * time.Minute

// checkedMsg is the whole-file check's answer.
type checkedMsg struct{ err error }

// checkCmd runs SQLite's quick_check over the whole file. Opening the
// database checks only its schema, so that the first frame is not kept
// waiting; this runs right after it, while the sign-in is on screen.
func checkCmd(parent context.Context, st *storage.Store) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, checkTimeout)
		defer cancel()
		return checkedMsg{err: st.QuickCheck(ctx)}
	}
}

// damagedScreen replaces everything when the database is found damaged:
// nothing more is read or saved, and it says which backup to restore.
// Only quitting leaves it.
type damagedScreen struct {
	s      *session
	why    string
	advice string
	width  int
	keys   struct{ Quit key.Binding }
}

func newDamagedScreen(s *session, err error, advice string) *damagedScreen {
	v := &damagedScreen{s: s, why: err.Error(), advice: advice}
	v.keys.Quit = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
	return v
}

func (v *damagedScreen) Init() tea.Cmd    { return nil }
func (v *damagedScreen) Title() string    { return "Database damaged" }
func (v *damagedScreen) SetSize(w, _ int) { v.width = w }

func (v *damagedScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, v.keys.Quit) {
		return v, tea.Quit
	}
	return v, nil
}

func (v *damagedScreen) View() string {
	st := v.s.styles
	w := max(20, min(v.width, 100))
	var b strings.Builder
	b.WriteString(st.Error.Render("The database file is damaged.") + "\n\n")
	b.WriteString(ansi.Wordwrap("Nothing more can be read or saved safely, so the desk has stopped here. Quit (q), then restore a backup:", w, " ") + "\n\n")
	for _, l := range strings.Split(model.CleanText(v.advice, 2000), "\n") {
		b.WriteString(ansi.Hardwrap(l, w, true) + "\n") // wrapped, not cut: the paths must stay whole
	}
	b.WriteString("\n" + st.Muted.Render(ansi.Wrap("SQLite said: "+model.Clean(v.why, 400), w, "/")))
	return b.String()
}

func (v *damagedScreen) ShortHelp() []key.Binding  { return []key.Binding{v.keys.Quit} }
func (v *damagedScreen) FullHelp() [][]key.Binding { return [][]key.Binding{{v.keys.Quit}} }
