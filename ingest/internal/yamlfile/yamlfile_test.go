package yamlfile

import (
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
)

func TestUnknownAnchorPositioned(t *testing.T) {
	// Anchor b exists; bb does not, and *b must not be taken for it.
	data := []byte("x: &b 1\npackages: {c: *b, d: *bb}\n")
	var root yaml.Node
	err := yaml.Unmarshal(data, &root)
	if err == nil {
		t.Fatal("decoding an alias of an unknown anchor succeeded")
	}
	var pe *ingest.Error
	if !errors.As(SyntaxError("pnpm-lock.yaml", data, err), &pe) {
		t.Fatalf("SyntaxError returned no *ingest.Error")
	}
	if pe.Pos.Line != 2 {
		t.Errorf("line = %d, want 2", pe.Pos.Line)
	}
	if pe.Pos.Col != 22 {
		t.Errorf("col = %d, want 22 (the alias *bb)", pe.Pos.Col)
	}
}

// The decoder rejects a character that YAML does not allow (a control
// character, a byte that is not UTF-8) without a line, so the error points
// at the first such character.
func TestBadCharacterPositioned(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		line, col int
	}{
		{"control character", "on: push\njobs:\n  a:\n    name: \"ab\x01c\"\n", 4, 14},
		{"escape after a multi-byte letter", "on: push\nname: é\x1b[31m\n", 2, 8},
		{"NUL byte", "a: 1\r\nb: \x00\r\n", 2, 4},
		{"byte that is not UTF-8", "a: 1\nb: 2\nc: x\xffy\n", 3, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			var doc yaml.Node
			err := yaml.Unmarshal(data, &doc)
			if err == nil {
				t.Fatal("decoding succeeded")
			}
			var pe *ingest.Error
			if !errors.As(SyntaxError("ci.yml", data, err), &pe) {
				t.Fatalf("SyntaxError returned no *ingest.Error")
			}
			if pe.Pos.Line != tt.line {
				t.Errorf("line = %d, want %d", pe.Pos.Line, tt.line)
			}
			if pe.Pos.Col != tt.col {
				t.Errorf("col = %d, want %d", pe.Pos.Col, tt.col)
			}
		})
	}
}

func TestSyntaxErrorAtEndOfInput(t *testing.T) {
	// The unclosed list runs to the end of the input, where the decoder
	// finds no content. The error points at the last line with text
	// rather than past it.
	data := []byte("on: push\njobs:\n  a: [\n")
	var root yaml.Node
	err := yaml.Unmarshal(data, &root)
	if err == nil {
		t.Fatal("decoding an unclosed list succeeded")
	}
	var pe *ingest.Error
	if !errors.As(SyntaxError("ci.yml", data, err), &pe) {
		t.Fatalf("SyntaxError returned no *ingest.Error")
	}
	if pe.Pos.Line != 3 || pe.Pos.Col != 3 {
		t.Errorf("position = %d:%d, want 3:3 (the last line, which holds the unclosed list)", pe.Pos.Line, pe.Pos.Col)
	}
}
