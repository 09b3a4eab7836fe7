package model

import (
	"sync"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/us"
)

func TestCalendarHolidays(t *testing.T) {
	tests := []struct {
		reason  string
		nation  Nation
		date    string
		working bool
		name    string
	}{
		// England & Wales
		{"Good Friday 2025", NationEnglandWales, "2025-04-18", false, "Good Friday"},
		{"Easter Monday 2025", NationEnglandWales, "2025-04-21", false, "Easter Monday"},
		{"the Tuesday after Easter is a working day", NationEnglandWales, "2025-04-22", true, ""},
		{"Christmas 2022 fell on Sunday: the Sunday is no working day but not the observed holiday", NationEnglandWales, "2022-12-25", false, ""},
		{"Christmas 2022 substitute on Monday 26 Dec", NationEnglandWales, "2022-12-26", false, "Christmas Day (substitute day)"},
		{"Boxing Day 2022 (a Monday taken by Christmas) substitute on Tuesday 27 Dec", NationEnglandWales, "2022-12-27", false, "Boxing Day (substitute day)"},
		{"28 Dec 2022 is back to work", NationEnglandWales, "2022-12-28", true, ""},
		{"New Year 2023 fell on Sunday: Monday 2 Jan substitute", NationEnglandWales, "2023-01-02", false, "New Year's Day (substitute day)"},
		{"England has no 2 January holiday", NationEnglandWales, "2026-01-02", true, ""},
		{"England's summer holiday is the last Monday of August", NationEnglandWales, "2025-08-25", false, "Summer Bank Holiday"},
		{"the first Monday of August is Scotland's, not England's", NationEnglandWales, "2025-08-04", true, ""},
		{"Coronation bank holiday 2023 (a one-off from the library)", NationEnglandWales, "2023-05-08", false, "Coronation of King Charles III"},
		{"St Patrick's Day is Northern Ireland's only", NationEnglandWales, "2026-03-17", true, ""},
		{"an ordinary Saturday", NationEnglandWales, "2025-06-07", false, ""},
		// Scotland
		{"Scotland's 2 January (a Friday in 2026)", NationScotland, "2026-01-02", false, "2nd January"},
		{"2023: New Year (Sunday) substitute on Monday 2 Jan", NationScotland, "2023-01-02", false, "New Year's Day (substitute day)"},
		{"2023: so 2 January moves to Tuesday 3 Jan", NationScotland, "2023-01-03", false, "2nd January (substitute day)"},
		{"2022: New Year Saturday → Monday 3 Jan", NationScotland, "2022-01-03", false, "New Year's Day (substitute day)"},
		{"2022: 2 January Sunday → Tuesday 4 Jan", NationScotland, "2022-01-04", false, "2nd January (substitute day)"},
		{"Easter Monday is not a Scottish bank holiday", NationScotland, "2025-04-21", true, ""},
		{"Good Friday is", NationScotland, "2025-04-18", false, "Good Friday"},
		{"Scotland's summer holiday: first Monday of August", NationScotland, "2025-08-04", false, "Summer Bank Holiday"},
		{"the last Monday of August is a working day in Scotland", NationScotland, "2025-08-25", true, ""},
		{"St Andrew's Day on a Tuesday (2027)", NationScotland, "2027-11-30", false, "St Andrew's Day"},
		{"St Andrew's Day 2025 fell on Sunday: Monday 1 Dec substitute", NationScotland, "2025-12-01", false, "St Andrew's Day (substitute day)"},
		{"Platinum Jubilee 2022 applied in Scotland too", NationScotland, "2022-06-03", false, "Platinum Jubilee Bank Holiday"},
		{"the 2022 Spring holiday moved to 2 June in Scotland too", NationScotland, "2022-06-02", false, "Spring Bank Holiday"},
		{"Boxing Day 2022 substitute in Scotland", NationScotland, "2022-12-27", false, "Boxing Day (substitute day)"},
		// Northern Ireland
		{"St Patrick's Day 2026 (Tuesday)", NationNorthernIreland, "2026-03-17", false, "St Patrick's Day"},
		{"St Patrick's Day 2024 fell on Sunday: Monday 18 Mar substitute", NationNorthernIreland, "2024-03-18", false, "St Patrick's Day (substitute day)"},
		{"Battle of the Boyne on a Monday (2027)", NationNorthernIreland, "2027-07-12", false, "Battle of the Boyne (Orangemen's Day)"},
		{"Battle of the Boyne 2025 fell on Saturday: Monday 14 Jul substitute", NationNorthernIreland, "2025-07-14", false, "Battle of the Boyne (Orangemen's Day) (substitute day)"},
		{"NI keeps England's Easter Monday", NationNorthernIreland, "2025-04-21", false, "Easter Monday"},
		{"NI keeps England's August holiday", NationNorthernIreland, "2025-08-25", false, "Summer Bank Holiday"},
		// US federal
		{"Martin Luther King Jr. Day 2025", NationUS, "2025-01-20", false, "Martin Luther King Jr. Day"},
		{"Thanksgiving 2024", NationUS, "2024-11-28", false, "Thanksgiving Day"},
		{"the day after Thanksgiving is not a federal holiday", NationUS, "2024-11-29", true, ""},
		{"New Year 2022 fell on Saturday: observed Friday 31 Dec 2021, in the year before", NationUS, "2021-12-31", false, "New Year's Day (substitute day)"},
		{"Independence Day 2026 falls on Saturday: observed Friday 3 July", NationUS, "2026-07-03", false, "Independence Day (substitute day)"},
		{"Juneteenth 2025", NationUS, "2025-06-19", false, "Juneteenth"},
		{"Good Friday is not a US federal holiday", NationUS, "2025-04-18", true, ""},
		// Weekends only
		{"no public holidays: Christmas Day on a Thursday is a working day", NationNone, "2025-12-25", true, ""},
		{"but a Sunday is not", NationNone, "2025-12-28", false, ""},
	}
	cals := map[Nation]*Calendar{}
	for _, tt := range tests {
		c := cals[tt.nation]
		if c == nil {
			c = NewCalendar(tt.nation)
			cals[tt.nation] = c
		}
		day := civilDate(tt.date)
		if got := c.IsWorkingDay(day); got != tt.working {
			t.Errorf("%s: %s IsWorkingDay(%s) = %v, want %v", tt.reason, tt.nation, tt.date, got, tt.working)
		}
		if got := c.HolidayName(day); got != tt.name {
			t.Errorf("%s: %s HolidayName(%s) = %q, want %q", tt.reason, tt.nation, tt.date, got, tt.name)
		}
	}
}

func TestCalendarNation(t *testing.T) {
	for _, n := range Nations {
		if got := NewCalendar(n).Nation(); got != n {
			t.Errorf("NewCalendar(%s).Nation() = %s", n, got)
		}
	}
	if got := NewCalendar("atlantis").Nation(); got != NationNone {
		t.Errorf("an unknown nation should fall back to weekends only and say so, got %s", got)
	}
	var nilCal *Calendar
	if nilCal.Nation() != NationNone || !nilCal.IsWorkingDay(civilDate("2025-12-25")) || nilCal.IsWorkingDay(civilDate("2025-12-27")) {
		t.Error("a nil calendar should count weekends only")
	}
}

func TestNextWorkingDayAndBusinessDays(t *testing.T) {
	ew := NewCalendar(NationEnglandWales)
	usa := NewCalendar(NationUS)
	next := []struct {
		reason string
		c      *Calendar
		in     string
		want   string
	}{
		{"a working day is itself", ew, "2024-10-03", "2024-10-03"},
		{"Saturday moves to Monday", ew, "2024-10-05", "2024-10-07"},
		{"Good Friday skips the weekend and Easter Monday", ew, "2026-04-03", "2026-04-07"},
		{"Christmas 2022 (Sunday) skips both substitute days", ew, "2022-12-25", "2022-12-28"},
		{"a holiday on a weekday moves to the next day", ew, "2025-08-25", "2025-08-26"},
	}
	for _, tt := range next {
		if got := tt.c.NextWorkingDay(civilDate(tt.in).Add(15 * time.Hour)); got != civilDate(tt.want) {
			t.Errorf("%s: NextWorkingDay(%s) = %s, want %s", tt.reason, tt.in, got.Format(time.DateOnly), tt.want)
		}
	}
	add := []struct {
		reason string
		c      *Calendar
		in     string
		n      int
		want   string
	}{
		{"zero business days is the day itself", ew, "2025-04-17", 0, "2025-04-17"},
		{"one business day after Maundy Thursday is the Tuesday after Easter", ew, "2025-04-17", 1, "2025-04-22"},
		{"counting back over Easter", ew, "2025-04-22", -1, "2025-04-17"},
		{"the start day is not counted even when it is a working day", usa, "2025-01-13", 1, "2025-01-14"},
		{"10 US business days from Tue 14 Jan 2025 skip MLK Day (20 Jan): 29 Jan, not 28", usa, "2025-01-14", 10, "2025-01-29"},
		{"starting on a Saturday", usa, "2025-01-11", 1, "2025-01-13"},
		{"15 US business days from Wed 20 Nov 2024 skip Thanksgiving: 12 Dec", usa, "2024-11-20", 15, "2024-12-12"},
	}
	for _, tt := range add {
		if got := tt.c.AddBusinessDays(civilDate(tt.in), tt.n); got != civilDate(tt.want) {
			t.Errorf("%s: AddBusinessDays(%s, %d) = %s, want %s", tt.reason, tt.in, tt.n, got.Format(time.DateOnly), tt.want)
		}
	}
}

// TestCalendarAgreesWithLibrary checks the observed-day logic against the
// library's own business calendar for the ready-made lists, day by day.
func TestCalendarAgreesWithLibrary(t *testing.T) {
	for _, tc := range []struct {
		nation Nation
		hols   []*cal.Holiday
	}{
		{NationEnglandWales, gb.Holidays},
		{NationUS, us.Holidays},
	} {
		lib := cal.NewBusinessCalendar()
		lib.AddHoliday(tc.hols...)
		ours := NewCalendar(tc.nation)
		for day := civilDate("2015-01-01"); day.Year() < 2041; day = day.AddDate(0, 0, 1) {
			// The library compares calendar fields; give it a date in its default location.
			y, m, dd := day.Date()
			libDay := time.Date(y, m, dd, 12, 0, 0, 0, cal.DefaultLoc)
			if got, want := ours.IsWorkingDay(day), lib.IsWorkday(libDay); got != want {
				t.Errorf("%s %s: IsWorkingDay = %v, library says %v", tc.nation, day.Format(time.DateOnly), got, want)
			}
		}
	}
}

// TestCalendarConcurrent shares calendars between goroutines; run with -race.
// More years than the cache holds are touched so that eviction races too.
func TestCalendarConcurrent(t *testing.T) {
	shared := map[Nation]*Calendar{}
	for _, n := range Nations {
		shared[n] = NewCalendar(n)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fresh := map[Nation]*Calendar{}
			for _, n := range Nations {
				fresh[n] = NewCalendar(n)
			}
			for i := range 300 {
				n := Nations[(g+i)%len(Nations)]
				day := civilDate("1950-01-01").AddDate((g*7+i)%(maxCachedYears*2), 0, (g*31+i*13)%366)
				c := shared[n]
				got := [3]any{c.IsWorkingDay(day), c.HolidayName(day), c.AddBusinessDays(day, 10)}
				want := [3]any{fresh[n].IsWorkingDay(day), fresh[n].HolidayName(day), fresh[n].AddBusinessDays(day, 10)}
				if got != want {
					select {
					case errs <- string(n) + " " + day.Format(time.DateOnly):
					default:
					}
				}
				_ = ComputeDeadline(ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: day}, c)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("shared calendar disagreed with a private one on %s", e)
	}
}
