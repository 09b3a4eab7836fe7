package export

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageHoldsOnlyItsOwnRequest logs two patients' requests with
// distinct names, references and attachments, exports one, unpacks it with
// unzip and searches every file (PDFs through pdftotext) for anything of
// the other: its patient, its reference, its files' names and contents.
func TestPackageHoldsOnlyItsOwnRequest(t *testing.T) {
	f := newFixture(t)
	mine := f.answered(t, adultAccess("Анна Каренина"), map[string]string{
		"anna-records.txt": "ANNA-MARKER-4711 records of the first patient\n",
	})
	other := adultAccess("Σωκράτης Παπαδόπουλος")
	other.Subject.Email = "sokratis@example.org"
	other = f.answered(t, other, map[string]string{
		"sokratis-xray-notes.txt": "SOKRATIS-MARKER-9931 records of the second patient\n",
	})
	// Work on the other request after mine, so its events sit between and
	// after mine in the audit trail.
	if err := f.st.AddNote(ctx, f.desk, other.Reference, "called back about SOKRATIS-NOTE-5522", f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := Acknowledgement(ctx, f.st, f.desk, other.Reference, Options{OutDir: t.TempDir(), Now: f.now}); err != nil {
		t.Fatal(err)
	}

	res, err := Response(ctx, f.st, f.lead, mine.Reference, Options{OutDir: t.TempDir(), Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	dir := unpack(t, res.Path)
	forbidden := []string{
		other.Reference, "Σωκράτης", "Παπαδόπουλος", "sokratis", "SOKRATIS", "9931", "xray",
	}
	own := []string{mine.Reference, "Анна Каренина", "ANNA-MARKER-4711"}
	var all bytes.Buffer
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for _, bad := range forbidden {
			if strings.Contains(strings.ToLower(rel), strings.ToLower(bad)) {
				t.Errorf("the package holds a file named after the other request: %s", rel)
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".pdf") {
			b = []byte(pdfText(t, p))
		}
		for _, bad := range forbidden {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s holds %q from the other request", rel, bad)
			}
		}
		all.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The search is real: the package does hold this request's own data.
	for _, want := range own {
		if !bytes.Contains(all.Bytes(), []byte(want)) {
			t.Errorf("the package lacks its own %q: the search would prove nothing", want)
		}
	}
	if n := len(zipNames(t, res.Path)); n != 5 {
		t.Errorf("the package holds %d files, want 5 (one attachment)", n)
	}
}
