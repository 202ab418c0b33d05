package neo4jstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// killBatch is a run of n runtimes, each exposing one secret, spread over
// 50 files.
func killBatch(run, n int) *graph.Batch {
	b := &graph.Batch{Time: time.Date(2026, 1, 1, run, 0, 0, 0, time.UTC)}
	for i := 0; i < n; i++ {
		file := fmt.Sprintf("file%03d.yml", i%50)
		rt := fmt.Sprintf("runtime:r%d-%d", run, i)
		sec := fmt.Sprintf("secret:s%d-%d", run, i)
		b.Replace = append(b.Replace, file)
		b.Nodes = append(b.Nodes,
			graph.Node{ID: rt, Kind: graph.NodeRuntime, Pos: graph.Pos{File: file, Line: i + 1}},
			graph.Node{ID: sec, Kind: graph.NodeSecret, Pos: graph.Pos{File: file, Line: i + 1}})
		b.Edges = append(b.Edges, graph.Edge{From: rt, To: sec, Kind: graph.EdgeExposes, Pos: graph.Pos{File: file, Line: i + 1}})
	}
	return b
}

// TestKillHelper is not a test: TestKilledIngestKeepsSnapshot runs it in a
// child process that starts a second run, which replaces every file of the
// first, and is killed inside its transaction.
func TestKillHelper(t *testing.T) {
	ns := os.Getenv("BLASTRADIUS_KILL_NAMESPACE")
	if ns == "" {
		t.Skip("run only as the child of TestKilledIngestKeepsSnapshot")
	}
	s, err := Open(context.Background(), Config{URI: testURI(), Namespace: ns, BatchSize: 500})
	if err != nil {
		fmt.Println("OPEN-FAILED", err)
		os.Exit(2)
	}
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		// The new run is written inside the open transaction.
		fmt.Println("IN-TRANSACTION")
		time.Sleep(time.Minute)
		return nil, nil, nil
	}
	s.Write(context.Background(), killBatch(2, 3000), derive)
	os.Exit(3)
}

func snapshot(t *testing.T, s graph.Store) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	for _, k := range graph.NodeKinds {
		ns, err := s.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			out = append(out, n.ID+" "+n.Pos.String())
		}
	}
	es, err := s.EdgesByKind(ctx, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		out = append(out, e.Key().String())
	}
	sort.Strings(out)
	return out
}

func TestKilledIngestKeepsSnapshot(t *testing.T) {
	s := openTest(t, 500)
	if err := s.Write(context.Background(), killBatch(1, 1000), nil); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, s)
	if len(want) != 3000 {
		t.Fatalf("first run stored %d facts, want 3000", len(want))
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
	cmd.Env = append(os.Environ(), "BLASTRADIUS_KILL_NAMESPACE="+s.Namespace(), "NEO4J_URI="+testURI())
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
		line := sc.Text()
		if strings.Contains(line, "IN-TRANSACTION") {
			in = true
			break
		}
		if strings.Contains(line, "OPEN-FAILED") {
			t.Fatalf("child: %s", line)
		}
	}
	// Readers must not see the uncommitted run while it is open.
	if got := snapshot(t, s); !cmp.Equal(want, got) {
		t.Errorf("a reader saw part of an open run: %d facts, want %d", len(got), len(want))
	}
	cmd.Process.Kill() // SIGKILL: the client never commits or rolls back
	cmd.Wait()
	if !in {
		t.Fatal("child never reached the transaction")
	}

	// The server rolls back the dead client's transaction; the previous
	// snapshot stays queryable and unchanged.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := snapshot(t, s)
		if cmp.Equal(want, got) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("snapshot changed by a killed run (-want +got):\n%s", cmp.Diff(want, got))
		}
		time.Sleep(500 * time.Millisecond)
	}
	// And a later run still writes: the dead transaction's locks are gone.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.Write(ctx, killBatch(3, 10), nil); err != nil {
		t.Fatalf("write after the killed run: %v", err)
	}
}
