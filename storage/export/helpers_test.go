package export

import (
	"archive/zip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// fixture is a real database in a temporary folder with one member of
// each role.
type fixture struct {
	st                *storage.Store
	admin, lead, desk model.Staff
	dir               string
	now               time.Time
}

var ctx = context.Background()

// testNow is a Thursday in September 2026; 3 September 2026 is also a
// Thursday, and its one-month deadline (3 October) is a Saturday, so the
// deadline moves to Monday 5 October (ICO guidance).
var testNow = time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := storage.Open(ctx, filepath.Join(dir, "rightsdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	set := model.DefaultSettings()
	set.ClinicPhone = "020 7946 0000"
	set.ClinicAddress = "1 Example Street, London"
	f := &fixture{st: st, dir: dir, now: testNow}
	if f.admin, err = st.Setup(ctx, set, "Ada Admin", "admin passphrase 1", testNow); err != nil {
		t.Fatal(err)
	}
	if f.lead, err = st.AddStaff(ctx, f.admin, "Lee Lead", model.RoleLead, "lead passphrase 12", testNow); err != nil {
		t.Fatal(err)
	}
	if f.desk, err = st.AddStaff(ctx, f.admin, "Dee Desk", model.RoleDesk, "desk passphrase 12", testNow); err != nil {
		t.Fatal(err)
	}
	return f
}

// received is 3 September 2026, mid-morning in London.
var received = time.Date(2026, 9, 3, 10, 30, 0, 0, time.UTC)

// adultAccess is a verified access request by an adult patient, with a
// passport seen in person whose last four characters are noted.
func adultAccess(name string) model.Request {
	return model.Request{
		Kind:       model.KindAccess,
		Channel:    model.ChannelDesk,
		Rule:       model.RuleUKGDPR,
		ReceivedAt: received,
		Subject:    model.Subject{Name: name, DateOfBirth: time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)},
		Requester:  model.Requester{Relationship: model.RelSelf},
		Details:    model.Details{Scope: "all records since 2020", Format: "PDF"},
		Evidence: []model.Evidence{{
			Kind: model.EvidenceIdentity, Method: model.MethodInPerson, Document: string(model.DocPassport),
			IssuingCountry: "GB", Last4: "7K3Q", ExpiryChecked: true, PhotoMatched: true,
		}},
	}
}

func (f *fixture) log(t testing.TB, r model.Request) model.Request {
	t.Helper()
	got, err := f.st.LogRequest(ctx, f.desk, r, f.now)
	if err != nil {
		t.Fatalf("log request: %v", err)
	}
	return got
}

func (f *fixture) apply(t testing.TB, ref string, op model.Op) {
	t.Helper()
	if _, err := f.st.Apply(ctx, f.lead, ref, op, f.now); err != nil {
		t.Fatalf("%s: %v", op.Action, err)
	}
}

// attach writes content to a file called name and attaches it to ref.
func (f *fixture) attach(t testing.TB, ref, name, content string) storage.Attachment {
	t.Helper()
	src := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(src, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := f.st.AttachFile(ctx, f.desk, ref, src, f.now)
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	return a
}

// needTool finds a command-line tool the test drives. Under CI a missing
// tool fails the test (.ci/deps installs them); elsewhere it skips.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed: run `make deps` (.ci/deps installs poppler-utils and unzip)", name)
		}
		t.Skipf("%s is not installed; `make deps` installs it", name)
	}
	return p
}

func runTool(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(needTool(t, name), args...).CombinedOutput()
	return string(out), err
}

// pdfText is pdftotext's reading of a PDF.
func pdfText(t testing.TB, path string, args ...string) string {
	t.Helper()
	out, err := runTool(t, "pdftotext", append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...)
	if err != nil {
		t.Fatalf("pdftotext %s: %v\n%s", path, err, out)
	}
	return out
}

// unpack unzips a package with the real unzip tool into a new folder.
func unpack(t testing.TB, zipPath string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := runTool(t, "unzip", "-q", zipPath, "-d", dir); err != nil {
		t.Fatalf("unzip: %v\n%s", err, out)
	}
	return dir
}

// folderFiles lists every name in dir, temporary files included.
func folderFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func zipNames(t testing.TB, path string) []string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// squash joins pdftotext's line breaks so a wrapped phrase still matches.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
