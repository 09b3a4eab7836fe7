package model

// Text typed by the public is untrusted. This file holds the two kinds of
// defence the desk needs:
//
//   - display safety: Clean and CleanText make any string safe to draw in a
//     terminal (no escape sequences, no control or bidi characters, cut to a
//     number of grapheme clusters without splitting one);
//   - parsers: each turns what a person typed into a checked value, or an
//     *InputError that says in plain words what is wrong and how to fix it.
//     Errors never repeat the input (it may be personal data): at most they
//     say its length, a position or the kind of character at fault.

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// ---------------------------------------------------------------------------
// Display safety

// Clean makes untrusted text safe to show on one line of a terminal:
//
//   - ANSI escape sequences (CSI, OSC, DCS, …) are removed, then any C0/C1
//     control left (ESC, NUL, DEL, …) is dropped;
//   - bidi overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069),
//     the deprecated format controls U+206A–U+206F and the marks LRM, RLM and
//     ALM (U+200E, U+200F, U+061C) are dropped;
//   - each run of line breaks and tabs becomes a single space;
//   - invalid UTF-8 is dropped;
//   - combining marks, ZWJ emoji sequences and every script are kept.
//
// When max > 0 and the text has more than max grapheme clusters (what a
// reader sees as characters), it is cut to max-1 clusters followed by "…", so
// the result never has more than max clusters. A cluster is never split.
// max 0 means no cut.
func Clean(s string, max int) string { return clean(s, max, false) }

// CleanText is Clean for multi-line notes: line breaks are kept as "\n"
// ("\r\n" and a lone "\r" become "\n"); tabs become spaces.
func CleanText(s string, max int) string { return clean(s, max, true) }

func clean(s string, max int, multiline bool) string {
	if s == "" {
		return ""
	}
	// Drop invalid bytes first: ansi.Strip collects UTF-8 sequences by their
	// lead byte without checking the continuation bytes, so a stray lead byte
	// could otherwise hide an ESC from it.
	s = strings.ToValidUTF8(s, "")
	s = ansi.Strip(s)

	var b strings.Builder
	b.Grow(len(s))
	space := false // single line: a run of line breaks and tabs is pending
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r' && multiline:
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b.WriteByte('\n')
		case isLineBreakRune(r) && multiline:
			b.WriteByte('\n')
		case r == '\t' && multiline:
			b.WriteByte(' ')
		case isLineBreakRune(r) || r == '\r' || r == '\t':
			space = true
		case isUnsafeDisplayRune(r):
			// dropped
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	if space {
		b.WriteByte(' ')
	}
	return cutToGraphemes(b.String(), max)
}

// isLineBreakRune is true for the runes that end a line: LF, NEL, LINE SEPARATOR
// and PARAGRAPH SEPARATOR. (CR is handled apart, because of CRLF.)
func isLineBreakRune(r rune) bool {
	return r == '\n' || r == '\u0085' || r == '\u2028' || r == '\u2029'
}

// isUnsafeDisplayRune is true for runes that must never reach a terminal: C0 and C1
// controls (including ESC, NUL and DEL), bidi controls and marks, and the
// deprecated format controls.
func isUnsafeDisplayRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == '\u200e', r == '\u200f', r == '\u061c': // LRM, RLM, ALM
		return true
	case r >= '\u202a' && r <= '\u202e': // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= '\u2066' && r <= '\u206f': // LRI, RLI, FSI, PDI; deprecated format controls
		return true
	}
	return false
}

// isBidiControlRune is true for the bidi controls and marks Clean drops.
func isBidiControlRune(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r == '\u061c' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// cutToGraphemes cuts s to at most max grapheme clusters, the last being "…"
// when anything was cut. max <= 0 means no cut.
func cutToGraphemes(s string, max int) string {
	if max <= 0 || len(s) <= max { // fewer bytes than max: cannot be over
		return s
	}
	keep := -1 // byte length of the first max-1 clusters
	rest := s
	state := -1
	for n := 0; rest != ""; n++ {
		if n == max-1 {
			keep = len(s) - len(rest)
		}
		if n == max {
			// There is a cluster past the limit: cut.
			kept := strings.TrimRightFunc(s[:keep], unicode.IsSpace)
			return kept + "…"
		}
		_, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
	}
	return s
}

// ---------------------------------------------------------------------------
// Dates

// DateOrder is how a person types a date with slashes: day first (UK, the
// default), month first (US), or only ISO year-month-day.
type DateOrder string

const (
	DateDMY DateOrder = "dmy"
	DateMDY DateOrder = "mdy"
	DateISO DateOrder = "iso"
)

// norm maps an unknown or empty order to the default, DateDMY.
func (o DateOrder) norm() DateOrder {
	switch o {
	case DateMDY, DateISO:
		return o
	}
	return DateDMY
}

// Pattern is the form a date is typed in, for hints: "DD/MM/YYYY",
// "MM/DD/YYYY" or "YYYY-MM-DD".
func (o DateOrder) Pattern() string {
	switch o.norm() {
	case DateMDY:
		return "MM/DD/YYYY"
	case DateISO:
		return "YYYY-MM-DD"
	}
	return "DD/MM/YYYY"
}

// dateFix is the Fix text of a date error.
func (o DateOrder) dateFix() string {
	if o.norm() == DateISO {
		return "type the date as YYYY-MM-DD, e.g. 2026-09-03"
	}
	return "type the date as " + o.Pattern() + " or YYYY-MM-DD"
}

// ParseDateOrder reads a date order setting: "dmy" (or "uk"), "mdy" (or
// "us"), "iso" (or "ymd"); empty means the default, dmy.
func ParseDateOrder(s string) (DateOrder, error) {
	if len(s) <= 32 {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "", "dmy", "uk", "dd/mm/yyyy":
			return DateDMY, nil
		case "mdy", "us", "mm/dd/yyyy":
			return DateMDY, nil
		case "iso", "ymd", "yyyy-mm-dd", "iso8601", "iso 8601":
			return DateISO, nil
		}
	}
	return "", Invalid("date order", "that is not a date order the desk knows",
		"use dmy (day first, 03/09/2026), mdy (month first, 09/03/2026) or iso (2026-09-03)")
}

// Date limits: years outside these are typing mistakes.
const (
	MinTypedYear = 1900
	MaxTypedYear = 2200
)

// ParseDate reads a date typed by a person. ISO 2026-09-03 is always
// accepted; with DateDMY also 3/9/2026, 03/09/2026, 3.9.2026 and 3-9-2026
// (3 September); with DateMDY 9/3/2026 is 3 September; DateISO accepts only
// ISO. Years have 4 digits, 1900–2200. Dates that do not exist are refused.
// The result is midnight UTC. An unknown order counts as DateDMY.
func ParseDate(s string, order DateOrder) (time.Time, error) {
	y, m, d, err := parseTypedDate(strings.TrimSpace(s), order, "date", order.dateFix())
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// parseTypedDate checks and splits a trimmed date.
func parseTypedDate(s string, order DateOrder, field, fix string) (y, m, d int, err *InputError) {
	order = order.norm()
	if s == "" {
		return 0, 0, 0, Invalid(field, "no date was given", fix)
	}
	var sep byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '/' || c == '.' || c == '-':
			if sep == 0 {
				sep = c
			} else if c != sep {
				return 0, 0, 0, Invalid(field, "the date mixes different separators", fix)
			}
		case c < utf8.RuneSelf && unicode.IsLetter(rune(c)):
			return 0, 0, 0, Invalid(field, "a date is typed in numbers, not words", fix)
		default:
			return 0, 0, 0, Invalid(field, "the date contains a character that is not a digit or a separator (/ . -)", fix)
		}
	}
	if len(s) > len("2026-09-03") {
		return 0, 0, 0, Invalid(field, "that is too long for a date", fix)
	}
	if sep == 0 {
		return 0, 0, 0, Invalid(field, "a date needs a day, a month and a year, with / . or - between them", fix)
	}
	parts := strings.Split(s, string(rune(sep)))
	if len(parts) != 3 {
		return 0, 0, 0, Invalid(field, "a date needs a day, a month and a year", fix)
	}
	for _, p := range parts {
		if p == "" {
			return 0, 0, 0, Invalid(field, "a part of the date is missing", fix)
		}
	}
	switch {
	case len(parts[0]) == 4: // year first: ISO
		if sep != '-' {
			return 0, 0, 0, Invalid(field, "a date that starts with the year is written with dashes", fix)
		}
		if len(parts[1]) > 2 || len(parts[2]) > 2 {
			return 0, 0, 0, Invalid(field, "the month and day have 1 or 2 digits each", fix)
		}
		y, m, d = atoiDigits(parts[0]), atoiDigits(parts[1]), atoiDigits(parts[2])
	case order == DateISO:
		return 0, 0, 0, Invalid(field, "the date is not in the form YYYY-MM-DD", fix)
	default:
		if len(parts[0]) > 2 || len(parts[1]) > 2 {
			return 0, 0, 0, Invalid(field, "the day and month have 1 or 2 digits each", fix)
		}
		if len(parts[2]) != 4 {
			return 0, 0, 0, Invalid(field, "the year needs all 4 digits, e.g. 2026", fix)
		}
		y = atoiDigits(parts[2])
		if order == DateMDY {
			m, d = atoiDigits(parts[0]), atoiDigits(parts[1])
		} else {
			d, m = atoiDigits(parts[0]), atoiDigits(parts[1])
		}
	}
	if y < MinTypedYear || y > MaxTypedYear {
		return 0, 0, 0, Invalid(field, fmt.Sprintf("the year must be between %d and %d", MinTypedYear, MaxTypedYear), fix)
	}
	if m < 1 || m > 12 {
		problem := "the month must be between 1 and 12"
		if order != DateISO && len(parts[0]) != 4 && d >= 1 && d <= 12 && m <= 31 {
			// Probably the other order.
			if order == DateMDY {
				problem += " (the month comes first)"
			} else {
				problem += " (the day comes first, then the month)"
			}
		}
		return 0, 0, 0, Invalid(field, problem, fix)
	}
	days := daysInMonth(y, time.Month(m))
	if d < 1 {
		return 0, 0, 0, Invalid(field, "the day must be at least 1", fix)
	}
	if d > days {
		return 0, 0, 0, Invalid(field, fmt.Sprintf("%s %d has %d days", time.Month(m), y, days), fix)
	}
	return y, m, d, nil
}

// atoiDigits reads a short run of ASCII digits (already checked).
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysInMonth(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ParseDateTime reads a date as ParseDate does, optionally followed by a
// 24-hour time "HH:MM" (after a space, or a "T" in ISO form), in loc (nil:
// UTC). With no time the result is midnight. A time that does not exist
// because the clocks go forward is refused.
func ParseDateTime(s string, order DateOrder, loc *time.Location) (time.Time, error) {
	const field = "date and time"
	if loc == nil {
		loc = time.UTC
	}
	fix := order.dateFix() + ", then the time as HH:MM (24-hour) if needed"
	s = strings.TrimSpace(s)
	if len(s) > 64 {
		return time.Time{}, Invalid(field, "that is too long for a date and time", fix)
	}
	datePart, timePart := s, ""
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		datePart, timePart = s[:i], strings.TrimSpace(s[i:])
	} else if i := strings.IndexByte(s, 'T'); i == len("2026-09-03") {
		datePart, timePart = s[:i], s[i+1:]
		if timePart == "" {
			return time.Time{}, Invalid(field, "the time after the T is missing", fix)
		}
	}
	y, m, d, err := parseTypedDate(datePart, order, field, fix)
	if err != nil {
		return time.Time{}, err
	}
	if timePart == "" {
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc), nil
	}
	hh, mm, ok := parseClockHHMM(timePart)
	if !ok {
		return time.Time{}, Invalid(field, "the time is not in the form HH:MM (24-hour, e.g. 14:30)", fix)
	}
	t := time.Date(y, time.Month(m), d, hh, mm, 0, 0, loc)
	if t.Hour() != hh || t.Minute() != mm || t.Day() != d {
		return time.Time{}, Invalid(field, "that time does not exist on that day because the clocks go forward",
			"choose a later time that day")
	}
	return t, nil
}

// parseClockHHMM reads "H:MM" or "HH:MM", 00:00 to 23:59.
func parseClockHHMM(s string) (hh, mm int, ok bool) {
	h, m, found := strings.Cut(s, ":")
	if !found || len(h) < 1 || len(h) > 2 || len(m) != 2 || !allASCIIDigits(h) || !allASCIIDigits(m) {
		return 0, 0, false
	}
	hh, mm = atoiDigits(h), atoiDigits(m)
	if hh > 23 || mm > 59 {
		return 0, 0, false
	}
	return hh, mm, true
}

// allASCIIDigits is true when s is only ASCII digits (and true for "").
func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatDate writes t's calendar date (in t's location) in the given order:
// 03/09/2026 (dmy), 09/03/2026 (mdy) or 2026-09-03 (iso). ParseDate reads
// it back.
func FormatDate(t time.Time, order DateOrder) string {
	y, m, d := t.Date()
	switch order.norm() {
	case DateMDY:
		return fmt.Sprintf("%02d/%02d/%04d", int(m), d, y)
	case DateISO:
		return fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d, int(m), y)
}

// ---------------------------------------------------------------------------
// Names

// MaxNameLen is the most characters (runes, after normalising) a name has.
const MaxNameLen = 200

// ParseName reads a person's name in any script (Latin, Greek, Cyrillic,
// Arabic, CJK, …). It is NFC-normalised, trimmed, and each run of inner
// whitespace becomes one space. Letters and combining marks are allowed, as
// are spaces, apostrophes (' ’ ‘), hyphens (- ‐ ‑), dots, middle dots (· ・)
// and the zero-width joiners some scripts need. Refused: empty names, names
// over 200 characters, names with no letter, control characters, escape
// sequences, bidi controls, digits, symbols and emoji.
func ParseName(s string) (string, error) {
	const field = "name"
	const fix = "type the name using letters, spaces, apostrophes, hyphens and dots only"
	if len(s) > 8*MaxNameLen { // far too long: do not normalise it
		return "", Invalid(field, fmt.Sprintf("a name can have at most %d characters", MaxNameLen), "type a shorter form of the name")
	}
	if !utf8.ValidString(s) {
		return "", Invalid(field, "the name contains bytes that are not valid text", "type the name again instead of pasting it")
	}
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if s == "" {
		return "", Invalid(field, "no name was given", "type the person's name")
	}
	if n := utf8.RuneCountInString(s); n > MaxNameLen {
		return "", Invalid(field, fmt.Sprintf("a name can have at most %d characters; this one has %d", MaxNameLen, n), "type a shorter form of the name")
	}
	letter := false
	prevBase := false // the previous rune can carry a combining mark
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case unicode.IsLetter(r):
			letter, prevBase = true, true
			continue
		case unicode.IsMark(r):
			if !prevBase {
				return "", Invalid(field, fmt.Sprintf("character %d is an accent or mark that is not on a letter", pos), fix)
			}
			continue
		case r == '\u200c' || r == '\u200d': // ZWNJ, ZWJ (Persian, Indic scripts)
			if !prevBase {
				return "", Invalid(field, fmt.Sprintf("character %d is an invisible joiner that is not after a letter", pos), fix)
			}
			prevBase = false
			continue
		case r == ' ', r == '\'', r == '\u2019', r == '\u2018', r == '-', r == '\u2010', r == '\u2011',
			r == '.', r == '\u00b7', r == '\u30fb':
			prevBase = false
			continue
		}
		var what string
		switch {
		case r == '\x1b':
			what = "an escape code"
		case unicode.IsControl(r):
			what = "a control character"
		case isBidiControlRune(r):
			what = "an invisible text direction control"
		case unicode.Is(unicode.Cf, r):
			what = "an invisible formatting character"
		case unicode.IsDigit(r) || unicode.IsNumber(r):
			what = "a digit"
		case unicode.IsPunct(r):
			what = "a punctuation mark that names do not use"
		default:
			what = "a symbol or emoji"
		}
		return "", Invalid(field, fmt.Sprintf("character %d is %s", pos, what), fix)
	}
	if !letter {
		return "", Invalid(field, "a name needs at least one letter", fix)
	}
	return s, nil
}

// ---------------------------------------------------------------------------
// Contact details

// MaxEmailLen is the longest email address (RFC 5321 path limit).
const MaxEmailLen = 254

// ParseEmail checks the shape of an email address: a bare address (no
// display name, quotes, comments or angle brackets), exactly one @, at most
// 64 characters before it, a domain with a dot, at most 254 bytes in all.
// The domain is lower-cased; the part before the @ is kept as typed.
// Whether the mailbox exists is not checked.
func ParseEmail(s string) (string, error) {
	const field = "email address"
	const fix = "type just the address, like name@example.org"
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "no email address was given", fix)
	}
	if len(s) > MaxEmailLen {
		return "", Invalid(field, fmt.Sprintf("an email address can have at most %d characters", MaxEmailLen), "check the address: it is too long")
	}
	if !utf8.ValidString(s) {
		return "", Invalid(field, "the address contains bytes that are not valid text", "type the address again instead of pasting it")
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || isBidiControlRune(r):
			return "", Invalid(field, "the address contains a control or invisible formatting character", fix)
		case unicode.IsSpace(r):
			return "", Invalid(field, "an email address cannot contain spaces", fix)
		case strings.ContainsRune(`<>"(),;:[]\`, r):
			return "", Invalid(field, "the address contains a character that is not allowed (< > \" ( ) , ; : [ ] or \\)", fix)
		}
	}
	switch strings.Count(s, "@") {
	case 0:
		return "", Invalid(field, "there is no @ in the address", fix)
	case 1:
	default:
		return "", Invalid(field, "there is more than one @ in the address", fix)
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" {
		return "", Invalid(field, "there is nothing before the @", fix)
	}
	if domain == "" {
		return "", Invalid(field, "there is nothing after the @", fix)
	}
	if len(local) > 64 {
		return "", Invalid(field, "the part before the @ can have at most 64 characters", fix)
	}
	domain = strings.ToLower(domain)
	if !strings.Contains(domain, ".") {
		return "", Invalid(field, "the part after the @ needs a dot, like example.org", fix)
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" {
			return "", Invalid(field, "the part after the @ has a dot at the start or end, or two dots in a row", fix)
		}
		if len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", Invalid(field, "the part after the @ is not a valid domain name", fix)
		}
		for _, r := range label {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '-') {
				return "", Invalid(field, "the part after the @ can have only letters, digits, hyphens and dots", fix)
			}
		}
	}
	out := local + "@" + domain
	if len(out) > MaxEmailLen {
		return "", Invalid(field, fmt.Sprintf("an email address can have at most %d characters", MaxEmailLen), "check the address: it is too long")
	}
	addr, err := mail.ParseAddress(out)
	if err != nil || addr.Name != "" || addr.Address != out {
		return "", Invalid(field, "that is not a valid email address", fix)
	}
	return out, nil
}

// ParsePhone reads a phone number: digits with an optional leading +, and
// spaces, dashes, dots and brackets to group them. It must have 7 to 15
// digits (the E.164 limit). The result is the number as typed, trimmed,
// with each run of spaces made one space.
func ParsePhone(s string) (string, error) {
	const field = "phone number"
	const fix = "type the digits, with + and the country code first if it is not a local number, e.g. +44 20 7946 0000"
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "no phone number was given", fix)
	}
	if len(s) > 48 {
		return "", Invalid(field, "that is too long for a phone number", fix)
	}
	var b strings.Builder
	digits, depth := 0, 0
	space := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+':
			if i != 0 {
				return "", Invalid(field, "a + can only come at the start", fix)
			}
		case unicode.IsSpace(r):
			space = true
			continue
		case r == '-' || r == '.':
		case r == '(':
			depth++
			if depth > 1 {
				return "", Invalid(field, "the brackets do not match", fix)
			}
		case r == ')':
			depth--
			if depth < 0 {
				return "", Invalid(field, "the brackets do not match", fix)
			}
		case unicode.IsLetter(r):
			return "", Invalid(field, "a phone number cannot contain letters", fix+"; put an extension in the notes")
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "", Invalid(field, "the number contains a control or invisible formatting character", fix)
		default:
			return "", Invalid(field, "the number contains a character that is not a digit, space, +, -, . or bracket", fix)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if depth != 0 {
		return "", Invalid(field, "the brackets do not match", fix)
	}
	if first := s[0]; first != '+' && first != '(' && (first < '0' || first > '9') {
		return "", Invalid(field, "a phone number starts with a digit, + or (", fix)
	}
	if last := s[len(s)-1]; last != ')' && (last < '0' || last > '9') {
		return "", Invalid(field, "a phone number ends with a digit", fix)
	}
	if digits < 7 {
		return "", Invalid(field, fmt.Sprintf("a phone number needs at least 7 digits; this one has %d", digits), fix)
	}
	if digits > 15 {
		return "", Invalid(field, fmt.Sprintf("a phone number has at most 15 digits; this one has %d", digits), fix)
	}
	return b.String(), nil
}

// ---------------------------------------------------------------------------
// References and document numbers

// MaxReferenceLen is the longest register reference.
const MaxReferenceLen = 32

// ParseReference reads an existing register reference, such as R-2026-0042
// or one from an older register: trimmed, 1 to 32 characters, only ASCII
// letters, digits and - _ / . , starting with a letter or digit, with no
// ".." in it. Letter case is kept.
func ParseReference(s string) (string, error) {
	const field = "reference"
	const fix = "type the reference as shown in the register, e.g. R-2026-0042"
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid(field, "no reference was given", fix)
	}
	if n := utf8.RuneCountInString(s); n > MaxReferenceLen {
		return "", Invalid(field, fmt.Sprintf("a reference has at most %d characters; this one has %d", MaxReferenceLen, n), fix)
	}
	pos := 0
	for _, r := range s {
		pos++
		switch {
		case isASCIILetterOrDigit(r), r == '-', r == '_', r == '/', r == '.':
		case unicode.IsSpace(r):
			return "", Invalid(field, "a reference cannot contain spaces", fix)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "", Invalid(field, fmt.Sprintf("character %d is a control or invisible formatting character", pos), fix)
		default:
			return "", Invalid(field, fmt.Sprintf("character %d is not allowed; a reference has only letters A–Z, digits and - _ / .", pos), fix)
		}
	}
	if !isASCIILetterOrDigit(rune(s[0])) {
		return "", Invalid(field, "a reference starts with a letter or digit", fix)
	}
	if strings.Contains(s, "..") {
		return "", Invalid(field, "a reference cannot contain two dots in a row", fix)
	}
	return s, nil
}

func isASCIILetterOrDigit(r rune) bool {
	return (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z')
}

// FormatReference writes the register reference of request n in year:
// "R-2026-0042" (n has at least 4 digits, more when n > 9999).
func FormatReference(year, n int) string {
	return fmt.Sprintf("R-%04d-%04d", year, n)
}

// ParseLast4 reads the last (up to) 4 characters of a document number, such
// as a passport or driving licence, used to match ID evidence without
// storing the whole number. Only ASCII letters and digits; spaces and
// hyphens between them are ignored; the result is upper-cased. If more than
// 4 are typed it is refused, so a full number is never kept.
func ParseLast4(s string) (string, error) {
	const field = "last 4 characters"
	const fix = "type only the last 4 letters or digits of the document number"
	s = strings.TrimSpace(s)
	if len(s) > 32 { // clearly more than 4: do not look further
		return "", Invalid(field, "more than 4 characters were typed, but only the last 4 are kept", fix+", not the whole number")
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case isASCIILetterOrDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		}
		n++
	}
	if n == 0 {
		return "", Invalid(field, "nothing was typed", fix)
	}
	if n > 4 {
		return "", Invalid(field, fmt.Sprintf("%d characters were typed, but only the last 4 are kept", n), fix+", not the whole number")
	}
	if b.Len() != n {
		return "", Invalid(field, "only letters A–Z and digits 0–9 can be used", fix)
	}
	return b.String(), nil
}

// ---------------------------------------------------------------------------
// Secrets

// ValidatePassphrase checks a new passphrase: 12 to 1024 characters (runes)
// and not one character repeated.
func ValidatePassphrase(p string) error {
	const field = "passphrase"
	const fix = "use three or four unrelated words, e.g. with spaces between them"
	n := utf8.RuneCountInString(p)
	if n < 12 {
		return Invalid(field, fmt.Sprintf("a passphrase needs at least 12 characters; this one has %d", n), fix)
	}
	if n > 1024 {
		return Invalid(field, "a passphrase can have at most 1024 characters", "use a shorter passphrase")
	}
	_, size := utf8.DecodeRuneInString(p)
	if len(p)%size == 0 && p == strings.Repeat(p[:size], len(p)/size) {
		return Invalid(field, "a passphrase cannot be one character repeated", fix)
	}
	return nil
}

// ValidatePIN checks a new PIN: 6 to 12 digits, and not a common one: all
// one digit, a straight run up or down (123456, 654321, 890123), a
// repeated pattern (121212, 123123), doubled or tripled digits (112233,
// 111222), or a well-known PIN.
func ValidatePIN(pin string) error {
	const field = "PIN"
	const fix = "choose 6 to 12 digits that do not form a pattern"
	if pin == "" {
		return Invalid(field, "no PIN was given", fix)
	}
	if !allASCIIDigits(pin) {
		return Invalid(field, "a PIN can contain only the digits 0–9", fix)
	}
	if len(pin) < 6 {
		return Invalid(field, fmt.Sprintf("a PIN needs at least 6 digits; this one has %d", len(pin)), fix)
	}
	if len(pin) > 12 {
		return Invalid(field, fmt.Sprintf("a PIN can have at most 12 digits; this one has %d", len(pin)), fix)
	}
	if why := commonPINReason(pin); why != "" {
		return Invalid(field, "that PIN is too easy to guess: "+why, fix)
	}
	return nil
}

// wellKnownPINs are frequent PINs that the pattern rules do not catch:
// keypad shapes, number games and famous numbers.
var wellKnownPINs = map[string]bool{
	"159753": true, "159357": true, "357159": true, "753159": true, "951753": true, "357951": true,
	"147258": true, "258369": true, "369258": true, "147369": true, "369147": true, "147852": true,
	"741852": true, "852963": true, "963852": true, "258456": true, "789456": true, "456123": true,
	"123789": true, "789123": true, "123654": true, "654123": true, "123465": true, "142536": true,
	"102030": true, "203040": true, "010203": true, "121314": true, "246810": true, "135790": true,
	"112358": true, "314159": true, "271828": true, "520131": true, "5201314": true, "131420": true,
	"123321": true, "321123": true, "159951": true, "357753": true, "147741": true, "852258": true,
	"198400": true, "200000": true, "100000": true, "199999": true, "741963": true, "963741": true,
	"0123456789": true, "1234567890": true, "9876543210": true, "0987654321": true,
}

// commonPINReason says why pin (6+ ASCII digits) is easy to guess, or "".
func commonPINReason(pin string) string {
	n := len(pin)
	if strings.Count(pin, pin[:1]) == n {
		return "it is one digit repeated"
	}
	for _, step := range []int{1, 9, 2, 8} { // +1, -1, +2, -2, wrapping past 9
		run := true
		for i := 1; i < n && run; i++ {
			run = (int(pin[i])-int(pin[i-1])+10)%10 == step
		}
		if run {
			return "it is a straight run of digits"
		}
	}
	for p := 2; p <= n/2; p++ {
		rep := true
		for i := p; i < n && rep; i++ {
			rep = pin[i] == pin[i-p]
		}
		if rep {
			return "it is a short pattern repeated"
		}
	}
	for k := 2; k <= n/2; k++ {
		if n%k != 0 {
			continue
		}
		same := true
		for i := 0; i < n && same; i++ {
			same = pin[i] == pin[i-i%k]
		}
		if same {
			return "it is doubled or tripled digits"
		}
	}
	if wellKnownPINs[pin] {
		return "it is a well-known PIN"
	}
	return ""
}

// ---------------------------------------------------------------------------
// Exports

// NeutraliseCell guards a CSV cell against formula injection: a cell that
// starts with = + - @ (or their full-width forms), a tab or a carriage
// return gets a leading apostrophe, so spreadsheets show it as text.
func NeutraliseCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	switch r, _ := utf8.DecodeRuneInString(s); r {
	case '＝', '＋', '－', '＠':
		return "'" + s
	}
	return s
}
