package trust

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"

	"rightsdesk/model"
)

// rawFiles reads the database file and its write-ahead log as they are on
// disk (while the store may be open: the log then holds the newest pages).
func rawFiles(t testing.TB, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// Passphrases (set, reset, and wrong ones tried), PINs and identity
// document numbers never reach the database file or its log in clear:
// passphrases and PINs are kept only as argon2id hashes, and of a
// document number at most the last four characters.
func TestSecretsNeverInTheFile(t *testing.T) {
	ctx := context.Background()
	path, admin, _ := setUp(t)
	s := open(t, path)
	const (
		deskPass  = "tangerine umbrella quarrel"
		resetPass = "marmalade gondola thistle"
		wrongPass = "guessing harpoon lantern"
		pin       = "418273"
		pin2      = "905716"
		docNumber = "GB5829461730"
	)
	desk, err := s.AddStaff(ctx, admin, "Dee Desk", model.RoleDesk, deskPass, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "Dee Desk", deskPass, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "Dee Desk", wrongPass, now); err == nil {
		t.Fatal("a wrong passphrase signed in")
	}
	if err := s.SetPIN(ctx, desk, pin, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnlockWithPIN(ctx, desk.ID, pin, now); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassphrase(ctx, admin, desk.ID, resetPass, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPIN(ctx, desk, pin2, now); err != nil {
		t.Fatal(err)
	}
	// A whole document number is refused; its last four are kept.
	r := request("Secret Patient")
	r.Evidence[0].Last4 = docNumber
	if _, err := s.LogRequest(ctx, desk, r, now); !model.IsUserError(err) {
		t.Fatalf("a whole document number was accepted: %v", err)
	}
	r.Evidence[0].Last4 = docNumber[len(docNumber)-4:]
	logged, err := s.LogRequest(ctx, desk, r, now)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := s.GetRequest(ctx, logged.Reference)
	if back.Evidence[0].Last4 != "1730" {
		t.Fatalf("last4 %q", back.Evidence[0].Last4)
	}

	secrets := []string{deskPass, resetPass, wrongPass, adminPass, pin, pin2, docNumber, docNumber[:8]}
	check := func(when string, raw []byte) {
		t.Helper()
		if !bytes.Contains(raw, []byte("Secret Patient")) {
			t.Fatalf("%s: the patient's name is not in the bytes read: the search proves nothing", when)
		}
		for _, secret := range secrets {
			if i := bytes.Index(raw, []byte(secret)); i >= 0 {
				t.Errorf("%s: %q is in the file in clear at byte %d", when, secret, i)
			}
		}
	}
	check("open", rawFiles(t, path))
	s.Close()
	check("closed", rawFiles(t, path))
}
