package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// benchRequests is how many requests the board benchmark loads.
const benchRequests = 100_000

// benchStore opens a database of 100,000 requests, building it once and
// keeping it in the temp folder for later runs (it takes a few seconds).
func benchStore(b *testing.B) (*storage.Store, model.Staff) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("rightsdesk-bench-%d-v1.db", benchRequests))
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", tmp + ".lock"} {
			os.Remove(p)
		}
		st, err := storage.Open(ctx, tmp)
		if err != nil {
			b.Fatal(err)
		}
		if err := bulkRequests(ctx, st, benchRequests); err != nil {
			b.Fatal(err)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		os.Remove(tmp + ".lock")
	}
	st, err := storage.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	admin, err := st.StaffByName(ctx, "Ada Admin")
	if err != nil {
		b.Fatal(err)
	}
	return st, admin
}

// bulkRequests sets up a clinic and inserts n requests with plain SQL in
// one transaction: the benchmark needs many rows fast, not n audited
// transactions. The rows are what LogRequest would store for open
// requests spread over the last two months.
func bulkRequests(ctx context.Context, st *storage.Store, n int) error {
	admin, err := st.Setup(ctx, model.DefaultSettings(), "Ada Admin", adminPass, fixedNow)
	if err != nil {
		return err
	}
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	subj, err := tx.PrepareContext(ctx, "INSERT INTO subjects (name, name_key, date_of_birth) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	req, err := tx.PrepareContext(ctx, `INSERT INTO requests (reference, kind, channel, rule, nation, received_at, received_on, subject_id,
		requester_name, requester_key, relationship, status, open, verified, clock_start, due_on, effective_due_on, created_by)
		VALUES (?, ?, 'desk', 'uk-gdpr', 'england-and-wales', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	first := []string{"Ada", "Grace", "Alan", "Mia", "Katherine", "Edsger", "Tom", "Jo", "Sam", "Lee"}
	last := []string{"Lovelace", "Hopper", "Turing", "Child", "Johnson", "Dijkstra", "Young", "Parent", "Second", "Lead"}
	for i := range n {
		name := fmt.Sprintf("%s %s %c", first[i%10], last[(i/10)%10], 'a'+rune(i/100%26))
		res, err := subj.ExecContext(ctx, name, toLowerASCII(name), fmt.Sprintf("%04d-%02d-%02d", 1950+i%60, 1+i%12, 1+i%28))
		if err != nil {
			return err
		}
		sid, _ := res.LastInsertId()
		recv := model.AddDays(model.DateOf(fixedNow), -(i % 60))
		due := model.MonthsLater(recv, 1)
		status, verified := model.StatusInProgress, 1
		if i%4 == 0 {
			status, verified = model.StatusAwaitingVerification, 0
		}
		rel, rname := model.RelSelf, name
		if i%7 == 0 {
			rel, rname = model.RelParent, "Pat Parent"
		}
		if _, err := req.ExecContext(ctx, model.FormatReference(2026, i+1), model.Kinds[i%len(model.Kinds)],
			recv.Add(9*time.Hour).Format(time.RFC3339), recv.Format(time.DateOnly), sid, rname, toLowerASCII(rname), rel,
			status, verified, recv.Format(time.DateOnly), due.Format(time.DateOnly), due.Format(time.DateOnly), admin.ID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// BenchmarkBoardKeystroke is one key on the board (cursor down) with
// 100,000 open requests: Update, any window read it triggers, and View.
func BenchmarkBoardKeystroke(b *testing.B) {
	st, admin := benchStore(b)
	set, err := st.Settings(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	m := New(Deps{Store: st, Now: func() time.Time { return fixedNow }, Width: 120, Height: 40, Profile: colorprofile.ASCII, IdleCheck: -1})
	drive(b, m, m.Init())
	admin.HasPIN = true
	drive(b, m, signedInMsg{staff: admin, settings: set})
	bd, ok := m.top().(*board)
	if !ok || bd.total != benchRequests {
		b.Fatalf("board not loaded: %T total %d", m.top(), bd.total)
	}
	down := press("down")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_, cmd := m.Update(down)
		if cmd != nil {
			drive(b, m, cmd)
		}
		_ = m.View()
	}
	b.StopTimer()
	b.ReportMetric(float64(len(bd.rows)), "rows-held")
}
