package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Styles is the desk's one set of styles, built from a small semantic
// palette. It is rebuilt when the terminal reports its background colour so
// both light and dark terminals stay readable.
type Styles struct {
	noColor bool

	Title    lipgloss.Style
	Header   lipgloss.Style
	Muted    lipgloss.Style
	Accent   lipgloss.Style
	OK       lipgloss.Style
	Warn     lipgloss.Style
	Late     lipgloss.Style
	Error    lipgloss.Style
	Selected lipgloss.Style
	Label    lipgloss.Style
	Focus    lipgloss.Style
	Key      lipgloss.Style
	Section  lipgloss.Style
	Bar      lipgloss.Style // the dashboard's bars

	Help  help.Styles
	Input textinput.Styles
}

// palette is the handful of colours every style is made of.
type palette struct {
	ok, warn, late, muted, accent, text color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		ok:     ld(lipgloss.Color("#1a7f37"), lipgloss.Color("#57d18b")),
		warn:   ld(lipgloss.Color("#9a6700"), lipgloss.Color("#f2c94c")),
		late:   ld(lipgloss.Color("#c62828"), lipgloss.Color("#ff6b6b")),
		muted:  ld(lipgloss.Color("#6e7781"), lipgloss.Color("#8b949e")),
		accent: ld(lipgloss.Color("#5a32a3"), lipgloss.Color("#b392f0")),
		text:   ld(lipgloss.Color("#1f2328"), lipgloss.Color("#e6edf3")),
	}
}

// newStyles builds the styles for a background and a colour profile. With
// no colour (NO_COLOR, a dumb terminal, the ASCII profile of the goldens)
// only bold, faint and reverse carry meaning, and every coloured thing also
// has a text marker, so nothing depends on colour alone.
func newStyles(isDark bool, profile colorprofile.Profile) *Styles {
	s := &Styles{noColor: profile <= colorprofile.ASCII}
	p := newPalette(isDark)
	fg := func(c color.Color) lipgloss.Style {
		if s.noColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(c)
	}
	s.Title = fg(p.accent).Bold(true)
	s.Header = lipgloss.NewStyle().Bold(true)
	s.Muted = fg(p.muted)
	if s.noColor {
		s.Muted = s.Muted.Faint(true)
	}
	s.Accent = fg(p.accent)
	s.OK = fg(p.ok)
	s.Warn = fg(p.warn)
	s.Late = fg(p.late).Bold(true)
	s.Error = fg(p.late).Bold(true)
	s.Selected = lipgloss.NewStyle().Reverse(true)
	s.Label = lipgloss.NewStyle().Bold(true)
	s.Focus = fg(p.accent).Bold(true)
	s.Key = fg(p.accent).Bold(true)
	s.Section = fg(p.accent).Bold(true).Underline(true)
	s.Bar = fg(p.accent)

	s.Help = help.DefaultStyles(isDark)
	if s.noColor {
		plain := lipgloss.NewStyle()
		s.Help = help.Styles{
			Ellipsis: plain, ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain,
			FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain,
		}
	} else {
		s.Help.ShortKey = s.Help.ShortKey.Foreground(p.accent)
		s.Help.FullKey = s.Help.FullKey.Foreground(p.accent)
	}
	s.Input = textinput.DefaultStyles(isDark)
	if s.noColor {
		plain := lipgloss.NewStyle()
		st := textinput.StyleState{Text: plain, Placeholder: plain.Faint(true), Suggestion: plain, Prompt: plain}
		s.Input.Focused, s.Input.Blurred = st, st
	}
	// A blinking cursor needs a timer command for every field; the desk
	// keeps a steady cursor so no timers run behind the forms.
	s.Input.Cursor.Blink = false
	return s
}
