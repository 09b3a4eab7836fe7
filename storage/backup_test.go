package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rightsdesk/model"
)

// A backup taken while a desk keeps writing is one whole snapshot: it
// passes integrity_check, its chain verifies, and it sits beside the
// database as the newest backup, mode 0600.
func TestBackupWhileDesksWrite(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	trustLog(t, s, admin, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	var written int
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.LogRequest(ctx, admin, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow); err != nil {
				writeErr = err
				return
			}
			written++
		}
	})
	time.Sleep(50 * time.Millisecond)
	dir := filepath.Dir(s.Path())
	res, err := s.Backup(ctx, admin, dir, trustNow)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if writeErr != nil {
		t.Fatalf("the desk's write failed during the backup: %v", writeErr)
	}
	if written == 0 {
		t.Fatal("no write happened while backing up: the test proves nothing")
	}
	if filepath.Dir(res.Path) != dir || !strings.HasSuffix(res.Path, ".backup.db") {
		t.Fatalf("backup path %s", res.Path)
	}
	info, err := os.Stat(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", info.Mode().Perm())
	}
	if got := NewestBackup(s.Path()); got != res.Path {
		t.Errorf("NewestBackup = %q, want %q", got, res.Path)
	}
	chk, err := checkFile(ctx, res.Path)
	if err != nil {
		t.Fatalf("the backup does not check: %v", err)
	}
	if chk.requests != res.Requests || chk.lastSeq != res.LastSeq || res.Requests < 1 {
		t.Fatalf("result %+v, file %+v", res, chk)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	events := trustEvents(t, s)
	found := false
	for _, e := range events {
		if e.Action == "backup_made" && strings.Contains(e.Detail, filepath.Base(res.Path)) {
			found = true
		}
	}
	if !found {
		t.Error("no backup_made event")
	}
}

func TestBackupRefusals(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	lead := trustStaff(t, s, admin, "Lee Lead", model.RoleLead)
	_, err := s.Backup(ctx, lead, t.TempDir(), trustNow)
	trustIsForbidden(t, "lead backs up", err)

	existing := filepath.Join(t.TempDir(), "x.backup.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(ctx, admin, existing, trustNow); !model.IsUserError(err) {
		t.Fatalf("backup over an existing file: want a user error, got %v", err)
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Fatal("an existing file was overwritten")
	}
	if _, err := s.Backup(ctx, admin, filepath.Join(t.TempDir(), "no", "such", "folder", "b.db"), trustNow); err == nil {
		t.Fatal("backup into a missing folder succeeded")
	}
}

// trustBackup makes a backup of s in a new folder.
func trustBackup(t testing.TB, s *Store, admin model.Staff) BackupResult {
	t.Helper()
	res, err := s.Backup(context.Background(), admin, filepath.Join(t.TempDir(), "copy.backup.db"), trustNow)
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	return res
}

func TestRestoreReplacesTheDatabase(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	r := trustLog(t, s, admin, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow)
	src := t.TempDir() + "/attach-me.txt"
	if err := os.WriteFile(src, []byte("records gathered"), 0o600); err != nil {
		t.Fatal(err)
	}
	att, err := s.AttachFile(ctx, admin, r.Reference, src, trustNow)
	if err != nil {
		t.Fatal(err)
	}
	b := trustBackup(t, s, admin)
	if b.Attachments != 1 || b.MissingAttachments != 0 {
		t.Fatalf("backup attachments %+v", b)
	}
	if _, err := os.Stat(filepath.Join(b.Path+".files", att.StoredName)); err != nil {
		t.Fatalf("the attached file is not in the backup: %v", err)
	}
	// Work after the backup is lost by the restore, and the attachment's
	// copy is put back.
	later := trustLog(t, s, admin, trustRequest("John Later", trustNow.Add(-time.Hour)), trustNow)
	dbPath := s.Path()
	if err := os.Remove(filepath.Join(s.AttachmentsDir(), att.StoredName)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	res, err := Restore(ctx, b.Path, dbPath, trustNow)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if res.Requests != 1 || res.LastSeq != b.LastSeq || res.Attachments != 1 || res.Replaced == "" {
		t.Fatalf("restore result %+v (backup %+v)", res, b)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if info, err := os.Stat(dbPath + suffix); err == nil && info.Size() > 0 && suffix == "-wal" {
			t.Errorf("a stale %s was left", suffix)
		}
	}
	if info, err := os.Stat(dbPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("restored file: %v %v", info, err)
	}
	s2, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatalf("open the restored database: %v", err)
	}
	defer s2.Close()
	if _, err := s2.GetRequest(ctx, r.Reference); err != nil {
		t.Errorf("the backed-up request is gone: %v", err)
	}
	if _, err := s2.GetRequest(ctx, later.Reference); !errors.Is(err, ErrNotFound) {
		t.Errorf("a request made after the backup survived the restore: %v", err)
	}
	res2 := trustChainOK(t, s2)
	if res2.Last.Action != "restored" || !strings.Contains(res2.Last.Detail, filepath.Base(b.Path)) {
		t.Errorf("the last event is %+v, want the restore", res2.Last)
	}
	f, err := s2.OpenAttachment(att)
	if err != nil {
		t.Fatalf("the attachment was not put back: %v", err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != "records gathered" {
		t.Fatalf("attachment %q", got)
	}
	// The replaced database is kept whole: it still has the later request.
	old, err := Open(ctx, res.Replaced)
	if err != nil {
		t.Fatalf("open the kept copy: %v", err)
	}
	defer old.Close()
	if _, err := old.GetRequest(ctx, later.Reference); err != nil {
		t.Errorf("the kept copy lost the later request (its WAL was not folded in): %v", err)
	}
}

// Restore checks the backup before it replaces anything: a damaged file, a
// file that is not a database, or one whose audit trail was tampered with
// leaves the database exactly as it was.
func TestRestoreChecksBeforeReplacing(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	trustLog(t, s, admin, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow)
	good := trustBackup(t, s, admin)
	dbPath := s.Path()
	s.Close()
	before, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.backup.db")
	os.WriteFile(notDB, bytes.Repeat([]byte("not a database "), 500), 0o600)

	damaged := filepath.Join(dir, "damaged.backup.db")
	b, _ := os.ReadFile(good.Path)
	pageSize := 4096
	for i := 2 * pageSize; i < len(b) && i < 6*pageSize; i += 7 {
		b[i] ^= 0x5a
	}
	os.WriteFile(damaged, b, 0o600)

	tampered := filepath.Join(dir, "tampered.backup.db")
	b, _ = os.ReadFile(good.Path)
	os.WriteFile(tampered, b, 0o600)
	ts, err := Open(ctx, tampered)
	if err != nil {
		t.Fatal(err)
	}
	trustTamper(t, ts, "UPDATE events SET detail = 'forged' WHERE seq = 2")
	ts.Close()
	os.Remove(tampered + "-wal")

	for name, src := range map[string]string{"not a database": notDB, "damaged": damaged, "tampered": tampered, "missing": filepath.Join(dir, "nope.db"), "itself": dbPath} {
		_, err := Restore(ctx, src, dbPath, trustNow)
		if err == nil {
			t.Errorf("%s: restore succeeded", name)
			continue
		}
		t.Logf("%s: %v", name, err)
		if strings.Contains(err.Error(), "Jane") {
			t.Errorf("%s: the message holds personal data: %v", name, err)
		}
		after, _ := os.ReadFile(dbPath)
		if !bytes.Equal(before, after) {
			t.Fatalf("%s: the database changed although the restore failed", name)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dbPath), ".*tmp*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// Another program with the database open (here the sqlite3 tool) makes
// restore refuse: swapping the file under it would lose its writes.
func TestRestoreRefusesWhileInUse(t *testing.T) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("sqlite3 is not installed (make deps installs it)")
	}
	ctx := context.Background()
	s, admin := trustStore(t)
	b := trustBackup(t, s, admin)
	dbPath := s.Path()
	s.Close()

	cmd := exec.Command(sqlite3, dbPath)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(stdin, "SELECT count(*) FROM events;")
	line := make([]byte, 64)
	if _, err := stdout.Read(line); err != nil {
		t.Fatal(err)
	}
	_, err = Restore(ctx, b.Path, dbPath, trustNow)
	stdin.Close()
	cmd.Wait()
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("restore while sqlite3 has it open: want ErrInUse, got %v", err)
	}
	if _, err := Restore(ctx, b.Path, dbPath, trustNow); err != nil {
		t.Fatalf("restore once it is closed: %v", err)
	}
}
