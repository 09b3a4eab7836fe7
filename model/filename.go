package model

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// MaxFileNameBytes is the longest file name SafeFileName makes: well under
// the 255 bytes most file systems allow, leaving room for " (12)".
const MaxFileNameBytes = 120

// SafeFileName turns an untrusted name (an attachment's original name, an
// imported reference) into one safe to create in a folder or a ZIP on any
// common system: one path element only (no / or \, no ".." anywhere), no
// control, bidi or escape characters, none of < > : " | ? * (Windows), no
// leading dots or spaces (no hidden files), no trailing dots or spaces, no
// Windows device names, NFC-normalised, and at most max bytes (at most
// MaxFileNameBytes when max <= 0 or larger), cut between characters and
// keeping a short extension. It returns "" when nothing usable is left, so
// the caller picks a fallback.
func SafeFileName(name string, max int) string {
	if max <= 0 || max > MaxFileNameBytes {
		max = MaxFileNameBytes
	}
	name = strings.ToValidUTF8(name, "")
	// Only the last element of a path typed on any system counts.
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(Clean(name, 0))
	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case strings.ContainsRune(`<>:"/\|?*`, r), r < 0x20, r == 0x7f, unicode.Is(unicode.Cc, r):
			r = '_'
		case unicode.Is(unicode.Cf, r) && r != '\u200d' && r != '\u200c':
			continue // invisible formatting other than the joiners scripts need
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	name = b.String()
	for strings.Contains(name, "..") {
		name = strings.ReplaceAll(name, "..", ".")
	}
	name = strings.Trim(name, ". ")
	if name == "" {
		return ""
	}
	base, ext := splitExt(name)
	if isDeviceName(base) {
		base = "_" + base
	}
	if len(base)+len(ext) > max {
		base = cutBytes(base, max-len(ext))
		base = strings.TrimRight(base, ". ")
		if base == "" {
			// Nothing of the name fits: keep what does of the whole.
			return strings.Trim(cutBytes(name, max), ". ")
		}
	}
	return base + ext
}

// splitExt splits a short extension (".pdf", at most 16 bytes, letters and
// digits) from the name; a name that is only an extension has none.
func splitExt(name string) (base, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || len(name)-i > 16 || i == len(name)-1 {
		return name, ""
	}
	for _, r := range name[i+1:] {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return name, ""
		}
	}
	return name[:i], name[i:]
}

// isDeviceName is true for the names Windows reserves for devices, with or
// without an extension: CON, PRN, AUX, NUL, COM1–9, LPT1–9.
func isDeviceName(base string) bool {
	b := strings.ToUpper(strings.TrimRight(base, " "))
	if i := strings.IndexByte(b, '.'); i >= 0 {
		b = b[:i]
	}
	switch b {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(b) == 4 && (strings.HasPrefix(b, "COM") || strings.HasPrefix(b, "LPT")) && b[3] >= '1' && b[3] <= '9' {
		return true
	}
	return false
}

// cutBytes keeps the longest run of whole grapheme clusters of s that fits
// in n bytes.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	keep, rest, state := 0, s, -1
	for rest != "" {
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if keep+len(c) > n {
			break
		}
		keep += len(c)
	}
	out := s[:keep]
	if !utf8.ValidString(out) {
		return ""
	}
	return out
}
