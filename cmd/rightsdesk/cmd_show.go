package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rightsdesk/model"
	"rightsdesk/storage"
)

func init() { commands = append(commands, (*app).showCommand) }

func (a *app) showCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show REF [--json]",
		Short: "Show one request in full: its deadline, evidence (types only) and timeline",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("show needs one reference: rightsdesk show R-2026-0042")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := model.ParseReference(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, set, err := a.openSetUp(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := st.GetRequest(ctx, ref)
			if err != nil {
				return err
			}
			events, err := st.Timeline(ctx, ref)
			if err != nil {
				return err
			}
			notes, err := st.Notes(ctx, ref)
			if err != nil {
				return err
			}
			v := showView(r, events, notes, set, model.DateOf(a.clock().In(set.Location())))
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			return writeShowText(cmd.OutOrStdout(), v)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON (see the README for its fields)")
	return cmd
}

// jsonDate is a civil date written as "YYYY-MM-DD", or null when zero.
type jsonDate time.Time

func (d jsonDate) MarshalJSON() ([]byte, error) {
	t := time.Time(d)
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.Format("2006-01-02") + `"`), nil
}

// UnmarshalJSON reads what MarshalJSON writes, so the documents can be
// read back (tools, tests).
func (d *jsonDate) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = jsonDate{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return err
	}
	*d = jsonDate(t)
	return nil
}

func (d jsonDate) String() string { return fmtDay(time.Time(d)) }

// The show --json document. Field names are a contract
// (schema/show.schema.json): add, never rename.
type showJSON struct {
	Reference     string           `json:"reference"`
	Kind          model.Kind       `json:"kind"`
	KindLabel     string           `json:"kind_label"`
	Channel       model.Channel    `json:"channel"`
	Rule          model.Rule       `json:"rule"`
	Nation        model.Nation     `json:"holiday_calendar"`
	ReceivedAt    string           `json:"received_at"`
	ReceivedOn    jsonDate         `json:"received_on"`
	Status        model.Status     `json:"status"`
	PauseReason   *string          `json:"pause_reason"`
	PausedSince   jsonDate         `json:"paused_since"`
	PausedDays    int              `json:"paused_days"`
	Imported      bool             `json:"imported"`
	LoggedBy      *string          `json:"logged_by"`
	Subject       showSubject      `json:"subject"`
	Requester     showRequester    `json:"requester"`
	Details       model.Details    `json:"details"`
	Summary       string           `json:"summary"`
	Notes         string           `json:"notes"`
	Deadline      showDeadline     `json:"deadline"`
	Verification  showVerification `json:"verification"`
	Evidence      []showEvidence   `json:"evidence"`
	Outcome       showOutcome      `json:"outcome"`
	Timeline      []showEvent      `json:"timeline"`
	StaffNotes    []showNote       `json:"staff_notes"`
	Warnings      []string         `json:"warnings"`
	FeeReceivedOn jsonDate         `json:"fee_received_on"`
	Clarification int              `json:"clarification_paused_days"`
	Extension     *showExtension   `json:"extension"`
}

type showSubject struct {
	Name           string   `json:"name"`
	DateOfBirth    jsonDate `json:"date_of_birth"`
	AgeAtReceipt   int      `json:"age_at_receipt"`
	UnderThreshold bool     `json:"under_threshold"`
	Email          string   `json:"email"`
	Phone          string   `json:"phone"`
	Address        string   `json:"address"`
	Restriction    string   `json:"restriction"`
}

type showRequester struct {
	Name         string             `json:"name"`
	Relationship model.Relationship `json:"relationship"`
	Email        string             `json:"email"`
	Phone        string             `json:"phone"`
}

type showDeadline struct {
	ClockStartedOn    jsonDate `json:"clock_started_on"`
	DueOn             jsonDate `json:"due_on"`
	ExtendedDueOn     jsonDate `json:"extended_due_on"`
	EffectiveDueOn    jsonDate `json:"effective_due_on"`
	NotifyExtensionBy jsonDate `json:"notify_extension_by"`
	AcknowledgeBy     jsonDate `json:"acknowledge_by"`
	DaysLeft          *int     `json:"days_left"`
	Overdue           bool     `json:"overdue"`
	Basis             string   `json:"basis"`
}

type showVerification struct {
	Verified   bool     `json:"verified"`
	VerifiedOn jsonDate `json:"verified_on"`
	Missing    []string `json:"missing"`
}

// showEvidence is a piece of evidence by type only: never the last
// characters of a number, the issuing country or a description.
type showEvidence struct {
	Kind          model.EvidenceKind `json:"kind"`
	Document      string             `json:"document"`
	Label         string             `json:"label"`
	Method        *string            `json:"method"`
	Strength      *string            `json:"strength"`
	ExpiryChecked bool               `json:"expiry_checked"`
	PhotoMatched  bool               `json:"photo_matched"`
	ReceivedOn    jsonDate           `json:"received_on"`
	CheckedBy     string             `json:"checked_by"`
	CheckedAt     string             `json:"checked_at"`
}

type showOutcome struct {
	ClosedOn jsonDate `json:"closed_on"`
	Reason   string   `json:"reason"`
	OnTime   *bool    `json:"on_time"`
}

type showExtension struct {
	NotifiedOn jsonDate `json:"notified_on"`
	Reason     string   `json:"reason"`
}

type showEvent struct {
	Seq    int64  `json:"seq"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

type showNote struct {
	At   string `json:"at"`
	By   string `json:"by"`
	Text string `json:"text"`
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func showView(r model.Request, events []model.Event, notes []storage.Note, set model.Settings, today time.Time) showJSON {
	dl := r.Deadline(storage.CalendarFor(r.Nation))
	v := showJSON{
		Reference:     r.Reference,
		Kind:          r.Kind,
		KindLabel:     r.Kind.Label(),
		Channel:       r.Channel,
		Rule:          r.Rule,
		Nation:        r.Nation,
		ReceivedAt:    r.ReceivedAt.Format(time.RFC3339),
		ReceivedOn:    jsonDate(r.ReceivedOn()),
		Status:        r.Status,
		PauseReason:   strOrNil(string(r.PauseReason)),
		PausedSince:   jsonDate(r.PausedSince),
		PausedDays:    r.PausedDaysOn(today),
		Imported:      r.Imported,
		LoggedBy:      strOrNil(r.OwnerName),
		Details:       r.Details,
		Summary:       r.Summary(),
		Notes:         r.Notes,
		FeeReceivedOn: jsonDate(r.FeeReceivedOn),
		Clarification: r.ClarificationDays,
		Subject: showSubject{
			Name: r.Subject.Name, DateOfBirth: jsonDate(r.Subject.DateOfBirth), AgeAtReceipt: r.SubjectAge(),
			UnderThreshold: r.UnderThreshold(set), Email: r.Subject.Email, Phone: r.Subject.Phone,
			Address: r.Subject.Address, Restriction: r.Subject.Restriction,
		},
		Requester: showRequester{Name: r.Requester.Name, Relationship: r.Requester.Relationship, Email: r.Requester.Email, Phone: r.Requester.Phone},
		Deadline: showDeadline{
			ClockStartedOn: jsonDate(dl.Start), DueOn: jsonDate(dl.Due), EffectiveDueOn: jsonDate(dl.Effective),
			NotifyExtensionBy: jsonDate(dl.NotifyExtensionBy), AcknowledgeBy: jsonDate(dl.AcknowledgeBy), Basis: dl.Basis,
		},
		Verification: showVerification{Verified: r.Verified(set), VerifiedOn: jsonDate(r.VerifiedOn), Missing: []string{}},
		Evidence:     []showEvidence{},
		Outcome:      showOutcome{ClosedOn: jsonDate(r.ClosedOn), Reason: r.OutcomeReason},
		Timeline:     []showEvent{},
		StaffNotes:   []showNote{},
		Warnings:     r.Warnings(),
	}
	if v.Warnings == nil {
		v.Warnings = []string{}
	}
	if r.Extended {
		v.Deadline.ExtendedDueOn = jsonDate(dl.ExtendedDue)
		v.Extension = &showExtension{NotifiedOn: jsonDate(r.ExtensionNotifiedOn), Reason: r.ExtensionReason}
	}
	if r.Status.Closed() {
		if r.Status != model.StatusWithdrawn && !dl.Effective.IsZero() {
			ok := !r.ClosedOn.After(dl.Effective)
			v.Outcome.OnTime = &ok
		}
	} else if !dl.Effective.IsZero() {
		n := dl.DaysLeft(today)
		v.Deadline.DaysLeft = &n
		v.Deadline.Overdue = r.Status != model.StatusPaused && dl.Overdue(today)
	}
	for _, m := range r.MissingVerification(set) {
		v.Verification.Missing = append(v.Verification.Missing, m.Text)
	}
	if r.RefusedAsChild(set) {
		v.Verification.Missing = append(v.Verification.Missing, model.ChildRefusalReason(set))
	}
	for _, e := range r.Evidence {
		v.Evidence = append(v.Evidence, showEvidence{
			Kind: e.Kind, Document: e.Document, Label: e.Label(), Method: strOrNil(string(e.Method)), Strength: strOrNil(string(e.Strength)),
			ExpiryChecked: e.ExpiryChecked, PhotoMatched: e.PhotoMatched, ReceivedOn: jsonDate(e.ReceivedOn),
			CheckedBy: e.CheckedByName, CheckedAt: e.CheckedAt.UTC().Format(time.RFC3339),
		})
	}
	for _, e := range events {
		v.Timeline = append(v.Timeline, showEvent{Seq: e.Seq, At: e.At.UTC().Format(time.RFC3339), Actor: e.ActorName, Action: e.Action, Detail: e.Explained()})
	}
	for _, n := range notes {
		v.StaffNotes = append(v.StaffNotes, showNote{At: n.At.UTC().Format(time.RFC3339), By: n.ByName, Text: n.Text})
	}
	return v
}

// writeShowText is the request for people, every field cleaned of
// terminal control sequences.
func writeShowText(w io.Writer, v showJSON) error {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%-22s %s\n", label, model.Clean(value, 0))
		}
	}
	block := func(label, text string) {
		if text = model.CleanText(text, 0); text != "" {
			fmt.Fprintf(&b, "%-22s %s\n", label, strings.ReplaceAll(text, "\n", "\n"+strings.Repeat(" ", 23)))
		}
	}
	line("Reference", v.Reference)
	line("Kind", v.KindLabel+" ("+string(v.Kind)+")")
	status := string(v.Status)
	if v.PauseReason != nil {
		status += fmt.Sprintf(" (%s, %d days paused)", *v.PauseReason, v.PausedDays)
	}
	line("Status", status)
	line("Channel", string(v.Channel))
	line("Received", v.ReceivedAt)
	line("Rule", v.Rule.Label())
	if v.Imported {
		line("Imported", "yes, from an earlier register")
	}
	if v.LoggedBy != nil {
		line("Logged by", *v.LoggedBy)
	}
	b.WriteString("\nSubject\n")
	under := ""
	if v.Subject.UnderThreshold {
		under = " (under the age threshold)"
	}
	line("  Name", v.Subject.Name)
	line("  Date of birth", fmt.Sprintf("%s, %d on the day received%s", v.Subject.DateOfBirth, v.Subject.AgeAtReceipt, under))
	line("  E-mail", v.Subject.Email)
	line("  Phone", v.Subject.Phone)
	line("  Address", v.Subject.Address)
	line("  Restriction", v.Subject.Restriction)
	b.WriteString("\nRequester\n")
	name := v.Requester.Name
	if name == "" && v.Requester.Relationship == model.RelSelf {
		name = "(the patient)"
	}
	line("  Name", name)
	line("  Relationship", string(v.Requester.Relationship))
	line("  E-mail", v.Requester.Email)
	line("  Phone", v.Requester.Phone)
	b.WriteString("\nWhat was asked\n")
	block("  Summary", v.Summary)
	block("  Notes", v.Notes)
	b.WriteString("\nDeadline\n")
	line("  Clock started", v.Deadline.ClockStartedOn.String())
	line("  Due", v.Deadline.DueOn.String())
	line("  Extended to", v.Deadline.ExtendedDueOn.String())
	if v.Deadline.DaysLeft != nil {
		left := fmt.Sprintf("%d", *v.Deadline.DaysLeft)
		if v.Deadline.Overdue {
			left += " (overdue)"
		}
		line("  Days left", left)
	}
	line("  Tell of extension by", v.Deadline.NotifyExtensionBy.String())
	line("  Acknowledge by", v.Deadline.AcknowledgeBy.String())
	block("  Basis", v.Deadline.Basis)
	if v.Extension != nil {
		line("  Extension told on", v.Extension.NotifiedOn.String())
		block("  Extension reason", v.Extension.Reason)
	}
	b.WriteString("\nVerification\n")
	if v.Verification.Verified {
		line("  Verified", "yes, on "+v.Verification.VerifiedOn.String())
	} else {
		line("  Verified", "no")
	}
	for _, m := range v.Verification.Missing {
		line("  Missing", m)
	}
	for _, e := range v.Evidence {
		line("  Evidence", fmt.Sprintf("%s, received %s, checked by %s", e.Label, e.ReceivedOn, e.CheckedBy))
	}
	for _, w := range v.Warnings {
		line("  Warning", w)
	}
	if v.Outcome.ClosedOn.String() != "" {
		b.WriteString("\nOutcome\n")
		closed := v.Outcome.ClosedOn.String()
		if v.Outcome.OnTime != nil {
			if *v.Outcome.OnTime {
				closed += " (on time)"
			} else {
				closed += " (late)"
			}
		}
		line("  Closed", closed)
		block("  Reason", v.Outcome.Reason)
	}
	if len(v.StaffNotes) > 0 {
		b.WriteString("\nStaff notes\n")
		for _, n := range v.StaffNotes {
			block("  "+n.At[:10]+" "+model.Clean(n.By, 8), n.Text)
		}
	}
	b.WriteString("\nTimeline\n")
	for _, e := range v.Timeline {
		fmt.Fprintf(&b, "  #%-6d %s  %-20s %-22s %s\n", e.Seq, e.At, model.Clean(e.Actor, 20), model.Clean(e.Action, 22), model.Clean(e.Detail, 0))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
