package model

// The register's statistics: what the `report` command prints and the
// dashboard draws. Pure: the caller streams one ReportItem per request and
// passes today, so a report can be rebuilt for any day.

import (
	"math"
	"sort"
	"strings"
	"time"
)

// ReportItem is what the report needs to know of one request.
type ReportItem struct {
	Kind          Kind
	Channel       Channel
	Rule          Rule
	Status        Status
	ReceivedOn    time.Time
	ClosedOn      time.Time
	EffectiveDue  time.Time // the deadline in force (extended or not)
	Extended      bool
	OutcomeReason string
}

// Count is one bar of a breakdown: its key (an identifier, a month
// "2026-03" or a reason), how many, and the share of the whole in percent.
type Count struct {
	Key     string
	N       int
	Percent float64
}

// ReasonCount is how many refusals, whole or partial, gave one reason.
type ReasonCount struct {
	Reason    string
	Refused   int
	Partially int
	Total     int
}

// KindMetrics are one kind's figures, as CCPA's yearly metrics ask them
// (Cal. Code Regs. tit. 11 §7102): received, complied with in whole or in
// part, denied, and the median days to respond.
type KindMetrics struct {
	Kind               Kind
	Received           int
	Completed          int
	PartiallyCompleted int
	Refused            int
	Withdrawn          int
	Open               int
	MedianDaysToClose  int // meaningful when Answered > 0
	Answered           int // completed, partially completed or refused
}

// Report is the register's figures for the requests received in a period.
type Report struct {
	From, To time.Time // the period, inclusive; zero means open-ended
	Today    time.Time

	Received  int
	ByKind    []Count // every kind, in the desk's order
	ByChannel []Count
	ByRule    []Count
	ByStatus  []Count
	ByMonth   []Count // every month from the first to the last, received

	// Answered are requests closed as completed, partially completed or
	// refused: a response was due, so its timeliness counts. Withdrawn
	// requests needed no response and are counted apart.
	Closed        int
	Answered      int
	Withdrawn     int
	OnTime        int
	Late          int
	OnTimePercent float64
	LatePercent   float64
	// Days from receipt to closing of the answered requests (nearest-rank
	// percentiles); meaningful when Answered > 0.
	MedianDaysToClose int
	P90DaysToClose    int

	Extended         int // extensions used
	ExtendedPercent  float64
	Refused          int
	PartiallyDone    int
	RefusalsByReason []ReasonCount // most frequent first

	OpenNow    int // still open today
	OverdueNow int // open, not paused, past the deadline in force today

	ByKindMetrics []KindMetrics
}

// ReportBuilder adds requests one by one and keeps only counts and the
// days to close, so a report over 100,000 requests needs no more memory
// than their durations.
type ReportBuilder struct {
	r        Report
	kind     map[Kind]int
	channel  map[Channel]int
	rule     map[Rule]int
	status   map[Status]int
	month    map[string]int
	first    time.Time
	last     time.Time
	reasons  map[string]*ReasonCount
	days     []int
	kindDays map[Kind][]int
	metrics  map[Kind]*KindMetrics
}

// NewReportBuilder starts a report for requests received from from to to
// (inclusive; zero for open-ended), as it stands on today.
func NewReportBuilder(from, to, today time.Time) *ReportBuilder {
	return &ReportBuilder{
		r:        Report{From: dateOrZero(from), To: dateOrZero(to), Today: DateOf(today)},
		kind:     map[Kind]int{},
		channel:  map[Channel]int{},
		rule:     map[Rule]int{},
		status:   map[Status]int{},
		month:    map[string]int{},
		reasons:  map[string]*ReasonCount{},
		kindDays: map[Kind][]int{},
		metrics:  map[Kind]*KindMetrics{},
	}
}

// InPeriod is true when a request received on day belongs to the report.
func (b *ReportBuilder) InPeriod(day time.Time) bool {
	day = DateOf(day)
	return (b.r.From.IsZero() || !day.Before(b.r.From)) && (b.r.To.IsZero() || !day.After(b.r.To))
}

// Add counts one request; requests received outside the period are
// ignored.
func (b *ReportBuilder) Add(it ReportItem) {
	if !b.InPeriod(it.ReceivedOn) {
		return
	}
	r := &b.r
	recv := DateOf(it.ReceivedOn)
	r.Received++
	b.kind[it.Kind]++
	b.channel[it.Channel]++
	b.rule[it.Rule]++
	b.status[it.Status]++
	b.month[recv.Format("2006-01")]++
	if b.first.IsZero() || recv.Before(b.first) {
		b.first = recv
	}
	if recv.After(b.last) {
		b.last = recv
	}
	m := b.metrics[it.Kind]
	if m == nil {
		m = &KindMetrics{Kind: it.Kind}
		b.metrics[it.Kind] = m
	}
	m.Received++
	if it.Extended {
		r.Extended++
	}
	switch it.Status {
	case StatusCompleted:
		m.Completed++
	case StatusPartiallyCompleted:
		m.PartiallyCompleted++
		r.PartiallyDone++
	case StatusRefused:
		m.Refused++
		r.Refused++
	case StatusWithdrawn:
		m.Withdrawn++
		r.Withdrawn++
	default:
		m.Open++
	}
	if it.Status == StatusRefused || it.Status == StatusPartiallyCompleted {
		reason := Clean(strings.TrimSpace(it.OutcomeReason), 0)
		rc := b.reasons[reason]
		if rc == nil {
			rc = &ReasonCount{Reason: reason}
			b.reasons[reason] = rc
		}
		rc.Total++
		if it.Status == StatusRefused {
			rc.Refused++
		} else {
			rc.Partially++
		}
	}
	if !it.Status.Closed() {
		r.OpenNow++
		if it.Status != StatusPaused && !it.EffectiveDue.IsZero() && DateOf(it.EffectiveDue).Before(r.Today) {
			r.OverdueNow++
		}
		return
	}
	r.Closed++
	if it.Status == StatusWithdrawn {
		return
	}
	r.Answered++
	m.Answered++
	closed := DateOf(it.ClosedOn)
	if it.EffectiveDue.IsZero() || !closed.After(DateOf(it.EffectiveDue)) {
		r.OnTime++
	} else {
		r.Late++
	}
	d := max(0, DaysBetween(recv, closed))
	b.days = append(b.days, d)
	b.kindDays[it.Kind] = append(b.kindDays[it.Kind], d)
}

// Report finishes the figures. The builder may go on adding afterwards.
func (b *ReportBuilder) Report() Report {
	r := b.r
	r.ByKind = counts(Kinds, b.kind, r.Received)
	r.ByChannel = counts(Channels, b.channel, r.Received)
	r.ByRule = counts(Rules, b.rule, r.Received)
	r.ByStatus = counts(Statuses, b.status, r.Received)
	r.ByMonth = b.months()
	r.OnTimePercent = Percent(r.OnTime, r.Answered)
	r.LatePercent = Percent(r.Late, r.Answered)
	r.ExtendedPercent = Percent(r.Extended, r.Received)
	r.MedianDaysToClose = Percentile(b.days, 50)
	r.P90DaysToClose = Percentile(b.days, 90)
	r.RefusalsByReason = make([]ReasonCount, 0, len(b.reasons))
	for _, rc := range b.reasons {
		r.RefusalsByReason = append(r.RefusalsByReason, *rc)
	}
	sort.Slice(r.RefusalsByReason, func(i, j int) bool {
		a, c := r.RefusalsByReason[i], r.RefusalsByReason[j]
		if a.Total != c.Total {
			return a.Total > c.Total
		}
		return a.Reason < c.Reason
	})
	r.ByKindMetrics = make([]KindMetrics, 0, len(Kinds))
	for _, k := range Kinds {
		m := KindMetrics{Kind: k}
		if p := b.metrics[k]; p != nil {
			m = *p
		}
		m.MedianDaysToClose = Percentile(b.kindDays[k], 50)
		r.ByKindMetrics = append(r.ByKindMetrics, m)
	}
	return r
}

// months lists every month from the period's start (or the first request)
// to its end (or the last request), so bars have no gaps.
func (b *ReportBuilder) months() []Count {
	start, end := b.r.From, b.r.To
	if start.IsZero() {
		start = b.first
	}
	if end.IsZero() {
		end = b.last
	}
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return []Count{}
	}
	var out []Count
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(end); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		n := b.month[key]
		out = append(out, Count{Key: key, N: n, Percent: Percent(n, b.r.Received)})
	}
	return out
}

func counts[T ~string](all []T, got map[T]int, total int) []Count {
	out := make([]Count, 0, len(all))
	for _, k := range all {
		out = append(out, Count{Key: string(k), N: got[k], Percent: Percent(got[k], total)})
	}
	return out
}

// Percent is n of total in percent, rounded to one decimal; 0 when total
// is 0.
func Percent(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(n)*1000/float64(total)) / 10
}

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of vals:
// the smallest value with at least p% of the values at or below it. It is
// always one of the values, so a median of days is a whole number of days.
// It sorts vals in place; 0 for none.
func Percentile(vals []int, p float64) int {
	if len(vals) == 0 {
		return 0
	}
	sort.Ints(vals)
	rank := int(math.Ceil(p / 100 * float64(len(vals))))
	rank = min(max(rank, 1), len(vals))
	return vals[rank-1]
}

// MaxCount is the largest N of a breakdown, to scale bars.
func MaxCount(cs []Count) int {
	m := 0
	for _, c := range cs {
		m = max(m, c.N)
	}
	return m
}
