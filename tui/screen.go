package tui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// screen is one page of the desk. Only the root model returns a tea.View;
// screens render strings into the area the root gives them.
type screen interface {
	Init() tea.Cmd
	Update(tea.Msg) (screen, tea.Cmd)
	View() string
	SetSize(width, height int)
	Title() string
	help.KeyMap
}

// capturer is a screen whose text field has focus: letters type into it,
// so the root must not treat them (or ?) as commands.
type capturer interface{ Capturing() bool }

// dirtier is a screen holding input not yet saved.
type dirtier interface{ Dirty() bool }

func capturing(s screen) bool {
	c, ok := s.(capturer)
	return ok && c.Capturing()
}

func dirty(s screen) bool {
	d, ok := s.(dirtier)
	return ok && d.Dirty()
}

// Navigation is done with typed messages the root acts on, never by a
// screen reaching into the root.
type (
	pushMsg  struct{ s screen }
	popMsg   struct{}
	resetMsg struct {
		s    screen // replaces the whole stack
		note string // shown in the footer once it has
	}
	replaceMsg struct{ s screen } // replaces the screen on top
	// shownMsg tells a screen it is on top again (after a pop), so it can
	// reload what the screen above may have changed.
	shownMsg struct{}
	// flashMsg shows a one-line message in the footer.
	flashMsg struct {
		text  string
		isErr bool
	}
)

func push(s screen) tea.Cmd { return func() tea.Msg { return pushMsg{s} } }
func pop() tea.Msg          { return popMsg{} }
func reset(s screen, note string) tea.Cmd {
	return func() tea.Msg { return resetMsg{s, note} }
}
func replace(s screen) tea.Cmd { return func() tea.Msg { return replaceMsg{s} } }
func flash(text string) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text} }
}
func flashErr(err error) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: errText(err), isErr: true} }
}
