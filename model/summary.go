package model

import "time"

// Summary is one row of the board or a list: enough to sort, colour and
// show a request without loading its evidence or timeline.
type Summary struct {
	ID            int64
	Reference     string
	Kind          Kind
	Channel       Channel
	Rule          Rule
	Status        Status
	PauseReason   PauseReason
	PausedSince   time.Time
	PausedDays    int
	ReceivedOn    time.Time
	ClockStart    time.Time
	DueOn         time.Time // the first deadline
	EffectiveDue  time.Time // the deadline in force
	Extended      bool
	ExtendedDueOn time.Time
	ClosedOn      time.Time
	SubjectName   string
	SubjectDOB    time.Time
	RequesterName string
	Relationship  Relationship
	Verified      bool
	Missing       []string
	OwnerID       int64
}

// Urgency says how a row should look on the board.
type Urgency int

const (
	UrgencyNone   Urgency = iota
	UrgencyPaused         // muted
	UrgencySoon           // due within 7 days: warn
	UrgencyLate           // overdue: late
	UrgencyClosed
)

// SoonDays is how close a deadline must be to warn.
const SoonDays = 7

// DaysLeft is the number of days until the deadline in force.
func (s Summary) DaysLeft(today time.Time) int { return DaysBetween(today, s.EffectiveDue) }

// PausedDaysOn counts every paused day, the current pause included.
func (s Summary) PausedDaysOn(today time.Time) int {
	n := s.PausedDays
	if s.Status == StatusPaused && !s.PausedSince.IsZero() {
		n += max(0, DaysBetween(s.PausedSince, today))
	}
	return n
}

// UrgencyOn classifies the row for colouring.
func (s Summary) UrgencyOn(today time.Time) Urgency {
	switch {
	case s.Status.Closed():
		return UrgencyClosed
	case s.Status == StatusPaused:
		return UrgencyPaused
	case s.DaysLeft(today) < 0:
		return UrgencyLate
	case s.DaysLeft(today) <= SoonDays:
		return UrgencySoon
	}
	return UrgencyNone
}

// Counts are the board's header figures.
type Counts struct {
	Open                 int
	DueThisWeek          int
	Overdue              int
	AwaitingVerification int
	Paused               int
}
