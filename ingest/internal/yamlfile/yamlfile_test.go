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
