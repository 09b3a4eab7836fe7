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
	return canonicalTagged("rightsdesk-event-v1", fields...)
}

func canonicalTagged(tag string, fields ...string) []byte {
	var b []byte
	for _, f := range append([]string{tag}, fields...) {
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

// TestEventCanonicalFormatWithText: an event with a text is version 2,
// with the text's digest as the last field.
func TestEventCanonicalFormatWithText(t *testing.T) {
	e := sampleEvent()
	e.Action, e.Detail, e.Text = "refused", "in_progress → refused", "manifestly excessive"
	salt := []byte("0123456789abcdef")
	sum := sha256.Sum256(append(append([]byte(nil), salt...), e.Text...))
	e.TextDigest = TextDigest(salt, e.Text)
	if !bytes.Equal(e.TextDigest, sum[:]) {
		t.Fatalf("TextDigest = %x, want SHA-256(salt || text) = %x", e.TextDigest, sum)
	}
	want := canonicalTagged("rightsdesk-event-v2", "42", "2026-03-10T10:00:00.123456789Z", "7", "Dee Desk", "refused", "R-2026-0042", "in_progress → refused", string(sum[:]))
	if got := e.Canonical(); !bytes.Equal(got, want) {
		t.Fatalf("Canonical =\n%q\nwant\n%q", got, want)
	}
	const golden = "5b44150c2c3329db09252d50754682748865d6947edece7f08e8826c955a043e"
	if got := hex.EncodeToString(e.ComputeHash(make([]byte, HashSize))); got != golden {
		t.Errorf("hash of the sample event with a text after the zero hash = %s, want %s", got, golden)
	}
}

// TestChainHasherMatchesComputeHash: the walk's reusable hasher gives the
// same hash as ComputeHash, for times with and without fractions and for
// events with and without a text.
func TestChainHasherMatchesComputeHash(t *testing.T) {
	var c ChainHasher
	prev := bytes.Repeat([]byte{3}, HashSize)
	for i, at := range []time.Time{
		time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 10, 10, 0, 0, 100_000_000, time.UTC),
		time.Date(2026, 3, 10, 10, 0, 0, 123456789, sampleLondon),
		time.Date(1999, 12, 31, 23, 59, 59, 1, time.UTC),
	} {
		for _, text := range []string{"", "a reason"} {
			e := sampleEvent()
			e.Seq, e.At, e.ActorID = int64(i)*1_000_003, at, int64(-i)
			if text != "" {
				e.Text, e.TextDigest = text, TextDigest(make([]byte, TextSaltSize), text)
			}
			got := c.Hash(prev, &e, []byte(CanonicalTime(at)))
			if want := e.ComputeHash(prev); !bytes.Equal(got, want) {
				t.Errorf("%s %q: ChainHasher %x, ComputeHash %x", at, text, got, want)
			}
		}
	}
	// Walking a long chain, it allocates nothing once its buffer is grown.
	e := sampleEvent()
	e.TextDigest = TextDigest(make([]byte, TextSaltSize), "x")
	at := []byte(CanonicalTime(e.At))
	if n := testing.AllocsPerRun(100, func() { c.Hash(prev, &e, at); c.TextMatches(e.TextDigest, prev[:TextSaltSize], "x") }); n != 0 {
		t.Errorf("ChainHasher allocates %v times an event", n)
	}
}

func TestTextDigestAndErasure(t *testing.T) {
	var c ChainHasher
	salt := bytes.Repeat([]byte{9}, TextSaltSize)
	d := TextDigest(salt, "Mr Smith shouted at staff")
	if !c.TextMatches(d, salt, "Mr Smith shouted at staff") {
		t.Fatal("the text does not match its own digest")
	}
	if c.TextMatches(d, salt, "Mr Smyth shouted at staff") {
		t.Error("an edited text matches")
	}
	// Moving a byte from the salt into the text keeps SHA-256(salt||text),
	// but not the salt's length.
	if c.TextMatches(d, salt[:TextSaltSize-1], "\x09Mr Smith shouted at staff") {
		t.Error("a salt and text that traded a byte match")
	}
	e := Event{Detail: "in_progress → refused", Text: "Mr Smith shouted at staff", TextDigest: d}
	if e.Erased() || e.Explained() != "in_progress → refused; reason: Mr Smith shouted at staff" {
		t.Errorf("with text: erased %v, %q", e.Erased(), e.Explained())
	}
	e.Text = ""
	if !e.Erased() || e.Explained() != "in_progress → refused; reason: (erased)" {
		t.Errorf("erased: erased %v, %q", e.Erased(), e.Explained())
	}
	for _, tc := range []struct {
		e    Event
		want string
	}{
		{Event{Detail: "note added"}, "note added"},
		{Event{Text: "appeal upheld", TextDigest: d}, "reason: appeal upheld"},
		{Event{TextDigest: d}, "reason: (erased)"},
		{Event{}, ""},
	} {
		if got := tc.e.Explained(); got != tc.want || tc.e.Erased() != (tc.want == "reason: (erased)") {
			t.Errorf("%+v: %q (erased %v), want %q", tc.e, got, tc.e.Erased(), tc.want)
		}
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

	// The text's digest: present or not, its bytes, and its bytes moved
	// into the detail.
	digest := TextDigest(bytes.Repeat([]byte{7}, TextSaltSize), "manifestly excessive")
	e = base
	e.TextDigest = digest
	add("with a text", e)
	e.TextDigest = append([]byte(nil), digest...)
	e.TextDigest[HashSize-1] ^= 1
	add("another text", e)
	e = base
	e.Detail += string(digest)
	add("digest in the detail", e)
	e = base
	e.Detail, e.TextDigest = "", []byte(base.Detail)
	add("detail as the digest", e)

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
	// Nor does the text itself: the chain covers its digest only, so the
	// text can be erased and the chain still verify.
	erased := e
	erased.TextDigest = TextDigest(make([]byte, TextSaltSize), "appeal upheld")
	withText := erased
	withText.Text = "appeal upheld"
	if !bytes.Equal(erased.ComputeHash(prev), withText.ComputeHash(prev)) {
		t.Error("the hash depends on the text, not only on its digest")
	}
	// A monotonic clock reading does not count.
	now := time.Now()
	a, b := e, e
	a.At, b.At = now, now.Round(0)
	if !bytes.Equal(a.ComputeHash(prev), b.ComputeHash(prev)) {
		t.Error("the hash depends on the monotonic clock")
	}
}
