package storage_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// attachFixture is a real database with a desk member and one request.
type attachFixture struct {
	st    *storage.Store
	admin model.Staff
	desk  model.Staff
	ref   string
	now   time.Time
}

func newAttachFixture(t *testing.T) *attachFixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC)
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "rightsdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	admin, err := st.Setup(ctx, model.DefaultSettings(), "Ada Admin", "admin passphrase 1", now)
	if err != nil {
		t.Fatal(err)
	}
	desk, err := st.AddStaff(ctx, admin, "Dee Desk", model.RoleDesk, "desk passphrase 12", now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := st.LogRequest(ctx, desk, model.Request{
		Kind: model.KindAccess, Channel: model.ChannelDesk, Rule: model.RuleUKGDPR,
		ReceivedAt: now.Add(-24 * time.Hour),
		Subject:    model.Subject{Name: "Ada Lovelace", DateOfBirth: time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC)},
		Requester:  model.Requester{Relationship: model.RelSelf},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	return &attachFixture{st: st, admin: admin, desk: desk, ref: r.Reference, now: now}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// storedFiles lists the attachments folder, temporary files included.
func storedFiles(t *testing.T, st *storage.Store) []string {
	t.Helper()
	entries, err := os.ReadDir(st.AttachmentsDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestAttachFileCopiesHashesAndRecords(t *testing.T) {
	f := newAttachFixture(t)
	ctx := context.Background()
	content := "GP record extract\n"
	src := writeTemp(t, "record\x1b[2J extract.txt", content)
	a, err := f.st.AttachFile(ctx, f.desk, f.ref, src, f.now)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(content))
	if a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(content)) {
		t.Errorf("attachment %+v: want size %d sha %x", a, len(content), sum)
	}
	if a.OriginalName != "record extract.txt" {
		t.Errorf("original name %q: want the escape sequence gone", a.OriginalName)
	}
	p, err := f.st.AttachmentPath(a)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p) != f.st.Path()+".files" {
		t.Errorf("stored in %s, want beside the database", p)
	}
	if b, _ := os.ReadFile(p); string(b) != content {
		t.Errorf("stored copy %q", b)
	}
	if info, _ := os.Stat(p); info.Mode().Perm() != 0o600 {
		t.Errorf("copy mode %v, want 0600", info.Mode().Perm())
	}
	if info, _ := os.Stat(f.st.AttachmentsDir()); info.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", info.Mode().Perm())
	}
	list, err := f.st.Attachments(ctx, f.ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != a.ID || list[0].SHA256 != a.SHA256 || list[0].AddedBy != "Dee Desk" || !list[0].AddedAt.Equal(f.now) {
		t.Errorf("Attachments = %+v", list)
	}
	events, _ := f.st.Timeline(ctx, f.ref)
	last := events[len(events)-1]
	if last.Action != string(model.ActAttach) || !strings.Contains(last.Detail, a.SHA256) || strings.Contains(last.Detail, "record") {
		t.Errorf("event %+v: want file_attached with the SHA-256 and no file name", last)
	}
	if res, err := f.st.VerifyChain(ctx); err != nil || !res.OK() {
		t.Errorf("chain: %+v %v", res, err)
	}
}

func TestAttachFileRefusesBadInput(t *testing.T) {
	f := newAttachFixture(t)
	ctx := context.Background()
	good := writeTemp(t, "a.txt", "a")
	cases := map[string]struct {
		ref, src string
		want     string
	}{
		"missing file":  {f.ref, filepath.Join(t.TempDir(), "nope.txt"), "not found"},
		"a folder":      {f.ref, t.TempDir(), "not a regular file"},
		"no file":       {f.ref, "", "no file"},
		"unknown ref":   {"R-2026-9999", good, "no such request"},
		"empty ref too": {"", good, "no such request"},
	}
	for name, c := range cases {
		_, err := f.st.AttachFile(ctx, f.desk, c.ref, c.src, f.now)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
	if names := storedFiles(t, f.st); len(names) != 0 {
		t.Errorf("files left in the attachments folder: %v", names)
	}
}

func TestAttachFileByDeactivatedStaffIsRefused(t *testing.T) {
	f := newAttachFixture(t)
	ctx := context.Background()
	if err := f.st.SetActive(ctx, f.admin, f.desk.ID, false, f.now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AttachFile(ctx, f.desk, f.ref, writeTemp(t, "a.txt", "a"), f.now); err == nil || !strings.Contains(err.Error(), "deactivated") {
		t.Fatalf("err = %v", err)
	}
	if names := storedFiles(t, f.st); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
}

// When the transaction fails after the copy is in place, the copy goes.
func TestAttachFileRemovesTheCopyWhenTheTransactionFails(t *testing.T) {
	f := newAttachFixture(t)
	ctx := context.Background()
	if _, err := f.st.DB().Exec(`CREATE TRIGGER no_attachments BEFORE INSERT ON attachments
		BEGIN SELECT RAISE(ABORT, 'attachments are blocked by this test'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AttachFile(ctx, f.desk, f.ref, writeTemp(t, "a.txt", "content"), f.now); err == nil {
		t.Fatal("no error")
	}
	if names := storedFiles(t, f.st); len(names) != 0 {
		t.Errorf("copies left after a failed transaction: %v", names)
	}
	if list, _ := f.st.Attachments(ctx, f.ref); len(list) != 0 {
		t.Errorf("rows: %+v", list)
	}
}

func TestAttachmentPathRefusesATamperedName(t *testing.T) {
	f := newAttachFixture(t)
	for _, name := range []string{"../../etc/passwd", "", "ABCDEF0123456789ABCDEF0123456789", strings.Repeat("a", 31) + "/"} {
		if _, err := f.st.AttachmentPath(storage.Attachment{ID: 1, StoredName: name}); err == nil {
			t.Errorf("stored name %q accepted", name)
		}
	}
}

func TestRecordExportChecksThePermission(t *testing.T) {
	f := newAttachFixture(t)
	ctx := context.Background()
	files := []storage.ExportedFile{{Name: "x.zip", Size: 1, SHA256: strings.Repeat("0", 64)}}
	if err := f.st.RecordExport(ctx, f.desk, f.ref, storage.ExportResponse, files, f.now); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("desk recording a response export: %v", err)
	}
	if err := f.st.RecordExport(ctx, f.desk, f.ref, storage.ExportAcknowledgement, files, f.now); err != nil {
		t.Errorf("desk recording an acknowledgement: %v", err)
	}
	if err := f.st.RecordExport(ctx, f.desk, "R-2026-9999", storage.ExportAcknowledgement, files, f.now); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown reference: %v", err)
	}
}
