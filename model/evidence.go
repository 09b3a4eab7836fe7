package model

import (
	"strings"
	"time"
)

// EvidenceKind says what a piece of evidence proves.
type EvidenceKind string

const (
	EvidenceIdentity   EvidenceKind = "identity"   // who the requester is
	EvidenceParental   EvidenceKind = "parental"   // parental responsibility for a child
	EvidenceAuthority  EvidenceKind = "authority"  // an adult's authority for a representative
	EvidenceCompetence EvidenceKind = "competence" // a lead's assessment of a child's competence
)

// Method is how identity evidence was checked.
type Method string

const (
	MethodInPerson       Method = "in_person"
	MethodCopyReceived   Method = "copy_received"
	MethodMatchedRecords Method = "matched_records"
	MethodKnownToStaff   Method = "known_to_staff"
)

// Methods lists every verification method.
var Methods = []Method{MethodInPerson, MethodCopyReceived, MethodMatchedRecords, MethodKnownToStaff}

// ParseMethod reads a verification method.
func ParseMethod(s string) (Method, error) { return parseEnum("verification method", s, Methods) }

// IDDocument is a type of identity evidence. Only the type is kept, with
// at most the last four characters of a number: never a scan or the number.
type IDDocument string

const (
	DocPassport        IDDocument = "passport"
	DocDrivingLicence  IDDocument = "driving_licence"
	DocNationalIDCard  IDDocument = "national_id_card"
	DocResidencePermit IDDocument = "residence_permit"
	DocOtherPhotoID    IDDocument = "other_photo_id"
	DocUtilityBill     IDDocument = "utility_bill"
	DocBankStatement   IDDocument = "bank_statement"
	DocMatchedRecords  IDDocument = "matched_records"
	DocKnownToStaff    IDDocument = "known_to_staff"
)

// IDDocuments lists every identity evidence type.
var IDDocuments = []IDDocument{DocPassport, DocDrivingLicence, DocNationalIDCard, DocResidencePermit, DocOtherPhotoID, DocUtilityBill, DocBankStatement, DocMatchedRecords, DocKnownToStaff}

// ParseIDDocument reads an identity evidence type.
func ParseIDDocument(s string) (IDDocument, error) {
	return parseEnum("identity evidence", s, IDDocuments)
}

// Strength is evidence strength in the sense of NIST SP 800-63A.
type Strength string

const (
	StrengthStrong Strength = "strong"
	StrengthFair   Strength = "fair"
)

// Strength of a document type: government photo documents are strong;
// bills, statements and record matches are fair (NIST SP 800-63A).
func (d IDDocument) Strength() Strength {
	switch d {
	case DocPassport, DocDrivingLicence, DocNationalIDCard, DocResidencePermit:
		return StrengthStrong
	}
	return StrengthFair
}

// HasNumber is true for documents that carry a number worth noting the
// last characters of.
func (d IDDocument) HasNumber() bool {
	switch d {
	case DocMatchedRecords, DocKnownToStaff:
		return false
	}
	return true
}

// ParentalDocument is a type of proof of parental responsibility
// (England & Wales; domain.md lists who can hold it).
type ParentalDocument string

const (
	ParBirthCertificate       ParentalDocument = "birth_certificate"
	ParAdoptionOrder          ParentalDocument = "adoption_order"
	ParPRAgreement            ParentalDocument = "parental_responsibility_agreement"
	ParPROrder                ParentalDocument = "parental_responsibility_order"
	ParChildArrangementsOrder ParentalDocument = "child_arrangements_order"
	ParSpecialGuardianship    ParentalDocument = "special_guardianship_order"
	ParGuardianship           ParentalDocument = "guardianship_appointment"
	ParCareOrder              ParentalDocument = "care_order"
	ParOther                  ParentalDocument = "other"
)

// ParentalDocuments lists every parental evidence type.
var ParentalDocuments = []ParentalDocument{ParBirthCertificate, ParAdoptionOrder, ParPRAgreement, ParPROrder, ParChildArrangementsOrder, ParSpecialGuardianship, ParGuardianship, ParCareOrder, ParOther}

// ParseParentalDocument reads a parental evidence type.
func ParseParentalDocument(s string) (ParentalDocument, error) {
	return parseEnum("parental evidence", s, ParentalDocuments)
}

// AuthorityDocument is what lets a representative act for an adult.
type AuthorityDocument string

const (
	AuthWrittenAuthority AuthorityDocument = "written_authority"
	AuthPowerOfAttorney  AuthorityDocument = "power_of_attorney"
	AuthCourtDeputy      AuthorityDocument = "court_deputy_order"
	AuthOther            AuthorityDocument = "other"
)

// AuthorityDocuments lists every authority type.
var AuthorityDocuments = []AuthorityDocument{AuthWrittenAuthority, AuthPowerOfAttorney, AuthCourtDeputy, AuthOther}

// ParseAuthorityDocument reads an authority type.
func ParseAuthorityDocument(s string) (AuthorityDocument, error) {
	return parseEnum("authority", s, AuthorityDocuments)
}

// Evidence is one record of verification. It keeps the type of a document
// and what was checked, never the document itself.
type Evidence struct {
	ID             int64
	Kind           EvidenceKind
	Method         Method // identity only
	Document       string // an IDDocument, ParentalDocument or AuthorityDocument
	IssuingCountry string // ISO 3166 alpha-2, identity only
	Last4          string // at most the last 4 characters of a number
	ExpiryChecked  bool
	PhotoMatched   bool
	Strength       Strength
	Description    string // for "other" types and competence assessments
	ReceivedOn     time.Time
	CheckedBy      int64
	CheckedByName  string
	CheckedAt      time.Time
}

// Label is the evidence in plain words, type only.
func (e Evidence) Label() string {
	doc := strings.ReplaceAll(e.Document, "_", " ")
	switch e.Kind {
	case EvidenceIdentity:
		s := "Identity: " + doc
		if e.Method != "" {
			s += " (" + strings.ReplaceAll(string(e.Method), "_", " ") + ")"
		}
		return s
	case EvidenceParental:
		return "Parental responsibility: " + doc
	case EvidenceAuthority:
		return "Authority to act: " + doc
	case EvidenceCompetence:
		return "Competence assessment by a lead"
	}
	return doc
}

// Validate checks a piece of evidence before it is recorded.
func (e Evidence) Validate() error {
	switch e.Kind {
	case EvidenceIdentity:
		if _, err := ParseMethod(string(e.Method)); err != nil {
			return err
		}
		if _, err := ParseIDDocument(e.Document); err != nil {
			return err
		}
		if e.Last4 != "" {
			if _, err := ParseLast4(e.Last4); err != nil {
				return err
			}
		}
		if e.IssuingCountry != "" && !validCountry(e.IssuingCountry) {
			return Invalid("issuing country", "the issuing country is not a two-letter code", "type the country's ISO code, for example GB, IE or US")
		}
	case EvidenceParental:
		if _, err := ParseParentalDocument(e.Document); err != nil {
			return err
		}
		if e.Document == string(ParOther) && strings.TrimSpace(e.Description) == "" {
			return Invalid("description", "other evidence needs a description", "say what the document is")
		}
	case EvidenceAuthority:
		if _, err := ParseAuthorityDocument(e.Document); err != nil {
			return err
		}
		if e.Document == string(AuthOther) && strings.TrimSpace(e.Description) == "" {
			return Invalid("description", "other evidence needs a description", "say what the document is")
		}
	case EvidenceCompetence:
		if strings.TrimSpace(e.Description) == "" {
			return Invalid("assessment", "a competence assessment needs its findings", "write what the lead assessed and concluded")
		}
	default:
		return Invalid("evidence", "the kind of evidence is not known", "choose identity, parental, authority or competence")
	}
	return nil
}

func validCountry(c string) bool {
	if len(c) != 2 {
		return false
	}
	for _, r := range c {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
