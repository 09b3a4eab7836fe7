package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"rightsdesk/model"
)

// pagingStore is a small register with many closed requests, many of them
// closed on the same day (the key's id breaks the tie), and two given an
// older register's reference that starts like a surname: one whose patient
// has that surname too, one whose patient has not. It is made once and
// copied for each test.
func pagingStore(t *testing.T) *Store {
	t.Helper()
	pagingTemplate.once.Do(func() { pagingTemplate.db, pagingTemplate.err = makePagingTemplate() })
	if pagingTemplate.err != nil {
		t.Fatal(pagingTemplate.err)
	}
	path := filepath.Join(t.TempDir(), "paging.db")
	if err := os.WriteFile(path, pagingTemplate.db, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var pagingTemplate struct {
	once sync.Once
	db   []byte
	err  error
}

func makePagingTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "rightsdesk-paging-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "paging.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	if _, err := s.GenerateDemo(context.Background(), DemoOptions{Requests: 300, Seed: 5, Now: demoNow}); err != nil {
		s.Close()
		return nil, err
	}
	var named, other int64
	if err := s.db.QueryRow(`SELECT r.id FROM requests r JOIN subjects p ON p.id = r.subject_id
		WHERE r.open = 0 AND p.name LIKE '%smi%' ORDER BY r.id LIMIT 1`).Scan(&named); err != nil {
		s.Close()
		return nil, fmt.Errorf("no closed Smith: %w", err)
	}
	if err := s.db.QueryRow(`SELECT r.id FROM requests r JOIN subjects p ON p.id = r.subject_id
		WHERE r.open = 0 AND p.name NOT LIKE '%smi%' AND r.requester_name NOT LIKE '%smi%' ORDER BY r.id LIMIT 1`).Scan(&other); err != nil {
		s.Close()
		return nil, err
	}
	if _, err := s.db.Exec(`UPDATE requests SET reference = 'SMIOLD-' || id WHERE id IN (?, ?)`, named, other); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Close(); err != nil { // checkpointed: the file is whole
		return nil, err
	}
	return os.ReadFile(path)
}

func closedRefs(rows []model.Summary) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Reference
	}
	return out
}

// Reading the closed list by key gives the same rows, in the same order,
// as reading it by offset: forwards from the top, backwards from the end,
// and any window after or before a row, with and without a filter.
func TestClosedListByKey(t *testing.T) {
	ctx := context.Background()
	s := pagingStore(t)
	var sameDay int
	if err := s.db.QueryRow("SELECT max(n) FROM (SELECT count(*) AS n FROM requests WHERE open = 0 GROUP BY closed_on)").Scan(&sameDay); err != nil || sameDay < 2 {
		t.Fatalf("no two requests closed on one day (%d, %v): the test needs a tie", sameDay, err)
	}
	const win = 7
	for _, base := range []Filter{
		{Scope: ScopeClosed},
		{Scope: ScopeClosed, Status: model.StatusCompleted},
		{Scope: ScopeClosed, Kind: model.KindAccess},
	} {
		list := func(f Filter) []string {
			t.Helper()
			rows, err := s.ListSummaries(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return closedRefs(rows)
		}
		all, err := s.ListSummaries(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 5*win {
			t.Fatalf("%+v: only %d closed requests", base, len(all))
		}
		want := closedRefs(all)

		var forward []string
		f := base
		f.Limit = win
		for {
			page := list(f)
			forward = append(forward, page...)
			if len(page) < win {
				break
			}
			last := all[len(forward)-1]
			k := KeyOf(last)
			f.After = &k
		}
		if !slices.Equal(forward, want) {
			t.Errorf("%+v: forwards by key\n got %v\nwant %v", base, forward, want)
		}

		var backward []string
		f = base
		f.Limit, f.FromEnd = win, true
		for {
			page := list(f)
			backward = append(slices.Clone(page), backward...)
			if len(page) < win {
				break
			}
			k := KeyOf(all[len(all)-len(backward)])
			f.FromEnd, f.Before = false, &k
		}
		if !slices.Equal(backward, want) {
			t.Errorf("%+v: backwards by key\n got %v\nwant %v", base, backward, want)
		}

		for _, i := range []int{1, win, len(all) / 2, len(all) - win, len(all) - 1} {
			f = base
			f.Limit = win
			k := KeyOf(all[i-1])
			f.After = &k
			if got, want := list(f), want[i:min(len(want), i+win)]; !slices.Equal(got, want) {
				t.Errorf("%+v: %d after #%d: got %v, want %v", base, win, i-1, got, want)
			}
			f.After = nil
			k = KeyOf(all[i])
			f.Before = &k
			if got, want := list(f), want[max(0, i-win):i]; !slices.Equal(got, want) {
				t.Errorf("%+v: %d before #%d: got %v, want %v", base, win, i, got, want)
			}
		}
	}
}

var pagingSearches = []string{"s", "sm", "smi", "smith", "SMIOLD", "jo", "o'", "zzz", "r-2", "R-20", "r-2024-0", "a b"}

// A search among the closed requests reads the same window whether it
// walks the closed list in order or sorts the matches.
func TestClosedSearchEitherWay(t *testing.T) {
	ctx := context.Background()
	s := pagingStore(t)
	walkFrom := searchWalkFrom
	t.Cleanup(func() { searchWalkFrom = walkFrom })
	for _, typed := range pagingSearches {
		for _, base := range []Filter{
			{Scope: ScopeClosed, Search: typed},
			{Scope: ScopeClosed, Search: typed, Status: model.StatusCompleted},
			{Scope: ScopeClosed, Search: typed, Limit: 5},
			{Scope: ScopeClosed, Search: typed, Limit: 5, Offset: 3},
		} {
			read := func(from int) []string {
				t.Helper()
				searchWalkFrom = from
				rows, err := s.ListSummaries(ctx, base)
				if err != nil {
					t.Fatalf("%+v: %v", base, err)
				}
				return closedRefs(rows)
			}
			sorted, walked := read(1<<30), read(1)
			if !slices.Equal(sorted, walked) {
				t.Errorf("%+v: sorted %v, walked %v", base, sorted, walked)
			}
			if typed == "SMIOLD" && base.Limit == 0 && base.Status == "" && len(sorted) != 2 {
				t.Errorf("an older register's reference: found %v", sorted)
			}
		}
	}
}

// A count up to a limit is the exact count while it is under the limit,
// and says when there are more.
func TestCountUpTo(t *testing.T) {
	ctx := context.Background()
	s := pagingStore(t)
	lead, err := s.StaffByName(ctx, "Lee Lead")
	if err != nil {
		t.Fatal(err)
	}
	var some bool
	for _, typed := range append([]string{""}, pagingSearches...) {
		for _, base := range []Filter{
			{Scope: ScopeClosed, Search: typed},
			{Scope: ScopeOpen, Search: typed},
			{Scope: ScopeAll, Search: typed},
			{Scope: ScopeClosed, Search: typed, Status: model.StatusRefused},
			{Scope: ScopeOpen, Search: typed, OwnerID: lead.ID},
		} {
			exact, err := s.CountRequests(ctx, base)
			if err != nil {
				t.Fatal(err)
			}
			some = some || exact > 3
			for _, limit := range []int{0, 1, 3, 1000} {
				n, more, err := s.CountRequestsUpTo(ctx, base, limit)
				if err != nil {
					t.Fatal(err)
				}
				if n != min(exact, limit) || more != (exact > limit) {
					t.Errorf("%+v up to %d: %d (more %v), exact %d", base, limit, n, more, exact)
				}
			}
		}
	}
	if !some {
		t.Error("no search matched more than three requests: the test checks nothing")
	}
}
