package model

import (
	"strings"
	"testing"
)

func TestEvidenceStrength(t *testing.T) {
	// NIST SP 800-63A: government photo documents are strong; bills,
	// statements and record matches are fair.
	want := map[IDDocument]Strength{
		DocPassport: StrengthStrong, DocDrivingLicence: StrengthStrong, DocNationalIDCard: StrengthStrong,
		DocResidencePermit: StrengthStrong, DocOtherPhotoID: StrengthFair, DocUtilityBill: StrengthFair,
		DocBankStatement: StrengthFair, DocMatchedRecords: StrengthFair, DocKnownToStaff: StrengthFair,
	}
	if len(want) != len(IDDocuments) {
		t.Fatalf("table has %d documents, the model %d", len(want), len(IDDocuments))
	}
	for _, d := range IDDocuments {
		if got := d.Strength(); got != want[d] {
			t.Errorf("%s is %s, want %s", d, got, want[d])
		}
		if got, want := d.HasNumber(), d != DocMatchedRecords && d != DocKnownToStaff; got != want {
			t.Errorf("%s HasNumber = %v", d, got)
		}
	}
	if IDDocument("Passport").Strength() != StrengthFair {
		t.Error("an unknown spelling counts as strong")
	}
}

func TestEvidenceValidate(t *testing.T) {
	tests := []struct {
		name  string
		e     Evidence
		field string // "" for valid
	}{
		{"passport in person", samplePassport(), ""},
		{"bill by copy", sampleBill(), ""},
		{"known to staff", Evidence{Kind: EvidenceIdentity, Method: MethodKnownToStaff, Document: string(DocKnownToStaff)}, ""},
		{"no method", Evidence{Kind: EvidenceIdentity, Document: "passport"}, "verification method"},
		{"unknown method", Evidence{Kind: EvidenceIdentity, Method: "guessed", Document: "passport"}, "verification method"},
		{"unknown document", Evidence{Kind: EvidenceIdentity, Method: MethodInPerson, Document: "library card"}, "identity evidence"},
		{"full number", Evidence{Kind: EvidenceIdentity, Method: MethodInPerson, Document: "passport", Last4: "123456789"}, "last 4 characters"},
		{"lower-case country", Evidence{Kind: EvidenceIdentity, Method: MethodInPerson, Document: "passport", IssuingCountry: "gb"}, "issuing country"},
		{"three-letter country", Evidence{Kind: EvidenceIdentity, Method: MethodInPerson, Document: "passport", IssuingCountry: "GBR"}, "issuing country"},
		{"birth certificate", sampleParental(), ""},
		{"every parental type", Evidence{Kind: EvidenceParental, Document: string(ParCareOrder)}, ""},
		{"unknown parental", Evidence{Kind: EvidenceParental, Document: "letter from aunt"}, "parental evidence"},
		{"other parental without words", Evidence{Kind: EvidenceParental, Document: "other"}, "description"},
		{"other parental described", Evidence{Kind: EvidenceParental, Document: "other", Description: "court letter"}, ""},
		{"written authority", sampleAuthority(), ""},
		{"unknown authority", Evidence{Kind: EvidenceAuthority, Document: "a nod"}, "authority"},
		{"other authority without words", Evidence{Kind: EvidenceAuthority, Document: "other", Description: " "}, "description"},
		{"competence", sampleCompetence(), ""},
		{"competence without findings", Evidence{Kind: EvidenceCompetence}, "assessment"},
		{"unknown kind", Evidence{Kind: "dna"}, "evidence"},
		{"no kind", Evidence{}, "evidence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.e.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantInputError(t, err, tt.field)
		})
	}
	for _, d := range ParentalDocuments {
		e := Evidence{Kind: EvidenceParental, Document: string(d), Description: "described"}
		if err := e.Validate(); err != nil {
			t.Errorf("parental %s: %v", d, err)
		}
	}
	for _, d := range AuthorityDocuments {
		e := Evidence{Kind: EvidenceAuthority, Document: string(d), Description: "described"}
		if err := e.Validate(); err != nil {
			t.Errorf("authority %s: %v", d, err)
		}
	}
}

func TestEvidenceLabel(t *testing.T) {
	tests := []struct {
		e    Evidence
		want string
	}{
		{samplePassport(), "Identity: passport (in person)"},
		{Evidence{Kind: EvidenceIdentity, Document: "driving_licence"}, "Identity: driving licence"},
		{sampleParental(), "Parental responsibility: birth certificate"},
		{sampleAuthority(), "Authority to act: written authority"},
		{sampleCompetence(), "Competence assessment by a lead"},
	}
	for _, tt := range tests {
		if got := tt.e.Label(); got != tt.want {
			t.Errorf("Label = %q, want %q", got, tt.want)
		}
	}
	// The label names the type only: never the number or who it is.
	e := samplePassport()
	if strings.Contains(e.Label(), "12") || strings.Contains(e.Label(), "GB") {
		t.Errorf("label %q carries the number or country", e.Label())
	}
}

// TestRecordedEvidence: what the request keeps of evidence when it is
// recorded (Log and Apply): the identifiers, the last 4 only, the strength
// from the document type, who checked it and when.
func TestRecordedEvidence(t *testing.T) {
	desk := sampleCtx(sampleDesk)
	s := desk.Settings
	s.RequireStrongID = true
	c := desk
	c.Settings = s

	r := sampleLog(t, sampleRequest(), c)
	e := Evidence{Kind: EvidenceIdentity, Method: "In-Person", Document: "Driving-Licence", Last4: " ab-12 ", IssuingCountry: "GB"}
	sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, c)
	got := r.Evidence[0]
	if got.Method != MethodInPerson || got.Document != string(DocDrivingLicence) {
		t.Errorf("recorded %q / %q, want the identifiers", got.Method, got.Document)
	}
	if got.Last4 != "AB12" || got.Strength != StrengthStrong {
		t.Errorf("last 4 %q, strength %q", got.Last4, got.Strength)
	}
	if got.CheckedBy != sampleDesk.ID || got.CheckedByName != sampleDesk.Name || !got.CheckedAt.Equal(sampleNow()) {
		t.Errorf("checked by %d %q at %s", got.CheckedBy, got.CheckedByName, got.CheckedAt)
	}
	if !got.ReceivedOn.Equal(ymd(2026, 3, 10)) {
		t.Errorf("received %s, want today by default", got.ReceivedOn)
	}
	if r.Status != StatusInProgress {
		t.Errorf("a driving licence typed in another case did not count as strong: %s", r.Status)
	}
	if e.Strength != "" || e.CheckedBy != 0 {
		t.Error("recording changed the caller's evidence")
	}

	// The strength is the document's, not what the caller says.
	r = sampleLog(t, sampleRequest(), c)
	e = sampleBill()
	e.Strength = StrengthStrong
	sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, c)
	if r.Evidence[0].Strength != StrengthFair || r.Status != StatusAwaitingVerification {
		t.Errorf("a bill claimed strong: %s, %s", r.Evidence[0].Strength, r.Status)
	}

	// Dates: never in the future; never before the request came in.
	r = sampleLog(t, sampleRequest(), desk)
	e = samplePassport()
	e.ReceivedOn = ymd(2026, 3, 11)
	_, err := r.Apply(Op{Action: ActEvidence, Evidence: &e}, desk)
	wantInputError(t, err, "received")
	e.ReceivedOn = ymd(2026, 2, 1)
	sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, desk)
	if !r.Evidence[0].ReceivedOn.Equal(ymd(2026, 3, 9)) {
		t.Errorf("evidence before receipt recorded on %s, want the day received", r.Evidence[0].ReceivedOn)
	}
	if !r.VerifiedOn.Equal(ymd(2026, 3, 9)) || !r.ClockStart().Equal(ymd(2026, 3, 9)) {
		t.Errorf("verified on %s, clock start %s", r.VerifiedOn, r.ClockStart())
	}

	// ID that arrives later starts the UK GDPR clock then.
	r = sampleLog(t, sampleRequest(), desk)
	later := desk
	later.Now = sampleNow().AddDate(0, 0, 6)
	e = samplePassport()
	ch := sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, later)
	if !r.VerifiedOn.Equal(ymd(2026, 3, 16)) || !r.ClockStart().Equal(ymd(2026, 3, 16)) {
		t.Errorf("ID on 16 March: verified %s, clock %s", r.VerifiedOn, r.ClockStart())
	}
	if len(ch) != 2 || !strings.Contains(ch[1].Detail, "clock starts 2026-03-16") {
		t.Errorf("changes %+v", ch)
	}
	// ...but a later piece of evidence does not move it again.
	e = sampleBill()
	later.Now = later.Now.AddDate(0, 0, 3)
	sampleApply(t, &r, Op{Action: ActEvidence, Evidence: &e}, later)
	if !r.VerifiedOn.Equal(ymd(2026, 3, 16)) {
		t.Errorf("more evidence moved the verified day to %s", r.VerifiedOn)
	}

	// A bad piece refuses the whole new request.
	nr := sampleRequest()
	nr.Evidence = []Evidence{samplePassport(), {Kind: EvidenceParental, Document: "note"}}
	if _, err := nr.Log(desk); err == nil {
		t.Error("Log accepted bad evidence")
	}
}
