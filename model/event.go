package model

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"
)

// Event is one entry of the append-only audit trail. It holds no personal
// data beyond a request's reference and staff names.
type Event struct {
	Seq       int64
	At        time.Time
	ActorID   int64
	ActorName string
	Action    string
	Reference string
	Detail    string
	PrevHash  []byte
	Hash      []byte
}

// HashSize is the size of an event hash (SHA-256).
const HashSize = sha256.Size

// Canonical is the event's unambiguous encoding: each field as an 8-byte
// big-endian length followed by its bytes, so no two events share one.
func (e Event) Canonical() []byte {
	fields := [][]byte{
		[]byte("rightsdesk-event-v1"),
		[]byte(strconv.FormatInt(e.Seq, 10)),
		[]byte(e.At.UTC().Format(time.RFC3339Nano)),
		[]byte(strconv.FormatInt(e.ActorID, 10)),
		[]byte(e.ActorName),
		[]byte(e.Action),
		[]byte(e.Reference),
		[]byte(e.Detail),
	}
	n := 0
	for _, f := range fields {
		n += 8 + len(f)
	}
	buf := make([]byte, 0, n)
	for _, f := range fields {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
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
