package memstore

import (
	"context"
	"crypto/sha256"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestResealedDamageRejected changes one byte of a store file at a time
// and writes a matching checksum, so that only the check of the columns
// can catch the damage. Open must either fail or give a store that every
// read serves without a panic.
func TestResealedDamageRejected(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "graph.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	b := restatedBatch(t0)
	b.Nodes = append(b.Nodes, mixedBatch(t0).Nodes...)
	b.Edges = append(b.Edges, mixedBatch(t0).Edges...)
	for i := 0; i < 40; i++ {
		// Enough ids for several blocks of the id table.
		b.Nodes = append(b.Nodes, graph.Node{ID: "runtime:gha:example-org/app/ci.yml#job-" + string(rune('a'+i%26)) + string(rune('a'+i/26)),
			Kind: graph.NodeRuntime, Pos: graph.Pos{File: "ci.yml", Line: i}})
	}
	if err := s.Write(ctx, b, nil); err != nil {
		t.Fatal(err)
	}

	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	body := len(good) - sha256.Size
	rng := rand.New(rand.NewSource(1))
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	opened := 0
	for k := 0; k < 400; k++ {
		data := append([]byte(nil), good[:body]...)
		data[len(fileMagic)+rng.Intn(body-len(fileMagic))] ^= byte(1 + rng.Intn(255))
		sum := sha256.Sum256(data)
		if err := os.WriteFile(damaged, append(data, sum[:]...), 0o600); err != nil {
			t.Fatal(err)
		}

		r, err := Open(damaged)
		if err != nil {
			continue
		}
		opened++
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("read of a resealed damaged file (mutation %d) panicked: %v", k, p)
				}
			}()
			everything(t, r)
			rows := r.Rows()
			for row := uint32(0); int(row) < rows.Len(); row++ {
				rows.Node(row)
				r.Expand(ctx, []string{rows.ID(row)}, graph.Out)
				r.Expand(ctx, []string{rows.ID(row)}, graph.In)
			}
			r.Sources(ctx)
		}()
	}

	// A changed line number or letter of a name leaves a valid store, so
	// some mutations must open and have their reads tried.
	if opened == 0 {
		t.Error("no damaged file opened, so no read was tried")
	}
}
