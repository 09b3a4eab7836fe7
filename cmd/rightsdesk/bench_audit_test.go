package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"rightsdesk/storage"
)

// BenchmarkAuditVerify is `rightsdesk audit verify` on the register's
// audit trail of about a million events, run in this process as the
// binary runs it: opening the database, re-walking the chain and noting
// when it was verified. Budget: under 5 s. open-ms is the share spent
// opening the database.
func BenchmarkAuditVerify(b *testing.B) {
	path := benchRegister(b)
	ctx := context.Background()
	var open time.Duration
	var cpu time.Duration
	var peak uint64
	var out bytes.Buffer
	for range b.N {
		b.StopTimer()
		start := time.Now()
		st, err := storage.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		open += time.Since(start)
		st.Close()
		b.StartTimer()

		out.Reset()
		var errs bytes.Buffer
		cpu0 := processCPU()
		var code int
		peak = max(peak, peakResident(func() {
			code = run(ctx, []string{"--db", path, "audit", "verify"}, strings.NewReader(""), &out, &errs)
		}))
		cpu += processCPU() - cpu0
		if code != 0 || !strings.Contains(out.String(), "verified ") {
			b.Fatalf("audit verify: exit %d\n%s%s", code, out.String(), errs.String())
		}
	}
	b.ReportMetric(open.Seconds()*1000/float64(b.N), "open-ms")
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
	b.Logf("%s", strings.TrimSpace(out.String()))
}
