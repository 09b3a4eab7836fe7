package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// demoVersion changes whenever the generator makes different data, so a
// kept demo database is made again rather than reused.
const demoVersion = 5

// DemoDatabase is the path of a demo database in dir with o's requests,
// made the first time it is asked for and then kept: benchmarks in
// several packages share one large register instead of each making its
// own. The file's name carries the schema and generator versions, so a
// new migration or generator gives a new file. A lock file makes
// processes that ask at once wait for the one that builds it.
func DemoDatabase(ctx context.Context, dir string, o DemoOptions) (string, error) {
	sum := sha256.New()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return "", err
	}
	for _, n := range names {
		b, err := migrations.ReadFile(n)
		if err != nil {
			return "", err
		}
		sum.Write([]byte(n))
		sum.Write(b)
	}
	fmt.Fprintf(sum, "demo v%d %d %d %s", demoVersion, o.Requests, o.Seed, o.Now.UTC())
	path := filepath.Join(dir, fmt.Sprintf("rightsdesk-demo-%d-%s.db", o.Requests, hex.EncodeToString(sum.Sum(nil))[:12]))

	lock, err := os.OpenFile(path+".building.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", fmt.Errorf("lock %s: %w", path, err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", path, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	// Older versions of the same register are of no more use.
	if old, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("rightsdesk-demo-%d-*.db*", o.Requests))); len(old) > 0 {
		for _, p := range old {
			if !strings.HasPrefix(p, path) {
				os.Remove(p)
			}
		}
	}
	tmp := path + ".building"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", tmp + ".lock"} {
		os.Remove(p)
	}
	s, err := Open(ctx, tmp)
	if err != nil {
		return "", err
	}
	if _, err := s.GenerateDemo(ctx, o); err != nil {
		s.Close()
		return "", err
	}
	if err := s.Close(); err != nil {
		return "", err
	}
	os.Remove(tmp + ".lock")
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	return path, nil
}
