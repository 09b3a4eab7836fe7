package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"rightsdesk/model"
)

// The budgets are for 100,000 requests and about a million events.
// The register is made once by the demo generator and kept in the temp
// folder (see DemoDatabase); these benchmarks only read it.

const benchRequests = 100_000

// benchWindow is the rows the board reads at a time (three screens of 36).
const benchWindow = 108

var benchDB struct {
	once sync.Once
	path string
	err  error
}

// benchOptions are the register every benchmark reads, in this package and
// in cmd/rightsdesk: the same seed and clock give the same file.
func benchOptions() DemoOptions {
	return DemoOptions{Requests: benchRequests, Seed: 1, Now: demoNow}
}

// benchStore opens the shared 100,000-request register.
func benchStore(b *testing.B) *Store {
	b.Helper()
	benchDB.once.Do(func() {
		start := time.Now()
		benchDB.path, benchDB.err = DemoDatabase(context.Background(), os.TempDir(), benchOptions())
		if d := time.Since(start); d > time.Second {
			b.Logf("made the benchmark register %s in %s", benchDB.path, d.Round(time.Second))
		}
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	s, err := Open(context.Background(), benchDB.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// peakMemory watches the process while a benchmark runs: the highest Go
// heap seen (sampled) and the kernel's high-water mark of the resident
// set, which includes SQLite's page cache outside Go's heap. The mark is
// reset at the start, after memory freed earlier is handed back, so what
// earlier benchmarks left does not count.
type peakMemory struct {
	stop  chan struct{}
	done  chan struct{}
	heap  atomic.Uint64
	cpu   time.Duration
	reset bool
}

func watchMemory() *peakMemory {
	runtime.GC()
	debug.FreeOSMemory()
	p := &peakMemory{stop: make(chan struct{}), done: make(chan struct{}), cpu: processCPU()}
	p.reset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		if h := sample[0].Value.Uint64(); h > p.heap.Load() {
			p.heap.Store(h)
		}
	}
	read()
	go func() {
		defer close(p.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return p
}

// report adds the peaks and the CPU time per op (steadier than the wall
// clock on a shared machine) to the benchmark's figures.
func (p *peakMemory) report(b *testing.B) {
	close(p.stop)
	<-p.done
	b.ReportMetric(float64(p.heap.Load())/(1<<20), "peak-heap-MB")
	if rss := highWater(); p.reset && rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
	}
	b.ReportMetric((processCPU()-p.cpu).Seconds()*1000/float64(b.N), "cpu-ms/op")
}

// highWater is the kernel's high-water mark of the resident set (Linux;
// 0 elsewhere).
func highWater() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// processCPU is the process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGenerateDemo makes the 100,000-request register from nothing:
// the time a benchmark run pays once, and what `rightsdesk demo
// --requests 100000` takes.
func BenchmarkGenerateDemo(b *testing.B) {
	mem := watchMemory()
	var res DemoResult
	for range b.N {
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "demo.db"))
		if err != nil {
			b.Fatal(err)
		}
		res, err = s.GenerateDemo(context.Background(), benchOptions())
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	mem.report(b)
	b.ReportMetric(float64(res.Events), "events")
	b.ReportMetric(float64(res.Requests)/(b.Elapsed().Seconds()/float64(b.N)), "requests/s")
}

// BenchmarkOpenRequest is the request screen opening a request with 50
// events: the request with its evidence, its timeline and its notes.
// Budget: under 10 ms.
func BenchmarkOpenRequest(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var ref string
	err := s.db.QueryRow(`SELECT reference FROM events WHERE reference != '' GROUP BY reference HAVING count(*) >= 50 LIMIT 1`).Scan(&ref)
	if err != nil {
		b.Fatalf("no request with 50 events: %v", err)
	}
	mem := watchMemory()
	b.ReportAllocs()
	b.ResetTimer()
	var events int
	for range b.N {
		if _, err := s.GetRequest(ctx, ref); err != nil {
			b.Fatal(err)
		}
		tl, err := s.Timeline(ctx, ref)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Notes(ctx, ref); err != nil {
			b.Fatal(err)
		}
		events = len(tl)
	}
	b.StopTimer()
	mem.report(b)
	b.ReportMetric(float64(events), "events")
}

// BenchmarkBoardWindow is one read of the board's window (three screens
// of rows) for each of the board's filters, at the top and deep in the
// list. The board reads a window when it opens, when a filter changes
// and when the cursor leaves the rows it holds.
func BenchmarkBoardWindow(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	lead, err := s.StaffByName(ctx, "Lee Lead")
	if err != nil {
		b.Fatal(err)
	}
	today := model.DateOf(demoNow)
	open, err := s.CountRequests(ctx, Filter{Scope: ScopeOpen})
	if err != nil {
		b.Fatal(err)
	}
	closed, err := s.CountRequests(ctx, Filter{Scope: ScopeClosed})
	if err != nil {
		b.Fatal(err)
	}
	before, err := s.ListSummaries(ctx, Filter{Scope: ScopeClosed, Offset: closed/2 - 1, Limit: 1})
	if err != nil || len(before) != 1 {
		b.Fatal(err)
	}
	middle := KeyOf(before[0])
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"open/top", Filter{Scope: ScopeOpen}},
		{"open/bottom", Filter{Scope: ScopeOpen, Offset: max(0, open-benchWindow)}},
		{"open/status", Filter{Scope: ScopeOpen, Status: model.StatusPaused}},
		{"open/kind", Filter{Scope: ScopeOpen, Kind: model.KindDeletion}},
		{"open/mine", Filter{Scope: ScopeOpen, OwnerID: lead.ID}},
		{"open/overdue", Filter{Scope: ScopeOpen, Overdue: true, Today: today}},
		{"closed/top", Filter{Scope: ScopeClosed}},
		// Deep in the closed list the board reads by key (paging.go): the
		// rows after the last one it holds, or the last rows.
		{"closed/middle", Filter{Scope: ScopeClosed, After: &middle}},
		{"closed/bottom", Filter{Scope: ScopeClosed, FromEnd: true}},
		// By offset, as it did: SQLite steps over every row skipped.
		{"closed/middle-by-offset", Filter{Scope: ScopeClosed, Offset: closed / 2}},
		{"closed/bottom-by-offset", Filter{Scope: ScopeClosed, Offset: max(0, closed-benchWindow)}},
		{"closed/status", Filter{Scope: ScopeClosed, Status: model.StatusRefused}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := c.f
			f.Limit = benchWindow
			mem := watchMemory()
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			for range b.N {
				rows, err := s.ListSummaries(ctx, f)
				if err != nil {
					b.Fatal(err)
				}
				n = len(rows)
			}
			b.StopTimer()
			mem.report(b)
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// BenchmarkBoardCounts is the board header's figures. The board reads
// them with its first window and after each change.
func BenchmarkBoardCounts(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	today := model.DateOf(demoNow)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.BoardCounts(ctx, today); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchAsYouType is one keystroke in the board's search, as the
// board reads it after each key: the window of matches, their count (up
// to CountCap) and the header figures. A patient's surname (one from the register, and the
// most common one) and a reference are typed a character at a time, over the open requests (the board's default) and
// the closed ones; each op is one keystroke, the prefixes taken in turn.
// slowest-key-ms is the mean of the slowest prefix, and the log lists
// every prefix. Budget: under 20 ms per keystroke.
func BenchmarkSearchAsYouType(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	today := model.DateOf(demoNow)
	var name, ref string
	// A patient with a closed request from years ago, as a desk would look
	// one up; the surname is what is typed.
	err := s.db.QueryRow(`SELECT p.name, r.reference FROM requests r JOIN subjects p ON p.id = r.subject_id
		WHERE r.open = 0 ORDER BY r.id LIMIT 1 OFFSET 40000`).Scan(&name, &ref)
	if err != nil {
		b.Fatal(err)
	}
	surname := name[strings.LastIndexByte(name, ' ')+1:]
	typed := func(s string) []string {
		var out []string
		for i := range s {
			if i > 0 {
				out = append(out, s[:i])
			}
		}
		return append(out, s)
	}
	for _, c := range []struct {
		name  string
		scope Scope
		keys  []string
	}{
		{"name/open", ScopeOpen, typed(surname)},
		{"name/closed", ScopeClosed, typed(surname)},
		// The most common surname (as common as Smith in Britain).
		{"common-name/closed", ScopeClosed, typed(demoSurnames[0])},
		{"reference/open", ScopeOpen, typed(ref)},
		{"reference/closed", ScopeClosed, typed(ref)},
		{"no-match/closed", ScopeClosed, typed("Zzyzx")},
	} {
		b.Run(c.name, func(b *testing.B) {
			spent := make([]time.Duration, len(c.keys))
			runs := make([]int, len(c.keys))
			mem := watchMemory()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				k := i % len(c.keys)
				start := time.Now()
				f := Filter{Scope: c.scope, Search: c.keys[k], Limit: benchWindow}
				if _, err := s.ListSummaries(ctx, f); err != nil {
					b.Fatal(err)
				}
				if _, _, err := s.CountRequestsUpTo(ctx, f, CountCap); err != nil {
					b.Fatal(err)
				}
				if _, err := s.BoardCounts(ctx, today); err != nil {
					b.Fatal(err)
				}
				spent[k] += time.Since(start)
				runs[k]++
			}
			b.StopTimer()
			mem.report(b)
			var slowest time.Duration
			var each []string
			for k, key := range c.keys {
				if runs[k] == 0 {
					continue
				}
				mean := spent[k] / time.Duration(runs[k])
				slowest = max(slowest, mean)
				f := Filter{Scope: c.scope, Search: key}
				n, _ := s.CountRequests(ctx, f)
				each = append(each, fmt.Sprintf("%q %.1fms (%d)", key, mean.Seconds()*1000, n))
			}
			b.ReportMetric(slowest.Seconds()*1000, "slowest-key-ms")
			b.Logf("per keystroke (matches): %s", strings.Join(each, ", "))
		})
	}
}

// BenchmarkVerifyChain walks the whole audit trail (about a million
// events) as `audit verify` does. Budget: under 5 s.
func BenchmarkVerifyChain(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	mem := watchMemory()
	b.ReportAllocs()
	b.ResetTimer()
	var res ChainResult
	for range b.N {
		var err error
		if res, err = s.VerifyChain(ctx); err != nil {
			b.Fatal(err)
		}
		if !res.OK() {
			b.Fatalf("chain broken: %s", res.Problem)
		}
	}
	b.StopTimer()
	mem.report(b)
	b.ReportMetric(float64(res.Count), "events")
	b.ReportMetric(float64(res.Count)/(b.Elapsed().Seconds()/float64(b.N)), "events/s")
}

// BenchmarkSignInToBoard is what the desk reads between a sign-in being
// accepted and the full board, besides the argon2id check: the settings,
// when the chain was last verified, the first window, its count and the
// header figures. Budget: under 100 ms.
func BenchmarkSignInToBoard(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	mem := watchMemory()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		set, err := s.Settings(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Meta(ctx, "chain_verified_at"); err != nil {
			b.Fatal(err)
		}
		f := Filter{Scope: ScopeOpen, Limit: benchWindow}
		if _, err := s.ListSummaries(ctx, f); err != nil {
			b.Fatal(err)
		}
		if _, err := s.CountRequests(ctx, f); err != nil {
			b.Fatal(err)
		}
		if _, err := s.BoardCounts(ctx, model.DateOf(demoNow.In(set.Location()))); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	mem.report(b)
}

// BenchmarkDuplicateOpen is the logging wizard's check for an open request
// for the same patient.
func BenchmarkDuplicateOpen(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var name, dob string
	if err := s.db.QueryRow(`SELECT p.name, p.date_of_birth FROM requests r JOIN subjects p ON p.id = r.subject_id WHERE r.open = 1 LIMIT 1`).Scan(&name, &dob); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		refs, err := s.DuplicateOpen(ctx, name, parseDate(dob))
		if err != nil || len(refs) == 0 {
			b.Fatalf("duplicates %v, %v", refs, err)
		}
	}
}

// BenchmarkOpenStore is opening the database file: the part of starting
// the desk before its first frame that grows with the register.
func BenchmarkOpenStore(b *testing.B) {
	s := benchStore(b)
	path := s.Path()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		st, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.db.Close() // not Close: its checkpoint is not part of opening
		b.StartTimer()
	}
}
