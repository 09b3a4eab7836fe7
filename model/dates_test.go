package model

import (
	"testing"
	"time"
	_ "time/tzdata" // real zones for the daylight-saving cases, whatever the machine has
)

// civilDate is a civil date for tests, as the package represents one.
func civilDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func testZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDateOf(t *testing.T) {
	london := testZone(t, "Europe/London")
	la := testZone(t, "America/Los_Angeles")
	tests := []struct {
		reason string
		in     time.Time
		want   time.Time
	}{
		{"late evening in London (BST) is still that day", time.Date(2024, 9, 3, 23, 30, 0, 0, london), civilDate("2024-09-03")},
		{"00:30 BST is 23:30 UTC the day before; the civil date in London is what counts", time.Date(2024, 9, 4, 0, 30, 0, 0, london), civilDate("2024-09-04")},
		{"18:00 in California is 01:00 UTC next day; the request arrived on the Californian date", time.Date(2025, 1, 14, 18, 0, 0, 0, la), civilDate("2025-01-14")},
		{"already a date stays the same", civilDate("2028-02-29"), civilDate("2028-02-29")},
	}
	for _, tt := range tests {
		got := DateOf(tt.in)
		if !got.Equal(tt.want) || got.Location() != time.UTC || got != tt.want {
			t.Errorf("%s: DateOf(%v) = %v, want %v (UTC midnight)", tt.reason, tt.in, got, tt.want)
		}
	}
}

func TestDaysBetween(t *testing.T) {
	london := testZone(t, "Europe/London")
	tests := []struct {
		reason string
		a, b   time.Time
		want   int
	}{
		{"same day", civilDate("2024-09-03"), civilDate("2024-09-03"), 0},
		{"one day later", civilDate("2024-09-03"), civilDate("2024-09-04"), 1},
		{"earlier is negative", civilDate("2024-10-04"), civilDate("2024-10-03"), -1},
		{"across a leap day", civilDate("2028-02-28"), civilDate("2028-03-01"), 2},
		{"spring-forward night in London is a 23-hour day but still one day",
			time.Date(2025, 3, 30, 0, 30, 0, 0, london), time.Date(2025, 3, 31, 0, 15, 0, 0, london), 1},
		{"autumn-back night is a 25-hour day but still one day",
			time.Date(2025, 10, 26, 23, 59, 0, 0, london), time.Date(2025, 10, 27, 0, 1, 0, 0, london), 1},
		{"time of day does not count: 23:59 to 00:01 is one day",
			time.Date(2025, 1, 1, 23, 59, 0, 0, time.UTC), time.Date(2025, 1, 2, 0, 1, 0, 0, time.UTC), 1},
		{"a whole non-leap year", civilDate("2025-01-01"), civilDate("2026-01-01"), 365},
	}
	for _, tt := range tests {
		if got := DaysBetween(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: DaysBetween(%v, %v) = %d, want %d", tt.reason, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	london := testZone(t, "Europe/London")
	tests := []struct {
		reason string
		in     time.Time
		n      int
		want   time.Time
	}{
		{"HIPAA-style 30 days", civilDate("2025-03-10"), 30, civilDate("2025-04-09")},
		{"into a leap day", civilDate("2028-02-28"), 1, civilDate("2028-02-29")},
		{"backwards", civilDate("2025-03-01"), -1, civilDate("2025-02-28")},
		{"a local time is reduced to its date first, across the clock change", time.Date(2025, 3, 29, 23, 30, 0, 0, london), 1, civilDate("2025-03-30")},
	}
	for _, tt := range tests {
		if got := AddDays(tt.in, tt.n); got != tt.want {
			t.Errorf("%s: AddDays(%v, %d) = %v, want %v", tt.reason, tt.in, tt.n, got, tt.want)
		}
	}
}

func TestMonthsLater(t *testing.T) {
	tests := []struct {
		reason string
		start  string
		n      int
		want   string
	}{
		{"ICO example: received 3 September, due 3 October", "2024-09-03", 1, "2024-10-03"},
		{"ICO example: 31 January has no 31 February, so the last day, 28 February", "2027-01-31", 1, "2027-02-28"},
		{"ICO example in a leap year: 29 February", "2028-01-31", 1, "2028-02-29"},
		{"30 January in a leap year also stops at 29 February, not 1 March", "2028-01-30", 1, "2028-02-29"},
		{"no working-day move here: 28 Feb 2026 is a Saturday and stays", "2026-01-31", 1, "2026-02-28"},
		{"31 August + 1 month = 30 September", "2025-08-31", 1, "2025-09-30"},
		{"extension: three months from 31 January is 30 April, not 28 April (counted from the start, not chained)", "2025-01-31", 3, "2025-04-30"},
		{"across the year end: 30 November + 3 = 28 February", "2025-11-30", 3, "2026-02-28"},
		{"31 December + 2 in a leap year = 29 February", "2027-12-31", 2, "2028-02-29"},
		{"29 February + 12 months = 28 February", "2028-02-29", 12, "2029-02-28"},
		{"zero months is the start date", "2025-05-31", 0, "2025-05-31"},
		{"negative months count back", "2025-03-31", -1, "2025-02-28"},
	}
	for _, tt := range tests {
		if got := MonthsLater(civilDate(tt.start), tt.n); got != civilDate(tt.want) {
			t.Errorf("%s: MonthsLater(%s, %d) = %s, want %s", tt.reason, tt.start, tt.n, got.Format(time.DateOnly), tt.want)
		}
	}
}
