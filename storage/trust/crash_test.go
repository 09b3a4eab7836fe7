package trust

import (
	"bufio"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rightsdesk/storage"
)

const (
	// crashRuns is how many times a writer is killed, in all.
	crashRuns = 50
	// crashLanes run side by side, each on its own database, so that the
	// 50 process starts overlap.
	crashLanes = 2
)

// A child process logs requests in a loop and is killed with SIGKILL at a
// random moment, 50 times over. After each kill the database opens, passes
// integrity_check, its audit chain verifies, and every reference the child
// reported as saved, in this run or an earlier one, is there.
func TestCrashSafetyUnderSIGKILL(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for lane := range crashLanes {
		path, _, _ := setUp(t)
		rng := rand.New(rand.NewPCG(seed, uint64(lane)))
		wg.Go(func() {
			n := crashLane(t, path, rng, crashRuns/crashLanes)
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("%d kills, %d saved references checked", crashRuns, total)
}

// crashLane kills a writer on path runs times and checks the database after
// each kill; it returns how many references the writers reported saved.
func crashLane(t *testing.T, path string, rng *rand.Rand, runs int) int {
	ctx := context.Background()
	var saved []string
	for run := range runs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"=crashwriter", envDB+"="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Error(err)
			return 0
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Error(err)
			return 0
		}
		lines := make(chan string, 4096)
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer close(lines)
			r := bufio.NewReader(stdout)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					io.Copy(io.Discard, r)
					return // a line cut by the kill was never promised
				}
				lines <- strings.TrimSpace(line)
			}
		}()
		// Wait for the first save, so the child is in its loop, then kill
		// it a random while later: mid-transaction, mid-commit or between.
		select {
		case ref, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Errorf("run %d: the writer stopped: %s", run, stderr.String())
				return 0
			}
			saved = append(saved, ref)
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			cmd.Wait()
			t.Errorf("run %d: the writer saved nothing: %s", run, stderr.String())
			return 0
		}
		time.Sleep(time.Duration(rng.IntN(80_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Error(err)
			return 0
		}
		<-done
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Errorf("run %d: the writer ended on its own (%v): %s", run, err, stderr.String())
			return 0
		}
		for ref := range lines {
			saved = append(saved, ref)
		}

		s, err := storage.Open(ctx, path)
		if err != nil {
			t.Errorf("run %d: the database does not open after a kill: %v", run, err)
			return 0
		}
		if why := integrity(s); why != "" {
			t.Errorf("run %d: integrity_check: %s", run, why)
		}
		if res, err := s.VerifyChain(ctx); err != nil || !res.OK() {
			t.Errorf("run %d: the audit chain does not verify: %v %s", run, err, res.Problem)
		}
		have := map[string]bool{}
		rows, err := s.DB().Query("SELECT reference FROM requests")
		if err != nil {
			t.Error(err)
		} else {
			for rows.Next() {
				var ref string
				rows.Scan(&ref)
				have[ref] = true
			}
			rows.Close()
		}
		for _, ref := range saved {
			if !have[ref] {
				t.Errorf("run %d: %s was reported saved but is gone", run, ref)
			}
		}
		s.Close()
		if t.Failed() {
			return len(saved)
		}
	}
	return len(saved)
}
