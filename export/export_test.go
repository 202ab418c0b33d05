package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/query"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The test graph: a job runs the package and holds a key whose user may
// write a bucket and possibly assume a role. The job's label carries a
// quote, a newline and arrows, which every format must keep inert. A
// denied-only log record and an unrelated policy stay out of the blast
// radius.
const (
	pkg    = "pkg:npm/example-lib@1.0.0"
	job    = "runtime:gha:example-org/app/.github/workflows/ci.yml#build"
	key    = "secret:gha:example-org/app/DEPLOY_KEY"
	user   = "arn:aws:iam::111122223333:user/deployer"
	role   = "arn:aws:iam::111122223333:role/admin"
	bucket = "arn:aws:s3:::example-data"
	other  = "arn:aws:s3:::example-other"
	policy = "arn:aws:iam::111122223333:user/deployer#inline/p"
)

func testStore(t *testing.T) graph.Store {
	t.Helper()
	pos := graph.Pos{File: "main.tf", Line: 3}
	n := func(id string, kind graph.NodeKind, label string, attrs map[string]string) graph.Node {
		return graph.Node{ID: id, Kind: kind, Label: label, Attrs: attrs, Pos: pos}
	}
	e := func(from string, kind graph.EdgeKind, to string, conf graph.Confidence, attrs map[string]string) graph.Edge {
		return graph.Edge{From: from, To: to, Kind: kind, Confidence: conf, Attrs: attrs, Pos: pos}
	}
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		n(pkg, graph.NodePackage, "example-lib@1.0.0", map[string]string{"version": "1.0.0"}),
		n(job, graph.NodeRuntime, "ci \"build\"\n--> x", map[string]string{"type": "gha-job"}),
		n(key, graph.NodeSecret, "DEPLOY_KEY", map[string]string{"type": "actions-secret", "long_lived": "true"}),
		n(user, graph.NodeIdentity, "deployer", map[string]string{"type": "user"}),
		n(role, graph.NodeIdentity, "admin", map[string]string{"type": "role"}),
		n(bucket, graph.NodeResource, "example-data", map[string]string{"type": "aws_s3_bucket"}),
		n(other, graph.NodeResource, "example-other", nil),
		n(policy, graph.NodePolicy, "p", nil),
	}, Edges: []graph.Edge{
		e(job, graph.EdgeExecutes, pkg, graph.Certain, map[string]string{"via": "install"}),
		e(job, graph.EdgeExposes, key, graph.Certain, map[string]string{"via": "env"}),
		e(key, graph.EdgeAuthenticatesAs, user, graph.Certain, nil),
		e(user, graph.EdgeCanAccess, bucket, graph.Certain, map[string]string{"level": "write", "actions": "s3:PutObject"}),
		e(user, graph.EdgeCanAssume, role, graph.Possible, map[string]string{"reason": "a condition cannot be decided"}),
		e(user, graph.EdgeObserved, other, graph.Certain, map[string]string{"denied_only": "true"}),
		e(user, graph.EdgeHasPolicy, policy, graph.Certain, nil),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func radius(t *testing.T, s graph.Store) (*query.Result, *Graph) {
	t.Helper()
	ctx := context.Background()
	res, err := query.Run(ctx, s, query.Start{Packages: []string{pkg}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := FromResult(ctx, s, res)
	if err != nil {
		t.Fatal(err)
	}
	return res, g
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

func TestFromResult(t *testing.T) {
	_, g := radius(t, testStore(t))
	var nodes, edges []string
	for _, n := range g.Nodes {
		nodes = append(nodes, n.ID)
	}
	for _, e := range g.Edges {
		edges = append(edges, e.Key().String())
	}
	wantNodes := []string{role, user, bucket, pkg, job, key}
	wantEdges := []string{
		user + " -CAN_ACCESS-> " + bucket,
		user + " -CAN_ASSUME-> " + role,
		job + " -EXECUTES-> " + pkg,
		job + " -EXPOSES-> " + key,
		key + " -AUTHENTICATES_AS-> " + user,
	}
	if diff := cmp.Diff(wantNodes, nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if !g.Starts[pkg] || len(g.Starts) != 1 {
		t.Errorf("starts = %v, want only %s", g.Starts, pkg)
	}
}

func TestGolden(t *testing.T) {
	_, g := radius(t, testStore(t))
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, format, g); err != nil {
				t.Fatal(err)
			}
			golden(t, "radius."+format, b.String())
		})
	}
}

func TestGraphMLParses(t *testing.T) {
	s := testStore(t)
	g, err := Whole(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteGraphML(&b, g); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Keys []struct {
			ID string `xml:"id,attr"`
		} `xml:"key"`
		Graph struct {
			Nodes []struct {
				ID   string `xml:"id,attr"`
				Data []struct {
					Key   string `xml:"key,attr"`
					Value string `xml:",chardata"`
				} `xml:"data"`
			} `xml:"node"`
			Edges []struct {
				Source string `xml:"source,attr"`
				Target string `xml:"target,attr"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("graphml does not parse: %v", err)
	}
	keys := map[string]bool{}
	for _, k := range doc.Keys {
		keys[k.ID] = true
	}
	ids := map[string]bool{}
	for _, n := range doc.Graph.Nodes {
		ids[n.ID] = true
		for _, d := range n.Data {
			if !keys[d.Key] {
				t.Errorf("node %s uses undeclared key %s", n.ID, d.Key)
			}
			if n.ID == job && d.Key == "label" && d.Value != "ci \"build\"\n--> x" {
				t.Errorf("job label = %q", d.Value)
			}
		}
	}
	if len(doc.Graph.Nodes) != 8 || len(doc.Graph.Edges) != 7 {
		t.Errorf("whole graph: %d nodes, %d edges; want 8 and 7", len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	for _, e := range doc.Graph.Edges {
		if !ids[e.Source] || !ids[e.Target] {
			t.Errorf("edge %s -> %s joins an undeclared node", e.Source, e.Target)
		}
	}
}

func TestOpenGraphShape(t *testing.T) {
	_, g := radius(t, testStore(t))
	var b bytes.Buffer
	if err := WriteOpenGraph(&b, g); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	meta := doc["metadata"].(map[string]any)
	if meta["source_kind"] != OpenGraphSourceKind {
		t.Errorf("source_kind = %v", meta["source_kind"])
	}
	gr := doc["graph"].(map[string]any)
	ids := map[string]bool{}
	for _, raw := range gr["nodes"].([]any) {
		n := raw.(map[string]any)
		id, _ := n["id"].(string)
		kinds, _ := n["kinds"].([]any)
		if id == "" || len(kinds) < 1 || len(kinds) > 3 {
			t.Errorf("node %v: needs an id and one to three kinds", n)
		}
		for k, v := range n["properties"].(map[string]any) {
			if _, ok := v.(string); !ok {
				t.Errorf("node %s property %s is not a string", id, k)
			}
		}
		ids[id] = true
	}
	edges := gr["edges"].([]any)
	if len(edges) != 5 {
		t.Errorf("%d edges, want 5", len(edges))
	}
	for _, raw := range edges {
		e := raw.(map[string]any)
		start := e["start"].(map[string]any)
		end := e["end"].(map[string]any)
		if !ids[start["value"].(string)] || !ids[end["value"].(string)] || start["match_by"] != "id" || e["kind"] == "" {
			t.Errorf("edge %v does not join two exported nodes by id", e)
		}
	}
}

func TestCSVParses(t *testing.T) {
	_, g := radius(t, testStore(t))
	var b bytes.Buffer
	if err := WriteCSV(&b, g); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(CSVHeader, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(rows) != 1+6+5 {
		t.Errorf("%d rows, want 12", len(rows))
	}
	for _, r := range rows[1:] {
		if r[0] != "node" && r[0] != "edge" {
			t.Errorf("row %v: record %q", r, r[0])
		}
	}
}

// TestInjection checks that labels cannot add statements to DOT or
// Mermaid: every line of the output is one the writer made.
func TestInjection(t *testing.T) {
	_, g := radius(t, testStore(t))
	for _, format := range []string{"dot", "mermaid"} {
		var b bytes.Buffer
		if err := Write(&b, format, g); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "-->") || strings.HasPrefix(strings.TrimSpace(line), "x") {
				t.Errorf("%s: label broke out of its line: %q", format, line)
			}
		}
	}
}

func TestRunbook(t *testing.T) {
	s := testStore(t)
	res, _ := radius(t, s)
	plan, err := query.BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteRunbook(&b, plan); err != nil {
		t.Fatal(err)
	}
	golden(t, "runbook.md", b.String())
	var empty bytes.Buffer
	if err := WriteRunbook(&empty, &query.Plan{Query: "package pkg:npm/x@1.0.0"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(empty.String(), "Nothing to contain or revoke") {
		t.Errorf("empty plan: %s", empty.String())
	}
}

func TestAppInputEdgesOnlyWhenAssumed(t *testing.T) {
	const (
		fn     = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize"
		fnRole = "secret:aws:role-credentials:" + fn
	)
	ctx := context.Background()
	invoke := graph.Edge{From: user, To: fn, Kind: graph.EdgeCanInvoke, Confidence: graph.Certain}
	// Without the assumption the walk stops at the user. With it, the
	// user invokes the function and reads the credentials it exposes.
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Nodes: []graph.Node{
			{ID: key, Kind: graph.NodeSecret}, {ID: user, Kind: graph.NodeIdentity},
			{ID: fn, Kind: graph.NodeRuntime}, {ID: fnRole, Kind: graph.NodeSecret},
		},
		Edges: []graph.Edge{
			{From: key, To: user, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain},
			invoke,
			{From: fn, To: fnRole, Kind: graph.EdgeExposes, Confidence: graph.Certain},
		}}
	s := memstore.New()
	if err := s.Write(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	for _, assume := range []bool{false, true} {
		res, err := query.Run(ctx, s, query.Start{Secrets: []string{key}}, query.Options{AssumeAppFlaws: assume})
		if err != nil {
			t.Fatal(err)
		}
		g, err := FromResult(ctx, s, res)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range g.Edges {
			got = append(got, string(e.Kind)+" "+e.To)
		}
		want := []string{"AUTHENTICATES_AS " + user}
		if assume {
			want = []string{"AUTHENTICATES_AS " + user, "CAN_INVOKE " + fn, "EXPOSES " + fnRole}
		}
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("assume %v: edges (-want +got):\n%s", assume, diff)
		}
	}
}

// TestRunbookKeepsCommandsWhole checks that each command of the runbook
// reads back unchanged from its fenced block, whatever backticks and
// newlines a quoted name carries. The fence rule is CommonMark's: a block
// opened by N backticks closes at the first line of N or more backticks.
func TestRunbookKeepsCommandsWhole(t *testing.T) {
	commands := []string{
		"gh workflow disable '.github/workflows/x```;touch PWNED```.yml' --repo o/r",
		"aws iam update-access-key --user-name 'a\n```\ntouch PWNED\n```' --access-key-id AKIA1 --status Inactive",
		"aws secretsmanager rotate-secret --secret-id 'prod/````x'",
		"aws iam list-access-keys --user-name 'a`b'",
	}
	for _, command := range commands {
		plan := &query.Plan{Query: "package pkg:npm/x@1.0.0", Steps: []*query.Step{{Number: 1, Title: "Revoke",
			Items: []*query.Item{{Node: graph.Node{ID: "n"}, Kind: "revoke", Command: command, Verify: command}}}}}
		var b bytes.Buffer
		if err := WriteRunbook(&b, plan); err != nil {
			t.Fatal(err)
		}
		blocks := fencedBlocks(b.String())
		if len(blocks) != 2 {
			t.Fatalf("%q: want 2 code blocks, got %d:\n%s", command, len(blocks), b.String())
		}
		for _, got := range blocks {
			if got != command {
				t.Errorf("code block holds %q, want %q", got, command)
			}
		}
	}
}

// fencedBlocks returns the contents of the backtick-fenced code blocks
// that start at the beginning of a line.
func fencedBlocks(md string) []string {
	var blocks, body []string
	open := 0
	for _, line := range strings.Split(md, "\n") {
		run := len(line) - len(strings.TrimLeft(line, "`"))
		switch {
		case open == 0 && run >= 3:
			open, body = run, nil
		case open > 0 && run >= open && strings.Trim(line, "` ") == "":
			blocks = append(blocks, strings.Join(body, "\n"))
			open = 0
		case open > 0:
			body = append(body, line)
		}
	}
	return blocks
}

func TestRunbookNamesPlaceholders(t *testing.T) {
	item := func(command, verify string) *query.Item {
		return &query.Item{Node: graph.Node{ID: "secret:x", Kind: graph.NodeSecret}, Kind: "revoke", Action: "Rotate it", Command: command, Verify: verify}
	}
	withPlaceholders := &query.Plan{Query: "secret x", Steps: []*query.Step{{Number: 1, Title: "Revoke", Items: []*query.Item{
		item("aws ssm put-parameter --name /app/key --value '<new value>' --region '<region>'", ""),
		item("aws iam update-access-key --access-key-id '<id of ci>' --status Inactive",
			"aws cloudtrail lookup-events --start-time '<revocation time>' --region '<region>'"),
	}}}}
	var b bytes.Buffer
	if err := WriteRunbook(&b, withPlaceholders); err != nil {
		t.Fatal(err)
	}
	want := "Replace these placeholders in the commands before you run them: `<new value>`, `<region>`, `<id of ci>`, `<revocation time>`.\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("runbook does not list the placeholders as %q:\n%s", want, b.String())
	}
	if !strings.Contains(b.String(), "`<revocation time>` is the time you carried out the item, in RFC 3339") {
		t.Errorf("runbook does not say what <revocation time> stands for:\n%s", b.String())
	}

	none := &query.Plan{Query: "secret x", Steps: []*query.Step{{Number: 1, Title: "Revoke", Items: []*query.Item{
		item("gh secret set NPM_TOKEN --repo o/a", ""),
	}}}}
	b.Reset()
	if err := WriteRunbook(&b, none); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "placeholders") {
		t.Errorf("runbook without placeholders mentions them:\n%s", b.String())
	}
}

// TestRunbookChecksOnlySteps checks that a token that expires by itself
// and the order of an item are plain text, while the steps to carry out
// are checklist items.
func TestRunbookChecksOnlySteps(t *testing.T) {
	plan := &query.Plan{Query: "package pkg:npm/x@1.0.0", Steps: []*query.Step{
		{Number: 1, Title: "Contain", Items: []*query.Item{
			{Node: graph.Node{ID: "runtime:j"}, Kind: "contain", Action: "Disable the workflow"},
			{Node: graph.Node{ID: "secret:t"}, Kind: "expire", Action: "Expires when the job ends"},
		}},
		{Number: 2, Title: "Revoke", Items: []*query.Item{
			{Node: graph.Node{ID: "secret:s"}, Kind: "revoke", Action: "Rotate it", YieldedBy: []string{"secret:k"}, Consumers: []string{"runtime:j"}},
		}},
	}}
	var b bytes.Buffer
	if err := WriteRunbook(&b, plan); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"- [ ] Disable the workflow\n",
		"\nExpires when the job ends\n",
		"- [ ] Rotate it\n",
		"\nOnly after revoking `secret:k`, each of which can re-read or re-mint it.\n",
		"- [ ] Put the replacement only in `runtime:j`\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("runbook lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "- [ ] Expires") || strings.Contains(got, "- [ ] Only after") {
		t.Errorf("runbook checks a statement:\n%s", got)
	}
}

// TestRunbookChecksTokenPushes checks that an expiring job token's action
// keeps its step, checking what the token pushed while it was valid, as a
// checklist item, while the expiry itself is plain text.
func TestRunbookChecksTokenPushes(t *testing.T) {
	plan := &query.Plan{Query: "package pkg:npm/x@1.0.0", Steps: []*query.Step{
		{Number: 1, Title: "Contain", Items: []*query.Item{
			{Node: graph.Node{ID: "secret:gha:token:o/a/.github/workflows/ci.yml#build"}, Kind: "expire",
				Action: "Expires when the job ends; cancelling the run revokes it. Check what it pushed or published while valid (permissions: contents: write)"},
		}},
	}}
	var b bytes.Buffer
	if err := WriteRunbook(&b, plan); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if want := "\nExpires when the job ends; cancelling the run revokes it.\n"; !strings.Contains(got, want) {
		t.Errorf("runbook lacks %q:\n%s", want, got)
	}
	if want := "- [ ] Check what it pushed or published while valid (permissions: contents: write)\n"; !strings.Contains(got, want) {
		t.Errorf("runbook lacks %q:\n%s", want, got)
	}
}

// TestOpenGraphStreamedAsWhole checks the streamed document against the
// text encoding/json gives for the whole document at once, indented and
// without HTML escapes: for an empty graph, and for one with a start,
// attributes and characters that HTML escaping would change.
func TestOpenGraphStreamedAsWhole(t *testing.T) {
	_, radiusGraph := radius(t, testStore(t))
	odd := &Graph{
		Nodes: []graph.Node{
			{ID: "pkg:npm/<b>x</b>@1.0.0", Kind: graph.NodePackage, Attrs: map[string]string{"note": "a & b", "z": "\u2028"}},
			{ID: "role/r"},
		},
		Edges:  []graph.Edge{{From: "pkg:npm/<b>x</b>@1.0.0", To: "role/r", Kind: graph.EdgeCanAssume, Confidence: graph.Possible, Attrs: map[string]string{"confidence": "from attrs"}}},
		Starts: map[string]bool{"role/r": true},
	}
	for name, g := range map[string]*Graph{"empty": {}, "radius": radiusGraph, "odd": odd} {
		var got bytes.Buffer
		if err := WriteOpenGraph(&got, g); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(wholeOpenGraph(g)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: streamed document differs from the whole one:\n%s\nwant:\n%s", name, got.String(), want.String())
		}
	}
}

// wholeOpenGraph builds the OpenGraph document as one value, for
// encoding/json to write whole.
func wholeOpenGraph(g *Graph) ogFile {
	var f ogFile
	f.Metadata.SourceKind = OpenGraphSourceKind
	f.Graph.Nodes, f.Graph.Edges = []ogNode{}, []ogEdge{}
	for _, n := range g.Nodes {
		props := map[string]string{}
		for k, v := range n.Attrs {
			props[k] = v
		}
		props["name"], props["objectid"] = label(n), n.ID
		if g.Starts[n.ID] {
			props["start"] = "true"
		}
		f.Graph.Nodes = append(f.Graph.Nodes, ogNode{ID: n.ID, Kinds: []string{kindOf(n)}, Properties: props})
	}
	for _, e := range g.Edges {
		props := map[string]string{"confidence": string(e.Confidence)}
		for k, v := range e.Attrs {
			props[k] = v
		}
		f.Graph.Edges = append(f.Graph.Edges, ogEdge{Start: ogEnd{Value: e.From, MatchBy: "id"}, End: ogEnd{Value: e.To, MatchBy: "id"}, Kind: string(e.Kind), Properties: props})
	}
	return f
}

// TestRunbookCheckRunsAgain checks that the second run of a check item's
// command, once the credentials that can change the runtime are revoked,
// is not presented as a log query that shows use has stopped.
func TestRunbookCheckRunsAgain(t *testing.T) {
	const cmd = "aws lambda get-function-configuration --function-name fn --region eu-west-1"
	plan := &query.Plan{Query: "package pkg:npm/x@1.0.0", Steps: []*query.Step{
		{Number: 1, Title: "Contain", Items: []*query.Item{
			{Node: graph.Node{ID: "runtime:aws:lambda:fn"}, Kind: "check", Action: "Check whether its code changed", Command: cmd, Verify: cmd},
		}},
	}}
	var b bytes.Buffer
	if err := WriteRunbook(&b, plan); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if strings.Contains(got, "use has stopped") {
		t.Errorf("runbook presents the second check as a log query:\n%s", got)
	}
	if want := "- [ ] Run it again once the credentials that can change it are revoked:\n"; !strings.Contains(got, want) {
		t.Errorf("runbook lacks %q:\n%s", want, got)
	}
}

// TestRunbookNamesCompromiseTime checks that the runbook gives the form in
// which to write the compromise time, which a check's filter compares as
// text with times in UTC.
func TestRunbookNamesCompromiseTime(t *testing.T) {
	const cmd = `gh api --paginate repos/o/b/activity --jq '.[] | select(.timestamp[0:19] >= "<compromise time>") | .ref'`
	plan := &query.Plan{Query: "package pkg:npm/x@1.0.0", Steps: []*query.Step{{Number: 1, Title: "Contain", Items: []*query.Item{
		{Node: graph.Node{ID: "runtime:gha:o/b/.github/workflows/ci.yml#build"}, Kind: "check", Action: "Check whether repository o/b changed", Command: cmd},
	}}}}
	var b bytes.Buffer
	if err := WriteRunbook(&b, plan); err != nil {
		t.Fatal(err)
	}
	if want := "`<compromise time>` is when the compromise began, in UTC in RFC 3339 (2026-11-03T09:00:00Z), which `--since` fills in.\n"; !strings.Contains(b.String(), want) {
		t.Errorf("runbook lacks %q:\n%s", want, b.String())
	}
}
