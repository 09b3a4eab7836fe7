package export

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"rightsdesk/model"
)

// SchemaID names version 1 of request.json's schema. A change that could
// break a reader gets a new version (and a new schema file); fields may be
// added within a version.
const SchemaID = "rightsdesk/request/v1"

//go:embed schema/request.v1.schema.json
var requestSchemaV1 []byte

// RequestSchema is the JSON Schema (draft 2020-12) of request.json, v1.
func RequestSchema() []byte { return bytes.Clone(requestSchemaV1) }

// record is request.json: the request as structured data. Its shape is
// the schema in schema/request.v1.schema.json; the README documents it.
type record struct {
	Schema      string         `json:"schema"`
	GeneratedAt string         `json:"generated_at"`
	Clinic      recordClinic   `json:"clinic"`
	Reference   string         `json:"reference"`
	Kind        model.Kind     `json:"kind"`
	KindLabel   string         `json:"kind_label"`
	Summary     string         `json:"summary"`
	Details     model.Details  `json:"details"`
	Channel     model.Channel  `json:"channel"`
	Rule        model.Rule     `json:"rule"`
	RuleLabel   string         `json:"rule_label"`
	Subject     recordSubject  `json:"subject"`
	Requester   recordAsker    `json:"requester"`
	Dates       recordDates    `json:"dates"`
	Deadline    recordDeadline `json:"deadline"`
	Outcome     recordOutcome  `json:"outcome"`
	Evidence    []recordProof  `json:"evidence"`
	Timeline    []recordEvent  `json:"timeline"`
	Files       []recordFile   `json:"files"`
}

type recordClinic struct {
	Name    string `json:"name"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Address string `json:"address,omitempty"`
}

type recordSubject struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
}

type recordAsker struct {
	Name         string             `json:"name"`
	Relationship model.Relationship `json:"relationship"`
}

type recordDates struct {
	ReceivedOn    string `json:"received_on"`
	ClockStart    string `json:"clock_start,omitempty"`
	VerifiedOn    string `json:"verified_on,omitempty"`
	FeeReceivedOn string `json:"fee_received_on,omitempty"`
	ClosedOn      string `json:"closed_on,omitempty"`
	PausedDays    int    `json:"paused_days"`
}

type recordDeadline struct {
	DueOn               string `json:"due_on,omitempty"`
	EffectiveDueOn      string `json:"effective_due_on,omitempty"`
	Extended            bool   `json:"extended"`
	ExtendedDueOn       string `json:"extended_due_on,omitempty"`
	ExtensionReason     string `json:"extension_reason,omitempty"`
	ExtensionNotifiedOn string `json:"extension_notified_on,omitempty"`
	Basis               string `json:"basis"`
}

type recordOutcome struct {
	Status model.Status `json:"status"`
	Label  string       `json:"label"`
	Reason string       `json:"reason,omitempty"`
}

type recordProof struct {
	Kind       model.EvidenceKind `json:"kind"`
	Type       string             `json:"type,omitempty"`
	Label      string             `json:"label"`
	ReceivedOn string             `json:"received_on,omitempty"`
}

type recordEvent struct {
	Seq    int64  `json:"seq"`
	At     string `json:"at"`
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
}

type recordFile struct {
	Path         string `json:"path"`
	OriginalName string `json:"original_name"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
	AddedAt      string `json:"added_at,omitempty"`
}

// buildRecord assembles request.json from this request alone. Public text
// is cleaned of control characters; staff names are left out of the
// timeline (they are the staff's personal data, not the patient's).
func buildRecord(b bundle, events []model.Event, files []packFile) record {
	r := b.req
	rec := record{
		Schema:      SchemaID,
		GeneratedAt: b.now.UTC().Format(time.RFC3339),
		Clinic: recordClinic{
			Name: tidy(b.set.ClinicName), Email: tidy(b.set.ClinicEmail),
			Phone: tidy(b.set.ClinicPhone), Address: tidy(b.set.ClinicAddress),
		},
		Reference: tidy(r.Reference),
		Kind:      r.Kind,
		KindLabel: r.Kind.Label(),
		Summary:   tidy(r.Summary()),
		Details: model.Details{
			Scope: tidy(r.Details.Scope), Format: tidy(r.Details.Format),
			Wrong: tidyText(r.Details.Wrong), ShouldSay: tidyText(r.Details.ShouldSay),
			WholeRecord: r.Details.WholeRecord, Parts: tidyText(r.Details.Parts),
			Summary: tidyText(r.Details.Summary),
		},
		Channel:   r.Channel,
		Rule:      r.Rule,
		RuleLabel: r.Rule.Label(),
		Subject:   recordSubject{Name: tidy(r.Subject.Name), DateOfBirth: isoDate(r.Subject.DateOfBirth)},
		Requester: recordAsker{Name: tidy(r.Requester.Name), Relationship: r.Requester.Relationship},
		Dates: recordDates{
			ReceivedOn:    isoDate(r.ReceivedOn()),
			ClockStart:    isoDate(b.dl.Start),
			VerifiedOn:    isoDate(r.VerifiedOn),
			FeeReceivedOn: isoDate(r.FeeReceivedOn),
			ClosedOn:      isoDate(r.ClosedOn),
			PausedDays:    r.PausedDays,
		},
		Deadline: recordDeadline{
			DueOn:               isoDate(b.dl.Due),
			EffectiveDueOn:      isoDate(b.dl.Effective),
			Extended:            r.Extended,
			ExtensionReason:     tidyText(r.ExtensionReason),
			ExtensionNotifiedOn: isoDate(r.ExtensionNotifiedOn),
			Basis:               b.dl.Basis,
		},
		Outcome:  recordOutcome{Status: r.Status, Label: r.Status.Label(), Reason: tidyText(r.OutcomeReason)},
		Evidence: []recordProof{},
		Timeline: []recordEvent{},
		Files:    []recordFile{},
	}
	if r.Requester.Name == "" && !r.Requester.Relationship.ActsForOther() {
		rec.Requester.Name = rec.Subject.Name
	}
	if r.Extended {
		rec.Deadline.ExtendedDueOn = isoDate(b.dl.ExtendedDue)
	}
	for _, e := range r.Evidence {
		// Types only: never a document number or its last characters.
		rec.Evidence = append(rec.Evidence, recordProof{Kind: e.Kind, Type: e.Document, Label: e.Label(), ReceivedOn: isoDate(e.ReceivedOn)})
	}
	for _, e := range events {
		if e.Reference != r.Reference {
			continue // never another request's events
		}
		rec.Timeline = append(rec.Timeline, recordEvent{Seq: e.Seq, At: e.At.UTC().Format(time.RFC3339), Action: e.Action, Detail: tidyText(e.Explained())})
	}
	for _, f := range files {
		rec.Files = append(rec.Files, recordFile{Path: f.path, OriginalName: tidy(f.att.OriginalName), Size: f.size, SHA256: f.att.SHA256, AddedAt: f.att.AddedAt.UTC().Format(time.RFC3339)})
	}
	return rec
}

// encodeJSON writes v indented, with <, > and & left as they are (the file
// is data, not HTML).
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return buf.Bytes(), nil
}
