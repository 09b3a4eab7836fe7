package model

import "fmt"

// Need is one piece of verification a request still lacks.
type Need string

const (
	NeedIdentity   Need = "identity"
	NeedStrongID   Need = "strong_identity"
	NeedParental   Need = "parental_responsibility"
	NeedAuthority  Need = "authority"
	NeedCompetence Need = "competence_assessment"
)

// Missing is a need with the words that explain it to staff.
type Missing struct {
	Need Need
	Text string
}

// needsIdentity: every kind but a complaint or a stop to marketing asks
// who is asking. Anyone may complain; a complaint discloses and changes
// nothing. Stopping direct marketing is absolute (see Absolute).
func needsIdentity(k Kind) bool { return k != KindComplaint && !k.Absolute() }

// Absolute is true for the right to stop direct marketing: GDPR Art. 21(3)
// allows no balancing test, CCPA §7026 needs no verification for an
// opt-out, and the clinic's policy says "we must always comply". Honouring
// it discloses nothing and can only reduce processing, so it needs no proof
// of who is asking, no parent's proof for a child, and it is never refused.
func (k Kind) Absolute() bool { return k == KindStopMarketing }

// touchesHealthRecord: kinds that disclose or change the record, for the
// strong-evidence setting.
func touchesHealthRecord(k Kind) bool {
	return k == KindAccess || k == KindCorrection || k == KindDeletion
}

// ChildOwnRequest is true when a child under the threshold asks for
// themselves.
// A child's request to stop marketing is honoured like anyone's.
func (r Request) ChildOwnRequest(s Settings) bool {
	return r.UnderThreshold(s) && r.Requester.Relationship == RelSelf && !r.Kind.Absolute()
}

// RefusedAsChild is true when the clinic's policy refuses this request
// because a child under the threshold asked for themselves.
func (r Request) RefusedAsChild(s Settings) bool {
	return r.ChildOwnRequest(s) && s.ChildPolicy == ChildRefuse
}

// MissingVerification lists what the request still needs before work can
// start, in the order the desk should collect it. An empty list means the
// request is verified.
func (r Request) MissingVerification(s Settings) []Missing {
	var out []Missing
	has := map[EvidenceKind]bool{}
	strong := false
	for _, e := range r.Evidence {
		has[e.Kind] = true
		if e.Kind == EvidenceIdentity && e.Strength == StrengthStrong {
			strong = true
		}
	}
	who := "the requester"
	if r.Requester.Relationship == RelSelf {
		who = "the patient"
	}
	if needsIdentity(r.Kind) {
		if !has[EvidenceIdentity] {
			out = append(out, Missing{NeedIdentity, fmt.Sprintf("Identity of %s is needed: record the evidence seen", who)})
		} else if s.RequireStrongID && touchesHealthRecord(r.Kind) && !strong {
			out = append(out, Missing{NeedStrongID, "Strong identity evidence is needed for health records: a passport, photo driving licence, national ID card or residence permit"})
		}
	}
	if r.Kind.Absolute() {
		return out
	}
	under := r.UnderThreshold(s)
	switch {
	case under && r.Requester.Relationship.ActsForOther():
		if !has[EvidenceParental] {
			out = append(out, Missing{NeedParental, fmt.Sprintf("Proof of parental responsibility is needed: the patient is %d", r.SubjectAge())})
		}
	case under && r.Requester.Relationship == RelSelf:
		if s.ChildPolicy == ChildCompetence && !has[EvidenceCompetence] {
			out = append(out, Missing{NeedCompetence, fmt.Sprintf("A lead's competence assessment is needed: the patient is %d and asks for themselves", r.SubjectAge())})
		}
	case r.Requester.Relationship.ActsForOther():
		if !has[EvidenceAuthority] {
			out = append(out, Missing{NeedAuthority, "The patient's written authority or a power of attorney is needed: the requester acts for an adult"})
		}
	}
	return out
}

// Verified is true when nothing is missing. A child's own request under the
// "refuse" policy is never verified: it cannot go on.
func (r Request) Verified(s Settings) bool {
	if r.RefusedAsChild(s) {
		return false
	}
	return len(r.MissingVerification(s)) == 0
}

// ChildRefusalReason is the recorded reason a child's own request is
// refused under the clinic's policy.
func ChildRefusalReason(s Settings) string {
	return fmt.Sprintf("The clinic's policy: no one under %d makes a request for themselves; a parent or guardian may ask for them once they show parental responsibility", s.AgeThreshold)
}

// Warnings are things the desk should see but that do not block.
func (r Request) Warnings() []string {
	var w []string
	if r.Subject.Restriction != "" && r.Requester.Relationship.ActsForOther() {
		w = append(w, "Restriction on who may act for this patient: "+Clean(r.Subject.Restriction, 200))
	}
	return w
}
