package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

var update = flag.Bool("update", false, "rewrite testdata/*.want.json from the server's answers; review the diff")

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

func (r gqlResponse) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// newServer starts the handler over the test graph on a loopback port.
func newServer(t *testing.T, store graph.Reader, opt Options) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(store, opt))
	t.Cleanup(srv.Close)
	return srv
}

// post sends a GraphQL request and returns the status and raw body.
func post(t *testing.T, srv *httptest.Server, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return send(t, srv, http.MethodPost, "/graphql", "application/json", bytes.NewReader(body), nil)
}

func send(t *testing.T, srv *httptest.Server, method, path, contentType string, body io.Reader, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return resp.StatusCode, b
}

func decode(t *testing.T, b []byte) gqlResponse {
	t.Helper()
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, b)
	}
	return r
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden runs each testdata/NAME.graphql with NAME.vars.json and
// compares the response with NAME.want.json, worked out by hand from the
// graph in fixture_test.go.
func TestGolden(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	for _, name := range []string{"blast_radius", "revocation_plan", "node", "node_unknown", "stats"} {
		t.Run(name, func(t *testing.T) {
			doc := string(readFile(t, name+".graphql"))
			var vars map[string]any
			if b, err := os.ReadFile(filepath.Join("testdata", name+".vars.json")); err == nil {
				if err := json.Unmarshal(b, &vars); err != nil {
					t.Fatalf("%s.vars.json: %v", name, err)
				}
			}
			status, body := post(t, srv, doc, vars)
			if status != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", status, body)
			}
			wantFile := filepath.Join("testdata", name+".want.json")
			if *update {
				var v any
				if err := json.Unmarshal(body, &v); err != nil {
					t.Fatal(err)
				}
				out, _ := json.MarshalIndent(v, "", "  ")
				if err := os.WriteFile(wantFile, append(out, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			var got, want any
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("response is not JSON: %v", err)
			}
			if err := json.Unmarshal(readFile(t, name+".want.json"), &want); err != nil {
				t.Fatalf("%s: %v", wantFile, err)
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("response differs from %s (-got +want):\n%s", wantFile, diff)
			}
		})
	}
}

const reachedIDs = `query($start: StartInput!, $depth: Int) {
  blastRadius(start: $start, maxDepth: $depth) { total truncated reached { node { id } } }
}`

type reachedAnswer struct {
	BlastRadius struct {
		Total     int
		Truncated bool
		Reached   []struct{ Node struct{ ID string } }
	}
}

// TestReachedSets checks which nodes each kind of start reaches.
func TestReachedSets(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	fromKey := []string{deployer, adminRole, bucket, table}
	tests := []struct {
		name  string
		start map[string]any
		depth any
		want  []string
	}{
		{"exact version", map[string]any{"packages": []string{pkgV1}}, nil,
			[]string{releaseJob, deployKey, jobToken, deployer, adminRole, bucket, table}},
		{"range", map[string]any{"packages": []string{pkgName + "@^1.0.0"}}, nil,
			[]string{releaseJob, deployKey, jobToken, deployer, adminRole, bucket, table}},
		{"every version", map[string]any{"packages": []string{pkgName}}, nil,
			[]string{lintJob, releaseJob, deployKey, jobToken, deployer, adminRole, bucket, table}},
		{"other version", map[string]any{"packages": []string{pkgV2}}, nil, []string{lintJob}},
		{"advisory versions", map[string]any{"advisories": []string{
			`{"id":"MAL-2026-0001","affected":[{"package":{"ecosystem":"npm","name":"example-lib"},"versions":["1.0.0"]}]}`}}, nil,
			[]string{releaseJob, deployKey, jobToken, deployer, adminRole, bucket, table}},
		{"advisory range", map[string]any{"advisories": []string{
			`{"id":"GHSA-0000-0000-0000","affected":[{"package":{"ecosystem":"npm","name":"example-lib"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.5.0"}]}]}]}`}}, nil,
			[]string{lintJob}},
		{"depth 2", map[string]any{"packages": []string{pkgV1}}, 2, []string{releaseJob, deployKey, jobToken}},
		{"secret by name", map[string]any{"secrets": []string{"AWS_DEPLOY_KEY"}}, nil, fromKey},
		{"secret by id", map[string]any{"secrets": []string{deployKey}}, nil, fromKey},
		{"identity", map[string]any{"identities": []string{"example-admin"}}, nil, []string{table}},
		{"node", map[string]any{"nodes": []string{bucket}}, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := post(t, srv, reachedIDs, map[string]any{"start": tt.start, "depth": tt.depth})
			r := decode(t, body)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			var a reachedAnswer
			if err := json.Unmarshal(r.Data, &a); err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, x := range a.BlastRadius.Reached {
				got = append(got, x.Node.ID)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("reached (-got +want):\n%s", diff)
			}
			if a.BlastRadius.Total != len(tt.want) || a.BlastRadius.Truncated {
				t.Errorf("total %d truncated %v, want %d false", a.BlastRadius.Total, a.BlastRadius.Truncated, len(tt.want))
			}
		})
	}
}

func TestMaxResultsTruncates(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{MaxResults: 2})
	_, body := post(t, srv, reachedIDs, map[string]any{"start": map[string]any{"packages": []string{pkgV1}}})
	var a reachedAnswer
	if err := json.Unmarshal(decode(t, body).Data, &a); err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, x := range a.BlastRadius.Reached {
		got = append(got, x.Node.ID)
	}
	if diff := cmp.Diff(got, []string{releaseJob, deployKey}); diff != "" {
		t.Errorf("reached (-got +want):\n%s", diff)
	}
	if a.BlastRadius.Total != 7 || !a.BlastRadius.Truncated {
		t.Errorf("total %d truncated %v, want 7 true", a.BlastRadius.Total, a.BlastRadius.Truncated)
	}

	_, body = post(t, srv, `{ node(id: "`+deployer+`") { edges { kind } n: edges(first: 1) { kind } } }`, nil)
	var e struct {
		Node struct{ Edges, N []struct{ Kind string } }
	}
	if err := json.Unmarshal(decode(t, body).Data, &e); err != nil {
		t.Fatal(err)
	}
	if len(e.Node.Edges) != 2 || len(e.Node.N) != 1 {
		t.Errorf("edges: %d and %d, want 2 (the cap) and 1", len(e.Node.Edges), len(e.Node.N))
	}
}

// TestErrorCodes checks the code of each kind of failure, and that no
// partial answer comes with it.
func TestErrorCodes(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{MaxQueryBytes: 4096})
	radius := `query($start: StartInput!, $since: String, $depth: Int) {
  blastRadius(start: $start, since: $since, maxDepth: $depth) { total }
}`
	pkg := func(p ...string) map[string]any { return map[string]any{"packages": p} }
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		msg   string // part of the message
	}{
		{"unknown package", radius, map[string]any{"start": pkg("pkg:npm/no-such-lib@1.0.0")}, "NOT_FOUND", "no node matches"},
		{"unknown version", radius, map[string]any{"start": pkg(pkgName + "@9.9.9")}, "NOT_FOUND", "no node matches"},
		{"unknown secret", radius, map[string]any{"start": map[string]any{"secrets": []string{"NO_SUCH_SECRET"}}}, "NOT_FOUND", "no node matches"},
		{"not a purl", radius, map[string]any{"start": pkg("example-lib@1.0.0")}, "BAD_INPUT", "start.packages[0]"},
		{"advisory not JSON", radius, map[string]any{"start": map[string]any{"advisories": []string{`{"id": "CANARY-schema-9d2e",`}}}, "BAD_INPUT", "start.advisories[0]"},
		{"advisory without id", radius, map[string]any{"start": map[string]any{"advisories": []string{`{"affected": []}`}}}, "BAD_INPUT", "no id"},
		{"advisory matches nothing", radius, map[string]any{"start": map[string]any{"advisories": []string{
			`{"id":"MAL-2026-0002","affected":[{"package":{"ecosystem":"npm","name":"no-such-lib"},"versions":["1.0.0"]}]}`}}}, "NOT_FOUND", "no node matches"},
		{"bad since", radius, map[string]any{"start": pkg(pkgV1), "since": "last tuesday"}, "BAD_INPUT", "since"},
		{"depth zero", radius, map[string]any{"start": pkg(pkgV1), "depth": 0}, "BAD_INPUT", "maxDepth"},
		{"depth too big", radius, map[string]any{"start": pkg(pkgV1), "depth": 65}, "BAD_INPUT", "maxDepth"},
		{"empty start", radius, map[string]any{"start": map[string]any{}}, "BAD_INPUT", "missing start"},
		{"missing variable", radius, nil, "BAD_INPUT", "start"},
		{"syntax", `{ blastRadius(`, nil, "BAD_INPUT", "syntax"},
		{"unknown field", `{ stats { nope } }`, nil, "BAD_INPUT", "nope"},
		{"unknown edge kind", `{ node(id: "` + deployer + `") { edges(kinds: ["NOPE"]) { to } } }`, nil, "BAD_INPUT", "kinds[0]"},
		{"negative first", `{ node(id: "` + deployer + `") { edges(first: -1) { to } } }`, nil, "BAD_INPUT", "first"},
		{"query too long", `{ stats { nodes } }` + strings.Repeat(" ", 5000), nil, "BAD_INPUT", "query length"},
		{"too deep", deepQuery(8), nil, "BAD_INPUT", "depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, srv, tt.query, tt.vars)
			if status != http.StatusOK {
				t.Errorf("status %d, want 200", status)
			}
			r := decode(t, body)
			if len(r.Errors) == 0 {
				t.Fatalf("no error: %s", body)
			}
			if diff := cmp.Diff(r.codes(), []string{tt.code}); diff != "" {
				t.Errorf("codes (-got +want):\n%s\n%s", diff, body)
			}
			if !strings.Contains(r.Errors[0].Message, tt.msg) {
				t.Errorf("message %q does not mention %q", r.Errors[0].Message, tt.msg)
			}
			if strings.Contains(string(body), "CANARY") {
				t.Errorf("the error repeats input text: %s", body)
			}
			if !onlyNulls(t, r.Data) {
				t.Errorf("data %s, want nothing but nulls", r.Data)
			}
		})
	}
}

// onlyNulls reports whether a response's data holds no value: it is
// absent, null, or objects whose fields are all null.
func onlyNulls(t *testing.T, data json.RawMessage) bool {
	t.Helper()
	if len(data) == 0 {
		return true
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("data is not JSON: %v", err)
	}
	var check func(v any) bool
	check = func(v any) bool {
		switch v := v.(type) {
		case nil:
			return true
		case map[string]any:
			for _, x := range v {
				if !check(x) {
					return false
				}
			}
			return true
		}
		return false
	}
	return check(v)
}

// deepQuery nests node -> edges -> toNode pairs times deep: 2*pairs+2
// levels.
func deepQuery(pairs int) string {
	var b strings.Builder
	b.WriteString(`{ node(id: "` + deployer + `") { `)
	for range pairs {
		b.WriteString("edges { toNode { ")
	}
	b.WriteString("id")
	for range pairs {
		b.WriteString(" } }")
	}
	b.WriteString(" } }")
	return b.String()
}

func TestDepthLimit(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	tests := []struct {
		pairs int
		ok    bool
	}{
		{5, true},  // 12 levels: node, 5 x (edges, toNode), id
		{6, false}, // 14 levels
	}
	for _, tt := range tests {
		_, body := post(t, srv, deepQuery(tt.pairs), nil)
		r := decode(t, body)
		if got := len(r.Errors) == 0; got != tt.ok {
			t.Errorf("%d pairs: accepted %v, want %v: %s", tt.pairs, got, tt.ok, body)
		}
	}
}

// TestDescriptions checks that every type, field, argument, input field
// and enum value of the schema has a description.
func TestDescriptions(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	_, body := post(t, srv, `{ __schema { types {
  name description
  fields { name description args { name description } }
  inputFields { name description }
  enumValues { name description }
} } }`, nil)
	var a struct {
		Schema struct {
			Types []struct {
				Name, Description string
				Fields            []struct {
					Name, Description string
					Args              []struct{ Name, Description string }
				}
				InputFields []struct{ Name, Description string }
				EnumValues  []struct{ Name, Description string }
			}
		} `json:"__schema"`
	}
	r := decode(t, body)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, &a); err != nil {
		t.Fatal(err)
	}
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	var missing []string
	seen := 0
	for _, ty := range a.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") || builtin[ty.Name] {
			continue
		}
		seen++
		if ty.Description == "" {
			missing = append(missing, ty.Name)
		}
		for _, f := range ty.Fields {
			if f.Description == "" {
				missing = append(missing, ty.Name+"."+f.Name)
			}
			for _, a := range f.Args {
				if a.Description == "" {
					missing = append(missing, ty.Name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, f := range ty.InputFields {
			if f.Description == "" {
				missing = append(missing, ty.Name+"."+f.Name)
			}
		}
		for _, v := range ty.EnumValues {
			if v.Description == "" {
				missing = append(missing, ty.Name+"."+v.Name)
			}
		}
	}
	if seen < 15 {
		t.Errorf("introspection lists %d schema types, want at least 15", seen)
	}
	if len(missing) > 0 {
		t.Errorf("no description: %s", strings.Join(missing, ", "))
	}
}

// The evidence of an OBSERVED edge reaches a client whole, with each
// access key's own calls.
func TestEdgeEvidence(t *testing.T) {
	srv := newServer(t, newTestStore(t), Options{})
	status, body := post(t, srv, `query($id: ID!) { node(id: $id) { edges(kinds: ["OBSERVED"]) {
		to evidence { first last count denied actions keys records
			addrs { value count } agents { value }
			keyUses { key first last lastAllowed count denied actions addrs { value } agents { value } records } } } } }`,
		map[string]any{"id": deployer})
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	want := `{"data":{"node":{"edges":[{"to":"arn:aws:s3:::example-artifacts","evidence":{` +
		`"first":"2026-01-10T08:00:00Z","last":"2026-01-12T09:30:00Z","count":3,"denied":1,` +
		`"actions":["s3:GetObject","s3:PutObject"],"keys":["AKIAEXAMPLE000000001"],` +
		`"records":["logs/cloudtrail.json:2","logs/cloudtrail.json:7"],` +
		`"addrs":[{"value":"192.0.2.10","count":2},{"value":"198.51.100.7","count":1}],"agents":[{"value":"aws-cli/2.15.0"}],` +
		`"keyUses":[{"key":"AKIAEXAMPLE000000001","first":"2026-01-10T08:00:00Z","last":"2026-01-12T09:30:00Z",` +
		`"lastAllowed":"2026-01-11T17:00:00Z","count":3,"denied":1,"actions":["s3:GetObject","s3:PutObject"],` +
		`"addrs":[{"value":"192.0.2.10"},{"value":"198.51.100.7"}],"agents":[],` +
		`"records":["logs/cloudtrail.json:2","logs/cloudtrail.json:7"]}]}}]}}}`
	if got := strings.TrimSpace(string(body)); got != want {
		t.Errorf("response\n got %s\nwant %s", got, want)
	}
}
