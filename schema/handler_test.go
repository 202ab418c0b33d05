package schema

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

const canary = "CANARY-schema-7f3a"

func TestBodyTooLarge(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{MaxBodyBytes: 1024})
	body := `{"query": "{ stats { nodes } }", "variables": {"pad": "` + strings.Repeat("x", 2048) + `"}}`
	status, b := send(t, srv, http.MethodPost, "/graphql", "application/json", strings.NewReader(body), nil)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
	if diff := cmp.Diff(decode(t, b).codes(), []string{"BAD_INPUT"}); diff != "" {
		t.Errorf("codes (-got +want):\n%s", diff)
	}

	// A request under the limit succeeds.
	small := `{"query": "{ stats { nodes } }"}`
	status, b = send(t, srv, http.MethodPost, "/graphql", "application/json", strings.NewReader(small), nil)
	if status != http.StatusOK || !strings.Contains(string(b), `"nodes":11`) {
		t.Errorf("status %d body %s, want 200 with 11 nodes", status, b)
	}
}

func TestRequestShapes(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	q := url.Values{}
	q.Set("query", `query($id: ID!) { node(id: $id) { label } }`)
	q.Set("variables", `{"id": "`+deployer+`"}`)
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		status      int
		want        string // part of the body
	}{
		{"get", http.MethodGet, "/graphql?" + q.Encode(), "", "", http.StatusOK, `{"data":{"node":{"label":"deployer"}}}`},
		{"get bad variables", http.MethodGet, "/graphql?query=%7Bstats%7Bnodes%7D%7D&variables=%7Bx", "", "", http.StatusBadRequest, "BAD_INPUT"},
		{"post charset", http.MethodPost, "/graphql", "application/json; charset=utf-8", `{"query":"{stats{edges}}"}`, http.StatusOK, `"edges":12`},
		{"operation name", http.MethodPost, "/graphql", "application/json",
			`{"query":"query A { stats { nodes } } query B { stats { edges } }","operationName":"B"}`, http.StatusOK, `{"data":{"stats":{"edges":12}}}`},
		{"form post", http.MethodPost, "/graphql", "application/x-www-form-urlencoded", "query=%7Bstats%7Bnodes%7D%7D", http.StatusUnsupportedMediaType, "BAD_INPUT"},
		{"not json", http.MethodPost, "/graphql", "application/json", `{"query":`, http.StatusBadRequest, "BAD_INPUT"},
		{"no query", http.MethodPost, "/graphql", "application/json", `{"variables":{}}`, http.StatusBadRequest, "missing query"},
		{"put", http.MethodPut, "/graphql", "application/json", `{}`, http.StatusMethodNotAllowed, "BAD_INPUT"},
		{"unknown path", http.MethodGet, "/nope", "", "", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b := send(t, srv, tt.method, tt.path, tt.contentType, strings.NewReader(tt.body), nil)
			if status != tt.status {
				t.Errorf("status %d, want %d: %s", status, tt.status, b)
			}
			if !strings.Contains(string(b), tt.want) {
				t.Errorf("body %s does not contain %s", b, tt.want)
			}
		})
	}
}

func TestExplorerPage(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	resp, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page bytes.Buffer
	if _, err := page.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: status %d type %q, want 200 text/html", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	html := page.String()
	for _, want := range []string{"<!DOCTYPE html>", `<textarea id="query"`, `<textarea id="variables"`, `id="run"`, `id="result"`, `id="doc-body"`} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("Content-Security-Policy %q does not confine the page to its server", csp)
	}

	// Every script and style the page names is served here, and nothing
	// the page or its assets hold points at another host.
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(html, -1)
	if len(refs) < 2 {
		t.Fatalf("page names %d assets, want the script and the style", len(refs))
	}
	texts := map[string]string{"/": html}
	for _, ref := range refs {
		u := ref[1]
		if strings.Contains(u, "//") || strings.Contains(u, ":") {
			t.Errorf("page loads %q from elsewhere", u)
			continue
		}
		status, b := send(t, srv, http.MethodGet, "/"+strings.TrimPrefix(u, "/"), "", nil, nil)
		if status != http.StatusOK || len(b) == 0 {
			t.Errorf("GET %s: status %d, %d bytes", u, status, len(b))
		}
		texts[u] = string(b)
	}
	for name, text := range texts {
		for _, scheme := range []string{"http://", "https://", "@import", "url("} {
			if strings.Contains(text, scheme) {
				t.Errorf("%s contains %q", name, scheme)
			}
		}
	}
}

// TestExplorerIntrospection runs the introspection query of the explorer
// script against the server, as the page does when it loads.
func TestExplorerIntrospection(t *testing.T) {
	src := string(explorerJS)
	const open = "const introspection = `"
	i := strings.Index(src, open)
	if i < 0 {
		t.Fatal("explorer.js has no introspection query")
	}
	doc, _, ok := strings.Cut(src[i+len(open):], "`")
	if !ok {
		t.Fatal("introspection query is not closed")
	}

	srv := newServer(t, newTestStore(t), Options{})
	body, err := json.Marshal(map[string]any{"query": doc, "operationName": "Introspection"})
	if err != nil {
		t.Fatal(err)
	}
	status, b := send(t, srv, http.MethodPost, "/graphql", "application/json", bytes.NewReader(body), nil)
	r := decode(t, b)
	if status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("status %d, errors %+v", status, r.Errors)
	}
	var a struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	if err := json.Unmarshal(r.Data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Schema.QueryType.Name != "Query" {
		t.Errorf("query type %q, want Query", a.Schema.QueryType.Name)
	}
	names := map[string]bool{}
	for _, ty := range a.Schema.Types {
		names[ty.Name] = true
	}
	for _, want := range []string{"BlastRadius", "RevocationPlan", "Node", "Edge", "StartInput", "Direction"} {
		if !names[want] {
			t.Errorf("introspection lacks type %s", want)
		}
	}
}

// slowReader blocks every read until the request's context ends.
type slowReader struct{ graph.Reader }

func (r slowReader) Expand(ctx context.Context, ids []string, dir graph.Direction, kinds ...graph.EdgeKind) ([]graph.Edge, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestTimeout(t *testing.T) {
	srv := newServer(t, slowReader{newTestStore(t)}, Options{RequestTimeout: 50 * time.Millisecond})
	start := time.Now()
	_, body := post(t, srv, `query($s: StartInput!) { blastRadius(start: $s) { total } }`,
		map[string]any{"s": map[string]any{"packages": []string{pkgV1}}})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("answer took %v", d)
	}
	r := decode(t, body)
	if diff := cmp.Diff(r.codes(), []string{"TIMEOUT"}); diff != "" {
		t.Errorf("codes (-got +want):\n%s\n%s", diff, body)
	}
}

// stuckReader blocks every read, whatever the context, until release is
// closed: a resolver busy with work that does not look at the context.
type stuckReader struct {
	graph.Reader
	release chan struct{}
}

func (r stuckReader) Expand(context.Context, []string, graph.Direction, ...graph.EdgeKind) ([]graph.Edge, error) {
	<-r.release
	return nil, nil
}

// TestTimeoutWhileResolverBusy expects a TIMEOUT response at the request's
// deadline while the resolver is still blocked, so the response arrives
// before the test releases the resolver.
func TestTimeoutWhileResolverBusy(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := newServer(t, stuckReader{newTestStore(t), release}, Options{RequestTimeout: 50 * time.Millisecond})
	_, body := post(t, srv, `query($s: StartInput!) { blastRadius(start: $s) { total } }`,
		map[string]any{"s": map[string]any{"packages": []string{pkgV1}}})
	r := decode(t, body)
	if diff := cmp.Diff(r.codes(), []string{"TIMEOUT"}); diff != "" {
		t.Errorf("codes (-got +want):\n%s\n%s", diff, body)
	}
}

// failingReader fails or panics on Stats with a text that must not reach
// the client.
type failingReader struct {
	graph.Reader
	panics bool
}

func (r failingReader) Stats(context.Context) (graph.Stats, error) {
	if r.panics {
		panic("index out of range in " + canary)
	}
	return graph.Stats{}, errors.New("open /var/lib/" + canary + ": permission denied")
}

func TestInternalErrors(t *testing.T) {
	for _, panics := range []bool{false, true} {
		var logs syncBuffer
		log := slog.New(slog.NewJSONHandler(&logs, nil))
		srv := newServer(t, failingReader{Reader: newTestStore(t), panics: panics}, Options{Logger: log})
		status, body := post(t, srv, `{ stats { nodes } }`, nil)
		if status != http.StatusOK {
			t.Errorf("panics=%v: status %d", panics, status)
		}
		r := decode(t, body)
		if diff := cmp.Diff(r.codes(), []string{"INTERNAL"}); diff != "" {
			t.Errorf("panics=%v: codes (-got +want):\n%s", panics, diff)
		}
		for _, leak := range []string{canary, "goroutine", ".go:", "/var/lib"} {
			if strings.Contains(string(body), leak) {
				t.Errorf("panics=%v: response shows %q: %s", panics, leak, body)
			}
		}
		// The operator's log keeps the cause.
		if !strings.Contains(logs.String(), canary) {
			t.Errorf("panics=%v: log lacks the cause:\n%s", panics, logs.String())
		}
		if strings.Contains(logs.String(), "goroutine ") {
			t.Errorf("panics=%v: log holds a stack trace", panics)
		}
	}
}

// syncBuffer is a bytes.Buffer that the server's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestAccessLog(t *testing.T) {
	var logs syncBuffer

	srv := newServer(t, newTestStore(t), Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	post(t, srv, `query($s: StartInput!) { blastRadius(start: $s) { total } }`,
		map[string]any{"s": map[string]any{"secrets": []string{canary}}})
	q := url.Values{"query": {`query($id: ID!) { node(id: $id) { id } }`}, "variables": {`{"id": "` + canary + `"}`}}
	send(t, srv, http.MethodGet, "/graphql?"+q.Encode(), "", nil, nil)
	send(t, srv, http.MethodGet, "/", "", nil, nil)
	send(t, srv, http.MethodGet, "/nope", "", nil, nil)
	// The line of a request is written once its handler returns, which
	// may be after the client has the response. Close waits for every
	// handler.
	srv.Close()

	type line struct {
		Msg      string
		Method   string
		Path     string
		Status   int
		Duration *int64
		Bytes    *int64
	}
	var got []line
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		if l.Duration == nil || l.Bytes == nil || *l.Bytes <= 0 {
			t.Errorf("line %s lacks duration or bytes", sc.Bytes())
		}
		l.Duration, l.Bytes = nil, nil
		got = append(got, l)
	}
	want := []line{
		{Msg: "http request", Method: "POST", Path: "/graphql", Status: 200},
		{Msg: "http request", Method: "GET", Path: "/graphql", Status: 200},
		{Msg: "http request", Method: "GET", Path: "/", Status: 200},
		{Msg: "http request", Method: "GET", Path: "/nope", Status: 404},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("access log (-got +want):\n%s", diff)
	}
	if strings.Contains(logs.String(), canary) || strings.Contains(logs.String(), "query") {
		t.Errorf("access log shows the query or its variables:\n%s", logs.String())
	}
}

// TestAccessLogNested puts NewHandler under a prefix that the mux strips,
// beside handlers of its own, inside an outer AccessLog with the same
// logger: each request gets one line, with the path the client sent.
func TestAccessLogNested(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	mux := http.NewServeMux()
	mux.Handle("/explorer/", http.StripPrefix("/explorer", NewHandler(newTestStore(t), Options{Logger: logger})))
	mux.HandleFunc("/refused", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "refused", http.StatusForbidden)
	})
	mux.HandleFunc("/abort", func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	})
	srv := httptest.NewServer(AccessLog(logger, mux))
	t.Cleanup(srv.Close)
	q := url.Values{"query": {`{ stats { nodes } }`}}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/explorer/", http.StatusOK},
		{"/explorer/graphql?" + q.Encode(), http.StatusOK},
		{"/refused", http.StatusForbidden},
	} {
		if status, body := send(t, srv, http.MethodGet, tc.path, "", nil, nil); status != tc.status {
			t.Errorf("GET %s: status %d, want %d: %s", tc.path, status, tc.status, body)
		}
	}
	// A POST, since the client sends a GET again on a dropped connection.
	if resp, err := srv.Client().Post(srv.URL+"/abort", "text/plain", nil); err == nil {
		resp.Body.Close()
		t.Errorf("POST /abort: status %d, want the connection dropped", resp.StatusCode)
	}
	// Close waits for the handlers, and so for their lines.
	srv.Close()

	type line struct {
		Msg     string
		Method  string
		Path    string
		Status  int
		Aborted bool
	}
	var got []line
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		got = append(got, l)
	}
	want := []line{
		{Msg: "http request", Method: "GET", Path: "/explorer/", Status: 200},
		{Msg: "http request", Method: "GET", Path: "/explorer/graphql", Status: 200},
		{Msg: "http request", Method: "GET", Path: "/refused", Status: 403},
		{Msg: "http request", Method: "POST", Path: "/abort", Status: 0, Aborted: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("access log (-want +got):\n%s", diff)
	}
}

func TestHostAndToken(t *testing.T) {
	store := newTestStore(t)
	open := newServer(t, store, Options{})
	guarded := newServer(t, store, Options{Token: "example-token-1234", AllowedHosts: []string{"blastradius.example.com"}})
	query := `{"query":"{ stats { nodes } }"}`
	tests := []struct {
		name   string
		srv    string
		host   string
		auth   string
		status int
	}{
		{"loopback address", "open", "", "", http.StatusOK},
		{"localhost", "open", "localhost:8080", "", http.StatusOK},
		{"ipv6 loopback", "open", "[::1]:8080", "", http.StatusOK},
		{"rebinding name", "open", "attacker.example.net", "", http.StatusForbidden},
		{"other address", "open", "192.0.2.1:8080", "", http.StatusForbidden},
		{"allowed host, no token", "guarded", "blastradius.example.com", "", http.StatusUnauthorized},
		{"allowed host, wrong token", "guarded", "blastradius.example.com", "Bearer example-token-9999", http.StatusUnauthorized},
		{"allowed host, token", "guarded", "blastradius.example.com:443", "Bearer example-token-1234", http.StatusOK},
		{"loopback not listed", "guarded", "", "Bearer example-token-1234", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := open
			if tt.srv == "guarded" {
				srv = guarded
			}
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(query))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.host != "" {
				req.Host = tt.host
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}

	// The explorer page needs no token; it asks for one.
	req, err := http.NewRequest(http.MethodGet, guarded.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "blastradius.example.com"
	resp, err := guarded.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("explorer without a token: status %d, want 200", resp.StatusCode)
	}
}

func TestAliasAmplificationLimited(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	var fields []string
	for i := 0; i < MaxTraversalsPerRequest+4; i++ {
		fields = append(fields, fmt.Sprintf("a%d: blastRadius(start: $s) { total }", i))
	}
	_, body := post(t, srv, "query($s: StartInput!) { "+strings.Join(fields, " ")+" }",
		map[string]any{"s": map[string]any{"packages": []string{pkgV1}}})
	r := decode(t, body)
	if got := len(r.codes()); got != 4 {
		t.Errorf("%d errors, want 4: the fields past %d are refused\n%s", got, MaxTraversalsPerRequest, body)
	}
	for _, c := range r.codes() {
		if c != "BAD_INPUT" {
			t.Errorf("code %s, want BAD_INPUT", c)
		}
	}
}

// An id with control characters, as a hostile workflow's job key gives,
// is written as a JSON string that reads back as the same id.
func TestControlCharacterIDs(t *testing.T) {
	const job = "runtime:gha:o/a/.github/workflows/ci.yml#j\x1b[31mred\a"
	const secret = "secret:gha:o/a/TOKEN"
	s := memstore.New()
	b := &graph.Batch{Nodes: []graph.Node{
		{ID: job, Kind: graph.NodeRuntime, Label: "j\x1b[31mred\a", Pos: graph.Pos{File: "ci.yml", Line: 1}},
		{ID: secret, Kind: graph.NodeSecret, Label: "TOKEN", Pos: graph.Pos{File: "ci.yml", Line: 2}},
	}, Edges: []graph.Edge{
		{From: job, To: secret, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: graph.Pos{File: "ci.yml", Line: 2}},
	}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}

	srv := newServer(t, s, Options{})
	status, body := post(t, srv, `query($id: ID!) { node(id: $id) { id edges(direction: OUT) { from to } } }`, map[string]any{"id": job})
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", status, body)
	}

	var got struct {
		Data struct {
			Node struct {
				ID    string
				Edges []struct{ From, To string }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	if len(got.Errors) > 0 {
		t.Fatalf("errors: %v", got.Errors)
	}
	if got.Data.Node.ID != job {
		t.Errorf("id %q, want %q", got.Data.Node.ID, job)
	}
	if len(got.Data.Node.Edges) != 1 || got.Data.Node.Edges[0].From != job || got.Data.Node.Edges[0].To != secret {
		t.Errorf("edges %+v, want one from the job to %s", got.Data.Node.Edges, secret)
	}
}
