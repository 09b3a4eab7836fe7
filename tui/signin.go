package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// signInScreen asks for a name and passphrase. Wrong answers and the
// store's throttling are shown as the store words them.
type signInScreen struct {
	s    *session
	form *form
	busy bool
	note string
}

func newSignInScreen(s *session, note string) *signInScreen {
	f := newForm(s.styles)
	f.text("name", "Name", "", func(v string) error {
		if strings.TrimSpace(v) == "" {
			return model.Invalid("name", "type your name", "as the admin added you")
		}
		return nil
	})
	f.secret("pass", "Passphrase", func(v string) error {
		if v == "" {
			return model.Invalid("passphrase", "type your passphrase", "")
		}
		return nil
	})
	return &signInScreen{s: s, form: f, note: note}
}

type signInResultMsg struct {
	staff model.Staff
	set   model.Settings
	chain string
	err   error
}

func (v *signInScreen) Init() tea.Cmd   { return nil }
func (v *signInScreen) Title() string   { return "Sign in" }
func (v *signInScreen) Capturing() bool { return v.form.Capturing() }
func (v *signInScreen) SetSize(w, h int) {
	v.form.SetWidth(min(w, 90))
}

func (v *signInScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case signInResultMsg:
		v.busy = false
		if msg.err != nil {
			v.form.err = errText(msg.err)
			v.form.SetValue("pass", "")
			v.form.FocusKey("pass")
			return v, nil
		}
		return v, func() tea.Msg { return signedInMsg{staff: msg.staff, settings: msg.set, chain: msg.chain} }
	}
	if v.busy {
		return v, nil
	}
	res, cmd := v.form.Update(msg)
	switch res {
	case formSubmit:
		v.busy = true
		v.form.err = ""
		st, now := v.s.store, v.s.now()
		name, pass := v.form.Value("name"), v.form.Value("pass")
		return v, func() tea.Msg {
			ctx, cancel := dbContext()
			defer cancel()
			staff, err := st.Authenticate(ctx, name, pass, now)
			if err != nil {
				return signInResultMsg{err: err}
			}
			set, err := st.Settings(ctx)
			if err != nil {
				return signInResultMsg{err: err}
			}
			chain, _ := st.Meta(ctx, "chain_verified_at")
			return signInResultMsg{staff: staff, set: set, chain: chain}
		}
	case formCancel:
		v.form.SetValue("name", "")
		v.form.SetValue("pass", "")
		v.form.FocusFirst()
	}
	return v, cmd
}

func (v *signInScreen) View() string {
	st := v.s.styles
	var b strings.Builder
	b.WriteString(st.Section.Render("Sign in") + "\n\n")
	if v.note != "" {
		b.WriteString(st.Muted.Render(v.note) + "\n\n")
	}
	b.WriteString(v.form.View())
	if v.busy {
		b.WriteString("\n\n" + st.Muted.Render("Checking…"))
	}
	return b.String()
}

func (v *signInScreen) ShortHelp() []key.Binding  { return v.form.ShortHelp() }
func (v *signInScreen) FullHelp() [][]key.Binding { return [][]key.Binding{v.form.ShortHelp()} }
