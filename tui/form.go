package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The desk's forms are small and keyboard-only: enter moves to the next
// field and submits on the last; tab and shift+tab move; esc leaves, asking
// first when something was typed. While a text field has focus every
// printable key types into it.

type fieldKind int

const (
	fieldText fieldKind = iota
	fieldSecret
	fieldChoice
	fieldToggle
)

type option struct{ value, label string }

type field struct {
	key     string
	label   string
	kind    fieldKind
	in      textinput.Model
	initial string
	opts    []option
	sel     int
	on      bool
	// check validates a text field when leaving it and on submit.
	check func(string) error
	// show hides the field when it returns false (nil: always shown).
	show func() bool
	// hint is a live note under the field (nil: none).
	hint func() string
	err  string
}

type formResult int

const (
	formNone formResult = iota
	formSubmit
	formCancel
)

type form struct {
	st     *Styles
	fields []*field
	focus  int
	width  int
	// confirming is true after esc on a form holding input.
	confirming bool
	// err is a form-wide message, e.g. why saving failed.
	err  string
	keys formKeys
}

type formKeys struct {
	Next, Prev, Enter, Esc, Cycle key.Binding
}

func newFormKeys() formKeys {
	return formKeys{
		Next:  key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:  key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Enter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next / save")),
		Esc:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave")),
		Cycle: key.NewBinding(key.WithKeys("left", "right", "space"), key.WithHelp("←/→", "choose")),
	}
}

func newForm(st *Styles) *form { return &form{st: st, keys: newFormKeys(), width: 78} }

func (f *form) add(fl *field) *field {
	f.fields = append(f.fields, fl)
	if len(f.fields) == 1 || (f.focus == len(f.fields)-1 && !f.fields[f.focus].visible()) {
		f.setFocus(f.firstVisible())
	}
	return fl
}

func (f *form) newInput(value string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = limit
	in.SetStyles(f.st.Input)
	in.SetValue(value)
	in.SetWidth(max(10, f.inputWidth()))
	return in
}

// text adds a one-line text field.
func (f *form) text(key, label, value string, check func(string) error) *field {
	return f.add(&field{key: key, label: label, kind: fieldText, in: f.newInput(value, 200), initial: value, check: check})
}

// secret adds a masked field (passphrases, PINs).
func (f *form) secret(key, label string, check func(string) error) *field {
	in := f.newInput("", 1024)
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	return f.add(&field{key: key, label: label, kind: fieldSecret, in: in, check: check})
}

// choice adds a pick-one field.
func (f *form) choice(key, label string, opts []option, value string) *field {
	fl := &field{key: key, label: label, kind: fieldChoice, opts: opts}
	for i, o := range opts {
		if o.value == value {
			fl.sel = i
		}
	}
	return f.add(fl)
}

// toggle adds a yes/no field.
func (f *form) toggle(key, label string, on bool) *field {
	return f.add(&field{key: key, label: label, kind: fieldToggle, on: on})
}

func (fl *field) visible() bool { return fl.show == nil || fl.show() }

func (fl *field) value() string {
	switch fl.kind {
	case fieldChoice:
		if len(fl.opts) == 0 {
			return ""
		}
		return fl.opts[fl.sel].value
	case fieldToggle:
		if fl.on {
			return "yes"
		}
		return ""
	}
	return fl.in.Value()
}

func (f *form) get(key string) *field {
	for _, fl := range f.fields {
		if fl.key == key {
			return fl
		}
	}
	return nil
}

// Value is a field's value: the text, the chosen option's value, or "yes".
func (f *form) Value(key string) string {
	if fl := f.get(key); fl != nil {
		return fl.value()
	}
	return ""
}

// On is a toggle's state.
func (f *form) On(key string) bool { return f.Value(key) == "yes" }

// SetValue changes a text field's value.
func (f *form) SetValue(key, v string) {
	if fl := f.get(key); fl != nil && (fl.kind == fieldText || fl.kind == fieldSecret) {
		fl.in.SetValue(v)
	}
}

// Dirty is true when a text field holds something not saved.
func (f *form) Dirty() bool {
	for _, fl := range f.fields {
		if (fl.kind == fieldText || fl.kind == fieldSecret) && fl.in.Value() != fl.initial {
			return true
		}
	}
	return false
}

// Capturing is true while a text field has focus (or the leave question
// waits for an answer): keys belong to the form then.
func (f *form) Capturing() bool {
	if f.confirming {
		return true
	}
	fl := f.current()
	return fl != nil && (fl.kind == fieldText || fl.kind == fieldSecret)
}

func (f *form) current() *field {
	if f.focus < 0 || f.focus >= len(f.fields) {
		return nil
	}
	return f.fields[f.focus]
}

func (f *form) firstVisible() int {
	for i, fl := range f.fields {
		if fl.visible() {
			return i
		}
	}
	return 0
}

func (f *form) setFocus(i int) {
	if cur := f.current(); cur != nil {
		cur.in.Blur()
	}
	f.focus = i
	if cur := f.current(); cur != nil && (cur.kind == fieldText || cur.kind == fieldSecret) {
		cur.in.Focus()
		cur.in.CursorEnd()
	}
}

// move focuses the next (dir 1) or previous (dir -1) visible field and
// reports false when there is none.
func (f *form) move(dir int) bool {
	for i := f.focus + dir; i >= 0 && i < len(f.fields); i += dir {
		if f.fields[i].visible() {
			f.setFocus(i)
			return true
		}
	}
	return false
}

func (fl *field) validate() bool {
	fl.err = ""
	if fl.check != nil && fl.visible() {
		if err := fl.check(fl.value()); err != nil {
			fl.err = errText(err)
			return false
		}
	}
	return true
}

// validateAll checks every visible field and focuses the first bad one.
func (f *form) validateAll() bool {
	for i, fl := range f.fields {
		if !fl.validate() {
			f.setFocus(i)
			return false
		}
	}
	return true
}

// FocusFirst puts the focus back on the first field.
func (f *form) FocusFirst() { f.setFocus(f.firstVisible()) }

// FocusKey focuses the named field (after a save failed on it).
func (f *form) FocusKey(key string) {
	for i, fl := range f.fields {
		if fl.key == key && fl.visible() {
			f.setFocus(i)
		}
	}
}

// AtFirst is true when focus is on the first visible field.
func (f *form) AtFirst() bool { return f.focus == f.firstVisible() }

// Update handles one message and says whether the form was submitted or
// left.
func (f *form) Update(msg tea.Msg) (formResult, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if cur := f.current(); cur != nil && (cur.kind == fieldText || cur.kind == fieldSecret) {
			var cmd tea.Cmd
			cur.in, cmd = cur.in.Update(msg)
			return formNone, cmd
		}
		return formNone, nil
	}
	if f.confirming {
		switch km.String() {
		case "y", "Y":
			f.confirming = false
			return formCancel, nil
		case "n", "N", "esc":
			f.confirming = false
		}
		return formNone, nil
	}
	cur := f.current()
	switch {
	case key.Matches(km, f.keys.Esc):
		if f.Dirty() {
			f.confirming = true
			return formNone, nil
		}
		return formCancel, nil
	case key.Matches(km, f.keys.Enter):
		if cur != nil && !cur.validate() {
			return formNone, nil
		}
		if f.move(1) {
			return formNone, nil
		}
		if !f.validateAll() {
			return formNone, nil
		}
		return formSubmit, nil
	case km.String() == "tab" || km.String() == "shift+tab":
		f.move(map[bool]int{true: 1, false: -1}[km.String() == "tab"])
		return formNone, nil
	case (km.String() == "down" || km.String() == "up") && cur != nil && cur.kind != fieldText && cur.kind != fieldSecret:
		f.move(map[bool]int{true: 1, false: -1}[km.String() == "down"])
		return formNone, nil
	}
	if cur == nil {
		return formNone, nil
	}
	switch cur.kind {
	case fieldChoice:
		n := len(cur.opts)
		switch km.String() {
		case "right", "space":
			cur.sel = (cur.sel + 1) % n
		case "left":
			cur.sel = (cur.sel + n - 1) % n
		default:
			// A letter jumps to the next option starting with it.
			if t := strings.ToLower(km.Text); t != "" {
				for i := 1; i <= n; i++ {
					j := (cur.sel + i) % n
					if strings.HasPrefix(strings.ToLower(cur.opts[j].label), t) {
						cur.sel = j
						break
					}
				}
			}
		}
		return formNone, nil
	case fieldToggle:
		switch km.String() {
		case "space", "left", "right":
			cur.on = !cur.on
		case "y", "Y":
			cur.on = true
		case "n", "N":
			cur.on = false
		}
		return formNone, nil
	}
	var cmd tea.Cmd
	before := cur.in.Value()
	cur.in, cmd = cur.in.Update(msg)
	if cur.in.Value() != before {
		cur.err = ""
		f.err = ""
	}
	return formNone, cmd
}

func (f *form) labelWidth() int {
	w := 0
	for _, fl := range f.fields {
		w = max(w, ansi.StringWidth(fl.label))
	}
	return min(w, 26)
}

func (f *form) inputWidth() int { return f.width - f.labelWidth() - 6 }

// SetWidth lays the fields out for a width.
func (f *form) SetWidth(w int) {
	f.width = w
	for _, fl := range f.fields {
		fl.in.SetWidth(max(10, f.inputWidth()))
	}
}

// View draws the visible fields, one a line, with errors and hints under
// the field they belong to.
func (f *form) View() string {
	var b strings.Builder
	lw := f.labelWidth()
	for i, fl := range f.fields {
		if !fl.visible() {
			continue
		}
		focused := i == f.focus
		marker := "  "
		label := ansi.Truncate(fl.label, lw, "…")
		label += strings.Repeat(" ", lw-ansi.StringWidth(label))
		if focused {
			marker = f.st.Focus.Render("› ")
			label = f.st.Focus.Render(label)
		} else {
			label = f.st.Label.Render(label)
		}
		var val string
		switch fl.kind {
		case fieldChoice:
			l := ""
			if len(fl.opts) > 0 {
				l = fl.opts[fl.sel].label
			}
			if focused {
				val = "◂ " + f.st.Accent.Render(l) + " ▸"
			} else {
				val = l
			}
		case fieldToggle:
			box := "[ ] no"
			if fl.on {
				box = "[x] yes"
			}
			if focused {
				box = f.st.Accent.Render(box)
			}
			val = box
		default:
			val = fl.in.View()
		}
		b.WriteString(ansi.Truncate(marker+label+"  "+val, f.width, "…") + "\n")
		if fl.err != "" {
			b.WriteString(wrapIndent(f.st.Error.Render("✗ ")+fl.err, f.width, lw+4) + "\n")
		}
		if fl.hint != nil {
			if h := fl.hint(); h != "" {
				b.WriteString(wrapIndent(f.st.Muted.Render(h), f.width, lw+4) + "\n")
			}
		}
	}
	if f.err != "" {
		b.WriteString("\n" + wrapIndent(f.st.Error.Render("✗ ")+f.err, f.width, 2) + "\n")
	}
	if f.confirming {
		b.WriteString("\n" + f.st.Warn.Render("  Leave and lose what you typed? y = leave, n = stay") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// wrapIndent wraps s to width with every line indented by n spaces.
func wrapIndent(s string, width, n int) string {
	pad := strings.Repeat(" ", n)
	w := max(10, width-n)
	lines := strings.Split(ansi.Wrap(s, w, " "), "\n")
	for i := range lines {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n")
}

// ShortHelp is the form's key help for the footer.
func (f *form) ShortHelp() []key.Binding {
	out := []key.Binding{f.keys.Enter, f.keys.Next, f.keys.Prev}
	if cur := f.current(); cur != nil && (cur.kind == fieldChoice || cur.kind == fieldToggle) {
		out = append(out, f.keys.Cycle)
	}
	return append(out, f.keys.Esc)
}
