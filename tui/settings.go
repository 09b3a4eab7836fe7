package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// settingsScreen changes the clinic's choices (admins). Requests already
// logged keep their rule set.
type settingsScreen struct {
	s    *session
	form *form
	busy bool
}

func newSettingsScreen(s *session) *settingsScreen {
	cur := s.settings
	f := newForm(s.styles)
	f.text("clinic", "Clinic name", cur.ClinicName, checkName)
	f.text("email", "Clinic e-mail", cur.ClinicEmail, optional(model.ParseEmail))
	f.text("phone", "Clinic phone", cur.ClinicPhone, optional(model.ParsePhone))
	f.text("address", "Clinic address", cur.ClinicAddress, nil)
	f.choice("rule", "Rule set for new requests", ruleOptions(), string(cur.Rule))
	f.choice("nation", "Holidays of", nationOptions(), string(cur.Nation))
	f.text("tz", "Time zone", cur.TimeZone, nil)
	f.text("age", "Age threshold", strconv.Itoa(cur.AgeThreshold), checkAge)
	f.choice("child", "A child's own request", childPolicyOptions(), string(cur.ChildPolicy))
	f.choice("dates", "Dates are typed", dateOrderOptions(), string(cur.DateOrder))
	f.toggle("strong", "Strong ID for health records", cur.RequireStrongID)
	f.text("idle", "Idle lock after (minutes)", strconv.Itoa(cur.IdleLockMinutes), checkRange("idle lock", 1, 60))
	f.text("keep", "Keep closed requests (years)", strconv.Itoa(cur.RetentionYears), checkRange("retention", 2, 100))
	return &settingsScreen{s: s, form: f}
}

func checkRange(field string, lo, hi int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			return model.Invalid(field, field+" must be a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi), "type a number")
		}
		return nil
	}
}

func (v *settingsScreen) Title() string    { return "Settings" }
func (v *settingsScreen) Init() tea.Cmd    { return nil }
func (v *settingsScreen) Capturing() bool  { return v.form.Capturing() }
func (v *settingsScreen) Dirty() bool      { return v.form.Dirty() }
func (v *settingsScreen) SetSize(w, _ int) { v.form.SetWidth(min(w, 110)) }

func (v *settingsScreen) settings() model.Settings {
	f := v.form
	set := v.s.settings
	set.ClinicName = strings.TrimSpace(f.Value("clinic"))
	set.ClinicEmail = strings.TrimSpace(f.Value("email"))
	set.ClinicPhone = strings.TrimSpace(f.Value("phone"))
	set.ClinicAddress = strings.TrimSpace(f.Value("address"))
	set.Rule = model.Rule(f.Value("rule"))
	set.Nation = model.Nation(f.Value("nation"))
	set.TimeZone = strings.TrimSpace(f.Value("tz"))
	set.AgeThreshold, _ = strconv.Atoi(strings.TrimSpace(f.Value("age")))
	set.ChildPolicy = model.ChildPolicy(f.Value("child"))
	set.DateOrder = model.DateOrder(f.Value("dates"))
	set.RequireStrongID = f.On("strong")
	set.IdleLockMinutes, _ = strconv.Atoi(strings.TrimSpace(f.Value("idle")))
	set.RetentionYears, _ = strconv.Atoi(strings.TrimSpace(f.Value("keep")))
	return set
}

type settingsSavedMsg struct {
	set model.Settings
	err error
}

func (v *settingsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if msg, ok := msg.(settingsSavedMsg); ok {
		v.busy = false
		if msg.err != nil {
			v.form.err = errText(msg.err)
			return v, nil
		}
		return v, tea.Batch(func() tea.Msg { return settingsMsg{msg.set} }, pop, flash("Settings saved; requests already logged keep their rule set"))
	}
	if v.busy {
		return v, nil
	}
	res, cmd := v.form.Update(msg)
	switch res {
	case formCancel:
		return v, pop
	case formSubmit:
		set := v.settings()
		if err := set.Validate(); err != nil {
			v.form.err = errText(err)
			return v, nil
		}
		v.busy = true
		st, actor, now := v.s.store, v.s.user, v.s.now()
		return v, func() tea.Msg {
			ctx, cancel := dbContext()
			defer cancel()
			return settingsSavedMsg{set: set, err: st.SaveSettings(ctx, actor, set, now)}
		}
	}
	return v, cmd
}

func (v *settingsScreen) View() string {
	st := v.s.styles
	return st.Section.Render("The clinic's settings") + "\n" +
		st.Muted.Render("enter on the last field saves. Requests already logged keep the rule they were logged under.") + "\n\n" + v.form.View()
}

func (v *settingsScreen) ShortHelp() []key.Binding  { return v.form.ShortHelp() }
func (v *settingsScreen) FullHelp() [][]key.Binding { return [][]key.Binding{v.form.ShortHelp()} }
