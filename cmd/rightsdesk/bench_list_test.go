package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rightsdesk/storage"
)

// The benchmarks here read the 100,000-request demo register that the
// storage package's benchmarks use: the same options give the same file
// in the temp folder, made once (storage.DemoDatabase).
var benchReg struct {
	once sync.Once
	path string
	err  error
}

func benchRegister(b *testing.B) string {
	b.Helper()
	benchReg.once.Do(func() {
		start := time.Now()
		benchReg.path, benchReg.err = storage.DemoDatabase(context.Background(), os.TempDir(), storage.DemoOptions{
			Requests: 100_000, Seed: 1, Now: time.Date(2026, 3, 16, 10, 30, 0, 0, time.UTC),
		})
		if d := time.Since(start); d > time.Second {
			b.Logf("made the benchmark register %s in %s", benchReg.path, d.Round(time.Second))
		}
	})
	if benchReg.err != nil {
		b.Fatal(benchReg.err)
	}
	return benchReg.path
}

// lineCounter counts the bytes and lines written to it and keeps the
// last few kilobytes.
type lineCounter struct {
	bytes, lines int
	tail         []byte
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.bytes += len(p)
	c.lines += bytes.Count(p, []byte{'\n'})
	c.tail = append(c.tail, p...)
	if len(c.tail) > 8192 {
		c.tail = append(c.tail[:0], c.tail[len(c.tail)-4096:]...)
	}
	return len(p), nil
}

// highWater reads "VmHWM: N kB" from /proc/PID/status text, in bytes.
func highWater(status string) uint64 {
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// processCPU is this process's user and system CPU time: on a shared
// machine it varies less than the wall clock.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakResident runs fn and returns the process's peak resident set while
// it ran: the kernel's high-water mark is reset first (Linux; 0 when it
// cannot be). Memory freed earlier is handed back first, so that what
// earlier benchmarks left does not count.
func peakResident(fn func()) uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	fn()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil || !reset {
		return 0
	}
	return highWater(string(data))
}

// listSQL selects what `list` reads for each request (storage's
// summaryCols, in EachSummary's order), for sqlite3 to do the same work.
const listSQL = `SELECT r.id, r.reference, r.kind, r.channel, r.rule, r.status, r.pause_reason, r.paused_since, r.paused_days,
	r.received_on, r.clock_start, r.due_on, r.effective_due_on, r.extended, r.extended_due_on, r.closed_on,
	p.name, p.date_of_birth, r.requester_name, r.relationship, r.verified, r.missing, coalesce(r.created_by, 0)
	FROM requests r JOIN subjects p ON p.id = r.subject_id ORDER BY r.open DESC, r.effective_due_on, r.id`

// BenchmarkListJSON is `rightsdesk list --json` of the whole register
// (open and closed: 100,000 requests), run in this process as the binary
// runs it, against sqlite3 in JSON mode (`.mode json`, as -json sets)
// selecting the same rows and columns from the same file. Budget: within 2× of sqlite3 (x-sqlite3 ≤ 2).
// open-ms is the part of rightsdesk's time spent opening the database.
func BenchmarkListJSON(b *testing.B) {
	path := benchRegister(b)
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("sqlite3 is not installed (make deps installs it)")
	}
	ctx := context.Background()
	var ours, theirs, open time.Duration
	var oursCPU, theirsCPU time.Duration
	var oursPeak, theirsPeak uint64
	var out lineCounter
	var sqlOut lineCounter
	for range b.N {
		out = lineCounter{}
		var errs bytes.Buffer
		cpu0 := processCPU()
		start := time.Now()
		var code int
		peak := peakResident(func() {
			code = run(ctx, []string{"--db", path, "list", "--json"}, strings.NewReader(""), &out, &errs)
		})
		ours += time.Since(start)
		oursCPU += processCPU() - cpu0
		oursPeak = max(oursPeak, peak)
		if code != 0 || out.lines < 100_000 {
			b.Fatalf("list --json: exit %d, %d lines\n%s", code, out.lines, errs.String())
		}

		// sqlite3 reports its own peak memory after the list: a child's
		// rusage would count this process's memory, shared at the fork.
		sqlOut = lineCounter{}
		cmd := exec.Command(sqlite3, "-readonly", path)
		cmd.Stdin = strings.NewReader(".mode json\n" + listSQL + ";\n.system grep VmHWM /proc/$PPID/status\n")
		cmd.Stdout = &sqlOut
		cmd.Stderr = &errs
		start = time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("sqlite3: %v\n%s", err, errs.String())
		}
		theirs += time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			theirsCPU += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
		theirsPeak = max(theirsPeak, highWater(string(sqlOut.tail)))
		if sqlOut.lines < 100_000 {
			b.Fatalf("sqlite3 wrote %d lines", sqlOut.lines)
		}

		start = time.Now()
		st, err := storage.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		open += time.Since(start)
		st.Close()
	}
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()*1000/n, "rightsdesk-ms")
	b.ReportMetric(theirs.Seconds()*1000/n, "sqlite3-ms")
	b.ReportMetric(float64(ours)/float64(theirs), "x-sqlite3")
	b.ReportMetric(open.Seconds()*1000/n, "open-ms")
	b.ReportMetric(float64(ours-open)/float64(theirs), "x-sqlite3-after-open")
	b.ReportMetric(oursCPU.Seconds()*1000/n, "rightsdesk-cpu-ms")
	b.ReportMetric(theirsCPU.Seconds()*1000/n, "sqlite3-cpu-ms")
	b.ReportMetric(float64(oursPeak)/(1<<20), "rightsdesk-peak-rss-MB")
	b.ReportMetric(float64(theirsPeak)/(1<<20), "sqlite3-peak-rss-MB")
	b.ReportMetric(float64(out.bytes)/(1<<20), "rightsdesk-out-MB")
	b.ReportMetric(float64(sqlOut.bytes)/(1<<20), "sqlite3-out-MB")
}
