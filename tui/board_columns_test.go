package tui

import (
	"testing"
	"time"
)

// TestBoardLeftColumnFitsAt80: the "left" column shows a pause's length
// whole on an 80-column terminal, up to three digits of days.
func TestBoardLeftColumnFitsAt80(t *testing.T) {
	for _, tc := range []struct {
		days int
		want string
	}{
		{12, "paused 12d"},
		{120, "paused 120d"},
	} {
		env := newEnv(t)
		env.seed(t)
		env.clock.Add(time.Duration(tc.days) * 24 * time.Hour)
		m := env.signedIn(t, env.lead, 80, 24)
		mustContain(t, m, tc.want)
	}
}
