package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Action is something that happens to a request; every action is an event.
type Action string

const (
	ActLog      Action = "logged"
	ActImport   Action = "imported"
	ActEvidence Action = "evidence_recorded"
	ActVerified Action = "verified" // follows the last missing evidence
	ActPause    Action = "paused"
	ActResume   Action = "resumed"
	ActExtend   Action = "extended"
	ActComplete Action = "completed"
	ActPartial  Action = "partially_completed"
	ActRefuse   Action = "refused"
	ActWithdraw Action = "withdrawn"
	ActReopen   Action = "reopened"
	ActNote     Action = "note_added"
	ActAttach   Action = "file_attached"
	ActExport   Action = "exported"
	ActRestrict Action = "restriction_recorded"
)

// transitions is the status table: for each status, the actions that move
// it and where they lead. An action missing here is not allowed from that
// status. Guards (verification, reasons, roles) are checked in Apply.
var transitions = map[Status]map[Action]Status{
	StatusAwaitingVerification: {
		ActVerified: StatusInProgress,
		ActPause:    StatusPaused,
		ActRefuse:   StatusRefused,
		ActWithdraw: StatusWithdrawn,
	},
	StatusInProgress: {
		ActPause:    StatusPaused,
		ActComplete: StatusCompleted,
		ActPartial:  StatusPartiallyCompleted,
		ActRefuse:   StatusRefused,
		ActWithdraw: StatusWithdrawn,
	},
	StatusPaused: {
		ActResume:   StatusAwaitingVerification, // then on to in_progress if verified
		ActVerified: StatusInProgress,           // the awaited ID arrived
		ActRefuse:   StatusRefused,
		ActWithdraw: StatusWithdrawn,
	},
	StatusCompleted:          {ActReopen: StatusAwaitingVerification},
	StatusPartiallyCompleted: {ActReopen: StatusAwaitingVerification},
	StatusRefused:            {ActReopen: StatusAwaitingVerification},
	StatusWithdrawn:          {ActReopen: StatusAwaitingVerification},
}

// Next is the status table's answer for action from status.
func Next(from Status, a Action) (Status, bool) {
	to, ok := transitions[from][a]
	return to, ok
}

// actionPermission is what each staff action needs.
var actionPermission = map[Action]Permission{
	ActLog:      PermLog,
	ActImport:   PermImport,
	ActEvidence: PermVerify,
	ActPause:    PermPause,
	ActResume:   PermPause,
	ActExtend:   PermExtend,
	ActComplete: PermComplete,
	ActPartial:  PermComplete,
	ActRefuse:   PermRefuse,
	ActWithdraw: PermWithdraw,
	ActReopen:   PermReopen,
	ActNote:     PermNote,
	ActAttach:   PermAttach,
	ActRestrict: PermVerify,
}

// PermissionFor is the permission an action needs.
func PermissionFor(a Action) Permission { return actionPermission[a] }

// Op is one staff action with its inputs.
type Op struct {
	Action      Action
	Reason      string      // why: refusals, partial completion, re-opening, extension, withdrawal
	PauseReason PauseReason // for ActPause
	Date        time.Time   // ActExtend: the day the requester was told
	Evidence    *Evidence   // ActEvidence
}

// Ctx is what an action needs from outside the domain.
type Ctx struct {
	Now      time.Time
	Actor    Staff
	Settings Settings
	Cal      *Calendar
}

// Today is the clinic's current date.
func (c Ctx) Today() time.Time { return DateOf(c.Now.In(c.Settings.Location())) }

// Change is what an action did, for the event log. Detail holds only
// structured facts, no personal data; Reason is the free text staff typed
// (a refusal's, an extension's, ...), which may name people and so is
// kept apart, where it can be erased with the request.
type Change struct {
	Action Action
	From   Status
	To     Status
	Detail string
	Reason string
}

// Open is true while the request is not closed.
func (r Request) Open() bool { return !r.Status.Closed() }

// Log prepares a new request: validates it, sets its first status and
// settles verification. It never completes anything.
func (r *Request) Log(c Ctx) ([]Change, error) {
	if err := Check(c.Actor.Role, PermLog); err != nil {
		return nil, err
	}
	if r.Rule == "" {
		r.Rule = c.Settings.Rule
	}
	if err := r.Validate(c.Now); err != nil {
		return nil, err
	}
	// Store the identifiers, not the spelling typed ("Stop-Marketing"):
	// the rules compare them exactly.
	r.Kind, _ = ParseKind(string(r.Kind))
	r.Channel, _ = ParseChannel(string(r.Channel))
	r.Rule, _ = ParseRule(string(r.Rule))
	r.Requester.Relationship, _ = ParseRelationship(string(r.Requester.Relationship))
	r.Subject.Name, _ = ParseName(r.Subject.Name) // trimmed, spaces collapsed, NFC
	if r.Requester.Name != "" {
		r.Requester.Name, _ = ParseName(r.Requester.Name)
	}
	// A new request starts with no history, whatever the caller filled in:
	// closing, extending, pausing and verifying each go through their guards.
	r.PauseReason, r.PausedSince, r.PausedDays, r.ClarificationDays = PauseNone, time.Time{}, 0, 0
	r.VerifiedOn, r.FeeReceivedOn = time.Time{}, time.Time{}
	r.Extended, r.ExtensionReason, r.ExtensionNotifiedOn = false, "", time.Time{}
	r.ClosedOn, r.OutcomeReason = time.Time{}, ""
	for i := range r.Evidence {
		if err := r.prepareEvidence(&r.Evidence[i], c); err != nil {
			return nil, err
		}
	}
	if r.Nation == "" {
		r.Nation = c.Settings.Nation
	}
	r.Status = StatusAwaitingVerification
	r.CreatedBy = c.Actor.ID
	r.OwnerName = c.Actor.Name
	changes := []Change{{Action: ActLog, To: r.Status, Detail: fmt.Sprintf("%s by %s under %s", r.Kind, r.Channel, r.Rule)}}
	if r.RefusedAsChild(c.Settings) {
		r.Status = StatusRefused
		r.OutcomeReason = ChildRefusalReason(c.Settings)
		r.ClosedOn = c.Today()
		// The clinic's own wording, not typed about this patient: it stays
		// in the chain.
		return append(changes, Change{Action: ActRefuse, From: StatusAwaitingVerification, To: StatusRefused, Detail: "reason: " + r.OutcomeReason}), nil
	}
	if ch, ok := r.settle(c, r.ReceivedOn()); ok {
		changes = append(changes, ch)
	}
	return changes, nil
}

// settle moves a request on when its verification has just become whole.
func (r *Request) settle(c Ctx, arrived time.Time) (Change, bool) {
	if !r.Verified(c.Settings) {
		return Change{}, false
	}
	// Only a pause for the ID ends when evidence arrives; a pause for the
	// fee or a clarification goes on until someone resumes it.
	if r.Status == StatusPaused && r.PauseReason != PauseAwaitingID {
		return Change{}, false
	}
	to, ok := Next(r.Status, ActVerified)
	if !ok {
		return Change{}, false
	}
	from := r.Status
	if r.VerifiedOn.IsZero() {
		r.VerifiedOn = maxDate(r.ReceivedOn(), DateOf(arrived))
	}
	if from == StatusPaused {
		r.endPause(c.Today())
	}
	r.Status = to
	detail := "verification complete"
	if r.VerifiedOn.After(r.ReceivedOn()) && r.Rule == RuleUKGDPR {
		detail += "; clock starts " + r.VerifiedOn.Format("2006-01-02")
	}
	return Change{Action: ActVerified, From: from, To: to, Detail: detail}, true
}

func (r *Request) prepareEvidence(e *Evidence, c Ctx) error {
	if e.Kind == EvidenceCompetence {
		if err := Check(c.Actor.Role, PermCompetence); err != nil {
			return err
		}
	}
	if e.Kind == EvidenceIdentity {
		// The identifiers, not the spelling typed: strength is looked up by
		// the exact document type ("Passport" would otherwise count as fair).
		if m, err := ParseMethod(string(e.Method)); err == nil {
			e.Method = m
		}
		if d, err := ParseIDDocument(e.Document); err == nil {
			e.Document = string(d)
		}
		if e.Last4 != "" {
			l4, err := ParseLast4(e.Last4)
			if err != nil {
				return err
			}
			e.Last4 = l4
		}
		e.Strength = IDDocument(e.Document).Strength()
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if e.ReceivedOn.IsZero() {
		e.ReceivedOn = c.Today()
	}
	e.ReceivedOn = DateOf(e.ReceivedOn)
	if e.ReceivedOn.Before(r.ReceivedOn()) {
		e.ReceivedOn = r.ReceivedOn()
	}
	if e.ReceivedOn.After(c.Today()) {
		return Invalid("received", "the evidence's date is in the future", "type the day it was seen or received")
	}
	e.CheckedBy = c.Actor.ID
	e.CheckedByName = c.Actor.Name
	e.CheckedAt = c.Now
	return nil
}

func (r *Request) endPause(today time.Time) {
	if r.PausedSince.IsZero() {
		return
	}
	days := max(0, DaysBetween(r.PausedSince, today))
	r.PausedDays += days
	if r.PauseReason == PauseAwaitingClarification && r.Rule == RuleUKGDPR {
		r.ClarificationDays += days
	}
	if r.PauseReason == PauseAwaitingFee && r.FeeReceivedOn.IsZero() {
		r.FeeReceivedOn = today
	}
	r.PausedSince = time.Time{}
	r.PauseReason = PauseNone
}

// Apply carries out one staff action on an existing request: the role,
// the status table and every guard are checked here, so that no caller
// (TUI, import, command line) can skip them. It returns the changes to log.
func (r *Request) Apply(op Op, c Ctx) ([]Change, error) {
	perm, ok := actionPermission[op.Action]
	if !ok {
		return nil, Refuse(fmt.Sprintf("%q is not an action staff can take", op.Action), "choose one from the request screen")
	}
	if err := Check(c.Actor.Role, perm); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(op.Reason)
	today := c.Today()
	from := r.Status
	switch op.Action {
	case ActNote, ActAttach:
		return []Change{{Action: op.Action, From: from, To: from}}, nil
	case ActEvidence:
		if op.Evidence == nil {
			return nil, Invalid("evidence", "no evidence was given", "fill in the evidence form")
		}
		if r.Status.Closed() {
			return nil, Refuse("the request is closed", "re-open it first (a lead's action)")
		}
		e := *op.Evidence
		if err := r.prepareEvidence(&e, c); err != nil {
			return nil, err
		}
		r.Evidence = append(r.Evidence, e)
		out := []Change{{Action: ActEvidence, From: from, To: from, Detail: e.Label()}}
		if ch, ok := r.settle(c, e.ReceivedOn); ok {
			out = append(out, ch)
		}
		return out, nil
	case ActRestrict:
		return []Change{{Action: op.Action, From: from, To: from, Detail: "restriction on representatives recorded"}}, nil
	case ActExtend:
		return r.extend(op, c, reason)
	}

	to, ok := Next(from, op.Action)
	if !ok && from == StatusAwaitingVerification && (op.Action == ActComplete || op.Action == ActPartial) && !r.Verified(c.Settings) {
		// Say what is missing rather than which actions the table allows.
		return nil, Refuse("the request is not verified", "record what is missing first: "+missingText(r.MissingVerification(c.Settings)))
	}
	if !ok {
		return nil, Refuse(fmt.Sprintf("a request that is %s cannot be %s", from.Label(), strings.ReplaceAll(string(op.Action), "_", " ")), allowedHint(from))
	}
	switch op.Action {
	case ActComplete, ActPartial:
		if !r.Verified(c.Settings) {
			return nil, Refuse("the request is not verified", "record what is missing first: "+missingText(r.MissingVerification(c.Settings)))
		}
		if op.Action == ActPartial && r.Kind.Absolute() {
			return nil, Refuse("a request to stop direct marketing cannot be partly completed: the right is absolute", "stop all direct marketing and complete the request")
		}
		if op.Action == ActPartial && reason == "" {
			return nil, Invalid("reason", "a partial completion needs the reason for what was not done", "write the legal reason (for example: medical records must be kept)")
		}
	case ActRefuse:
		if r.Kind.Absolute() {
			return nil, Refuse("a request to stop direct marketing cannot be refused: the right is absolute (GDPR Art. 21(3)) and the clinic's policy says it must always comply", "stop the marketing and complete the request; if the requester withdraws it, record a withdrawal")
		}
		if reason == "" {
			return nil, Invalid("reason", "a refusal needs a reason", "write the compelling cause or the legal duty")
		}
	case ActReopen:
		if reason == "" {
			return nil, Invalid("reason", "re-opening needs a reason", "write why the request is re-opened")
		}
		// Re-opened, it could never go on (Consistent refuses it too).
		if r.RefusedAsChild(c.Settings) {
			return nil, Refuse("a child under the age threshold asked for themselves", "under the clinic's policy such a request stays refused; a parent or guardian may make a new request")
		}
	case ActPause:
		pr, err := ParsePauseReason(string(op.PauseReason))
		if err != nil {
			return nil, err
		}
		// The identifier, so that endPause recognises a clarification pause.
		op.PauseReason = pr
	}

	change := Change{Action: op.Action, From: from, To: to}
	switch op.Action {
	case ActPause:
		r.PauseReason = op.PauseReason
		r.PausedSince = today
		change.Detail = "reason: " + string(op.PauseReason) // one of a fixed list: no free text
	case ActResume:
		change.Detail = "after " + fmt.Sprint(max(0, DaysBetween(r.PausedSince, today))) + " days paused (" + string(r.PauseReason) + ")"
		r.endPause(today)
	case ActComplete, ActPartial, ActRefuse, ActWithdraw:
		if from == StatusPaused {
			r.endPause(today)
		}
		r.ClosedOn = today
		r.OutcomeReason = reason
		change.Reason = reason
	case ActReopen:
		r.ClosedOn = time.Time{}
		r.OutcomeReason = ""
		change.Reason = reason
	}
	r.Status = to
	out := []Change{change}
	if op.Action == ActResume || op.Action == ActReopen {
		if ch, ok := r.settle(c, today); ok {
			out = append(out, ch)
		}
	}
	return out, nil
}

func (r *Request) extend(op Op, c Ctx, reason string) ([]Change, error) {
	if r.Status.Closed() {
		return nil, Refuse("the request is closed", "only open requests can be extended")
	}
	if r.Extended {
		return nil, Refuse("the deadline was already extended", "the law allows one extension")
	}
	if !ExtensionAllowed(r.Rule, r.Kind) {
		return nil, Refuse(fmt.Sprintf("%s allows no extension for %s", r.Rule.Label(), r.Kind.Label()), "answer by the first deadline")
	}
	if reason == "" {
		return nil, Invalid("reason", "an extension needs its reasons", "write why the request is complex or numerous")
	}
	if op.Date.IsZero() {
		return nil, Invalid("told on", "the day the requester was told is missing", "type the day they were told of the extension")
	}
	told := DateOf(op.Date)
	dl := r.Deadline(c.Cal)
	if told.After(c.Today()) {
		return nil, Invalid("told on", "the day the requester was told is in the future", "tell them first, then record the extension")
	}
	if told.Before(r.ReceivedOn()) {
		return nil, Invalid("told on", "the day the requester was told is before the request came in", "check the date")
	}
	if !dl.NotifyExtensionBy.IsZero() && told.After(dl.NotifyExtensionBy) {
		return nil, Refuse("the requester had to be told of an extension by "+dl.NotifyExtensionBy.Format("2006-01-02"), "it is too late to extend: answer now")
	}
	r.Extended = true
	r.ExtensionReason = reason
	r.ExtensionNotifiedOn = told
	ndl := r.Deadline(c.Cal)
	return []Change{{Action: ActExtend, From: r.Status, To: r.Status, Detail: "due " + ndl.Effective.Format("2006-01-02") + "; told " + told.Format("2006-01-02"), Reason: reason}}, nil
}

// Consistent checks a request whose status came from elsewhere (an import,
// a restore): the same guards as Apply, for every path to a status.
func (r Request) Consistent(s Settings) error {
	if !slices.Contains(Statuses, r.Status) {
		return Invalid("status", fmt.Sprintf("%q is not a status", Clean(string(r.Status), 40)), "use one of: "+statusNames())
	}
	verified := r.Verified(s)
	switch r.Status {
	case StatusInProgress, StatusCompleted, StatusPartiallyCompleted:
		if !verified {
			return Refuse(fmt.Sprintf("a request cannot be %s without verification", r.Status.Label()), "record what is missing: "+missingText(r.MissingVerification(s)))
		}
	}
	if r.RefusedAsChild(s) && r.Status != StatusRefused && r.Status != StatusWithdrawn {
		return Refuse("a child under the age threshold asked for themselves", "under the clinic's policy such a request can only be refused; a parent or guardian may ask instead")
	}
	if (r.Status == StatusRefused || r.Status == StatusPartiallyCompleted) && r.Kind.Absolute() {
		return Refuse(fmt.Sprintf("a request to stop direct marketing cannot be %s: the right is absolute", r.Status.Label()), "record it as completed or withdrawn")
	}
	if (r.Status == StatusRefused || r.Status == StatusPartiallyCompleted) && strings.TrimSpace(r.OutcomeReason) == "" {
		return Invalid("outcome reason", fmt.Sprintf("a %s request needs a reason", r.Status.Label()), "give the legal reason")
	}
	if r.Status.Closed() && r.ClosedOn.IsZero() {
		return Invalid("closed on", "a closed request needs the day it was closed", "give the day it was closed")
	}
	if !r.Status.Closed() && !r.ClosedOn.IsZero() {
		return Invalid("closed on", "an open request cannot have a closing day", "leave it blank or give a closed status")
	}
	if !r.ClosedOn.IsZero() && r.ClosedOn.Before(r.ReceivedOn()) {
		return Invalid("closed on", "the request was closed before it was received", "check the dates")
	}
	if r.Extended && strings.TrimSpace(r.ExtensionReason) == "" {
		return Invalid("extension reason", "an extension needs its reasons", "give the reason for the extension")
	}
	if r.Extended && !ExtensionAllowed(r.Rule, r.Kind) {
		return Refuse(fmt.Sprintf("%s allows no extension for %s", r.Rule.Label(), r.Kind.Label()), "leave the extension blank")
	}
	return nil
}

func statusNames() string {
	names := make([]string, len(Statuses))
	for i, st := range Statuses {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}

func missingText(m []Missing) string {
	if len(m) == 0 {
		return "nothing"
	}
	parts := make([]string, len(m))
	for i, x := range m {
		parts[i] = x.Text
	}
	return strings.Join(parts, "; ")
}

func allowedHint(from Status) string {
	var names []string
	for _, a := range []Action{ActVerified, ActPause, ActResume, ActComplete, ActPartial, ActRefuse, ActWithdraw, ActReopen} {
		if _, ok := transitions[from][a]; ok && a != ActVerified {
			names = append(names, strings.ReplaceAll(string(a), "_", " "))
		}
	}
	if len(names) == 0 {
		return "record the missing verification first"
	}
	return "from here it can be " + strings.Join(names, ", ")
}

func maxDate(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
