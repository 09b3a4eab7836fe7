package storage

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

func trustKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func TestCheckpointFileRoundTrip(t *testing.T) {
	key := trustKey(t)
	hash := bytes.Repeat([]byte{0xab}, model.HashSize)
	c := SignCheckpoint(key, "Perfect Doctors Clinic \"Ñ\" 医院", 42, hash, time.Date(2026, 3, 2, 10, 0, 0, 123, time.FixedZone("x", 3600)))
	if !c.VerifySignature() {
		t.Fatal("a fresh checkpoint does not verify")
	}
	got, err := ParseCheckpoint(c.Marshal())
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, c.Marshal())
	}
	if got.Clinic != c.Clinic || got.Seq != 42 || !bytes.Equal(got.Hash, hash) || !got.SignedAt.Equal(c.SignedAt) ||
		!bytes.Equal(got.PublicKey, c.PublicKey) || !bytes.Equal(got.Signature, c.Signature) {
		t.Fatalf("round trip changed the checkpoint:\n%+v\n%+v", c, got)
	}
	if !got.VerifySignature() {
		t.Fatal("the parsed checkpoint does not verify")
	}
	if !strings.HasPrefix(got.KeyID(), "SHA256:") {
		t.Fatalf("key id %q", got.KeyID())
	}
}

// Every line of a checkpoint is covered: changing any of them is either
// refused by the parser or breaks the signature.
func TestCheckpointEditsAreCaught(t *testing.T) {
	key := trustKey(t)
	c := SignCheckpoint(key, "Perfect Doctors Clinic", 42, bytes.Repeat([]byte{1}, model.HashSize), trustNow)
	good := string(c.Marshal())
	other := SignCheckpoint(trustKey(t), "Perfect Doctors Clinic", 42, bytes.Repeat([]byte{1}, model.HashSize), trustNow)
	edits := map[string][2]string{
		"clinic":     {`clinic: "Perfect Doctors Clinic"`, `clinic: "Perfect Doctor Clinic"`},
		"seq":        {"seq: 42", "seq: 41"},
		"hash":       {"hash: 0101", "hash: 0201"},
		"signed-at":  {"signed-at: 2026-03-02T10:00:00Z", "signed-at: 2026-03-02T10:00:01Z"},
		"public key": {trustLine(good, "public-key"), trustLine(string(other.Marshal()), "public-key")},
		"both keys":  {trustLine(good, "public-key") + "\n" + trustLine(good, "key-id"), trustLine(string(other.Marshal()), "public-key") + "\n" + trustLine(string(other.Marshal()), "key-id")},
		"signature":  {trustLine(good, "signature"), trustLine(string(other.Marshal()), "signature")},
		"header":     {"checkpoint v1", "checkpoint v2"},
		"unknown":    {"seq: 42", "seq: 42\nnote: hello"},
		"repeated":   {"seq: 42", "seq: 42\nseq: 42"},
		"missing":    {"seq: 42\n", ""},
	}
	for name, e := range edits {
		if !strings.Contains(good, e[0]) {
			t.Fatalf("%s: %q not in\n%s", name, e[0], good)
		}
		bad := strings.Replace(good, e[0], e[1], 1)
		got, err := ParseCheckpoint([]byte(bad))
		if err != nil {
			if !model.IsUserError(err) {
				t.Errorf("%s: parse error is not a user error: %v", name, err)
			}
			continue
		}
		if got.VerifySignature() {
			t.Errorf("%s: an edited checkpoint still verifies:\n%s", name, bad)
		}
	}
	// Carriage returns from a Windows editor are harmless.
	if _, err := ParseCheckpoint([]byte(strings.ReplaceAll(good, "\n", "\r\n"))); err != nil {
		t.Errorf("CRLF checkpoint refused: %v", err)
	}
	if _, err := ParseCheckpoint(bytes.Repeat([]byte("x"), maxCheckpointSize+1)); err == nil {
		t.Error("an oversized file was accepted")
	}
}

// trustLine is the line of a checkpoint file that starts with name.
func trustLine(text, name string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, name+": ") {
			return l
		}
	}
	return ""
}

func TestAuditKeysRoundTrip(t *testing.T) {
	privPEM, pubPEM, err := GenerateAuditKey()
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParseAuditPrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParseAuditPublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(priv.Public().(ed25519.PublicKey), pub) {
		t.Fatal("the public key does not belong to the private key")
	}
	for _, bad := range [][]byte{nil, []byte("hello"), pubPEM} {
		if _, err := ParseAuditPrivateKey(bad); !model.IsUserError(err) {
			t.Errorf("private key %q: want a user error, got %v", bad, err)
		}
	}
	for _, bad := range [][]byte{nil, []byte("hello"), privPEM} {
		if _, err := ParseAuditPublicKey(bad); !model.IsUserError(err) {
			t.Errorf("public key %q: want a user error, got %v", bad, err)
		}
	}
}

func TestStoreCheckpointProvesTheTrail(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	key := trustKey(t)
	trustLog(t, s, admin, trustRequest("Jane Patient", trustNow.Add(-time.Hour)), trustNow)
	c, err := s.Checkpoint(ctx, admin, key, trustNow)
	if err != nil {
		t.Fatal(err)
	}
	events := trustEvents(t, s)
	last := events[len(events)-1]
	if c.Seq != last.Seq || !bytes.Equal(c.Hash, last.Hash) || last.Action != "audit_checkpoint" {
		t.Fatalf("checkpoint %d does not cover its own event %+v", c.Seq, last)
	}
	if !strings.Contains(last.Detail, c.KeyID()) {
		t.Errorf("the checkpoint event does not name the key: %q", last.Detail)
	}
	// Work goes on after the checkpoint: it still matches.
	trustLog(t, s, admin, trustRequest("John Patient", trustNow.Add(-time.Hour)), trustNow)
	m, err := s.MatchCheckpoint(ctx, c, nil)
	if err != nil || !m.OK {
		t.Fatalf("match: %+v %v", m, err)
	}
	m, _ = s.MatchCheckpoint(ctx, c, key.Public().(ed25519.PublicKey))
	if !m.OK {
		t.Fatalf("match with the right public key: %+v", m)
	}
	m, _ = s.MatchCheckpoint(ctx, c, trustKey(t).Public().(ed25519.PublicKey))
	if m.OK || !strings.Contains(m.Problem, "not with the key given") {
		t.Fatalf("another public key: %+v", m)
	}
	forged := c
	forged.Seq--
	m, _ = s.MatchCheckpoint(ctx, forged, nil)
	if m.OK || !strings.Contains(m.Problem, "signature") {
		t.Fatalf("forged checkpoint: %+v", m)
	}
}

func TestCheckpointNeedsAnAdmin(t *testing.T) {
	s, admin := trustStore(t)
	lead := trustStaff(t, s, admin, "Lee Lead", model.RoleLead)
	_, err := s.Checkpoint(context.Background(), lead, trustKey(t), trustNow)
	trustIsForbidden(t, "lead signs a checkpoint", err)
}

// A tamperer who rewrites the chain consistently after changing an event
// fools VerifyChain, but not a checkpoint signed before.
func TestCheckpointCatchesARewrittenChain(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	for i := range 3 {
		trustLog(t, s, admin, trustRequest("Jane Patient", trustNow.Add(-time.Duration(i+1)*time.Hour)), trustNow)
	}
	c, err := s.Checkpoint(ctx, admin, trustKey(t), trustNow)
	if err != nil {
		t.Fatal(err)
	}
	trustTamper(t, s, "UPDATE events SET detail = 'nothing happened' WHERE seq = 3")
	if res, _ := s.VerifyChain(ctx); res.OK() || res.BadSeq != 3 {
		t.Fatalf("a changed event was not caught at #3: %+v", res)
	}
	trustRehash(t, s, 3)
	trustChainOK(t, s) // the chain alone no longer shows it
	m, err := s.MatchCheckpoint(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.OK || !strings.Contains(m.Problem, "does not match the checkpoint") {
		t.Fatalf("rewritten chain passed the checkpoint: %+v", m)
	}
}

// Cutting off the tail leaves a chain that verifies on its own; the
// checkpoint shows events are missing.
func TestCheckpointCatchesATruncatedTail(t *testing.T) {
	ctx := context.Background()
	s, admin := trustStore(t)
	for i := range 3 {
		trustLog(t, s, admin, trustRequest("Jane Patient", trustNow.Add(-time.Duration(i+1)*time.Hour)), trustNow)
	}
	c, err := s.Checkpoint(ctx, admin, trustKey(t), trustNow)
	if err != nil {
		t.Fatal(err)
	}
	trustTamper(t, s, "DELETE FROM events WHERE seq >= 4")
	trustChainOK(t, s)
	m, err := s.MatchCheckpoint(ctx, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.OK || !strings.Contains(m.Problem, "is missing") || !strings.Contains(m.Problem, "ends at #3") {
		t.Fatalf("truncated trail passed the checkpoint: %+v", m)
	}
}

func TestMatchCheckpointNotesAnotherClinic(t *testing.T) {
	s, admin := trustStore(t)
	c, err := s.Checkpoint(context.Background(), admin, trustKey(t), trustNow)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := s.Settings(context.Background())
	set.ClinicName = "Renamed Clinic"
	if err := s.SaveSettings(context.Background(), admin, set, trustNow); err != nil {
		t.Fatal(err)
	}
	m, err := s.MatchCheckpoint(context.Background(), c, nil)
	if err != nil || !m.OK || m.Note == "" {
		t.Fatalf("renamed clinic: %+v %v", m, err)
	}
}

func TestCheckpointRefusesABadKey(t *testing.T) {
	s, admin := trustStore(t)
	_, err := s.Checkpoint(context.Background(), admin, ed25519.PrivateKey("short"), trustNow)
	var ie *model.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an InputError, got %v", err)
	}
}
