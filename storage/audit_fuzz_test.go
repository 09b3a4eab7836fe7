package storage

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"unicode/utf8"

	"rightsdesk/model"
)

// FuzzParseCheckpoint: no input panics; what parses writes back to a file
// that parses to the same checkpoint, and a parse error is one a person can
// act on.
func FuzzParseCheckpoint(f *testing.F) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	good := SignCheckpoint(key, "Perfect Doctors Clinic", 42, bytes.Repeat([]byte{0xab}, model.HashSize), trustNow).Marshal()
	f.Add(good)
	f.Add(bytes.ReplaceAll(good, []byte("\n"), []byte("\r\n")))
	f.Add([]byte(checkpointHeader + "\nclinic: \"\\x1b[31m\"\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCheckpoint(data)
		if err != nil {
			if !model.IsUserError(err) {
				t.Fatalf("not a user error: %v", err)
			}
			if !utf8.ValidString(err.Error()) || bytes.Contains([]byte(err.Error()), []byte{0x1b}) {
				t.Fatalf("error message echoes raw input: %q", err.Error())
			}
			return
		}
		again, err := ParseCheckpoint(c.Marshal())
		if err != nil {
			t.Fatalf("a parsed checkpoint does not parse again: %v\n%s", err, c.Marshal())
		}
		if again.Clinic != c.Clinic || again.Seq != c.Seq || !bytes.Equal(again.Hash, c.Hash) || !again.SignedAt.Equal(c.SignedAt) ||
			!bytes.Equal(again.PublicKey, c.PublicKey) || !bytes.Equal(again.Signature, c.Signature) {
			t.Fatalf("round trip changed it:\n%+v\n%+v", c, again)
		}
		if again.VerifySignature() != c.VerifySignature() {
			t.Fatal("round trip changed whether it verifies")
		}
		if bytes.ContainsAny(c.Marshal(), "\x1b\x00") {
			t.Fatal("a written checkpoint holds control characters")
		}
	})
}

// FuzzParseAuditKeys: key files never panic the parsers, and what parses is
// a usable key.
func FuzzParseAuditKeys(f *testing.F) {
	priv, pub, err := GenerateAuditKey()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(priv)
	f.Add(pub)
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := ParseAuditPrivateKey(data); err == nil {
			if len(k) != ed25519.PrivateKeySize {
				t.Fatalf("private key of %d bytes", len(k))
			}
			sig := ed25519.Sign(k, []byte("x"))
			if !ed25519.Verify(k.Public().(ed25519.PublicKey), []byte("x"), sig) {
				t.Fatal("the parsed private key cannot sign")
			}
		} else if !model.IsUserError(err) {
			t.Fatalf("not a user error: %v", err)
		}
		if k, err := ParseAuditPublicKey(data); err == nil {
			if len(k) != ed25519.PublicKeySize {
				t.Fatalf("public key of %d bytes", len(k))
			}
		} else if !model.IsUserError(err) {
			t.Fatalf("not a user error: %v", err)
		}
	})
}
