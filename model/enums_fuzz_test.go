package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// fuzzEnum checks an identifier parser on any text a person might type:
// it never panics; what it accepts is one of the identifiers, the same
// one whatever the case, spaces around it or '-' for '_'; what it refuses
// gets an InputError that names the field, lists every allowed value, and
// quotes at most a short, cleaned piece of the input.
func fuzzEnum[T ~string](f *testing.F, field string, parse func(string) (T, error), all []T) {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_") }
	for _, v := range all {
		f.Add(string(v))
		f.Add(" " + strings.ToUpper(strings.ReplaceAll(string(v), "_", "-")) + "\t")
		f.Add(string(v) + "\x1b[2J")
	}
	f.Add("")
	f.Add("   ")
	f.Add("\u202e" + string(all[0]))
	f.Add(strings.Repeat("\x1b[31m", 200))
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parse(s)
		if err == nil {
			if !slices.Contains(all, v) {
				t.Fatalf("parse(%q) = %q, not an identifier", s, v)
			}
			if norm(s) != norm(string(v)) {
				t.Fatalf("parse(%q) = %q, which is not what was typed", s, v)
			}
			if again, err := parse(string(v)); err != nil || again != v {
				t.Fatalf("parse(%q) = %q, %v: the identifier does not read back", v, again, err)
			}
			return
		}
		for _, a := range all {
			if norm(s) == norm(string(a)) {
				t.Fatalf("parse(%q) refused %q: %v", s, a, err)
			}
		}
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Fatalf("parse(%q): %v (%T), want an InputError", s, err, err)
		}
		if ie.Field != field {
			t.Errorf("field %q, want %q", ie.Field, field)
		}
		for _, a := range all {
			if !strings.Contains(ie.Fix, string(a)) {
				t.Errorf("the fix %q does not offer %q", ie.Fix, a)
			}
		}
		msg := err.Error()
		if len(msg) > len(ie.Fix)+len(field)+200 {
			t.Errorf("the message quotes too much of the input (%d bytes): %q", len(msg), msg)
		}
		for _, r := range msg {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("the message carries control or format character %U: %q", r, msg)
			}
		}
	})
}

func FuzzParseKind(f *testing.F)    { fuzzEnum(f, "kind", ParseKind, Kinds) }
func FuzzParseChannel(f *testing.F) { fuzzEnum(f, "channel", ParseChannel, Channels) }
func FuzzParseRule(f *testing.F)    { fuzzEnum(f, "rule", ParseRule, Rules) }
func FuzzParseRelationship(f *testing.F) {
	fuzzEnum(f, "relationship", ParseRelationship, Relationships)
}
func FuzzParseStatus(f *testing.F) { fuzzEnum(f, "status", ParseStatus, Statuses) }
func FuzzParsePauseReason(f *testing.F) {
	fuzzEnum(f, "pause reason", ParsePauseReason, PauseReasons)
}
func FuzzParseNation(f *testing.F) { fuzzEnum(f, "holiday nation", ParseNation, Nations) }
func FuzzParseRole(f *testing.F)   { fuzzEnum(f, "role", ParseRole, Roles) }
func FuzzParseMethod(f *testing.F) { fuzzEnum(f, "verification method", ParseMethod, Methods) }
func FuzzParseIDDocument(f *testing.F) {
	fuzzEnum(f, "identity evidence", ParseIDDocument, IDDocuments)
}
func FuzzParseParentalDocument(f *testing.F) {
	fuzzEnum(f, "parental evidence", ParseParentalDocument, ParentalDocuments)
}
func FuzzParseAuthorityDocument(f *testing.F) {
	fuzzEnum(f, "authority", ParseAuthorityDocument, AuthorityDocuments)
}

// TestEnumLists: every list holds distinct identifiers in lower case with
// no spaces, and every labelled one has a plain label.
func TestEnumLists(t *testing.T) {
	lists := map[string][]string{}
	add := func(name string, vs []string) { lists[name] = vs }
	add("kinds", strs(Kinds))
	add("channels", strs(Channels))
	add("rules", strs(Rules))
	add("relationships", strs(Relationships))
	add("statuses", strs(Statuses))
	add("pause reasons", strs(PauseReasons))
	add("nations", strs(Nations))
	add("roles", strs(Roles))
	add("methods", strs(Methods))
	add("id documents", strs(IDDocuments))
	add("parental documents", strs(ParentalDocuments))
	add("authority documents", strs(AuthorityDocuments))
	for name, vs := range lists {
		seen := map[string]bool{}
		for _, v := range vs {
			if v == "" || v != strings.ToLower(v) || strings.ContainsAny(v, " \t") || seen[v] {
				t.Errorf("%s: bad or repeated identifier %q", name, v)
			}
			seen[v] = true
		}
	}
	want := map[string][]string{
		"kinds":         {"access", "correction", "deletion", "stop_marketing", "withdraw_consent", "complaint"},
		"channels":      {"desk", "phone", "email", "letter", "other"},
		"rules":         {"uk-gdpr", "eu-gdpr", "hipaa", "ccpa"},
		"relationships": {"self", "parent", "guardian", "representative"},
		"statuses":      {"awaiting_verification", "in_progress", "paused", "completed", "partially_completed", "refused", "withdrawn"},
		"pause reasons": {"awaiting_id", "awaiting_clarification", "awaiting_fee", "other"},
		"methods":       {"in_person", "copy_received", "matched_records", "known_to_staff"},
	}
	for name, w := range want {
		if !slices.Equal(lists[name], w) {
			t.Errorf("%s = %v, want the issue's names %v", name, lists[name], w)
		}
	}
	for _, k := range Kinds {
		if k.Label() == string(k) {
			t.Errorf("kind %s has no label", k)
		}
	}
	for _, r := range Rules {
		if r.Label() == string(r) {
			t.Errorf("rule %s has no label", r)
		}
	}
	if StatusPartiallyCompleted.Label() != "partially completed" {
		t.Errorf("label %q", StatusPartiallyCompleted.Label())
	}
	for _, s := range Statuses {
		closed := s == StatusCompleted || s == StatusPartiallyCompleted || s == StatusRefused || s == StatusWithdrawn
		if s.Closed() != closed {
			t.Errorf("%s.Closed() = %v", s, s.Closed())
		}
	}
	if RelSelf.ActsForOther() || !RelParent.ActsForOther() || !RelGuardian.ActsForOther() || !RelRepresentative.ActsForOther() {
		t.Error("ActsForOther is wrong")
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
