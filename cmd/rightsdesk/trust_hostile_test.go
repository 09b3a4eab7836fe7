package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"rightsdesk/model"
)

// trustHostile is text the public may type or paste, or that an older or
// edited database may hold: escapes, bidi controls, NUL, C1, invalid UTF-8,
// a 10,000-character paste, emoji, combining marks, spreadsheet formulas.
var trustHostile = []string{
	"\x1b[2J\x1b[31mred\x1b[0m",
	"\x1b]0;owned\x07title",
	"\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
	"\u009b31mC1",
	"invoice\u202efdp.exe",
	"a\u200fb\u2066c\u2069",
	"nul\x00byte",
	"bad \xff\xfe",
	strings.Repeat("é", 10000),
	"👩🏽‍⚕️🏥",
	"Zoe\u0308 Z\u0338\u0322a\u0335",
	"=HYPERLINK(\"http://evil\",\"x\")",
	"+1+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(A1)",
	"\tTAB",
	"line\r\nbreak",
}

// trustUnsafe says why s could not go to a terminal as it is, or "".
func trustUnsafe(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == '\n':
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			return "a control character"
		case r == '\u200e', r == '\u200f', r == '\u061c', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return "a bidi control"
		}
	}
	return ""
}

// Hostile text in every field the register shows comes out of list (table,
// CSV, JSON) and show (text, JSON) safely: no control or bidi character
// reaches the terminal, table rows keep their width, no CSV cell can start
// a formula, JSON stays valid, and the acknowledgement (text and PDF)
// holds no control or bidi character.
func TestHostileTextInListAndShow(t *testing.T) {
	e := newTrustEnv(t)
	ctx := context.Background()
	var refs []string
	for i, h := range trustHostile {
		ref := e.logAt("Hostile Patient", time.Now().Add(-time.Duration(i)*time.Minute))
		refs = append(refs, ref)
		st := e.store()
		// Free text goes in through the store as typed; names as an older
		// or edited database might hold them, past the parser.
		db := st.DB()
		if _, err := db.Exec(`UPDATE requests SET notes = ?, details = json_object('summary', ?), requester_name = ?, outcome_reason = ?
			WHERE reference = ?`, h, strings.ToValidUTF8(h, ""), h, h, ref); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE subjects SET name = ?, email = ? WHERE id = (SELECT subject_id FROM requests WHERE reference = ?)", h, h, ref); err != nil {
			t.Fatal(err)
		}
		lead, _ := st.StaffByName(ctx, "Lee Lead")
		if err := st.AddNote(ctx, lead, ref, h, time.Now()); err != nil && !model.IsUserError(err) {
			t.Fatal(err)
		}
		if _, err := st.Apply(ctx, lead, ref, model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingClarification}, time.Now()); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}

	out := e.ok("list")
	width := 0
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if why := trustUnsafe(line); why != "" {
			t.Errorf("list line %d holds %s: %q", i, why, line)
		}
		if i == 0 {
			width = 14 + 16 + 21 + 10 + 10 + 5 + 24 + 24 + 8
		} else if w := ansi.StringWidth(line); w > width {
			t.Errorf("list line %d is %d cells wide, more than the table's %d", i, w, width)
		}
	}

	out = e.ok("list", "--csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("list --csv is not CSV: %v", err)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && !strings.HasPrefix(cell, "'") && model.NeutraliseCell(cell) != cell {
				t.Errorf("a CSV cell can start a formula: %q", cell)
			}
		}
	}

	out = e.ok("list", "--json")
	if !json.Valid([]byte(out)) {
		t.Fatal("list --json is not valid JSON")
	}
	if strings.ContainsAny(out, "\x1b\x00\u009b") {
		t.Error("list --json holds a raw control character")
	}

	for _, ref := range refs {
		out := e.ok("show", ref)
		for i, line := range strings.Split(out, "\n") {
			if why := trustUnsafe(line); why != "" {
				t.Errorf("show %s line %d holds %s: %q", ref, i, why, line)
			}
		}
		out = e.ok("show", ref, "--json")
		if !json.Valid([]byte(out)) || strings.ContainsAny(out, "\x1b\x00") {
			t.Errorf("show %s --json is not clean JSON", ref)
		}
	}

	// The acknowledgement's text twin and PDF, for every hostile value.
	outDir := t.TempDir()
	pdftotext, _ := exec.LookPath("pdftotext")
	for _, ref := range refs {
		out := e.ok(append([]string{"export", ref, "--kind", "acknowledgement", "--out", outDir}, e.asLead()...)...)
		if trustUnsafe(out) != "" {
			t.Errorf("export %s printed unsafe text", ref)
		}
		txt, err := os.ReadFile(filepath.Join(outDir, ref+" acknowledgement.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(txt), "\n") {
			if why := trustUnsafe(strings.TrimSuffix(line, "\r")); why != "" {
				t.Errorf("%s acknowledgement.txt line %d holds %s: %q", ref, i, why, line)
			}
		}
		if pdftotext == "" {
			continue
		}
		pdf, err := exec.Command(pdftotext, "-enc", "UTF-8", filepath.Join(outDir, ref+" acknowledgement.pdf"), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", ref, err)
		}
		if !strings.Contains(string(pdf), ref) {
			t.Fatalf("the PDF of %s does not hold its reference: the check proves nothing", ref)
		}
		if strings.ContainsAny(string(pdf), "\x1b\x00\u009b\u202e\u2066") {
			t.Errorf("the PDF of %s holds a control or bidi character", ref)
		}
	}
	e.ok("audit", "verify")
}
