package storage

// Signed checkpoints of the audit trail. The hash chain alone proves that
// the events hang together, but whoever can write the file can rewrite the
// whole chain from the changed event on, or cut its tail off. A checkpoint
// is the tail's sequence number and hash signed with an Ed25519 key kept
// away from the database: it proves later that nothing up to that event
// was changed, removed or inserted.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"rightsdesk/model"
)

// Checkpoint is a signed statement of the audit trail's tail.
type Checkpoint struct {
	Clinic    string    // the clinic's name when it was signed
	Seq       int64     // the last event it covers
	Hash      []byte    // that event's hash
	SignedAt  time.Time // when it was signed
	PublicKey ed25519.PublicKey
	Signature []byte
}

const (
	checkpointHeader = "rightsdesk audit checkpoint v1"
	checkpointDomain = "rightsdesk-checkpoint-v1"
	// maxCheckpointSize bounds what ParseCheckpoint reads: a real one is
	// under 500 bytes.
	maxCheckpointSize = 4096
)

// message is what is signed: each field length-prefixed, like an event's
// canonical encoding, so no two checkpoints share one.
func (c Checkpoint) message() []byte {
	fields := [][]byte{
		[]byte(checkpointDomain),
		[]byte(c.Clinic),
		[]byte(strconv.FormatInt(c.Seq, 10)),
		c.Hash,
		[]byte(c.SignedAt.UTC().Format(time.RFC3339Nano)),
	}
	var buf []byte
	for _, f := range fields {
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return buf
}

// SignCheckpoint signs (clinic, seq, hash, at) with key.
func SignCheckpoint(key ed25519.PrivateKey, clinic string, seq int64, hash []byte, at time.Time) Checkpoint {
	c := Checkpoint{
		Clinic:    clinic,
		Seq:       seq,
		Hash:      append([]byte(nil), hash...),
		SignedAt:  at.UTC(),
		PublicKey: key.Public().(ed25519.PublicKey),
	}
	c.Signature = ed25519.Sign(key, c.message())
	return c
}

// VerifySignature checks the signature against the checkpoint's own key.
// Whether that key is the clinic's is for the caller to check (KeyID, or
// compare with a public key file).
func (c Checkpoint) VerifySignature() bool {
	return len(c.PublicKey) == ed25519.PublicKeySize && len(c.Signature) == ed25519.SignatureSize &&
		ed25519.Verify(c.PublicKey, c.message(), c.Signature)
}

// KeyID is a short fingerprint of the signing key, in the style of ssh's.
func (c Checkpoint) KeyID() string { return KeyID(c.PublicKey) }

// KeyID is a short fingerprint of a public key: "SHA256:" and the
// unpadded base64 of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// Marshal writes the checkpoint as a small text file a person can read.
func (c Checkpoint) Marshal() []byte {
	var b bytes.Buffer
	b64 := base64.StdEncoding
	fmt.Fprintln(&b, checkpointHeader)
	fmt.Fprintf(&b, "clinic: %s\n", strconv.QuoteToASCII(c.Clinic))
	fmt.Fprintf(&b, "seq: %d\n", c.Seq)
	fmt.Fprintf(&b, "hash: %s\n", hex.EncodeToString(c.Hash))
	fmt.Fprintf(&b, "signed-at: %s\n", c.SignedAt.UTC().Format(time.RFC3339Nano))
	fmt.Fprintf(&b, "public-key: %s\n", b64.EncodeToString(c.PublicKey))
	fmt.Fprintf(&b, "key-id: %s\n", c.KeyID())
	fmt.Fprintf(&b, "signature: %s\n", b64.EncodeToString(c.Signature))
	return b.Bytes()
}

func badCheckpoint(problem string) error {
	return model.Invalid("checkpoint", "the checkpoint file is not valid: "+problem, "give the file rightsdesk audit checkpoint wrote, unchanged")
}

// ParseCheckpoint reads a checkpoint file. It checks the form only: call
// VerifySignature and Store.MatchCheckpoint to check what it says.
func ParseCheckpoint(data []byte) (Checkpoint, error) {
	var c Checkpoint
	if len(data) > maxCheckpointSize {
		return c, badCheckpoint("it is too large")
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 512), maxCheckpointSize)
	if !sc.Scan() || strings.TrimRight(sc.Text(), "\r") != checkpointHeader {
		return c, badCheckpoint("the first line must be " + strconv.Quote(checkpointHeader))
	}
	seen := map[string]bool{}
	var keyID string
	line := 1
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		name, value, ok := strings.Cut(text, ": ")
		if !ok {
			return c, badCheckpoint(fmt.Sprintf("line %d is not \"name: value\"", line))
		}
		if seen[name] {
			return c, badCheckpoint(fmt.Sprintf("line %d repeats %s", line, strconv.QuoteToASCII(name)))
		}
		seen[name] = true
		var err error
		switch name {
		case "clinic":
			c.Clinic, err = strconv.Unquote(value)
		case "seq":
			c.Seq, err = strconv.ParseInt(value, 10, 64)
			if err == nil && c.Seq < 1 {
				err = errors.New("not positive")
			}
		case "hash":
			c.Hash, err = hex.DecodeString(value)
			if err == nil && len(c.Hash) != model.HashSize {
				err = errors.New("wrong length")
			}
		case "signed-at":
			c.SignedAt, err = time.Parse(time.RFC3339Nano, value)
			c.SignedAt = c.SignedAt.UTC()
		case "public-key":
			var k []byte
			k, err = base64.StdEncoding.Strict().DecodeString(value)
			if err == nil && len(k) != ed25519.PublicKeySize {
				err = errors.New("wrong length")
			}
			c.PublicKey = k
		case "key-id":
			keyID = value
		case "signature":
			c.Signature, err = base64.StdEncoding.Strict().DecodeString(value)
			if err == nil && len(c.Signature) != ed25519.SignatureSize {
				err = errors.New("wrong length")
			}
		default:
			return c, badCheckpoint(fmt.Sprintf("line %d has an unknown field", line))
		}
		if err != nil {
			return c, badCheckpoint(fmt.Sprintf("line %d: the %s cannot be read", line, name))
		}
	}
	if err := sc.Err(); err != nil {
		return c, badCheckpoint("a line is too long")
	}
	for _, f := range []string{"clinic", "seq", "hash", "signed-at", "public-key", "signature"} {
		if !seen[f] {
			return c, badCheckpoint("the " + f + " is missing")
		}
	}
	if keyID != "" && keyID != c.KeyID() {
		return c, badCheckpoint("the key-id does not match the public key")
	}
	return c, nil
}

// GenerateAuditKey makes a new Ed25519 key pair for signing checkpoints,
// as PEM: PKCS #8 for the private key, PKIX for the public one (the forms
// openssl reads and writes).
func GenerateAuditKey() (privPEM, pubPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("make key: %w", err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, fmt.Errorf("encode key: %w", err)
	}
	pk, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, fmt.Errorf("encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pk}), nil
}

// ParseAuditPrivateKey reads an Ed25519 private key in PKCS #8 PEM.
func ParseAuditPrivateKey(data []byte) (ed25519.PrivateKey, error) {
	const fix = "give the .key file rightsdesk audit keygen wrote"
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, model.Invalid("key", "the file is not a PEM private key", fix)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, model.Invalid("key", "the private key cannot be read", fix)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, model.Invalid("key", "the private key is not an Ed25519 key", fix)
	}
	return priv, nil
}

// ParseAuditPublicKey reads an Ed25519 public key in PKIX PEM.
func ParseAuditPublicKey(data []byte) (ed25519.PublicKey, error) {
	const fix = "give the .pub file rightsdesk audit keygen wrote"
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, model.Invalid("public key", "the file is not a PEM public key", fix)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, model.Invalid("public key", "the public key cannot be read", fix)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, model.Invalid("public key", "the public key is not an Ed25519 key", fix)
	}
	return pub, nil
}

// Checkpoint appends an "audit_checkpoint" event and signs the trail's tail,
// that event included, with key (admins). The event names the key, so the
// trail itself says when each checkpoint was made and by whom.
func (s *Store) Checkpoint(ctx context.Context, actor model.Staff, key ed25519.PrivateKey, now time.Time) (Checkpoint, error) {
	var c Checkpoint
	if len(key) != ed25519.PrivateKeySize {
		return c, model.Invalid("key", "the signing key is not an Ed25519 private key", "give the .key file rightsdesk audit keygen wrote")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermAudit); err != nil {
			return err
		}
		st, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		e, err := appendEvent(tx, model.Event{At: now, ActorID: actor.ID, ActorName: actor.Name, Action: "audit_checkpoint",
			Detail: "checkpoint signed with key " + KeyID(key.Public().(ed25519.PublicKey))})
		if err != nil {
			return err
		}
		c = SignCheckpoint(key, st.ClinicName, e.Seq, e.Hash, now)
		return nil
	})
	return c, err
}

// CheckpointMatch is what comparing a checkpoint with the store found.
type CheckpointMatch struct {
	OK      bool
	Problem string // why it does not match
	Note    string // something to mention even when it matches
}

// MatchCheckpoint checks that the event the checkpoint covers is still in
// the trail with the hash that was signed. With a sound chain (VerifyChain)
// that proves every event up to it is as it was. pub, when given, is the
// key the checkpoint must be signed with.
func (s *Store) MatchCheckpoint(ctx context.Context, c Checkpoint, pub ed25519.PublicKey) (CheckpointMatch, error) {
	var m CheckpointMatch
	if !c.VerifySignature() {
		m.Problem = "the checkpoint's signature does not match what it says: the checkpoint file was changed"
		return m, nil
	}
	if pub != nil && !bytes.Equal(pub, c.PublicKey) {
		m.Problem = fmt.Sprintf("the checkpoint was signed with key %s, not with the key given (%s)", c.KeyID(), KeyID(pub))
		return m, nil
	}
	var hash []byte
	err := s.db.QueryRowContext(ctx, "SELECT hash FROM events WHERE seq = ?", c.Seq).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		var last int64
		if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM events").Scan(&last); err != nil {
			return m, fmt.Errorf("read the audit trail: %w", classify(err))
		}
		m.Problem = fmt.Sprintf("event #%d, signed in the checkpoint, is missing: the audit trail ends at #%d, so events were removed", c.Seq, last)
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("read the audit trail: %w", classify(err))
	}
	if !bytes.Equal(hash, c.Hash) {
		m.Problem = fmt.Sprintf("the audit trail up to event #%d does not match the checkpoint signed %s: events up to it were changed, removed or inserted",
			c.Seq, c.SignedAt.Format(time.RFC3339))
		return m, nil
	}
	m.OK = true
	if st, err := s.Settings(ctx); err == nil && st.ClinicName != c.Clinic {
		m.Note = "the checkpoint names another clinic than the database's settings do (renamed since?)"
	}
	return m, nil
}
