package githubaudit

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
)

func sorted(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}

func TestExport(t *testing.T) {
	f := fileAt(t, "testdata/export.json")
	if !New().Detect(f) {
		t.Fatal("Detect = false")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}

	const (
		dev      = "github:user:octo-dev"
		admin    = "github:user:octo-admin"
		payments = "repo:github.com/example-org/payments-api"
	)
	want := []string{
		dev + " -OBSERVED-> " + payments + " [] [git.clone git.push] ok=2 denied=0",
		"secret:github:token:555001 -AUTHENTICATES_AS-> " + dev + " [] [] ok=2 denied=0",
		admin + " -OBSERVED-> github:user:new-hire [] [org.add_member] ok=1 denied=0",
		admin + " -OBSERVED-> github:org:example-org [] [org.update_actions_secret] ok=1 denied=0",
		"github:user:github-actions[bot] -OBSERVED-> " + payments + " [] [workflows.created_workflow_run] ok=1 denied=0",
		"secret:github:token:777002 -AUTHENTICATES_AS-> github:user:github-actions[bot] [] [] ok=1 denied=0",
	}
	if diff := cmp.Diff(edgeLines(res), sorted(want)); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if res.Records != 6 {
		t.Errorf("Records = %d, want 6", res.Records)
	}

	for _, e := range res.Edges {
		if e.From != dev || e.To != payments {
			continue
		}
		ev := e.Evidence
		if !ev.First.Equal(time.UnixMilli(1791190800000).UTC()) || !ev.Last.Equal(time.UnixMilli(1791191100000).UTC()) {
			t.Errorf("evidence %s..%s, want the two @timestamp values", ev.First, ev.Last)
		}
		if !cmp.Equal(ev.Keys, []string{"555001"}) || len(ev.Addrs) != 2 {
			t.Errorf("evidence keys %v addrs %v, want the token id and two addresses", ev.Keys, ev.Addrs)
		}
	}

	tok := findNode(res, "secret:github:token:555001")
	wantAttrs := map[string]string{"provider": "github", "type": "personal-access-token", "key_id": "555001", "long_lived": "true", "observed": "true", "scopes": "repo,workflow",
		"org": "example-org", "name": "personal access token 555001 of octo-dev"}
	if tok == nil || !cmp.Equal(tok.Attrs, wantAttrs) {
		t.Errorf("token node = %+v, want attrs %v", tok, wantAttrs)
	}
	if out := marshal(t, res); strings.Contains(out, "CANARY-githubaudit-7f3a") || strings.Contains(out, "EXAMPLEHASHEDTOKEN") {
		t.Error("a value of the entry other than the token id reached the result")
	}
}

func TestStream(t *testing.T) {
	f := fileAt(t, "testdata/stream.jsonl")
	if !New().Detect(f) {
		t.Fatal("Detect = false")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"github:user:octo-admin -OBSERVED-> repo:github.com/example-org/old-tool [] [repo.destroy] ok=1 denied=0",
		"github:user:outside-contributor -OBSERVED-> repo:github.com/example-org/payments-api [] [pull_request.opened] ok=1 denied=0",
	}
	if diff := cmp.Diff(edgeLines(res), sorted(want)); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, d.String())
	}
	if diff := cmp.Diff(diags, []string{"testdata/stream.jsonl:3: record 3 is not valid JSON; skipped"}); diff != "" {
		t.Errorf("diagnostics (-got +want):\n%s", diff)
	}
	if out := marshal(t, res); strings.Contains(out, "CANARY-githubaudit-7f3a") {
		t.Error("a webhook payload value reached the result")
	}
}

func TestRejects(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"empty", "", "x.json: file is empty"},
		{"cut", "[\n{\"action\": \"repo.create\"", "x.json:2:1: file ends in the middle of a JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res ingest.Result
			err := New().Parse(context.Background(), bytesFile("x.json", []byte(tt.input)), &ingest.Env{}, &res)
			checkError(t, err, "x.json")
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
		})
	}
}

func TestCorpus(t *testing.T) {
	path := filepath.Join(sharedDir, "corpus", "panther-labs__panther-analysis", "rules", "github_rules", "_tests_extracted.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared corpus not present")
	}
	f := fileAt(t, path)
	if !New().Detect(f) {
		t.Fatal("Detect = false for the GitHub audit samples")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	if res.Records != 95 || len(res.Diags) != 0 {
		t.Errorf("Records = %d with diagnostics %v, want 95 and none", res.Records, res.Diags)
	}
	t.Logf("%d nodes, %d edges", len(res.Nodes), len(res.Edges))
}

// TestPushPayload: a push webhook payload beside audit entries names no
// action. It is the push of its sender to the repository, as the audit
// log's git.push is, at the repository's pushed_at (seconds since 1970).
// The head commit's own time and text are not read.
func TestPushPayload(t *testing.T) {
	data := `{"@timestamp":1791192600000,"action":"repo.create","actor":"octo-admin","org":"example-org","repo":"example-org/new-tool"}
{"ref":"refs/heads/main","before":"0000000000000000000000000000000000000000","after":"1111111111111111111111111111111111111111","created":true,"pusher":{"name":"octo-dev","email":"octo-dev@example.com"},"sender":{"login":"octo-dev"},"repository":{"full_name":"example-org/payments-api","created_at":1700000000,"pushed_at":1791193000},"head_commit":{"message":"CANARY-githubaudit-7f3a","timestamp":"2020-01-01T00:00:00Z"}}
`
	f := bytesFile("deliveries.jsonl", []byte(data))
	if !New().Detect(f) {
		t.Fatal("Detect = false")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	const push = "github:user:octo-dev -OBSERVED-> repo:github.com/example-org/payments-api [] [git.push] ok=1 denied=0"
	if !slices.Contains(edgeLines(res), push) {
		t.Errorf("edges %v, want %q", edgeLines(res), push)
	}
	for _, e := range res.Edges {
		if e.From == "github:user:octo-dev" && !e.Evidence.First.Equal(time.Unix(1791193000, 0)) {
			t.Errorf("push at %s, want the repository's pushed_at", e.Evidence.First)
		}
	}
	if out := marshal(t, res); strings.Contains(out, "CANARY-githubaudit-7f3a") {
		t.Error("a value of the push payload reached the result")
	}
}

// hashOf555001 is the made-up hashed_token of token 555001 in the token
// tests.
const hashOf555001 = "k3Xy+/AbCdEfEXAMPLEHASH0123456789abcdefghij="

// TestTokenHashJoinsID: the first and last entries name a token by its
// hashed_token alone, and the middle one gives its token_id beside that
// hash. All three calls are the token's: one node 555001 with three calls
// and the key 555001 in the account's evidence. The hash names nothing.
func TestTokenHashJoinsID(t *testing.T) {
	data := `{"@timestamp":1791190800000,"action":"git.clone","actor":"octo-dev","org":"example-org","repo":"example-org/app","hashed_token":"` + hashOf555001 + `"}
{"@timestamp":1791190900000,"action":"git.push","actor":"octo-dev","org":"example-org","repo":"example-org/app","token_id":555001,"hashed_token":"` + hashOf555001 + `","programmatic_access_type":"Personal access token (classic)","token_scopes":"repo,workflow"}
{"@timestamp":1791191000000,"action":"git.fetch","actor":"octo-dev","org":"other-org","repo":"other-org/lib","hashed_token":"` + hashOf555001 + `"}
`
	res := parse(t, bytesFile("audit.jsonl", []byte(data)))
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"github:user:octo-dev -OBSERVED-> repo:github.com/example-org/app [] [git.clone git.push] ok=2 denied=0",
		"github:user:octo-dev -OBSERVED-> repo:github.com/other-org/lib [] [git.fetch] ok=1 denied=0",
		"secret:github:token:555001 -AUTHENTICATES_AS-> github:user:octo-dev [] [] ok=3 denied=0",
	}
	if diff := cmp.Diff(sorted(want), edgeLines(res)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	tok := findNode(res, "secret:github:token:555001")
	wantAttrs := map[string]string{"provider": "github", "type": "personal-access-token", "key_id": "555001", "long_lived": "true", "observed": "true",
		"scopes": "repo,workflow", "org": "example-org,other-org", "name": "personal access token 555001 of octo-dev"}
	if tok == nil {
		t.Fatal("no node secret:github:token:555001")
	}
	if diff := cmp.Diff(wantAttrs, tok.Attrs); diff != "" {
		t.Errorf("token attrs (-want +got):\n%s", diff)
	}
	for _, e := range res.Edges {
		if e.Kind == "OBSERVED" && !cmp.Equal(e.Evidence.Keys, []string{"555001"}) {
			t.Errorf("evidence of %s -> %s names keys %v, want [555001]", e.From, e.To, e.Evidence.Keys)
		}
	}
	if out := marshal(t, res); strings.Contains(out, hashOf555001) {
		t.Error("the hashed token reached the result")
	}
}

// TestTokenTypeLaterEntry: the first entry of token 777003 states no
// programmatic_access_type and the second states a fine-grained token.
// The token is a fine-grained token, which lives until revoked.
func TestTokenTypeLaterEntry(t *testing.T) {
	data := `{"@timestamp":1791190800000,"action":"git.clone","actor":"octo-dev","org":"example-org","repo":"example-org/app","token_id":777003}
{"@timestamp":1791190900000,"action":"git.push","actor":"octo-dev","org":"example-org","repo":"example-org/app","token_id":777003,"programmatic_access_type":"Fine-grained personal access token"}
`
	res := parse(t, bytesFile("audit.jsonl", []byte(data)))
	tok := findNode(res, "secret:github:token:777003")
	if tok == nil {
		t.Fatal("no node secret:github:token:777003")
	}
	if got := tok.Attr("type"); got != "fine-grained-token" {
		t.Errorf("type = %q, want fine-grained-token", got)
	}
	if got := tok.Attr("long_lived"); got != "true" {
		t.Errorf("long_lived = %q, want true", got)
	}
	if got := tok.Attr("name"); got != "fine grained token 777003 of octo-dev" {
		t.Errorf("name = %q, want fine grained token 777003 of octo-dev", got)
	}
}

// TestTokenJoinAcrossFiles: one export names token 555001 by its hash
// alone and without a type, a second export of the same run gives its
// token_id, hash and type, and a third its token_id without a type. The
// store holds one token node, a personal access token with the calls of
// all three files, and no node of the hash.
func TestTokenJoinAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a-hash-only.jsonl": `{"@timestamp":1791190800000,"action":"git.clone","actor":"octo-dev","org":"example-org","repo":"example-org/app","hashed_token":"` + hashOf555001 + `"}` + "\n",
		"b-both.jsonl": `{"@timestamp":1791190900000,"action":"git.push","actor":"octo-dev","org":"example-org","repo":"example-org/app","token_id":555001,"hashed_token":"` + hashOf555001 +
			`","programmatic_access_type":"Personal access token (classic)"}` + "\n",
		"c-id-untyped.jsonl": `{"@timestamp":1791191000000,"action":"git.fetch","actor":"octo-dev","org":"example-org","repo":"example-org/app","token_id":555001}` + "\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	s := memstore.New()
	p := &ingest.Pipeline{Parsers: []ingest.Parser{New()}, Store: s, Env: &ingest.Env{}}
	if _, err := p.Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	nodes, err := s.NodesByKind(ctx, graph.NodeSecret)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range nodes {
		ids = append(ids, n.ID)
	}
	if diff := cmp.Diff([]string{"secret:github:token:555001"}, ids); diff != "" {
		t.Fatalf("secret nodes (-want +got):\n%s", diff)
	}
	if got := nodes[0].Attr("type"); got != "personal-access-token" {
		t.Errorf("type = %q, want personal-access-token", got)
	}

	es, err := s.EdgesByKind(ctx, graph.EdgeAuthenticatesAs)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Evidence == nil || es[0].Evidence.Count != 3 {
		t.Fatalf("AUTHENTICATES_AS edges %+v, want one with three calls", es)
	}

	obs, err := s.EdgesByKind(ctx, graph.EdgeObserved)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range obs {
		if !cmp.Equal(e.Evidence.Keys, []string{"555001"}) {
			t.Errorf("evidence of %s -> %s names keys %v, want [555001]", e.From, e.To, e.Evidence.Keys)
		}
	}
}

// TestTokenSharedHashStaysApart: tokens 9 and 10 of two accounts are each
// logged with one hash. A hash then names neither token for sure, so an
// entry that gives that hash alone joins neither, whatever the order of
// the entries, and neither token authenticates as the other's account.
func TestTokenSharedHashStaysApart(t *testing.T) {
	const hash = "canary-hash-shared-X9x9"
	hashOnly := `{"@timestamp":1791190800000,"action":"git.clone","actor":"octo-dev","org":"example-org","repo":"example-org/app","hashed_token":"` + hash + `"}`
	nine := `{"@timestamp":1791190900000,"action":"git.push","actor":"octo-dev","org":"example-org","repo":"example-org/app","token_id":9,"hashed_token":"` + hash + `"}`
	ten := `{"@timestamp":1791191000000,"action":"git.push","actor":"octo-ops","org":"example-org","repo":"example-org/web","token_id":10,"hashed_token":"` + hash + `"}`
	want := sorted([]string{
		"github:user:octo-dev -OBSERVED-> repo:github.com/example-org/app [] [git.clone git.push] ok=2 denied=0",
		"github:user:octo-ops -OBSERVED-> repo:github.com/example-org/web [] [git.push] ok=1 denied=0",
		"secret:github:token:" + hash + " -AUTHENTICATES_AS-> github:user:octo-dev [] [] ok=1 denied=0",
		"secret:github:token:9 -AUTHENTICATES_AS-> github:user:octo-dev [] [] ok=1 denied=0",
		"secret:github:token:10 -AUTHENTICATES_AS-> github:user:octo-ops [] [] ok=1 denied=0",
	})
	for _, order := range [][]string{{hashOnly, nine, ten}, {hashOnly, ten, nine}, {nine, ten, hashOnly}, {ten, hashOnly, nine}} {
		res := parse(t, bytesFile("audit.jsonl", []byte(strings.Join(order, "\n")+"\n")))
		if diff := cmp.Diff(want, edgeLines(res)); diff != "" {
			t.Errorf("order %q: edges (-want +got):\n%s", order, diff)
		}
	}
}

// TestTokenSharedHashAcrossFiles: one file gives token 9's hash, an entry
// of that hash alone, and another file of the run gives token 10 with the
// same hash. The entry of the hash alone joins neither token.
func TestTokenSharedHashAcrossFiles(t *testing.T) {
	const hash = "canary-hash-shared-X9x9"
	dir := t.TempDir()
	files := map[string]string{
		"a.jsonl": `{"@timestamp":1791190800000,"action":"git.clone","actor":"octo-dev","org":"example-org","repo":"example-org/app","hashed_token":"` + hash + `"}
{"@timestamp":1791190900000,"action":"git.push","actor":"octo-dev","org":"example-org","repo":"example-org/app","token_id":9,"hashed_token":"` + hash + `"}
`,
		"b.jsonl": `{"@timestamp":1791191000000,"action":"git.push","actor":"octo-ops","org":"example-org","repo":"example-org/web","token_id":10,"hashed_token":"` + hash + `"}
`,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := memstore.New()
	p := &ingest.Pipeline{Parsers: []ingest.Parser{New()}, Store: s, Env: &ingest.Env{}}
	if _, err := p.Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	es, err := s.EdgesByKind(context.Background(), graph.EdgeAuthenticatesAs)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, e := range es {
		got[e.From+" -> "+e.To] = e.Evidence.Count
	}
	want := map[string]int64{
		"secret:github:token:" + hash + " -> github:user:octo-dev": 1,
		"secret:github:token:9 -> github:user:octo-dev":            1,
		"secret:github:token:10 -> github:user:octo-ops":           1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AUTHENTICATES_AS calls (-want +got):\n%s", diff)
	}
}
