package ciscan

import (
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// TestNamedFinderOrder checks that installs are found in the scripts in
// the order they run, so that a package installed twice is placed at
// each install, and that searches stop after maxNamedMisses failures.
func TestNamedFinderOrder(t *testing.T) {
	scripts := []string{"pip install a==1", "echo a==1", "pip install b==2\npip install a==1"}
	named := func(cmd string) pkgcmd.NamedInstall {
		n := pkgcmd.NamedInstalls(strings.Fields(cmd), nil)
		if len(n) != 1 {
			t.Fatalf("%q: %d packages, want 1", cmd, len(n))
		}
		return n[0]
	}
	f := NewNamedFinder(scripts)
	for _, tt := range []struct {
		cmd            string
		script, offset int
	}{
		{"pip install a==1", 0, 12},
		{"pip install b==2", 2, 12},
		{"pip install a==1", 2, 29},
		{"pip install c==3", -1, -1},
	} {
		if i, at := f.Find(named(tt.cmd)); i != tt.script || at != tt.offset {
			t.Errorf("Find(%q) = %d, %d, want %d, %d", tt.cmd, i, at, tt.script, tt.offset)
		}
	}
	for range maxNamedMisses {
		f.Find(named("pip install c==3"))
	}
	if i, _ := f.Find(named("pip install a==1")); i != -1 {
		t.Errorf("Find after %d misses = %d, want -1", maxNamedMisses, i)
	}
}
