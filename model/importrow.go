package model

// Importing a register kept elsewhere: one CSV row becomes one Request that
// has passed every rule the desk applies, or a list of problems, each naming
// the row's line, the column and what to fix. Reading the file and writing
// the database are the callers' business; this file is pure.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Import (and `list --csv`) column names. They are a contract: columns may
// be added, never renamed.
const (
	ColReference             = "reference"
	ColReceivedOn            = "received_on"
	ColKind                  = "kind"
	ColChannel               = "channel"
	ColRule                  = "rule"
	ColRequesterName         = "requester_name"
	ColRequesterRelationship = "requester_relationship"
	ColSubjectName           = "subject_name"
	ColSubjectDateOfBirth    = "subject_date_of_birth"
	ColSubjectEmail          = "subject_email"
	ColSubjectPhone          = "subject_phone"
	ColIDEvidence            = "id_evidence"
	ColIDReceivedOn          = "id_received_on"
	ColParentalEvidence      = "parental_evidence"
	ColAuthorityEvidence     = "authority_evidence"
	ColStatus                = "status"
	ColPauseReason           = "pause_reason"
	ColPausedDays            = "paused_days"
	ColClarificationDays     = "clarification_days"
	ColFeeReceivedOn         = "fee_received_on"
	ColClosedOn              = "closed_on"
	ColOutcomeReason         = "outcome_reason"
	ColExtendedOn            = "extended_on"
	ColExtensionReason       = "extension_reason"
	ColDetails               = "details"
	ColNotes                 = "notes"
)

// ImportColumns lists every column in the order `list --csv` writes them.
var ImportColumns = []string{
	ColReference, ColReceivedOn, ColKind, ColChannel, ColRule,
	ColRequesterName, ColRequesterRelationship,
	ColSubjectName, ColSubjectDateOfBirth, ColSubjectEmail, ColSubjectPhone,
	ColIDEvidence, ColIDReceivedOn, ColParentalEvidence, ColAuthorityEvidence,
	ColStatus, ColPauseReason, ColPausedDays, ColClarificationDays, ColFeeReceivedOn, ColClosedOn, ColOutcomeReason,
	ColExtendedOn, ColExtensionReason, ColDetails, ColNotes,
}

// requiredColumns must be in the header: without them no row can be read.
var requiredColumns = []string{ColReceivedOn, ColKind, ColChannel, ColRequesterRelationship, ColSubjectName, ColSubjectDateOfBirth, ColStatus}

// Lengths of the free-text columns, in characters.
const (
	MaxReasonLen  = 1000
	MaxDetailsLen = 2000
	MaxNotesLen   = 5000
)

// DetailsNotRecorded fills in what was asked when an imported correction or
// deletion does not say: the desk requires it, and an old register may not
// have kept it.
const DetailsNotRecorded = "not recorded in the imported register"

// parentalOtherDescription describes parental evidence of type "other",
// which the desk requires a description for.
const parentalOtherDescription = "recorded as other in the imported register"

// ImportProblem is one thing wrong with a file: the line (1 is the header),
// the column ("" when it is about the whole row or file), what is wrong and
// how to fix it. It never repeats a name, date of birth or contact detail.
type ImportProblem struct {
	Line    int
	Column  string
	Problem string
	Fix     string
}

func (p ImportProblem) String() string {
	where := fmt.Sprintf("line %d", p.Line)
	if p.Column != "" {
		where += ", " + p.Column
	}
	msg := where + ": " + p.Problem
	if p.Fix != "" {
		msg += ": " + p.Fix
	}
	return msg
}

// ImportHeader maps each known column to its position in the file's rows.
type ImportHeader struct {
	pos   map[string]int
	Width int // fields in the header, which every row must have
}

// Has is true when the file has column c.
func (h ImportHeader) Has(c string) bool { _, ok := h.pos[c]; return ok }

// Index is the position of column c in a row, or -1.
func (h ImportHeader) Index(c string) int {
	if i, ok := h.pos[c]; ok {
		return i
	}
	return -1
}

// ParseImportHeader reads the header row: any order, case and spaces around
// names ignored, a UTF-8 byte order mark dropped. Unknown and repeated
// columns are refused by name, and so is a header that lacks a required one.
func ParseImportHeader(fields []string) (ImportHeader, []ImportProblem) {
	h := ImportHeader{pos: map[string]int{}, Width: len(fields)}
	known := map[string]bool{}
	for _, c := range ImportColumns {
		known[c] = true
	}
	var unknown, repeated []string
	for i, f := range fields {
		if i == 0 {
			f = strings.TrimPrefix(f, "\ufeff")
		}
		name := strings.ToLower(strings.TrimSpace(f))
		switch {
		case !known[name]:
			unknown = append(unknown, fmt.Sprintf("%q", Clean(f, 40)))
		case h.Has(name):
			repeated = append(repeated, name)
		default:
			h.pos[name] = i
		}
	}
	var out []ImportProblem
	if len(unknown) > 0 {
		out = append(out, ImportProblem{Line: 1, Problem: "unknown columns " + strings.Join(unknown, ", "),
			Fix: "remove them, or rename them to one of: " + strings.Join(ImportColumns, ", ")})
	}
	if len(repeated) > 0 {
		out = append(out, ImportProblem{Line: 1, Problem: "columns given twice: " + strings.Join(repeated, ", "), Fix: "keep one of each"})
	}
	var missing []string
	for _, c := range requiredColumns {
		if !h.Has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		out = append(out, ImportProblem{Line: 1, Problem: "required columns are missing: " + strings.Join(missing, ", "), Fix: "add them to the header row"})
	}
	return h, out
}

// ImportOptions is what reading a row needs besides the row: the clinic's
// clock, settings, calendar and the importing lead (Ctx), and how dates are
// written in the file.
type ImportOptions struct {
	Ctx
	DateOrder DateOrder
}

// ImportRow is one row read from a file: the request ready to save, the
// event detail that records it, and its import key (the SHA-256 of the
// row's normalised values, so importing the same row again adds nothing).
// A row with Problems must not be saved.
type ImportRow struct {
	Line     int
	Request  Request
	Detail   string
	Key      string
	Problems []ImportProblem
}

// EscapeCell writes a value into a CSV cell. A value that a spreadsheet
// would run as a formula is neutralised with a leading apostrophe
// (NeutraliseCell); so is a value that itself starts with an apostrophe, so
// that UnescapeCell gives back exactly the value written.
func EscapeCell(s string) string {
	if strings.HasPrefix(s, "'") {
		return "'" + s
	}
	return NeutraliseCell(s)
}

// UnescapeCell undoes EscapeCell: one leading apostrophe is dropped when
// what follows starts with = + - @ (or their full-width forms), a tab, a
// carriage return or another apostrophe. Any other apostrophe is kept, so
// a name like 't Hooft reads as written.
func UnescapeCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && (strings.HasPrefix(rest, "'") || NeutraliseCell(rest) != rest) {
		return rest
	}
	return s
}

// rowReader collects one row's values and problems.
type rowReader struct {
	h        ImportHeader
	fields   []string
	line     int
	order    DateOrder
	problems []ImportProblem
	norm     [][2]string // column and normalised value, for the import key
}

func (rr *rowReader) add(col, problem, fix string) {
	rr.problems = append(rr.problems, ImportProblem{Line: rr.line, Column: col, Problem: problem, Fix: fix})
}

// addErr turns a parser's error into a problem with the column's name.
func (rr *rowReader) addErr(col string, err error) {
	if ie, ok := err.(*InputError); ok {
		rr.add(col, ie.Problem, ie.Fix)
		return
	}
	if re, ok := err.(*RuleError); ok {
		rr.add(col, re.Problem, re.Fix)
		return
	}
	rr.add(col, err.Error(), "")
}

// cell is column c's value, unescaped and trimmed ("" when absent).
func (rr *rowReader) cell(c string) string {
	i := rr.h.Index(c)
	if i < 0 || i >= len(rr.fields) {
		return ""
	}
	return strings.TrimSpace(UnescapeCell(rr.fields[i]))
}

// keep records the normalised value of a column for the import key.
func (rr *rowReader) keep(c, v string) { rr.norm = append(rr.norm, [2]string{c, v}) }

func (rr *rowReader) required(c string) (string, bool) {
	v := rr.cell(c)
	if v == "" {
		rr.add(c, "is blank", "fill it in: every row needs "+c)
		return "", false
	}
	return v, true
}

func (rr *rowReader) date(c string, need bool) time.Time {
	v := rr.cell(c)
	if v == "" {
		if need {
			rr.add(c, "is blank", "fill it in as "+rr.order.Pattern())
		}
		rr.keep(c, "")
		return time.Time{}
	}
	d, err := ParseDate(v, rr.order)
	if err != nil {
		rr.addErr(c, err)
		return time.Time{}
	}
	rr.keep(c, d.Format("2006-01-02"))
	return d
}

func parseCol[T ~string](rr *rowReader, c string, need bool, parse func(string) (T, error)) T {
	var zero T
	v := rr.cell(c)
	if v == "" {
		if need {
			rr.add(c, "is blank", "fill it in: every row needs "+c)
		}
		rr.keep(c, "")
		return zero
	}
	out, err := parse(v)
	if err != nil {
		rr.addErr(c, err)
		return zero
	}
	rr.keep(c, string(out))
	return out
}

// maxPausedDays bounds the paused-days columns: ten years.
const maxPausedDays = 3653

// days reads a count of days: blank is 0.
func (rr *rowReader) days(c string) int {
	v := rr.cell(c)
	if v == "" {
		rr.keep(c, "")
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxPausedDays {
		rr.add(c, "is not a whole number of days from 0 to "+strconv.Itoa(maxPausedDays), "give the number of days, e.g. 12, or leave it blank")
		return 0
	}
	rr.keep(c, strconv.Itoa(n))
	return n
}

// text reads a free-text column: control sequences stripped (CleanText),
// line breaks kept, at most max characters.
func (rr *rowReader) text(c string, max int) string {
	v := strings.TrimSpace(CleanText(rr.cell(c), 0))
	if n := utf8.RuneCountInString(v); n > max {
		rr.add(c, fmt.Sprintf("has %d characters; at most %d are kept", n, max), "shorten it")
		return ""
	}
	rr.keep(c, v)
	return v
}

// ParseRow reads one data row (line is its line in the file) into a
// request, applying every rule the desk applies to a request and to the
// status the row gives it. Problems are reported per column; checks that
// need several columns run only once those columns are readable.
func (h ImportHeader) ParseRow(line int, fields []string, opt ImportOptions) ImportRow {
	rr := &rowReader{h: h, fields: fields, line: line, order: opt.DateOrder, norm: make([][2]string, 0, len(ImportColumns))}
	out := ImportRow{Line: line}
	if len(fields) != h.Width {
		rr.add("", fmt.Sprintf("has %d fields but the header has %d", len(fields), h.Width), "check for a missing or extra comma, or a quote left open")
		out.Problems = rr.problems
		return out
	}
	for i, f := range fields {
		if !utf8.ValidString(f) {
			col := ""
			for c, p := range h.pos {
				if p == i {
					col = c
				}
			}
			rr.add(col, "is not valid UTF-8 text", "save the file as UTF-8 (in a spreadsheet: CSV UTF-8)")
		}
	}
	if len(rr.problems) > 0 {
		out.Problems = rr.problems
		return out
	}
	st := opt.Settings
	today := opt.Today()

	var r Request
	if v := rr.cell(ColReference); v != "" {
		ref, err := ParseReference(v)
		if err != nil {
			rr.addErr(ColReference, err)
		}
		r.Reference = ref
	}
	rr.keep(ColReference, r.Reference)
	received := rr.date(ColReceivedOn, true)
	r.Kind = parseCol(rr, ColKind, true, ParseKind)
	r.Channel = parseCol(rr, ColChannel, true, ParseChannel)
	r.Rule = parseCol(rr, ColRule, false, ParseRule)
	if r.Rule == "" {
		r.Rule = st.Rule
	}
	r.Requester.Relationship = parseCol(rr, ColRequesterRelationship, true, ParseRelationship)
	r.Requester.Name = parseCol(rr, ColRequesterName, false, ParseName)
	if v, ok := rr.required(ColSubjectName); ok {
		n, err := ParseName(v)
		if err != nil {
			rr.addErr(ColSubjectName, err)
		}
		r.Subject.Name = n
	}
	rr.keep(ColSubjectName, r.Subject.Name)
	r.Subject.DateOfBirth = rr.date(ColSubjectDateOfBirth, true)
	r.Subject.Email = parseCol(rr, ColSubjectEmail, false, ParseEmail)
	r.Subject.Phone = parseCol(rr, ColSubjectPhone, false, ParsePhone)
	idDoc := parseCol(rr, ColIDEvidence, false, ParseIDDocument)
	idReceived := rr.date(ColIDReceivedOn, false)
	parDoc := parseCol(rr, ColParentalEvidence, false, ParseParentalDocument)
	authDoc := parseCol(rr, ColAuthorityEvidence, false, ParseAuthorityDocument)
	r.Status = parseCol(rr, ColStatus, true, ParseStatus)
	pause := parseCol(rr, ColPauseReason, false, ParsePauseReason)
	r.PausedDays = rr.days(ColPausedDays)
	r.ClarificationDays = rr.days(ColClarificationDays)
	r.FeeReceivedOn = rr.date(ColFeeReceivedOn, false)
	closed := rr.date(ColClosedOn, false)
	r.OutcomeReason = rr.text(ColOutcomeReason, MaxReasonLen)
	extendedOn := rr.date(ColExtendedOn, false)
	r.ExtensionReason = rr.text(ColExtensionReason, MaxReasonLen)
	r.Details.Summary = rr.text(ColDetails, MaxDetailsLen)
	r.Notes = rr.text(ColNotes, MaxNotesLen)
	if len(rr.problems) > 0 {
		out.Problems = rr.problems
		return out
	}

	// Dates against each other and against today.
	loc := st.Location()
	r.ReceivedAt = time.Date(received.Year(), received.Month(), received.Day(), 0, 0, 0, 0, loc)
	if received.After(today) {
		rr.add(ColReceivedOn, "is after today", "give the day the request came in, today or earlier")
	}
	if r.Subject.DateOfBirth.After(received) {
		rr.add(ColSubjectDateOfBirth, "is after the day the request was received", "check the year of birth")
	} else if AgeOn(r.Subject.DateOfBirth, received) > 130 {
		rr.add(ColSubjectDateOfBirth, "makes the patient older than 130", "check the year of birth")
	}
	switch {
	case r.ClarificationDays > r.PausedDays:
		rr.add(ColClarificationDays, "is more than paused_days", "paused_days counts every finished pause, those awaiting clarification included")
	case r.ClarificationDays > 0 && r.Rule != RuleUKGDPR:
		rr.add(ColClarificationDays, "is given but only UK GDPR stops the clock while awaiting clarification", "leave it blank, and count those days in paused_days")
	}
	if !r.FeeReceivedOn.IsZero() {
		switch {
		case r.FeeReceivedOn.Before(received):
			rr.add(ColFeeReceivedOn, "is before the request was received", "check the date, or leave it blank if no fee was asked")
		case r.FeeReceivedOn.After(today):
			rr.add(ColFeeReceivedOn, "is after today", "give the day the fee arrived")
		}
	}
	if (r.Kind == KindCorrection || r.Kind == KindDeletion) && r.Details.Summary == "" {
		r.Details.Summary = DetailsNotRecorded
	}

	// Evidence: all of it arrived on id_received_on, or with the request.
	evDate := received
	if !idReceived.IsZero() {
		switch {
		case idDoc == "" && parDoc == "" && authDoc == "":
			rr.add(ColIDReceivedOn, "is given but the row records no evidence", "fill id_evidence (or parental_evidence, authority_evidence), or leave id_received_on blank")
		case idReceived.Before(received):
			rr.add(ColIDReceivedOn, "is before the request was received", "leave it blank if the ID was seen when the request came in")
		case idReceived.After(today):
			rr.add(ColIDReceivedOn, "is after today", "give the day the ID arrived")
		}
		evDate = idReceived
	}
	if idDoc != "" {
		e := Evidence{Kind: EvidenceIdentity, Document: string(idDoc), ReceivedOn: evDate, Method: importMethod(idDoc, idReceived.IsZero())}
		r.Evidence = append(r.Evidence, e)
	}
	if parDoc != "" {
		e := Evidence{Kind: EvidenceParental, Document: string(parDoc), ReceivedOn: evDate}
		if parDoc == ParOther {
			e.Description = parentalOtherDescription
		}
		r.Evidence = append(r.Evidence, e)
	}
	if authDoc != "" {
		e := Evidence{Kind: EvidenceAuthority, Document: string(authDoc), ReceivedOn: evDate}
		if authDoc == AuthOther {
			e.Description = parentalOtherDescription
		}
		r.Evidence = append(r.Evidence, e)
	}
	if len(rr.problems) > 0 {
		out.Problems = rr.problems
		return out
	}

	// The same checks the desk makes when it logs a request.
	if err := r.Validate(opt.Now); err != nil {
		rr.addErr(columnFor(err), err)
	}
	for i := range r.Evidence {
		if err := r.prepareEvidence(&r.Evidence[i], opt.Ctx); err != nil {
			rr.addErr(evidenceColumn(r.Evidence[i].Kind), err)
		}
	}
	if len(rr.problems) > 0 {
		out.Problems = rr.problems
		return out
	}
	r.Nation = st.Nation
	r.Imported = true
	verified := r.Verified(st)
	if verified {
		// Verification became whole when the last evidence it needed
		// arrived; a request that needed none was verified on receipt.
		bare := r
		bare.Evidence = nil
		r.VerifiedOn = received
		if len(bare.MissingVerification(st)) > 0 {
			r.VerifiedOn = evDate
		}
	}
	detail := fmt.Sprintf("%s by %s under %s; status %s", r.Kind, r.Channel, r.Rule, r.Status)

	// The status the row gives, and what it demands.
	switch r.Status {
	case StatusAwaitingVerification:
		if verified {
			// The desk moves a request on as soon as its verification is
			// whole; an imported one moves on the same way.
			r.Status = StatusInProgress
			detail = fmt.Sprintf("%s by %s under %s; status in_progress (the register said awaiting_verification, but its verification is complete)", r.Kind, r.Channel, r.Rule)
		}
	case StatusInProgress, StatusCompleted, StatusPartiallyCompleted:
		if !verified {
			col, what := ColStatus, "a lead must record a competence assessment at the desk"
			if m := r.MissingVerification(st); len(m) > 0 {
				col, what = needColumn(m[0].Need), m[0].Text
			}
			if r.RefusedAsChild(st) {
				col, what = ColStatus, ChildRefusalReason(st)
			}
			fix := "record the evidence seen in " + col + ", or set status to awaiting_verification"
			if col == ColStatus {
				fix = "set status to awaiting_verification (or refused, withdrawn) and finish the verification at the desk"
			}
			rr.add(col, fmt.Sprintf("the request cannot be %s without verification (%s)", r.Status.Label(), what), fix)
		}
	}
	if r.RefusedAsChild(st) && r.Status != StatusRefused && r.Status != StatusWithdrawn && len(rr.problems) == 0 {
		rr.add(ColStatus, fmt.Sprintf("the patient was under %d and asked for themselves, which the clinic's policy refuses", st.AgeThreshold),
			"set status to refused with the reason in outcome_reason, or to withdrawn")
	}
	if r.Status == StatusPaused {
		if pause == "" {
			pause = PauseOther
			if !verified {
				pause = PauseAwaitingID
			}
		}
		r.PauseReason = pause
		// How long it had been paused is not in the register: the pause
		// is counted from the day of the import.
		r.PausedSince = today
	} else if pause != "" {
		rr.add(ColPauseReason, "is given but the status is not paused", "leave it blank, or set status to paused")
	}
	if r.Status.Closed() {
		switch {
		case closed.IsZero():
			rr.add(ColClosedOn, "is blank but the request is "+r.Status.Label(), "give the day it was closed")
		case closed.Before(received):
			rr.add(ColClosedOn, "is before the request was received", "check the dates")
		case closed.After(today):
			rr.add(ColClosedOn, "is after today", "give the day it was closed")
		}
		r.ClosedOn = closed
		if (r.Status == StatusRefused || r.Status == StatusPartiallyCompleted) && r.OutcomeReason == "" {
			rr.add(ColOutcomeReason, "is blank but a "+r.Status.Label()+" request needs its reason", "give the legal reason (for example: medical records must be kept)")
		}
	} else {
		if !closed.IsZero() {
			rr.add(ColClosedOn, "is given but the request is "+r.Status.Label()+" (open)", "leave it blank, or give a closed status")
		}
		if r.OutcomeReason != "" {
			rr.add(ColOutcomeReason, "is given but the request is "+r.Status.Label()+" (open)", "leave it blank, or give a closed status")
		}
	}

	// An extension: the same rules as extending at the desk.
	switch {
	case extendedOn.IsZero() && r.ExtensionReason != "":
		rr.add(ColExtendedOn, "is blank but extension_reason is given", "give the day the requester was told of the extension")
	case !extendedOn.IsZero():
		dl := r.Deadline(opt.Cal)
		switch {
		case !ExtensionAllowed(r.Rule, r.Kind):
			rr.add(ColExtendedOn, fmt.Sprintf("%s allows no extension for %s", r.Rule.Label(), r.Kind.Label()), "leave extended_on and extension_reason blank")
		case r.ExtensionReason == "":
			rr.add(ColExtensionReason, "is blank but the request was extended", "give the reasons the requester was told")
		case extendedOn.Before(received):
			rr.add(ColExtendedOn, "is before the request was received", "check the date")
		case extendedOn.After(today):
			rr.add(ColExtendedOn, "is after today", "give the day the requester was told")
		case !closed.IsZero() && extendedOn.After(closed):
			rr.add(ColExtendedOn, "is after the request was closed", "check the dates")
		case !dl.NotifyExtensionBy.IsZero() && extendedOn.After(dl.NotifyExtensionBy):
			rr.add(ColExtendedOn, "is after "+dl.NotifyExtensionBy.Format("2006-01-02")+", the last day the requester could be told of an extension", "the law allows no extension this late: leave extended_on and extension_reason blank")
		}
		r.Extended = true
		r.ExtensionNotifiedOn = extendedOn
	}

	// The domain's own guard for a status that came from elsewhere.
	if len(rr.problems) == 0 {
		if err := r.Consistent(st); err != nil {
			rr.addErr(columnFor(err), err)
		}
	}
	if len(rr.problems) > 0 {
		out.Problems = rr.problems
		return out
	}
	out.Request = r
	out.Detail = fmt.Sprintf("%s; line %d", detail, line)
	out.Key = importKey(rr.norm)
	return out
}

// importMethod is how imported identity evidence was checked. A record
// match or "known to staff" says so itself. Any document is taken as seen
// in person when it was seen at intake (id_received_on blank), and as a
// copy received when it arrived later: the register keeps no more.
func importMethod(d IDDocument, atIntake bool) Method {
	switch d {
	case DocMatchedRecords:
		return MethodMatchedRecords
	case DocKnownToStaff:
		return MethodKnownToStaff
	}
	if atIntake {
		return MethodInPerson
	}
	return MethodCopyReceived
}

// columnFor maps a domain error's field to the column it came from.
func columnFor(err error) string {
	ie, ok := err.(*InputError)
	if !ok {
		return ColStatus
	}
	switch ie.Field {
	case "kind":
		return ColKind
	case "channel":
		return ColChannel
	case "rule":
		return ColRule
	case "relationship":
		return ColRequesterRelationship
	case "patient's name":
		return ColSubjectName
	case "requester's name":
		return ColRequesterName
	case "received":
		return ColReceivedOn
	case "date of birth":
		return ColSubjectDateOfBirth
	case "patient's e-mail":
		return ColSubjectEmail
	case "patient's phone":
		return ColSubjectPhone
	case "details":
		return ColDetails
	case "closed on":
		return ColClosedOn
	case "outcome reason":
		return ColOutcomeReason
	case "extension reason":
		return ColExtensionReason
	}
	return ColStatus
}

func evidenceColumn(k EvidenceKind) string {
	switch k {
	case EvidenceParental:
		return ColParentalEvidence
	case EvidenceAuthority:
		return ColAuthorityEvidence
	}
	return ColIDEvidence
}

func needColumn(n Need) string {
	switch n {
	case NeedIdentity, NeedStrongID:
		return ColIDEvidence
	case NeedParental:
		return ColParentalEvidence
	case NeedAuthority:
		return ColAuthorityEvidence
	}
	return ColStatus
}

// importKey is the SHA-256 of the row's normalised values in column order,
// each as a length-prefixed name and value, so that the same row written
// with another column order, date format or letter case of an identifier
// has the same key. The key is the hash's first 128 bits, in hex: two
// different rows share one with odds of 1 in 10^20 in a register of a
// hundred million, and the table and its unique index hold half the bytes.
func importKey(norm [][2]string) string {
	// A column kept twice counts with its last value.
	vals := make([]string, len(ImportColumns))
	for _, kv := range norm {
		if i, ok := importColumnIndex[kv[0]]; ok {
			vals[i] = kv[1]
		}
	}
	bp := keyBuffers.Get().(*[]byte)
	b := append((*bp)[:0], importKeyPrefix...)
	for i, c := range ImportColumns {
		for _, s := range [2]string{c, vals[i]} {
			b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	sum := sha256.Sum256(b)
	*bp = b
	keyBuffers.Put(bp)
	return hex.EncodeToString(sum[:16])
}

// importColumnIndex is each import column's place in ImportColumns.
var importColumnIndex = func() map[string]int {
	m := make(map[string]int, len(ImportColumns))
	for i, c := range ImportColumns {
		m[c] = i
	}
	return m
}()

// keyBuffers hold the bytes importKey hashes, a row's worth each: rows are
// parsed by the hundred thousand.
var keyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// importKeyPrefix starts every import key's hashed bytes.
const importKeyPrefix = "rightsdesk-import-v1"

// DetailsText is what was asked, in plain words without the kind: the
// `details` column of `list --csv`. Read back by the import it gives the
// same text again.
func (r Request) DetailsText() string {
	s := r.Summary()
	if s == r.Kind.Label() {
		return ""
	}
	return strings.TrimPrefix(s, r.Kind.Label()+" — ")
}

// ImportCells writes a request as a row of ImportColumns (dates ISO, cells
// not yet escaped for a spreadsheet): the row `list --csv` writes, which
// ParseRow reads back into the same request. Evidence is written by type:
// the strongest identity evidence, the first parental and authority proof,
// and id_received_on is the day verification became whole (or the last
// evidence arrived) when that was after receipt.
func (r Request) ImportCells() []string {
	received := r.ReceivedOn()
	var id, par, auth *Evidence
	var lastEvidence time.Time
	for i := range r.Evidence {
		e := &r.Evidence[i]
		switch e.Kind {
		case EvidenceIdentity:
			if id == nil || (e.Strength == StrengthStrong && id.Strength != StrengthStrong) {
				id = e
			}
		case EvidenceParental:
			if par == nil {
				par = e
			}
		case EvidenceAuthority:
			if auth == nil {
				auth = e
			}
		default:
			continue
		}
		if e.ReceivedOn.After(lastEvidence) {
			lastEvidence = e.ReceivedOn
		}
	}
	// The import dates all evidence on id_received_on and, once verified,
	// takes that day as VerifiedOn: so a verified request writes the day
	// its verification became whole, an unverified one the day its last
	// evidence arrived; neither when it was the day of receipt.
	idReceived := ""
	if id != nil || par != nil || auth != nil {
		d := lastEvidence
		if !r.VerifiedOn.IsZero() {
			d = r.VerifiedOn
		}
		if !d.IsZero() && DateOf(d).After(received) {
			idReceived = isoDate(d)
		}
	}
	days := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	doc := func(e *Evidence) string {
		if e == nil {
			return ""
		}
		return e.Document
	}
	pause := ""
	if r.Status == StatusPaused {
		pause = string(r.PauseReason)
	}
	extendedOn, extReason := "", ""
	if r.Extended {
		extendedOn, extReason = isoDate(r.ExtensionNotifiedOn), r.ExtensionReason
	}
	vals := map[string]string{
		ColReference:             r.Reference,
		ColReceivedOn:            isoDate(received),
		ColKind:                  string(r.Kind),
		ColChannel:               string(r.Channel),
		ColRule:                  string(r.Rule),
		ColRequesterName:         r.Requester.Name,
		ColRequesterRelationship: string(r.Requester.Relationship),
		ColSubjectName:           r.Subject.Name,
		ColSubjectDateOfBirth:    isoDate(r.Subject.DateOfBirth),
		ColSubjectEmail:          r.Subject.Email,
		ColSubjectPhone:          r.Subject.Phone,
		ColIDEvidence:            doc(id),
		ColIDReceivedOn:          idReceived,
		ColParentalEvidence:      doc(par),
		ColAuthorityEvidence:     doc(auth),
		ColStatus:                string(r.Status),
		ColPauseReason:           pause,
		ColPausedDays:            days(r.PausedDays),
		ColClarificationDays:     days(r.ClarificationDays),
		ColFeeReceivedOn:         isoDate(r.FeeReceivedOn),
		ColClosedOn:              isoDate(r.ClosedOn),
		ColOutcomeReason:         r.OutcomeReason,
		ColExtendedOn:            extendedOn,
		ColExtensionReason:       extReason,
		ColDetails:               r.DetailsText(),
		ColNotes:                 r.Notes,
	}
	out := make([]string, len(ImportColumns))
	for i, c := range ImportColumns {
		out[i] = vals[c]
	}
	return out
}

// isoDate is YYYY-MM-DD, or "" for the zero time.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return DateOf(t).Format("2006-01-02")
}
