package trust

import (
	"bufio"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashRuns is how many times the writer is killed.
const crashRuns = 50

// A child process logs requests in a loop and is killed with SIGKILL at a
// random moment, 50 times over. After each kill the database opens, passes
// integrity_check, its audit chain verifies, and every reference the child
// reported as saved, in this run or an earlier one, is there.
func TestCrashSafetyUnderSIGKILL(t *testing.T) {
	path, _, _ := setUp(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>7))
	var saved []string
	ctx := context.Background()
	for run := range crashRuns {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"=crashwriter", envDB+"="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		done := make(chan struct{})
		go func() {
			defer close(done)
			r := bufio.NewReader(stdout)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return // a line cut by the kill was never promised
				}
				lines <- strings.TrimSpace(line)
			}
		}()
		// Wait for the first save, so the child is in its loop, then kill
		// it a random while later: mid-transaction, mid-commit or between.
		select {
		case ref := <-lines:
			saved = append(saved, ref)
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("run %d: the writer saved nothing: %s", run, stderr.String())
		}
		time.Sleep(time.Duration(rng.IntN(80_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-done
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("run %d: the writer ended on its own (%v): %s", run, err, stderr.String())
		}
		close(lines)
		for ref := range lines {
			saved = append(saved, ref)
		}
		io.Copy(io.Discard, stdout)

		s := open(t, path)
		integrityOK(t, s)
		chainOK(t, s)
		for _, ref := range saved {
			if _, err := s.GetRequest(ctx, ref); err != nil {
				t.Fatalf("run %d: %s was reported saved but is gone: %v", run, ref, err)
			}
		}
		if n := count(t, s, "SELECT count(*) FROM requests"); n < len(saved) {
			t.Fatalf("run %d: %d requests, %d reported", run, n, len(saved))
		}
		s.Close()
	}
	t.Logf("%d kills, %d saved references checked", crashRuns, len(saved))
}
