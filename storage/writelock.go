package storage

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Writers take turns before SQLite sees them. SQLite's busy handler polls
// with growing sleeps, so a desk that writes in quick succession can
// starve another for the whole busy timeout and make it fail with "busy"
// (seen in tests: one goroutine wrote 500 times while another waited 11 s).
// A queue in the process (a channel, whose waiters are served in order)
// and a blocking flock on the database's .lock file across processes wake
// the next writer as soon as the last one commits.

// turnWait bounds the wait for a turn; past it the write goes ahead and
// SQLite's own busy timeout decides, so a stuck process cannot hang others.
const turnWait = 20 * time.Second

type writeQueue struct {
	turn chan struct{} // holds one token: the turn
	lock *os.File      // the .lock file, or nil when it cannot be opened
}

var (
	queuesMu sync.Mutex
	queues   = map[string]*writeQueue{}
)

func queueFor(path string) *writeQueue {
	key, err := filepath.Abs(path)
	if err != nil {
		key = path
	}
	queuesMu.Lock()
	defer queuesMu.Unlock()
	q, ok := queues[key]
	if !ok {
		q = &writeQueue{turn: make(chan struct{}, 1)}
		q.turn <- struct{}{}
		// Kept open for the life of the process: one descriptor per
		// database, shared by every Store on it.
		f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			f, err = os.Open(path + ".lock")
		}
		if err == nil {
			q.lock = f
		}
		queues[key] = q
	}
	return q
}

// writeTurn waits for this process's and then the database's turn to
// write, and returns the function that hands the turn on. Used as
// `defer s.writeTurn(ctx)()` at the top of Store.write.
func (s *Store) writeTurn(ctx context.Context) func() {
	q := queueFor(s.path)
	timer := time.NewTimer(turnWait)
	defer timer.Stop()
	select {
	case <-q.turn:
	case <-ctx.Done():
		return func() {}
	case <-timer.C:
		return func() {}
	}
	if q.lock == nil {
		return func() { q.turn <- struct{}{} }
	}
	locked := make(chan bool, 1)
	go func() {
		locked <- syscall.Flock(int(q.lock.Fd()), syscall.LOCK_EX) == nil
	}()
	select {
	case ok := <-locked:
		if !ok {
			return func() { q.turn <- struct{}{} }
		}
		return func() {
			_ = syscall.Flock(int(q.lock.Fd()), syscall.LOCK_UN)
			q.turn <- struct{}{}
		}
	case <-ctx.Done():
	case <-timer.C:
	}
	// Gave up waiting: when the flock comes it is handed straight back,
	// and only then is this process's turn passed on.
	go func() {
		if <-locked {
			_ = syscall.Flock(int(q.lock.Fd()), syscall.LOCK_UN)
		}
		q.turn <- struct{}{}
	}()
	return func() {}
}
