package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/query"
)

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `blastradius serve` in process and waits until it
// answers; the server stops when the test ends.
func startServe(t *testing.T, db string, extra ...string) string {
	t.Helper()
	return startServeLogging(t, db, io.Discard, append([]string{"--log-level", "error"}, extra...)...)
}

// startServeLogging is startServe with the server's log written to
// logs; flags go after the serve command, root flags such as --log-level
// included.
func startServeLogging(t *testing.T, db string, logs io.Writer, flags ...string) string {
	t.Helper()
	addr := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var out bytes.Buffer
		cmd := newRootCommand(&out, logs)
		cmd.SetArgs(append([]string{"--db", db, "serve", "--listen", addr}, flags...))
		done <- cmd.ExecuteContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v after shutdown", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop within 15 s of cancellation")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not answer on %s within 10 s", addr)
	return ""
}

const blastQuery = `query($s: StartInput!, $t: String) {
  blastRadius(start: $s, since: $t) {
    query
    reached {
      node { id kind label pos }
      depth confidence live declared usedAfterCompromise newSources
      path { from kind to reversed confidence reason level actions pos }
    }
  }
}`

func TestGraphQLMatchesCLI(t *testing.T) {
	db := exampleDB(t)
	addr := startServe(t, db)

	body, _ := json.Marshal(map[string]any{
		"query":     blastQuery,
		"variables": map[string]any{"s": map[string]any{"packages": []string{examplePkg}}, "t": exampleTime},
	})
	resp, err := http.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var gql struct {
		Data struct {
			BlastRadius struct {
				Query   string
				Reached []struct {
					Node                map[string]any
					Depth               int
					Confidence          string
					Live, Declared      bool
					UsedAfterCompromise bool
					NewSources          []string
					Path                []map[string]any
				}
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(raw, &gql); err != nil || len(gql.Errors) > 0 {
		t.Fatalf("graphql response: %v %s", err, raw)
	}

	out, errs, code := run(t, "--db", db, "query", "--package", examplePkg, "--since", exampleTime, "--format", "json")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	var cli resultView
	if err := json.Unmarshal([]byte(out), &cli); err != nil {
		t.Fatal(err)
	}

	// Compare the same facts in one rendering.
	norm := func(id, kind, conf string, depth int, live, declared, used bool, fresh []string, hops []string) string {
		return fmt.Sprintf("%s %s %s depth=%d live=%v declared=%v used=%v new=%v path=%s",
			id, kind, conf, depth, live, declared, used, fresh, strings.Join(hops, " | "))
	}
	var fromGQL, fromCLI []string
	for _, r := range gql.Data.BlastRadius.Reached {
		var hops []string
		for _, h := range r.Path {
			hops = append(hops, fmt.Sprint(h["from"], h["kind"], h["to"], h["reversed"], h["confidence"], h["reason"], h["level"], h["actions"], h["pos"]))
		}
		fresh := r.NewSources
		if len(fresh) == 0 {
			fresh = nil
		}
		fromGQL = append(fromGQL, norm(fmt.Sprint(r.Node["id"]), fmt.Sprint(r.Node["kind"]), r.Confidence, r.Depth, r.Live, r.Declared, r.UsedAfterCompromise, fresh, hops))
	}
	for _, r := range cli.Reached {
		var hops []string
		for _, h := range r.Path {
			level, actions, reason, pos := any(h.Level), any(h.Actions), any(h.Reason), any(h.Pos)
			for _, p := range []*any{&level, &actions, &reason, &pos} {
				if *p == "" {
					*p = nil
				}
			}
			hops = append(hops, fmt.Sprint(h.From, string(h.Kind), h.To, h.Reversed, string(h.Confidence), reason, level, actions, pos))
		}
		fromCLI = append(fromCLI, norm(r.Node.ID, string(r.Node.Kind), string(r.Confidence), r.Depth, r.Live, r.Declared, r.UsedAfter, r.NewSources, hops))
	}
	if len(fromCLI) == 0 {
		t.Fatal("the CLI reached nothing: the comparison would be vacuous")
	}
	if diff := cmp.Diff(fromCLI, fromGQL); diff != "" {
		t.Errorf("GraphQL and CLI differ (-cli +graphql):\n%s", diff)
	}
}

func TestServeRequiresTokenOffLoopback(t *testing.T) {
	db := exampleDB(t)
	t.Setenv("BLASTRADIUS_TOKEN", "")
	_, errs, code := run(t, "--db", db, "serve", "--listen", "0.0.0.0:0")
	if code != exitUsage || !strings.Contains(errs, "BLASTRADIUS_TOKEN") {
		t.Errorf("serve on 0.0.0.0 without a token: exit %d, %q; want exit %d naming BLASTRADIUS_TOKEN", code, errs, exitUsage)
	}
}

// TestServeRejectsAllowedHostWithPort checks that an --allowed-host entry
// with a port is a usage error, because no request could match it.
// Bracketed and bare IPv6 addresses are accepted as names without a port.
func TestServeRejectsAllowedHostWithPort(t *testing.T) {
	db := exampleDB(t)
	_, errs, code := run(t, "--db", db, "serve", "--listen", "127.0.0.1:0", "--allowed-host", "br.example.com:8080")
	if code != exitUsage || !strings.Contains(errs, `invalid --allowed-host "br.example.com:8080"`) {
		t.Errorf("--allowed-host with a port: exit %d, %q; want exit %d naming the entry", code, errs, exitUsage)
	}
	for _, h := range []string{"[::1]", "::1", "br.example.com"} {
		addr := startServe(t, db, "--allowed-host", h)
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("--allowed-host %s: %v", h, err)
		}
		resp.Body.Close()
	}
}

// TestServeChecksHostOnEveryPath sends a rebinding Host header to the
// page, its assets and the API, and expects 403 from each. /healthz,
// which load balancers call by any name, still returns 200.
func TestServeChecksHostOnEveryPath(t *testing.T) {
	addr := startServe(t, exampleDB(t))
	for _, tc := range []struct {
		path, host string
		status     int
	}{
		{"/", "attacker.example.net", http.StatusForbidden},
		{"/app.js", "attacker.example.net", http.StatusForbidden},
		{"/explorer/", "attacker.example.net", http.StatusForbidden},
		{"/graphql?query=%7Bstats%7Bnodes%7D%7D", "attacker.example.net", http.StatusForbidden},
		{"/healthz", "attacker.example.net", http.StatusOK},
		{"/", "localhost:8080", http.StatusOK},
		{"/app.js", "127.0.0.1", http.StatusOK},
	} {
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s with Host %s: status %d, want %d", tc.path, tc.host, resp.StatusCode, tc.status)
		}
	}
}

// lockedBuffer is a bytes.Buffer that the server's goroutines may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// accessLine is the part of an access-log line that a test compares.
type accessLine struct {
	Method, Path, Host string
	Status             int
}

// accessLines waits, for up to 5 s, until logs holds at least n access
// lines for paths other than /healthz, and returns those lines, the
// client addresses they name, and the /healthz lines. The wait covers
// lines written after the client has read its response.
func accessLines(t *testing.T, logs *lockedBuffer, n int) (lines []accessLine, remotes []string, health []accessLine) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines, remotes, health = nil, nil, nil
		for _, raw := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var l struct {
				Msg                string
				Method, Path, Host string
				Status             int
				Remote             string
				Duration, Bytes    *int64
			}
			if err := json.Unmarshal([]byte(raw), &l); err != nil {
				t.Fatalf("log line is not JSON: %v: %s", err, raw)
			}
			if l.Msg != "http request" {
				continue
			}
			if l.Duration == nil || l.Bytes == nil {
				t.Fatalf("access line lacks duration or bytes: %s", raw)
			}
			if l.Path == "/healthz" {
				health = append(health, accessLine{l.Method, l.Path, l.Host, l.Status})
				continue
			}
			lines = append(lines, accessLine{l.Method, l.Path, l.Host, l.Status})
			remotes = append(remotes, l.Remote)
		}
		if len(lines) >= n || time.Now().After(deadline) {
			return lines, remotes, health
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeAccessLog sends requests to the web view, the explorer, the
// API and a rebinding Host header to a running server, and expects one
// access line for each, with the path the client sent, the status it got
// and its address.
func TestServeAccessLog(t *testing.T) {
	var logs lockedBuffer
	addr := startServeLogging(t, exampleDB(t), &logs, "--log-level", "info", "--log-format", "json")

	// Each request's host is the Host header sent, the server's address
	// when empty. want is the line expected for it.
	const foreign = "attacker.example.net"
	requests := []struct {
		method, path, host, body string
		want                     accessLine
	}{
		{"GET", "/", "", "", accessLine{"GET", "/", addr, 200}},
		{"GET", "/explorer/", "", "", accessLine{"GET", "/explorer/", addr, 200}},
		{"POST", "/graphql", "", `{"query":"{ stats { nodes } }"}`, accessLine{"POST", "/graphql", addr, 200}},
		{"GET", "/", foreign, "", accessLine{"GET", "/", foreign, 403}},
		{"GET", "/explorer/", foreign, "", accessLine{"GET", "/explorer/", foreign, 403}},
		{"GET", "/graphql?query=%7Bstats%7Bnodes%7D%7D", foreign, "", accessLine{"GET", "/graphql", foreign, 403}},
		{"GET", "/nope", "", "", accessLine{"GET", "/nope", addr, 404}},
	}
	var want []accessLine
	for _, rq := range requests {
		req, err := http.NewRequest(rq.method, "http://"+addr+rq.path, strings.NewReader(rq.body))
		if err != nil {
			t.Fatal(err)
		}
		if rq.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if rq.host != "" {
			req.Host = rq.host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != rq.want.Status {
			t.Fatalf("%s %s with Host %q: status %d, want %d", rq.method, rq.path, rq.host, resp.StatusCode, rq.want.Status)
		}
		want = append(want, rq.want)
	}

	got, remotes, health := accessLines(t, &logs, len(want))
	sortLines := cmpopts.SortSlices(func(a, b accessLine) bool { return fmt.Sprint(a) < fmt.Sprint(b) })
	if diff := cmp.Diff(want, got, sortLines); diff != "" {
		t.Errorf("access log (-want +got):\n%s", diff)
	}
	for _, r := range remotes {
		if host, _, err := net.SplitHostPort(r); err != nil || host != "127.0.0.1" {
			t.Errorf("access line names client %q, want 127.0.0.1:PORT", r)
		}
	}

	// The readiness checks of startServe reached /healthz.
	if len(health) == 0 || health[0] != (accessLine{"GET", "/healthz", addr, 200}) {
		t.Errorf("access lines for /healthz: %v, want GET %s 200 first", health, addr)
	}
}

// The server's reader passes the store file's rows on, so that a blast
// radius over HTTP walks them as the command line does, not node by node
// through Expand.
func TestServeReaderGivesRows(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "ingest", "../../examples/example-org"); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	s, err := memstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	var r graph.Reader = &reloadingReader{path: db, store: s, mod: info.ModTime(), size: info.Size()}
	rr, ok := r.(query.RowsReader)
	if !ok {
		t.Fatal("the server's reader gives no rows")
	}
	rows := rr.Rows()
	if rows == nil {
		t.Fatal("the server's reader gives nil rows for a store file")
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rows.Len() < st.Nodes {
		t.Errorf("rows hold %d ids, want at least the %d nodes", rows.Len(), st.Nodes)
	}
}
