package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// regSchema compiles one of the documented schemas in schema/.
func regSchema(t testing.TB, name string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	path, err := filepath.Abs(filepath.Join("schema", name))
	if err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return sch
}

// regValidate checks a command's JSON output against a schema.
func regValidate(t testing.TB, sch *jsonschema.Schema, what, out string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s is not JSON: %v\n%.2000s", what, err, out)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("%s does not match its schema: %v\n%.2000s", what, err, out)
	}
	return v
}

// regDeskRequests logs requests at the desk through the store, the way
// the TUI does: structured details, evidence that arrives later, a
// parent with proof, a representative, an extension, a pause, refusals,
// a child's own request refused by policy, and values that look like
// spreadsheet formulas or start with an apostrophe.
func regDeskRequests(t *testing.T, e *regEnv) {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	lead, err := st.Authenticate(ctx, regLead, "lead passphrase two", now)
	if err != nil {
		t.Fatal(err)
	}
	day := func(daysAgo int) time.Time { return now.AddDate(0, 0, -daysAgo) }
	dob := func(y int) time.Time { return time.Date(y, 3, 4, 0, 0, 0, 0, time.UTC) }
	passport := func(daysAgo int) model.Evidence {
		return model.Evidence{Kind: model.EvidenceIdentity, Method: model.MethodInPerson, Document: string(model.DocPassport), Last4: "9876", IssuingCountry: "GB", ReceivedOn: model.DateOf(day(daysAgo))}
	}
	log := func(r model.Request, ops ...model.Op) {
		t.Helper()
		got, err := st.LogRequest(ctx, lead, r, now)
		if err != nil {
			t.Fatalf("log %s: %v", r.Kind, err)
		}
		for _, op := range ops {
			if _, err := st.Apply(ctx, lead, got.Reference, op, now); err != nil {
				t.Fatalf("%s on %s: %v", op.Action, got.Reference, err)
			}
		}
	}
	y := now.Year()
	log(model.Request{Kind: model.KindAccess, Channel: model.ChannelDesk, ReceivedAt: day(20),
		Subject:   model.Subject{Name: "'t Hooft Anna", DateOfBirth: dob(y - 40), Phone: "+44 20 7946 0000", Email: "-anna@example.org"},
		Requester: model.Requester{Relationship: model.RelSelf}, Details: model.Details{Scope: "all records", Format: "PDF"},
		Evidence: []model.Evidence{passport(20)}, Notes: "=SUM(A1:A9) said the patient"},
		model.Op{Action: model.ActComplete})
	pb := passport(5)
	log(model.Request{Kind: model.KindDeletion, Channel: model.ChannelEmail, ReceivedAt: day(10),
		Subject:   model.Subject{Name: "Tim Roe", DateOfBirth: dob(y - 12)},
		Requester: model.Requester{Name: "Mary Roe", Relationship: model.RelParent}, Details: model.Details{WholeRecord: true}},
		model.Op{Action: model.ActEvidence, Evidence: &pb},
		model.Op{Action: model.ActEvidence, Evidence: &model.Evidence{Kind: model.EvidenceParental, Document: string(model.ParBirthCertificate), ReceivedOn: model.DateOf(day(5))}},
		model.Op{Action: model.ActExtend, Reason: "numerous records across three systems", Date: day(4)})
	log(model.Request{Kind: model.KindCorrection, Channel: model.ChannelLetter, ReceivedAt: day(3),
		Subject:   model.Subject{Name: "Pat Quinn", DateOfBirth: dob(y - 30)},
		Requester: model.Requester{Relationship: model.RelSelf}, Details: model.Details{Wrong: "address", ShouldSay: "1 New Street"}},
		model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingID})
	bill := model.Evidence{Kind: model.EvidenceIdentity, Method: model.MethodCopyReceived, Document: string(model.DocUtilityBill)}
	log(model.Request{Kind: model.KindWithdrawConsent, Channel: model.ChannelPhone, ReceivedAt: day(30),
		Subject:   model.Subject{Name: "Olga Ivanova", DateOfBirth: dob(y - 80)},
		Requester: model.Requester{Name: "Sol Icitor", Relationship: model.RelRepresentative},
		Evidence:  []model.Evidence{bill, {Kind: model.EvidenceAuthority, Document: string(model.AuthPowerOfAttorney)}}},
		model.Op{Action: model.ActPartial, Reason: "+ legal duty: the appointment letters must still be sent"})
	log(model.Request{Kind: model.KindComplaint, Channel: model.ChannelOther, ReceivedAt: day(2),
		Subject:   model.Subject{Name: "Zoë Ωmega", DateOfBirth: dob(y - 50)},
		Requester: model.Requester{Relationship: model.RelSelf}, Details: model.Details{Summary: "@reception was rude"}},
		model.Op{Action: model.ActRefuse, Reason: "=manifestly unfounded\nsee the notes"})
	log(model.Request{Kind: model.KindAccess, Channel: model.ChannelDesk, ReceivedAt: day(1),
		Subject:   model.Subject{Name: "Kid Small", DateOfBirth: dob(y - 13)},
		Requester: model.Requester{Relationship: model.RelSelf}})
	log(model.Request{Kind: model.KindWithdrawConsent, Channel: model.ChannelEmail, ReceivedAt: day(6),
		Subject:   model.Subject{Name: "Lee O'Neil", DateOfBirth: dob(y - 25)},
		Requester: model.Requester{Relationship: model.RelSelf}},
		model.Op{Action: model.ActWithdraw, Reason: "changed their mind"})
}

// TestListRoundTrip: `list --csv` of a register (imported rows and
// requests logged at the desk) imports into a fresh database as the same
// register: the same CSV, the same list --json and the same report.
func TestListRoundTrip(t *testing.T) {
	a := newRegEnv(t)
	var gen bytes.Buffer
	regGenerate(&gen, 150, 5)
	if code, out, errs := a.importCSV(gen.String()); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	regDeskRequests(t, a)
	csvA := a.mustRun("list", "--csv")
	jsonA := a.mustRun("list", "--json")
	reportA := a.mustRun("report", "--json")
	if n := strings.Count(csvA, "\n"); n < 150 {
		t.Fatalf("list --csv has %d lines", n)
	}
	// No cell a spreadsheet would run as a formula.
	records, err := csv.NewReader(strings.NewReader(csvA)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range records {
		for _, cell := range rec {
			if model.NeutraliseCell(cell) != cell {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	for _, want := range []string{"'=SUM(A1:A9) said the patient", "'+44 20 7946 0000", "''t Hooft Anna", "'-anna@example.org", "'+ legal duty", "'=manifestly unfounded\nsee the notes", "'@reception was rude", "scope: all records; format: PDF", "wrong: address; should say: 1 New Street", "the whole record"} {
		if !strings.Contains(csvA, want) {
			t.Errorf("list --csv lacks %q", want)
		}
	}

	b := newRegEnv(t)
	if code, out, errs := b.importCSV(csvA); code != 0 {
		t.Fatalf("re-import: %d\n%s\n%s", code, out, errs)
	}
	if csvB := b.mustRun("list", "--csv"); csvB != csvA {
		t.Errorf("list --csv differs after the round trip:\n%s", regFirstDiff(csvA, csvB))
	}
	if jsonB := b.mustRun("list", "--json"); jsonB != jsonA {
		t.Errorf("list --json differs after the round trip:\n%s", regFirstDiff(jsonA, jsonB))
	}
	if reportB := b.mustRun("report", "--json"); reportB != reportA {
		t.Errorf("report --json differs after the round trip:\n%s", regFirstDiff(reportA, reportB))
	}
	// Importing the export again into the same database adds nothing.
	if code, out, _ := b.importCSV(csvA); code != 0 || !strings.Contains(out, "Nothing to add") {
		t.Errorf("second import of the export: %d %q", code, out)
	}
}

// regFirstDiff shows the first line that differs.
func regFirstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(same lines)"
}

// TestListJSONMatchesSchema checks list --json (all, and each filter)
// against the documented schema, and that the filters choose the rows
// they say.
func TestListJSONMatchesSchema(t *testing.T) {
	e := newRegEnv(t)
	sch := regSchema(t, "list.schema.json")
	if out := e.mustRun("list", "--json"); out != "[]\n" {
		t.Errorf("an empty register: %q", out)
	}
	regValidate(t, sch, "an empty list", e.mustRun("list", "--json"))
	var gen bytes.Buffer
	regGenerate(&gen, 120, 11)
	if code, out, errs := e.importCSV(gen.String()); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	regDeskRequests(t, e)
	all := regValidate(t, sch, "list --json", e.mustRun("list", "--json")).([]any)
	if len(all) != 127 {
		t.Fatalf("%d requests listed, want 127", len(all))
	}
	field := func(v any, k string) any { return v.(map[string]any)[k] }
	for _, c := range []struct {
		args []string
		keep func(any) bool
	}{
		{[]string{"--open"}, func(v any) bool { return field(v, "closed_on") == nil }},
		{[]string{"--closed"}, func(v any) bool { return field(v, "closed_on") != nil }},
		{[]string{"--status", "paused"}, func(v any) bool { return field(v, "status") == "paused" }},
		{[]string{"--kind", "deletion"}, func(v any) bool { return field(v, "kind") == "deletion" }},
		{[]string{"--overdue"}, func(v any) bool { return field(v, "overdue") == true }},
		{[]string{"--kind", "access", "--closed"}, func(v any) bool { return field(v, "kind") == "access" && field(v, "closed_on") != nil }},
	} {
		got := regValidate(t, sch, "list --json "+strings.Join(c.args, " "), e.mustRun(append([]string{"list", "--json"}, c.args...)...)).([]any)
		want := 0
		for _, v := range all {
			if c.keep(v) {
				want++
			}
		}
		if len(got) != want || want == 0 {
			t.Errorf("list %v: %d rows, want %d (and some)", c.args, len(got), want)
		}
		for _, v := range got {
			if !c.keep(v) {
				t.Errorf("list %v lists %v", c.args, field(v, "reference"))
			}
		}
	}
	// The parent's deletion: the clock started when the ID arrived, the
	// deadline was extended, and the child is under the threshold.
	var tim map[string]any
	for _, v := range all {
		if field(field(v, "subject"), "name") == "Tim Roe" {
			tim = v.(map[string]any)
		}
	}
	if tim == nil || tim["extended"] != true || tim["extended_due_on"] == nil || field(tim["subject"], "under_threshold") != true ||
		tim["clock_started_on"] == tim["received_on"] || field(tim["requester"], "relationship") != "parent" {
		t.Errorf("Tim Roe's request: %v", tim)
	}
	for _, bad := range [][]string{{"--json", "--csv"}, {"--open", "--closed"}, {"--status", "finished"}, {"--kind", "hug"}, {"--overdue", "--closed"}, {"extra"}} {
		if code, _, _ := e.run(append([]string{"list"}, bad...)...); code != exitUsage {
			t.Errorf("list %v: exit %d, want 2", bad, code)
		}
	}
}

// TestListTableIsClean: the plain table strips terminal control
// sequences from every field and keeps its columns.
func TestListTableIsClean(t *testing.T) {
	e := newRegEnv(t)
	ctx := context.Background()
	st, err := storage.Open(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	lead, err := st.Authenticate(ctx, regLead, "lead passphrase two", now)
	if err != nil {
		t.Fatal(err)
	}
	// The name parser refuses control characters, so write a hostile name
	// the way a damaged or hand-edited file could hold one.
	r, err := st.LogRequest(ctx, lead, model.Request{Kind: model.KindComplaint, Channel: model.ChannelDesk, ReceivedAt: now,
		Subject:   model.Subject{Name: "Placeholder Name", DateOfBirth: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		Requester: model.Requester{Relationship: model.RelSelf}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec("UPDATE subjects SET name = ? WHERE id = ?", "Evil\x1b]0;pwned\x07\x1b[2J\u202eName\r\nNext", r.Subject.ID); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out := e.mustRun("list")
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\r"} {
		if strings.Contains(out, bad) {
			t.Errorf("the table has %q:\n%q", bad, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "REFERENCE") || !strings.Contains(lines[1], "EvilName Next") {
		t.Errorf("table:\n%s", out)
	}
	// JSON keeps the data but escapes every control character.
	js := e.mustRun("list", "--json")
	if strings.ContainsAny(js, "\x1b\x07\r") || !strings.Contains(js, `\u001b]0;pwned\u0007`) {
		t.Errorf("list --json: %s", js)
	}
	if code, out, _ := e.run("list", "--status", "withdrawn"); code != 0 || !strings.Contains(out, "No requests match.") {
		t.Errorf("an empty table: %d %q", code, out)
	}
}

// BenchmarkListJSON100k writes list --json of 100,000 requests (open and
// closed), streamed; it reports the time per listing, the bytes written
// and the process's peak resident memory.
func BenchmarkListJSON100k(b *testing.B) {
	e := newRegEnv(b)
	var gen bytes.Buffer
	regGenerate(&gen, 100_000, 2)
	if code, out, errs := e.importCSV(gen.String()); code != 0 {
		b.Fatalf("import: %d %.1000s %s", code, out, errs)
	}
	gen = bytes.Buffer{}
	runtime.GC()
	var peaks []int64
	var size int
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out countWriter
		cpu0 := cpuTime()
		peak, ok := peakRSS(func() {
			if code := run(context.Background(), []string{"--db", e.db, "list", "--json"}, strings.NewReader(""), &out, &out); code != 0 {
				b.Fatalf("exit %d", code)
			}
		})
		cpu += cpuTime() - cpu0
		if ok {
			peaks = append(peaks, peak)
		}
		size = out.n
	}
	b.StopTimer()
	b.ReportMetric(float64(size)/(1<<20), "MB-written")
	reportPeak(b, peaks)
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// countWriter counts bytes and keeps none, so the benchmark measures the
// listing's memory, not a buffer's.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// TestListCSVLeavesOutPurged: requests anonymised by the retention purge
// stay in list --json and the report (their figures), but not in
// list --csv, whose every row must import again.
func TestListCSVLeavesOutPurged(t *testing.T) {
	e := newRegEnv(t)
	var gen bytes.Buffer
	regGenerate(&gen, 60, 13) // received 2016–2025: the oldest closed ones are past 6 years
	if code, out, errs := e.importCSV(gen.String()); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	e.mustRun("purge", "--as", regAdmin, "--as-passphrase-file", filepath.Join(e.files, "admin.pass"))
	all := strings.Count(e.mustRun("list", "--json"), `{"reference":`)
	csvOut := e.mustRun("list", "--csv")
	rows := strings.Count(csvOut, "\nGEN-")
	if all != 60 || rows == 0 || rows >= all {
		t.Fatalf("list --json has %d requests, list --csv %d: want all 60, and fewer but some in the CSV", all, rows)
	}
	f := newRegEnv(t)
	if code, out, errs := f.importCSV(csvOut); code != 0 || !strings.Contains(out, "Imported "+strconv.Itoa(rows)+" requests") {
		t.Errorf("re-import after a purge: %d %s %s", code, out, errs)
	}
}
