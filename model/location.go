package model

import (
	"sync"
	"time"
)

// locations caches time zones by name: time.LoadLocation reads and parses
// the zone file on every call, and the clinic's zone is asked for on every
// Today() (an import of 100,000 rows asks 200,000 times).
var locations sync.Map // name → *time.Location

// loadLocation is time.LoadLocation, remembered.
func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}
