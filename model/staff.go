package model

import "time"

// Staff is a member of the clinic's staff. Staff are never deleted (the
// audit trail names them): they are deactivated.
type Staff struct {
	ID        int64
	Name      string
	Role      Role
	Active    bool
	HasPIN    bool
	CreatedAt time.Time
}

// MaxFailedAttempts is how many wrong passphrases a name may have before
// each further attempt must wait.
const MaxFailedAttempts = 5

// MaxThrottle caps the wait between attempts.
const MaxThrottle = 15 * time.Minute

// ThrottleWait is how long to wait before the next attempt after failed
// wrong attempts in a row: nothing for the first five, then 1s doubling
// each time, up to 15 minutes.
func ThrottleWait(failed int) time.Duration {
	if failed < MaxFailedAttempts {
		return 0
	}
	n := failed - MaxFailedAttempts
	if n > 20 {
		return MaxThrottle
	}
	d := time.Second << n
	return min(d, MaxThrottle)
}
