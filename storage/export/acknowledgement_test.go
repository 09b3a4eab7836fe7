package export

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

// childByParent is a Greek-named parent asking for a Cyrillic-named child
// of 10, with the parent's identity checked but no proof of parental
// responsibility yet.
func childByParent() model.Request {
	r := adultAccess("Анна Каренина")
	r.Subject.DateOfBirth = time.Date(2016, 2, 29, 0, 0, 0, 0, time.UTC)
	r.Requester = model.Requester{Name: "Σωκράτης Παπαδόπουλος", Relationship: model.RelParent}
	return r
}

func fileSHA(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestAcknowledgementPDFHoldsTheFacts(t *testing.T) {
	f := newFixture(t)
	r := f.log(t, childByParent())
	out := filepath.Join(t.TempDir(), "new folder")
	res, err := Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: out, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("unexpected warnings: %v", res.Warnings)
	}
	if filepath.Base(res.Path) != r.Reference+" acknowledgement.pdf" || filepath.Base(res.TextPath) != r.Reference+" acknowledgement.txt" {
		t.Errorf("names: %s, %s", res.Path, res.TextPath)
	}
	for _, p := range []string{res.Path, res.TextPath} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, info.Mode().Perm())
		}
	}
	if info, _ := os.Stat(out); info.Mode().Perm() != 0o700 {
		t.Errorf("new folder mode %v, want 0700", info.Mode().Perm())
	}
	if got := fileSHA(t, res.Path); got != res.SHA256 {
		t.Errorf("Result.SHA256 %s, file %s", res.SHA256, got)
	}
	if got := fileSHA(t, res.TextPath); got != res.TextSHA256 {
		t.Errorf("Result.TextSHA256 %s, file %s", res.TextSHA256, got)
	}

	txtBytes, err := os.ReadFile(res.TextPath)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"pdftotext": squash(pdfText(t, res.Path)), "text twin": squash(string(txtBytes))} {
		for _, want := range []string{
			r.Reference,
			"Perfect Doctors Clinic", "concierge@perfectdrs.com", "020 7946 0000", // the clinic and its contact
			"Анна Каренина", "Σωκράτης Παπαδόπουλος", // Cyrillic and Greek names, exactly
			"To see the personal information we hold", "all records since 2020", // what was asked
			"Σωκράτης Παπαδόπουλος (parent)", "Анна Каренина (the patient)", // who asked and for whom
			"3 September 2026",                  // received
			"Identity: passport (in person)",    // evidence type
			"parental responsibility",           // what is still needed
			"5 October 2026",                    // the deadline: 3 October is a Saturday
			"UK GDPR Art. 12(3)",                // the rule it comes from
			"Information Commissioner's Office", // the regulator
			"https://ico.org.uk/make-a-complaint/",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no %q in\n%s", name, want, text)
			}
		}
		// Evidence is recorded by type only: the passport's last four
		// characters never reach a letter.
		if strings.Contains(text, "7K3Q") {
			t.Errorf("%s: holds the passport's last four characters", name)
		}
	}

	// The export is an event with both files' SHA-256.
	events, err := f.st.Timeline(ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Action != string(model.ActExport) || !strings.Contains(last.Detail, "acknowledgement") ||
		!strings.Contains(last.Detail, res.SHA256) || !strings.Contains(last.Detail, res.TextSHA256) || last.ActorName != f.desk.Name {
		t.Errorf("last event %+v: want an export by %s with both hashes", last, f.desk.Name)
	}
}

func TestAcknowledgementSaysWhenTheFontLacksCharacters(t *testing.T) {
	f := newFixture(t)
	r := f.log(t, adultAccess("Mei 王小明"))
	res, err := Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: t.TempDir(), Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, "\n"), "U+738B") {
		t.Fatalf("warnings %q: want one naming U+738B", res.Warnings)
	}
	text := squash(pdfText(t, res.Path))
	if !strings.Contains(text, "Mei ???") {
		t.Errorf("PDF: the missing characters are not printed as ?:\n%s", text)
	}
	if !strings.Contains(text, "cannot show (U+738B U+5C0F U+660E)") {
		t.Errorf("PDF: no note naming the characters:\n%s", text)
	}
	txt, _ := os.ReadFile(res.TextPath)
	if !strings.Contains(string(txt), "Mei 王小明") {
		t.Errorf("the text twin should show the name as written")
	}
}

func TestAcknowledgementNeverOverwrites(t *testing.T) {
	f := newFixture(t)
	r := f.log(t, adultAccess("Ada Lovelace"))
	dir := t.TempDir()
	first, err := Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: dir, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	// Only the text twin's name is taken: the pair moves on together.
	blocker := filepath.Join(dir, r.Reference+" acknowledgement (2).txt")
	if err := os.WriteFile(blocker, []byte("someone else's file"), 0o600); err != nil {
		t.Fatal(err)
	}
	second, err := Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: dir, Now: f.now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(second.Path) != r.Reference+" acknowledgement (3).pdf" || filepath.Base(second.TextPath) != r.Reference+" acknowledgement (3).txt" {
		t.Errorf("second export: %s and %s", second.Path, second.TextPath)
	}
	if second.Taken != r.Reference+" acknowledgement.pdf" {
		t.Errorf("Taken = %q", second.Taken)
	}
	if got := fileSHA(t, first.Path); got != first.SHA256 {
		t.Error("the first acknowledgement was changed")
	}
	if b, _ := os.ReadFile(blocker); string(b) != "someone else's file" {
		t.Error("an existing file was overwritten")
	}
	if _, err := os.Stat(filepath.Join(dir, r.Reference+" acknowledgement (2).pdf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a half pair was left behind: %v", err)
	}
}

func TestAcknowledgementForAClosedRequestSaysSo(t *testing.T) {
	f := newFixture(t)
	r := adultAccess("Ada Lovelace")
	r.Subject.DateOfBirth = time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC) // a child asking alone: refused by policy
	r = f.log(t, r)
	if r.Status != model.StatusRefused {
		t.Fatalf("status %s, want refused", r.Status)
	}
	res, err := Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: t.TempDir(), Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	text := squash(pdfText(t, res.Path))
	for _, want := range []string{"Refused", "no one under 16"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
}

func TestAcknowledgementUnknownReference(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	_, err := Acknowledgement(ctx, f.st, f.desk, "R-2026-9999", Options{OutDir: dir, Now: f.now})
	if err == nil || !strings.Contains(err.Error(), "no such request") {
		t.Fatalf("err = %v", err)
	}
	if names := folderFiles(t, dir); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
}

func TestRegulatorsForEveryRule(t *testing.T) {
	want := map[model.Rule]string{
		model.RuleUKGDPR: "Information Commissioner's Office",
		model.RuleEUGDPR: "data protection authority",
		model.RuleHIPAA:  "Office for Civil Rights",
		model.RuleCCPA:   "California Privacy Protection Agency",
	}
	for _, rule := range model.Rules {
		if got := model.RegulatorFor(rule); !strings.Contains(got.Name, want[rule]) || got.Web == "" || got.How == "" {
			t.Errorf("%s: %+v", rule, got)
		}
	}
}

func TestHIPAAAcknowledgementNamesHHS(t *testing.T) {
	f := newFixture(t)
	r := adultAccess("Ada Lovelace")
	r.Rule = model.RuleHIPAA
	r = f.log(t, r)
	res, err := Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: t.TempDir(), Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	text := squash(pdfText(t, res.Path))
	// HIPAA access: 30 calendar days from 3 September 2026.
	for _, want := range []string{"Office for Civil Rights", "3 October 2026", "45 CFR 164.524"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
}
