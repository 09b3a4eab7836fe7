package model

import (
	"strings"
	"testing"
	"time"
)

func TestComputeDeadline(t *testing.T) {
	type want struct{ due, ext, eff, notify, ack string }
	tests := []struct {
		reason string
		nation Nation
		in     ClockInput
		want   want
	}{
		// UK GDPR, ICO counting
		{"ICO example: received 3 Sep, due 3 Oct (a Thursday in 2024); extension 3 Dec", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2024-09-03")},
			want{due: "2024-10-03", ext: "2024-12-03", eff: "2024-10-03", notify: "2024-10-03"}},
		{"3 Oct 2021 is a Sunday: due moves to Monday 4 Oct", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2021-09-03")},
			want{due: "2021-10-04", ext: "2021-12-03", eff: "2021-10-04", notify: "2021-10-04"}},
		{"3 Oct 2020 is a Saturday: due moves to Monday 5 Oct, and so does the notice date", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2020-09-03")},
			want{due: "2020-10-05", ext: "2020-12-03", eff: "2020-10-05", notify: "2020-10-05"}},
		{"received on the Saturday itself still counts as day 1 (ICO)", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2024-08-03")},
			want{due: "2024-09-03", ext: "2024-11-04", eff: "2024-09-03", notify: "2024-09-03"}},
		{"ICO example: 31 Jan → 28 Feb (a Friday in 2025); extension 30 Apr, counted from the start, not 28 Apr", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2025-01-31")},
			want{due: "2025-02-28", ext: "2025-04-30", eff: "2025-02-28", notify: "2025-02-28"}},
		{"ICO example, leap year: 31 Jan 2028 → 29 Feb; extension 30 Apr is a Sunday and 1 May the Early May holiday → 2 May", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2028-01-31"), Extended: true},
			want{due: "2028-02-29", ext: "2028-05-02", eff: "2028-05-02", notify: "2028-02-29"}},
		{"31 Jan 2026 → 28 Feb is a Saturday → Monday 2 Mar", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2026-01-31")},
			want{due: "2026-03-02", ext: "2026-04-30", eff: "2026-03-02", notify: "2026-03-02"}},
		{"due on Good Friday 2026 (3 Apr) moves past Easter Monday to Tuesday 7 Apr", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2026-03-03")},
			want{due: "2026-04-07", ext: "2026-06-03", eff: "2026-04-07", notify: "2026-04-07"}},
		{"due on Easter Monday 2026 (6 Apr) moves to Tuesday 7 Apr in England", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindCorrection, Received: civilDate("2026-03-06")},
			want{due: "2026-04-07", ext: "2026-06-08", eff: "2026-04-07", notify: "2026-04-07"}},
		{"Easter Monday is a working day in Scotland: due stays 6 Apr", NationScotland,
			ClockInput{Rule: RuleUKGDPR, Kind: KindCorrection, Received: civilDate("2026-03-06")},
			want{due: "2026-04-06", ext: "2026-06-08", eff: "2026-04-06", notify: "2026-04-06"}},
		{"due on Christmas Day 2022 (Sunday) → 26 and 27 Dec are substitutes → 28 Dec", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2022-11-25")},
			want{due: "2022-12-28", ext: "2023-02-27", eff: "2022-12-28", notify: "2022-12-28"}},
		{"due on 26 Dec 2022 (Christmas substitute) → 28 Dec", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2022-11-26")},
			want{due: "2022-12-28", ext: "2023-02-27", eff: "2022-12-28", notify: "2022-12-28"}},
		{"due on 27 Dec 2022 (Boxing Day substitute) → 28 Dec", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2022-11-27")},
			want{due: "2022-12-28", ext: "2023-02-27", eff: "2022-12-28", notify: "2022-12-28"}},
		{"due on 2 Jan 2026 (Friday): a working day in England", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2025-12-02")},
			want{due: "2026-01-02", ext: "2026-03-02", eff: "2026-01-02", notify: "2026-01-02"}},
		{"due on 2 Jan 2026: Scotland's holiday → Monday 5 Jan", NationScotland,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2025-12-02")},
			want{due: "2026-01-05", ext: "2026-03-02", eff: "2026-01-05", notify: "2026-01-05"}},
		{"due 2 Jan 2023: England's New Year substitute → 3 Jan", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2022-12-02")},
			want{due: "2023-01-03", ext: "2023-03-02", eff: "2023-01-03", notify: "2023-01-03"}},
		{"due 2 Jan 2023: Scotland also has 3 Jan as the 2 January substitute → 4 Jan", NationScotland,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2022-12-02")},
			want{due: "2023-01-04", ext: "2023-03-02", eff: "2023-01-04", notify: "2023-01-04"}},
		{"due on St Andrew's Day 2027 (Tuesday) → 1 Dec in Scotland", NationScotland,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2027-10-30")},
			want{due: "2027-12-01", ext: "2028-01-31", eff: "2027-12-01", notify: "2027-12-01"}},
		{"St Andrew's Day 2027 is a working day in England", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2027-10-30")},
			want{due: "2027-11-30", ext: "2028-01-31", eff: "2027-11-30", notify: "2027-11-30"}},
		{"due Sunday 30 Nov 2025: St Andrew's substitute Monday → Tuesday 2 Dec in Scotland", NationScotland,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2025-10-30")},
			want{due: "2025-12-02", ext: "2026-01-30", eff: "2025-12-02", notify: "2025-12-02"}},
		{"due on St Patrick's Day 2026 (Tuesday) → 18 Mar in Northern Ireland", NationNorthernIreland,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2026-02-17")},
			want{due: "2026-03-18", ext: "2026-05-18", eff: "2026-03-18", notify: "2026-03-18"}},
		{"St Patrick's Day is a working day in England", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2026-02-17")},
			want{due: "2026-03-17", ext: "2026-05-18", eff: "2026-03-17", notify: "2026-03-17"}},
		{"due Sunday 12 Jul 2026: Boyne substitute Monday → Tuesday 14 Jul in NI", NationNorthernIreland,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2026-06-12")},
			want{due: "2026-07-14", ext: "2026-09-14", eff: "2026-07-14", notify: "2026-07-14"}},
		{"ID received 10 Sep: the clock starts then, due 10 Oct, extension 10 Dec", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2024-09-03"),
				ClockStart: ClockStartFor(RuleUKGDPR, civilDate("2024-09-03"), civilDate("2024-09-10"), time.Time{})},
			want{due: "2024-10-10", ext: "2024-12-10", eff: "2024-10-10", notify: "2024-10-10"}},
		{"a clock start before receipt is not possible: receipt wins", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2024-09-03"), ClockStart: civilDate("2024-08-01")},
			want{due: "2024-10-03", ext: "2024-12-03", eff: "2024-10-03", notify: "2024-10-03"}},
		{"5 days paused for clarification: 3 Oct + 5 = 8 Oct; extension 3 Dec + 5 = Sunday 8 Dec → 9 Dec", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2024-09-03"), ClarificationPausedDays: 5, Extended: true},
			want{due: "2024-10-08", ext: "2024-12-09", eff: "2024-12-09", notify: "2024-10-08"}},
		{"2 paused days land on Saturday 5 Oct: moved to Monday 7 Oct", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2024-09-03"), ClarificationPausedDays: 2},
			want{due: "2024-10-07", ext: "2024-12-05", eff: "2024-10-07", notify: "2024-10-07"}},
		{"negative paused days are treated as none", NationEnglandWales,
			ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2024-09-03"), ClarificationPausedDays: -3},
			want{due: "2024-10-03", ext: "2024-12-03", eff: "2024-10-03", notify: "2024-10-03"}},
		// EU GDPR
		{"EU GDPR counts months like the ICO and moves off weekends: 3 Oct 2021 Sunday → 4 Oct", NationEnglandWales,
			ClockInput{Rule: RuleEUGDPR, Kind: KindAccess, Received: civilDate("2021-09-03")},
			want{due: "2021-10-04", ext: "2021-12-03", eff: "2021-10-04", notify: "2021-10-04"}},
		{"EU GDPR starts at receipt and has no clarification pause: ID date and paused days ignored", NationEnglandWales,
			ClockInput{Rule: RuleEUGDPR, Kind: KindAccess, Received: civilDate("2024-09-03"), ClockStart: civilDate("2024-09-10"), ClarificationPausedDays: 5, Extended: true},
			want{due: "2024-10-03", ext: "2024-12-03", eff: "2024-12-03", notify: "2024-10-03"}},
		// HIPAA
		{"HIPAA access: 30 days after receipt", NationUS,
			ClockInput{Rule: RuleHIPAA, Kind: KindAccess, Received: civilDate("2025-03-10")},
			want{due: "2025-04-09", ext: "2025-05-09", eff: "2025-04-09", notify: "2025-04-09"}},
		{"HIPAA access extended once by 30 days: 60 after receipt", NationUS,
			ClockInput{Rule: RuleHIPAA, Kind: KindAccess, Received: civilDate("2025-03-10"), Extended: true},
			want{due: "2025-04-09", ext: "2025-05-09", eff: "2025-05-09", notify: "2025-04-09"}},
		{"HIPAA amendment: 60 days; the 30-day extension ends on Sunday 8 Jun and is not moved", NationUS,
			ClockInput{Rule: RuleHIPAA, Kind: KindCorrection, Received: civilDate("2025-03-10")},
			want{due: "2025-05-09", ext: "2025-06-08", eff: "2025-05-09", notify: "2025-05-09"}},
		{"HIPAA amendment extended: 90 days", NationUS,
			ClockInput{Rule: RuleHIPAA, Kind: KindCorrection, Received: civilDate("2025-03-10"), Extended: true},
			want{due: "2025-05-09", ext: "2025-06-08", eff: "2025-06-08", notify: "2025-05-09"}},
		{"HIPAA plain calendar days: due on Christmas Day stays there", NationUS,
			ClockInput{Rule: RuleHIPAA, Kind: KindAccess, Received: civilDate("2025-11-25")},
			want{due: "2025-12-25", ext: "2026-01-24", eff: "2025-12-25", notify: "2025-12-25"}},
		{"HIPAA deletion: the clinic's practice, 30 + 30", NationUS,
			ClockInput{Rule: RuleHIPAA, Kind: KindDeletion, Received: civilDate("2025-03-10")},
			want{due: "2025-04-09", ext: "2025-05-09", eff: "2025-04-09", notify: "2025-04-09"}},
		{"HIPAA ignores a later clock start: it runs from receipt", NationUS,
			ClockInput{Rule: RuleHIPAA, Kind: KindAccess, Received: civilDate("2025-03-10"), ClockStart: civilDate("2025-03-20")},
			want{due: "2025-04-09", ext: "2025-05-09", eff: "2025-04-09", notify: "2025-04-09"}},
		// CCPA
		{"CCPA: 45 days (Saturday 1 Mar, not moved), 90 with extension; ack 10 business days over MLK Day → 30 Jan", NationUS,
			ClockInput{Rule: RuleCCPA, Kind: KindAccess, Received: civilDate("2025-01-15")},
			want{due: "2025-03-01", ext: "2025-04-15", eff: "2025-03-01", notify: "2025-03-01", ack: "2025-01-30"}},
		{"CCPA extended: 90 days; ack from Tue 14 Jan skips MLK Day → 29 Jan", NationUS,
			ClockInput{Rule: RuleCCPA, Kind: KindDeletion, Received: civilDate("2025-01-14"), Extended: true},
			want{due: "2025-02-28", ext: "2025-04-14", eff: "2025-04-14", notify: "2025-02-28", ack: "2025-01-29"}},
		{"CCPA opt-out of marketing: 15 business days over Thanksgiving, no extension even if asked", NationUS,
			ClockInput{Rule: RuleCCPA, Kind: KindStopMarketing, Received: civilDate("2024-11-20"), Extended: true},
			want{due: "2024-12-12", eff: "2024-12-12", ack: "2024-12-05"}},
		{"CCPA ignores the verification date (clock runs regardless of time to verify)", NationUS,
			ClockInput{Rule: RuleCCPA, Kind: KindAccess, Received: civilDate("2025-01-15"), ClockStart: civilDate("2025-02-01")},
			want{due: "2025-03-01", ext: "2025-04-15", eff: "2025-03-01", notify: "2025-03-01", ack: "2025-01-30"}},
		// Unknown or missing
		{"an unknown rule gives no dates", NationEnglandWales,
			ClockInput{Rule: "made-up", Kind: KindAccess, Received: civilDate("2024-09-03")},
			want{}},
		{"no receipt date gives no dates", NationEnglandWales,
			ClockInput{Rule: RuleHIPAA, Kind: KindAccess},
			want{}},
	}
	opt := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		return civilDate(s)
	}
	for _, tt := range tests {
		got := ComputeDeadline(tt.in, NewCalendar(tt.nation))
		check := func(field string, got time.Time, want string) {
			if got != opt(want) {
				t.Errorf("%s: %s = %s, want %q", tt.reason, field, got.Format(time.DateOnly), want)
			}
		}
		check("Due", got.Due, tt.want.due)
		check("ExtendedDue", got.ExtendedDue, tt.want.ext)
		check("Effective", got.Effective, tt.want.eff)
		check("NotifyExtensionBy", got.NotifyExtensionBy, tt.want.notify)
		check("AcknowledgeBy", got.AcknowledgeBy, tt.want.ack)
		if got.Rule != tt.in.Rule {
			t.Errorf("%s: Rule = %q, want %q", tt.reason, got.Rule, tt.in.Rule)
		}
		if strings.TrimSpace(got.Basis) == "" {
			t.Errorf("%s: Basis is empty", tt.reason)
		}
	}
}

func TestComputeDeadlineStartAndBasis(t *testing.T) {
	ew := NewCalendar(NationEnglandWales)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	// A timestamp late in the evening is reduced to its date.
	in := ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: time.Date(2024, 9, 3, 23, 45, 0, 0, london), ClockStart: time.Date(2024, 9, 10, 8, 0, 0, 0, london), ClarificationPausedDays: 4}
	dl := ComputeDeadline(in, ew)
	if dl.Start != civilDate("2024-09-10") {
		t.Errorf("Start = %v, want the ID date 2024-09-10", dl.Start)
	}
	for _, want := range []string{"UK GDPR Art. 12(3)", "4 days paused", "Art. 12A", "England and Wales"} {
		if !strings.Contains(dl.Basis, want) {
			t.Errorf("UK basis %q should mention %q", dl.Basis, want)
		}
	}
	bases := []struct {
		in   ClockInput
		want string
	}{
		{ClockInput{Rule: RuleEUGDPR, Kind: KindAccess, Received: civilDate("2024-09-03")}, "1182/71"},
		{ClockInput{Rule: RuleHIPAA, Kind: KindAccess, Received: civilDate("2024-09-03")}, "164.524"},
		{ClockInput{Rule: RuleHIPAA, Kind: KindCorrection, Received: civilDate("2024-09-03")}, "164.526"},
		{ClockInput{Rule: RuleHIPAA, Kind: KindComplaint, Received: civilDate("2024-09-03")}, "clinic's practice"},
		{ClockInput{Rule: RuleCCPA, Kind: KindAccess, Received: civilDate("2024-09-03")}, "§7021"},
		{ClockInput{Rule: RuleCCPA, Kind: KindStopMarketing, Received: civilDate("2024-09-03")}, "§7026"},
		{ClockInput{Rule: "made-up", Received: civilDate("2024-09-03")}, "made-up"},
	}
	for _, b := range bases {
		if got := ComputeDeadline(b.in, ew).Basis; !strings.Contains(got, b.want) {
			t.Errorf("%s/%s basis %q should mention %q", b.in.Rule, b.in.Kind, got, b.want)
		}
	}
	// A nil calendar still moves UK deadlines off weekends.
	if got := ComputeDeadline(ClockInput{Rule: RuleUKGDPR, Kind: KindAccess, Received: civilDate("2021-09-03")}, nil).Due; got != civilDate("2021-10-04") {
		t.Errorf("nil calendar: Due = %v, want 2021-10-04", got)
	}
}

func TestClockStartFor(t *testing.T) {
	zero := time.Time{}
	tests := []struct {
		reason            string
		rule              Rule
		received, id, fee time.Time
		want              time.Time
	}{
		{"UK: nothing else asked for, the clock starts at receipt", RuleUKGDPR, civilDate("2024-09-03"), zero, zero, civilDate("2024-09-03")},
		{"UK: ID received later starts the clock then", RuleUKGDPR, civilDate("2024-09-03"), civilDate("2024-09-10"), zero, civilDate("2024-09-10")},
		{"UK: the fee arriving after the ID is the latest", RuleUKGDPR, civilDate("2024-09-03"), civilDate("2024-09-10"), civilDate("2024-09-12"), civilDate("2024-09-12")},
		{"UK: ID already held before receipt does not pull the start back", RuleUKGDPR, civilDate("2024-09-03"), civilDate("2024-08-01"), zero, civilDate("2024-09-03")},
		{"UK: a timestamp is reduced to its date", RuleUKGDPR, civilDate("2024-09-03"), civilDate("2024-09-10").Add(17 * time.Hour), zero, civilDate("2024-09-10")},
		{"EU: receipt, whatever ID and fee", RuleEUGDPR, civilDate("2024-09-03"), civilDate("2024-09-10"), civilDate("2024-09-12"), civilDate("2024-09-03")},
		{"HIPAA: receipt", RuleHIPAA, civilDate("2024-09-03"), civilDate("2024-09-10"), zero, civilDate("2024-09-03")},
		{"CCPA: receipt, regardless of time to verify", RuleCCPA, civilDate("2024-09-03"), civilDate("2024-09-10"), zero, civilDate("2024-09-03")},
		{"nothing received yet: zero", RuleCCPA, zero, zero, zero, zero},
	}
	for _, tt := range tests {
		if got := ClockStartFor(tt.rule, tt.received, tt.id, tt.fee); got != tt.want {
			t.Errorf("%s: ClockStartFor = %v, want %v", tt.reason, got, tt.want)
		}
	}
}

func TestExtensionAllowed(t *testing.T) {
	tests := []struct {
		reason string
		rule   Rule
		kind   Kind
		want   bool
	}{
		{"UK GDPR Art. 12(3) allows +2 months", RuleUKGDPR, KindAccess, true},
		{"UK GDPR, stop marketing too (Art. 21 is within Art. 12(3))", RuleUKGDPR, KindStopMarketing, true},
		{"EU GDPR allows +2 months", RuleEUGDPR, KindDeletion, true},
		{"HIPAA access: one 30-day extension", RuleHIPAA, KindAccess, true},
		{"HIPAA amendment: one 30-day extension", RuleHIPAA, KindCorrection, true},
		{"CCPA know/delete/correct: +45 days", RuleCCPA, KindCorrection, true},
		{"CCPA opt-out: 15 business days, no extension", RuleCCPA, KindStopMarketing, false},
		{"unknown rule: nothing to extend", "made-up", KindAccess, false},
	}
	for _, tt := range tests {
		if got := ExtensionAllowed(tt.rule, tt.kind); got != tt.want {
			t.Errorf("%s: ExtensionAllowed(%s, %s) = %v, want %v", tt.reason, tt.rule, tt.kind, got, tt.want)
		}
	}
}

func TestDaysLeftAndOverdue(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	dl := Deadline{Due: civilDate("2024-10-03"), Effective: civilDate("2024-10-03")}
	ext := Deadline{Due: civilDate("2024-10-03"), ExtendedDue: civilDate("2024-12-03"), Effective: civilDate("2024-12-03")}
	tests := []struct {
		reason  string
		dl      Deadline
		today   time.Time
		left    int
		overdue bool
	}{
		{"two days before", dl, civilDate("2024-10-01"), 2, false},
		{"the due day itself is still in time", dl, civilDate("2024-10-03"), 0, false},
		{"late in the evening of the due day, local time, is still in time", dl, time.Date(2024, 10, 3, 23, 50, 0, 0, london), 0, false},
		{"the day after is late", dl, civilDate("2024-10-04"), -1, true},
		{"an extended deadline counts from Effective, not Due", ext, civilDate("2024-10-04"), 60, false},
		{"no deadline: nothing left, never overdue", Deadline{}, civilDate("2024-10-04"), 0, false},
	}
	for _, tt := range tests {
		if got := tt.dl.DaysLeft(tt.today); got != tt.left {
			t.Errorf("%s: DaysLeft = %d, want %d", tt.reason, got, tt.left)
		}
		if got := tt.dl.Overdue(tt.today); got != tt.overdue {
			t.Errorf("%s: Overdue = %v, want %v", tt.reason, got, tt.overdue)
		}
	}
}
