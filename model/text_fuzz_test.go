package model

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// Seed corpora beyond these f.Add seeds live in testdata/fuzz/<FuzzName>/.

var textFuzzOrders = []DateOrder{DateDMY, DateMDY, DateISO}

func textFuzzOrder(o uint8) DateOrder { return textFuzzOrders[int(o)%len(textFuzzOrders)] }

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"", "hello", textRed + "red\x1b[0m", textOSCTitle + "x", "a\x00b\x7f", "\u202eevil",
		"e\u0301e\u0301", textFamily + textFamily, textFlagUK, textGreek, textCyrillic, textIrish,
		"a\r\nb\tc\u2028d", "\xe2\x1b[31m", "a\u009b31m", "\x1bP\x1b\\", "\u0600\u0600x", "a\u200d",
	} {
		f.Add(s, 0)
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 64
		for _, multiline := range []bool{false, true} {
			cl := Clean
			if multiline {
				cl = CleanText
			}
			full := cl(s, 0)
			out := cl(s, max)
			textDisplaySafe(t, full, multiline)
			textDisplaySafe(t, out, multiline)
			if strings.ContainsRune(out, '\x1b') || strings.ContainsRune(out, '\r') || strings.ContainsRune(out, '\t') {
				t.Fatalf("ESC, CR or tab left in %q", out)
			}
			if max > 0 {
				if n := uniseg.GraphemeClusterCount(out); n > max {
					t.Fatalf("cut to %d has %d clusters: %q", max, n, out)
				}
			}
			if out != full {
				// Cut: a prefix of the full text (less trailing space) and "…".
				kept, ok := strings.CutSuffix(out, "…")
				if !ok || !strings.HasPrefix(full, kept) {
					t.Fatalf("cut %q is not a prefix of %q plus …", out, full)
				}
			} else if max > 0 && uniseg.GraphemeClusterCount(full) > max {
				t.Fatalf("not cut: %q", out)
			}
			if again := cl(out, max); again != out {
				t.Fatalf("not idempotent: %q then %q", out, again)
			}
			if again := cl(full, 0); again != full {
				t.Fatalf("not idempotent: %q then %q", full, again)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-09-03", "3/9/2026", "03/09/2026", "3.9.2026", "3-9-2026", "9/3/2026", "31/02/2026",
		"29/02/2024", "3/9/26", "1899-12-31", "2026/09/03", "\x1b[31m3/9/2026", "", "３/９/2026",
	} {
		for o := range uint8(3) {
			f.Add(s, o)
		}
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		order := textFuzzOrder(o)
		d, err := ParseDate(s, order)
		if err != nil {
			textInputError(t, err, s)
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not UTC midnight", s, d)
		}
		if d.Year() < MinTypedYear || d.Year() > MaxTypedYear {
			t.Fatalf("ParseDate(%q) year %d out of range", s, d.Year())
		}
		for _, o2 := range []DateOrder{order, DateISO} {
			back, err := ParseDate(FormatDate(d, o2), order)
			if err != nil || !back.Equal(d) {
				t.Fatalf("round trip of %q via %q: %v, %v", s, o2, back, err)
			}
		}
		// A date is also a date and time.
		if dt, err := ParseDateTime(s, order, time.UTC); err != nil || !dt.Equal(d) {
			t.Fatalf("ParseDateTime(%q) = %v, %v; ParseDate gave %v", s, dt, err, d)
		}
	})
}

var textFuzzZones = []string{"UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia"}

func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{
		"03/09/2026 14:30", "2026-09-03T14:30", "2026-03-29 01:30", "2026-10-25 01:30", "3/9/2026 24:00",
		"3/9/2026 2pm", "2026-09-03", "2011-12-30 12:00", "3/9/2026 \x1b[31m", "",
	} {
		f.Add(s, uint8(0), uint8(1))
		f.Add(s, uint8(2), uint8(5))
	}
	locs := make([]*time.Location, len(textFuzzZones))
	for i, name := range textFuzzZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			f.Fatal(err)
		}
		locs[i] = loc
	}
	f.Fuzz(func(t *testing.T, s string, o, z uint8) {
		order := textFuzzOrder(o)
		loc := locs[int(z)%len(locs)]
		dt, err := ParseDateTime(s, order, loc)
		if err != nil {
			textInputError(t, err, s)
			return
		}
		if dt.Location() != loc {
			t.Fatalf("ParseDateTime(%q) in %v, want %v", s, dt.Location(), loc)
		}
		again := FormatDate(dt, order) + " " + dt.Format("15:04")
		back, err := ParseDateTime(again, order, loc)
		if err != nil || !back.Equal(dt) {
			t.Fatalf("round trip of %q via %q: %v, %v; want %v", s, again, back, err, dt)
		}
	})
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{
		textGreek, textCyrillic, textIrish, "Siobha\u0301n", "  Mary  O'Neil ", "Jean-Luc", "J. R. R. Tolkien",
		"محمد علی", "فاطمه\u200cزهرا", "王小明", "ジョン・スミス", "\x1b[31mEvil", "Anna\x00", "\u202eAnna",
		"R2D2", "Anna 😀", "---", "\u0301Anna", "Anna\xff", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := ParseName(s)
		if err != nil {
			textInputError(t, err, s)
			return
		}
		if again, err := ParseName(name); err != nil || again != name {
			t.Fatalf("ParseName(%q) = %q, re-parsed %q, %v", s, name, again, err)
		}
		if !norm.NFC.IsNormalString(name) {
			t.Fatalf("not NFC: %q", name)
		}
		if n := utf8.RuneCountInString(name); n == 0 || n > MaxNameLen {
			t.Fatalf("%d runes: %q", n, name)
		}
		if name != strings.TrimSpace(name) || strings.Contains(name, "  ") {
			t.Fatalf("whitespace not collapsed: %q", name)
		}
		if !strings.ContainsFunc(name, unicode.IsLetter) {
			t.Fatalf("no letter: %q", name)
		}
		for _, r := range name {
			if unicode.IsControl(r) || isBidiControlRune(r) || (unicode.IsSpace(r) && r != ' ') {
				t.Fatalf("unsafe rune %U in %q", r, name)
			}
		}
		if Clean(name, 0) != name {
			t.Fatalf("Clean changes name %q", name)
		}
	})
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{
		"anna@example.org", " Anna.K+rights@Example.ORG ", "анна@Пример.РФ", "Anna <anna@example.org>",
		"anna@@example.org", "anna@example", "anna@example..org", "\"a b\"@example.org", "anna@[127.0.0.1]",
		"anna@example.org\x1b[31m", "\u202eanna@example.org", "a@İ.org", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		addr, err := ParseEmail(s)
		if err != nil {
			textInputError(t, err, s)
			return
		}
		if again, err := ParseEmail(addr); err != nil || again != addr {
			t.Fatalf("ParseEmail(%q) = %q, re-parsed %q, %v", s, addr, again, err)
		}
		if len(addr) > MaxEmailLen || strings.Count(addr, "@") != 1 {
			t.Fatalf("bad shape: %q", addr)
		}
		_, domain, _ := strings.Cut(addr, "@")
		if !strings.Contains(domain, ".") || strings.ToLower(domain) != domain {
			t.Fatalf("bad domain: %q", addr)
		}
		if Clean(addr, 0) != addr {
			t.Fatalf("Clean changes address %q", addr)
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{
		"+44 20 7946 0000", "(020) 7946-0000", "+1 (555) 123.4567", "  07700   900123 ", "123456",
		"+1234567890123456", "44+20 7946", "((020)) 7946 0000", "020 7946 0000\x00", "０２０ ７９４６ ００００", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		phone, err := ParsePhone(s)
		if err != nil {
			textInputError(t, err, s)
			return
		}
		if again, err := ParsePhone(phone); err != nil || again != phone {
			t.Fatalf("ParsePhone(%q) = %q, re-parsed %q, %v", s, phone, again, err)
		}
		digits := 0
		for _, r := range phone {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case strings.ContainsRune("+ -.()", r):
			default:
				t.Fatalf("rune %U kept in %q", r, phone)
			}
		}
		if digits < 7 || digits > 15 || strings.Contains(phone, "  ") || strings.TrimSpace(phone) != phone {
			t.Fatalf("bad phone %q", phone)
		}
	})
}

func FuzzParseReference(f *testing.F) {
	for _, s := range []string{
		"R-2026-0042", "  r-2026-0042 ", "OLD/2019/17", "A_b.1", "R 2026", "../etc/passwd", "R..1",
		"Р-2026-0042", "R-2026\x00", "=R-1", strings.Repeat("R", 33), "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseReference(s)
		if err != nil {
			textInputError(t, err, s)
			return
		}
		if again, err := ParseReference(ref); err != nil || again != ref {
			t.Fatalf("ParseReference(%q) = %q, re-parsed %q, %v", s, ref, again, err)
		}
		if len(ref) == 0 || len(ref) > MaxReferenceLen || strings.Contains(ref, "..") {
			t.Fatalf("bad reference %q", ref)
		}
		for _, r := range ref {
			if !isASCIILetterOrDigit(r) && !strings.ContainsRune("-_/.", r) {
				t.Fatalf("rune %U kept in %q", r, ref)
			}
		}
		if NeutraliseCell(ref) != ref || Clean(ref, 0) != ref {
			t.Fatalf("reference %q is not display or CSV safe", ref)
		}
	})
}

func FuzzParseLast4(f *testing.F) {
	for _, s := range []string{"1234", "ab1c", " 9z ", "12 34", "A-12", "123456789", "GB 1234 5678", "12é4", "１２３４", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l4, err := ParseLast4(s)
		alnum := 0
		for _, r := range s {
			if isASCIILetterOrDigit(r) {
				alnum++
			}
		}
		if err != nil {
			textInputError(t, err, s)
			return
		}
		if alnum > 4 {
			t.Fatalf("ParseLast4 kept %q from %d letters and digits", l4, alnum)
		}
		if n := len(l4); n < 1 || n > 4 || l4 != strings.ToUpper(l4) {
			t.Fatalf("bad last 4 %q", l4)
		}
		for _, r := range l4 {
			if !isASCIILetterOrDigit(r) {
				t.Fatalf("rune %U kept in %q", r, l4)
			}
		}
		if again, err := ParseLast4(l4); err != nil || again != l4 {
			t.Fatalf("ParseLast4(%q) = %q, re-parsed %q, %v", s, l4, again, err)
		}
	})
}

func FuzzValidatePIN(f *testing.F) {
	for _, s := range []string{"583920", "123456", "000000", "121212", "112233", "159753", "890123", "12345", "58392a", "５８３９２０", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pin string) {
		err := ValidatePIN(pin)
		if err != nil {
			textInputError(t, err, pin)
			return
		}
		if len(pin) < 6 || len(pin) > 12 || !allASCIIDigits(pin) {
			t.Fatalf("accepted bad PIN %q", pin)
		}
		if strings.Count(pin, pin[:1]) == len(pin) || strings.Contains("01234567890123456789", pin) ||
			strings.Contains("98765432109876543210", pin) || pin[:len(pin)/2] == pin[len(pin)/2:] {
			t.Fatalf("accepted common PIN %q", pin)
		}
	})
}
