package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// regReportFile is a register whose figures are worked out by hand in
// TestReportFigures.
func regReportFile() string {
	rows := []map[string]string{
		{"reference": "A1", "received_on": "2025-01-06", "status": "completed", "closed_on": "2025-01-16"},
		{"reference": "A2", "received_on": "2025-01-06", "status": "completed", "closed_on": "2025-03-10"},
		{"reference": "C3", "kind": "correction", "received_on": "2025-02-03", "status": "refused", "closed_on": "2025-02-05", "outcome_reason": "Manifestly unfounded"},
		{"reference": "D4", "kind": "deletion", "received_on": "2025-02-10", "status": "partially_completed", "closed_on": "2025-02-20", "outcome_reason": "Medical records must be kept"},
		{"reference": "X5", "kind": "complaint", "received_on": "2025-03-03", "status": "withdrawn", "closed_on": "2025-03-04", "id_evidence": ""},
		{"reference": "S6", "kind": "stop_marketing", "received_on": "2025-03-10", "status": "in_progress"},
		{"reference": "P7", "received_on": "2025-03-12", "status": "paused"},
		{"reference": "E8", "received_on": "2025-04-01", "status": "completed", "closed_on": "2025-06-01", "extended_on": "2025-04-10", "extension_reason": "complex"},
		{"reference": "R9", "channel": "email", "received_on": "2025-05-05", "status": "refused", "closed_on": "2025-05-06", "outcome_reason": "Manifestly unfounded"},
		{"reference": "H10", "rule": "hipaa", "received_on": "2025-05-05", "status": "completed", "closed_on": "2025-06-10"},
	}
	var b strings.Builder
	b.WriteString(regHeader + "\n")
	for _, r := range rows {
		b.WriteString(regRow(r) + "\n")
	}
	return b.String()
}

// TestReportFigures checks every figure of the report on a register
// worked out by hand, for all of it and for a period, against the
// documented schema.
func TestReportFigures(t *testing.T) {
	e := newRegEnv(t)
	sch := regSchema(t, "report.schema.json")
	regValidate(t, sch, "an empty report", e.mustRun("report", "--json"))
	if code, out, errs := e.importCSV(regReportFile()); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	out := e.mustRun("report", "--json")
	regValidate(t, sch, "report --json", out)
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("received", r.Received, 10)
	check("closed", r.Closed, 8)
	check("answered", r.Answered, 7)
	check("withdrawn", r.Withdrawn, 1)
	check("on time", r.OnTime, 5)
	check("late", r.Late, 2)
	check("on time %", r.OnTimePercent, 71.4)
	check("late %", r.LatePercent, 28.6)
	check("median days", *r.MedianDaysToClose, 10)
	check("p90 days", *r.P90DaysToClose, 63)
	check("period", r.From.String()+"…"+r.To.String(), "…")
	check("extensions", r.Extended, 1)
	check("extensions %", r.ExtendedPercent, 10.0)
	check("refused", r.Refused, 2)
	check("partially completed", r.PartiallyDone, 1)
	check("open now", r.OpenNow, 2)
	check("overdue now", r.OverdueNow, 1)
	check("reasons", len(r.RefusalsByReason), 2)
	check("top reason", r.RefusalsByReason[0], reasonJSON{Reason: "Manifestly unfounded", Refused: 2, Total: 2})
	check("second reason", r.RefusalsByReason[1], reasonJSON{Reason: "Medical records must be kept", PartiallyCompleted: 1, Total: 1})
	check("access", r.ByKind[0], countJSON{Key: "access", Count: 6, Percent: 60})
	check("stop marketing", r.ByKind[3], countJSON{Key: "stop_marketing", Count: 1, Percent: 10})
	check("email", r.ByChannel[2], countJSON{Key: "email", Count: 1, Percent: 10})
	check("hipaa", r.ByRule[2], countJSON{Key: "hipaa", Count: 1, Percent: 10})
	var months []string
	for _, m := range r.ByMonth {
		months = append(months, m.Key+"="+itoaJSON(m.Count))
	}
	check("months", strings.Join(months, " "), "2025-01=2 2025-02=2 2025-03=3 2025-04=1 2025-05=2")
	access := r.ByKindMetrics[0]
	check("access metrics", [6]int{access.Received, access.Completed, access.PartiallyCompleted, access.Refused, access.Withdrawn, access.Open}, [6]int{6, 4, 0, 1, 0, 1})
	check("access median", *access.MedianDaysToClose, 36)
	if r.ByKindMetrics[1].MedianDaysToClose == nil || *r.ByKindMetrics[1].MedianDaysToClose != 2 || r.ByKindMetrics[4].MedianDaysToClose != nil {
		t.Errorf("per-kind medians: %+v", r.ByKindMetrics)
	}

	// A period: February and March only.
	out = e.mustRun("report", "--json", "--from", "2025-02-01", "--to", "31/03/2025")
	regValidate(t, sch, "report --json for a period", out)
	if !strings.Contains(out, `"received": 5,`) || !strings.Contains(out, `"from": "2025-02-01"`) || !strings.Contains(out, `"to": "2025-03-31"`) ||
		strings.Count(out, `"key": "2025-`) != 2 || !strings.Contains(out, `"open_now": 2,`) {
		t.Errorf("report for February and March:\n%s", out)
	}
	text := e.mustRun("report", "--from", "2025-02-01")
	for _, want := range []string{"requests received from 2025-02-01", "Received               8", "on time              4 (80.0%)", "Manifestly unfounded"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range [][]string{{"--from", "2025-13-01"}, {"--from", "2025-03-01", "--to", "2025-02-01"}, {"extra"}} {
		if code, _, _ := e.run(append([]string{"report"}, bad...)...); code != exitUsage {
			t.Errorf("report %v: exit %d, want 2", bad, code)
		}
	}
}

func itoaJSON(n int) string { b, _ := json.Marshal(n); return string(b) }
