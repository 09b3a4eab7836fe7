package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// staffScreen lists staff and lets an admin add members, change roles,
// reset passphrases and deactivate (never delete: the audit trail names
// them).
type staffScreen struct {
	s      *session
	list   []model.Staff
	cursor int
	err    string
	keys   staffKeys
	// form is the open add/role/reset form.
	form     *form
	formKind string
	busy     bool
}

type staffKeys struct {
	Up, Down, Add, Role, Reset, Active, Back key.Binding
}

func newStaffScreen(s *session) *staffScreen {
	return &staffScreen{s: s, keys: staffKeys{
		Up:     key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Add:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "add member")),
		Role:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "change role")),
		Reset:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "reset passphrase")),
		Active: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "deactivate/reactivate")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

type staffLoadedMsg struct {
	list []model.Staff
	err  error
}

type staffDoneMsg struct {
	text string
	err  error
}

func (v *staffScreen) loadCmd() tea.Cmd {
	st := v.s.store
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		l, err := st.ListStaff(ctx)
		return staffLoadedMsg{l, err}
	}
}

func (v *staffScreen) Title() string   { return "Staff" }
func (v *staffScreen) Init() tea.Cmd   { return v.loadCmd() }
func (v *staffScreen) Capturing() bool { return v.form != nil && v.form.Capturing() }
func (v *staffScreen) Dirty() bool     { return v.form != nil && v.form.Dirty() }
func (v *staffScreen) SetSize(w, _ int) {
	if v.form != nil {
		v.form.SetWidth(min(w, 100))
	}
}

func (v *staffScreen) selected() (model.Staff, bool) {
	if v.cursor < 0 || v.cursor >= len(v.list) {
		return model.Staff{}, false
	}
	return v.list[v.cursor], true
}

func (v *staffScreen) run(text string, fn func() error) tea.Cmd {
	v.busy = true
	return func() tea.Msg { return staffDoneMsg{text: text, err: fn()} }
}

func (v *staffScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case staffLoadedMsg:
		if msg.err != nil {
			v.err = errText(msg.err)
			return v, nil
		}
		v.list = msg.list
		v.cursor = min(v.cursor, max(0, len(v.list)-1))
		return v, nil
	case staffDoneMsg:
		v.busy = false
		if msg.err != nil {
			if v.form != nil {
				v.form.err = errText(msg.err)
				return v, nil
			}
			return v, flashErr(msg.err)
		}
		v.form = nil
		return v, tea.Batch(v.loadCmd(), flash(msg.text))
	case tea.KeyPressMsg:
		if v.busy {
			return v, nil
		}
		if v.form != nil {
			return v.updateForm(msg)
		}
		return v.updateKey(msg)
	}
	return v, nil
}

func (v *staffScreen) updateKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k := v.keys
	st := v.s.styles
	cur, ok := v.selected()
	switch {
	case key.Matches(msg, k.Back):
		return v, pop
	case key.Matches(msg, k.Up):
		v.cursor = max(0, v.cursor-1)
	case key.Matches(msg, k.Down):
		v.cursor = min(len(v.list)-1, v.cursor+1)
	case key.Matches(msg, k.Add):
		f := newForm(st)
		f.text("name", "Name", "", checkName)
		f.choice("role", "Role", roleOptions(), string(model.RoleDesk))
		f.secret("pass", "First passphrase", model.ValidatePassphrase)
		v.form, v.formKind = f, "add"
	case key.Matches(msg, k.Role) && ok:
		f := newForm(st)
		f.choice("role", "New role for "+model.Clean(cur.Name, 30), roleOptions(), string(cur.Role))
		v.form, v.formKind = f, "role"
	case key.Matches(msg, k.Reset) && ok:
		f := newForm(st)
		f.secret("pass", "New passphrase", model.ValidatePassphrase)
		v.form, v.formKind = f, "reset"
	case key.Matches(msg, k.Active) && ok:
		st, actor, now := v.s.store, v.s.user, v.s.now()
		text := model.Clean(cur.Name, 40) + " deactivated"
		if !cur.Active {
			text = model.Clean(cur.Name, 40) + " reactivated"
		}
		return v, v.run(text, func() error {
			ctx, cancel := dbContext()
			defer cancel()
			return st.SetActive(ctx, actor, cur.ID, !cur.Active, now)
		})
	}
	return v, nil
}

func (v *staffScreen) updateForm(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	res, cmd := v.form.Update(msg)
	switch res {
	case formCancel:
		v.form = nil
	case formSubmit:
		f := v.form
		st, actor, now := v.s.store, v.s.user, v.s.now()
		cur, _ := v.selected()
		switch v.formKind {
		case "add":
			name, role, pass := f.Value("name"), model.Role(f.Value("role")), f.Value("pass")
			return v, v.run("Added "+model.Clean(name, 40), func() error {
				ctx, cancel := dbContext()
				defer cancel()
				_, err := st.AddStaff(ctx, actor, name, role, pass, now)
				return err
			})
		case "role":
			role := model.Role(f.Value("role"))
			return v, v.run(fmt.Sprintf("%s is now %s", model.Clean(cur.Name, 40), role), func() error {
				ctx, cancel := dbContext()
				defer cancel()
				return st.SetRole(ctx, actor, cur.ID, role, now)
			})
		case "reset":
			pass := f.Value("pass")
			return v, v.run("Passphrase reset for "+model.Clean(cur.Name, 40)+"; their PIN is cleared", func() error {
				ctx, cancel := dbContext()
				defer cancel()
				return st.ResetPassphrase(ctx, actor, cur.ID, pass, now)
			})
		}
	}
	return v, cmd
}

func (v *staffScreen) View() string {
	st := v.s.styles
	var b strings.Builder
	b.WriteString(st.Section.Render("Staff") + "  " + st.Muted.Render("staff are never deleted: the audit trail names them") + "\n\n")
	if v.err != "" {
		b.WriteString(st.Error.Render("✗ "+v.err) + "\n")
	}
	b.WriteString(st.Label.Render(" "+cell("name", 32)+" "+cell("role", 8)+" "+cell("state", 12)+" PIN") + "\n")
	for i, m := range v.list {
		state := "active"
		if !m.Active {
			state = "deactivated"
		}
		pin := "no"
		if m.HasPIN {
			pin = "set"
		}
		line := " " + cell(model.Clean(m.Name, 60), 32) + " " + cell(string(m.Role), 8) + " " + cell(state, 12) + " " + pin
		if i == v.cursor && v.form == nil {
			line = st.Selected.Render(line)
		} else if !m.Active {
			line = st.Muted.Render(line)
		}
		b.WriteString(line + "\n")
	}
	if v.form != nil {
		b.WriteString("\n" + v.form.View())
	}
	return b.String()
}

func (v *staffScreen) ShortHelp() []key.Binding {
	if v.form != nil {
		return v.form.ShortHelp()
	}
	k := v.keys
	return []key.Binding{k.Add, k.Role, k.Reset, k.Active, k.Back}
}

func (v *staffScreen) FullHelp() [][]key.Binding {
	k := v.keys
	return [][]key.Binding{{k.Up, k.Down}, {k.Add, k.Role, k.Reset, k.Active, k.Back}}
}
