package trust

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// The test binary doubles as the child processes the crash and
// concurrency tests start: with envChild set, TestMain runs that child's
// loop instead of the tests.
const (
	envChild  = "RIGHTSDESK_TRUST_CHILD" // "crashwriter" or "worker"
	envDB     = "RIGHTSDESK_TRUST_DB"
	envWorker = "RIGHTSDESK_TRUST_WORKER"
	envCount  = "RIGHTSDESK_TRUST_COUNT"
	envGo     = "RIGHTSDESK_TRUST_GO" // a file whose appearance starts the workers together
)

func TestMain(m *testing.M) {
	switch os.Getenv(envChild) {
	case "":
		os.Exit(m.Run())
	case "crashwriter":
		os.Exit(crashWriter())
	case "worker":
		os.Exit(worker())
	default:
		fmt.Fprintln(os.Stderr, "unknown child", os.Getenv(envChild))
		os.Exit(3)
	}
}

// now is the children's and tests' clock.
var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

const adminPass = "correct horse battery staple"

// request is an adult's own access request with strong identity evidence:
// it goes straight to in progress.
func request(name string) model.Request {
	return model.Request{
		Kind:       model.KindAccess,
		Channel:    model.ChannelDesk,
		Rule:       model.RuleUKGDPR,
		ReceivedAt: now.Add(-time.Hour),
		Subject:    model.Subject{Name: name, DateOfBirth: time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)},
		Requester:  model.Requester{Relationship: model.RelSelf},
		Evidence: []model.Evidence{{Kind: model.EvidenceIdentity, Method: model.MethodInPerson,
			Document: string(model.DocPassport), IssuingCountry: "GB"}},
	}
}

// setUp makes a new database with an admin and a lead, in a temporary
// folder on disk.
func setUp(t testing.TB) (path string, admin, lead model.Staff) {
	t.Helper()
	return setUpIn(t, t.TempDir())
}

// memDir is a temporary folder in memory (/dev/shm) where there is one,
// else on disk. Tests of locking, not of durability, use it: every commit
// syncs the disk, and thousands of syncs would only measure the disk.
func memDir(t testing.TB) string {
	t.Helper()
	if info, err := os.Stat("/dev/shm"); err == nil && info.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "rightsdesk-trust-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

func setUpIn(t testing.TB, dir string) (path string, admin, lead model.Staff) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(dir, "rightsdesk.db")
	s, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	set := model.DefaultSettings()
	set.TimeZone = "UTC"
	admin, err = s.Setup(ctx, set, "Ada Admin", adminPass, now.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	lead, err = s.AddStaff(ctx, admin, "Lee Lead", model.RoleLead, "lee lead passphrase", now.AddDate(0, -1, 0))
	if err != nil {
		t.Fatal(err)
	}
	return path, admin, lead
}

// open opens a store the test closes at its end.
func open(t testing.TB, path string) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// integrityOK runs the full integrity_check.
func integrityOK(t testing.TB, s *storage.Store) {
	t.Helper()
	if why := integrity(s); why != "" {
		t.Fatalf("integrity_check: %s", why)
	}
}

// integrity runs the full integrity_check and returns its first complaint,
// or "" when the file is whole. (Safe to call from any goroutine.)
func integrity(s *storage.Store) string {
	rows, err := s.DB().Query("PRAGMA integrity_check")
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		rows.Scan(&line)
		if line != "ok" {
			return line
		}
	}
	if err := rows.Err(); err != nil {
		return err.Error()
	}
	return ""
}

// chainOK verifies the audit chain and returns it.
func chainOK(t testing.TB, s *storage.Store) storage.ChainResult {
	t.Helper()
	res, err := s.VerifyChain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("the audit chain does not verify: %s", res.Problem)
	}
	return res
}

func count(t testing.TB, s *storage.Store, q string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// childStore opens the child's database and finds its staff member by
// name (children are test code: they skip the deliberately slow hashing).
func childStore(name string) (*storage.Store, model.Staff, error) {
	ctx := context.Background()
	s, err := storage.Open(ctx, os.Getenv(envDB))
	if err != nil {
		return nil, model.Staff{}, err
	}
	st, err := s.StaffByName(ctx, name)
	if err != nil {
		s.Close()
		return nil, model.Staff{}, err
	}
	return s, st, nil
}

// crashWriter logs requests until it is killed, printing each reference
// once LogRequest has returned: a printed reference is a promise that the
// request is saved.
func crashWriter() int {
	ctx := context.Background()
	s, admin, err := childStore("Ada Admin")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashwriter:", err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		r, err := s.LogRequest(ctx, admin, request("Crash Patient"), now)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crashwriter:", err)
			return 1
		}
		fmt.Fprintln(out, r.Reference)
		out.Flush()
		// Other kinds of transaction, for the kill to land in.
		if i%3 == 0 {
			if err := s.AddNote(ctx, admin, r.Reference, "called back", now); err != nil {
				fmt.Fprintln(os.Stderr, "crashwriter:", err)
				return 1
			}
		}
	}
}

// worker logs envCount requests as the lead and moves each one on (pause,
// complete or withdraw), printing every reference. Any error ends it with
// status 1: under load a desk must never show one.
func worker() int {
	ctx := context.Background()
	n, _ := strconv.Atoi(os.Getenv(envCount))
	id := os.Getenv(envWorker)
	s, lead, err := childStore("Lee Lead")
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	defer s.Close()
	for {
		if _, err := os.Stat(os.Getenv(envGo)); err == nil {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	ops := []model.Op{
		{Action: model.ActPause, PauseReason: model.PauseAwaitingClarification},
		{Action: model.ActComplete},
		{Action: model.ActWithdraw, Reason: "the patient withdrew by phone"},
	}
	for i := range n {
		r, err := s.LogRequest(ctx, lead, request("Worker Patient"), now)
		if err != nil {
			fmt.Fprintf(os.Stderr, "worker %s: log %d: %v\n", id, i, err)
			return 1
		}
		if _, err := s.Apply(ctx, lead, r.Reference, ops[i%len(ops)], now); err != nil {
			fmt.Fprintf(os.Stderr, "worker %s: apply %d: %v\n", id, i, err)
			return 1
		}
		fmt.Fprintln(out, r.Reference)
	}
	return 0
}
