package export

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// Files are written the safe way: into a temporary file in the destination
// folder (so the final step never crosses a disk), synced, then given
// their final name by a hard link (a rename would replace an existing file)
// and the temporary name removed, and the folder synced so the new name
// survives a power cut. Until the last step nothing carries the final name,
// so a failure leaves no partial file; a crash can leave at most a hidden
// ".rightsdesk-*.part" file, which the next export to the folder removes
// once it is an hour old (removeStaleParts): it holds part of a patient's
// file.

// output is a file being written. Its SHA-256 and size are counted as the
// bytes go by, so nothing is read back.
type output struct {
	f   *os.File
	buf *bufio.Writer
	h   hash.Hash
	n   int64
}

// createOutput starts a temporary file in dir (0600).
func createOutput(dir string) (*output, error) {
	f, err := os.CreateTemp(dir, ".rightsdesk-*.part")
	if err != nil {
		return nil, folderError(dir, err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, folderError(dir, err)
	}
	return &output{f: f, buf: bufio.NewWriterSize(f, 64<<10), h: sha256.New()}, nil
}

func (o *output) Write(p []byte) (int, error) {
	n, err := o.buf.Write(p)
	o.h.Write(p[:n])
	o.n += int64(n)
	if err != nil {
		return n, diskError(err)
	}
	return n, nil
}

// finish flushes and syncs the file; it stays under its temporary name.
func (o *output) finish() (tmp, sum string, size int64, err error) {
	if err := o.buf.Flush(); err != nil {
		o.abort()
		return "", "", 0, diskError(err)
	}
	if err := o.f.Sync(); err != nil {
		o.abort()
		return "", "", 0, diskError(err)
	}
	if err := o.f.Close(); err != nil {
		os.Remove(o.f.Name())
		return "", "", 0, diskError(err)
	}
	return o.f.Name(), hex.EncodeToString(o.h.Sum(nil)), o.n, nil
}

// abort closes and removes the temporary file.
func (o *output) abort() {
	o.f.Close()
	os.Remove(o.f.Name())
}

// numbered is the n-th choice of name for base+ext: "R-2026-0001.zip",
// then "R-2026-0001 (2).zip", "R-2026-0001 (3).zip", ...
func numbered(base, ext string, n int) string {
	if n <= 1 {
		return base + ext
	}
	return fmt.Sprintf("%s (%d)%s", base, n, ext)
}

// maxNumbered bounds the search for a free name.
const maxNumbered = 999

// place gives the finished temporary files their final names in dir: for
// the first n where every name(i, n) is free, all of them at once (an
// acknowledgement's PDF and text share a number). Existing files are never
// replaced. It returns the final paths and n. The temporary files are gone
// afterwards, whatever happens.
func place(dir string, tmps []string, name func(i, n int) string) ([]string, int, error) {
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	for n := 1; n <= maxNumbered; n++ {
		var done []string
		var renames [][2]string
		taken := false
		for i, t := range tmps {
			final := filepath.Join(dir, name(i, n))
			reserved, err := linkNew(t, final)
			if errors.Is(err, fs.ErrExist) {
				taken = true
				break
			}
			if err != nil {
				removeAll(done)
				return nil, 0, folderError(dir, err)
			}
			done = append(done, final)
			if reserved {
				renames = append(renames, [2]string{t, final})
			}
		}
		if taken {
			removeAll(done)
			continue
		}
		for _, r := range renames {
			if err := os.Rename(r[0], r[1]); err != nil {
				removeAll(done)
				return nil, 0, folderError(dir, err)
			}
		}
		if err := syncDir(dir); err != nil {
			removeAll(done)
			return nil, 0, folderError(dir, err)
		}
		return done, n, nil
	}
	return nil, 0, model.Refuse(fmt.Sprintf("the folder already holds %d copies of this file", maxNumbered), "choose another folder or move old copies away")
}

// linkNew gives tmp the name final unless final exists. A hard link does
// that atomically. File systems without hard links (FAT and exFAT USB
// sticks) get the name reserved by an exclusive create instead, and
// reserved is true: the caller then renames tmp over the reservation.
func linkNew(tmp, final string) (reserved bool, err error) {
	err = os.Link(tmp, final)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return false, err
	}
	f, err2 := os.OpenFile(final, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err2 != nil {
		if errors.Is(err2, fs.ErrExist) {
			return false, err2
		}
		return false, err
	}
	f.Close()
	return true, nil
}

func removeAll(paths []string) {
	for _, p := range paths {
		os.Remove(p)
	}
}

// unplace removes files already placed (when recording the export fails).
func unplace(dir string, paths []string) {
	removeAll(paths)
	_ = syncDir(dir)
}

// syncDir makes new or removed names in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// prepareDir makes sure dir exists (creating it 0700) and is a folder.
func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return folderError(dir, err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return folderError(dir, err)
	}
	if !info.IsDir() {
		return model.Invalid("folder", "the output folder "+model.Clean(dir, 200)+" is a file, not a folder", "choose a folder with --out")
	}
	removeStaleParts(dir, time.Now())
	return nil
}

// partsAge is how old a temporary file must be before an export takes it
// for a crash's leftover: far longer than any export takes, so that one
// another desk is writing to the same folder is left alone.
const partsAge = time.Hour

// removeStaleParts removes the temporary files (".rightsdesk-*.part") in
// dir older than partsAge at now: what a crash mid-export left behind.
// It is housekeeping: what cannot be removed stays, and is tried again.
func removeStaleParts(dir string, now time.Time) {
	parts, err := filepath.Glob(filepath.Join(dir, ".rightsdesk-*.part"))
	if err != nil {
		return
	}
	for _, p := range parts {
		info, err := os.Lstat(p)
		if err == nil && info.Mode().IsRegular() && now.Sub(info.ModTime()) > partsAge {
			os.Remove(p)
		}
	}
}

// folderError says plainly why the folder cannot be written to.
func folderError(dir string, err error) error {
	d := model.Clean(dir, 200)
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("write to %s: %w", d, &diskFull{err})
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		why := "permission denied"
		if errors.Is(err, syscall.EROFS) {
			why = "it is on a read-only disk"
		}
		return &folderErr{model.Invalid("folder", "the folder "+d+" cannot be written to ("+why+")", "choose another folder with --out, or fix its permissions"), err}
	case errors.Is(err, syscall.ENOTDIR):
		return &folderErr{model.Invalid("folder", "part of the path "+d+" is a file, not a folder", "choose a folder with --out"), err}
	}
	return fmt.Errorf("write to %s: %w", d, err)
}

// folderErr is an InputError that still unwraps to the system's error.
type folderErr struct {
	msg   *model.InputError
	cause error
}

func (e *folderErr) Error() string   { return e.msg.Error() }
func (e *folderErr) Unwrap() []error { return []error{e.msg, e.cause} }

// diskError marks a full disk plainly, keeping other errors as they are.
func diskError(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return &diskFull{err}
	}
	return err
}

// diskFull reads as storage.ErrDiskFull and still unwraps to the cause.
type diskFull struct{ cause error }

func (e *diskFull) Error() string {
	return strings.Replace(storage.ErrDiskFull.Error(), "nothing was saved", "nothing was written", 1)
}
func (e *diskFull) Unwrap() []error { return []error{storage.ErrDiskFull, e.cause} }
