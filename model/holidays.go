package model

import (
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/us"
)

// Public holidays come from the maintained github.com/rickar/cal/v2 rules,
// never from a hand-typed list of dates, so future years and one-off bank
// holidays (jubilees, coronations) arrive with a library update.
//
// The library has a ready list for England & Wales (gb.Holidays) and the US
// (us.Holidays). Scotland and Northern Ireland are composed below from the
// library's own holiday definitions and its UK substitute-day rules.

var (
	// ukWeekendSubstitute is the UK rule the gb package applies to New Year's
	// Day and Christmas: a holiday on Saturday or Sunday is taken on Monday.
	ukWeekendSubstitute = gb.NewYear.Observed

	// ukSecondDaySubstitute is the gb rule for Boxing Day, which also fits
	// Scotland's 2 January: the day after a holiday that may itself have
	// moved to Monday goes to Tuesday (Sat/Sun +2 days, Mon +1 day).
	ukSecondDaySubstitute = gb.BoxingDay.Observed

	// scotSecondJanuary is Scotland's 2 January bank holiday.
	scotSecondJanuary = &cal.Holiday{
		Name:     "2nd January",
		Type:     cal.ObservanceBank,
		Month:    time.January,
		Day:      2,
		Func:     cal.CalcDayOfMonth,
		Observed: ukSecondDaySubstitute,
	}

	// scotStAndrewsDay is Scotland's St Andrew's Day bank holiday (St
	// Andrew's Day Bank Holiday (Scotland) Act 2007).
	scotStAndrewsDay = &cal.Holiday{
		Name:      "St Andrew's Day",
		Type:      cal.ObservanceBank,
		Month:     time.November,
		Day:       30,
		Func:      cal.CalcDayOfMonth,
		Observed:  ukWeekendSubstitute,
		StartYear: 2007,
	}

	// niStPatricksDay is Northern Ireland's St Patrick's Day bank holiday.
	niStPatricksDay = &cal.Holiday{
		Name:     "St Patrick's Day",
		Type:     cal.ObservanceBank,
		Month:    time.March,
		Day:      17,
		Func:     cal.CalcDayOfMonth,
		Observed: ukWeekendSubstitute,
	}

	// niBattleOfTheBoyne is Northern Ireland's 12 July holiday.
	niBattleOfTheBoyne = &cal.Holiday{
		Name:     "Battle of the Boyne (Orangemen's Day)",
		Type:     cal.ObservanceBank,
		Month:    time.July,
		Day:      12,
		Func:     cal.CalcDayOfMonth,
		Observed: ukWeekendSubstitute,
	}
)

// holidaysFor lists the holiday rules of a nation; nil means weekends only.
func holidaysFor(n Nation) []*cal.Holiday {
	switch n {
	case NationEnglandWales:
		return append([]*cal.Holiday(nil), gb.Holidays...)
	case NationScotland:
		// No Easter Monday, summer holiday on the first Monday of August,
		// 2 January and St Andrew's Day. The UK-wide one-offs (VE Day 2020,
		// the 2022 Spring holiday move and Platinum Jubilee, the 2023
		// Coronation) applied in Scotland too, and gb's Early May and Spring
		// rules skip those years expecting them to be present.
		return []*cal.Holiday{
			gb.NewYear,
			scotSecondJanuary,
			gb.GoodFriday,
			gb.EarlyMay,
			gb.VEDay,
			gb.CoronationDay,
			gb.SpringHoliday,
			gb.SpringHoliday2022,
			gb.PlatinumJubilee,
			gb.SummerHolidayScotland,
			scotStAndrewsDay,
			gb.ChristmasDay,
			gb.BoxingDay,
		}
	case NationNorthernIreland:
		return append(append([]*cal.Holiday(nil), gb.Holidays...), niStPatricksDay, niBattleOfTheBoyne)
	case NationUS:
		return append([]*cal.Holiday(nil), us.Holidays...)
	}
	return nil
}

// calendarLabel names a nation's holiday calendar for deadline explanations.
func calendarLabel(n Nation) string {
	switch n {
	case NationEnglandWales:
		return "England and Wales"
	case NationScotland:
		return "Scotland"
	case NationNorthernIreland:
		return "Northern Ireland"
	case NationUS:
		return "US federal"
	}
	return "no public"
}

// monthDay identifies a date within a year.
type monthDay struct {
	month time.Month
	day   int
}

// maxCachedYears bounds the per-year cache; deadlines touch only a few years.
const maxCachedYears = 64

// Calendar says which days are working days in one nation: Monday to Friday
// except public holidays on the day they are observed (a holiday falling on a
// weekend is taken on a substitute weekday, and that day is the day off).
//
// A Calendar is safe for concurrent use. It does not use cal.Calendar's
// IsHoliday: that method caches in a plain map with no lock (a data race when
// shared between goroutines), and it returns the first holiday whose actual
// OR observed day matches, so a holiday listed earlier whose actual date was
// substituted can hide a later holiday observed on that date. Instead each
// year's observed dates are computed once from the library's Holiday.Calc
// (a pure function) and kept behind a mutex.
//
// A nil *Calendar behaves as weekends only.
type Calendar struct {
	nation   Nation
	holidays []*cal.Holiday

	mu    sync.Mutex
	years map[int]map[monthDay]string // observed day -> holiday name
}

// NewCalendar is the holiday calendar of n. An unknown nation gets weekends
// only and reports itself as NationNone, so the caller can see the fallback.
func NewCalendar(n Nation) *Calendar {
	switch n {
	case NationEnglandWales, NationScotland, NationNorthernIreland, NationUS, NationNone:
	default:
		n = NationNone
	}
	return &Calendar{nation: n, holidays: holidaysFor(n)}
}

// Nation is the nation whose holidays this calendar follows.
func (c *Calendar) Nation() Nation {
	if c == nil {
		return NationNone
	}
	return c.nation
}

// observed returns the holidays observed in year, keyed by day. A holiday's
// observed day can fall in the year before or after its actual date (a US
// New Year's Day on Saturday is observed on 31 December), so the rules of
// the neighbouring years are consulted too.
func (c *Calendar) observed(year int) map[monthDay]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.years[year]; ok {
		return m
	}
	m := make(map[monthDay]string)
	for _, y := range []int{year - 1, year, year + 1} {
		for _, h := range c.holidays {
			act, obs := h.Calc(y)
			if obs.IsZero() {
				continue
			}
			oy, om, od := obs.Date()
			if oy != year {
				continue
			}
			key := monthDay{om, od}
			if _, taken := m[key]; taken {
				continue
			}
			name := h.Name
			if !DateOf(act).Equal(DateOf(obs)) {
				name += " (substitute day)"
			}
			m[key] = name
		}
	}
	if c.years == nil || len(c.years) >= maxCachedYears {
		c.years = make(map[int]map[monthDay]string)
	}
	c.years[year] = m
	return m
}

// HolidayName names the public holiday observed on d, "" if there is none.
// A substitute day is named after its holiday, e.g. "Christmas Day
// (substitute day)"; the weekend date it replaces is not a holiday here,
// since it is not a working day anyway.
func (c *Calendar) HolidayName(d time.Time) string {
	if c == nil || len(c.holidays) == 0 {
		return ""
	}
	d = DateOf(d)
	return c.observed(d.Year())[monthDay{d.Month(), d.Day()}]
}

// IsWorkingDay is true Monday to Friday unless a public holiday is observed.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	switch DateOf(d).Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return c.HolidayName(d) == ""
}

// NextWorkingDay is d itself when it is a working day, else the first working
// day after it: where a deadline lands when it may not end on a day off.
func (c *Calendar) NextWorkingDay(d time.Time) time.Time {
	d = DateOf(d)
	for !c.IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// AddBusinessDays is the date n working days after d, d itself not counted
// (the date n working days before d when n < 0; d when n is 0).
func (c *Calendar) AddBusinessDays(d time.Time, n int) time.Time {
	d = DateOf(d)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}
