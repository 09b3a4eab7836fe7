package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"rightsdesk/model"
)

// Attachment is a file staff attached to a request (a copy of records
// gathered from the clinic's other systems).
type Attachment struct {
	ID           int64
	OriginalName string // sanitised (model.SafeFileName) when attached
	StoredName   string // the copy's generated name in the attachments folder
	Size         int64
	SHA256       string // hex
	AddedBy      string
	AddedAt      time.Time
}

// ErrAttachmentMissing is returned when an attachment's copy is no longer in
// the attachments folder.
var ErrAttachmentMissing = errors.New("an attached file is missing from the attachments folder: restore the folder from a backup, or attach the file again")

// AttachmentsDir is the folder beside the database that holds the copies of
// attached files: "<database>.files", created 0700.
func (s *Store) AttachmentsDir() string { return s.path + ".files" }

// AttachmentPath is where an attachment's copy lives. The stored name comes
// from the database; anything but a plain generated name is refused, so a
// tampered row cannot point outside the folder.
func (s *Store) AttachmentPath(a Attachment) (string, error) {
	if !validStoredName(a.StoredName) {
		return "", fmt.Errorf("attachment #%d: its stored name is not one rightsdesk makes", a.ID)
	}
	return filepath.Join(s.AttachmentsDir(), a.StoredName), nil
}

// OpenAttachment opens an attachment's copy for reading. A missing copy
// gives ErrAttachmentMissing, naming the attachment by number only.
func (s *Store) OpenAttachment(a Attachment) (*os.File, error) {
	p, err := s.AttachmentPath(a)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("attachment #%d: %w", a.ID, ErrAttachmentMissing)
	}
	if err != nil {
		return nil, fmt.Errorf("open attachment #%d: %w", a.ID, err)
	}
	return f, nil
}

// validStoredName is true for the names newStoredName makes: 32 hex digits.
func validStoredName(n string) bool {
	if len(n) != 32 {
		return false
	}
	for _, c := range n {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func newStoredName() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a file name: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// AttachFile copies the file at src into the attachments folder and records
// it, with an event, in one transaction. The copy is streamed (never held
// in memory) while its SHA-256 is computed, written to a temporary file,
// synced and renamed into place before the row is committed; if the
// transaction fails the copy is removed again, so a file and its row exist
// together or not at all.
func (s *Store) AttachFile(ctx context.Context, actor model.Staff, ref, src string, now time.Time) (Attachment, error) {
	var a Attachment
	in, info, err := openSource(src)
	if err != nil {
		return a, err
	}
	defer in.Close()
	a.OriginalName = model.SafeFileName(filepath.Base(src), 0)
	if a.OriginalName == "" {
		a.OriginalName = "attachment"
	}
	// Fail fast, before copying what may be a large file.
	if err := s.Authorise(ctx, actor, model.PermAttach); err != nil {
		return a, err
	}
	if _, err := s.requestIDByRef(ctx, ref); err != nil {
		return a, err
	}

	dir := s.AttachmentsDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return a, fmt.Errorf("create the attachments folder %s: %w", dir, attachError(err))
	}
	stored, err := newStoredName()
	if err != nil {
		return a, err
	}
	final := filepath.Join(dir, stored)
	a.StoredName = stored
	a.Size, a.SHA256, err = copyInto(ctx, in, dir, final)
	if err != nil {
		return a, err
	}
	if a.Size != info.Size() && info.Mode().IsRegular() {
		_ = os.Remove(final)
		return a, fmt.Errorf("the file changed while it was being attached (%d bytes expected, %d copied): nothing was attached; try again", info.Size(), a.Size)
	}

	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermAttach); err != nil {
			return err
		}
		id, err := requestID(tx, ref)
		if err != nil {
			return err
		}
		res, err := tx.Exec(`INSERT INTO attachments (request_id, original_name, stored_name, size, sha256, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, a.OriginalName, a.StoredName, a.Size, a.SHA256, actor.ID, fmtTime(now))
		if err != nil {
			return fmt.Errorf("record attachment: %w", err)
		}
		a.ID, _ = res.LastInsertId()
		// The event names the attachment by number, not by its original
		// name, which may hold personal data.
		return logEvent(tx, actor, now, string(model.ActAttach), ref,
			fmt.Sprintf("attachment #%d: %d bytes, sha256 %s", a.ID, a.Size, a.SHA256))
	})
	if err != nil {
		_ = os.Remove(final)
		_ = syncAttachDir(dir)
		return Attachment{}, err
	}
	a.AddedBy, a.AddedAt = actor.Name, now
	return a, nil
}

// openSource opens the file to attach, saying plainly what is wrong with it.
func openSource(src string) (*os.File, fs.FileInfo, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil, model.Invalid("file", "no file was given", "choose the file to attach")
	}
	f, err := os.Open(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, model.Invalid("file", "the file to attach was not found", "check the path")
	case errors.Is(err, fs.ErrPermission):
		return nil, nil, model.Invalid("file", "the file to attach cannot be read", "check its permissions")
	case err != nil:
		return nil, nil, fmt.Errorf("open the file to attach: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("read the file to attach: %w", err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, model.Invalid("file", "that is not a regular file (a folder or a device)", "choose a file")
	}
	return f, info, nil
}

// copyInto streams in to a temporary file in dir, hashing as it goes, syncs
// it and renames it to final. On any failure nothing is left behind.
func copyInto(ctx context.Context, in io.Reader, dir, final string) (size int64, sum string, err error) {
	tmp, err := os.CreateTemp(dir, ".attach-*.tmp")
	if err != nil {
		return 0, "", fmt.Errorf("write to the attachments folder %s: %w", dir, attachError(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), cancelReader{ctx, in})
	if err != nil {
		return 0, "", fmt.Errorf("copy the file into the attachments folder: %w", attachError(err))
	}
	if err = tmp.Sync(); err != nil {
		return 0, "", fmt.Errorf("save the attached file: %w", attachError(err))
	}
	if err = tmp.Close(); err != nil {
		return 0, "", fmt.Errorf("save the attached file: %w", attachError(err))
	}
	if err = os.Rename(tmp.Name(), final); err != nil {
		return 0, "", fmt.Errorf("save the attached file: %w", attachError(err))
	}
	if err = syncAttachDir(dir); err != nil {
		_ = os.Remove(final)
		return 0, "", fmt.Errorf("save the attached file: %w", attachError(err))
	}
	return size, hex.EncodeToString(h.Sum(nil)), nil
}

// cancelReader stops a long copy when the context is cancelled.
type cancelReader struct {
	ctx context.Context
	r   io.Reader
}

func (c cancelReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// syncAttachDir makes a rename or removal in dir durable.
func syncAttachDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// attachError puts a plain message on the file-system errors a person can act
// on, keeping the original underneath for errors.Is.
func attachError(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return &friendly{ErrDiskFull, err}
	case errors.Is(err, syscall.EROFS):
		return &friendly{errors.New("the folder is on a read-only disk: nothing was saved"), err}
	case errors.Is(err, fs.ErrPermission):
		return &friendly{errors.New("permission denied: nothing was saved; check the folder's permissions"), err}
	}
	return err
}

// requestIDByRef checks a reference outside a transaction.
func (s *Store) requestIDByRef(ctx context.Context, ref string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, "SELECT id FROM requests WHERE reference = ?", ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read request: %w", err)
	}
	return id, nil
}

// Attachments lists a request's attachments, oldest first.
func (s *Store) Attachments(ctx context.Context, ref string) ([]Attachment, error) {
	id, err := s.requestIDByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.original_name, a.stored_name, a.size, a.sha256, coalesce(s.name, ''), a.added_at
		FROM attachments a LEFT JOIN staff s ON s.id = a.added_by WHERE a.request_id = ? ORDER BY a.id`, id)
	if err != nil {
		return nil, fmt.Errorf("read attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		var at string
		if err := rows.Scan(&a.ID, &a.OriginalName, &a.StoredName, &a.Size, &a.SHA256, &a.AddedBy, &at); err != nil {
			return nil, fmt.Errorf("read attachments: %w", err)
		}
		a.AddedAt = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
