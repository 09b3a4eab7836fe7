package model

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	for _, c := range []struct {
		vals   []int
		p      float64
		median int
	}{
		{nil, 50, 0},
		{[]int{7}, 50, 7},
		{[]int{7}, 90, 7},
		{[]int{3, 1, 2}, 50, 2},
		{[]int{4, 1, 3, 2}, 50, 2}, // nearest rank: the 2nd of 4
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
		{[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 90, 10},
		{[]int{5, 5, 5}, 100, 5},
	} {
		if got := Percentile(append([]int(nil), c.vals...), c.p); got != c.median {
			t.Errorf("Percentile(%v, %v) = %d, want %d", c.vals, c.p, got, c.median)
		}
	}
	if Percent(1, 3) != 33.3 || Percent(2, 3) != 66.7 || Percent(5, 0) != 0 {
		t.Errorf("Percent: %v %v %v", Percent(1, 3), Percent(2, 3), Percent(5, 0))
	}
}

// TestReportBuilder: the period, months without requests, what counts as
// answered, on time and overdue.
func TestReportBuilder(t *testing.T) {
	today := ymd(2026, 3, 10)
	b := NewReportBuilder(ymd(2025, 11, 1), ymd(2026, 2, 28), today.Add(15*time.Hour))
	add := func(recv time.Time, st Status, closed, due time.Time) {
		b.Add(ReportItem{Kind: KindAccess, Channel: ChannelDesk, Rule: RuleUKGDPR, Status: st, ReceivedOn: recv, ClosedOn: closed, EffectiveDue: due})
	}
	add(ymd(2025, 10, 31), StatusCompleted, ymd(2025, 11, 5), ymd(2025, 12, 1))      // before the period
	add(ymd(2025, 11, 1), StatusCompleted, ymd(2025, 12, 1), ymd(2025, 12, 1))       // due day itself: on time
	add(ymd(2025, 11, 2), StatusRefused, ymd(2025, 12, 3), ymd(2025, 12, 2))         // a day late
	add(ymd(2026, 1, 5), StatusWithdrawn, ymd(2026, 1, 6), ymd(2026, 2, 5))          // not answered
	add(ymd(2026, 2, 1), StatusInProgress, time.Time{}, ymd(2026, 3, 2))             // overdue
	add(ymd(2026, 2, 2), StatusPaused, time.Time{}, ymd(2026, 3, 2))                 // paused: not overdue
	add(ymd(2026, 2, 28), StatusAwaitingVerification, time.Time{}, ymd(2026, 3, 30)) // last day of the period
	add(ymd(2026, 3, 1), StatusInProgress, time.Time{}, ymd(2026, 3, 2))             // after the period
	r := b.Report()
	if r.Received != 6 || r.Answered != 2 || r.OnTime != 1 || r.Late != 1 || r.Withdrawn != 1 || r.Closed != 3 || r.OpenNow != 3 || r.OverdueNow != 1 {
		t.Errorf("report: %+v", r)
	}
	if r.Today != today || r.MedianDaysToClose != 30 || r.P90DaysToClose != 31 || r.OnTimePercent != 50 {
		t.Errorf("today %v, median %d, p90 %d, on time %v%%", r.Today, r.MedianDaysToClose, r.P90DaysToClose, r.OnTimePercent)
	}
	var months []string
	for _, m := range r.ByMonth {
		months = append(months, m.Key)
	}
	if len(months) != 4 || months[0] != "2025-11" || months[1] != "2025-12" || r.ByMonth[1].N != 0 || months[3] != "2026-02" || r.ByMonth[3].N != 3 {
		t.Errorf("months: %+v", r.ByMonth)
	}
	if len(r.ByKind) != len(Kinds) || r.ByKind[0].N != 6 || r.ByKind[0].Percent != 100 || MaxCount(r.ByMonth) != 3 {
		t.Errorf("by kind: %+v", r.ByKind)
	}
	if m := r.ByKindMetrics[0]; m.Received != 6 || m.Completed != 1 || m.Refused != 1 || m.Withdrawn != 1 || m.Open != 3 || m.MedianDaysToClose != 30 {
		t.Errorf("access metrics: %+v", m)
	}
	empty := NewReportBuilder(time.Time{}, time.Time{}, today).Report()
	if empty.Received != 0 || len(empty.ByMonth) != 0 || empty.RefusalsByReason == nil {
		t.Errorf("an empty report: %+v", empty)
	}
}
