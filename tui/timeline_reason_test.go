package tui

import (
	"context"
	"testing"

	"rightsdesk/model"
)

// TestTimelineShowsReasons: the request screen's timeline shows the reason
// staff typed, read from the event's text, and "(erased)" once purge (here
// a direct delete) has erased it.
func TestTimelineShowsReasons(t *testing.T) {
	env := newEnv(t)
	env.seed(t)
	ctx := context.Background()
	if _, err := env.store.Apply(ctx, env.lead, "R-2026-0002", model.Op{Action: model.ActExtend, Reason: "Fairweather file in three systems", Date: fixedNow}, fixedNow); err != nil {
		t.Fatal(err)
	}
	open := func() *Model {
		m := env.signedIn(t, env.lead, 160, 60)
		keys(t, m, "end", "enter") // extended, it is due last
		mustContain(t, m, "Request R-2026-0002", "Timeline")
		return m
	}
	mustContain(t, open(), "extended — due 2026-11-06; told 2026-09-03; reason: Fairweather file in three systems")
	if _, err := env.store.DB().Exec("DELETE FROM event_texts"); err != nil {
		t.Fatal(err)
	}
	mustContain(t, open(), "extended — due 2026-11-06; told 2026-09-03; reason: (erased)")
}
