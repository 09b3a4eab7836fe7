package tui

import (
	"strings"

	"rightsdesk/model"
)

// Choices offered in forms, in the domain's order, with plain labels.

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func enumOptions[T ~string](all []T, label func(T) string) []option {
	out := make([]option, len(all))
	for i, v := range all {
		out[i] = option{string(v), label(v)}
	}
	return out
}

func ruleOptions() []option {
	return enumOptions(model.Rules, func(r model.Rule) string { return r.Label() })
}

func nationOptions() []option {
	return enumOptions(model.Nations, func(n model.Nation) string {
		switch n {
		case model.NationEnglandWales:
			return "England & Wales"
		case model.NationScotland:
			return "Scotland"
		case model.NationNorthernIreland:
			return "Northern Ireland"
		case model.NationUS:
			return "United States"
		}
		return "none (weekends only)"
	})
}

func kindOptions() []option {
	return enumOptions(model.Kinds, func(k model.Kind) string { return k.Label() })
}

func channelOptions() []option {
	return enumOptions(model.Channels, func(c model.Channel) string {
		switch c {
		case model.ChannelDesk:
			return "at the desk"
		case model.ChannelLetter:
			return "letter"
		case model.ChannelEmail:
			return "e-mail"
		}
		return string(c)
	})
}

func relationshipOptions() []option {
	return enumOptions(model.Relationships, func(r model.Relationship) string {
		switch r {
		case model.RelSelf:
			return "the patient themselves"
		case model.RelParent:
			return "a parent, for the patient"
		case model.RelGuardian:
			return "a guardian, for the patient"
		}
		return "a representative, for the patient"
	})
}

func roleOptions() []option {
	return enumOptions(model.Roles, func(r model.Role) string { return string(r) })
}

func childPolicyOptions() []option {
	return []option{
		{string(model.ChildRefuse), "refuse (log it as refused, with the policy as reason)"},
		{string(model.ChildCompetence), "competence (a lead assesses the child)"},
	}
}

func dateOrderOptions() []option {
	return []option{
		{string(model.DateDMY), "day first (03/09/2026)"},
		{string(model.DateMDY), "month first (09/03/2026)"},
		{string(model.DateISO), "ISO only (2026-09-03)"},
	}
}

func methodOptions() []option {
	return enumOptions(model.Methods, func(m model.Method) string { return words(string(m)) })
}

func idDocOptions() []option {
	return enumOptions(model.IDDocuments, func(d model.IDDocument) string {
		return words(string(d)) + " (" + string(d.Strength()) + ")"
	})
}

func parentalDocOptions() []option {
	return enumOptions(model.ParentalDocuments, func(d model.ParentalDocument) string { return words(string(d)) })
}

func authorityDocOptions() []option {
	return enumOptions(model.AuthorityDocuments, func(d model.AuthorityDocument) string { return words(string(d)) })
}

func pauseOptions() []option {
	return enumOptions(model.PauseReasons, func(p model.PauseReason) string { return words(string(p)) })
}

// kindShort is a kind in one short word for the board's column.
func kindShort(k model.Kind) string {
	switch k {
	case model.KindStopMarketing:
		return "marketing"
	case model.KindWithdrawConsent:
		return "consent"
	}
	return string(k)
}

// statusShort is a status short enough for the board's column.
func statusShort(s model.Status) string {
	switch s {
	case model.StatusAwaitingVerification:
		return "to verify"
	case model.StatusPartiallyCompleted:
		return "partial"
	}
	return s.Label()
}
