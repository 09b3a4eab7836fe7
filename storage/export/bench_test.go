package export

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"rightsdesk/model"
)

// BenchmarkExportLargeAttachments exports a response package holding 200 MB
// of attachments (two 100 MB files of random bytes, which do not compress)
// and reports the peak heap in use while it runs. The target is under
// 64 MB: attachments are streamed from disk into the ZIP, never held whole
// (holding even one of them would break it). sys-growth-MB is how much
// more memory the process took from the system during the export.
//
//	go test -run '^$' -bench ExportLargeAttachments -benchtime 1x ./storage/export
func BenchmarkExportLargeAttachments(b *testing.B) {
	const (
		files    = 2
		fileSize = 100 << 20
		target   = 64 << 20
	)
	f := newFixture(b)
	r := f.log(b, adultAccess("Анна Каренина"))
	src := b.TempDir()
	rng := rand.NewChaCha8([32]byte{42})
	chunk := make([]byte, 1<<20)
	for i := range files {
		p := filepath.Join(src, fmt.Sprintf("records-%d.bin", i+1))
		out, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		for range fileSize / len(chunk) {
			rng.Read(chunk)
			if _, err := out.Write(chunk); err != nil {
				b.Fatal(err)
			}
		}
		if err := out.Close(); err != nil {
			b.Fatal(err)
		}
		if _, err := f.st.AttachFile(ctx, f.desk, r.Reference, p, f.now); err != nil {
			b.Fatal(err)
		}
		os.Remove(p) // the store holds its own copy; spare the disk
	}
	chunk = nil
	f.apply(b, r.Reference, model.Op{Action: model.ActComplete})
	outDir := b.TempDir()

	runtime.GC()
	var start runtime.MemStats
	runtime.ReadMemStats(&start)
	var peakHeap, peakSys uint64
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peakHeap = max(peakHeap, ms.HeapInuse)
			peakSys = max(peakSys, ms.Sys)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	b.SetBytes(files * fileSize)
	b.ResetTimer()
	for range b.N {
		res, err := Response(ctx, f.st, f.lead, r.Reference, Options{OutDir: outDir, Now: f.now})
		if err != nil {
			b.Fatal(err)
		}
		if res.Size < files*fileSize {
			b.Fatalf("package is %d bytes, smaller than its attachments", res.Size)
		}
		b.StopTimer()
		os.Remove(res.Path)
		b.StartTimer()
	}
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peakSys-start.Sys)/(1<<20), "sys-growth-MB")
	if peakHeap >= target {
		b.Errorf("peak heap in use %.1f MB, target under %d MB", float64(peakHeap)/(1<<20), target>>20)
	}
}
