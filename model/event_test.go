package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"testing"
	"time"
)

func sampleEvent() Event {
	return Event{
		Seq:       42,
		At:        time.Date(2026, 3, 10, 10, 0, 0, 123456789, time.UTC),
		ActorID:   7,
		ActorName: "Dee Desk",
		Action:    "logged",
		Reference: "R-2026-0042",
		Detail:    "access by desk under uk-gdpr",
	}
}

// canonicalByHand encodes the fields as the format says, independently of
// Event.Canonical: a version tag, then every field as an 8-byte big-endian
// length and its bytes.
func canonicalByHand(fields ...string) []byte {
	var b []byte
	for _, f := range append([]string{"rightsdesk-event-v1"}, fields...) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

func TestEventCanonicalFormat(t *testing.T) {
	e := sampleEvent()
	want := canonicalByHand("42", "2026-03-10T10:00:00.123456789Z", "7", "Dee Desk", "logged", "R-2026-0042", "access by desk under uk-gdpr")
	if got := e.Canonical(); !bytes.Equal(got, want) {
		t.Fatalf("Canonical =\n%q\nwant\n%q", got, want)
	}
	prev := bytes.Repeat([]byte{0xab}, HashSize)
	sum := sha256.Sum256(append(append([]byte(nil), prev...), want...))
	if got := e.ComputeHash(prev); !bytes.Equal(got, sum[:]) {
		t.Fatalf("ComputeHash = %x, want SHA-256(prev || canonical) = %x", got, sum)
	}
	// A fixed answer, so that a change to the encoding cannot pass unseen:
	// every stored chain would stop verifying.
	const golden = "429a6f6475736b2131a48f65ced67ecbad7df5dd81698c292738242f8338287f"
	if got := hex.EncodeToString(e.ComputeHash(make([]byte, HashSize))); got != golden {
		t.Errorf("hash of the sample event after the zero hash = %s, want %s", got, golden)
	}
	if len(e.ComputeHash(nil)) != HashSize || HashSize != 32 {
		t.Fatalf("hash size %d", len(e.ComputeHash(nil)))
	}
}

// TestEventHashIsUnambiguous: moving bytes from one field to the next, or
// changing any field, changes the encoding and the hash.
func TestEventHashIsUnambiguous(t *testing.T) {
	base := sampleEvent()
	prev := make([]byte, HashSize)
	seen := map[string]string{string(base.ComputeHash(prev)): "base"}
	add := func(name string, e Event) {
		t.Helper()
		h := string(e.ComputeHash(prev))
		if other, ok := seen[h]; ok {
			t.Errorf("%s hashes the same as %s", name, other)
		}
		seen[h] = name
	}
	// Every split of the same bytes between each pair of neighbouring text
	// fields: "Dee Desk"+"logged" as "Dee Desklogged"+"", "Dee Deskl"+"ogged", ...
	type pair struct {
		name string
		get  func(*Event) (*string, *string)
	}
	pairs := []pair{
		{"name|action", func(e *Event) (*string, *string) { return &e.ActorName, &e.Action }},
		{"action|reference", func(e *Event) (*string, *string) { return &e.Action, &e.Reference }},
		{"reference|detail", func(e *Event) (*string, *string) { return &e.Reference, &e.Detail }},
	}
	for _, p := range pairs {
		e := base
		a, b := p.get(&e)
		joined := *a + *b
		for cut := 0; cut <= len(joined); cut++ {
			if cut == len(*a) {
				continue // the base itself
			}
			e := base
			a, b := p.get(&e)
			*a, *b = joined[:cut], joined[cut:]
			add(fmt.Sprintf("%s cut at %d", p.name, cut), e)
		}
	}
	// The same bytes moved between the number fields and text.
	e := base
	e.Seq, e.ActorID = 427, 0
	add("seq/actor shifted", e)
	e = base
	e.ActorID, e.ActorName = 0, "7Dee Desk"
	add("actor id into name", e)
	// Length prefixes also keep a field's content from faking a boundary.
	e = base
	e.ActorName = "Dee Desk\x00\x00\x00\x00\x00\x00\x00\x06logged"
	e.Action = ""
	add("a forged length prefix", e)

	for name, edit := range map[string]func(*Event){
		"seq":        func(e *Event) { e.Seq++ },
		"time":       func(e *Event) { e.At = e.At.Add(time.Nanosecond) },
		"actor id":   func(e *Event) { e.ActorID = 8 },
		"actor name": func(e *Event) { e.ActorName = "Dee Desk " },
		"action":     func(e *Event) { e.Action = "Logged" },
		"reference":  func(e *Event) { e.Reference = "R-2026-0043" },
		"detail":     func(e *Event) { e.Detail += "." },
	} {
		e := base
		edit(&e)
		add(name, e)
	}
	// The previous hash is part of it too.
	other := bytes.Repeat([]byte{1}, HashSize)
	if bytes.Equal(base.ComputeHash(prev), base.ComputeHash(other)) {
		t.Error("the hash does not depend on the previous hash")
	}
}

func TestEventHashIgnoresWhatIsNotRecorded(t *testing.T) {
	e := sampleEvent()
	prev := make([]byte, HashSize)
	h := e.ComputeHash(prev)
	// The same instant in another zone, and the stored hashes themselves,
	// do not change the encoding.
	london := e
	london.At = e.At.In(sampleLondon)
	london.PrevHash, london.Hash = []byte("x"), []byte("y")
	if !bytes.Equal(london.ComputeHash(prev), h) {
		t.Error("the hash depends on the time zone or on the stored hashes")
	}
	// A monotonic clock reading does not count.
	now := time.Now()
	a, b := e, e
	a.At, b.At = now, now.Round(0)
	if !bytes.Equal(a.ComputeHash(prev), b.ComputeHash(prev)) {
		t.Error("the hash depends on the monotonic clock")
	}
}
