package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Opening checks only the schema; damage deeper in the file is met by the
// command's own reads, and still gets the newest backup to restore.
func TestDamageMetAfterOpen(t *testing.T) {
	e := newTrustEnv(t)
	ref := e.logAt("Jane Patient", time.Now())
	e.ok(append([]string{"backup", filepath.Dir(e.db)}, e.asAdmin()...)...)
	st := e.store()
	var root, pageSize int64
	if err := st.DB().QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = 'requests'").Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	st.Close() // checkpointed: every page is in the main file
	f, err := os.OpenFile(e.db, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The requests table's root page loses its b-tree page type.
	if _, err := f.WriteAt([]byte{0}, (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, args := range [][]string{{}, {"list"}, {"list", "--json"}, {"show", ref}} {
		code, out, errs := e.run(args...)
		if code != exitProblem {
			t.Fatalf("rightsdesk %v on a damaged table: exit %d\n%s%s", args, code, out, errs)
		}
		if !strings.Contains(errs, "damaged") || !strings.Contains(errs, "restore it with") || strings.Count(errs, "restore it with") != 1 {
			t.Fatalf("rightsdesk %v said %q", args, errs)
		}
		if strings.Contains(errs, "Jane") || strings.Contains(errs, "panic") {
			t.Fatalf("rightsdesk %v said %q", args, errs)
		}
	}
}
