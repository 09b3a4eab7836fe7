package tui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGolden pins the look of each screen at 80×24 and 120×40 with an
// ASCII colour profile and a fixed clock and data. Run with -update to
// regenerate after an intended change.
func TestGolden(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	screens := []struct {
		name string
		open func(t *testing.T, w, h int) *Model
	}{
		{"setup", func(t *testing.T, w, h int) *Model {
			fresh := newEnvEmpty(t)
			m := fresh.model(w, h)
			drive(t, m, m.Init())
			return m
		}},
		{"signin", func(t *testing.T, w, h int) *Model {
			m := env.model(w, h)
			drive(t, m, m.Init())
			keys(t, m, typed("Ada Admin"), "enter", typed("secret"))
			return m
		}},
		{"board", func(t *testing.T, w, h int) *Model { return env.signedIn(t, env.admin, w, h) }},
		{"board_closed", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.admin, w, h)
			keys(t, m, "c")
			return m
		}},
		{"board_search", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.admin, w, h)
			keys(t, m, "/", typed("ada"))
			return m
		}},
		{"request", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.desk, w, h)
			keys(t, m, "enter")
			return m
		}},
		{"request_extend", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.lead, w, h)
			keys(t, m, "enter", "e", typed("many records in three systems"))
			return m
		}},
		{"verify_parent", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.admin, w, h)
			keys(t, m, "/", typed("mia"), "enter", "v")
			return m
		}},
		{"wizard_patient", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.admin, w, h)
			keys(t, m, "n", "right", "enter", typed("Jo Parent"), "enter", "enter", "enter", typed("Mia Child"), "enter", typed("15/01/2014"))
			return m
		}},
		{"help", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.admin, w, h)
			keys(t, m, "?")
			return m
		}},
		{"locked", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.admin, w, h)
			keys(t, m, "ctrl+l")
			return m
		}},
		{"staff", func(t *testing.T, w, h int) *Model {
			m := env.signedIn(t, env.admin, w, h)
			keys(t, m, "A")
			return m
		}},
		{"too_small", func(t *testing.T, _, _ int) *Model { return env.signedIn(t, env.admin, 60, 20) }},
	}
	for _, sc := range screens {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			if sc.name == "too_small" && size[0] != 80 {
				continue
			}
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				m := sc.open(t, size[0], size[1])
				golden.RequireEqual(t, asciiView(m))
			})
		}
	}
}
