package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// lockScreen hides everything while the desk is locked. The person who
// was signed in comes back with their PIN or passphrase; anyone else
// presses esc and signs in fully.
type lockScreen struct {
	s    *session
	form *form
	busy bool
	keys struct{ Other key.Binding }
}

func newLockScreen(s *session) *lockScreen {
	f := newForm(s.styles)
	f.secret("secret", "PIN or passphrase", func(v string) error {
		if v == "" {
			return model.Invalid("PIN", "type your PIN or passphrase", "")
		}
		return nil
	})
	v := &lockScreen{s: s, form: f}
	v.keys.Other = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "someone else signs in"))
	return v
}

func (v *lockScreen) Init() tea.Cmd    { return nil }
func (v *lockScreen) Title() string    { return "Locked" }
func (v *lockScreen) Capturing() bool  { return true }
func (v *lockScreen) SetSize(w, _ int) { v.form.SetWidth(min(w, 90)) }

type unlockResultMsg struct {
	staff model.Staff
	err   error
}

func (v *lockScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case unlockResultMsg:
		v.busy = false
		if msg.err != nil {
			v.form.err = errText(msg.err)
			v.form.SetValue("secret", "")
			return v, nil
		}
		return v, func() tea.Msg { return unlockedMsg{staff: msg.staff} }
	case tea.KeyPressMsg:
		if v.busy {
			return v, nil
		}
		if msg.String() == "esc" {
			return v, func() tea.Msg { return signOutMsg{} }
		}
		if msg.String() == "enter" {
			secret := v.form.Value("secret")
			if secret == "" {
				v.form.err = "type your PIN or passphrase"
				return v, nil
			}
			v.busy = true
			st, id, now := v.s.store, v.s.user.ID, v.s.now()
			return v, func() tea.Msg {
				ctx, cancel := dbContext()
				defer cancel()
				var staff model.Staff
				var err error
				if isDigits(secret) {
					staff, err = st.UnlockWithPIN(ctx, id, secret, now)
				} else {
					staff, err = st.UnlockWithPassphrase(ctx, id, secret, now)
				}
				return unlockResultMsg{staff: staff, err: err}
			}
		}
	}
	_, cmd := v.form.Update(msg)
	return v, cmd
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (v *lockScreen) View() string {
	st := v.s.styles
	var b strings.Builder
	b.WriteString(st.Section.Render("The desk is locked") + "\n\n")
	b.WriteString("Personal data is hidden. " + st.Label.Render(model.Clean(v.s.user.Name, 60)) + " can unlock with their PIN or passphrase.\n")
	b.WriteString(st.Muted.Render("Someone else? Press esc to sign in as yourself.") + "\n\n")
	b.WriteString(v.form.View())
	return b.String()
}

func (v *lockScreen) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "unlock")), v.keys.Other}
}
func (v *lockScreen) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
