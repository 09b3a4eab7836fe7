package model

import (
	"fmt"
	"strings"
	"time"
)

// Subject is the patient the request is about.
type Subject struct {
	ID          int64
	Name        string
	DateOfBirth time.Time
	Email       string
	Phone       string
	Address     string
	// Restriction notes a limit on who may act for the subject, such as
	// HIPAA's exceptions to a parent being a minor's personal representative
	// (care the minor consented to alone, agreed confidentiality, suspected
	// abuse). The desk is warned whenever it is set.
	Restriction string
}

// Requester is the person who asked: the subject or someone for them.
type Requester struct {
	Name         string
	Relationship Relationship
	Email        string
	Phone        string
}

// Details hold what was asked, per kind.
type Details struct {
	Scope       string `json:"scope,omitempty"`        // access: what data
	Format      string `json:"format,omitempty"`       // access: preferred format
	Wrong       string `json:"wrong,omitempty"`        // correction: what is wrong
	ShouldSay   string `json:"should_say,omitempty"`   // correction: what it should say
	WholeRecord bool   `json:"whole_record,omitempty"` // deletion: everything
	Parts       string `json:"parts,omitempty"`        // deletion: named parts
	Summary     string `json:"summary,omitempty"`      // any kind: in the requester's words
}

// Summary is a short plain description of what was asked.
func (r Request) Summary() string {
	d := r.Details
	var parts []string
	switch r.Kind {
	case KindAccess:
		if d.Scope != "" {
			parts = append(parts, "scope: "+d.Scope)
		}
		if d.Format != "" {
			parts = append(parts, "format: "+d.Format)
		}
	case KindCorrection:
		if d.Wrong != "" {
			parts = append(parts, "wrong: "+d.Wrong)
		}
		if d.ShouldSay != "" {
			parts = append(parts, "should say: "+d.ShouldSay)
		}
	case KindDeletion:
		if d.WholeRecord {
			parts = append(parts, "the whole record")
		} else if d.Parts != "" {
			parts = append(parts, "parts: "+d.Parts)
		}
	}
	if d.Summary != "" {
		parts = append(parts, d.Summary)
	}
	if len(parts) == 0 {
		return r.Kind.Label()
	}
	return r.Kind.Label() + " — " + strings.Join(parts, "; ")
}

// Request is one privacy-rights request and everything known about it.
type Request struct {
	ID         int64
	Reference  string
	Kind       Kind
	Channel    Channel
	Rule       Rule
	Nation     Nation // the holiday calendar it was logged under
	ReceivedAt time.Time
	Subject    Subject
	Requester  Requester
	Details    Details
	Notes      string

	Status      Status
	PauseReason PauseReason
	PausedSince time.Time // the day the current pause began; zero unless paused
	PausedDays  int       // days in finished pauses, every reason
	// ClarificationDays are finished pause days awaiting clarification,
	// which stop the clock under UK GDPR (Art. 12A).
	ClarificationDays int
	// VerifiedOn is the day the last missing piece of verification arrived;
	// under UK GDPR the clock starts then when it is after receipt.
	VerifiedOn    time.Time
	FeeReceivedOn time.Time

	Extended            bool
	ExtensionReason     string
	ExtensionNotifiedOn time.Time

	ClosedOn      time.Time
	OutcomeReason string

	Evidence  []Evidence
	CreatedBy int64
	// OwnerName is the staff member who logged it (for the "mine" filter).
	OwnerName string
	Imported  bool
}

// ReceivedOn is the day the request was received (day 1 of the clock).
func (r Request) ReceivedOn() time.Time { return DateOf(r.ReceivedAt) }

// SubjectAge is the subject's age in whole years on the day received.
func (r Request) SubjectAge() int { return AgeOn(r.Subject.DateOfBirth, r.ReceivedOn()) }

// UnderThreshold is true when the subject was under the clinic's age
// threshold on the day the request was received.
func (r Request) UnderThreshold(s Settings) bool {
	return !r.Subject.DateOfBirth.IsZero() && r.SubjectAge() < s.AgeThreshold
}

// ClockStart is when the legal clock started.
func (r Request) ClockStart() time.Time {
	return ClockStartFor(r.Rule, r.ReceivedOn(), r.VerifiedOn, r.FeeReceivedOn)
}

// Deadline computes the request's deadline with its rule, as logged.
func (r Request) Deadline(cal *Calendar) Deadline {
	return ComputeDeadline(ClockInput{
		Rule:                    r.Rule,
		Kind:                    r.Kind,
		Received:                r.ReceivedOn(),
		ClockStart:              r.ClockStart(),
		Extended:                r.Extended,
		ClarificationPausedDays: r.ClarificationDays,
	}, cal)
}

// PausedDaysOn counts every paused day, the current pause included.
func (r Request) PausedDaysOn(today time.Time) int {
	n := r.PausedDays
	if r.Status == StatusPaused && !r.PausedSince.IsZero() {
		n += max(0, DaysBetween(r.PausedSince, today))
	}
	return n
}

// AgeOn is the age in whole years of someone born on dob, on day.
func AgeOn(dob, day time.Time) int {
	if dob.IsZero() {
		return 0
	}
	dob, day = DateOf(dob), DateOf(day)
	age := day.Year() - dob.Year()
	// A 29 February birthday comes round on 1 March in other years.
	if day.Month() < dob.Month() || (day.Month() == dob.Month() && day.Day() < dob.Day()) {
		age--
	}
	return age
}

// Validate checks a new request's own fields (not its verification).
func (r Request) Validate(now time.Time) error {
	if _, err := ParseKind(string(r.Kind)); err != nil {
		return err
	}
	if _, err := ParseChannel(string(r.Channel)); err != nil {
		return err
	}
	if _, err := ParseRule(string(r.Rule)); err != nil {
		return err
	}
	if _, err := ParseRelationship(string(r.Requester.Relationship)); err != nil {
		return err
	}
	if _, err := ParseName(r.Subject.Name); err != nil {
		return fieldErr("patient's name", err)
	}
	if r.Requester.Relationship.ActsForOther() || r.Requester.Name != "" {
		if _, err := ParseName(r.Requester.Name); err != nil {
			return fieldErr("requester's name", err)
		}
	}
	if r.ReceivedAt.IsZero() {
		return Invalid("received", "the date received is missing", "type the day the request came in")
	}
	if r.ReceivedAt.After(now.Add(5 * time.Minute)) {
		return Invalid("received", "the date received is in the future", "type the day the request came in, today or earlier")
	}
	if r.Subject.DateOfBirth.IsZero() {
		return Invalid("date of birth", "the patient's date of birth is missing", "type it as the clinic's date format shows; it decides whether a parent's proof is needed")
	}
	if DateOf(r.Subject.DateOfBirth).After(r.ReceivedOn()) {
		return Invalid("date of birth", "the date of birth is after the day the request was received", "check the year of birth")
	}
	if AgeOn(r.Subject.DateOfBirth, r.ReceivedOn()) > 130 {
		return Invalid("date of birth", "the date of birth makes the patient older than 130", "check the year of birth")
	}
	for _, c := range []struct{ field, v string }{{"patient's e-mail", r.Subject.Email}, {"requester's e-mail", r.Requester.Email}} {
		if c.v != "" {
			if _, err := ParseEmail(c.v); err != nil {
				return fieldErr(c.field, err)
			}
		}
	}
	for _, c := range []struct{ field, v string }{{"patient's phone", r.Subject.Phone}, {"requester's phone", r.Requester.Phone}} {
		if c.v != "" {
			if _, err := ParsePhone(c.v); err != nil {
				return fieldErr(c.field, err)
			}
		}
	}
	if r.Kind == KindCorrection && strings.TrimSpace(r.Details.Wrong) == "" && strings.TrimSpace(r.Details.Summary) == "" {
		return Invalid("details", "a correction needs to say what is wrong", "write what is wrong and what it should say")
	}
	if r.Kind == KindDeletion && !r.Details.WholeRecord && strings.TrimSpace(r.Details.Parts) == "" && strings.TrimSpace(r.Details.Summary) == "" {
		return Invalid("details", "a deletion needs to say what to delete", "choose the whole record or name the parts")
	}
	return nil
}

// fieldErr names the field on an InputError from a parser.
func fieldErr(field string, err error) error {
	if ie, ok := err.(*InputError); ok {
		c := *ie
		c.Field = field
		c.Problem = field + ": " + c.Problem
		return &c
	}
	return fmt.Errorf("%s: %w", field, err)
}
