package model

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"
)

// Event is one entry of the append-only audit trail. Detail holds only
// structured facts (statuses, dates, evidence types, counts) besides a
// request's reference and staff names. Text is the free text staff typed
// as the reason: it may name people, so it is kept apart from the chain,
// which holds only its salted digest, and can be erased with the request.
type Event struct {
	Seq       int64
	At        time.Time
	ActorID   int64
	ActorName string
	Action    string
	Reference string
	Detail    string
	// Text is the reason typed by staff; "" when there was none or it
	// was erased (TextDigest tells which).
	Text string
	// TextDigest is SHA-256(salt || Text) (TextDigest), empty when the
	// event has no text. It is what the chain covers, so a text cannot be
	// changed unnoticed, yet erasing the text and its random salt leaves
	// nothing to guess it back from.
	TextDigest []byte
	PrevHash   []byte
	Hash       []byte
}

// HashSize is the size of an event hash (SHA-256).
const HashSize = sha256.Size

// TextSaltSize is the length of the random salt of an event's text. It is
// fixed so that a salt and a text cannot trade bytes and keep the digest.
const TextSaltSize = 16

// ErasedText stands for an event's text that was erased with its
// request's personal data.
const ErasedText = "(erased)"

// TextDigest is the digest the chain keeps of an event's text.
func TextDigest(salt []byte, text string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(text))
	return h.Sum(nil)
}

// Erased is true when the event had a text that has since been erased:
// its digest is in the chain, the text is gone.
func (e Event) Erased() bool { return len(e.TextDigest) > 0 && e.Text == "" }

// Explained is the event's detail followed by its reason, as people read
// the timeline: "in_progress → refused; reason: …", with ErasedText for
// an erased reason.
func (e Event) Explained() string {
	why := e.Text
	if e.Erased() {
		why = ErasedText
	}
	switch {
	case why == "":
		return e.Detail
	case e.Detail == "":
		return "reason: " + why
	default:
		return e.Detail + "; reason: " + why
	}
}

// The version tags of the canonical encoding. Version 2 added the text's
// digest; an event without text is encoded as version 1, so chains
// written before version 2 still verify.
const (
	canonicalV1 = "rightsdesk-event-v1"
	canonicalV2 = "rightsdesk-event-v2"
)

// CanonicalTime is how the canonical encoding writes an instant.
func CanonicalTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Canonical is the event's unambiguous encoding: each field as an 8-byte
// big-endian length followed by its bytes, so no two events share one.
// The fields are the version tag, seq, time (CanonicalTime), actor id,
// actor name, action, reference, detail and, from version 2, the text's
// digest.
func (e Event) Canonical() []byte {
	return e.AppendCanonical(nil, []byte(CanonicalTime(e.At)))
}

// AppendCanonical appends the canonical encoding to buf, taking the time
// as at, its CanonicalTime text: a caller walking a long chain can give
// the stored text and reuse buf, instead of parsing and formatting each
// event's time.
func (e *Event) AppendCanonical(buf, at []byte) []byte {
	field := func(b []byte) {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(b)))
		buf = append(buf, b...)
	}
	text := func(s string) {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	var num [20]byte
	if len(e.TextDigest) == 0 {
		text(canonicalV1)
	} else {
		text(canonicalV2)
	}
	field(strconv.AppendInt(num[:0], e.Seq, 10))
	field(at)
	field(strconv.AppendInt(num[:0], e.ActorID, 10))
	text(e.ActorName)
	text(e.Action)
	text(e.Reference)
	text(e.Detail)
	if len(e.TextDigest) > 0 {
		field(e.TextDigest)
	}
	return buf
}

// ComputeHash is SHA-256(prev || canonical encoding).
func (e Event) ComputeHash(prev []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(e.Canonical())
	return h.Sum(nil)
}

// ChainHasher computes one event hash after another in the same buffer:
// for walking a chain of a million events without allocating for each.
type ChainHasher struct {
	buf []byte
	sum [HashSize]byte
}

// Hash is ComputeHash(prev) with the time given as at, its CanonicalTime
// text. The result is valid until the next call.
func (c *ChainHasher) Hash(prev []byte, e *Event, at []byte) []byte {
	c.buf = append(c.buf[:0], prev...)
	c.buf = e.AppendCanonical(c.buf, at)
	c.sum = sha256.Sum256(c.buf)
	return c.sum[:]
}

// TextMatches is true when salt, of the right length, and text give
// digest.
func (c *ChainHasher) TextMatches(digest, salt []byte, text string) bool {
	c.buf = append(append(c.buf[:0], salt...), text...)
	c.sum = sha256.Sum256(c.buf)
	return len(salt) == TextSaltSize && string(c.sum[:]) == string(digest)
}
