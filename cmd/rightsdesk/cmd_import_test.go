package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// regEnv is a set-up clinic in a temporary folder: an admin and a lead,
// with their passphrase files, driven through run() in-process.
type regEnv struct {
	t        testing.TB
	dir      string // the database's folder, nothing else in it
	files    string // CSV files and passphrases
	db       string
	leadPass string
}

const (
	regAdmin = "Ada Admin"
	regLead  = "Lee Lead"
	regDesk  = "Dee Desk"
)

// newRegEnv sets up a clinic with init's defaults (UK GDPR, England and
// Wales, age threshold 16, children's own requests refused) plus initArgs.
func newRegEnv(t testing.TB, initArgs ...string) *regEnv {
	t.Helper()
	root := t.TempDir()
	e := &regEnv{t: t, dir: filepath.Join(root, "data"), files: filepath.Join(root, "files")}
	for _, d := range []string{e.dir, e.files} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	e.db = filepath.Join(e.dir, "rightsdesk.db")
	adminPass := e.write("admin.pass", "admin passphrase one\n")
	e.leadPass = e.write("lead.pass", "lead passphrase two\n")
	deskPass := e.write("desk.pass", "desk passphrase three\n")
	e.mustRun(append([]string{"init", "--clinic", "Test Clinic", "--admin", regAdmin, "--passphrase-file", adminPass}, initArgs...)...)
	e.mustRun("staff", "add", "--name", regLead, "--role", "lead", "--passphrase-file", e.leadPass, "--as", regAdmin, "--as-passphrase-file", adminPass)
	e.mustRun("staff", "add", "--name", regDesk, "--role", "desk", "--passphrase-file", deskPass, "--as", regAdmin, "--as-passphrase-file", adminPass)
	return e
}

// write puts a file beside the database's folder and returns its path.
func (e *regEnv) write(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.files, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// run runs rightsdesk on the clinic's database.
func (e *regEnv) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--db", e.db}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func (e *regEnv) mustRun(args ...string) string {
	e.t.Helper()
	code, out, errs := e.run(args...)
	if code != 0 {
		e.t.Fatalf("rightsdesk %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// importCSV writes content to a file and imports it as the lead.
func (e *regEnv) importCSV(content string, flags ...string) (int, string, string) {
	e.t.Helper()
	p := e.write(fmt.Sprintf("import-%d.csv", time.Now().UnixNano()), content)
	args := append([]string{"import", p, "--as", regLead, "--as-passphrase-file", e.leadPass}, flags...)
	return e.run(args...)
}

// fingerprint hashes every file in the database's folder (the database,
// and its -wal and -shm if any are left), by name.
func (e *regEnv) fingerprint() string {
	e.t.Helper()
	entries, err := os.ReadDir(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	for _, en := range entries {
		data, err := os.ReadFile(filepath.Join(e.dir, en.Name()))
		if err != nil {
			e.t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s %d %s\n", en.Name(), len(data), hex.EncodeToString(sum[:]))
	}
	return b.String()
}

// regHeader is the column list, in its order.
const regHeader = "reference,received_on,kind,channel,rule,requester_name,requester_relationship,subject_name,subject_date_of_birth,subject_email,subject_phone,id_evidence,id_received_on,parental_evidence,status,closed_on,outcome_reason,extended_on,extension_reason,notes"

// regFullHeader adds the columns rightsdesk adds to the list.
const regFullHeader = regHeader + ",authority_evidence,pause_reason,details,paused_days,clarification_days,fee_received_on"

// regRow builds a row of regHeader from a good default and overrides.
func regRow(over map[string]string) string { return regRowOf(regHeader, over) }

func regRowOf(header string, over map[string]string) string {
	vals := map[string]string{
		"received_on": "2025-01-10", "kind": "access", "channel": "letter", "requester_relationship": "self",
		"subject_name": "Jane Doe", "subject_date_of_birth": "1980-05-01", "id_evidence": "passport", "status": "in_progress",
	}
	for k, v := range over {
		vals[k] = v
	}
	cols := strings.Split(header, ",")
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = csvCell(vals[c])
	}
	return strings.Join(cells, ",")
}

// TestImportBadValues puts one bad value per row, for every column, in one
// file: the import refuses it all with status 1, names each line and
// column, and writes nothing.
func TestImportBadValues(t *testing.T) {
	e := newRegEnv(t)
	future := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	cases := []struct {
		over   map[string]string
		column string
		want   string
	}{
		{map[string]string{"reference": "R 1"}, "reference", "cannot contain spaces"},
		{map[string]string{"reference": "-R1"}, "reference", "starts with a letter or digit"},
		{map[string]string{"reference": strings.Repeat("A", 33)}, "reference", "at most 32"},
		{map[string]string{"received_on": "2025-02-30"}, "received_on", "February 2025 has 28 days"},
		{map[string]string{"received_on": "10/01/2025"}, "received_on", "not in the form YYYY-MM-DD"},
		{map[string]string{"received_on": ""}, "received_on", "is blank"},
		{map[string]string{"received_on": future}, "received_on", "is after today"},
		{map[string]string{"kind": "acess"}, "kind", `"acess" is not a kind`},
		{map[string]string{"kind": ""}, "kind", "is blank"},
		{map[string]string{"channel": "fax"}, "channel", "is not a channel"},
		{map[string]string{"rule": "gdpr"}, "rule", "is not a rule"},
		{map[string]string{"requester_relationship": "uncle"}, "requester_relationship", "is not a relationship"},
		{map[string]string{"requester_relationship": "representative", "requester_name": ""}, "requester_name", "no name was given"},
		{map[string]string{"requester_relationship": "parent", "requester_name": "J0hn Doe"}, "requester_name", "is a digit"},
		{map[string]string{"subject_name": ""}, "subject_name", "is blank"},
		{map[string]string{"subject_name": "Evil \x1b[31mName"}, "subject_name", "escape code"},
		{map[string]string{"subject_date_of_birth": "2025-02-01"}, "subject_date_of_birth", "after the day the request was received"},
		{map[string]string{"subject_date_of_birth": "1800-01-01"}, "subject_date_of_birth", "between 1900 and 2200"},
		{map[string]string{"subject_date_of_birth": "1890-01-01", "received_on": "2025-01-10"}, "subject_date_of_birth", "between 1900"},
		{map[string]string{"subject_email": "jane.example.org"}, "subject_email", "no @"},
		{map[string]string{"subject_phone": "0800 FLOWERS"}, "subject_phone", "cannot contain letters"},
		{map[string]string{"id_evidence": "selfie"}, "id_evidence", "is not a identity evidence"},
		{map[string]string{"id_received_on": "2025-01-01"}, "id_received_on", "before the request was received"},
		{map[string]string{"id_evidence": "", "id_received_on": "2025-01-20", "status": "awaiting_verification"}, "id_received_on", "records no evidence"},
		{map[string]string{"id_received_on": future}, "id_received_on", "is after today"},
		{map[string]string{"parental_evidence": "note from mum"}, "parental_evidence", "is not a parental evidence"},
		{map[string]string{"status": "done"}, "status", "is not a status"},
		{map[string]string{"status": ""}, "status", "is blank"},
		{map[string]string{"id_evidence": "", "status": "completed", "closed_on": "2025-02-01"}, "id_evidence", "cannot be completed without verification"},
		{map[string]string{"requester_relationship": "parent", "requester_name": "Mary Roe", "subject_date_of_birth": "2015-01-01", "status": "in_progress"}, "parental_evidence", "Proof of parental responsibility is needed"},
		{map[string]string{"requester_relationship": "representative", "requester_name": "Sol Icitor", "status": "in_progress"}, "authority_evidence", "written authority or a power of attorney is needed"},
		{map[string]string{"requester_relationship": "representative", "requester_name": "Sol Icitor", "authority_evidence": "a letter"}, "authority_evidence", "is not a authority"},
		{map[string]string{"pause_reason": "lunch", "status": "paused"}, "pause_reason", "is not a pause reason"},
		{map[string]string{"pause_reason": "awaiting_id"}, "pause_reason", "is given but the status is not paused"},
		{map[string]string{"kind": "correction", "details": strings.Repeat("d", model.MaxDetailsLen+1)}, "details", "at most 2000"},
		{map[string]string{"paused_days": "-3"}, "paused_days", "not a whole number of days"},
		{map[string]string{"paused_days": "two"}, "paused_days", "not a whole number of days"},
		{map[string]string{"paused_days": "2", "clarification_days": "5"}, "clarification_days", "more than paused_days"},
		{map[string]string{"rule": "hipaa", "paused_days": "5", "clarification_days": "5"}, "clarification_days", "only UK GDPR"},
		{map[string]string{"fee_received_on": "2025-01-01"}, "fee_received_on", "before the request was received"},
		{map[string]string{"subject_date_of_birth": "2015-01-01", "status": "awaiting_verification"}, "status", "under 16 and asked for themselves"},
		{map[string]string{"subject_date_of_birth": "2015-01-01", "status": "in_progress"}, "status", "no one under 16"},
		{map[string]string{"status": "completed"}, "closed_on", "is blank but the request is completed"},
		{map[string]string{"status": "completed", "closed_on": "2025-01-01"}, "closed_on", "before the request was received"},
		{map[string]string{"status": "completed", "closed_on": future}, "closed_on", "is after today"},
		{map[string]string{"closed_on": "2025-02-01"}, "closed_on", "is given but the request is in progress"},
		{map[string]string{"status": "refused", "closed_on": "2025-02-01"}, "outcome_reason", "needs its reason"},
		{map[string]string{"outcome_reason": "because"}, "outcome_reason", "is given but the request is in progress"},
		{map[string]string{"status": "refused", "closed_on": "2025-02-01", "outcome_reason": strings.Repeat("x", model.MaxReasonLen+1)}, "outcome_reason", "at most 1000"},
		{map[string]string{"extension_reason": "complex"}, "extended_on", "extension_reason is given"},
		{map[string]string{"extended_on": "2025-01-20"}, "extension_reason", "is blank but the request was extended"},
		{map[string]string{"extended_on": "2025-06-01", "extension_reason": "complex"}, "extended_on", "the last day the requester could be told"},
		{map[string]string{"extended_on": "2025-01-01", "extension_reason": "complex"}, "extended_on", "before the request was received"},
		{map[string]string{"rule": "ccpa", "kind": "stop_marketing", "extended_on": "2025-01-12", "extension_reason": "busy"}, "extended_on", "allows no extension"},
		{map[string]string{"notes": strings.Repeat("n", model.MaxNotesLen+1)}, "notes", "at most 5000"},
		{map[string]string{"subject_name": "Bad \xff Bytes"}, "subject_name", "not valid UTF-8"},
	}
	var b strings.Builder
	b.WriteString(regFullHeader + "\n")
	for _, c := range cases {
		b.WriteString(regRowOf(regFullHeader, c.over) + "\n")
	}
	b.WriteString(regRowOf(regFullHeader, nil) + ",extra\n") // a row with a field too many
	before := e.fingerprint()
	code, out, errs := e.importCSV(b.String())
	if code != exitProblem {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitProblem, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	byLine := map[int][]string{}
	for _, l := range lines {
		var n int
		if _, err := fmt.Sscanf(strings.TrimRight(strings.SplitN(l, ":", 2)[0], ","), "line %d", &n); err != nil {
			t.Fatalf("report line %q does not start with its line number", l)
		}
		byLine[n] = append(byLine[n], l)
	}
	for i, c := range cases {
		line := i + 2
		got := strings.Join(byLine[line], "\n")
		prefix := fmt.Sprintf("line %d, %s: ", line, c.column)
		if !strings.Contains(got, prefix) || !strings.Contains(got, c.want) {
			t.Errorf("line %d (%v): want %q…%q, got:\n%s", line, c.over, prefix, c.want, got)
		}
		if strings.Contains(got, "\x1b") {
			t.Errorf("line %d: the report repeats an escape sequence", line)
		}
	}
	if got := strings.Join(byLine[len(cases)+2], ""); !strings.Contains(got, "has 27 fields but the header has 26") {
		t.Errorf("the over-long row: got %q", got)
	}
	if !strings.Contains(errs, "import refused, nothing was written") {
		t.Errorf("stderr: %q", errs)
	}
	for _, l := range lines {
		if strings.Contains(l, "Jane") || strings.Contains(l, "1980-05-01") {
			t.Errorf("the report repeats personal data: %q", l)
		}
	}
	if after := e.fingerprint(); after != before {
		t.Errorf("the database changed after a refused import:\n%s\n%s", before, after)
	}
}

// TestImportFileProblems covers problems with the file as a whole.
func TestImportFileProblems(t *testing.T) {
	e := newRegEnv(t)
	cases := []struct{ name, content, want string }{
		{"unknown columns", regHeader + ",favourite_colour,Shoe Size\n" + regRow(nil) + ",red,9\n", `line 1: unknown columns "favourite_colour", "Shoe Size"`},
		{"missing column", "reference,received_on,kind\nR1,2025-01-01,access\n", "required columns are missing: channel, requester_relationship, subject_name, subject_date_of_birth, status"},
		{"repeated column", regHeader + ",kind\n", "columns given twice: kind"},
		{"empty", "", "the file is empty"},
		{"open quote", regHeader + "\n" + regRow(nil) + "\n" + `R9,"2025-01-10,access` + "\n", "line 3: the CSV is malformed"},
		{"same reference twice", regHeader + "\n" + regRow(map[string]string{"reference": "OLD-1"}) + "\n" + regRow(map[string]string{"reference": "OLD-1", "kind": "complaint"}) + "\n", "line 3, reference: is also on line 2"},
		{"same row twice", regHeader + "\n" + regRow(nil) + "\n" + regRow(nil) + "\n", "line 3: is the same as line 2"},
	}
	before := e.fingerprint()
	for _, c := range cases {
		code, out, errs := e.importCSV(c.content)
		if code != exitProblem || !strings.Contains(out, c.want) {
			t.Errorf("%s: exit %d, want 1 and %q in\n%s%s", c.name, code, c.want, out, errs)
		}
	}
	if after := e.fingerprint(); after != before {
		t.Errorf("the database changed after refused imports")
	}
	// Not a lead, or no file: usage errors (2), nothing read.
	p := e.write("ok.csv", regHeader+"\n"+regRow(nil)+"\n")
	if code, _, errs := e.run("import", p, "--as", regDesk, "--as-passphrase-file", filepath.Join(e.files, "desk.pass")); code != exitUsage || !strings.Contains(errs, "may not import a register") {
		t.Errorf("desk staff importing: exit %d, %s", code, errs)
	}
	if code, _, errs := e.run("import", p); code != exitUsage || !strings.Contains(errs, "--as NAME") {
		t.Errorf("import without --as: exit %d, %s", code, errs)
	}
	if code, _, _ := e.run("import", filepath.Join(e.files, "missing.csv"), "--as", regLead, "--as-passphrase-file", e.leadPass); code != exitUsage {
		t.Errorf("a missing file: exit %d, want 2", code)
	}
	if code, _, _ := e.run("import", p, "--date-format", "julian", "--as", regLead, "--as-passphrase-file", e.leadPass); code != exitUsage {
		t.Errorf("a bad --date-format: exit %d, want 2", code)
	}
}

// regCount is how many requests list --json gives.
func (e *regEnv) regCount() int {
	e.t.Helper()
	out := e.mustRun("list", "--json")
	return strings.Count(out, `{"reference":`)
}

// TestImportGood imports every shape of row the register allows: BOM,
// any column order, quoted cells with commas and line breaks, other date
// orders, made references, and checks what was stored.
func TestImportGood(t *testing.T) {
	e := newRegEnv(t)
	content := "\ufeff" + `Status,kind,received_on,channel,requester_relationship,subject_name,subject_date_of_birth,id_evidence,id_received_on,requester_name,parental_evidence,closed_on,outcome_reason,extended_on,extension_reason,notes,reference,subject_phone
completed,access,03/02/2025,letter,self,Jane Doe,01/05/1980,passport,,,,20/02/2025,,,,"a note, with a comma
and a line break",,'+44 20 7946 0000
in_progress,deletion,10/03/2025,email,parent,Tim Roe,01/05/2015,driving_licence,20/03/2025,Mary Roe,birth_certificate,,,25/03/2025,numerous records,,OLD-7,
refused,access,11/03/2025,desk,self,Kid Small,01/01/2014,,,,,11/03/2025,The clinic's policy: no one under 16 makes a request for themselves,,,,,
paused,correction,12/03/2025,phone,self,Pat Quinn,02/02/1990,,,,,,,,,,,
`
	code, out, errs := e.importCSV(content, "--date-format", "dmy")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "Imported 4 requests from 4 rows") {
		t.Errorf("stdout: %q", out)
	}
	show := e.mustRun("show", "OLD-7", "--json")
	for _, want := range []string{`"clock_started_on": "2025-03-20"`, `"imported": true`, `"status": "in_progress"`, `"extended_due_on": "2025-06-20"`, `"document": "birth_certificate"`, `"method": "copy_received"`, `"action": "imported"`} {
		if !strings.Contains(show, want) {
			t.Errorf("show OLD-7 lacks %s:\n%s", want, show)
		}
	}
	list := e.mustRun("list", "--csv")
	for _, want := range []string{`R-2025-0001,2025-02-03,access,letter,uk-gdpr,,self,Jane Doe,1980-05-01,,'+44 20 7946 0000,passport,,,,completed,,,,,2025-02-20,`, "\"a note, with a comma\nand a line break\"",
		`,paused,awaiting_id,`, `correction,phone,uk-gdpr,,self,Pat Quinn,1990-02-02`, DetailsNotRecorded()} {
		if !strings.Contains(list, want) {
			t.Errorf("list --csv lacks %q:\n%s", want, list)
		}
	}
	// The summary event names the file by its hash only.
	timeline := e.mustRun("show", "R-2025-0001")
	if !strings.Contains(timeline, "imported") || !strings.Contains(timeline, "Lee Lead") {
		t.Errorf("show R-2025-0001:\n%s", timeline)
	}
}

// DetailsNotRecorded is the filler for an imported correction without
// details, as list --csv writes it.
func DetailsNotRecorded() string { return model.DetailsNotRecorded }

// TestImportAllOrNothing: a file whose last row is bad leaves the
// database byte for byte as it was, -wal included, even after hundreds
// of good rows were written inside the transaction.
func TestImportAllOrNothing(t *testing.T) {
	e := newRegEnv(t)
	if code, out, errs := e.importCSV(regHeader + "\n" + regRow(map[string]string{"reference": "FIRST"}) + "\n"); code != 0 {
		t.Fatalf("exit %d %s %s", code, out, errs)
	}
	var b bytes.Buffer
	regGenerate(&b, 600, 7)
	b.WriteString(regRow(map[string]string{"kind": "acess"}) + "\n")
	before := e.fingerprint()
	code, out, _ := e.importCSV(b.String())
	if code != exitProblem {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(out, "line 602, kind:") || strings.Count(out, "\n") != 1 {
		t.Errorf("report: %q", out)
	}
	if after := e.fingerprint(); after != before {
		t.Errorf("the database changed:\nbefore %s\nafter  %s", before, after)
	}
	if n := e.regCount(); n != 1 {
		t.Errorf("%d requests after a refused import, want 1", n)
	}
	// A dry run of a good file writes nothing either, and says what
	// would happen.
	var good bytes.Buffer
	regGenerate(&good, 50, 8)
	code, out, _ = e.importCSV(good.String(), "--dry-run")
	if code != 0 || !strings.Contains(out, "50 requests would be added") {
		t.Errorf("dry run: exit %d %q", code, out)
	}
	if after := e.fingerprint(); after != before {
		t.Errorf("the database changed after a dry run")
	}
}

// TestImportTwice: the same file imported again adds nothing and writes
// nothing; a file with one more row adds only that row.
func TestImportTwice(t *testing.T) {
	e := newRegEnv(t)
	var b bytes.Buffer
	regGenerate(&b, 200, 3)
	// Rows without a reference are matched by their import key.
	b.WriteString(regRow(map[string]string{"subject_name": "No Ref"}) + "\n")
	content := b.String()
	if code, out, errs := e.importCSV(content); code != 0 || !strings.Contains(out, "Imported 201 requests") {
		t.Fatalf("first import: exit %d %s %s", code, out, errs)
	}
	list1 := e.mustRun("list", "--csv")
	before := e.fingerprint()
	code, out, _ := e.importCSV(content)
	if code != 0 || !strings.Contains(out, "Nothing to add: all 201 rows are already in the register") {
		t.Errorf("second import: exit %d %q", code, out)
	}
	if after := e.fingerprint(); after != before {
		t.Errorf("importing the same file again changed the database")
	}
	// The same rows in another column order and date format, with one new
	// row: only the new one is added.
	more := content + regRow(map[string]string{"subject_name": "New Person"}) + "\n"
	if code, out, errs := e.importCSV(more); code != 0 || !strings.Contains(out, "Imported 1 requests from 202 rows (201 were already in the register)") {
		t.Errorf("third import: exit %d %s %s", code, out, errs)
	}
	if n := e.regCount(); n != 202 {
		t.Errorf("%d requests, want 202", n)
	}
	if list2 := e.mustRun("list", "--csv"); strings.Count(list2, "\n") != strings.Count(list1, "\n")+1 || !strings.Contains(list2, "New Person") {
		t.Errorf("the register should have one more row")
	}
	// A row whose reference is in the register with other details is
	// refused rather than skipped.
	changed := regHeader + "\n" + regRow(map[string]string{"reference": "GEN-3-0000", "kind": "complaint"}) + "\n"
	if code, out, _ := e.importCSV(changed); code != exitProblem || !strings.Contains(out, "reference: is already in the register with other details") {
		t.Errorf("changed row: exit %d %q", code, out)
	}
}

// regGenerate writes a header and n good rows of every kind, channel,
// rule and status, with references GEN-seed-NNNN. Rows are deterministic
// for a seed and dated in the ten years before 2026.
func regGenerate(w *bytes.Buffer, n int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	first := []string{"Ann", "Bob", "Cara", "Dev", "Eve", "Finn", "Gail", "Hugo", "Ivy", "Jon", "Zoë", "Łucja", "Ζωή", "Олег"}
	last := []string{"Smith", "Jones", "O'Brien", "Taylor-Wood", "Evans", "Nowak", "Παππάς", "Иванов"}
	statuses := []model.Status{model.StatusAwaitingVerification, model.StatusInProgress, model.StatusPaused, model.StatusCompleted, model.StatusCompleted, model.StatusCompleted, model.StatusPartiallyCompleted, model.StatusRefused, model.StatusWithdrawn}
	ids := []model.IDDocument{model.DocPassport, model.DocDrivingLicence, model.DocUtilityBill, model.DocMatchedRecords, model.DocKnownToStaff}
	bw := bufio.NewWriter(w)
	bw.WriteString(regHeader + "\n")
	base := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		recv := base.AddDate(0, 0, rng.IntN(3500))
		kind := model.Kinds[rng.IntN(len(model.Kinds))]
		st := statuses[rng.IntN(len(statuses))]
		if kind.Absolute() && (st == model.StatusRefused || st == model.StatusPartiallyCompleted) {
			st = model.StatusCompleted // stopping marketing is never refused
		}
		rule := model.Rules[rng.IntN(len(model.Rules))]
		rel := model.RelSelf
		dob := recv.AddDate(-18-rng.IntN(70), -rng.IntN(12), -rng.IntN(28))
		requester, parental := "", ""
		if rng.IntN(10) == 0 {
			rel = model.RelParent
			dob = recv.AddDate(-2-rng.IntN(12), -rng.IntN(12), 0)
			requester = first[rng.IntN(len(first))] + " " + last[rng.IntN(len(last))]
			parental = string(model.ParentalDocuments[rng.IntN(len(model.ParentalDocuments))])
		}
		id, idRecv := string(ids[rng.IntN(len(ids))]), ""
		if st == model.StatusAwaitingVerification {
			id, parental = "", ""
		} else if rng.IntN(4) == 0 {
			idRecv = recv.AddDate(0, 0, 1+rng.IntN(10)).Format("2006-01-02")
		}
		closed, reason, extOn, extReason := "", "", "", ""
		if st.Closed() {
			closed = recv.AddDate(0, 0, 12+rng.IntN(60)).Format("2006-01-02")
			if st == model.StatusRefused || st == model.StatusPartiallyCompleted {
				reason = []string{"Medical records must be kept (legal duty)", "Manifestly unfounded", "=Would reveal another patient's data"}[rng.IntN(3)]
			}
		}
		if model.ExtensionAllowed(rule, kind) && st != model.StatusAwaitingVerification && rng.IntN(8) == 0 {
			extOn, extReason = recv.AddDate(0, 0, 11).Format("2006-01-02"), "Complex: records held in three systems"
		}
		email := ""
		if rng.IntN(2) == 0 {
			email = fmt.Sprintf("patient%d@example.org", i)
		}
		notes := ""
		if rng.IntN(5) == 0 {
			notes = "Called back, left a message; \"urgent\""
		}
		name := first[rng.IntN(len(first))] + " " + last[rng.IntN(len(last))]
		fmt.Fprintf(bw, "GEN-%d-%04d,%s,%s,%s,%s,%s,%s,%s,%s,%s,,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
			seed, i, recv.Format("2006-01-02"), kind, model.Channels[rng.IntN(len(model.Channels))], rule, requester, rel,
			name, dob.Format("2006-01-02"), email, id, idRecv, parental, st, closed, csvCell(model.EscapeCell(reason)), extOn, extReason, csvCell(notes))
	}
	bw.Flush()
}

// csvCell quotes a cell when CSV needs it.
func csvCell(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// peakRSS measures a process's peak resident memory while fn runs, by
// resetting the kernel's high-water mark first (Linux).
func peakRSS(fn func()) (bytes int64, ok bool) {
	ok = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	fn()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil || !ok {
		return 0, false
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, found := strings.CutPrefix(l, "VmHWM:"); found {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, true
		}
	}
	return 0, false
}

// BenchmarkImport100k imports a 100,000-row register into a fresh
// database, in one transaction. It reports the time per import and the
// process's peak resident memory during it.
func BenchmarkImport100k(b *testing.B) {
	var csvData bytes.Buffer
	regGenerate(&csvData, 100_000, 1)
	var peaks []int64
	var cpu time.Duration
	var parts storage.ImportTiming
	importTimed = func(t storage.ImportTiming) {
		parts.Rows += t.Rows
		parts.Indexes += t.Indexes
		parts.Search += t.Search
	}
	defer func() { importTimed = nil }()
	b.ResetTimer() // generating the file is not the import
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newRegEnv(b)
		p := e.write("big.csv", csvData.String())
		runtime.GC()
		b.StartTimer()
		var code int
		var out, errs string
		cpu0 := cpuTime()
		peak, ok := peakRSS(func() {
			code, out, errs = e.run("import", p, "--as", regLead, "--as-passphrase-file", e.leadPass)
		})
		cpu += cpuTime() - cpu0
		b.StopTimer()
		if code != 0 || !strings.Contains(out, "Imported 100000 requests") {
			b.Fatalf("exit %d\n%.2000s\n%s", code, out, errs)
		}
		if ok {
			peaks = append(peaks, peak)
		}
		b.StartTimer()
	}
	reportPeak(b, peaks)
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	n := float64(b.N)
	b.ReportMetric(parts.Rows.Seconds()/n, "rows-s/op")
	b.ReportMetric(parts.Indexes.Seconds()/n, "indexes-s/op")
	b.ReportMetric(parts.Search.Seconds()/n, "search-s/op")
}

// cpuTime is the process's user and system CPU time so far: on a shared
// machine it varies less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportPeak(b *testing.B, peaks []int64) {
	if len(peaks) == 0 {
		return
	}
	sort.Slice(peaks, func(i, j int) bool { return peaks[i] < peaks[j] })
	b.ReportMetric(float64(peaks[len(peaks)-1])/(1<<20), "peak-RSS-MB")
}
