package tui

import (
	"strings"

	"charm.land/bubbles/v2/filepicker"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
)

// attachScreen picks a file to attach to a request (records gathered from
// the clinic's other systems); the store copies it in.
type attachScreen struct {
	s    *session
	ref  string
	fp   filepicker.Model
	busy bool
	err  string
	keys struct{ Back key.Binding }
}

func newAttachScreen(s *session, ref string) *attachScreen {
	fp := filepicker.New()
	fp.CurrentDirectory = s.startDir
	if fp.CurrentDirectory == "" {
		fp.CurrentDirectory = "."
	}
	fp.AutoHeight = false
	v := &attachScreen{s: s, ref: ref, fp: fp}
	v.keys.Back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	return v
}

func (v *attachScreen) Title() string    { return "Attach a file to " + model.Clean(v.ref, 20) }
func (v *attachScreen) Init() tea.Cmd    { return v.fp.Init() }
func (v *attachScreen) SetSize(_, h int) { v.fp.SetHeight(max(3, h-4)) }

type attachedMsg struct{ err error }

func (v *attachScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case attachedMsg:
		v.busy = false
		if msg.err != nil {
			v.err = errText(msg.err)
			return v, nil
		}
		return v, tea.Batch(pop, flash("File attached to "+model.Clean(v.ref, 20)))
	case tea.KeyPressMsg:
		if v.busy {
			return v, nil
		}
		if msg.String() == "esc" {
			return v, pop
		}
	}
	var cmd tea.Cmd
	v.fp, cmd = v.fp.Update(msg)
	if ok, path := v.fp.DidSelectFile(msg); ok {
		v.busy, v.err = true, ""
		st, actor, ref, now := v.s.store, v.s.user, v.ref, v.s.now()
		return v, func() tea.Msg {
			ctx, cancel := dbContext()
			defer cancel()
			_, err := st.AttachFile(ctx, actor, ref, path, now)
			return attachedMsg{err: err}
		}
	}
	return v, cmd
}

func (v *attachScreen) View() string {
	st := v.s.styles
	var b strings.Builder
	b.WriteString(st.Section.Render("Choose a file") + "  " + st.Muted.Render(model.Clean(v.fp.CurrentDirectory, 60)) + "\n\n")
	b.WriteString(v.fp.View())
	if v.err != "" {
		b.WriteString("\n" + st.Error.Render("✗ "+v.err))
	}
	if v.busy {
		b.WriteString("\n" + st.Muted.Render("Attaching…"))
	}
	return b.String()
}

func (v *attachScreen) ShortHelp() []key.Binding {
	return []key.Binding{v.fp.KeyMap.Select, v.fp.KeyMap.Back, v.fp.KeyMap.Up, v.fp.KeyMap.Down, v.keys.Back}
}
func (v *attachScreen) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
