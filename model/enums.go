// Package model is rightsdesk's domain: requests, people, evidence, deadlines,
// statuses and roles. It is plain Go with no I/O: callers pass the clock and
// the settings, so every rule can be tested for any date.
package model

import (
	"fmt"
	"strings"
)

// Kind is what the requester asks the clinic to do.
type Kind string

const (
	KindAccess          Kind = "access"
	KindCorrection      Kind = "correction"
	KindDeletion        Kind = "deletion"
	KindStopMarketing   Kind = "stop_marketing"
	KindWithdrawConsent Kind = "withdraw_consent"
	KindComplaint       Kind = "complaint"
)

// Kinds lists every kind in the order the desk offers them.
var Kinds = []Kind{KindAccess, KindCorrection, KindDeletion, KindStopMarketing, KindWithdrawConsent, KindComplaint}

// Label is the kind in plain words for staff and patients.
func (k Kind) Label() string {
	switch k {
	case KindAccess:
		return "See their data"
	case KindCorrection:
		return "Correct their data"
	case KindDeletion:
		return "Delete or stop processing"
	case KindStopMarketing:
		return "Stop direct marketing"
	case KindWithdrawConsent:
		return "Withdraw consent"
	case KindComplaint:
		return "Complaint"
	}
	return string(k)
}

// Channel is how the request came in.
type Channel string

const (
	ChannelDesk   Channel = "desk"
	ChannelPhone  Channel = "phone"
	ChannelEmail  Channel = "email"
	ChannelLetter Channel = "letter"
	ChannelOther  Channel = "other"
)

// Channels lists every channel.
var Channels = []Channel{ChannelDesk, ChannelPhone, ChannelEmail, ChannelLetter, ChannelOther}

// Rule is the legal rule set a request is logged under. A request keeps the
// rule it was logged with even when the clinic's default changes.
type Rule string

const (
	RuleUKGDPR Rule = "uk-gdpr"
	RuleEUGDPR Rule = "eu-gdpr"
	RuleHIPAA  Rule = "hipaa"
	RuleCCPA   Rule = "ccpa"
)

// Rules lists every rule set, the default first.
var Rules = []Rule{RuleUKGDPR, RuleEUGDPR, RuleHIPAA, RuleCCPA}

// Label names the rule set as the law does.
func (r Rule) Label() string {
	switch r {
	case RuleUKGDPR:
		return "UK GDPR"
	case RuleEUGDPR:
		return "EU GDPR"
	case RuleHIPAA:
		return "HIPAA"
	case RuleCCPA:
		return "CCPA"
	}
	return string(r)
}

// Relationship is how the requester stands to the subject.
type Relationship string

const (
	RelSelf           Relationship = "self"
	RelParent         Relationship = "parent"
	RelGuardian       Relationship = "guardian"
	RelRepresentative Relationship = "representative"
)

// Relationships lists every relationship.
var Relationships = []Relationship{RelSelf, RelParent, RelGuardian, RelRepresentative}

// ActsForOther is true when the requester is not the subject.
func (r Relationship) ActsForOther() bool { return r != RelSelf }

// Status is where a request stands.
type Status string

const (
	StatusAwaitingVerification Status = "awaiting_verification"
	StatusInProgress           Status = "in_progress"
	StatusPaused               Status = "paused"
	StatusCompleted            Status = "completed"
	StatusPartiallyCompleted   Status = "partially_completed"
	StatusRefused              Status = "refused"
	StatusWithdrawn            Status = "withdrawn"
)

// Statuses lists every status, open ones first.
var Statuses = []Status{StatusAwaitingVerification, StatusInProgress, StatusPaused, StatusCompleted, StatusPartiallyCompleted, StatusRefused, StatusWithdrawn}

// Closed is true for the final states.
func (s Status) Closed() bool {
	switch s {
	case StatusCompleted, StatusPartiallyCompleted, StatusRefused, StatusWithdrawn:
		return true
	}
	return false
}

// Label is the status in plain words.
func (s Status) Label() string {
	return strings.ReplaceAll(string(s), "_", " ")
}

// PauseReason says why a request is paused.
type PauseReason string

const (
	PauseNone                  PauseReason = ""
	PauseAwaitingID            PauseReason = "awaiting_id"
	PauseAwaitingClarification PauseReason = "awaiting_clarification"
	PauseAwaitingFee           PauseReason = "awaiting_fee"
	PauseOther                 PauseReason = "other"
)

// PauseReasons lists every reason a request can be paused for.
var PauseReasons = []PauseReason{PauseAwaitingID, PauseAwaitingClarification, PauseAwaitingFee, PauseOther}

// Nation chooses the public-holiday calendar deadlines are moved off.
type Nation string

const (
	NationEnglandWales    Nation = "england-and-wales"
	NationScotland        Nation = "scotland"
	NationNorthernIreland Nation = "northern-ireland"
	NationUS              Nation = "us"
	NationNone            Nation = "none"
)

// Nations lists every holiday calendar.
var Nations = []Nation{NationEnglandWales, NationScotland, NationNorthernIreland, NationUS, NationNone}

// Role is a staff member's role. Roles nest: lead ⊃ desk, admin ⊃ lead.
type Role string

const (
	RoleDesk  Role = "desk"
	RoleLead  Role = "lead"
	RoleAdmin Role = "admin"
)

// Roles lists every role, least privileged first.
var Roles = []Role{RoleDesk, RoleLead, RoleAdmin}

// parseEnum matches s (trimmed, case-insensitive, '-' and '_' alike) against
// the allowed values and says which are allowed when it does not match.
func parseEnum[T ~string](field, s string, all []T) (T, error) {
	for _, v := range all {
		// Most values come as written (a register, a form): no need to
		// normalise anything for them.
		if string(v) == s {
			return v, nil
		}
	}
	norm := func(v string) string {
		return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(v)), "-", "_")
	}
	want := norm(s)
	for _, v := range all {
		if norm(string(v)) == want {
			return v, nil
		}
	}
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = string(v)
	}
	var zero T
	return zero, &InputError{Field: field, Problem: fmt.Sprintf("%q is not a %s", Clean(s, 40), field), Fix: "use one of: " + strings.Join(names, ", ")}
}

// ParseKind reads a kind identifier.
func ParseKind(s string) (Kind, error) { return parseEnum("kind", s, Kinds) }

// ParseChannel reads a channel identifier.
func ParseChannel(s string) (Channel, error) { return parseEnum("channel", s, Channels) }

// ParseRule reads a rule-set identifier.
func ParseRule(s string) (Rule, error) { return parseEnum("rule", s, Rules) }

// ParseRelationship reads a relationship identifier.
func ParseRelationship(s string) (Relationship, error) {
	return parseEnum("relationship", s, Relationships)
}

// ParseStatus reads a status identifier.
func ParseStatus(s string) (Status, error) { return parseEnum("status", s, Statuses) }

// ParsePauseReason reads a pause reason.
func ParsePauseReason(s string) (PauseReason, error) {
	return parseEnum("pause reason", s, PauseReasons)
}

// ParseNation reads a holiday nation.
func ParseNation(s string) (Nation, error) { return parseEnum("holiday nation", s, Nations) }

// ParseRole reads a role.
func ParseRole(s string) (Role, error) { return parseEnum("role", s, Roles) }
