package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"rightsdesk/model"
)

// answered logs a verified access request for name, attaches files (name
// → content) and completes it.
func (f *fixture) answered(t testing.TB, r model.Request, files map[string]string) model.Request {
	t.Helper()
	r = f.log(t, r)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f.attach(t, r.Reference, n, files[n])
	}
	f.apply(t, r.Reference, model.Op{Action: model.ActComplete})
	return r
}

func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(RequestSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const id = "urn:rightsdesk:schema:request:v1"
	if err := c.AddResource(id, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

func validateRequestJSON(t testing.TB, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t).Validate(inst); err != nil {
		t.Fatalf("request.json does not match its schema: %v", err)
	}
}

func TestResponsePackage(t *testing.T) {
	f := newFixture(t)
	r := childByParent()
	r.Evidence = append(r.Evidence, model.Evidence{Kind: model.EvidenceParental, Document: string(model.ParBirthCertificate)})
	r.Details.Summary = `<script>alert("x")</script> & <img src=x onerror=alert(1)>`
	r = f.answered(t, r, map[string]string{
		"scan #1 (copy).pdf":       "%PDF-1.4 pretend scan of the GP record\n",
		"Ωmega lab results.csv":    "test,result\nHbA1c,41\n",
		"..\x1b[31mevil\u202e.txt": "a name with an escape sequence and a bidi override\n",
	})
	out := t.TempDir()
	res, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: out, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != r.Reference+".zip" {
		t.Errorf("package name %s", res.Path)
	}
	if info, _ := os.Stat(res.Path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
	if got := fileSHA(t, res.Path); got != res.SHA256 {
		t.Errorf("Result.SHA256 %s, file %s", res.SHA256, got)
	}
	if out, err := runTool(t, "unzip", "-t", res.Path); err != nil || !strings.Contains(out, "No errors detected") {
		t.Fatalf("unzip -t: %v\n%s", err, out)
	}

	// Every name inside is sanitised.
	names := zipNames(t, res.Path)
	for _, n := range names {
		rest := strings.TrimPrefix(n, "data/")
		if strings.Contains(rest, "/") || strings.Contains(n, `\`) || strings.Contains(n, "..") || strings.HasPrefix(n, "/") {
			t.Errorf("unsafe path in the package: %q", n)
		}
		for _, c := range n {
			if unicode.IsControl(c) || c == '\u202e' {
				t.Errorf("control character in %q", n)
			}
		}
	}
	for _, want := range []string{"index.html", "letter.pdf", "request.json", "manifest.json", "data/scan #1 (copy).pdf", "data/Ωmega lab results.csv", "data/evil.txt"} {
		if !contains(names, want) {
			t.Errorf("no %s in %q", want, names)
		}
	}

	dir := unpack(t, res.Path)

	// manifest.json lists every other file with its real size and SHA-256.
	var man manifest
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatal(err)
	}
	if len(man.Files) != len(names)-1 {
		t.Errorf("manifest lists %d files, the package holds %d besides it", len(man.Files), len(names)-1)
	}
	for _, e := range man.Files {
		b, err := os.ReadFile(filepath.Join(dir, e.Path))
		if err != nil {
			t.Errorf("manifest names %s: %v", e.Path, err)
			continue
		}
		sum := sha256.Sum256(b)
		if int64(len(b)) != e.Size || hex.EncodeToString(sum[:]) != e.SHA256 {
			t.Errorf("%s: manifest says %d bytes %s, file is %d bytes %x", e.Path, e.Size, e.SHA256, len(b), sum)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "data", "Ωmega lab results.csv")); string(b) != "test,result\nHbA1c,41\n" {
		t.Errorf("attachment content: %q", b)
	}

	validateRequestJSON(t, filepath.Join(dir, "request.json"))
	var rec record
	raw, _ = os.ReadFile(filepath.Join(dir, "request.json"))
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Reference != r.Reference || rec.Subject.Name != "Анна Каренина" || rec.Deadline.EffectiveDueOn != "2026-10-05" || rec.Outcome.Status != model.StatusCompleted || len(rec.Files) != 3 || len(rec.Evidence) != 2 {
		t.Errorf("request.json: %+v", rec)
	}
	if len(rec.Timeline) == 0 || rec.Timeline[0].Action != string(model.ActLog) {
		t.Errorf("timeline: %+v", rec.Timeline)
	}
	if bytes.Contains(raw, []byte("7K3Q")) || bytes.Contains(raw, []byte(f.desk.Name)) {
		t.Error("request.json holds a document number or a staff name")
	}

	letter := squash(pdfText(t, filepath.Join(dir, "letter.pdf")))
	for _, want := range []string{r.Reference, "Анна Каренина", "Σωκράτης Παπαδόπουλος", "Completed", "5 October 2026", "data/Ωmega lab results.csv", "Information Commissioner's Office", "right to complain"} {
		if !strings.Contains(letter, want) {
			t.Errorf("letter.pdf: no %q in\n%s", want, letter)
		}
	}

	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	for _, want := range []string{`href="letter.pdf"`, `href="request.json"`, `href="manifest.json"`, `href="data/scan%20%231%20%28copy%29.pdf"`, "Анна Каренина", "&lt;script&gt;"} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index.html: no %s", want)
		}
	}
	// Text typed by the public is escaped, never markup.
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(string(index), bad) {
			t.Errorf("index.html holds raw %s", bad)
		}
	}

	events, _ := f.st.Timeline(ctx, r.Reference)
	last := events[len(events)-1]
	if last.Action != string(model.ActExport) || !strings.Contains(last.Detail, "response") || !strings.Contains(last.Detail, res.SHA256) {
		t.Errorf("last event %+v", last)
	}
}

func TestResponseLettersForEachOutcome(t *testing.T) {
	f := newFixture(t)
	refused := f.log(t, adultAccess("Ada Lovelace"))
	f.apply(t, refused.Reference, model.Op{Action: model.ActRefuse, Reason: "The request is manifestly unfounded: it repeats one answered last week"})
	partial := adultAccess("Grace Hopper")
	partial.Kind = model.KindDeletion
	partial.Details = model.Details{WholeRecord: true}
	partial = f.log(t, partial)
	f.apply(t, partial.Reference, model.Op{Action: model.ActPartial, Reason: "Medical records must be kept for 8 years"})
	for ref, wants := range map[string][]string{
		refused.Reference: {"Refused", "Why we refused", "manifestly unfounded"},
		partial.Reference: {"Partially completed", "What we did not do, and why", "Medical records must be kept for 8 years", "We have deleted"},
	} {
		res, err := Response(ctx, f.st, f.lead, ref, Options{OutDir: t.TempDir(), Now: f.now})
		if err != nil {
			t.Fatal(err)
		}
		dir := unpack(t, res.Path)
		letter := squash(pdfText(t, filepath.Join(dir, "letter.pdf")))
		for _, want := range wants {
			if !strings.Contains(letter, want) {
				t.Errorf("%s: no %q in\n%s", ref, want, letter)
			}
		}
		validateRequestJSON(t, filepath.Join(dir, "request.json"))
	}
}

func TestResponseProtectedLetter(t *testing.T) {
	f := newFixture(t)
	r := f.answered(t, adultAccess("Анна Каренина"), map[string]string{"record.txt": "records"})
	const pw = "Blue heron 42!"
	if err := ValidatePassword("short"); err == nil {
		t.Error("a 5-character password was accepted")
	}
	res, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: t.TempDir(), Now: f.now, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Warnings, " "), "only letter.pdf is password-protected") {
		t.Errorf("warnings %q", res.Warnings)
	}
	dir := unpack(t, res.Path)
	letter := filepath.Join(dir, "letter.pdf")
	if out, err := runTool(t, "pdfinfo", letter); err == nil {
		t.Fatalf("pdfinfo opened the protected letter without its password:\n%s", out)
	}
	if out, err := runTool(t, "pdfinfo", "-upw", "wrong password", letter); err == nil {
		t.Fatalf("pdfinfo opened the protected letter with a wrong password:\n%s", out)
	}
	out, err := runTool(t, "pdfinfo", "-upw", pw, letter)
	if err != nil {
		t.Fatalf("pdfinfo -upw: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Encrypted:") || !strings.Contains(out, "AES") {
		t.Errorf("pdfinfo does not report AES encryption:\n%s", out)
	}
	if text := squash(pdfText(t, letter, "-upw", pw)); !strings.Contains(text, r.Reference) || !strings.Contains(text, "Анна Каренина") {
		t.Errorf("the opened letter lacks the reference or the name:\n%s", text)
	}
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !strings.Contains(string(index), "protected with a password") {
		t.Error("index.html does not say the letter is protected")
	}
}

func TestResponseNeverOverwrites(t *testing.T) {
	f := newFixture(t)
	r := f.answered(t, adultAccess("Ada Lovelace"), nil)
	dir := t.TempDir()
	existing := filepath.Join(dir, r.Reference+".zip")
	if err := os.WriteFile(existing, []byte("not ours"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: dir, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != r.Reference+" (2).zip" || res.Taken != r.Reference+".zip" {
		t.Errorf("path %s, taken %q", res.Path, res.Taken)
	}
	if b, _ := os.ReadFile(existing); string(b) != "not ours" {
		t.Error("the existing file was overwritten")
	}
	if !strings.Contains(strings.Join(res.Warnings, " "), "no files are attached") {
		t.Errorf("an access package with no files should warn: %q", res.Warnings)
	}
}

func TestResponseOnlyForLeads(t *testing.T) {
	f := newFixture(t)
	r := f.answered(t, adultAccess("Ada Lovelace"), nil)
	dir := t.TempDir()
	_, err := Response(ctx, f.st, f.desk, r.Reference, Options{OutDir: dir, Now: f.now})
	if !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("desk export: %v, want forbidden", err)
	}
	// A lead deactivated since signing in is refused too.
	if err := f.st.SetActive(ctx, f.admin, f.lead.ID, false, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: dir, Now: f.now}); err == nil || !strings.Contains(err.Error(), "deactivated") {
		t.Fatalf("deactivated lead: %v", err)
	}
	if names := folderFiles(t, dir); len(names) != 0 {
		t.Errorf("files written: %v", names)
	}
}

func TestResponseRefusedWhileOpen(t *testing.T) {
	f := newFixture(t)
	r := f.log(t, adultAccess("Ada Lovelace"))
	_, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: t.TempDir(), Now: f.now})
	if !model.IsUserError(err) || !strings.Contains(err.Error(), "still open") {
		t.Fatalf("err = %v", err)
	}
}

func TestSchemaRejectsADrift(t *testing.T) {
	// The schema is strict enough to catch a field that drifted.
	sch := compileSchema(t)
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"schema":"rightsdesk/request/v1","reference":"R-1","surprise":true}`))
	if err := sch.Validate(bad); err == nil {
		t.Fatal("an incomplete record with an unknown field validated")
	}
}

// A letter longer than a page keeps its body font on the next page (the
// footer, drawn smaller at each page break, must not leak into the text).
func TestLongLetterKeepsItsFontAcrossPages(t *testing.T) {
	f := newFixture(t)
	r := adultAccess("Ada Lovelace")
	r.Kind = model.KindDeletion
	r.Details = model.Details{WholeRecord: true}
	r = f.log(t, r)
	f.apply(t, r.Reference, model.Op{Action: model.ActPartial, Reason: strings.Repeat("Medical records must be kept for eight years after the last treatment. ", 40)})
	res, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: t.TempDir(), Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	letter := filepath.Join(unpack(t, res.Path), "letter.pdf")
	out, err := runTool(t, "pdftotext", "-bbox", letter, "-")
	if err != nil {
		t.Fatal(err)
	}
	// The height of the word "Medical" on each page.
	heights := map[int]float64{}
	page := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "<page ") {
			page++
		}
		var x0, y0, x1, y1 float64
		if !strings.HasSuffix(line, ">Medical</word>") {
			continue
		}
		if _, err := fmt.Sscanf(strings.TrimSpace(line), `<word xMin="%f" yMin="%f" xMax="%f" yMax="%f">Medical</word>`, &x0, &y0, &x1, &y1); err == nil {
			if _, ok := heights[page]; !ok {
				heights[page] = y1 - y0
			}
		}
	}
	if page < 2 || heights[1] == 0 || heights[2] == 0 {
		t.Fatalf("want the reason on two pages; pages %d, heights %v", page, heights)
	}
	if d := heights[2] - heights[1]; d > 0.5 || d < -0.5 {
		t.Errorf("body text is %.1f pt high on page 1 but %.1f pt on page 2", heights[1], heights[2])
	}
}
