package model

import "time"

// Deadlines are counted in whole civil days, never in hours: a request
// received at 23:59 and one received at 00:01 on the same day start the same
// clock, and a daylight-saving change must not shift a due date. So every
// date this package takes or returns is a civil date carried as UTC midnight,
// where each day is exactly 24 hours long.

const dayLength = 24 * time.Hour

// DateOf is the civil date of t, read in t's own location (the day the person
// or system that stamped t was living in), returned as UTC midnight so that
// dates compare with == and subtract to whole days.
func DateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DaysBetween is the number of whole calendar days from date a to date b
// (b-a; negative when b is earlier). Both are reduced to civil dates first,
// so the time of day and any daylight-saving change in between do not count.
func DaysBetween(a, b time.Time) int {
	return int(DateOf(b).Sub(DateOf(a)) / dayLength)
}

// AddDays is the date n calendar days after d (before it when n < 0).
func AddDays(d time.Time, n int) time.Time {
	return DateOf(d).AddDate(0, 0, n)
}

// MonthsLater counts n months from start the way the ICO and EU Regulation
// 1182/71 Art. 3(2)(c) do: the same day of the month n months later, or that
// month's last day when it has no such date (31 January + 1 month = 28 or 29
// February). It does not move the result off weekends or holidays; that
// depends on a nation's calendar and is the caller's next step.
//
// time.AddDate is not used because it normalises 31 February to 3 March.
func MonthsLater(start time.Time, n int) time.Time {
	s := DateOf(start)
	y, m, d := s.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}
