package model

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones for ParseDateTime tests on any machine
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// Shared hostile inputs.
const (
	textGreek    = "Αλέξανδρος Παπαδόπουλος"
	textCyrillic = "Анна Кузнецова"
	textIrish    = "Siobhán Ó Briain"
	textFamily   = "👩\u200d👩\u200d👧" // woman, woman, girl joined by ZWJ: one cluster
	textFlagUK   = "🇬🇧"
	textOSCTitle = "\x1b]0;evil\x07"
	textRed      = "\x1b[31m"
)

var textLong = strings.Repeat("a", 10000)

// textDisplaySafe fails if s could upset a terminal: invalid UTF-8, C0/C1
// controls (ESC, NUL, DEL…) or bidi controls. Line breaks are allowed only
// when multiline, and then only "\n".
func textDisplaySafe(t testing.TB, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("output is not valid UTF-8: %q", s)
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if isUnsafeDisplayRune(r) || unicode.IsControl(r) || isBidiControlRune(r) || isLineBreakRune(r) {
			t.Fatalf("output has unsafe rune %U: %q", r, s)
		}
	}
}

// textInputError fails unless err is a well-formed *InputError that does
// not repeat any of the inputs longer than 8 bytes.
func textInputError(t testing.TB, err error, inputs ...string) *InputError {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error, got none")
	}
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %T %q is not an *InputError", err, err)
	}
	if !IsUserError(err) {
		t.Fatalf("IsUserError(%q) = false", err)
	}
	if ie.Field == "" || ie.Problem == "" || ie.Fix == "" {
		t.Fatalf("InputError lacks field, problem or fix: %#v", ie)
	}
	msg := err.Error()
	if !utf8.ValidString(msg) {
		t.Fatalf("error message is not valid UTF-8: %q", msg)
	}
	for _, r := range msg {
		if unicode.IsControl(r) || isBidiControlRune(r) {
			t.Fatalf("error message has control rune %U: %q", r, msg)
		}
	}
	for _, in := range inputs {
		for _, s := range []string{in, strings.TrimSpace(in)} {
			// A fuzzed input may by chance be a piece of the fixed advice.
			if len(s) > 8 && strings.Contains(msg, s) && !strings.Contains(ie.Fix, s) {
				t.Fatalf("error message repeats the input: %q", msg)
			}
		}
	}
	return ie
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain", "hello", 0, "hello"},
		{"empty", "", 10, ""},
		{"SGR colour", textRed + "red" + "\x1b[0m", 0, "red"},
		{"OSC title BEL", textOSCTitle + "title", 0, "title"},
		{"OSC title ST", "\x1b]0;evil\x1b\\x", 0, "x"},
		{"OSC 8 hyperlink", "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", 0, "link"},
		{"OSC 52 clipboard", "\x1b]52;c;ZXZpbA==\x07ok", 0, "ok"},
		{"DCS", "\x1bPq#0;2;0;0;0\x1b\\x", 0, "x"},
		{"clear screen", strings.Repeat("\x1b[2J", 2500), 0, ""},
		{"cursor move", "a\x1b[10;10Hb", 0, "ab"},
		{"lone ESC", "a\x1bb", 0, "a"}, // ESC b is an escape sequence
		{"trailing ESC", "ab\x1b", 0, "ab"},
		{"NUL", "a\x00b", 0, "ab"},
		{"DEL", "a\x7fb", 0, "ab"},
		{"bell backspace", "a\x07\x08b", 0, "ab"},
		{"C1 CSI rune", "a\u009b31mb", 0, "a31mb"},
		{"C1 raw byte", "a\x9b31mb", 0, "a31mb"},
		{"NEL", "a\u0085b", 0, "a b"},
		{"lead byte hides ESC", "\xe2" + textRed + "red", 0, "red"},
		{"invalid UTF-8", "a\xffb\xc0", 0, "ab"},
		{"RLO", "\u202eevil.exe", 0, "evil.exe"},
		{"bidi embeddings", "\u202aa\u202bb\u202cc\u202dd", 0, "abcd"},
		{"bidi isolates", "a\u2066b\u2067c\u2068d\u2069", 0, "abcd"},
		{"LRM RLM ALM", "\u200e\u200f\u061cx", 0, "x"},
		{"deprecated format", "a\u206ab\u206f", 0, "ab"},
		{"newline", "line1\nline2", 0, "line1 line2"},
		{"CRLF and tab run", "a\r\n\t\nb", 0, "a b"},
		{"CR", "a\rb", 0, "a b"},
		{"line separator", "a\u2028b\u2029c", 0, "a b c"},
		{"newline with control inside", "a\n\x00\nb", 0, "a b"},
		{"trailing newline", "a\n", 0, "a "},
		{"combining mark", "e\u0301", 0, "e\u0301"},
		{"ZWJ emoji", textFamily, 0, textFamily},
		{"flag", textFlagUK, 0, textFlagUK},
		{"skin tone", "👋🏽", 0, "👋🏽"},
		{"Greek", textGreek, 0, textGreek},
		{"Cyrillic", textCyrillic, 0, textCyrillic},
		{"Irish", textIrish, 0, textIrish},
		{"Arabic", "مرحبا", 0, "مرحبا"},
		{"CJK", "王小明", 0, "王小明"},
		{"ZWNJ kept", "می\u200cخواهم", 0, "می\u200cخواهم"},
		{"replacement char kept", "a\ufffdb", 0, "a\ufffdb"},
		{"long no cut", textLong, 0, textLong},
		// Cutting.
		{"cut ascii", "abcdef", 4, "abc…"},
		{"exact fit", "abc", 3, "abc"},
		{"max 1", "abc", 1, "…"},
		{"negative max", "abc", -1, "abc"},
		{"cut keeps combining", "e\u0301e\u0301e\u0301", 2, "e\u0301…"},
		{"combining fit", "e\u0301e\u0301", 2, "e\u0301e\u0301"},
		{"cut keeps ZWJ family", textFamily + textFamily + textFamily, 2, textFamily + "…"},
		{"family fits", textFamily + textFamily, 2, textFamily + textFamily},
		{"cut flags", textFlagUK + textFlagUK + textFlagUK, 2, textFlagUK + "…"},
		{"cut trims space", "hello world", 7, "hello…"},
		{"cut after strip", textRed + "abcdef" + textOSCTitle, 4, "abc…"},
		{"cut long", textLong, 5, "aaaa…"},
		{"cut Greek", textGreek, 5, "Αλέξ…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clean(tt.in, tt.max)
			if got != tt.want {
				t.Fatalf("Clean(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			textDisplaySafe(t, got, false)
			if tt.max > 0 && uniseg.GraphemeClusterCount(got) > tt.max {
				t.Fatalf("Clean(…, %d) has %d clusters", tt.max, uniseg.GraphemeClusterCount(got))
			}
			if again := Clean(got, tt.max); again != got {
				t.Fatalf("Clean is not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestCleanLongCut(t *testing.T) {
	in := strings.Repeat("é", 10000) // decomposed below: 2 runes a cluster
	in = norm.NFD.String(in)
	got := Clean(in, 50)
	if n := uniseg.GraphemeClusterCount(got); n != 50 {
		t.Fatalf("got %d clusters, want 50", n)
	}
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "e\u0301") {
		t.Fatalf("unexpected cut: %q", got)
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"keeps newline", "line1\nline2", 0, "line1\nline2"},
		{"CRLF", "a\r\nb\r\n", 0, "a\nb\n"},
		{"lone CR", "a\rb", 0, "a\nb"},
		{"CR CR LF", "a\r\r\nb", 0, "a\n\nb"},
		{"tab", "a\tb", 0, "a b"},
		{"line separator", "a\u2028b", 0, "a\nb"},
		{"escape between lines", "a\n\x1b[2Jb", 0, "a\nb"},
		{"OSC", "note " + textOSCTitle + "end", 0, "note end"},
		{"NUL", "a\x00\nb", 0, "a\nb"},
		{"RLO", "x\u202e\ny", 0, "x\ny"},
		{"combining", "Siobha\u0301n", 0, "Siobha\u0301n"},
		{"cut counts newline", "ab\ncd", 4, "ab…"},
		{"cut keeps inner newline", "ab\ncdef", 5, "ab\nc…"},
		{"cut trims trailing newline", "abc\n\ndef", 5, "abc…"},
		{"long", textLong + "\n" + textLong, 0, textLong + "\n" + textLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CleanText(tt.in, tt.max)
			if got != tt.want {
				t.Fatalf("CleanText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			textDisplaySafe(t, got, true)
			if again := CleanText(got, tt.max); again != got {
				t.Fatalf("CleanText is not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestParseDateOrder(t *testing.T) {
	ok := map[string]DateOrder{
		"": DateDMY, "dmy": DateDMY, " DMY ": DateDMY, "uk": DateDMY,
		"mdy": DateMDY, "US": DateMDY, "iso": DateISO, "ymd": DateISO,
	}
	for in, want := range ok {
		got, err := ParseDateOrder(in)
		if err != nil || got != want {
			t.Errorf("ParseDateOrder(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"xyz", "dmy\x00", "\u202edmy", textLong, "dd-mm-yy"} {
		_, err := ParseDateOrder(in)
		textInputError(t, err, in)
	}
}

func TestParseDate(t *testing.T) {
	sep3 := time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in    string
		order DateOrder
		want  time.Time
	}{
		{"2026-09-03", DateDMY, sep3},
		{"2026-09-03", DateMDY, sep3},
		{"2026-09-03", DateISO, sep3},
		{" 2026-9-3 ", DateISO, sep3},
		{"3/9/2026", DateDMY, sep3},
		{"03/09/2026", DateDMY, sep3},
		{"3.9.2026", DateDMY, sep3},
		{"3-9-2026", DateDMY, sep3},
		{"3/9/2026", "", sep3},      // empty order is dmy
		{"3/9/2026", "weird", sep3}, // unknown order is dmy
		{"9/3/2026", DateMDY, sep3},
		{"09/03/2026", DateMDY, sep3},
		{"29/02/2024", DateDMY, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"29/02/2000", DateDMY, time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"1900-01-01", DateISO, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"31/12/2200", DateDMY, time.Date(2200, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in, tt.order)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q, %q) = %v, %v; want %v", tt.in, tt.order, got, err, tt.want)
		}
	}

	bad := []struct {
		in      string
		order   DateOrder
		problem string // part of the Problem text
	}{
		{"31/02/2026", DateDMY, "February 2026 has 28 days"},
		{"02/31/2026", DateMDY, "February 2026 has 28 days"},
		{"2026-02-29", DateISO, "February 2026 has 28 days"},
		{"29/02/2100", DateDMY, "February 2100 has 28 days"},
		{"31/04/2026", DateDMY, "April 2026 has 30 days"},
		{"00/09/2026", DateDMY, "day must be at least 1"},
		{"3/13/2026", DateDMY, "the day comes first"},
		{"13/3/2026", DateMDY, "the month comes first"},
		{"3/0/2026", DateDMY, "month must be between 1 and 12"},
		{"3/9/26", DateDMY, "4 digits"},
		{"3/9/02026", DateDMY, "4 digits"},
		{"1899-12-31", DateISO, "between 1900 and 2200"},
		{"1/1/2201", DateDMY, "between 1900 and 2200"},
		{"03/09/2026", DateISO, "YYYY-MM-DD"},
		{"2026/09/03", DateDMY, "dashes"},
		{"2026-009-3", DateISO, "1 or 2 digits"},
		{"2026-009-03", DateISO, "too long"},
		{"3/9-2026", DateDMY, "mixes"},
		{"3//2026", DateDMY, "missing"},
		{"3/9/2026/1", DateDMY, "day, a month and a year"},
		{"03/09/20266", DateDMY, "too long"},
		{"3/9", DateDMY, "day, a month and a year"},
		{"20260903", DateDMY, "day, a month and a year"},
		{"", DateDMY, "no date"},
		{"   ", DateDMY, "no date"},
		{"3 Sep 2026", DateDMY, "not a digit"},
		{"Sep/3/2026", DateMDY, "numbers, not words"},
		{"３/９/2026", DateDMY, "not a digit"},
		{"3/9/2026\x00", DateDMY, "not a digit"},
		{"\u202e3/9/2026", DateDMY, "not a digit"},
		{textRed + "3/9/26", DateDMY, "not a digit"},
		{textLong, DateDMY, "numbers, not words"},
		{strings.Repeat("1", 10000), DateDMY, "too long"},
	}
	for _, tt := range bad {
		_, err := ParseDate(tt.in, tt.order)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ParseDate(%q, %q) problem %q, want it to mention %q", tt.in, tt.order, ie.Problem, tt.problem)
		}
		if ie.Field != "date" {
			t.Errorf("field = %q", ie.Field)
		}
	}

	fixes := map[DateOrder]string{
		DateDMY: "type the date as DD/MM/YYYY or YYYY-MM-DD",
		DateMDY: "type the date as MM/DD/YYYY or YYYY-MM-DD",
		DateISO: "type the date as YYYY-MM-DD, e.g. 2026-09-03",
	}
	for order, fix := range fixes {
		_, err := ParseDate("31/02/2026", order)
		if ie := textInputError(t, err); ie.Fix != fix {
			t.Errorf("fix for %q = %q, want %q", order, ie.Fix, fix)
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC)
	want := map[DateOrder]string{DateDMY: "03/09/2026", DateMDY: "09/03/2026", DateISO: "2026-09-03", "": "03/09/2026"}
	for order, w := range want {
		if got := FormatDate(d, order); got != w {
			t.Errorf("FormatDate(%q) = %q, want %q", order, got, w)
		}
		back, err := ParseDate(FormatDate(d, order), order)
		if err != nil || !back.Equal(d) {
			t.Errorf("round trip %q: %v, %v", order, back, err)
		}
	}
	// The calendar date is read in t's own location.
	late := time.Date(2026, 9, 3, 23, 30, 0, 0, time.FixedZone("X", -5*3600))
	if got := FormatDate(late, DateISO); got != "2026-09-03" {
		t.Errorf("FormatDate in zone = %q", got)
	}
	if DateMDY.Pattern() != "MM/DD/YYYY" || DateISO.Pattern() != "YYYY-MM-DD" || DateOrder("").Pattern() != "DD/MM/YYYY" {
		t.Errorf("Pattern is wrong")
	}
}

func TestParseDateTime(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in    string
		order DateOrder
		loc   *time.Location
		want  time.Time
	}{
		{"03/09/2026 14:30", DateDMY, london, time.Date(2026, 9, 3, 13, 30, 0, 0, time.UTC)},
		{"3/9/2026   9:05", DateDMY, london, time.Date(2026, 9, 3, 8, 5, 0, 0, time.UTC)},
		{"09/03/2026 14:30", DateMDY, london, time.Date(2026, 9, 3, 13, 30, 0, 0, time.UTC)},
		{"2026-09-03T14:30", DateISO, london, time.Date(2026, 9, 3, 13, 30, 0, 0, time.UTC)},
		{"2026-01-15 00:00", DateISO, london, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)},
		{"2026-09-03", DateISO, london, time.Date(2026, 9, 2, 23, 0, 0, 0, time.UTC)},
		{"2026-09-03 23:59", DateISO, nil, time.Date(2026, 9, 3, 23, 59, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got, err := ParseDateTime(tt.in, tt.order, tt.loc)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			continue
		}
		wantLoc := tt.loc
		if wantLoc == nil {
			wantLoc = time.UTC
		}
		if got.Location() != wantLoc {
			t.Errorf("ParseDateTime(%q) location %v", tt.in, got.Location())
		}
	}
	// When the clocks go back, 01:30 happens twice; either is accepted.
	if got, err := ParseDateTime("2026-10-25 01:30", DateISO, london); err != nil || got.Hour() != 1 || got.Minute() != 30 || got.Day() != 25 {
		t.Errorf("ParseDateTime at the repeated hour = %v, %v", got, err)
	}
	bad := []struct{ in, problem string }{
		{"2026-03-29 01:30", "clocks go forward"},
		{"3/9/2026 24:00", "HH:MM"},
		{"3/9/2026 12:60", "HH:MM"},
		{"3/9/2026 2pm", "HH:MM"},
		{"3/9/2026 14:30:00", "HH:MM"},
		{"3/9/2026 1430", "HH:MM"},
		{"3/9/2026 14:30 extra", "HH:MM"},
		{"3/9/2026 14:3\x00", "HH:MM"},
		{"2026-09-03T", "time after the T"},
		{"31/02/2026 10:00", "February 2026 has 28 days"},
		{"", "no date"},
		{textOSCTitle + "3/9/2026 10:00", "not a digit"},
		{textLong, "too long"},
		{"3/9/2026 " + textRed, "HH:MM"},
	}
	for _, tt := range bad {
		_, err := ParseDateTime(tt.in, DateDMY, london)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ParseDateTime(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
	}
}

func TestParseName(t *testing.T) {
	ok := []struct{ in, want string }{
		{textGreek, textGreek},
		{textCyrillic, textCyrillic},
		{textIrish, textIrish},
		{"Siobha\u0301n O\u0301 Briain", textIrish}, // decomposed → NFC
		{"  Mary   Anne \t O'Neil \n", "Mary Anne O'Neil"},
		{"Jean-Luc Picard", "Jean-Luc Picard"},
		{"J. R. R. Tolkien", "J. R. R. Tolkien"},
		{"O’Brien", "O’Brien"},
		{"José\u00a0María", "José María"},
		{"محمد علی", "محمد علی"},
		{"فاطمه\u200cزهرا", "فاطمه\u200cزهرا"},
		{"王小明", "王小明"},
		{"ジョン・スミス", "ジョン・スミス"},
		{"김민준", "김민준"},
		{"Nguyễn Văn An", "Nguyễn Văn An"},
		{"अनीता शर्मा", "अनीता शर्मा"},
		{"Ngũgĩ wa Thiong'o", "Ngũgĩ wa Thiong'o"},
		{"Llorenç Sol·là", "Llorenç Sol·là"},
		{"e\u0301", "é"},
		{"X", "X"},
		{"Anna\u0085", "Anna"}, // NEL is whitespace, so it is trimmed
		{strings.Repeat("a", MaxNameLen), strings.Repeat("a", MaxNameLen)},
	}
	for _, tt := range ok {
		got, err := ParseName(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		if again, err := ParseName(got); err != nil || again != got {
			t.Errorf("ParseName not stable on %q: %q, %v", got, again, err)
		}
	}
	bad := []struct{ in, problem string }{
		{"", "no name"},
		{" \t\n ", "no name"},
		{textRed + "Evil", "escape code"},
		{textOSCTitle + "Anna", "escape code"},
		{"Anna\x00Smith", "control character"},
		{"Anna\x7f", "control character"},
		{"\u202eAnna Smith", "direction control"},
		{"Anna\u200eSmith", "direction control"},
		{"Anna\u2066Smith\u2069", "direction control"},
		{"Anna\ufeffSmith", "formatting character"},
		{"R2D2 Smith", "digit"},
		{"Anna 😀", "symbol or emoji"},
		{"Anna " + textFamily, "symbol or emoji"},
		{"<script>alert(1)</script>", "symbol"},
		{"Anna (Annie)", "punctuation"},
		{"Anna@example.org", "punctuation"},
		{"=HYPERLINK(\"x\")", "symbol"},
		{"---", "at least one letter"},
		{". . .", "at least one letter"},
		{"\u0301Anna", "not on a letter"},
		{"Anna \u0301Smith", "not on a letter"},
		{"\u200dAnna", "joiner"},
		{"Anna\xffSmith", "not valid text"},
		{strings.Repeat("a", MaxNameLen+1), "at most 200"},
		{textLong, "at most 200"},
		{strings.Repeat("Анна ", 100), "at most 200"},
	}
	for _, tt := range bad {
		_, err := ParseName(tt.in)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ParseName(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
	}
}

func TestParseEmail(t *testing.T) {
	ok := []struct{ in, want string }{
		{"anna@example.org", "anna@example.org"},
		{" Anna.K+rights@Example.ORG ", "Anna.K+rights@example.org"},
		{"user@sub.example.co.uk", "user@sub.example.co.uk"},
		{"o'neil@example.ie", "o'neil@example.ie"},
		{"анна@Пример.РФ", "анна@пример.рф"},
		{"a@b.co", "a@b.co"},
	}
	for _, tt := range ok {
		got, err := ParseEmail(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, problem string }{
		{"", "no email"},
		{"anna.example.org", "no @"},
		{"anna@@example.org", "more than one @"},
		{"a@b@example.org", "more than one @"},
		{"@example.org", "nothing before"},
		{"anna@", "nothing after"},
		{"Anna Smith <anna@example.org>", "spaces"},
		{"<anna@example.org>", "not allowed"},
		{"\"anna k\"@example.org", "not allowed"},
		{"\"anna\"@example.org", "not allowed"},
		{"anna@[127.0.0.1]", "not allowed"},
		{"anna(comment)@example.org", "not allowed"},
		{"anna@example", "needs a dot"},
		{"anna@.example.org", "dot at the start"},
		{"anna@example..org", "two dots"},
		{"anna@example.org.", "dot at the start or end"},
		{"anna@-example.org", "not a valid domain"},
		{"anna@exa_mple.org", "only letters, digits"},
		{"anna.@example.org", "not a valid email"},
		{"an..na@example.org", "not a valid email"},
		{"anna@example.org" + textRed, "control"},
		{"\u202eanna@example.org", "control"},
		{"anna\u200b@example.org", "control"},
		{"anna\x00@example.org", "control"},
		{"anna@exa\xffmple.org", "not valid text"},
		{strings.Repeat("a", 65) + "@example.org", "at most 64"},
		{"a@" + strings.Repeat("b", 64) + ".org", "not a valid domain"},
		{strings.Repeat("a", 60) + "@" + strings.Repeat("b.", 100) + "org", "at most 254"},
		{textLong + "@example.org", "at most 254"},
	}
	for _, tt := range bad {
		_, err := ParseEmail(tt.in)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ParseEmail(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
	}
}

func TestParsePhone(t *testing.T) {
	ok := []struct{ in, want string }{
		{"+44 20 7946 0000", "+44 20 7946 0000"},
		{"020 7946 0000", "020 7946 0000"},
		{"(020) 7946-0000", "(020) 7946-0000"},
		{"+1 (555) 123.4567", "+1 (555) 123.4567"},
		{"  07700   900123 ", "07700 900123"},
		{"07700\u00a0900123", "07700 900123"},
		{"1234567", "1234567"},
		{"+123456789012345", "+123456789012345"},
	}
	for _, tt := range ok {
		got, err := ParsePhone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, problem string }{
		{"", "no phone"},
		{"123456", "at least 7 digits"},
		{"+1234567890123456", "at most 15 digits"},
		{"+44 20 7946 0000 ext 12", "letters"},
		{"44+20 7946 0000", "+ can only come at the start"},
		{"++44 20 7946 0000", "+ can only come at the start"},
		{"((020)) 7946 0000", "brackets"},
		{"(020 7946 0000", "brackets"},
		{"020) 7946 (0000", "brackets"},
		{"-020 7946 0000", "starts with"},
		{"020 7946 0000-", "ends with"},
		{"=020 7946 0000", "not a digit"},
		{"020 7946 0000\x00", "control"},
		{textRed + "020 7946 0000", "control"},
		{"\u202e020 7946 0000", "control"},
		{"０２０ ７９４６ ００００", "not a digit"},
		{"020 7946 0000 📞", "not a digit"},
		{textLong, "too long"},
	}
	for _, tt := range bad {
		_, err := ParsePhone(tt.in)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ParsePhone(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
	}
}

func TestParseReference(t *testing.T) {
	ok := []struct{ in, want string }{
		{"R-2026-0042", "R-2026-0042"},
		{"  r-2026-0042 \n", "r-2026-0042"},
		{"OLD/2019/17", "OLD/2019/17"},
		{"A_b.1", "A_b.1"},
		{"7", "7"},
		{strings.Repeat("R", MaxReferenceLen), strings.Repeat("R", MaxReferenceLen)},
	}
	for _, tt := range ok {
		got, err := ParseReference(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseReference(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, problem string }{
		{"", "no reference"},
		{"   ", "no reference"},
		{strings.Repeat("R", MaxReferenceLen+1), "at most 32"},
		{textLong, "at most 32"},
		{"R 2026 0042", "spaces"},
		{"R-2026\x00", "control"},
		{"R-2026" + textRed, "control"},
		{"R-2026-0042\u202e", "control"},
		{"../etc/passwd", "starts with a letter or digit"},
		{"/R-1", "starts with a letter or digit"},
		{"-R1", "starts with a letter or digit"},
		{"R..1", "two dots"},
		{"Р-2026-0042", "not allowed"}, // Cyrillic Р looks like R
		{"R;DROP TABLE", "not allowed"},
		{"=R-1", "not allowed"},
		{"R-2026-\u0030\u0301", "not allowed"},
	}
	for _, tt := range bad {
		_, err := ParseReference(tt.in)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ParseReference(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
	}
}

func TestFormatReference(t *testing.T) {
	tests := []struct {
		year, n int
		want    string
	}{
		{2026, 42, "R-2026-0042"},
		{2026, 1, "R-2026-0001"},
		{2026, 0, "R-2026-0000"},
		{2026, 9999, "R-2026-9999"},
		{2026, 10000, "R-2026-10000"},
		{2026, 12345678, "R-2026-12345678"},
	}
	for _, tt := range tests {
		got := FormatReference(tt.year, tt.n)
		if got != tt.want {
			t.Errorf("FormatReference(%d, %d) = %q, want %q", tt.year, tt.n, got, tt.want)
		}
		if back, err := ParseReference(got); err != nil || back != got {
			t.Errorf("ParseReference(%q) = %q, %v", got, back, err)
		}
	}
}

func TestParseLast4(t *testing.T) {
	ok := []struct{ in, want string }{
		{"1234", "1234"},
		{"ab1c", "AB1C"},
		{" 9z ", "9Z"},
		{"12 34", "1234"},
		{"A-12", "A12"},
		{"7", "7"},
	}
	for _, tt := range ok {
		got, err := ParseLast4(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseLast4(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, problem string }{
		{"", "nothing"},
		{" - ", "nothing"},
		{"123456789", "only the last 4 are kept"},
		{"GB 1234 5678", "only the last 4 are kept"},
		{"AB12345C", "only the last 4 are kept"},
		{"123 456 789 012 345 678 901 234 567", "only the last 4 are kept"},
		{textLong, "only the last 4 are kept"},
		{"12é4", "only letters A–Z"},
		{"12\x004", "only letters A–Z"},
		{"12.4", "only letters A–Z"},
		{"１２３４", "only letters A–Z"},
		{"\u202e12", "only letters A–Z"},
		{"\x1b[1m", "only letters A–Z"},
	}
	for _, tt := range bad {
		_, err := ParseLast4(tt.in)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ParseLast4(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
		if strings.Contains(tt.problem, "last 4") && !strings.Contains(ie.Fix, "only the last 4") {
			t.Errorf("ParseLast4(%q) fix %q should say to type only the last 4", tt.in, ie.Fix)
		}
		// Never a digit run of the input in the message.
		if len(tt.in) > 4 && strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
			t.Errorf("ParseLast4(%q) echoes the input: %q", tt.in, err)
		}
	}
}

func TestValidatePassphrase(t *testing.T) {
	for _, p := range []string{
		"correct horse battery staple",
		"αβγδεζηθικλμ",
		"aaaaaaaaaaab",
		strings.Repeat("ab", 512),
		"🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑x",
	} {
		if err := ValidatePassphrase(p); err != nil {
			t.Errorf("ValidatePassphrase(%q) = %v", p, err)
		}
	}
	bad := []struct{ in, problem string }{
		{"", "at least 12"},
		{"short", "at least 12"},
		{"elevenchars", "at least 12"},
		{"ééééééééééé", "at least 12"}, // 11 runes, 22 bytes
		{"aaaaaaaaaaaa", "one character repeated"},
		{strings.Repeat("é", 20), "one character repeated"},
		{strings.Repeat("\xff", 20), "one character repeated"},
		{strings.Repeat("ab", 513), "at most 1024"},
		{textLong, "at most 1024"},
	}
	for _, tt := range bad {
		err := ValidatePassphrase(tt.in)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ValidatePassphrase(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
	}
}

func TestValidatePIN(t *testing.T) {
	for _, p := range []string{"583920", "274915", "8302716495", "903817", "4729183", "650193748261"} {
		if err := ValidatePIN(p); err != nil {
			t.Errorf("ValidatePIN(%q) = %v", p, err)
		}
	}
	bad := []struct{ in, problem string }{
		{"", "no PIN"},
		{"12345", "at least 6"},
		{"583", "at least 6"},
		{"5839201746381", "at most 12"},
		{"58392a", "only the digits"},
		{"５８３９２０", "only the digits"},
		{"583 920", "only the digits"},
		{"583920\x00", "only the digits"},
		{textLong, "only the digits"},
		{"000000", "one digit repeated"},
		{"999999999999", "one digit repeated"},
		{"123456", "straight run"},
		{"654321", "straight run"},
		{"012345", "straight run"},
		{"2345678", "straight run"},
		{"890123", "straight run"},
		{"1234567890", "straight run"},
		{"246802", "straight run"},
		{"975319", "straight run"},
		{"121212", "pattern repeated"},
		{"123123", "pattern repeated"},
		{"696969", "pattern repeated"},
		{"520520", "pattern repeated"},
		{"1212121", "pattern repeated"},
		{"12341234", "pattern repeated"},
		{"112233", "doubled or tripled"},
		{"111222", "doubled or tripled"},
		{"998877", "doubled or tripled"},
		{"159753", "well-known"},
		{"147258", "well-known"},
		{"102030", "well-known"},
		{"246810", "well-known"},
		{"5201314", "well-known"},
		{"123321", "well-known"},
	}
	for _, tt := range bad {
		err := ValidatePIN(tt.in)
		ie := textInputError(t, err, tt.in)
		if !strings.Contains(ie.Problem, tt.problem) {
			t.Errorf("ValidatePIN(%q) problem %q, want %q", tt.in, ie.Problem, tt.problem)
		}
		if ie.Field != "PIN" {
			t.Errorf("field %q", ie.Field)
		}
	}
}

func TestNeutraliseCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello", "hello"},
		{"=1+1", "'=1+1"},
		{"=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"},
		{"+44 20 7946 0000", "'+44 20 7946 0000"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"＝1+1", "'＝1+1"},
		{"'=already", "'=already"},
		{"a=b", "a=b"},
		{" =x", " =x"},
		{textGreek, textGreek},
	}
	for _, tt := range tests {
		if got := NeutraliseCell(tt.in); got != tt.want {
			t.Errorf("NeutraliseCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
