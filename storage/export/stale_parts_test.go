package export

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStalePartsRemoved: a temporary file a crash left in the export
// folder (it holds part of a patient's file) is removed by the next
// export once it is an hour old; a fresh one, perhaps another desk's
// export under way, and other files are left alone.
func TestStalePartsRemoved(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	files := map[string]time.Duration{
		".rightsdesk-111.part": 2 * time.Hour,  // a crash's leftover
		".rightsdesk-222.part": time.Minute,    // being written
		"R-2026-0001.zip":      48 * time.Hour, // an export
		".other-333.part":      48 * time.Hour, // not ours
		".rightsdesk-444.tmp":  48 * time.Hour, // not a part
	}
	for name, age := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	if err := prepareDir(dir); err != nil {
		t.Fatal(err)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone, want := os.IsNotExist(err), name == ".rightsdesk-111.part"; gone != want {
			t.Errorf("%s: removed %v, want %v", name, gone, want)
		}
	}
}
