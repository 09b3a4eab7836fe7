package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// setupScreen is the first run on an empty database: the clinic's choices
// and its first admin, who is then signed in.
type setupScreen struct {
	s    *session
	form *form
	busy bool
}

func newSetupScreen(s *session) *setupScreen {
	d := model.DefaultSettings()
	f := newForm(s.styles)
	f.text("clinic", "Clinic name", d.ClinicName, func(v string) error { _, err := model.ParseName(v); return err })
	f.choice("rule", "Rule set", ruleOptions(), string(d.Rule))
	f.choice("nation", "Holidays of", nationOptions(), string(d.Nation))
	f.text("age", "Age threshold", strconv.Itoa(d.AgeThreshold), checkAge).hint = func() string {
		return "under this age a parent's proof is needed (the clinic's policy: 16)"
	}
	f.choice("child", "A child's own request", childPolicyOptions(), string(d.ChildPolicy))
	f.choice("dates", "Dates are typed", dateOrderOptions(), string(d.DateOrder))
	f.text("admin", "First admin's name", "", func(v string) error { _, err := model.ParseName(v); return err })
	f.secret("pass", "Passphrase", model.ValidatePassphrase).hint = func() string {
		return "at least 12 characters: three or four unrelated words"
	}
	f.secret("again", "Passphrase again", func(v string) error {
		if v != f.Value("pass") {
			return model.Invalid("passphrase", "the two passphrases differ", "type the same passphrase twice")
		}
		return nil
	})
	return &setupScreen{s: s, form: f}
}

func checkAge(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 12 || n > 18 {
		return model.Invalid("age threshold", "the age threshold is a whole number from 12 to 18", "the clinic's policy is 16")
	}
	return nil
}

func (v *setupScreen) settings() model.Settings {
	set := model.DefaultSettings()
	set.ClinicName = strings.TrimSpace(v.form.Value("clinic"))
	set.Rule = model.Rule(v.form.Value("rule"))
	set.Nation = model.Nation(v.form.Value("nation"))
	set.AgeThreshold, _ = strconv.Atoi(strings.TrimSpace(v.form.Value("age")))
	set.ChildPolicy = model.ChildPolicy(v.form.Value("child"))
	set.DateOrder = model.DateOrder(v.form.Value("dates"))
	if set.Nation == model.NationUS {
		set.TimeZone = "America/Los_Angeles"
	}
	return set
}

func (v *setupScreen) Init() tea.Cmd    { return nil }
func (v *setupScreen) Title() string    { return "Set up the clinic" }
func (v *setupScreen) Capturing() bool  { return v.form.Capturing() }
func (v *setupScreen) Dirty() bool      { return v.form.Dirty() }
func (v *setupScreen) SetSize(w, _ int) { v.form.SetWidth(min(w, 100)) }

type setupDoneMsg struct {
	staff model.Staff
	set   model.Settings
	err   error
}

func (v *setupScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(setupDoneMsg); ok {
		v.busy = false
		if msg.err != nil {
			v.form.err = errText(msg.err)
			return v, nil
		}
		return v, func() tea.Msg { return signedInMsg{staff: msg.staff, settings: msg.set} }
	}
	if v.busy {
		return v, nil
	}
	res, cmd := v.form.Update(msg)
	switch res {
	case formSubmit:
		set := v.settings()
		if err := set.Validate(); err != nil {
			v.form.err = errText(err)
			return v, nil
		}
		v.busy = true
		st, now := v.s.store, v.s.now()
		admin, pass := v.form.Value("admin"), v.form.Value("pass")
		return v, func() tea.Msg {
			ctx, cancel := dbContext()
			defer cancel()
			staff, err := st.Setup(ctx, set, admin, pass, now)
			return setupDoneMsg{staff: staff, set: set, err: err}
		}
	case formCancel:
		// There is nowhere to go back to: the form stays as it is.
		return v, nil
	}
	return v, cmd
}

func (v *setupScreen) View() string {
	st := v.s.styles
	var b strings.Builder
	b.WriteString(st.Section.Render("Welcome: set up the clinic") + "\n")
	b.WriteString(st.Muted.Render("This database is new. Choose the clinic's rules and add the first admin.") + "\n\n")
	b.WriteString(v.form.View())
	if v.busy {
		b.WriteString("\n\n" + st.Muted.Render("Saving…"))
	}
	return b.String()
}

func (v *setupScreen) ShortHelp() []key.Binding  { return v.form.ShortHelp() }
func (v *setupScreen) FullHelp() [][]key.Binding { return [][]key.Binding{v.form.ShortHelp()} }
