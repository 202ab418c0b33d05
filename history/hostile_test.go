package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/query"
)

// Retention counts from the run being recorded, never removes it, and
// leaves alone snapshots named later than it (a clock set back, or a
// stray file): one such file must not make every real snapshot too old.
func TestRetentionWithLaterFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		ret  Retention
		want []string
	}{
		{"default", DefaultRetention, []string{"2026-11-01T09:00:00Z.db", "2026-11-02T09:00:00Z.db", "2026-11-03T09:00:00Z.db", "9999-12-31T23:59:59Z.db"}},
		{"keep 1", Retention{Keep: 1}, []string{"2026-11-03T09:00:00Z.db", "9999-12-31T23:59:59Z.db"}},
		{"one day", Retention{MaxAge: 24 * time.Hour}, []string{"2026-11-02T09:00:00Z.db", "2026-11-03T09:00:00Z.db", "9999-12-31T23:59:59Z.db"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "my graph.db")
			write(t, db, &graph.Batch{Time: t0})
			for _, at := range []time.Time{t0.Add(-48 * time.Hour), t0.Add(-24 * time.Hour)} {
				if _, _, err := Record(db, at, Retention{}); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(Dir(db), "9999-12-31T23:59:59Z.db"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			snap, _, err := Record(db, t0, tc.ret)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(snap.Path); err != nil {
				t.Errorf("the snapshot just recorded is gone: %v", err)
			}
			list, err := List(db)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(names(list), tc.want); diff != "" {
				t.Errorf("snapshots kept (-got +want):\n%s", diff)
			}
		})
	}
}

// Only names that Record writes are snapshots: the same time with an
// offset, or an impossible date, is a stray file, listed as nothing.
func TestListOnlyRecordedNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	write(t, db, &graph.Batch{Time: t0})
	if _, _, err := Record(db, t0, Retention{}); err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{"2026-11-03T14:00:00+05:00.db", "2026-13-45T99:00:00Z.db", "2026-11-03T09:00:00.5Z.db", "junk.db", ".db"} {
		if err := os.WriteFile(filepath.Join(Dir(db), junk), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(Dir(db), "2026-11-04T09:00:00Z.db"), 0o700); err != nil {
		t.Fatal(err)
	}
	list, err := List(db)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names(list), []string{"2026-11-03T09:00:00Z.db"}); diff != "" {
		t.Errorf("snapshots (-got +want):\n%s", diff)
	}
}

// A start that matches nothing in either graph is no match, so that a
// misspelt package does not read as "no change".
func TestCompareStartMatchesNeither(t *testing.T) {
	ctx := context.Background()
	pos := graph.Pos{File: "deploy.yml", Line: 3}
	pkg := graph.Node{ID: "pkg:npm/x@1.0.0", Kind: graph.NodePackage, Label: "x@1.0.0", Attrs: map[string]string{"ecosystem": "npm", "name": "x", "version": "1.0.0"}, Pos: pos}
	older, newer := memstore.New(), memstore.New()
	if err := newer.Write(ctx, &graph.Batch{Time: t0, Nodes: []graph.Node{pkg}}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := Compare(ctx, older, newer, query.Start{Packages: []string{"pkg:npm/y@1.0.0"}}, query.Options{})
	if !errors.Is(err, query.ErrNoMatch) {
		t.Errorf("start in neither graph: got %v, want ErrNoMatch", err)
	}
	if _, err := Compare(ctx, older, newer, query.Start{Packages: []string{pkg.ID}}, query.Options{}); err != nil {
		t.Errorf("start in the newer graph only: %v", err)
	}
}
