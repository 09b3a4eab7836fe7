package model

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

// importOpts reads rows as the lead, on sampleNow, with the default
// settings.
func importOpts(order DateOrder) ImportOptions {
	return ImportOptions{Ctx: sampleCtx(sampleLead), DateOrder: order}
}

func mustHeader(t testing.TB, cols ...string) ImportHeader {
	t.Helper()
	h, p := ParseImportHeader(cols)
	if len(p) > 0 {
		t.Fatalf("header %v: %v", cols, p)
	}
	return h
}

func TestEscapeCellRoundTrip(t *testing.T) {
	for _, c := range []struct{ in, cell string }{
		{"", ""},
		{"plain", "plain"},
		{"=SUM(A1)", "'=SUM(A1)"},
		{"+44 20 7946 0000", "'+44 20 7946 0000"},
		{"-x", "'-x"},
		{"@home", "'@home"},
		{"＝full width", "'＝full width"},
		{"'t Hooft", "''t Hooft"},
		{"'=already", "''=already"},
		{"''", "'''"},
		{"a'=b", "a'=b"},
	} {
		if got := EscapeCell(c.in); got != c.cell {
			t.Errorf("EscapeCell(%q) = %q, want %q", c.in, got, c.cell)
		}
		if got := UnescapeCell(c.cell); got != c.in {
			t.Errorf("UnescapeCell(%q) = %q, want %q", c.cell, got, c.in)
		}
	}
	// A hand-kept register's apostrophes before ordinary text stay.
	for _, s := range []string{"'t Hooft", "'hello", "'"} {
		if got := UnescapeCell(s); got != s {
			t.Errorf("UnescapeCell(%q) = %q", s, got)
		}
	}
}

// FuzzEscapeCell: every value survives EscapeCell then UnescapeCell, and
// what EscapeCell writes never starts a formula.
func FuzzEscapeCell(f *testing.F) {
	for _, s := range []string{"", "=1+1", "'=1", "''", "\t=x", "＠x", "'t Hooft", "+", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cell := EscapeCell(s)
		if UnescapeCell(cell) != s {
			t.Fatalf("%q → %q → %q", s, cell, UnescapeCell(cell))
		}
		if NeutraliseCell(cell) != cell {
			t.Fatalf("EscapeCell(%q) = %q starts a formula", s, cell)
		}
	})
}

func TestParseHeader(t *testing.T) {
	h, p := ParseImportHeader([]string{"\ufeffReference", " KIND ", "received_on", "channel", "requester_relationship", "subject_name", "subject_date_of_birth", "status"})
	if len(p) != 0 || h.Index(ColReference) != 0 || h.Index(ColKind) != 1 || h.Index(ColNotes) != -1 || h.Width != 8 {
		t.Errorf("header: %+v %v", h, p)
	}
	_, p = ParseImportHeader([]string{"kind", "kind", "colour\x1b[31m"})
	text := ""
	for _, x := range p {
		text += x.String() + "\n"
	}
	for _, want := range []string{`unknown columns "colour"`, "columns given twice: kind", "required columns are missing: received_on, channel"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b") {
		t.Errorf("a problem repeats an escape: %q", text)
	}
}

var keyCols = []string{ColReceivedOn, ColKind, ColChannel, ColRequesterRelationship, ColSubjectName, ColSubjectDateOfBirth, ColIDEvidence, ColStatus}

// TestImportKeyIsTheRowNotItsSpelling: the same row in another column
// order, date format, letter case or spacing has the same key; any other
// value changes it.
func TestImportKeyIsTheRowNotItsSpelling(t *testing.T) {
	a := mustHeader(t, keyCols...).ParseRow(2, []string{"2026-03-02", "access", "desk", "self", "Jane Doe", "1980-05-01", "passport", "in_progress"}, importOpts(DateISO))
	reordered := []string{ColStatus, ColIDEvidence, ColSubjectDateOfBirth, ColSubjectName, ColRequesterRelationship, ColChannel, ColKind, ColReceivedOn}
	b := mustHeader(t, reordered...).ParseRow(9, []string{"IN_PROGRESS", "Passport", "01/05/1980", "  Jane   Doe ", "Self", "DESK", "Access", "2/3/2026"}, importOpts(DateDMY))
	if len(a.Problems)+len(b.Problems) > 0 || a.Key == "" || a.Key != b.Key {
		t.Fatalf("keys %q and %q, problems %v %v", a.Key, b.Key, a.Problems, b.Problems)
	}
	c := mustHeader(t, keyCols...).ParseRow(2, []string{"2026-03-02", "access", "phone", "self", "Jane Doe", "1980-05-01", "passport", "in_progress"}, importOpts(DateISO))
	if c.Key == a.Key {
		t.Errorf("a different channel gives the same key")
	}
	if identityMethod(a.Request) != MethodInPerson || !a.Request.Imported || a.Request.Nation != NationEnglandWales || a.Request.VerifiedOn != ymd(2026, 3, 2) {
		t.Errorf("request: %+v", a.Request)
	}
}

// identityMethod is the identity evidence's method.
func identityMethod(r Request) Method {
	for _, e := range r.Evidence {
		if e.Kind == EvidenceIdentity {
			return e.Method
		}
	}
	return ""
}

// TestImportRowsAsTheDeskWould: statuses the desk would have moved on,
// evidence arriving later and the clock that starts with it.
func TestImportRowsAsTheDeskWould(t *testing.T) {
	h := mustHeader(t, append(keyCols, ColIDReceivedOn)...)
	row := func(cells ...string) ImportRow {
		t.Helper()
		r := h.ParseRow(2, cells, importOpts(DateISO))
		if len(r.Problems) > 0 {
			t.Fatalf("%v: %v", cells, r.Problems)
		}
		return r
	}
	// Complete evidence on an "awaiting verification" row: in progress.
	r := row("2026-03-02", "access", "desk", "self", "Jane Doe", "1980-05-01", "driving_licence", "awaiting_verification", "2026-03-05")
	if r.Request.Status != StatusInProgress || !strings.Contains(r.Detail, "verification is complete") {
		t.Errorf("status %s, detail %q", r.Request.Status, r.Detail)
	}
	if cs := r.Request.ClockStart(); cs != ymd(2026, 3, 5) || r.Request.Evidence[0].Method != MethodCopyReceived {
		t.Errorf("clock start %v, method %s: the UK GDPR clock starts when the ID arrived", cs, r.Request.Evidence[0].Method)
	}
	// A complaint needs no identity: verified on receipt.
	r = row("2026-03-02", "complaint", "desk", "self", "Jane Doe", "1980-05-01", "", "in_progress", "")
	if r.Request.VerifiedOn != ymd(2026, 3, 2) || len(r.Request.Evidence) != 0 {
		t.Errorf("complaint: %+v", r.Request)
	}
}

// FuzzImportRow: no row makes ParseRow panic, and any row it accepts
// writes (ImportCells) a row that it reads back to the same cells.
func FuzzImportRow(f *testing.F) {
	f.Add("R-1", "2026-01-05", "access", "letter", "", "", "self", "Jane Doe", "1980-05-01", "", "", "passport", "", "", "", "completed", "", "", "", "", "2026-01-20", "", "", "", "", "")
	f.Add("", "2026-02-02", "deletion", "email", "uk-gdpr", "Mary Roe", "parent", "Tim Roe", "2015-05-01", "", "+44 1234 567890", "driving_licence", "2026-02-09", "birth_certificate", "", "in_progress", "", "3", "1", "", "", "", "2026-02-10", "numerous", "", "a note")
	f.Add("x", "2026-02-30", "acess", "fax", "gdpr", "J0hn", "uncle", "\x1b[2J", "1800-01-01", "no-at", "call me", "selfie", "x", "x", "x", "done", "lunch", "-1", "x", "x", "x", "x", "x", "x", "x", "x")
	f.Add("OLD-9", "2026-02-02", "complaint", "other", "ccpa", "", "self", "Ann Smith", "1970-01-01", "ann@example.org", "", "", "", "", "", "refused", "", "", "", "", "2026-02-03", "'=bad", "", "", "'@x", "''t")
	h := mustHeader(f, ImportColumns...)
	f.Fuzz(func(t *testing.T, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25 string) {
		cells := []string{c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25}
		first := h.ParseRow(2, cells, importOpts(DateISO))
		for _, p := range first.Problems {
			if p.Line != 2 || p.Problem == "" {
				t.Fatalf("problem without a line or text: %+v", p)
			}
		}
		if len(first.Problems) > 0 {
			return
		}
		out1 := first.Request.ImportCells()
		escaped := make([]string, len(out1))
		for i, v := range out1 {
			escaped[i] = EscapeCell(v)
		}
		second := h.ParseRow(2, escaped, importOpts(DateISO))
		if len(second.Problems) > 0 {
			t.Fatalf("the written row %q is refused: %v", out1, second.Problems)
		}
		if out2 := second.Request.ImportCells(); strings.Join(out2, "\x00") != strings.Join(out1, "\x00") {
			t.Fatalf("round trip:\n%q\n%q", out1, out2)
		}
	})
}

// TestImportKeyIsStable: the import key is the same hash as the first
// version made (a map of columns, written in column order), so that rows
// imported before still count as imported.
func TestImportKeyIsStable(t *testing.T) {
	first := func(norm [][2]string) string {
		vals := map[string]string{}
		for _, kv := range norm {
			vals[kv[0]] = kv[1]
		}
		h := sha256.New()
		h.Write([]byte("rightsdesk-import-v1"))
		var n [8]byte
		for _, c := range ImportColumns {
			for _, s := range []string{c, vals[c]} {
				binary.BigEndian.PutUint64(n[:], uint64(len(s)))
				h.Write(n[:])
				h.Write([]byte(s))
			}
		}
		// Since migration 00008 a key is the first 128 bits of that hash
		// (the register's keys were cut the same way).
		return hex.EncodeToString(h.Sum(nil))[:32]
	}
	for _, norm := range [][][2]string{
		nil,
		{{ColReference, "OLD-1"}, {ColKind, "access"}},
		{{ColNotes, "Zoë, \"urgent\""}, {ColReference, "A"}, {ColReference, "B"}, {"not a column", "x"}},
	} {
		if got, want := importKey(norm), first(norm); got != want {
			t.Errorf("importKey(%q) = %s, want %s", norm, got, want)
		}
	}
}
