package trust

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// hostile is text the public may type or paste: terminal escapes that
// clear the screen, retitle the window or hide a link; bidi overrides that
// reverse what follows; NUL and C1 bytes; invalid UTF-8; a 10,000-character
// paste; emoji and stacked combining marks.
var hostile = []struct{ name, text string }{
	{"CSI", "\x1b[2J\x1b[31mred\x1b[0m after"},
	{"OSC title", "\x1b]0;you have been owned\x07text"},
	{"OSC 8 link", "\x1b]8;;https://evil.example\x1b\\click me\x1b]8;;\x1b\\"},
	{"C1 CSI", "\u009b31mred"},
	{"RTL override", "invoice\u202efdp.exe"},
	{"bidi marks", "a\u200fb\u200ec\u2066d\u2069"},
	{"NUL", "before\x00after"},
	{"invalid UTF-8", "bad \xff\xfe bytes"},
	{"10,000 characters", strings.Repeat("é", 10000)},
	{"emoji", "👩🏽‍⚕️ at 🏥 with 🇬🇧"},
	{"combining", "Zoe\u0308 Z\u0338\u0322\u031ba\u0335l\u0337g\u0336o"},
	{"formula", "=HYPERLINK(\"http://evil\",\"x\")"},
	{"newlines", "line one\r\nline two\u2028three"},
}

// displaySafe reports why s could not go to a terminal as it is, or "".
func displaySafe(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			return "a control character"
		case r == '\u200e', r == '\u200f', r == '\u061c', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return "a bidi control"
		}
	}
	return ""
}

// sameOrRepaired is true when got is want, or want with its invalid UTF-8
// replaced (JSON columns cannot keep invalid bytes).
func sameOrRepaired(got, want string) bool {
	if got == want {
		return true
	}
	// encoding/json replaces each invalid byte with U+FFFD.
	var b strings.Builder
	for i := 0; i < len(want); {
		r, n := utf8.DecodeRuneInString(want[i:])
		b.WriteRune(r)
		i += n
	}
	return got == b.String()
}

// Hostile text goes into every free-text field the store has and comes
// back either exactly as typed (to be cleaned where it is shown) or
// cleaned on the way in; names are checked and refused with a plain
// message. Nothing fails any other way, and Clean makes all of it safe to
// show.
func TestHostileInputRoundTrip(t *testing.T) {
	ctx := context.Background()
	path, admin, lead := setUp(t)
	s := open(t, path)
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			r := request("Hostile Patient")
			r.Details.Summary = h.text
			r.Notes = h.text
			got, err := s.LogRequest(ctx, admin, r, now)
			if err != nil {
				t.Fatalf("log: %v", err)
			}
			back, err := s.GetRequest(ctx, got.Reference)
			if err != nil {
				t.Fatal(err)
			}
			if !sameOrRepaired(back.Details.Summary, h.text) || back.Notes != h.text {
				t.Errorf("changed on the way through the store: summary %q, notes %q", back.Details.Summary, back.Notes)
			}
			for _, v := range []string{back.Details.Summary, back.Notes, back.Summary()} {
				if why := displaySafe(model.Clean(v, 0), false); why != "" {
					t.Errorf("Clean left %s", why)
				}
				if why := displaySafe(model.CleanText(v, 0), true); why != "" {
					t.Errorf("CleanText left %s", why)
				}
				if n := len([]rune(model.Clean(v, 80))); n > 80*8 {
					t.Errorf("Clean(…, 80) kept %d runes", n)
				}
			}

			// A name in any script is kept (perhaps normalised); escapes and
			// the like are refused with a message that does not echo them.
			for _, who := range []string{"patient", "requester"} {
				r2 := request("Hostile Patient")
				if who == "patient" {
					r2.Subject.Name = h.text
				} else {
					r2.Requester = model.Requester{Name: h.text, Relationship: model.RelParent}
				}
				got2, err := s.LogRequest(ctx, admin, r2, now)
				if err != nil {
					var ie *model.InputError
					if !errors.As(err, &ie) {
						t.Errorf("%s name refused with a non-input error: %v", who, err)
					}
					if strings.Contains(err.Error(), h.text) || displaySafe(err.Error(), false) != "" {
						t.Errorf("the refusal echoes the input: %q", err.Error())
					}
					continue
				}
				back, _ := s.GetRequest(ctx, got2.Reference)
				name := back.Subject.Name
				if who == "requester" {
					name = back.Requester.Name
				}
				parsed, _ := model.ParseName(h.text)
				if name != h.text && name != parsed {
					t.Errorf("%s name %q came back %q", who, h.text, name)
				}
				if why := displaySafe(model.Clean(name, 0), false); why != "" {
					t.Errorf("a cleaned %s name holds %s", who, why)
				}
			}

			// Notes and restrictions are cleaned on the way in.
			err = s.AddNote(ctx, admin, got.Reference, h.text, now)
			var ie *model.InputError
			if err != nil && !errors.As(err, &ie) {
				t.Fatalf("note: %v", err)
			}
			notes, _ := s.Notes(ctx, got.Reference)
			for _, n := range notes {
				if why := displaySafe(n.Text, true); why != "" {
					t.Errorf("a stored note holds %s", why)
				}
			}
			if err := s.SetRestriction(ctx, admin, got.Reference, h.text, now); err != nil {
				t.Fatalf("restriction: %v", err)
			}
			back, _ = s.GetRequest(ctx, got.Reference)
			if why := displaySafe(back.Subject.Restriction, true); why != "" {
				t.Errorf("the stored restriction holds %s", why)
			}

			// A refusal reason goes into the audit trail as typed; the chain
			// still verifies and search copes.
			if _, err := s.Apply(ctx, lead, got.Reference, model.Op{Action: model.ActRefuse, Reason: "x " + h.text}, now); err != nil {
				t.Fatalf("refuse: %v", err)
			}
			// (The board's search box takes pasted text too.)
			if _, err := s.ListSummaries(ctx, storage.Filter{Scope: storage.ScopeAll, Search: h.text, Limit: 10}); err != nil {
				t.Errorf("search for hostile text fails: %v", err)
			}
			if _, err := s.CountRequests(ctx, storage.Filter{Scope: storage.ScopeAll, Search: h.text}); err != nil {
				t.Errorf("count for hostile text fails: %v", err)
			}
			events, err := s.Timeline(ctx, got.Reference)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if why := displaySafe(model.Clean(e.Detail, 0), false); why != "" {
					t.Errorf("a cleaned event detail holds %s", why)
				}
			}
		})
	}
	chainOK(t, s)
	integrityOK(t, s)
}

// Staff names are checked like patients' names: no escapes in the names
// the audit trail shows.
func TestHostileStaffNamesRefused(t *testing.T) {
	ctx := context.Background()
	path, admin, _ := setUp(t)
	s := open(t, path)
	for _, h := range hostile[:8] {
		if _, err := s.AddStaff(ctx, admin, h.text+" Smith", model.RoleDesk, "a long enough passphrase", now); !model.IsUserError(err) {
			t.Errorf("%s: staff name accepted or odd error: %v", h.name, err)
		}
	}
}
