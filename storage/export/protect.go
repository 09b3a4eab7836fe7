package export

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	pdfmodel "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"rightsdesk/model"
)

// Password limits for a protected letter. Printable ASCII only: every PDF
// reader accepts it the same way, whatever the keyboard.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 64
)

// ValidatePassword checks a password for a protected letter.
func ValidatePassword(pw string) error {
	const fix = "use 10 to 64 characters: letters, digits, punctuation and spaces (no accented letters), and give it to the patient separately, for example by phone"
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return model.Invalid("password", fmt.Sprintf("the password is too short (%d characters)", n), fix)
	}
	if n > MaxPasswordLen {
		return model.Invalid("password", fmt.Sprintf("the password is too long (%d characters)", n), fix)
	}
	for _, r := range pw {
		if r < 0x20 || r > 0x7e {
			return model.Invalid("password", "the password has a character that is not a plain printable one", fix)
		}
	}
	return nil
}

var pdfcpuOnce sync.Once

// protectPDF encrypts a PDF with AES-256. The patient opens it with pw;
// the owner password is random and thrown away, and every permission
// (printing, copying) is granted: the password keeps strangers out, it is
// not there to restrict the patient.
func protectPDF(pdf []byte, pw string) ([]byte, error) {
	// pdfcpu would otherwise read and write a configuration folder in the
	// user's home: the desk keeps no such state.
	pdfcpuOnce.Do(api.DisableConfigDir)
	owner := make([]byte, 32)
	if _, err := rand.Read(owner); err != nil {
		return nil, fmt.Errorf("protect the letter: %w", err)
	}
	conf := pdfmodel.NewAESConfiguration(pw, hex.EncodeToString(owner), 256)
	conf.Permissions = pdfmodel.PermissionsAll
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &out, conf); err != nil {
		return nil, fmt.Errorf("protect the letter with a password: %w", err)
	}
	return out.Bytes(), nil
}
