package export

import (
	"fmt"
	"strings"
	"time"

	"rightsdesk/model"
)

// ackDoc is the acknowledgement handed to the requester at intake: what was
// asked, by whom and for whom, the identity evidence checked (types only,
// never numbers), what is still needed, the deadline and its rule, and how
// to complain.
func ackDoc(b bundle) *doc {
	r, s := b.req, b.set
	d := &doc{title: "Acknowledgement of your request"}
	clinicHeader(d, b)
	d.para("Dear " + dearName(r) + ",")
	d.para(fmt.Sprintf("We received your request on %s. This letter confirms what you asked for, what happens next and when you will hear from us. Please quote the reference %s whenever you contact us about it.",
		longDate(r.ReceivedOn(), s.DateOrder), r.Reference))

	d.heading("Your request")
	d.field("What you asked for", kindWords(r.Kind))
	if sum := r.Summary(); sum != r.Kind.Label() {
		d.field("In short", strings.TrimPrefix(sum, r.Kind.Label()+" — "))
	}
	d.field("Asked by", askedBy(r))
	d.field("For", forWhom(r))
	d.field("Received on", fmt.Sprintf("%s (%s)", longDate(r.ReceivedOn(), s.DateOrder), channelWords(r.Channel)))

	d.heading("Identity evidence we checked")
	if len(r.Evidence) == 0 {
		d.para("We have not checked any evidence for this request yet.")
	}
	for _, e := range r.Evidence {
		// The type of evidence only: never a number, not even its last characters.
		d.bullet(e.Label())
	}

	d.heading("What we still need from you")
	missing := r.MissingVerification(s)
	switch {
	case r.Status.Closed():
		d.para("Nothing: this request is closed (see below).")
	case len(missing) == 0:
		d.para("Nothing: we have what we need to deal with your request.")
	default:
		for _, m := range missing {
			d.bullet(needWords(m.Need, r))
		}
		d.para("We cannot go on with your request until we have these. You can bring them to the clinic or send them to us; please quote the reference.")
	}

	d.heading("When you will hear from us")
	if r.Status.Closed() {
		d.field("Status", statusWords(r.Status))
		if !r.ClosedOn.IsZero() {
			d.field("Closed on", longDate(r.ClosedOn, s.DateOrder))
		}
		if r.OutcomeReason != "" {
			d.field("Reason", r.OutcomeReason)
		}
	} else {
		deadlineFields(d, b)
		if r.Status == model.StatusPaused {
			d.para("Your request is on hold while we wait for " + pauseWords(r.PauseReason) + ". We will tell you when it goes on.")
		}
		if r.Rule == model.RuleUKGDPR && len(missing) > 0 {
			d.note("Under UK GDPR the time limit starts when we have what we asked you for. If it reaches us after " +
				longDate(r.ReceivedOn(), s.DateOrder) + ", the date above moves later, and we will tell you the new date.")
		}
	}
	complainSection(d, b)
	return d
}

// clinicHeader opens a letter with who it is from, the date and the
// reference.
func clinicHeader(d *doc, b bundle) {
	s := b.set
	d.field("From", s.ClinicName)
	if s.ClinicAddress != "" {
		d.field("Address", s.ClinicAddress)
	}
	if s.ClinicEmail != "" {
		d.field("E-mail", s.ClinicEmail)
	}
	if s.ClinicPhone != "" {
		d.field("Phone", s.ClinicPhone)
	}
	d.field("Date", longDate(b.today, s.DateOrder))
	d.field("Our reference", b.req.Reference)
}

// deadlineFields say when the answer is due and which rule sets that date.
func deadlineFields(d *doc, b bundle) {
	r, s, dl := b.req, b.set, b.dl
	if dl.Effective.IsZero() {
		d.para("We will tell you by when we will answer.")
		return
	}
	d.field("We will answer by", longDate(dl.Effective, s.DateOrder))
	if r.Extended {
		d.field("First deadline", longDate(dl.Due, s.DateOrder))
		if r.ExtensionReason != "" {
			d.field("Why it was extended", r.ExtensionReason)
		}
	}
	d.field("Why this date", dl.Basis)
}

// complainSection says how to complain: to the clinic first, then to the
// regulator for the rule set the request was logged under.
func complainSection(d *doc, b bundle) {
	s := b.set
	reg := model.RegulatorFor(b.req.Rule)
	d.heading("If you are unhappy")
	d.para("If you are unhappy with how we deal with your request, please tell us first, quoting the reference " + b.req.Reference + ":")
	d.field("Clinic", s.ClinicName)
	if s.ClinicEmail != "" {
		d.field("E-mail", s.ClinicEmail)
	}
	if s.ClinicPhone != "" {
		d.field("Phone", s.ClinicPhone)
	}
	if s.ClinicAddress != "" {
		d.field("Address", s.ClinicAddress)
	}
	d.para(reg.How)
	name := reg.Name
	if reg.Short != "" {
		name += " (" + reg.Short + ")"
	}
	d.field("Regulator", name)
	if reg.Web != "" {
		d.field("Website", reg.Web)
	}
	if reg.Phone != "" {
		d.field("Helpline", reg.Phone)
	}
}

// longDate writes a date the way a letter does: "3 October 2026", or
// "October 3, 2026" for clinics that write the month first.
func longDate(t time.Time, order model.DateOrder) string {
	if t.IsZero() {
		return ""
	}
	if order == model.DateMDY {
		return t.Format("January 2, 2006")
	}
	return t.Format("2 January 2006")
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func askedBy(r model.Request) string {
	if !r.Requester.Relationship.ActsForOther() {
		return r.Subject.Name + " (the patient)"
	}
	if strings.TrimSpace(r.Requester.Name) == "" {
		return "The patient's " + relationshipWords(r.Requester.Relationship)
	}
	return fmt.Sprintf("%s (%s)", r.Requester.Name, relationshipWords(r.Requester.Relationship))
}

// dearName is who a letter is addressed to: whoever asked.
func dearName(r model.Request) string {
	if r.Requester.Relationship.ActsForOther() && strings.TrimSpace(r.Requester.Name) != "" {
		return r.Requester.Name
	}
	if r.Requester.Relationship.ActsForOther() {
		return "Sir or Madam"
	}
	return r.Subject.Name
}

// kindWords is what was asked, in the requester's terms.
func kindWords(k model.Kind) string {
	switch k {
	case model.KindAccess:
		return "To see the personal information we hold (a copy of your data)"
	case model.KindCorrection:
		return "To correct or amend information we hold"
	case model.KindDeletion:
		return "To delete information, or stop using it"
	case model.KindStopMarketing:
		return "To stop direct marketing"
	case model.KindWithdrawConsent:
		return "To withdraw a consent given earlier"
	case model.KindComplaint:
		return "A complaint about how we handled personal information"
	}
	return k.Label()
}

func forWhom(r model.Request) string {
	if !r.Requester.Relationship.ActsForOther() {
		return r.Subject.Name + " (themselves)"
	}
	return r.Subject.Name + " (the patient)"
}

func relationshipWords(rel model.Relationship) string {
	switch rel {
	case model.RelParent:
		return "parent"
	case model.RelGuardian:
		return "guardian"
	case model.RelRepresentative:
		return "representative"
	}
	return "the patient"
}

func channelWords(c model.Channel) string {
	switch c {
	case model.ChannelDesk:
		return "at the desk"
	case model.ChannelPhone:
		return "by phone"
	case model.ChannelEmail:
		return "by e-mail"
	case model.ChannelLetter:
		return "by letter"
	}
	return "by another route"
}

func pauseWords(p model.PauseReason) string {
	switch p {
	case model.PauseAwaitingID:
		return "proof of identity"
	case model.PauseAwaitingClarification:
		return "you to tell us more about what you are asking for"
	case model.PauseAwaitingFee:
		return "the fee"
	}
	return "something we need"
}

func statusWords(s model.Status) string {
	switch s {
	case model.StatusCompleted:
		return "Completed: we have done what you asked."
	case model.StatusPartiallyCompleted:
		return "Partially completed: we have done part of what you asked."
	case model.StatusRefused:
		return "Refused: we cannot do what you asked."
	case model.StatusWithdrawn:
		return "Withdrawn: the request was withdrawn, so we have closed it."
	case model.StatusPaused:
		return "On hold"
	case model.StatusAwaitingVerification:
		return "Waiting for proof"
	}
	return "In progress"
}

// needWords is what the requester must bring, in the requester's terms.
func needWords(n model.Need, r model.Request) string {
	you := "your"
	if r.Requester.Relationship.ActsForOther() {
		you = "your own"
	}
	switch n {
	case model.NeedIdentity:
		return fmt.Sprintf("Proof of %s identity, for example a passport, a photo driving licence, or a recent utility bill or bank statement.", you)
	case model.NeedStrongID:
		return "Photo identity: a passport, photo driving licence, national identity card or residence permit. We need this before we share or change health records."
	case model.NeedParental:
		return "Proof that you have parental responsibility for the patient, for example a birth certificate naming you, an adoption order, or a court order such as a child arrangements or special guardianship order."
	case model.NeedAuthority:
		return "The patient's written permission for you to act for them, or a power of attorney."
	case model.NeedCompetence:
		return "A meeting with a senior member of our staff, who must confirm that the patient understands the request."
	}
	return "Further proof we will tell you about."
}
