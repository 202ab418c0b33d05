package whatif

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
	"github.com/blastradius-dev/blastradius/query"
)

// The test graph, fictional:
//
//	job build (example-org/app, environment staging) -EXECUTES-> pkg:npm/example-lib@1.0.0
//	job build -EXECUTES-> third-party/tool@v1
//	job build -EXPOSES-> APP_TOKEN (repository secret) -AUTHENTICATES_AS-> bot
//	job lint  -EXPOSES-> APP_TOKEN
//	bot -HAS_POLICY-> policy p, bot -CAN_ACCESS-> bucket example-data
//	role deploy: trust policy with one Allow statement
const (
	lib      = "pkg:npm/example-lib@1.0.0"
	tool     = "pkg:githubactions/third-party/tool@v1"
	toolName = "pkg:githubactions/third-party/tool"
	build    = "runtime:gha:example-org/app/.github/workflows/ci.yml#build"
	lint     = "runtime:gha:example-org/app/.github/workflows/ci.yml#lint"
	token    = "secret:gha:example-org/app/APP_TOKEN"
	bot      = "arn:aws:iam::111122223333:user/bot"
	pol      = "arn:aws:iam::111122223333:user/bot#inline/p"
	bucket   = "arn:aws:s3:::example-data"
	deploy   = "arn:aws:iam::111122223333:role/deploy"
	sha      = "0123456789abcdef0123456789abcdef01234567"
)

func testStore(t *testing.T) graph.Store {
	t.Helper()
	pos := graph.Pos{File: "test.yml", Line: 1}
	n := func(id string, kind graph.NodeKind, attrs ...string) graph.Node {
		nd := graph.Node{ID: id, Kind: kind, Label: id, Pos: pos}
		for i := 0; i+1 < len(attrs); i += 2 {
			nd.SetAttr(attrs[i], attrs[i+1])
		}
		return nd
	}
	e := func(from string, kind graph.EdgeKind, to string, attrs ...string) graph.Edge {
		ed := graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: pos}
		for i := 0; i+1 < len(attrs); i += 2 {
			ed.SetAttr(attrs[i], attrs[i+1])
		}
		return ed
	}
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		n(lib, graph.NodePackage, "version", "1.0.0"),
		n(tool, graph.NodePackage, "version", "v1", "ecosystem", "githubactions"),
		n(toolName, graph.NodePackage),
		n(build, graph.NodeRuntime, "type", "gha-job", "job", "build", "environment", "staging", graph.AttrRepository, "example-org/app"),
		n(lint, graph.NodeRuntime, "type", "gha-job", "job", "lint", graph.AttrRepository, "example-org/app"),
		n(token, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "APP_TOKEN", graph.AttrRepository, "example-org/app"),
		n(bot, graph.NodeIdentity, "type", "user"),
		n(pol, graph.NodePolicy, "document", `{"Version":"2012-10-17","Statement":[{"Sid":"Data","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-data/*"}]}`),
		n(bucket, graph.NodeResource),
		n(deploy, graph.NodeIdentity, "type", "role", "trust_policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`),
	}, Edges: []graph.Edge{
		e(build, graph.EdgeExecutes, lib),
		e(build, graph.EdgeExecutes, tool, "via", "uses", "pinned", "tag-or-branch"),
		e(tool, graph.EdgeVersionOf, toolName),
		e(build, graph.EdgeExposes, token, "via", "ci-secret", "name", "APP_TOKEN"),
		e(lint, graph.EdgeExposes, token, "via", "ci-secret", "name", "APP_TOKEN"),
		e(token, graph.EdgeAuthenticatesAs, bot),
		e(bot, graph.EdgeHasPolicy, pol),
		e(bot, graph.EdgeCanAccess, bucket, "level", "read"),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func reachedIDs(t *testing.T, r graph.Reader, pkg string) []string {
	t.Helper()
	res, err := query.Run(context.Background(), r, query.Start{Packages: []string{pkg}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, x := range res.Reached {
		out = append(out, x.Node.ID)
	}
	return out
}

func TestOverlayExpandAfterChanges(t *testing.T) {
	ctx := context.Background()
	o := NewOverlay(testStore(t))
	keys := func(ids []string, dir graph.Direction, kinds ...graph.EdgeKind) []string {
		t.Helper()
		es, err := o.Expand(ctx, ids, dir, kinds...)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			if e.From == "x:a" || e.To == "x:b" || e.To == "x:c" {
				out = append(out, e.Key().String())
			}
		}
		sort.Strings(out)
		return out
	}
	ab := graph.EdgeKey{From: "x:a", Kind: graph.EdgeCanAccess, To: "x:b"}
	ac := graph.EdgeKey{From: "x:a", Kind: graph.EdgeCanAccess, To: "x:c"}
	ac2 := graph.EdgeKey{From: "x:a", Kind: graph.EdgeAuthenticatesAs, To: "x:c"}
	put := func(k graph.EdgeKey) {
		o.PutEdge(graph.Edge{From: k.From, To: k.To, Kind: k.Kind, Confidence: graph.Certain})
	}

	put(ab)
	if diff := cmp.Diff([]string{ab.String()}, keys([]string{"x:a"}, graph.Out)); diff != "" {
		t.Errorf("after one put (-want +got):\n%s", diff)
	}
	// An edge put after a read is found by the next read, once for a
	// node named twice.
	put(ac)
	put(ac2)
	if diff := cmp.Diff([]string{ab.String(), ac.String()}, keys([]string{"x:a", "x:a"}, graph.Out, graph.EdgeCanAccess)); diff != "" {
		t.Errorf("CAN_ACCESS after three puts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ac2.String(), ac.String()}, keys([]string{"x:c"}, graph.In)); diff != "" {
		t.Errorf("into x:c (-want +got):\n%s", diff)
	}
	o.DeleteEdge(ab)
	o.DeleteNode("x:c")
	if got := keys([]string{"x:a"}, graph.Out); len(got) != 0 {
		t.Errorf("after deleting the edge and x:c, x:a still leads to %v", got)
	}
}

func TestOverlayLeavesBaseAlone(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	before, _ := s.Stats(ctx)
	o := NewOverlay(s)
	o.DeleteEdge(graph.EdgeKey{From: build, Kind: graph.EdgeExposes, To: token})
	o.PutNode(graph.Node{ID: "arn:aws:s3:::new", Kind: graph.NodeResource})
	o.PutEdge(graph.Edge{From: bot, To: "arn:aws:s3:::new", Kind: graph.EdgeCanAccess, Confidence: graph.Certain})
	o.DeleteNode(lint)

	st, err := o.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes != before.Nodes || st.Edges != before.Edges-2+1 {
		t.Errorf("overlay: %d nodes, %d edges; want %d and %d", st.Nodes, st.Edges, before.Nodes, before.Edges-1)
	}
	out, err := o.Expand(ctx, []string{bot}, graph.Out, graph.EdgeCanAccess)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 {
		t.Errorf("bot has %d CAN_ACCESS edges in the overlay, want 2", len(out))
	}
	in, err := o.Expand(ctx, []string{token}, graph.In, graph.EdgeExposes)
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 0 {
		t.Errorf("token still exposed by %v", in)
	}
	if ns, _ := o.Nodes(ctx, []string{lint, build}); len(ns) != 1 || ns[0].ID != build {
		t.Errorf("Nodes = %v, want build only", ns)
	}
	after, _ := s.Stats(ctx)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the base changed (-before +after):\n%s", diff)
	}
}

func TestEdits(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		edit  Edit
		check func(t *testing.T, o *Overlay)
	}{
		{"remove secret from one job", Edit{Kind: EditRemoveSecret, Job: build, Secret: "APP_TOKEN"}, func(t *testing.T, o *Overlay) {
			if diff := cmp.Diff([]string{build}, reachedIDs(t, o, lib)); diff != "" {
				t.Errorf("reached (-want +got):\n%s", diff)
			}
			in, _ := o.Expand(ctx, []string{token}, graph.In, graph.EdgeExposes)
			if len(in) != 1 || in[0].From != lint {
				t.Errorf("token exposed by %v, want lint only", in)
			}
		}},
		{"pin action", Edit{Kind: EditPinAction, Action: "third-party/tool@v1", SHA: sha}, func(t *testing.T, o *Overlay) {
			if got := reachedIDs(t, o, tool); len(got) != 0 {
				t.Errorf("tagged version still reaches %v", got)
			}
			got := reachedIDs(t, o, toolName+"@"+sha)
			if len(got) == 0 || got[0] != build {
				t.Errorf("pinned version reaches %v, want the build job first", got)
			}
			es, _ := o.Expand(ctx, []string{build}, graph.Out, graph.EdgeExecutes)
			for _, e := range es {
				if e.To == toolName+"@"+sha && e.Attr("pinned") != "sha" {
					t.Errorf("pinned edge attrs %v", e.Attrs)
				}
			}
		}},
		{"move secret to environment", Edit{Kind: EditMoveSecretToEnv, Secret: "APP_TOKEN", Environment: "staging"}, func(t *testing.T, o *Overlay) {
			moved := graph.GHAEnvSecretID("example-org/app", "staging", "APP_TOKEN")
			in, _ := o.Expand(ctx, []string{moved}, graph.In, graph.EdgeExposes)
			if len(in) != 1 || in[0].From != build {
				t.Errorf("environment secret exposed by %v, want the build job (in staging) only", in)
			}
			out, _ := o.Expand(ctx, []string{moved}, graph.Out)
			if len(out) != 1 || out[0].To != bot {
				t.Errorf("environment secret edges %v, want AUTHENTICATES_AS bot", out)
			}
			if ns, _ := o.Nodes(ctx, []string{token}); len(ns) != 0 {
				t.Errorf("repository secret still present")
			}
		}},
		{"add trust condition", Edit{Kind: EditAddTrustCondition, Role: deploy, Operator: "StringEquals", Key: "aws:PrincipalTag/team", Values: []string{"ops"}}, func(t *testing.T, o *Overlay) {
			n, _, _ := o.node(ctx, deploy)
			p, err := awspolicy.Parse(n.Attr("trust_policy"))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string][]string{"StringEquals": {"aws:PrincipalTag/team": {"ops"}}}
			if diff := cmp.Diff(want, p.Statements[0].Condition); diff != "" {
				t.Errorf("condition (-want +got):\n%s", diff)
			}
		}},
		{"tighten statement", Edit{Kind: EditTightenPolicy, Policy: pol, Statement: "Data", Resources: []string{"arn:aws:s3:::example-data/public/*"}}, func(t *testing.T, o *Overlay) {
			n, _, _ := o.node(ctx, pol)
			want := `{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":["arn:aws:s3:::example-data/public/*"],"Sid":"Data"}],"Version":"2012-10-17"}`
			if got := n.Attr("document"); got != want {
				t.Errorf("document = %s\nwant %s", got, want)
			}
		}},
		{"delete statement by position", Edit{Kind: EditDeleteStatement, Policy: pol, Statement: "1"}, func(t *testing.T, o *Overlay) {
			n, _, _ := o.node(ctx, pol)
			if got := n.Attr("document"); got != `{"Statement":[],"Version":"2012-10-17"}` {
				t.Errorf("document = %s", got)
			}
		}},
		{"replace key with OIDC bound to a branch", Edit{Kind: EditReplaceKeyWithOIDC, Secret: "APP_TOKEN", Role: "arn:aws:iam::111122223333:role/app", Branch: "main"}, func(t *testing.T, o *Overlay) {
			n, ok, _ := o.node(ctx, "arn:aws:iam::111122223333:role/app")
			if !ok || n.Attr("type") != "role" {
				t.Fatalf("role not created: %+v", n)
			}
			p, err := awspolicy.Parse(n.Attr("trust_policy"))
			if err != nil {
				t.Fatal(err)
			}
			sub := p.Statements[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"]
			if diff := cmp.Diff([]string{"repo:example-org/app:ref:refs/heads/main"}, sub); diff != "" {
				t.Errorf("sub (-want +got):\n%s", diff)
			}
			pols, _ := o.Expand(ctx, []string{n.ID}, graph.Out, graph.EdgeHasPolicy)
			if len(pols) != 1 || pols[0].To != pol {
				t.Errorf("role policies %v, want the bot's", pols)
			}
			for _, j := range []string{build, lint} {
				es, _ := o.Expand(ctx, []string{j}, graph.Out, graph.EdgeExposes)
				if len(es) != 1 || es[0].To != graph.GHAOIDCTokenID(j) {
					t.Errorf("%s exposes %v, want only its OIDC token", j, es)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, _, err := Apply(ctx, testStore(t), []Edit{tc.edit}, nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, o)
		})
	}
}

func TestEditErrors(t *testing.T) {
	for _, e := range []Edit{
		{Kind: EditRemoveSecret, Secret: "NOPE"},
		{Kind: EditRemoveSecret, Job: build, Secret: "NOPE"},
		{Kind: EditPinAction, Action: "third-party/other@v1", SHA: sha},
		{Kind: EditPinAction, Job: lint, Action: "third-party/tool@v1", SHA: sha},
		{Kind: EditPinAction, Action: "no-version", SHA: sha},
		{Kind: EditTightenPolicy, Policy: pol, Statement: "Nope", Actions: []string{"s3:*"}},
		{Kind: EditAddTrustCondition, Role: bot, Operator: "StringEquals", Key: "k", Values: []string{"v"}},
		{Kind: EditMoveSecretToEnv, Secret: bot, Environment: "prod"},
		{Kind: EditReplaceKeyWithOIDC, Secret: "APP_TOKEN", Role: "not-an-arn", Branch: "main"},
	} {
		_, _, err := Apply(context.Background(), testStore(t), []Edit{e}, nil)
		if !errors.Is(err, ErrEdit) {
			t.Errorf("%s: error %v, want ErrEdit", e, err)
		}
	}
}

func TestRemoveSecretNamesReceivers(t *testing.T) {
	once := Edit{Kind: EditRemoveSecret, Job: lint, Secret: "APP_TOKEN", File: "changes.yaml", Line: 3}
	_, _, err := Apply(context.Background(), testStore(t), []Edit{once, once}, nil)
	if !errors.Is(err, ErrEdit) {
		t.Fatalf("error %v, want ErrEdit", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "changes.yaml:3 (remove_secret): ") {
		t.Errorf("error does not start with the change file's position: %s", msg)
	}
	// After the first edit only build still receives the secret.
	if !strings.Contains(msg, "Jobs that receive it: "+build) {
		t.Errorf("error does not name the job that receives the secret: %s", msg)
	}
}

func TestRederive(t *testing.T) {
	ctx := context.Background()
	s := testStore(t)
	// A stand-in linker: the bot may read the bucket while its policy
	// has a statement.
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		ns, err := r.Nodes(ctx, []string{pol})
		if err != nil || len(ns) == 0 {
			return nil, nil, err
		}
		if strings.Contains(ns[0].Attr("document"), `"Statement":[]`) {
			return nil, nil, nil
		}
		return nil, []graph.Edge{{From: bot, To: bucket, Kind: graph.EdgeCanAccess, Confidence: graph.Certain}}, nil
	}
	o, red, err := Apply(ctx, s, []Edit{{Kind: EditDeleteStatement, Policy: pol, Statement: "Data"}}, derive)
	if err != nil {
		t.Fatal(err)
	}
	if !red {
		t.Error("not re-derived")
	}
	if got := reachedIDs(t, o, lib); !cmp.Equal(got, []string{build, token, bot}) {
		t.Errorf("reached %v, want the bucket gone", got)
	}
}

func TestParseChangesErrors(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", "c.yaml: change file is empty"},
		{"changes: [\n", "c.yaml:"},
		{"edits: []\n", "c.yaml:1:1: unknown top-level key"},
		{"changes: []\n", "c.yaml:1:1: changes must be a list"},
		{"changes:\n  - explode: {}\n", "c.yaml:2:5: unknown edit kind"},
		{"changes:\n  - pin_action: {action: a/b@v1, sha: abc}\n", "c.yaml:2:39: sha must be a full 40-character commit SHA"},
		{"changes:\n  - pin_action: {action: a/b@v1}\n", "c.yaml:2:5: pin_action needs field sha"},
		{"changes:\n  - remove_secret: {secret: X, color: red}\n", "c.yaml:2:32: remove_secret does not take the field named here"},
		{"changes:\n  - replace_key_with_oidc: {secret: X, role: r}\n", "c.yaml:2:5: replace_key_with_oidc needs exactly one of environment or branch"},
		{"changes:\n  - tighten_policy: {policy: p, statement: 1}\n", "c.yaml:2:5: tighten_policy needs actions or resources"},
		{"changes:\n  - remove_secret: [a]\n", "c.yaml:2:20: remove_secret takes an object"},
	} {
		_, err := ParseChanges("c.yaml", []byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ParseChanges(%q) = %v, want an error starting %q", tc.in, err, tc.want)
		}
	}
}

// TestCanary plants a secret-looking value where a change file could
// carry one by mistake; no error may repeat it.
func TestCanary(t *testing.T) {
	const canary = "CANARY-whatif-7f3a"
	for _, in := range []string{
		"changes:\n  - pin_action: {action: a/b@v1, sha: " + canary + "}\n",
		"changes:\n  - remove_secret: {secret: X, " + canary + ": 1}\n",
		"changes:\n  - " + canary + ": {}\n",
		"changes: [" + canary + "\n",
		canary + ": 1\n",
	} {
		_, err := ParseChanges("c.yaml", []byte(in))
		if err == nil {
			t.Errorf("ParseChanges accepted %q", in)
			continue
		}
		if strings.Contains(err.Error(), canary) {
			t.Errorf("error repeats the input: %v", err)
		}
	}
}

func TestParseExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "all-edits.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	edits, err := ParseChanges("all-edits.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range edits {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff(kindNames(), kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	b, _ := json.Marshal(edits[1])
	if string(b) != `{"kind":"pin_action","line":6,"action":"aws-actions/configure-aws-credentials@v4","sha":"`+sha+`"}` {
		t.Errorf("pin_action edit = %s", b)
	}
}

// FuzzParseChanges checks that any input parses or fails with a message
// that names the file, and that a parsed edit has the fields its kind
// requires.
func FuzzParseChanges(f *testing.F) {
	for _, name := range []string{"all-edits.yaml", "pin.yaml", "oidc-env.yaml"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("changes:\n  - remove_secret: {secret: X}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		edits, err := ParseChanges("c.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "c.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, e := range edits {
			spec, ok := fields[e.Kind]
			if !ok {
				t.Fatalf("edit of unknown kind %q", e.Kind)
			}
			b, _ := json.Marshal(e)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			for _, r := range spec.required {
				if _, ok := m[r]; !ok {
					t.Fatalf("%s without %s", e.Kind, r)
				}
			}
		}
	})
}

func TestTrustedPublishingEdit(t *testing.T) {
	// Job rel (example-org/app) runs lib and publishes with NPM_TOKEN,
	// whose npm account can publish @acme/widget and every package on
	// registry.npmjs.org. With trusted publishing the job's OIDC token
	// publishes @acme/widget alone.
	const (
		rel     = "runtime:gha:example-org/app/.github/workflows/release.yml#rel"
		npm     = "secret:gha:example-org/app/NPM_TOKEN"
		account = "registry:registry.npmjs.org/secret:gha:example-org/app/NPM_TOKEN"
		widget  = "pkg:npm/%40acme/widget"
		scope   = "registry:registry.npmjs.org/*"
	)
	pos := graph.Pos{File: "release.yml", Line: 1}
	node := func(id string, kind graph.NodeKind, attrs ...string) graph.Node {
		n := graph.Node{ID: id, Kind: kind, Label: id, Pos: pos}
		for i := 0; i+1 < len(attrs); i += 2 {
			n.SetAttr(attrs[i], attrs[i+1])
		}
		return n
	}
	edge := func(from string, kind graph.EdgeKind, to string) graph.Edge {
		return graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: pos}
	}
	s := memstore.New()
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(lib, graph.NodePackage, "ecosystem", "npm", "name", "example-lib", "version", "1.0.0"),
		node(rel, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app", "workflow", ".github/workflows/release.yml", "job", "rel", "permissions", "contents:read"),
		node(npm, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "NPM_TOKEN", graph.AttrRepository, "example-org/app"),
		node(account, graph.NodeIdentity, "type", "registry-account", "registry", "registry.npmjs.org", "ecosystem", "npm"),
		node(widget, graph.NodePackage, "ecosystem", "npm", "name", "@acme/widget"),
		node(scope, graph.NodeResource, "type", "registry-scope", "registry", "registry.npmjs.org", "scope", "true"),
	}, Edges: []graph.Edge{
		edge(rel, graph.EdgeExecutes, lib),
		edge(rel, graph.EdgeExposes, npm),
		edge(npm, graph.EdgeAuthenticatesAs, account),
		edge(account, graph.EdgeCanPublish, widget),
		edge(account, graph.EdgeCanAccess, scope),
	}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}

	o, _, err := Apply(context.Background(), s, []Edit{{Kind: EditTrustedPublishing, Secret: "NPM_TOKEN"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, id := range reachedIDs(t, o, lib) {
		got[id] = true
	}
	publisher := graph.TrustedPublisherID("registry.npmjs.org", "example-org/app", ".github/workflows/release.yml")
	for id, want := range map[string]bool{npm: false, scope: false, graph.GHAOIDCTokenID(rel): true, publisher: true, widget: true} {
		if got[id] != want {
			t.Errorf("reached %s: %v, want %v", id, got[id], want)
		}
	}
	// The base graph is unchanged.
	for _, id := range reachedIDs(t, s, lib) {
		if id == publisher {
			t.Errorf("the base graph reaches %s", id)
		}
	}

	// APP_TOKEN logs in to AWS, not to a package registry.
	_, _, err = Apply(context.Background(), testStore(t), []Edit{{Kind: EditTrustedPublishing, Secret: "APP_TOKEN"}}, nil)
	if !errors.Is(err, ErrEdit) || !strings.Contains(err.Error(), "no registry that offers trusted publishing") {
		t.Errorf("edit of APP_TOKEN: %v, want an edit error naming the missing registry", err)
	}
}

// TestParseChangesSyntaxDetail names the decoder's complaint in a syntax
// error, without the quoted input text it would carry.
func TestParseChangesSyntaxDetail(t *testing.T) {
	in := "changes:\n  - remove_secret: {job: \"a / b\", secret: hunter2-token\n  - pin_action: {action: x@v1\n"
	_, err := ParseChanges("c.yaml", []byte(in))
	if err == nil {
		t.Fatal("no error for an unclosed flow mapping")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "c.yaml:") || !strings.Contains(msg, "change file is not valid YAML: ") {
		t.Errorf("error %q, want the file, a line and the decoder's complaint", msg)
	}
	if detail := msg[strings.Index(msg, "YAML: ")+len("YAML: "):]; len(detail) < 10 {
		t.Errorf("error %q names no complaint", msg)
	}
	for _, text := range []string{"hunter2", "a / b", "x@v1"} {
		if strings.Contains(msg, text) {
			t.Errorf("error %q quotes the input %q", msg, text)
		}
	}
}

func TestDeleteGCPGrant(t *testing.T) {
	// A Google Cloud grant is one role given to one member on one
	// resource: delete_statement with statement 1, or with its role,
	// removes it, and the linker no longer derives what it allowed.
	const (
		deployer = "gcp:sa:deployer@example-proj.iam.gserviceaccount.com"
		admin    = "gcp:sa:admin@example-proj.iam.gserviceaccount.com"
		newKey   = "secret:gcp:sa-key:admin@example-proj.iam.gserviceaccount.com/new"
		role     = "roles/iam.serviceAccountKeyAdmin"
		grant    = "gcp:grant:sa:admin@example-proj.iam.gserviceaccount.com#" + role + "#serviceAccount:deployer@example-proj.iam.gserviceaccount.com"
	)
	ctx := context.Background()
	newStore := func(t *testing.T) graph.Store {
		s := testStore(t)
		pos := graph.Pos{File: "policy.json", Line: 1}
		b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
			{ID: deployer, Kind: graph.NodeIdentity, Pos: pos, Attrs: map[string]string{"provider": "gcp", "type": "service-account"}},
			{ID: admin, Kind: graph.NodeIdentity, Pos: pos, Attrs: map[string]string{"provider": "gcp", "type": "service-account"}},
			{ID: newKey, Kind: graph.NodeSecret, Pos: pos, Attrs: map[string]string{"provider": "gcp", "type": "sa-key", "minted": "true"}},
			{ID: grant, Kind: graph.NodePolicy, Pos: pos, Attrs: map[string]string{"provider": "gcp", "type": "iam-grant", "role": role,
				"member": "serviceAccount:deployer@example-proj.iam.gserviceaccount.com"}},
		}, Edges: []graph.Edge{
			{From: token, To: deployer, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos},
			{From: admin, To: grant, Kind: graph.EdgeHasPolicy, Confidence: graph.Certain, Pos: pos},
			{From: newKey, To: admin, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos},
		}}
		if err := s.Write(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
		return s
	}

	// A stand-in linker: the deployer may mint keys of admin while the
	// grant is in the graph.
	derive := func(ctx context.Context, r graph.Reader) ([]graph.Node, []graph.Edge, error) {
		ns, err := r.Nodes(ctx, []string{grant})
		if err != nil || len(ns) == 0 {
			return nil, nil, err
		}
		return nil, []graph.Edge{{From: deployer, To: newKey, Kind: graph.EdgeCanMint, Confidence: graph.Certain}}, nil
	}

	before := reachedIDs(t, withDerived(t, newStore(t), derive), lib)
	for _, id := range []string{newKey, admin} {
		if !slices.Contains(before, id) {
			t.Fatalf("reached before the edit %v, want %s in it", before, id)
		}
	}

	for _, statement := range []string{"1", role} {
		o, _, err := Apply(ctx, withDerived(t, newStore(t), derive), []Edit{{Kind: EditDeleteStatement, Policy: grant, Statement: statement}}, derive)
		if err != nil {
			t.Fatalf("statement %q: %v", statement, err)
		}
		after := reachedIDs(t, o, lib)
		if !slices.Contains(after, deployer) {
			t.Errorf("statement %q: reached %v, want the deployer still in it", statement, after)
		}
		for _, id := range []string{newKey, admin} {
			if slices.Contains(after, id) {
				t.Errorf("statement %q: reached %v, want %s gone", statement, after, id)
			}
		}
	}

	_, _, err := Apply(ctx, newStore(t), []Edit{{Kind: EditDeleteStatement, Policy: grant, Statement: "2"}}, derive)
	if !errors.Is(err, ErrEdit) || !strings.Contains(err.Error(), "statement 1") {
		t.Errorf("statement 2 of a grant: error %v, want an ErrEdit that names statement 1", err)
	}

	_, _, err = Apply(ctx, newStore(t), []Edit{{Kind: EditTightenPolicy, Policy: grant, Statement: "1", Actions: []string{"iam.serviceAccountKeys.list"}}}, derive)
	if !errors.Is(err, ErrEdit) || !strings.Contains(err.Error(), "delete_statement") {
		t.Errorf("tighten_policy on a grant: error %v, want an ErrEdit that points to delete_statement", err)
	}
}

// withDerived writes what derive derives over s into s, as ingest does.
func withDerived(t *testing.T, s graph.Store, derive graph.DeriveFunc) graph.Store {
	t.Helper()
	_, edges, err := derive(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Edges: edges}, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// Terraform and an export of the account state the trust policy of role
// drifted differently. An edit of the trust starts from the export's
// document, which the rules read, and the edited role keeps no source
// facts that would bring the export's unedited document back.
func TestEditDriftedTrust(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/drifted"
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	declared := graph.Node{ID: role, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "infra/iam.tf", Line: 3},
		Attrs: map[string]string{"type": "role", "trust_policy": trust("arn:aws:iam::111122223333:user/ci"), "tf_address": "aws_iam_role.drifted"}}
	exported := graph.Node{ID: role, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "snapshots/account.json", Line: 40},
		Attrs: map[string]string{"type": "role", "trust_policy": trust("arn:aws:iam::111122223333:user/ops"), graph.AttrLiveExport: "true"}}

	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: []graph.Node{declared, exported}}, nil); err != nil {
		t.Fatal(err)
	}
	o, _, err := Apply(context.Background(), s, []Edit{{Kind: EditAddTrustCondition, Role: role, Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}

	n, _, _ := o.node(context.Background(), role)
	if len(n.Facts) != 0 {
		t.Errorf("edited role keeps %d source facts, want none", len(n.Facts))
	}
	p, err := awspolicy.Parse(n.PolicyAttr("trust_policy"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Statements[0].Principal["AWS"]; !slices.Equal(got, []string{"arn:aws:iam::111122223333:user/ops"}) {
		t.Errorf("edited trust names %v, want the export's principal user/ops", got)
	}
	if got := p.Statements[0].Condition["Bool"]["aws:MultiFactorAuthPresent"]; !slices.Equal(got, []string{"true"}) {
		t.Errorf("edited trust condition = %v, want the added one", got)
	}
}
