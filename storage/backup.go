package storage

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
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
