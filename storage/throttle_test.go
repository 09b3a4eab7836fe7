package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

func TestThrottleWaitDoublesUpToFifteenMinutes(t *testing.T) {
	want := map[int]time.Duration{0: 0, 4: 0, 5: time.Second, 6: 2 * time.Second, 7: 4 * time.Second, 14: 512 * time.Second,
		15: model.MaxThrottle, 16: model.MaxThrottle, 100: model.MaxThrottle, 1 << 30: model.MaxThrottle}
	for failed, w := range want {
		if got := model.ThrottleWait(failed); got != w {
			t.Errorf("ThrottleWait(%d) = %v, want %v", failed, got, w)
		}
	}
	prev := time.Duration(0)
	for n := range 200 {
		w := model.ThrottleWait(n)
		if w < prev || w > model.MaxThrottle {
			t.Fatalf("ThrottleWait(%d) = %v after %v", n, w, prev)
		}
		prev = w
	}
}

// trustThrottled fails unless err is a ThrottledError asking for wait.
func trustThrottled(t *testing.T, err error, wait time.Duration) {
	t.Helper()
	var te *ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("want a ThrottledError, got %v", err)
	}
	if te.Wait != wait {
		t.Fatalf("wait %v, want %v", te.Wait, wait)
	}
	if !strings.Contains(te.Error(), "wait") {
		t.Fatalf("message %q does not say to wait", te.Error())
	}
}

// Five wrong passphrases for a name are free; then each attempt waits
// twice as long as the last. The count is in the database, so reopening the
// store (a restart) does not reset it, and the right passphrase during the
// wait is refused too. Lockouts are events.
func TestSignInThrottleSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	desk := trustStaff(t, s, admin, "Dee Desk", model.RoleDesk)
	now := trustNow
	for i := range model.MaxFailedAttempts {
		if _, err := s.Authenticate(ctx, "dee desk", "wrong passphrase!", now); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	_, err := s.Authenticate(ctx, "Dee Desk", "Dee Desk passphrase", now)
	trustThrottled(t, err, time.Second)

	// A restart keeps the count.
	path := s.Path()
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Authenticate(ctx, "Dee Desk", "Dee Desk passphrase", now.Add(500*time.Millisecond))
	trustThrottled(t, err, 500*time.Millisecond)

	// After the wait one more wrong attempt is heard, and the next wait doubles.
	now = now.Add(time.Second)
	if _, err := s.Authenticate(ctx, "Dee Desk", "still wrong!!", now); !errors.Is(err, ErrBadLogin) {
		t.Fatalf("after the wait: %v", err)
	}
	_, err = s.Authenticate(ctx, "Dee Desk", "Dee Desk passphrase", now)
	trustThrottled(t, err, 2*time.Second)
	now = now.Add(2 * time.Second)
	if _, err := s.Authenticate(ctx, "Dee Desk", "still wrong!!", now); !errors.Is(err, ErrBadLogin) {
		t.Fatal(err)
	}
	_, err = s.Authenticate(ctx, "Dee Desk", "Dee Desk passphrase", now)
	trustThrottled(t, err, 4*time.Second)

	// Another name is not held up.
	if _, err := s.Authenticate(ctx, "Ada Admin", trustAdminPass, now); err != nil {
		t.Fatalf("another member was throttled: %v", err)
	}

	// The right passphrase after the wait signs in and clears the count.
	now = now.Add(4 * time.Second)
	got, err := s.Authenticate(ctx, "Dee Desk", "Dee Desk passphrase", now)
	if err != nil || got.ID != desk.ID {
		t.Fatalf("sign in after the wait: %+v %v", got, err)
	}
	for range model.MaxFailedAttempts - 1 {
		s.Authenticate(ctx, "Dee Desk", "wrong passphrase!", now)
	}
	if _, err := s.Authenticate(ctx, "Dee Desk", "Dee Desk passphrase", now); err != nil {
		t.Fatalf("the count was not cleared by a good sign-in: %v", err)
	}

	// Each attempt from the fifth wrong one on is an event naming the
	// member by number, never the passphrase tried.
	var lockouts []model.Event
	for _, e := range trustEvents(t, s) {
		if e.Action == "sign_in_throttled" {
			lockouts = append(lockouts, e)
		}
		if strings.Contains(e.Detail, "wrong passphrase") || strings.Contains(e.Detail, "still wrong") {
			t.Errorf("an event holds a passphrase tried: %+v", e)
		}
	}
	if len(lockouts) != 3 {
		t.Fatalf("%d lockout events, want 3", len(lockouts))
	}
	if !strings.Contains(lockouts[0].Detail, "5 wrong attempts") || !strings.Contains(lockouts[0].Detail, "1s") {
		t.Errorf("first lockout: %q", lockouts[0].Detail)
	}
}

// The idle-lock unlock (PIN or passphrase) shares the count: guessing PINs
// is throttled like guessing passphrases.
func TestUnlockIsThrottledToo(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	desk := trustStaff(t, s, admin, "Dee Desk", model.RoleDesk)
	if err := s.SetPIN(ctx, desk, "123456", trustNow); !model.IsUserError(err) {
		t.Fatalf("a common PIN was accepted: %v", err)
	}
	if err := s.SetPIN(ctx, desk, "418273", trustNow); err != nil {
		t.Fatal(err)
	}
	for i := range model.MaxFailedAttempts {
		if _, err := s.UnlockWithPIN(ctx, desk.ID, "000000", trustNow); !errors.Is(err, ErrBadLogin) {
			t.Fatalf("PIN attempt %d: %v", i+1, err)
		}
	}
	_, err := s.UnlockWithPIN(ctx, desk.ID, "418273", trustNow)
	trustThrottled(t, err, time.Second)
	_, err = s.UnlockWithPassphrase(ctx, desk.ID, "Dee Desk passphrase", trustNow)
	trustThrottled(t, err, time.Second)
	if _, err := s.UnlockWithPIN(ctx, desk.ID, "418273", trustNow.Add(time.Second)); err != nil {
		t.Fatalf("unlock after the wait: %v", err)
	}
}

// An unknown name costs the same hashing and says the same as a wrong
// passphrase, so names cannot be probed.
func TestUnknownNameLooksLikeAWrongPassphrase(t *testing.T) {
	s, _ := trustStore(t)
	_, err := s.Authenticate(context.Background(), "Nobody Here", "some passphrase", trustNow)
	if !errors.Is(err, ErrBadLogin) {
		t.Fatalf("unknown name: %v", err)
	}
}
