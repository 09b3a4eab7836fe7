package trust

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// snapshot is what must not change when a write fails.
type snapshot struct{ requests, events, notes, subjects int }

func take(t testing.TB, s *storage.Store) snapshot {
	return snapshot{
		count(t, s, "SELECT count(*) FROM requests"), count(t, s, "SELECT count(*) FROM events"),
		count(t, s, "SELECT count(*) FROM notes"), count(t, s, "SELECT count(*) FROM subjects"),
	}
}

// A full disk (the database capped with max_page_count) gives the plain
// ErrDiskFull message, saves nothing of the request, and leaves the file
// whole; once there is room again the desk carries on.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	path, admin, _ := setUp(t)
	s := open(t, path)
	// max_page_count belongs to one connection: keep the pool to one.
	s.DB().SetMaxOpenConns(1)
	var pages int
	if err := s.DB().QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec("PRAGMA max_page_count = " + strconv.Itoa(pages+3)); err != nil {
		t.Fatal(err)
	}
	big := request("Full Disk Patient")
	big.Details.Summary = strings.Repeat("all my records from 1990 onwards ", 400)
	var err error
	var before snapshot
	for range 50 {
		before = take(t, s)
		if _, err = s.LogRequest(ctx, admin, big, now); err != nil {
			break
		}
	}
	if !errors.Is(err, storage.ErrDiskFull) {
		t.Fatalf("want ErrDiskFull, got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "the disk is full: nothing was saved") {
		t.Errorf("message %q", err.Error())
	}
	if after := take(t, s); after != before {
		t.Fatalf("half saved: before %+v, after %+v", before, after)
	}
	// A note (a smaller transaction) fails the same clean way once the
	// last free space is used.
	var ref string
	s.DB().QueryRow("SELECT reference FROM requests LIMIT 1").Scan(&ref)
	for range 50 {
		before = take(t, s)
		if err = s.AddNote(ctx, admin, ref, strings.Repeat("long note ", 400), now); err != nil {
			break
		}
	}
	if !errors.Is(err, storage.ErrDiskFull) {
		t.Fatalf("note on a full disk: %v", err)
	}
	if after := take(t, s); after != before {
		t.Fatalf("note half saved: before %+v, after %+v", before, after)
	}
	integrityOK(t, s)
	chainOK(t, s)
	if _, err := s.DB().Exec("PRAGMA max_page_count = 1000000"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogRequest(ctx, admin, big, now); err != nil {
		t.Fatalf("after freeing space: %v", err)
	}
	chainOK(t, s)
}

// makeReadOnly makes path read-only for this process, root included:
// chmod for others, the immutable attribute for root (who ignores modes).
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(path, 0o600) })
		return
	}
	chattr, err := exec.LookPath("chattr")
	if err != nil {
		t.Skip("running as root without chattr: cannot make a file read-only")
	}
	if out, err := exec.Command(chattr, "+i", path).CombinedOutput(); err != nil {
		t.Skipf("chattr +i is not supported here: %s", out)
	}
	t.Cleanup(func() { exec.Command(chattr, "-i", path).Run() })
}

// A database file that cannot be written (permissions, a read-only
// mount) still opens for reading; every write gives the plain ErrReadOnly
// message, nothing is half-saved and the file stays whole.
func TestReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	path, admin, _ := setUp(t)
	s := open(t, path)
	r, err := s.LogRequest(ctx, admin, request("Read Only Patient"), now)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(path)
	makeReadOnly(t, path)

	s, err = storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("a read-only database does not open for reading: %v", err)
	}
	defer s.Close()
	if got, err := s.GetRequest(ctx, r.Reference); err != nil || got.Subject.Name != "Read Only Patient" {
		t.Fatalf("read: %v", err)
	}
	snap := take(t, s)
	_, err = s.LogRequest(ctx, admin, request("Another Patient"), now)
	if !errors.Is(err, storage.ErrReadOnly) {
		t.Fatalf("log on a read-only file: want ErrReadOnly, got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "the database is read-only: nothing was saved") {
		t.Errorf("message %q", err.Error())
	}
	if _, err := s.Apply(ctx, admin, r.Reference, model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingFee}, now); !errors.Is(err, storage.ErrReadOnly) {
		t.Errorf("apply on a read-only file: %v", err)
	}
	if after := take(t, s); after != snap {
		t.Fatalf("half saved: %+v → %+v", snap, after)
	}
	integrityOK(t, s)
	chainOK(t, s)
	s.Close()
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Fatal("the read-only file changed")
	}
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		t.Fatal(err)
	}
}

// With the folder read-only too, SQLite cannot even read a WAL database
// (it must create the -wal and -shm files): the message says so instead
// of SQLite's "unable to open database file".
func TestReadOnlyFolder(t *testing.T) {
	path, _, _ := setUp(t)
	before, _ := os.ReadFile(path)
	makeReadOnly(t, path)
	makeReadOnly(t, filepath.Dir(path))
	s, err := storage.Open(context.Background(), path)
	if err == nil {
		s.Close()
		t.Fatal("opened a database in a read-only folder")
	}
	if !errors.Is(err, storage.ErrReadOnly) || !strings.Contains(err.Error(), "folder is read-only") {
		t.Fatalf("want the read-only folder message, got %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the file changed")
	}
}
