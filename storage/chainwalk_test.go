package storage

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

// textEnv is a register with one refused request whose reason names a
// person: the refusal event's text is kept apart from the chain.
func textEnv(t *testing.T) (*testEnv, int64) {
	t.Helper()
	e := newTestEnv(t)
	r := e.logRequest(t, testRequest("Jane Patient", testDay(2026, 3, 9)), testPassport())
	e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActRefuse, Reason: "Mr Quentin Blackwood threatened staff"}, testNow)
	var seq int64
	if err := e.DB().QueryRow("SELECT seq FROM events WHERE action = 'refused'").Scan(&seq); err != nil {
		t.Fatal(err)
	}
	return e, seq
}

// TestEventTextsKeptApart: the reason is in event_texts, its salted digest
// in the chain, and nothing of it in the events table.
func TestEventTextsKeptApart(t *testing.T) {
	e, seq := textEnv(t)
	var detail, text string
	var digest, salt []byte
	if err := e.DB().QueryRow("SELECT e.detail, e.text_digest, t.salt, t.text FROM events e JOIN event_texts t USING (seq) WHERE seq = ?", seq).
		Scan(&detail, &digest, &salt, &text); err != nil {
		t.Fatal(err)
	}
	if detail != "in_progress → refused" || text != "Mr Quentin Blackwood threatened staff" || len(salt) != model.TextSaltSize ||
		!bytes.Equal(digest, model.TextDigest(salt, text)) {
		t.Fatalf("detail %q, text %q, salt %x, digest %x", detail, text, salt, digest)
	}
	var leaks int
	if err := e.DB().QueryRow("SELECT count(*) FROM events WHERE detail LIKE '%Blackwood%'").Scan(&leaks); err != nil || leaks != 0 {
		t.Fatalf("%d events carry the reason in their detail (%v)", leaks, err)
	}
	// Only events with a reason have a text; the others an empty digest.
	var withDigest, texts int
	e.DB().QueryRow("SELECT count(*) FROM events WHERE length(text_digest) > 0").Scan(&withDigest)
	e.DB().QueryRow("SELECT count(*) FROM event_texts").Scan(&texts)
	if withDigest != 1 || texts != 1 {
		t.Errorf("%d digests, %d texts, want 1 and 1", withDigest, texts)
	}
	res, err := e.VerifyChain(e.ctx)
	if err != nil || !res.OK() || res.Texts != 1 || res.Erased != 0 {
		t.Fatalf("verify: %+v %v", res, err)
	}
	// Two reasons that are the same text still get different salts.
	r := e.logRequest(t, testRequest("John Patient", testDay(2026, 3, 9)), testPassport())
	e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActRefuse, Reason: "Mr Quentin Blackwood threatened staff"}, testNow)
	var distinct int
	e.DB().QueryRow("SELECT count(DISTINCT text_digest) FROM events WHERE length(text_digest) > 0").Scan(&distinct)
	if distinct != 2 {
		t.Errorf("the same reason twice gave %d distinct digests, want 2", distinct)
	}
	// The table refuses edits; only deleting (erasing) is allowed.
	if _, err := e.DB().Exec("UPDATE event_texts SET text = 'x'"); err == nil || !strings.Contains(err.Error(), "never changed") {
		t.Errorf("edit of a text: %v, want refused", err)
	}
}

// TestVerifyChainChecksTexts: a kept text must match its digest; an erased
// one is counted, and the chain still verifies.
func TestVerifyChainChecksTexts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		q       string // %[1]d is the refusal's seq, %[2]d the event before it
		problem string // "" when the chain must still verify
		erased  int64
	}{
		{"erase the text", "DELETE FROM event_texts WHERE seq = %[1]d", "", 1},
		{"edit the text", "DROP TRIGGER event_texts_no_update; UPDATE event_texts SET text = 'manifestly excessive' WHERE seq = %[1]d",
			"the text of event #%[1]d was changed after it was written", 0},
		{"change the salt", "DROP TRIGGER event_texts_no_update; UPDATE event_texts SET salt = zeroblob(16) WHERE seq = %[1]d",
			"the text of event #%[1]d was changed", 0},
		{"trade a byte between salt and text", "DROP TRIGGER event_texts_no_update; UPDATE event_texts SET salt = substr(salt, 1, 15), text = CAST(substr(salt, 16, 1) || CAST(text AS BLOB) AS TEXT) WHERE seq = %[1]d",
			"the text of event #%[1]d was changed", 0},
		{"give an event a text it never had", "INSERT INTO event_texts (seq, salt, text) VALUES (%[2]d, zeroblob(16), 'added later')",
			"event #%[2]d has a text it was not written with", 0},
		{"drop the digest from the chain", "DROP TRIGGER events_no_update; UPDATE events SET text_digest = x'' WHERE seq = %[1]d",
			"event #%[1]d was changed after it was written", 0},
		{"a text for an event that does not exist", "PRAGMA foreign_keys = OFF; INSERT INTO event_texts (seq, salt, text) VALUES (1000000, zeroblob(16), 'stray')",
			"a text is stored for event #1000000, which is not in the audit trail", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, seq := textEnv(t)
			format := func(s string) string {
				if !strings.Contains(s, "%") {
					return s
				}
				return fmt.Sprintf(s, seq, seq-1)
			}
			q := format(tc.q)
			if _, err := e.DB().Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			res, err := e.VerifyChain(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tc.problem == "" {
				if !res.OK() || res.Erased != tc.erased || res.Texts != 0 || res.Count != int64(e.eventCount(t)) {
					t.Fatalf("%s: %+v, want a whole chain with %d erased", q, res, tc.erased)
				}
				return
			}
			want := format(tc.problem)
			if res.OK() || !strings.Contains(res.Problem, want) {
				t.Fatalf("%s: %+v, want %q", q, res, want)
			}
		})
	}
}

// TestVerifyChainLastEvent: the result's last event is the stored one,
// whole, with its time and hashes, and the walk ends on its hash.
func TestVerifyChainLastEvent(t *testing.T) {
	e, seq := textEnv(t)
	res, err := e.VerifyChain(e.ctx)
	if err != nil || !res.OK() {
		t.Fatal(res, err)
	}
	rows, err := e.DB().Query("SELECT "+eventCols+" FROM events WHERE seq >= ? ORDER BY seq", seq)
	if err != nil {
		t.Fatal(err)
	}
	var stored []model.Event
	for rows.Next() {
		ev, err := scanEvent(rows)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, ev)
	}
	rows.Close()
	last := stored[len(stored)-1]
	got := res.Last
	if got.Seq != last.Seq || !got.At.Equal(last.At) || got.ActorName != last.ActorName || got.Action != last.Action ||
		got.Reference != last.Reference || got.Detail != last.Detail || !bytes.Equal(got.TextDigest, last.TextDigest) ||
		!bytes.Equal(got.PrevHash, last.PrevHash) || !bytes.Equal(got.Hash, last.Hash) || !bytes.Equal(res.LastHash, last.Hash) {
		t.Errorf("last event\n got %+v\nwant %+v", got, last)
	}
	if !bytes.Equal(got.ComputeHash(got.PrevHash), got.Hash) {
		t.Error("the last event's hash does not match its fields")
	}
}

// TestCanonicalAt: the walk's shortcut gives exactly what parsing the
// stored time and formatting it for the hash gives.
func TestCanonicalAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{
		time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 10, 10, 0, 0, 500_000_000, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2026, 3, 29, 1, 30, 0, 10, testLondon),
		{},
	}
	for range 2000 {
		times = append(times, time.Unix(rng.Int64N(5e9), rng.Int64N(1e9)).UTC())
		times = append(times, time.Unix(rng.Int64N(5e9), int64(rng.IntN(1000))*1e6))
	}
	var buf []byte
	for _, at := range times {
		stored := fmtTime(at)
		if !isStoredTime(stored) {
			t.Fatalf("%q is not seen as a stored time", stored)
		}
		canonicalAt(&buf, stored)
		if want := model.CanonicalTime(parseTime(stored)); string(buf) != want {
			t.Fatalf("canonicalAt(%q) = %q, want %q", stored, buf, want)
		}
	}
	stored := fmtTime(times[1])
	if n := testing.AllocsPerRun(100, func() { canonicalAt(&buf, stored) }); n != 0 {
		t.Errorf("canonicalAt allocates %v times for a stored time", n)
	}
	// Anything not in the stored shape is parsed, as before.
	for _, s := range []string{
		"2026-03-10T10:00:00Z", "2026-03-10T10:00:00.5+01:00", "2026-02-30T10:00:00.000000000Z",
		"2026-13-10T10:00:00.000000000Z", "2026-03-10T24:00:00.000000000Z", "2026-03-10 10:00:00.000000000Z",
		"", "garbage", "2026-03-10T10:00:00.00000000xZ",
	} {
		canonicalAt(&buf, s)
		if want := model.CanonicalTime(parseTime(s)); string(buf) != want {
			t.Errorf("canonicalAt(%q) = %q, want %q", s, buf, want)
		}
	}
}

// TestVerifyChainInHalves: walking the chain in two halves finds exactly
// what one walk finds (the first fault, the counts, the last hash),
// whichever event is tampered with, on either side of the split and at it.
func TestVerifyChainInHalves(t *testing.T) {
	e := newTestEnv(t)
	for i := range 4 {
		r := e.logRequest(t, testRequest(fmt.Sprintf("Patient %c", 'A'+i), testDay(2026, 3, 9)), testPassport())
		if i%2 == 0 {
			e.apply(t, e.Lead, r.Reference, model.Op{Action: model.ActRefuse, Reason: fmt.Sprintf("reason %d", i)}, testNow)
		}
	}
	if _, err := e.DB().Exec("DELETE FROM event_texts WHERE seq = (SELECT min(seq) FROM event_texts)"); err != nil {
		t.Fatal(err) // one erased text, so the erased count is compared too
	}
	last := int64(e.eventCount(t))
	mid := last / 2
	var withText []int64
	rows, _ := e.DB().Query("SELECT seq FROM event_texts")
	for rows.Next() {
		var s int64
		rows.Scan(&s)
		withText = append(withText, s)
	}
	rows.Close()

	// Each case tampers with its own copy of the file.
	if _, err := e.DB().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(e.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer func(old int64) { chainSplitMin = old }(chainSplitMin)
	check := func(t *testing.T, name, q string) {
		t.Helper()
		copyPath := filepath.Join(t.TempDir(), "copy.db")
		if err := os.WriteFile(copyPath, file, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", dsn(copyPath, false))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		s := &Store{db: db, path: copyPath}
		if q != "" {
			if _, err := s.DB().Exec("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; DROP TRIGGER event_texts_no_update; PRAGMA foreign_keys = OFF; " + q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		one, err := s.walkChain(e.ctx, true, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		chainSplitMin = 2
		halves, err := s.VerifyChain(e.ctx)
		chainSplitMin = 100_000
		if err != nil {
			t.Fatal(err)
		}
		if one.BadSeq != halves.BadSeq || one.Problem != halves.Problem || one.Count != halves.Count || one.Texts != halves.Texts ||
			one.Erased != halves.Erased || !bytes.Equal(one.LastHash, halves.LastHash) || one.Last.Seq != halves.Last.Seq ||
			!bytes.Equal(one.Last.Hash, halves.Last.Hash) || !one.Last.At.Equal(halves.Last.At) {
			t.Errorf("%s (split after #%d of %d):\none walk %+v\n  halves %+v", name, mid, last, one, halves)
		}
		if cut := strings.HasPrefix(name, fmt.Sprintf("delete #%d", last)); (q == "" || cut) != one.OK() {
			t.Errorf("%s: ok %v", name, one.OK()) // cutting the last event is for a checkpoint to find
		}
	}
	check(t, "untouched", "")
	// Every kind of fault at each event near the ends and the split.
	for _, k := range []int64{1, 2, mid - 1, mid, mid + 1, mid + 2, last - 1, last} {
		check(t, fmt.Sprintf("delete #%d", k), fmt.Sprintf("DELETE FROM events WHERE seq = %d", k))
		check(t, fmt.Sprintf("change #%d", k), fmt.Sprintf("UPDATE events SET detail = detail || '.' WHERE seq = %d", k))
		check(t, fmt.Sprintf("relink #%d", k), fmt.Sprintf("UPDATE events SET prev_hash = randomblob(32) WHERE seq = %d", k))
		if !slices.Contains(withText, k) {
			check(t, fmt.Sprintf("add a text to #%d", k), fmt.Sprintf("INSERT INTO event_texts (seq, salt, text) VALUES (%d, zeroblob(16), 'x')", k))
		}
	}
	for _, k := range withText {
		check(t, fmt.Sprintf("edit the text of #%d", k), fmt.Sprintf("UPDATE event_texts SET text = 'x' WHERE seq = %d", k))
	}
	check(t, "two faults, one in each half", fmt.Sprintf("UPDATE events SET detail = 'x' WHERE seq IN (2, %d)", last-1))
	check(t, "cut the tail", fmt.Sprintf("DELETE FROM events WHERE seq >= %d", mid))
	check(t, "a row numbered 0", "INSERT INTO events (seq, at, action, prev_hash, hash) VALUES (0, '', 'x', x'', x'')")
	check(t, "a text after the end", fmt.Sprintf("INSERT INTO event_texts (seq, salt, text) VALUES (%d, zeroblob(16), 'x')", last+5))
}

// BenchmarkVerifyChainOneWalk is BenchmarkVerifyChain in one walk, not two
// halves at once: the cost of the walk itself, without the second core.
func BenchmarkVerifyChainOneWalk(b *testing.B) {
	defer func(old int64) { chainSplitMin = old }(chainSplitMin)
	chainSplitMin = 1 << 62
	BenchmarkVerifyChain(b)
}

// TestVerifyChainOfAnOlderFile: a file from before events had texts (an
// older backup checked before a restore) still verifies.
func TestVerifyChainOfAnOlderFile(t *testing.T) {
	e := newTestEnv(t)
	for i := range 3 {
		e.logRequest(t, testRequest(fmt.Sprintf("Patient %c", 'A'+i), testDay(2026, 3, 9)), testPassport())
	}
	if _, err := e.DB().Exec("DROP TABLE event_texts; ALTER TABLE events DROP COLUMN text_digest"); err != nil {
		t.Fatal(err)
	}
	for _, split := range []int64{100_000, 2} {
		func() {
			defer func(old int64) { chainSplitMin = old }(chainSplitMin)
			chainSplitMin = split
			res, err := e.VerifyChain(e.ctx)
			if err != nil || !res.OK() || res.Count != int64(e.eventCount(t)) {
				t.Fatalf("split at %d: %+v %v", split, res, err)
			}
		}()
	}
	if _, err := e.DB().Exec("DROP TRIGGER events_no_update; UPDATE events SET detail = 'x' WHERE seq = 3"); err != nil {
		t.Fatal(err)
	}
	if res, err := e.VerifyChain(e.ctx); err != nil || res.OK() || res.BadSeq != 3 {
		t.Fatalf("a change in an older file: %+v %v", res, err)
	}
}
