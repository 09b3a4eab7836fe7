package model

import (
	"fmt"
	"time"
)

// ClockInput is everything a deadline depends on. It is all passed in (no
// clock, no settings) so a request's deadline can be recomputed for any date
// and stays what it was when the clinic's settings change later: a request
// keeps the rule it was logged under.
type ClockInput struct {
	Rule     Rule
	Kind     Kind
	Received time.Time // date the request was received (day 1)
	// ClockStart is when the legal clock started; zero means Received. Only
	// UK GDPR lets it differ from Received (see ClockStartFor): the other
	// rules start at receipt by law, so for them it is ignored.
	ClockStart time.Time
	Extended   bool
	// ClarificationPausedDays is the UK GDPR "stop the clock" (Art. 12A,
	// added by the Data (Use and Access) Act 2025): days spent awaiting
	// clarification from the requester do not count. Ignored by other rules.
	ClarificationPausedDays int
}

// Deadline is a computed legal clock. All dates are civil dates (UTC
// midnight); a zero date means "does not apply".
type Deadline struct {
	Rule              Rule
	Start             time.Time // when the clock started
	Due               time.Time // the first deadline
	ExtendedDue       time.Time // what an extension gives (zero when the rule/kind allows none)
	Effective         time.Time // ExtendedDue when Extended (and allowed), else Due
	NotifyExtensionBy time.Time // latest day to tell the requester of an extension, with reasons (zero when none allowed)
	AcknowledgeBy     time.Time // CCPA: confirm receipt within 10 business days; zero for other rules
	Basis             string    // one plain sentence with the legal source, for staff and the register
}

// ClockStartFor is when the clock starts. Under UK GDPR (ICO guidance) it is
// the latest of the request, the requested ID and the fee arriving (zero
// dates, i.e. not asked for, are ignored). Every other rule starts at receipt:
// CCPA says so "regardless of time required to verify", HIPAA counts from
// receipt, and EU national practice on ID varies, so receipt is the safe side.
func ClockStartFor(rule Rule, received, idReceived, feeReceived time.Time) time.Time {
	start := dateOrZero(received)
	if rule != RuleUKGDPR {
		return start
	}
	for _, t := range []time.Time{idReceived, feeReceived} {
		if t = dateOrZero(t); t.After(start) {
			start = t
		}
	}
	return start
}

// dateOrZero is DateOf, keeping the zero time zero ("not happened yet").
func dateOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return DateOf(t)
}

// ExtensionAllowed says whether the rule lets the deadline for this kind of
// request be extended. GDPR (Art. 12(3)) and HIPAA (164.524/164.526, and the
// clinic's practice for other kinds) allow one; a CCPA opt-out of marketing
// (§7026) must be honoured within 15 business days with no extension.
func ExtensionAllowed(rule Rule, kind Kind) bool {
	switch rule {
	case RuleUKGDPR, RuleEUGDPR, RuleHIPAA:
		return true
	case RuleCCPA:
		return kind != KindStopMarketing
	}
	return false
}

// ComputeDeadline works out a request's deadlines under its rule. Month-based
// GDPR deadlines move off weekends and the public holidays of cal (ICO
// guidance; EU Reg. 1182/71 Art. 3(4)); HIPAA and CCPA count plain calendar
// days, and CCPA business days use cal's working days (pass the US calendar).
// A nil cal counts weekends only. An unknown rule gives zero dates and says so.
func ComputeDeadline(in ClockInput, cal *Calendar) Deadline {
	received := dateOrZero(in.Received)
	d := Deadline{Rule: in.Rule, Start: received}
	if received.IsZero() && (in.Rule != RuleUKGDPR || in.ClockStart.IsZero()) {
		d.Basis = "No deadline yet: the date the request was received is missing."
		return d
	}
	allowed := ExtensionAllowed(in.Rule, in.Kind)
	holidays := calendarLabel(cal.Nation()) + " holidays"

	switch in.Rule {
	case RuleUKGDPR:
		if cs := dateOrZero(in.ClockStart); cs.After(d.Start) {
			d.Start = cs // the clock never starts before receipt
		}
		paused := max(0, in.ClarificationPausedDays)
		d.Due = cal.NextWorkingDay(AddDays(MonthsLater(d.Start, 1), paused))
		d.ExtendedDue = cal.NextWorkingDay(AddDays(MonthsLater(d.Start, 3), paused))
		d.NotifyExtensionBy = d.Due
		pause := ""
		if paused > 0 {
			pause = fmt.Sprintf(", plus %d days paused awaiting clarification (Art. 12A)", paused)
		}
		d.Basis = fmt.Sprintf("UK GDPR Art. 12(3): one calendar month from the clock start as the ICO counts it%s, moved to the next working day (%s); an extension gives three months from the same start, and the requester must be told within the first month.", pause, holidays)
	case RuleEUGDPR:
		d.Due = cal.NextWorkingDay(MonthsLater(d.Start, 1))
		d.ExtendedDue = cal.NextWorkingDay(MonthsLater(d.Start, 3))
		d.NotifyExtensionBy = d.Due
		d.Basis = fmt.Sprintf("EU GDPR Art. 12(3): one month from receipt, counted and moved to the next working day as Reg. 1182/71 Art. 3 says (%s); an extension gives three months from receipt, and the requester must be told within the first month.", holidays)
	case RuleHIPAA:
		first := 30
		switch in.Kind {
		case KindAccess:
			d.Basis = "HIPAA 45 CFR 164.524(b)(2): access within 30 calendar days of receipt, with one extension of up to 30 days if the requester is told in writing, with reasons, within the first 30 days."
		case KindCorrection:
			first = 60
			d.Basis = "HIPAA 45 CFR 164.526(b)(2): an amendment is acted on within 60 calendar days of receipt, with one extension of up to 30 days if the requester is told in writing within the first 60 days."
		default:
			d.Basis = fmt.Sprintf("HIPAA sets no time for a %q request; the clinic's practice is the access rule (45 CFR 164.524): 30 calendar days from receipt, with one 30-day extension notified within the first 30 days.", in.Kind.Label())
		}
		d.Due = AddDays(d.Start, first)
		d.ExtendedDue = AddDays(d.Start, first+30)
		d.NotifyExtensionBy = d.Due
	case RuleCCPA:
		d.AcknowledgeBy = cal.AddBusinessDays(d.Start, 10)
		if in.Kind == KindStopMarketing {
			d.Due = cal.AddBusinessDays(d.Start, 15)
			d.Basis = fmt.Sprintf("CCPA (Cal. Code Regs. tit. 11 §7026): an opt-out is honoured within 15 business days of receipt (%s), with no extension.", holidays)
		} else {
			d.Due = AddDays(d.Start, 45)
			d.ExtendedDue = AddDays(d.Start, 90)
			d.NotifyExtensionBy = d.Due
			d.Basis = fmt.Sprintf("CCPA (Cal. Code Regs. tit. 11 §7021): respond within 45 calendar days of receipt, extendable once by 45 days with notice (90 in all), and confirm receipt within 10 business days (%s).", holidays)
		}
	default:
		d.Basis = fmt.Sprintf("No deadline: %q is not a rule set the desk knows.", string(in.Rule))
		return d
	}
	if !allowed {
		d.ExtendedDue, d.NotifyExtensionBy = time.Time{}, time.Time{}
	}
	d.Effective = d.Due
	if in.Extended && !d.ExtendedDue.IsZero() {
		d.Effective = d.ExtendedDue
	}
	return d
}

// DaysLeft is how many calendar days remain from today to the effective
// deadline: 0 on the day itself, negative once it has passed. With no
// deadline (zero Effective) it is 0.
func (d Deadline) DaysLeft(today time.Time) int {
	if d.Effective.IsZero() {
		return 0
	}
	return DaysBetween(today, d.Effective)
}

// Overdue is true from the day after the effective deadline: the deadline
// day itself is still in time.
func (d Deadline) Overdue(today time.Time) bool {
	return !d.Effective.IsZero() && d.DaysLeft(today) < 0
}
