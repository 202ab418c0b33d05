package memstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// crashBatch is a run of n runtimes, each exposing one secret.
func crashBatch(run, n int) *graph.Batch {
	b := &graph.Batch{Time: time.Date(2026, 1, 1, run, 0, 0, 0, time.UTC)}
	for i := 0; i < n; i++ {
		file := fmt.Sprintf("run%d/file%03d.yml", run, i%50)
		rt := fmt.Sprintf("runtime:r%d-%d", run, i)
		sec := fmt.Sprintf("secret:s%d-%d", run, i)
		b.Nodes = append(b.Nodes,
			graph.Node{ID: rt, Kind: graph.NodeRuntime, Pos: graph.Pos{File: file, Line: i + 1}},
			graph.Node{ID: sec, Kind: graph.NodeSecret, Pos: graph.Pos{File: file, Line: i + 1}})
		b.Edges = append(b.Edges, graph.Edge{From: rt, To: sec, Kind: graph.EdgeExposes, Pos: graph.Pos{File: file, Line: i + 1}})
	}
	return b
}

// TestCrashHelper is not a test: TestKilledWriteKeepsSnapshot runs it in
// a child process, which starts a second write and is killed inside it.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv("BLASTRADIUS_CRASH_STORE")
	if path == "" {
		t.Skip("run only as the child of TestKilledWriteKeepsSnapshot")
	}
	s, err := Open(path)
	if err != nil {
		fmt.Println("OPEN-FAILED", err)
		os.Exit(2)
	}
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		// The batch is applied in memory; the file is not yet replaced.
		fmt.Println("IN-WRITE")
		time.Sleep(time.Minute)
		return nil, nil, nil
	}
	s.Write(context.Background(), crashBatch(2, 5000), derive)
	os.Exit(3)
}

func snapshotOf(t *testing.T, s graph.Store) []string {
	t.Helper()
	var out []string
	for _, k := range graph.NodeKinds {
		ns, _ := s.NodesByKind(context.Background(), k)
		for _, n := range ns {
			out = append(out, n.ID)
		}
	}
	es, _ := s.EdgesByKind(context.Background(), graph.EdgeExposes)
	for _, e := range es {
		out = append(out, e.Key().String())
	}
	sort.Strings(out)
	return out
}

func TestKilledWriteKeepsSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), crashBatch(1, 2000), nil); err != nil {
		t.Fatal(err)
	}
	want := snapshotOf(t, s)

	for attempt := 0; attempt < 3; attempt++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
		cmd.Env = append(os.Environ(), "BLASTRADIUS_CRASH_STORE="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		in := false
		for sc.Scan() {
			if strings.Contains(sc.Text(), "IN-WRITE") {
				in = true
				break
			}
		}
		cmd.Process.Kill() // SIGKILL: no deferred code runs in the child
		cmd.Wait()
		if !in {
			t.Fatalf("child never reached the write")
		}
		r, err := Open(path)
		if err != nil {
			t.Fatalf("store fails to open after a kill: %v", err)
		}
		if diff := cmp.Diff(want, snapshotOf(t, r)); diff != "" {
			t.Fatalf("snapshot changed by a killed write (-want +got):\n%s", diff)
		}
	}
	// No temporary file is left to be mistaken for the store.
	matches, _ := filepath.Glob(path + ".tmp-*")
	if len(matches) > 0 {
		t.Logf("temporary files left by killed writes (harmless, replaced on the next write): %v", matches)
	}
}
