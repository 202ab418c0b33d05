package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Windows PowerShell 5.1 writes `'change-me-please' > neo4j.pass` as
// UTF-16LE with a byte order mark and a CRLF line end.
func TestReadPasswordFileEncodings(t *testing.T) {
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "change-me-please\r\n" {
		utf16 = append(utf16, byte(r), 0)
	}
	tests := map[string][]byte{
		"UTF-8":      []byte("change-me-please\n"),
		"UTF-8 mark": append([]byte{0xEF, 0xBB, 0xBF}, "change-me-please\r\n"...),
		"UTF-16LE":   utf16,
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "neo4j.pass")
			if err := os.WriteFile(file, data, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readPasswordFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if got != "change-me-please" {
				t.Errorf("password %q, want change-me-please", got)
			}
		})
	}
}
