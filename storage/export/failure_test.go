package export

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// exportEvents counts the "exported" events of a request.
func exportEvents(t testing.TB, f *fixture, ref string) int {
	t.Helper()
	events, err := f.st.Timeline(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Action == string(model.ActExport) {
			n++
		}
	}
	return n
}

func TestExportToAnUnwritableFolderWritesNothing(t *testing.T) {
	f := newFixture(t)
	r := f.answered(t, adultAccess("Ada Lovelace"), map[string]string{"a.txt": "a"})
	base := t.TempDir()

	// A path through a file can never be a folder, whoever runs the test.
	file := filepath.Join(base, "a file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{"through a file": filepath.Join(file, "out")}
	if os.Geteuid() != 0 { // root ignores folder permissions
		locked := filepath.Join(base, "locked")
		if err := os.Mkdir(locked, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(locked, 0o700) })
		cases["read-only folder"] = locked
	}
	for name, dir := range cases {
		t.Run(name, func(t *testing.T) {
			for kind, export := range map[string]func() (Result, error){
				"acknowledgement": func() (Result, error) {
					return Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: dir, Now: f.now})
				},
				"response": func() (Result, error) {
					return Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: dir, Now: f.now})
				},
			} {
				_, err := export()
				if err == nil {
					t.Fatalf("%s: no error", kind)
				}
				if !model.IsUserError(err) || !strings.Contains(err.Error(), "was not written") || !strings.Contains(err.Error(), "--out") {
					t.Errorf("%s: %v: want a plain message saying nothing was written and how to fix it", kind, err)
				}
			}
			if info, err := os.Stat(dir); err == nil && info.IsDir() {
				if names := folderFiles(t, dir); len(names) != 0 {
					t.Errorf("files left: %v", names)
				}
			}
		})
	}
	if n := exportEvents(t, f, r.Reference); n != 0 {
		t.Errorf("%d export events recorded for failed exports", n)
	}
}

func TestExportWithAMissingAttachmentWritesNothing(t *testing.T) {
	f := newFixture(t)
	r := f.log(t, adultAccess("Ada Lovelace"))
	f.attach(t, r.Reference, "first.txt", "first")
	gone := f.attach(t, r.Reference, "second.txt", "second")
	f.apply(t, r.Reference, model.Op{Action: model.ActComplete})
	p, err := f.st.AttachmentPath(gone)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err = Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: dir, Now: f.now})
	if !errors.Is(err, storage.ErrAttachmentMissing) {
		t.Fatalf("err = %v, want ErrAttachmentMissing", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("attachment #%d", gone.ID)) || strings.Contains(err.Error(), "second.txt") {
		t.Errorf("message %q: want the attachment's number, not its name", err)
	}
	if names := folderFiles(t, dir); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
	if n := exportEvents(t, f, r.Reference); n != 0 {
		t.Errorf("%d export events", n)
	}
}

// A copy that changed on disk is found while streaming, after part of the
// package has been written: the partial package must go.
func TestExportWithAChangedAttachmentWritesNothing(t *testing.T) {
	f := newFixture(t)
	r := f.log(t, adultAccess("Ada Lovelace"))
	f.attach(t, r.Reference, "first.txt", "first file, intact")
	changed := f.attach(t, r.Reference, "second.txt", "original content")
	f.apply(t, r.Reference, model.Op{Action: model.ActComplete})
	p, _ := f.st.AttachmentPath(changed)
	if err := os.WriteFile(p, []byte("tampered content"), 0o600); err != nil { // same size
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: dir, Now: f.now})
	if !errors.Is(err, ErrAttachmentChanged) {
		t.Fatalf("err = %v, want ErrAttachmentChanged", err)
	}
	if names := folderFiles(t, dir); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
}

func TestFullDiskIsSaidPlainly(t *testing.T) {
	err := folderError("/media/usb", &fs.PathError{Op: "write", Path: "/media/usb/x", Err: syscall.ENOSPC})
	if !errors.Is(err, storage.ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "disk is full") {
		t.Errorf("folderError(ENOSPC) = %v", err)
	}
	if err := diskError(fmt.Errorf("flush: %w", syscall.ENOSPC)); !errors.Is(err, storage.ErrDiskFull) || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("diskError(ENOSPC) = %v", err)
	}
}

// A file that cannot be recorded as exported does not stay: if the audit
// trail refuses the event, the written package is removed again.
func TestExportRemovedWhenTheEventCannotBeRecorded(t *testing.T) {
	f := newFixture(t)
	r := f.answered(t, adultAccess("Ada Lovelace"), nil)
	if _, err := f.st.DB().Exec(`CREATE TRIGGER no_exports BEFORE INSERT ON events WHEN NEW.action = 'exported'
		BEGIN SELECT RAISE(ABORT, 'exports are blocked by this test'); END`); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: dir, Now: f.now}); err == nil {
		t.Fatal("no error")
	}
	if _, err := Acknowledgement(ctx, f.st, f.desk, r.Reference, Options{OutDir: dir, Now: f.now}); err == nil {
		t.Fatal("no error")
	}
	if names := folderFiles(t, dir); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
}

func TestNumberedNames(t *testing.T) {
	for n, want := range map[int]string{1: "R-2026-0001.zip", 2: "R-2026-0001 (2).zip", 12: "R-2026-0001 (12).zip"} {
		if got := numbered("R-2026-0001", ".zip", n); got != want {
			t.Errorf("numbered(%d) = %q, want %q", n, got, want)
		}
	}
	if got := fileBase("2019/042"); got != "2019_042" {
		t.Errorf("fileBase of an old register's reference = %q", got)
	}
}

// fullDisk accepts limit bytes, then fails as a full disk does.
type fullDisk struct{ limit int }

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > d.limit {
		n := d.limit
		d.limit = 0
		return n, &fs.PathError{Op: "write", Path: "package.part", Err: syscall.ENOSPC}
	}
	d.limit -= len(p)
	return len(p), nil
}

// A disk that fills up while an attachment is streamed into the package
// gives the plain "disk is full" error (and Response then removes the
// temporary file, as TestExportWithAChangedAttachmentWritesNothing shows
// for any failure while writing).
func TestDiskFullWhileWritingThePackage(t *testing.T) {
	f := newFixture(t)
	r := f.log(t, adultAccess("Ada Lovelace"))
	noise := make([]byte, 1<<20) // 1 MB that does not compress
	rand.Read(noise)
	a := f.attach(t, r.Reference, "big.bin", string(noise))
	files, err := packFiles(f.st, []storage.Attachment{a})
	if err != nil {
		t.Fatal(err)
	}
	err = writeZip(ctx, &fullDisk{limit: 300 << 10}, f.st, f.now, r.Reference, []byte("<html>"), []byte("%PDF"), []byte("{}"), files)
	if !errors.Is(err, storage.ErrDiskFull) || !strings.Contains(err.Error(), "disk is full") || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("err = %v, want the disk-full message", err)
	}
}
