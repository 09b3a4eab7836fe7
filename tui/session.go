package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// session is what every screen of one desk shares: the store, the clock,
// the clinic's settings, who is signed in, the styles and the size. One root
// model owns one session, so one process can serve several desks.
type session struct {
	store     *storage.Store
	now       func() time.Time
	settings  model.Settings
	user      model.Staff
	styles    *Styles
	width     int
	height    int
	exportDir string
	startDir  string
	// chainVerified is when `audit verify` last passed ("" when never).
	chainVerified string
}

// today is the clinic's current date.
func (s *session) today() time.Time { return model.DateOf(s.now().In(s.settings.Location())) }

// fmtDate writes a date in the clinic's date order.
func (s *session) fmtDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return model.FormatDate(t, s.settings.DateOrder)
}

// fmtTime writes an instant in the clinic's time zone.
func (s *session) fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	lt := t.In(s.settings.Location())
	return model.FormatDate(lt, s.settings.DateOrder) + " " + lt.Format("15:04")
}

// dbTimeout bounds every database call a command makes, so a stuck disk
// shows an error instead of a frozen desk.
const dbTimeout = 30 * time.Second

func dbContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), dbTimeout)
}

// errText is what the desk shows of an error. Errors a person can fix, and
// the store's plain messages (busy, disk full, read-only, throttled), are
// shown as they are; others carry their context.
func errText(err error) string {
	if err == nil {
		return ""
	}
	var te *storage.ThrottledError
	switch {
	case model.IsUserError(err), errors.As(err, &te):
		return err.Error()
	case errors.Is(err, storage.ErrBusy), errors.Is(err, storage.ErrDiskFull), errors.Is(err, storage.ErrReadOnly):
		for _, e := range []error{storage.ErrBusy, storage.ErrDiskFull, storage.ErrReadOnly} {
			if errors.Is(err, e) {
				return e.Error()
			}
		}
	case storage.IsDamaged(err):
		return "the database file is damaged: nothing was saved; quit, and restore the newest backup (rightsdesk names it when it starts)"
	case errors.Is(err, context.DeadlineExceeded):
		return "the database did not answer in time: nothing was saved; try again"
	}
	return fmt.Sprintf("could not finish: %v", err)
}
