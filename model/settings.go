package model

import (
	"fmt"
	"strings"
	"time"
)

// ChildPolicy says what the desk does when a child under the age threshold
// asks on their own behalf. Either way the request is recorded.
type ChildPolicy string

const (
	// ChildRefuse logs the request as refused with the policy as the reason
	// (the clinic's published policy: no one under 16 submits data).
	ChildRefuse ChildPolicy = "refuse"
	// ChildCompetence accepts it once a lead records a competence assessment
	// (UK law lets a competent child exercise their own rights).
	ChildCompetence ChildPolicy = "competence"
)

// Settings are the clinic's choices where the law leaves one.
type Settings struct {
	ClinicName    string      `json:"clinic_name"`
	ClinicEmail   string      `json:"clinic_email"`
	ClinicPhone   string      `json:"clinic_phone"`
	ClinicAddress string      `json:"clinic_address"`
	Rule          Rule        `json:"rule"`
	Nation        Nation      `json:"nation"`
	TimeZone      string      `json:"time_zone"`
	AgeThreshold  int         `json:"age_threshold"`
	ChildPolicy   ChildPolicy `json:"child_policy"`
	DateOrder     DateOrder   `json:"date_order"`
	// RequireStrongID asks for strong evidence (NIST SP 800-63A: passport,
	// photo licence) for requests that touch health records.
	RequireStrongID bool `json:"require_strong_id"`
	IdleLockMinutes int  `json:"idle_lock_minutes"`
	RetentionYears  int  `json:"retention_years"`
}

// DefaultSettings are the clinic policy's defaults: UK GDPR, England & Wales
// holidays, age threshold 16, children's own requests refused.
func DefaultSettings() Settings {
	return Settings{
		ClinicName:      "Perfect Doctors Clinic",
		ClinicEmail:     "concierge@perfectdrs.com",
		Rule:            RuleUKGDPR,
		Nation:          NationEnglandWales,
		TimeZone:        "Europe/London",
		AgeThreshold:    16,
		ChildPolicy:     ChildRefuse,
		DateOrder:       DateDMY,
		IdleLockMinutes: 10,
		RetentionYears:  6,
	}
}

// Validate checks every setting and says how to fix the first bad one.
func (s Settings) Validate() error {
	// A clinic's name may hold digits and symbols ("Clinic 24/7", "A & B"),
	// so it is checked for display safety rather than as a person's name.
	if name := strings.TrimSpace(Clean(s.ClinicName, 0)); name == "" || name != strings.TrimSpace(s.ClinicName) || len([]rune(name)) > 200 {
		return Invalid("clinic name", "the clinic name is missing, too long or holds control characters", "type the clinic's name, up to 200 characters")
	}
	if s.ClinicEmail != "" {
		if _, err := ParseEmail(s.ClinicEmail); err != nil {
			return err
		}
	}
	if _, err := ParseRule(string(s.Rule)); err != nil {
		return err
	}
	if _, err := ParseNation(string(s.Nation)); err != nil {
		return err
	}
	if _, err := time.LoadLocation(s.TimeZone); s.TimeZone != "" && err != nil {
		return Invalid("time zone", "the time zone is not known", "use a name like Europe/London")
	}
	if s.AgeThreshold < 12 || s.AgeThreshold > 18 {
		return Invalid("age threshold", fmt.Sprintf("an age threshold of %d is outside the law's range", s.AgeThreshold), "use an age from 12 to 18 (the clinic's policy is 16)")
	}
	if s.ChildPolicy != ChildRefuse && s.ChildPolicy != ChildCompetence {
		return Invalid("child policy", "the child policy is not known", "use refuse or competence")
	}
	if _, err := ParseDateOrder(string(s.DateOrder)); err != nil {
		return err
	}
	if s.IdleLockMinutes < 1 || s.IdleLockMinutes > 60 {
		return Invalid("idle lock", "the idle lock must be between 1 and 60 minutes", "choose a number of minutes from 1 to 60")
	}
	if s.RetentionYears < 2 || s.RetentionYears > 100 {
		return Invalid("retention", "requests must be kept between 2 and 100 years", "CCPA asks for at least 24 months; the default is 6 years")
	}
	return nil
}

// Location is the clinic's time zone (UTC when unset or unknown).
func (s Settings) Location() *time.Location {
	if s.TimeZone == "" {
		return time.UTC
	}
	loc, err := loadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}
