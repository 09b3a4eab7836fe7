package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// pinScreen sets the unlock PIN on a member's first sign-in.
type pinScreen struct {
	s    *session
	form *form
	busy bool
}

func newPINScreen(s *session) *pinScreen {
	f := newForm(s.styles)
	f.secret("pin", "New PIN", model.ValidatePIN).hint = func() string {
		return "6 to 12 digits, no pattern such as 123456; it unlocks the desk after an idle lock"
	}
	v := &pinScreen{s: s, form: f}
	f.secret("again", "PIN again", func(p string) error {
		if p != f.Value("pin") {
			return model.Invalid("PIN", "the two PINs differ", "type the same PIN twice")
		}
		return nil
	})
	return v
}

func (v *pinScreen) Init() tea.Cmd    { return nil }
func (v *pinScreen) Title() string    { return "Set your PIN" }
func (v *pinScreen) Capturing() bool  { return v.form.Capturing() }
func (v *pinScreen) SetSize(w, _ int) { v.form.SetWidth(min(w, 90)) }

type pinSetMsg struct{ err error }

func (v *pinScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(pinSetMsg); ok {
		v.busy = false
		if msg.err != nil {
			v.form.err = errText(msg.err)
			return v, nil
		}
		v.s.user.HasPIN = true
		return v, reset(newBoard(v.s), "PIN set: use it to unlock the desk after an idle lock")
	}
	if v.busy {
		return v, nil
	}
	res, cmd := v.form.Update(msg)
	switch res {
	case formSubmit:
		v.busy = true
		st, actor, now, pin := v.s.store, v.s.user, v.s.now(), v.form.Value("pin")
		return v, func() tea.Msg {
			ctx, cancel := dbContext()
			defer cancel()
			return pinSetMsg{err: st.SetPIN(ctx, actor, pin, now)}
		}
	case formCancel:
		return v, func() tea.Msg { return signOutMsg{} }
	}
	return v, cmd
}

func (v *pinScreen) View() string {
	st := v.s.styles
	var b strings.Builder
	b.WriteString(st.Section.Render("Choose an unlock PIN") + "\n\n")
	b.WriteString("Welcome, " + model.Clean(v.s.user.Name, 60) + ". The desk locks itself when left alone;\nyour PIN lets you back in quickly.\n\n")
	b.WriteString(v.form.View())
	return b.String()
}

func (v *pinScreen) ShortHelp() []key.Binding  { return v.form.ShortHelp() }
func (v *pinScreen) FullHelp() [][]key.Binding { return [][]key.Binding{v.form.ShortHelp()} }
