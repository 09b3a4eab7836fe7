package model

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestDefaultSettings(t *testing.T) {
	s := DefaultSettings()
	if err := s.Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
	// The clinic policy's defaults.
	if s.Rule != RuleUKGDPR || s.Nation != NationEnglandWales || s.AgeThreshold != 16 || s.ChildPolicy != ChildRefuse {
		t.Errorf("defaults %+v, want UK GDPR, England & Wales, 16, refuse", s)
	}
	if s.Location().String() != "Europe/London" {
		t.Errorf("default location %s", s.Location())
	}
	if Rules[0] != RuleUKGDPR {
		t.Errorf("Rules[0] = %s, want the default first", Rules[0])
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Settings)
		field string // "" for valid
	}{
		{"threshold 12", func(s *Settings) { s.AgeThreshold = 12 }, ""},
		{"threshold 18", func(s *Settings) { s.AgeThreshold = 18 }, ""},
		{"threshold 11", func(s *Settings) { s.AgeThreshold = 11 }, "age threshold"},
		{"threshold 19", func(s *Settings) { s.AgeThreshold = 19 }, "age threshold"},
		{"threshold 0", func(s *Settings) { s.AgeThreshold = 0 }, "age threshold"},
		{"no clinic name", func(s *Settings) { s.ClinicName = "" }, "clinic name"},
		{"bad clinic e-mail", func(s *Settings) { s.ClinicEmail = "concierge" }, ""},
		{"no clinic e-mail", func(s *Settings) { s.ClinicEmail = "" }, ""},
		{"rule", func(s *Settings) { s.Rule = "gdpr" }, "rule"},
		{"every rule", func(s *Settings) { s.Rule = RuleCCPA }, ""},
		{"nation", func(s *Settings) { s.Nation = "wales" }, "holiday nation"},
		{"no holidays", func(s *Settings) { s.Nation = NationNone }, ""},
		{"time zone", func(s *Settings) { s.TimeZone = "Mars/Olympus" }, "time zone"},
		{"no time zone", func(s *Settings) { s.TimeZone = "" }, ""},
		{"child policy", func(s *Settings) { s.ChildPolicy = "ask" }, "child policy"},
		{"competence", func(s *Settings) { s.ChildPolicy = ChildCompetence }, ""},
		{"date order", func(s *Settings) { s.DateOrder = "ydm" }, ""},
		{"idle lock 0", func(s *Settings) { s.IdleLockMinutes = 0 }, "idle lock"},
		{"idle lock 61", func(s *Settings) { s.IdleLockMinutes = 61 }, "idle lock"},
		{"idle lock 60", func(s *Settings) { s.IdleLockMinutes = 60 }, ""},
		{"retention 1", func(s *Settings) { s.RetentionYears = 1 }, "retention"},
		{"retention 2", func(s *Settings) { s.RetentionYears = 2 }, ""},
		{"retention 101", func(s *Settings) { s.RetentionYears = 101 }, "retention"},
	}
	for _, tt := range tests {
		s := DefaultSettings()
		tt.edit(&s)
		err := s.Validate()
		switch {
		case tt.name == "bad clinic e-mail" || tt.name == "date order":
			// Refused by a text parser, whose field names are its own.
			if err == nil {
				t.Errorf("%s: accepted", tt.name)
			} else if !IsUserError(err) {
				t.Errorf("%s: %v is not a user error", tt.name, err)
			}
		case tt.field == "":
			if err != nil {
				t.Errorf("%s: refused: %v", tt.name, err)
			}
		default:
			t.Run(tt.name, func(t *testing.T) { wantInputError(t, err, tt.field) })
		}
	}
}

func TestSettingsLocation(t *testing.T) {
	s := DefaultSettings()
	s.TimeZone = ""
	if s.Location().String() != "UTC" {
		t.Errorf("no zone: %s, want UTC", s.Location())
	}
	s.TimeZone = "Nowhere/Special"
	if s.Location().String() != "UTC" {
		t.Errorf("unknown zone: %s, want UTC", s.Location())
	}
	s.TimeZone = "America/Los_Angeles"
	if s.Location().String() != "America/Los_Angeles" {
		t.Errorf("zone %s", s.Location())
	}
	// The clinic's day, not UTC's: 23:30 in Los Angeles is the next day in UTC.
	c := Ctx{Settings: s, Now: time.Date(2026, 3, 11, 6, 30, 0, 0, time.UTC)}
	if got := c.Today(); !got.Equal(ymd(2026, 3, 10)) {
		t.Errorf("Today = %s, want the clinic's 2026-03-10", got)
	}
}

func TestSettingsJSONRoundTrip(t *testing.T) {
	s := DefaultSettings()
	s.ClinicPhone = "+44 20 7946 0000"
	s.RequireStrongID = true
	s.ChildPolicy = ChildCompetence
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Settings
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, s)
	}
	// A setting added later falls back to its default when an older
	// database's JSON lacks it.
	old := DefaultSettings()
	if err := json.Unmarshal([]byte(`{"clinic_name":"Old Clinic","rule":"hipaa"}`), &old); err != nil {
		t.Fatal(err)
	}
	if old.ClinicName != "Old Clinic" || old.Rule != RuleHIPAA || old.AgeThreshold != 16 || old.Validate() != nil {
		t.Errorf("older settings: %+v (%v)", old, old.Validate())
	}
}
