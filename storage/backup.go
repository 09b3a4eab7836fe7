package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"rightsdesk/model"
)

// NewestBackup finds the newest backup file beside the database
// (rightsdesk backups are named *.backup.db), or "".
func NewestBackup(dbPath string) string {
	dir := filepath.Dir(dbPath)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	type cand struct {
		path string
		mod  int64
	}
	var cands []cand
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".backup.db") {
			continue
		}
		if info, err := e.Info(); err == nil {
			cands = append(cands, cand{filepath.Join(dir, e.Name()), info.ModTime().UnixNano()})
		}
	}
	if len(cands) == 0 {
		return ""
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].mod > cands[j].mod })
	return cands[0].path
}

// BackupResult says what a backup holds.
type BackupResult struct {
	Path               string
	Size               int64
	Requests           int
	LastSeq            int64 // the last audit event in the backup
	Attachments        int   // attached files copied into Path+".files"
	MissingAttachments int   // attached files missing from the attachments folder, or damaged
}

// backupName is the file a backup into a folder gets.
func backupName(now time.Time) string {
	return "rightsdesk-" + now.UTC().Format("20060102-150405") + ".backup.db"
}

// Backup writes a consistent snapshot of the database to dest (admins).
// dest is a file that must not exist yet, or a folder, which gets
// rightsdesk-YYYYMMDD-HHMMSS.backup.db. Desks may go on working: VACUUM
// INTO reads one snapshot while they write. The snapshot goes to a
// temporary file beside dest, is checked (integrity_check and the audit
// chain), synced to disk and renamed into place, mode 0600, so dest is
// never a half-written backup.
func (s *Store) Backup(ctx context.Context, actor model.Staff, dest string, now time.Time) (BackupResult, error) {
	var res BackupResult
	if err := s.write(ctx, func(tx *sql.Tx) error { return authorise(tx, actor, model.PermBackup) }); err != nil {
		return res, err
	}
	if info, err := os.Stat(dest); err == nil && info.IsDir() {
		dest = filepath.Join(dest, backupName(now))
	} else if err == nil {
		return res, model.Invalid("backup file", "the backup file already exists", "give a new file name or a folder")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("back up to %s: %w", dest, err)
	}
	if same, _ := backupSameFile(dest, s.path); same {
		return res, model.Invalid("backup file", "the backup cannot be the database itself", "give another file name or a folder")
	}
	tmp, err := backupTemp(filepath.Dir(dest), filepath.Base(dest))
	if err != nil {
		return res, fmt.Errorf("back up to %s: %w", dest, classifyFileError(err))
	}
	defer os.Remove(tmp) // after a successful rename there is nothing left to remove
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return res, fmt.Errorf("back up to %s: %w", dest, classify(err))
	}
	chk, err := checkFile(ctx, tmp)
	if err != nil {
		return res, fmt.Errorf("check the new backup: %w", err)
	}
	if err := backupSync(tmp); err != nil {
		return res, fmt.Errorf("back up to %s: %w", dest, classifyFileError(err))
	}
	// Attached files go in dest.files, the folder a database at dest would
	// use, before dest itself appears: a backup is never without them.
	if len(chk.attachments) > 0 {
		res.Attachments, res.MissingAttachments, err = copyAttachments(ctx, chk.attachments, s.AttachmentsDir(), dest+".files")
		if err != nil {
			return res, fmt.Errorf("back up the attached files: %w", err)
		}
	}
	// Link, not rename: it fails if dest appeared meanwhile, never
	// replacing a file someone else made.
	if err := os.Link(tmp, dest); err != nil {
		return res, fmt.Errorf("back up to %s: %w", dest, classifyFileError(err))
	}
	if err := backupSyncDir(filepath.Dir(dest)); err != nil {
		return res, fmt.Errorf("back up to %s: %w", dest, classifyFileError(err))
	}
	info, err := os.Stat(dest)
	if err != nil {
		return res, fmt.Errorf("back up to %s: %w", dest, err)
	}
	res.Path, res.Size, res.Requests, res.LastSeq = dest, info.Size(), chk.requests, chk.lastSeq
	err = s.write(ctx, func(tx *sql.Tx) error {
		return logEvent(tx, actor, now, "backup_made", "", fmt.Sprintf("backup %s holds %d requests and events through #%d", filepath.Base(dest), chk.requests, chk.lastSeq))
	})
	return res, err
}

// backupTemp makes an empty 0600 file beside the final one; VACUUM INTO
// writes into an empty file and keeps its mode.
func backupTemp(dir, base string) (string, error) {
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(name)
		return "", err
	}
	return name, f.Close()
}

func backupSync(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// backupSyncDir makes a rename or link in dir durable.
func backupSyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func backupSameFile(a, b string) (bool, error) {
	ia, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	ib, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(ia, ib), nil
}

// classifyFileError turns "no space" and "read-only" from the file system into
// the store's plain errors.
func classifyFileError(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &friendly{ErrDiskFull, err}
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
		return &friendly{errors.New("the folder cannot be written to: check its permissions"), err}
	}
	return err
}

// fileCheck is what checkFile found in a database file.
type fileCheck struct {
	requests    int
	lastSeq     int64
	attachments []attachedFile
}

// attachedFile is an attachment's copy as its row describes it.
type attachedFile struct {
	name   string
	size   int64
	sha256 string
}

// ErrBadBackup is returned when a backup fails its checks.
var ErrBadBackup = errors.New("the backup failed its checks")

// checkFile opens a database file read-only and runs the full
// integrity_check and the audit chain over it.
func checkFile(ctx context.Context, path string) (fileCheck, error) {
	var fc fileCheck
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fc, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		if isNotADB(err) {
			return fc, ErrNotDatabase
		}
		return fc, fmt.Errorf("%w: %w", ErrBadBackup, classify(err))
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return fc, fmt.Errorf("%w: %w", ErrBadBackup, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	err = rows.Err()
	rows.Close()
	if isNotADB(err) {
		return fc, ErrNotDatabase
	}
	if err != nil {
		return fc, fmt.Errorf("%w: %w: %w", ErrBadBackup, ErrDamaged, err)
	}
	if len(problems) > 0 {
		first, _, _ := strings.Cut(strings.TrimPrefix(problems[0], "*** in database main ***\n"), "\n")
		return fc, fmt.Errorf("%w: %w (%s)", ErrBadBackup, ErrDamaged, model.Clean(first, 120))
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('events', 'requests', 'settings', 'staff')").Scan(&tables); err != nil || tables != 4 {
		return fc, ErrNotDatabase
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM requests").Scan(&fc.requests); err != nil {
		return fc, fmt.Errorf("%w: %w", ErrBadBackup, err)
	}
	rows, err = db.QueryContext(ctx, "SELECT stored_name, size, sha256 FROM attachments WHERE stored_name != '' ORDER BY id")
	if err != nil {
		return fc, fmt.Errorf("%w: %w", ErrBadBackup, err)
	}
	for rows.Next() {
		var a attachedFile
		if err := rows.Scan(&a.name, &a.size, &a.sha256); err != nil {
			rows.Close()
			return fc, fmt.Errorf("%w: %w", ErrBadBackup, err)
		}
		if !validStoredName(a.name) {
			rows.Close()
			return fc, fmt.Errorf("%w: an attachment's stored name is not one rightsdesk makes", ErrBadBackup)
		}
		fc.attachments = append(fc.attachments, a)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fc, fmt.Errorf("%w: %w", ErrBadBackup, err)
	}
	chain, err := (&Store{db: db, path: path}).VerifyChain(ctx)
	if err != nil {
		return fc, fmt.Errorf("%w: %w", ErrBadBackup, err)
	}
	if !chain.OK() {
		return fc, fmt.Errorf("%w: its audit trail does not verify: %s", ErrBadBackup, chain.Problem)
	}
	fc.lastSeq = chain.Last.Seq
	return fc, nil
}

// RestoreResult says what a restore put in place.
type RestoreResult struct {
	Requests           int
	LastSeq            int64  // the backup's last audit event
	Replaced           string // where the replaced database was kept; "" if there was none
	Attachments        int    // attached files put back (or already in place)
	MissingAttachments int    // attached files missing from the backup's folder, or damaged
}

// ErrInUse is returned when another program has the database open.
var ErrInUse = errors.New("the database is open at a desk: close every desk on it, then try again")

// Restore replaces the database at dbPath with the backup at src. Nothing
// is replaced until a copy of src has passed integrity_check and its audit
// chain verifies; then the copy is renamed over dbPath in one step. The
// replaced file is kept beside it as dbPath+".replaced" (hard-linked, so
// the swap stays atomic) until the next restore. The caller must have
// closed its own Store on dbPath; other programs are detected and refused.
func Restore(ctx context.Context, src, dbPath string, now time.Time) (RestoreResult, error) {
	var res RestoreResult
	info, err := os.Stat(src)
	if err != nil {
		return res, model.Invalid("backup", "the backup file cannot be read", "check the path: "+errors.Unwrap(err).Error())
	}
	if info.IsDir() {
		return res, model.Invalid("backup", "the backup is a folder", "give the backup file itself")
	}
	if same, _ := backupSameFile(src, dbPath); same {
		return res, model.Invalid("backup", "the backup is the database itself", "give a backup file")
	}
	if wal, err := os.Stat(src + "-wal"); err == nil && wal.Size() > 0 {
		return res, model.Invalid("backup", "the file is a database in use, not a backup (it has a -wal file beside it)", "make a backup of it with rightsdesk --db FILE backup, and restore that")
	}
	if inUse(dbPath) {
		return res, ErrInUse
	}
	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, fmt.Errorf("restore: %w", classifyFileError(err))
	}
	tmp, err := backupTemp(dir, filepath.Base(dbPath))
	if err != nil {
		return res, fmt.Errorf("restore: %w", classifyFileError(err))
	}
	defer removeDBFiles(tmp)
	if err := backupCopy(tmp, src); err != nil {
		return res, fmt.Errorf("restore: %w", classifyFileError(err))
	}
	chk, err := checkFile(ctx, tmp)
	if err != nil {
		return res, fmt.Errorf("%w: nothing was replaced", err)
	}
	// Attached files are only ever added (their names are random and never
	// reused), so putting them back first harms nothing if the swap fails.
	if len(chk.attachments) > 0 {
		res.Attachments, res.MissingAttachments, err = copyAttachments(ctx, chk.attachments, src+".files", dbPath+".files")
		if err != nil {
			return res, fmt.Errorf("restore the attached files: %w: nothing was replaced", err)
		}
	}
	// Open brings an older backup's schema up to date; the restore itself
	// goes on the audit trail of the restored database.
	st, err := Open(ctx, tmp)
	if err != nil {
		return res, fmt.Errorf("restore: %w: nothing was replaced", err)
	}
	err = st.write(ctx, func(tx *sql.Tx) error {
		return logEvent(tx, model.Staff{}, now, "restored", "", fmt.Sprintf("database restored from backup %s, which holds events through #%d", filepath.Base(src), chk.lastSeq))
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("restore: %w: nothing was replaced", err)
	}
	if err := backupSync(tmp); err != nil {
		return res, fmt.Errorf("restore: %w: nothing was replaced", classifyFileError(err))
	}
	if inUse(dbPath) {
		return res, ErrInUse
	}
	// Fold the old database's write-ahead log into it (when it opens at
	// all), so that the kept copy is whole and no stale log is left to be
	// replayed onto the restored file.
	if _, err := os.Stat(dbPath); err == nil {
		if old, err := sql.Open("sqlite", dsn(dbPath, false)); err == nil {
			_, _ = old.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			old.Close()
		}
		kept := dbPath + ".replaced"
		removeDBFiles(kept)
		if err := os.Link(dbPath, kept); err == nil {
			res.Replaced = kept
		}
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("restore: remove the old %s file: %w: nothing was replaced", suffix, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return res, fmt.Errorf("restore: %w: nothing was replaced", classifyFileError(err))
	}
	if err := backupSyncDir(dir); err != nil {
		return res, fmt.Errorf("restore: %w", classifyFileError(err))
	}
	res.Requests, res.LastSeq = chk.requests, chk.lastSeq
	return res, nil
}

// backupCopy copies src's bytes into the existing file dst and syncs it.
func backupCopy(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// removeDBFiles removes a database file and its companions.
func removeDBFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal", ".lock"} {
		_ = os.Remove(path + suffix)
	}
}

// inUse is true when another process has the database open. SQLite's unix
// VFS holds a shared lock on the "dead man switch" byte of the -shm file
// for as long as a connection has a WAL database open; asking for a write
// lock on it tells whether anyone does. (Our own process's locks do not
// show: callers close their Store first.)
func inUse(dbPath string) bool {
	const dmsOffset = 128 // UNIX_SHM_BASE (120) + SQLITE_SHM_NLOCK (8)
	f, err := os.Open(dbPath + "-shm")
	if err != nil {
		return false
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart, Start: dmsOffset, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return false
	}
	return lk.Type != syscall.F_UNLCK
}

// copyAttachments copies the listed attachment files from one folder to
// another (made 0700), checking each copy's SHA-256 against its row. A file
// already in place with the right hash is left alone; one missing from the
// source, or not matching its hash, is counted, not fatal: the rows matter
// more than the copies.
func copyAttachments(ctx context.Context, files []attachedFile, fromDir, toDir string) (copied, missing int, err error) {
	if err := os.MkdirAll(toDir, 0o700); err != nil {
		return 0, 0, classifyFileError(err)
	}
	for _, a := range files {
		if err := ctx.Err(); err != nil {
			return copied, missing, err
		}
		dst := filepath.Join(toDir, a.name)
		if sum, err := fileSHA256(dst); err == nil && sum == a.sha256 {
			copied++
			continue
		}
		in, err := os.Open(filepath.Join(fromDir, a.name))
		if errors.Is(err, fs.ErrNotExist) {
			missing++
			continue
		}
		if err != nil {
			return copied, missing, err
		}
		tmp, err := os.CreateTemp(toDir, ".copy-*.tmp")
		if err != nil {
			in.Close()
			return copied, missing, classifyFileError(err)
		}
		h := sha256.New()
		_, err = io.Copy(io.MultiWriter(tmp, h), in)
		in.Close()
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil && hex.EncodeToString(h.Sum(nil)) != a.sha256 {
			// A damaged copy is as good as a missing one; it must not stop
			// the rest of the backup.
			_ = os.Remove(tmp.Name())
			missing++
			continue
		}
		if err == nil {
			err = os.Rename(tmp.Name(), dst)
		}
		if err != nil {
			_ = os.Remove(tmp.Name())
			return copied, missing, classifyFileError(err)
		}
		copied++
	}
	return copied, missing, backupSyncDir(toDir)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
