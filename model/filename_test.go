package model

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSafeFileName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"scan.pdf", "scan.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\desk\records.csv`, "records.csv"},
		{"..", ""},
		{"...", ""},
		{".hidden", "hidden"},
		{"a..b.txt", "a.b.txt"},
		{"name\x1b[31mred\x07.txt", "namered.txt"},
		{"tab\there\nnew.txt", "tab here new.txt"},
		{"what?.pdf", "what_.pdf"},
		{`a<b>c:d"e|f*g.doc`, "a_b_c_d_e_f_g.doc"},
		{"trailing. . ", "trailing"},
		{"CON", "_CON"},
		{"lpt1.txt", "_lpt1.txt"},
		{"COM10.txt", "COM10.txt"},
		{"evil\u202egnp.exe", "evilgnp.exe"},
		{"Анна Каренина.pdf", "Анна Каренина.pdf"},
		{"Σωκράτης.txt", "Σωκράτης.txt"},
		{"e\u0301cole.txt", "\u00e9cole.txt"}, // NFC
		{"", ""},
		{"   ", ""},
	}
	for _, c := range cases {
		if got := SafeFileName(c.in, 0); got != c.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSafeFileNameKeepsExtensionWhenCut(t *testing.T) {
	long := strings.Repeat("ж", 100) + ".pdf" // 200 bytes of name
	got := SafeFileName(long, 50)
	if len(got) > 50 || !strings.HasSuffix(got, ".pdf") || !utf8.ValidString(got) {
		t.Fatalf("cut name %q (%d bytes): want at most 50 bytes ending .pdf", got, len(got))
	}
	if got := SafeFileName(strings.Repeat("a", 300), 0); len(got) != MaxFileNameBytes {
		t.Fatalf("default limit: got %d bytes, want %d", len(got), MaxFileNameBytes)
	}
}

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"scan.pdf", "../x", "..", "a\x00b", "CON.txt", "\u202e.exe", "é.txt", strings.Repeat("ж", 90) + ".pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SafeFileName(in, 0)
		if len(got) > MaxFileNameBytes {
			t.Fatalf("%d bytes", len(got))
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
		if strings.ContainsAny(got, `/\<>:"|?*`) || strings.Contains(got, "..") {
			t.Fatalf("unsafe name %q", got)
		}
		if strings.HasPrefix(got, ".") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, ".") || strings.HasSuffix(got, " ") {
			t.Fatalf("leading or trailing dot or space in %q", got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || isBidiControlRune(r) {
				t.Fatalf("control %U in %q", r, got)
			}
		}
		if again := SafeFileName(got, 0); again != got {
			t.Fatalf("not idempotent: %q → %q", got, again)
		}
	})
}
