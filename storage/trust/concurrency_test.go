package trust

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	workers   = 4
	perWorker = 500
)

// Four processes each log 500 requests and move each one on, all at once.
// None of them may see an error (busy or otherwise); every reference is
// handed out once; the audit chain comes out whole and gap-free.
func TestFourProcessesAtOnce(t *testing.T) {
	path, _, _ := setUpIn(t, memDir(t))
	before := chainOK(t, open(t, path)).Count
	goFile := filepath.Join(t.TempDir(), "go")
	var cmds []*exec.Cmd
	var outs, errs []*bytes.Buffer
	for w := range workers {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"=worker", envDB+"="+path, envWorker+"="+strconv.Itoa(w),
			envCount+"="+strconv.Itoa(perWorker), envGo+"="+goFile)
		out, errb := &bytes.Buffer{}, &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs, errs = append(cmds, cmd), append(outs, out), append(errs, errb)
	}
	if err := os.WriteFile(goFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for w, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("worker %d failed: %v\n%s", w, err, errs[w])
		}
		if errs[w].Len() > 0 {
			t.Errorf("worker %d said: %s", w, errs[w])
		}
		sc := bufio.NewScanner(outs[w])
		n := 0
		for sc.Scan() {
			ref := strings.TrimSpace(sc.Text())
			if prev, dup := seen[ref]; dup {
				t.Errorf("%s was handed to workers %d and %d", ref, prev, w)
			}
			seen[ref] = w
			n++
		}
		if n != perWorker {
			t.Errorf("worker %d saved %d requests, want %d", w, n, perWorker)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	s := open(t, path)
	integrityOK(t, s)
	res := chainOK(t, s)
	// Each request is logged, verified and moved on: three events.
	want := before + int64(workers*perWorker*3)
	if res.Count != want || res.Last.Seq != res.Count {
		t.Errorf("chain of %d events ending at #%d, want %d", res.Count, res.Last.Seq, want)
	}
	if n := count(t, s, "SELECT count(*) FROM requests"); n != workers*perWorker {
		t.Errorf("%d requests, want %d", n, workers*perWorker)
	}
	if n := count(t, s, "SELECT count(DISTINCT reference) FROM requests"); n != workers*perWorker {
		t.Errorf("%d distinct references", n)
	}
	for k, status := range []string{"paused", "completed", "withdrawn"} {
		want := 0
		for i := range perWorker {
			if i%3 == k {
				want += workers
			}
		}
		if n := count(t, s, "SELECT count(*) FROM requests WHERE status = '"+status+"'"); n != want {
			t.Errorf("%d %s requests, want %d", n, status, want)
		}
	}
}
