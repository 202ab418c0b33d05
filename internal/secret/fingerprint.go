// Package secret turns credential values seen in the input into salted
// fingerprints, so that the same value found in two files links up while
// the value itself never reaches the store, a log or an output.
package secret

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SaltSize is the length in bytes of an installation's salt.
const SaltSize = 32

// Fingerprinter computes salted fingerprints. The zero value is not usable;
// build one with New or LoadSalt.
type Fingerprinter struct {
	salt []byte
}

// New returns a Fingerprinter with the given salt.
func New(salt []byte) *Fingerprinter {
	return &Fingerprinter{salt: append([]byte(nil), salt...)}
}

// LoadSalt reads the installation's salt from path, creating it with fresh
// random bytes (mode 0600) the first time.
func LoadSalt(path string) (*Fingerprinter, error) {
	b, err := os.ReadFile(path)
	if err == nil && len(b) == SaltSize {
		return New(b), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read fingerprint salt: %w", err)
	}
	if err == nil {
		return nil, fmt.Errorf("fingerprint salt %s has %d bytes, want %d", path, len(b), SaltSize)
	}
	salt := make([]byte, SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("generate fingerprint salt: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create salt folder: %w", err)
	}
	if err := os.WriteFile(path, salt, 0o600); err != nil {
		return nil, fmt.Errorf("write fingerprint salt: %w", err)
	}
	return New(salt), nil
}

// Fingerprint returns "fp:" and the first 16 bytes of HMAC-SHA256(salt,
// value) in hex. An empty value has no fingerprint.
func (f *Fingerprinter) Fingerprint(value string) string {
	if value == "" {
		return ""
	}
	m := hmac.New(sha256.New, f.salt)
	m.Write([]byte(value))
	return "fp:" + hex.EncodeToString(m.Sum(nil)[:16])
}
