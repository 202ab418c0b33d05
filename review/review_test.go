package review

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/net/html"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// The test graph, fictional, in the attacker's direction:
//
//	job build (example-org/app) -EXPOSES-> DEPLOY_KEY -HOLDS-> key of deployer
//	    -AUTHENTICATES_AS-> deployer -CAN_ACCESS-> bucket example-data
//	job build -EXECUTES-> third-party/tool@v1 (pinned by tag)
//	job build -EXPOSES-> all secrets of example-org/app, and (through it)
//	    UNUSED_TOKEN, which the job never names
//	role ci-any: trust of GitHub's OIDC provider without a sub condition
//	user escalator -CAN_ACCESS (admin, method CreatePolicyVersion)-> aws:*:111122223333:*
//	role grantor -CAN_GRANT (AttachUserPolicy, holder deployer)-> deployer made administrator
//	key of old-user: last used 2026-01-10, long before 2026-12-01
//	job test (CircleCI) -EXPOSES-> project variables, and runs the orbs
//	    example-ns/tool@volatile, example-ns/other@1.2.3 and circleci/node@5
//	job build -EXECUTES-> example-org/own@v1, the repository owner's action
const (
	job        = "runtime:gha:example-org/app/.github/workflows/ci.yml#build"
	deployKey  = "secret:gha:example-org/app/DEPLOY_KEY"
	allSecrets = "secret:gha:example-org/app/*"
	unusedTok  = "secret:gha:example-org/app/UNUSED_TOKEN"
	accessKey  = "secret:aws:access-key:arn:aws:iam::111122223333:user/deployer/key"
	deployer   = "arn:aws:iam::111122223333:user/deployer"
	bucket     = "arn:aws:s3:::example-data"
	action     = "pkg:githubactions/third-party/tool@v1"
	ciAny      = "arn:aws:iam::111122223333:role/ci-any"
	grantor    = "arn:aws:iam::111122223333:role/grantor"
	escalator  = "arn:aws:iam::111122223333:user/escalator"
	adminScope = "aws:*:111122223333:*"
	oldKey     = "secret:aws:access-key:arn:aws:iam::111122223333:user/old-user/AKIAEXAMPLEOLD000001"
	oldUser    = "arn:aws:iam::111122223333:user/old-user"
	circleJob  = "runtime:circleci:example-org/app/.circleci/config.yml#test"
	projVars   = "secret:circleci:example-org/app/*"
	volatile   = "pkg:circleci/example-ns/tool@volatile"
	exactOrb   = "pkg:circleci/example-ns/other@1.2.3"
	circleOrb  = "pkg:circleci/circleci/node@5"
	ownAction  = "pkg:githubactions/example-org/own@v1"
)

func node(id string, kind graph.NodeKind, attrs ...string) graph.Node {
	n := graph.Node{ID: id, Kind: kind, Pos: graph.Pos{File: "test.tf", Line: 1}}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.SetAttr(attrs[i], attrs[i+1])
	}
	return n
}

func edge(from string, kind graph.EdgeKind, to string, attrs ...string) graph.Edge {
	e := graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{File: "test.tf", Line: 2}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.SetAttr(attrs[i], attrs[i+1])
	}
	return e
}

func testStore(t *testing.T) graph.Store {
	t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`
	used := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	obs := edge(oldUser, graph.EdgeObserved, bucket)
	obs.Pos = graph.Pos{File: "trail.json", Line: 1}
	obs.Evidence = &graph.Evidence{First: used, Last: used, Count: 1, Keys: []string{"AKIAEXAMPLEOLD000001"}}
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(job, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app"),
		node(deployKey, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "DEPLOY_KEY", graph.AttrLongLived, "true"),
		node(allSecrets, graph.NodeSecret, "type", "all-actions-secrets", graph.AttrName, "*"),
		node(unusedTok, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "UNUSED_TOKEN", graph.AttrLongLived, "true"),
		node(accessKey, graph.NodeSecret, "type", "access-key", graph.AttrLongLived, "true"),
		node(deployer, graph.NodeIdentity, "type", "user", graph.AttrAccount, "111122223333"),
		node(bucket, graph.NodeResource, "type", "aws_s3_bucket", "tags", `{"criticality":"high"}`),
		node(action, graph.NodePackage, "ecosystem", "githubactions", "version", "v1"),
		node(ciAny, graph.NodeIdentity, "type", "role", graph.AttrAccount, "111122223333", "trust_policy", trust),
		node(escalator, graph.NodeIdentity, "type", "user", graph.AttrAccount, "111122223333"),
		node(oldKey, graph.NodeSecret, "type", "access-key", graph.AttrLongLived, "true", "key_id", "AKIAEXAMPLEOLD000001"),
		node(oldUser, graph.NodeIdentity, "type", "user", graph.AttrAccount, "111122223333"),
		node(circleJob, graph.NodeRuntime, "type", "circleci-job", graph.AttrRepository, "example-org/app"),
		node(projVars, graph.NodeSecret, "type", "project-variables", graph.AttrName, "*", graph.AttrLongLived, "true"),
	}, Edges: []graph.Edge{
		edge(circleJob, graph.EdgeExposes, projVars, graph.AttrVia, "ci-secret", "all", "true"),
		edge(circleJob, graph.EdgeExecutes, volatile, graph.AttrVia, "orb", "pinned", "volatile"),
		edge(circleJob, graph.EdgeExecutes, exactOrb, graph.AttrVia, "orb", "pinned", "exact"),
		edge(circleJob, graph.EdgeExecutes, circleOrb, graph.AttrVia, "orb", "pinned", "range"),
		edge(job, graph.EdgeExecutes, ownAction, graph.AttrVia, "uses", "pinned", "tag-or-branch"),
		edge(job, graph.EdgeExposes, deployKey, graph.AttrVia, "ci-secret", graph.AttrName, "DEPLOY_KEY"),
		edge(job, graph.EdgeExposes, allSecrets, graph.AttrVia, "ci-secret", "all", "true"),
		edge(job, graph.EdgeExposes, unusedTok, graph.AttrVia, "ci-secret"),
		edge(job, graph.EdgeExecutes, action, graph.AttrVia, "uses", "pinned", "tag-or-branch"),
		edge(deployKey, graph.EdgeHolds, accessKey),
		edge(accessKey, graph.EdgeAuthenticatesAs, deployer),
		edge(deployer, graph.EdgeCanAccess, bucket, graph.AttrLevel, "write"),
		edge(escalator, graph.EdgeCanAccess, adminScope, graph.AttrLevel, "admin", "method", "CreatePolicyVersion"),
		edge(grantor, graph.EdgeCanGrant, deployer+"#administrator", graph.AttrHolder, deployer, "method", "AttachUserPolicy"),
		edge(oldKey, graph.EdgeAuthenticatesAs, oldUser),
		edge(oldUser, graph.EdgeCanAccess, bucket, graph.AttrLevel, "read"),
		obs,
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

var asOf = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func TestRunFindings(t *testing.T) {
	rv, err := Run(context.Background(), testStore(t), Options{AsOf: asOf, UnusedDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rv.Findings {
		got = append(got, f.Kind+" "+f.Node)
	}
	want := []string{
		FindingGrant + " " + grantor,
		FindingCISecretKey + " " + deployKey,
		FindingOIDCWildcard + " " + ciAny,
		FindingPrivesc + " " + escalator,
		FindingTagPinned + " " + volatile,
		FindingTagPinned + " " + action,
		FindingUnusedDelivery + " " + unusedTok,
		FindingUnused + " " + oldKey,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, f := range rv.Findings {
		if f.Kind == FindingOIDCWildcard && !strings.Contains(f.Detail, "a workflow of any repository, branch or environment") {
			t.Errorf("wildcard trust detail %q does not say who can assume the role", f.Detail)
		}
		if f.Kind == FindingPrivesc && f.Detail != "can make itself administrator of aws:*:111122223333:* by CreatePolicyVersion" {
			t.Errorf("privilege escalation detail %q", f.Detail)
		}
		if f.Kind == FindingGrant && f.Detail != "can make "+deployer+" administrator by AttachUserPolicy; whoever holds one of them becomes administrator" {
			t.Errorf("administrator grant detail %q", f.Detail)
		}
		// Each action runs in one job here: the verb agrees with it.
		if f.Kind == FindingTagPinned && !strings.Contains(f.Detail, ", which holds ") {
			t.Errorf("tag-pinned detail %q, want one job that holds", f.Detail)
		}
	}

	// The bucket is tagged high (5); the escalator's admin scope is a
	// scope node of default weight 1.
	scores := map[string]float64{}
	for _, e := range rv.Entries {
		scores[e.ID] = e.Score
	}
	for id, want := range map[string]float64{
		action: 5, deployKey: 5, accessKey: 5, oldKey: 5, unusedTok: 0, ciAny: 0,
	} {
		if scores[id] != want {
			t.Errorf("score of %s = %v, want %v", id, scores[id], want)
		}
	}
	if rv.Entries[0].Score != 5 {
		t.Errorf("first entry %s has score %v, want 5", rv.Entries[0].ID, rv.Entries[0].Score)
	}
}

func TestCriticality(t *testing.T) {
	c, err := ParseCriticality("crit.yaml", []byte(`
arn:aws:s3:::example-data: 7
"arn:aws:s3:::example-*": low
"arn:aws:s3:::*": 3
payroll: critical
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n    graph.Node
		want float64
	}{
		{graph.Node{ID: "arn:aws:s3:::example-data"}, 7},
		{graph.Node{ID: "arn:aws:s3:::example-logs"}, 1},
		{graph.Node{ID: "arn:aws:s3:::other"}, 3},
		{graph.Node{ID: "arn:aws:rds:us-east-1:111122223333:db:x", Label: "payroll"}, 10},
		{node("arn:aws:sqs:us-east-1:111122223333:q", graph.NodeResource, "criticality", "medium"), 2},
		{node("k8s:ns:prod", graph.NodeResource, "labels", `{"criticality":"12.5"}`), 12.5},
		{node("x", graph.NodeResource, "tags", "team=a,criticality=high"), 5},
		{graph.Node{ID: "arn:aws:dynamodb:us-east-1:111122223333:table/t"}, DefaultWeight},
	} {
		if got := c.Weight(tc.n); got != tc.want {
			t.Errorf("Weight(%s) = %v, want %v", tc.n.ID, got, tc.want)
		}
	}
}

func TestCriticalityUnused(t *testing.T) {
	// Only the bucket is weighed: the secret is no target, and no node
	// matches the other bucket's glob.
	c, err := ParseCriticality("crit.yaml", []byte(`
arn:aws:s3:::example-data: 7
"arn:aws:secretsmanager:*:*:secret:prod/*": critical
"arn:aws:s3:::no-such-*": high
`))
	if err != nil {
		t.Fatal(err)
	}
	c.Weight(graph.Node{ID: "arn:aws:s3:::example-data"})
	want := []string{"3: arn:aws:secretsmanager:*:*:secret:prod/*", "4: arn:aws:s3:::no-such-*"}
	if diff := cmp.Diff(want, c.Unused()); diff != "" {
		t.Errorf("Unused (-want +got):\n%s", diff)
	}
}

func TestParseCriticalityErrors(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"- a\n- b\n", "crit.yaml:1:1: criticality mapping must be an object"},
		{"a: 1\nb: very\n", "crit.yaml:2:4: weight of the entry"},
		{"a: -3\n", "crit.yaml:1:4: weight of the entry"},
		{"a: [1\n", "crit.yaml:"},
		// The flow mapping opened on line 2 is never closed.
		{"a: high\nb: {c: 1\nd: low\n", "crit.yaml:2: criticality mapping is not valid YAML"},
		{"a: {x: 1}\n", "crit.yaml:1:4: weight of the entry"},
	} {
		_, err := ParseCriticality("crit.yaml", []byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ParseCriticality(%q) = %v, want an error starting %q", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "very") {
			t.Errorf("error %q quotes the input", err)
		}
	}
}

func TestCompare(t *testing.T) {
	prev := &Review{AsOf: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), Entries: []*Entry{
		{ID: "key-a", Kind: KindCredential, Type: "access-key", ActsAs: []string{"user-1"}, Targets: []Target{{ID: "bucket"}}},
		{ID: "secret-b", Kind: KindCredential, Type: "secretsmanager", Fingerprint: "fp-1", Targets: []Target{{ID: "table"}}},
		{ID: "pkg", Kind: KindPackage, Targets: []Target{{ID: "bucket"}, {ID: "table"}}},
	}}
	cur := &Review{AsOf: asOf, Entries: []*Entry{
		{ID: "key-c", Kind: KindCredential, Type: "access-key", ActsAs: []string{"user-1"}, Targets: []Target{{ID: "bucket"}}},
		{ID: "secret-b", Kind: KindCredential, Type: "secretsmanager", Fingerprint: "fp-2", Targets: []Target{{ID: "table"}, {ID: "queue"}}},
		{ID: "pkg", Kind: KindPackage, Targets: []Target{{ID: "bucket"}}},
	}}
	Compare(cur, prev)
	want := &Comparison{
		PreviousAsOf: "2026-09-01T00:00:00Z",
		NewPaths:     []Path{{Entry: "key-c", Target: "bucket"}, {Entry: "secret-b", Target: "queue"}},
		ClosedPaths:  []Path{{Entry: "key-a", Target: "bucket"}, {Entry: "pkg", Target: "table"}},
		Rotated: []Rotation{
			{Old: "key-a", New: "key-c", Why: "the old credential is gone and a new one acts as the same identities"},
			{Old: "secret-b", New: "secret-b", Why: "same credential, new value"},
		},
	}
	if diff := cmp.Diff(want, cur.Comparison); diff != "" {
		t.Errorf("comparison (-want +got):\n%s", diff)
	}
}

// sample is a small review with a finding and a comparison, whose texts
// carry characters each format must escape.
func sample() *Review {
	rv := &Review{AsOf: asOf, UnusedDays: 90, Entries: []*Entry{
		{ID: "pkg:npm/<b>evil</b>@1.0.0", Kind: KindPackage, Type: "npm", Label: "=cmd|' /C calc'!A0", Score: 12,
			Targets: []Target{{ID: "arn:aws:s3:::a", Weight: 10, Confidence: graph.Certain}, {ID: "arn:aws:s3:::b", Weight: 2, Confidence: graph.Possible}},
			Reached: 9, Findings: []int{0}},
		{ID: "secret:gha:example-org/app/TOKEN", Kind: KindCredential, Type: "actions-secret", Label: "TOKEN", Score: 0, Targets: []Target{}, Reached: 1},
	}, Findings: []*Finding{{Kind: FindingTagPinned, Node: "pkg:npm/<b>evil</b>@1.0.0", Detail: "pinned by tag | <script>alert(1)</script>"}}}
	Compare(rv, &Review{AsOf: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)})
	return rv
}

func TestWriteJSONRoundTrip(t *testing.T) {
	rv := sample()
	var b bytes.Buffer
	if err := WriteJSON(&b, rv); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rv, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		CSVHeader,
		{"1", "package", "npm", "pkg:npm/<b>evil</b>@1.0.0", "'=cmd|' /C calc'!A0", "12", "2", "9", "0", "0", "false", "", FindingTagPinned, "arn:aws:s3:::a;arn:aws:s3:::b"},
		{"2", "credential", "actions-secret", "secret:gha:example-org/app/TOKEN", "TOKEN", "0", "0", "1", "0", "0", "false", "", "", ""},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, sample(), 0); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"| 1 | package | =cmd\\|' /C calc'!A0 `pkg:npm/<b>evil</b>@1.0.0` | 12 | 2 | 9 | tag-pinned-action |",
		"pinned by tag \\| &lt;script&gt;alert(1)&lt;/script&gt;",
		"## Since the review of 2026-09-01T00:00:00Z",
		// One of each, in the singular.
		"1 credential and 1 package version ranked by the live services and resources they reach, weighted by criticality; 1 finding.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<script>") {
		t.Errorf("markdown carries raw HTML:\n%s", got)
	}
}

// TestWriteHTML parses the report and checks that it is self-contained:
// no script, no element that loads anything, a policy forbidding loads,
// the two charts, and the input's text only as text.
func TestWriteHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, sample(), 0); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	csp := ""
	var texts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			texts = append(texts, n.Data)
		}
		if n.Type == html.ElementNode {
			counts[n.Data]++
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "src", "href", "xlink:href", "action", "formaction", "srcset", "background", "poster", "data":
					t.Errorf("<%s> has %s=%q: the report must load nothing", n.Data, a.Key, a.Val)
				}
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("<%s> has event handler %s", n.Data, a.Key)
				}
				if n.Data == "meta" && a.Key == "content" && strings.Contains(a.Val, "default-src") {
					csp = a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, el := range []string{"script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject", "base"} {
		if counts[el] > 0 {
			t.Errorf("report has %d <%s> elements", counts[el], el)
		}
	}
	if csp != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if counts["svg"] != 2 {
		t.Errorf("report has %d charts, want 2", counts["svg"])
	}
	// Histogram: buckets 0, 1, 2-3, 4-7, 8-15 for scores up to 12; top
	// chart: one bar per entry.
	if counts["rect"] != 5+2 {
		t.Errorf("report has %d bars, want 7", counts["rect"])
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "pinned by tag | <script>alert(1)</script>") {
		t.Errorf("finding text not shown as text")
	}
}

func TestHistogram(t *testing.T) {
	rv := &Review{Entries: []*Entry{{Score: 0}, {Score: 0.5}, {Score: 1}, {Score: 3}, {Score: 4}, {Score: 7.9}, {Score: 8}}}
	var got []string
	for _, b := range Histogram(rv) {
		got = append(got, b.Label+":"+string(rune('0'+b.Count)))
	}
	want := []string{"0:2", "1:1", "2-3:1", "4-7:2", "8-15:1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("histogram (-want +got):\n%s", diff)
	}
}

// FuzzParseCriticality checks that any input parses or fails with a
// message that names the file, and that every weight is in range.
func FuzzParseCriticality(f *testing.F) {
	f.Add([]byte("arn:aws:s3:::a: 3\n\"arn:aws:s3:::*\": high\n"))
	f.Add([]byte("- a\n"))
	f.Add([]byte("a: [1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCriticality("crit.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "crit.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, e := range c.exact {
			if e.weight < 0 || e.weight > 1e6 {
				t.Fatalf("weight %v out of range", e.weight)
			}
		}
		for _, g := range c.globs {
			if g.weight < 0 || g.weight > 1e6 {
				t.Fatalf("weight %v out of range", g.weight)
			}
			c.Weight(graph.Node{ID: "arn:aws:s3:::x", Label: "x"})
		}
	})
}

func TestCriticalityCanary(t *testing.T) {
	const canary = "CANARY-review-7f3a"
	for _, in := range []string{canary + ": " + canary + "\n", "- " + canary + "\n", "x: [" + canary + "\n", "? [" + canary + "]\n: 1\n"} {
		_, err := ParseCriticality("crit.yaml", []byte(in))
		if err == nil {
			t.Errorf("ParseCriticality accepted %q", in)
			continue
		}
		if strings.Contains(err.Error(), canary) {
			t.Errorf("error repeats the input: %v", err)
		}
	}
}

func TestUnusedCountsSecretReads(t *testing.T) {
	const (
		reader = "arn:aws:iam::111122223333:user/billing"
		read   = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/stripe-api-key"
		unread = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/old-api-key"
		bucket = "arn:aws:s3:::example-reports"
	)
	seen := time.Date(2026, 11, 20, 3, 15, 0, 0, time.UTC)
	observed := func(to string, at time.Time) graph.Edge {
		e := edge(reader, graph.EdgeObserved, to)
		e.Pos = graph.Pos{File: "trail.json", Line: 1}
		e.Evidence = &graph.Evidence{}
		e.Evidence.Add(at, "secretsmanager:GetSecretValue", "198.51.100.7", "aws-cli/2", "AKIAEXAMPLEBILLING01", false, e.Pos)
		return e
	}
	// With a call 100 days before the read, the logs cover the 90 days
	// before asOf, and show the old key unused in them. Without it they
	// cover eleven days, which shows nothing about ninety.
	for name, tc := range map[string]struct {
		early bool
		want  []string
	}{
		"logs over 100 days": {true, []string{unread}},
		"logs over 11 days":  {false, nil},
	} {
		edges := []graph.Edge{observed(read, seen)}
		if tc.early {
			edges = append(edges, observed(bucket, seen.Add(-100*24*time.Hour)))
		}
		b := &graph.Batch{Time: asOf, Nodes: []graph.Node{
			node(reader, graph.NodeIdentity, "type", "user", graph.AttrAccount, "111122223333"),
			node(read, graph.NodeSecret, "type", "secretsmanager-secret", graph.AttrLongLived, "true", graph.AttrAccount, "111122223333"),
			node(unread, graph.NodeSecret, "type", "secretsmanager-secret", graph.AttrLongLived, "true", graph.AttrAccount, "111122223333"),
		}, Edges: edges}
		s := memstore.New()
		if err := s.Write(context.Background(), b, nil); err != nil {
			t.Fatal(err)
		}
		rv, err := Run(context.Background(), s, Options{AsOf: asOf, UnusedDays: 90})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rv.Findings {
			if f.Kind == FindingUnused {
				got = append(got, f.Node)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: unused credentials (-want +got):\n%s", name, diff)
		}
	}
}

func TestFoldLoggedTwins(t *testing.T) {
	// The declared key of user u has key id K1 in u's logs, so the logged
	// node of K1 is the same key. A second key of u is another key, and so
	// is a key of user v with the same id.
	used := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	declared := &Entry{ID: "key of u (declared)"}
	twin := &Entry{ID: "key of u (K1, logged)", LastUsed: used}
	other := &Entry{ID: "key of u (K2, logged)"}
	elsewhere := &Entry{ID: "key of v (K1, logged)"}
	keys := map[*Entry]keyEntry{
		declared:  {user: "u", id: "K1"},
		twin:      {user: "u", id: "K1", logged: true},
		other:     {user: "u", id: "K2", logged: true},
		elsewhere: {user: "v", id: "K1", logged: true},
	}
	f := &Finding{Kind: FindingUnused, Node: twin.ID}
	found := map[*Entry][]*Finding{twin: {f}}

	var ids []string
	for _, e := range foldLoggedTwins([]*Entry{twin, declared, other, elsewhere}, keys, found) {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]string{declared.ID, other.ID, elsewhere.ID}, ids); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if declared.Fingerprint != "K1" {
		t.Errorf("declared key's fingerprint %q, want K1", declared.Fingerprint)
	}
	if !declared.LastUsed.Equal(used) {
		t.Errorf("declared key last used %v, want %v", declared.LastUsed, used)
	}
	if len(found[declared]) != 1 || f.Node != declared.ID {
		t.Errorf("findings of the declared key %v (node %s), want the logged key's finding, moved to it", found[declared], f.Node)
	}
}

func TestCISecretKeyRegistryAdvice(t *testing.T) {
	// npmjs.com accepts trusted publishing, so its token gets that
	// advice. GitHub Packages does not, and a job publishes there with
	// its own GITHUB_TOKEN instead of a stored token.
	const (
		npmSecret = "secret:gha:example-org/app/NPM_TOKEN"
		npmAcct   = "registry:registry.npmjs.org/secret:gha:example-org/app/NPM_TOKEN"
		gprSecret = "secret:gha:example-org/app/GPR_TOKEN"
		gprAcct   = "registry:npm.pkg.github.com/secret:gha:example-org/app/GPR_TOKEN"
	)
	secret := func(id, name string) graph.Node {
		return node(id, graph.NodeSecret, "type", "actions-secret", graph.AttrName, name, graph.AttrLongLived, "true")
	}
	account := func(id, host string) graph.Node {
		return node(id, graph.NodeIdentity, "type", "registry-account", "registry", host, "ecosystem", "npm")
	}
	b := &graph.Batch{Nodes: []graph.Node{
		secret(npmSecret, "NPM_TOKEN"), account(npmAcct, "registry.npmjs.org"),
		secret(gprSecret, "GPR_TOKEN"), account(gprAcct, "npm.pkg.github.com"),
	}, Edges: []graph.Edge{
		edge(npmSecret, graph.EdgeAuthenticatesAs, npmAcct),
		edge(gprSecret, graph.EdgeAuthenticatesAs, gprAcct),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}

	found, err := ciSecretKeys(context.Background(), s, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	detail := map[string]string{}
	for _, f := range found {
		detail[f.Node] = f.Detail
	}

	if !strings.Contains(detail[npmSecret], "trusted publishing") {
		t.Errorf("NPM_TOKEN finding %q, want one that proposes trusted publishing", detail[npmSecret])
	}
	if strings.Contains(detail[gprSecret], "trusted publishing") {
		t.Errorf("GPR_TOKEN finding %q proposes trusted publishing, which GitHub Packages lacks", detail[gprSecret])
	}
	if !strings.Contains(detail[gprSecret], "GITHUB_TOKEN") {
		t.Errorf("GPR_TOKEN finding %q, want one that proposes the job's GITHUB_TOKEN", detail[gprSecret])
	}
}

func TestLiteralCredentials(t *testing.T) {
	const (
		literal = "secret:gha:inline:example-org/app/.github/workflows/rel.yml#publish/run@9"
		stored  = "secret:gha:example-org/app/NPM_TOKEN"
		job     = "runtime:gha:example-org/app/.github/workflows/rel.yml#publish"
	)
	lit := node(literal, graph.NodeSecret, "type", "inline-value", graph.AttrName, "npm token", graph.AttrStoredInline, "true")
	lit.Pos = graph.Pos{File: "app/.github/workflows/rel.yml", Line: 10}
	b := &graph.Batch{Nodes: []graph.Node{
		lit,
		node(stored, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "NPM_TOKEN"),
		node(job, graph.NodeRuntime, "type", "gha-job"),
	}, Edges: []graph.Edge{
		edge(job, graph.EdgeExposes, literal, graph.AttrVia, "script"),
		edge(job, graph.EdgeExposes, stored, graph.AttrVia, "ci-secret"),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	found, err := literalCredentials(context.Background(), s, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []*Finding{{
		Kind: FindingLiteral, Node: literal, Related: []string{job}, Pos: "app/.github/workflows/rel.yml:10",
		Detail: "a credential (npm token) is written in app/.github/workflows/rel.yml:10, where everyone who can read the file reads it; rotate it at its issuer, keep the replacement in a secret store, and remove the old value from the file and its history",
	}}
	if diff := cmp.Diff(want, found); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// A package that a job with secrets runs or installs without an exact
// version is a finding, with the jobs and secrets it concerns. An exact
// version, or a job that holds only its own token, is not.
func TestFloatingPackages(t *testing.T) {
	const (
		lint     = "runtime:gha:example-org/app/.github/workflows/ci.yml#lint"
		docs     = "runtime:gitlab:example-org/app/.gitlab-ci.yml#docs"
		tokenJob = "runtime:gha:example-org/app/.github/workflows/ci.yml#check"
		npmToken = "secret:gha:example-org/app/NPM_TOKEN"
		jobToken = "secret:gha:token:example-org/app/.github/workflows/ci.yml#check"
		cowsay   = "pkg:npm/cowsay"
		black    = "pkg:pypi/black"
		prettier = "pkg:npm/prettier@3.1.0"
	)
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(lint, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app"),
		node(docs, graph.NodeRuntime, "type", "gitlab-job", graph.AttrRepository, "example-org/app"),
		node(tokenJob, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app"),
		node(npmToken, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "NPM_TOKEN"),
		node(jobToken, graph.NodeSecret, "type", "github-token"),
		node(cowsay, graph.NodePackage, "ecosystem", "npm"),
		node(black, graph.NodePackage, "ecosystem", "pypi"),
		node(prettier, graph.NodePackage, "ecosystem", "npm", "version", "3.1.0"),
	}, Edges: []graph.Edge{
		edge(lint, graph.EdgeExposes, npmToken, graph.AttrVia, "ci-secret"),
		edge(docs, graph.EdgeExposes, npmToken, graph.AttrVia, "ci-secret"),
		edge(tokenJob, graph.EdgeExposes, jobToken, graph.AttrVia, "token"),
		edge(lint, graph.EdgeExecutes, cowsay, graph.AttrVia, "tool-run", "pinned", "floating"),
		edge(docs, graph.EdgeExecutes, cowsay, graph.AttrVia, "tool-run", "pinned", "floating"),
		edge(lint, graph.EdgeExecutes, prettier, graph.AttrVia, "tool-run", "pinned", "version"),
		edge(docs, graph.EdgeExecutes, black, graph.AttrVia, "install", "pinned", "floating"),
		edge(tokenJob, graph.EdgeExecutes, black, graph.AttrVia, "install", "pinned", "floating"),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	rv, err := Run(context.Background(), s, Options{AsOf: asOf, UnusedDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	var got []*Finding
	for _, f := range rv.Findings {
		if f.Kind == FindingFloating {
			got = append(got, f)
		}
	}
	want := []*Finding{
		{Kind: FindingFloating, Node: cowsay, Related: []string{lint, docs, npmToken}, Pos: "test.tf:2",
			Detail: cowsay + " is run or installed without an exact version in " + lint + ", " + docs +
				", which hold 1 secret, so the next version published to the registry runs there; pin an exact version"},
		{Kind: FindingFloating, Node: black, Related: []string{docs, npmToken}, Pos: "test.tf:2",
			Detail: black + " is run or installed without an exact version in " + docs +
				", which holds 1 secret, so the next version published to the registry runs there; pin an exact version"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Finding{}, "Label")); diff != "" {
		t.Errorf("floating findings (-want +got):\n%s", diff)
	}
}

// A job that runs an action of its own repository (uses: ./dir) runs what
// that action uses, and what the local actions it uses use. A third-party
// action by tag and a package at a floating version there are findings of
// the job.
func TestFindingsThroughLocalAction(t *testing.T) {
	const (
		build   = "runtime:gha:example-org/app/.github/workflows/ci.yml#build"
		token   = "secret:gha:example-org/app/NPM_TOKEN"
		setup   = "pkg:githubactions/example-org/app#.github/actions/setup"
		inner   = "pkg:githubactions/example-org/app#.github/actions/inner"
		changed = "pkg:githubactions/tj-actions/changed-files@v45"
		cowsay  = "pkg:npm/cowsay"
	)
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(build, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app"),
		node(token, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "NPM_TOKEN"),
		node(setup, graph.NodePackage, "ecosystem", "githubactions"),
		node(inner, graph.NodePackage, "ecosystem", "githubactions"),
		node(changed, graph.NodePackage, "ecosystem", "githubactions", "version", "v45"),
		node(cowsay, graph.NodePackage, "ecosystem", "npm"),
	}, Edges: []graph.Edge{
		edge(build, graph.EdgeExposes, token, graph.AttrVia, "ci-secret"),
		edge(build, graph.EdgeExecutes, setup, graph.AttrVia, "uses", "pinned", "local"),
		edge(setup, graph.EdgeDependsOn, inner, graph.AttrVia, "uses", "pinned", "local"),
		edge(inner, graph.EdgeDependsOn, changed, graph.AttrVia, "uses", "pinned", "tag-or-branch"),
		edge(setup, graph.EdgeDependsOn, cowsay, graph.AttrVia, "tool-run", "pinned", "floating"),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	rv, err := Run(context.Background(), s, Options{AsOf: asOf, UnusedDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rv.Findings {
		if f.Kind == FindingTagPinned || f.Kind == FindingFloating {
			got = append(got, f.Kind+" "+f.Node+" "+strings.Join(f.Related, ","))
		}
	}
	want := []string{
		FindingFloating + " " + cowsay + " " + build + "," + token,
		FindingTagPinned + " " + changed + " " + build + "," + token,
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// A versionless tool run in a job that installs the project's locked copy
// of the package runs that copy (npx eslint after npm ci), so it is no
// floating finding. With only a possible locked copy, the run may still
// fetch the registry's latest version, and it is one.
func TestFloatingPackageInstalledCopy(t *testing.T) {
	const (
		lint     = "runtime:gha:example-org/app/.github/workflows/ci.yml#lint"
		docs     = "runtime:gha:example-org/app/.github/workflows/ci.yml#docs"
		early    = "runtime:gha:example-org/app/.github/workflows/ci.yml#early"
		npmToken = "secret:gha:example-org/app/NPM_TOKEN"
		eslint   = "pkg:npm/%40scope/eslint"
		locked   = "pkg:npm/%40scope/eslint@8.57.0"
	)
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(lint, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app"),
		node(docs, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app"),
		node(early, graph.NodeRuntime, "type", "gha-job", graph.AttrRepository, "example-org/app"),
		node(npmToken, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "NPM_TOKEN"),
		node(eslint, graph.NodePackage, "ecosystem", "npm", graph.AttrName, "@scope/eslint"),
		node(locked, graph.NodePackage, "ecosystem", "npm", graph.AttrName, "@scope/eslint", "version", "8.57.0"),
	}, Edges: []graph.Edge{
		edge(lint, graph.EdgeExposes, npmToken, graph.AttrVia, "ci-secret"),
		edge(docs, graph.EdgeExposes, npmToken, graph.AttrVia, "ci-secret"),
		edge(locked, graph.EdgeVersionOf, eslint),
		edge(lint, graph.EdgeExecutes, eslint, graph.AttrVia, "tool-run", "pinned", "floating", "prefers_installed", "true", "after_install", "true"),
		edge(lint, graph.EdgeExecutes, locked, graph.AttrLockfile, "package-lock.json"),
		// early runs npx eslint before npm ci: nothing is installed yet,
		// so npx fetches the registry's latest eslint.
		edge(early, graph.EdgeExposes, npmToken, graph.AttrVia, "ci-secret"),
		edge(early, graph.EdgeExecutes, eslint, graph.AttrVia, "tool-run", "pinned", "floating", "prefers_installed", "true"),
		edge(early, graph.EdgeExecutes, locked, graph.AttrLockfile, "package-lock.json"),
		edge(docs, graph.EdgeExecutes, eslint, graph.AttrVia, "tool-run", "pinned", "floating", "prefers_installed", "true"),
	}}
	b.Edges = append(b.Edges, graph.Edge{From: docs, To: locked, Kind: graph.EdgeExecutes, Confidence: graph.Possible,
		Pos: graph.Pos{File: "test.tf", Line: 2}})
	b.Edges[len(b.Edges)-1].SetAttr(graph.AttrLockfile, "package-lock.json")
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	rv, err := Run(context.Background(), s, Options{AsOf: asOf, UnusedDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, f := range rv.Findings {
		if f.Kind == FindingFloating {
			got = append(got, append([]string{f.Node}, f.Related...))
		}
	}
	want := [][]string{{eslint, docs, early, npmToken}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("floating findings (-want +got):\n%s", diff)
	}
}

// Windows PowerShell 5.1 writes `review --format json > 2026-q3.json` as
// UTF-16LE with a byte order mark, and that file is the one --compare
// reads a quarter later.
func TestReadJSONUTF16(t *testing.T) {
	text := `{"asOf": "2026-09-01T00:00:00Z", "entries": [{"id": "key-a", "kind": "credential"}]}`
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range text {
		utf16 = append(utf16, byte(r), 0)
	}
	rv, err := ReadJSON(bytes.NewReader(utf16))
	if err != nil {
		t.Fatalf("ReadJSON of a UTF-16 review: %v", err)
	}
	if len(rv.Entries) != 1 || rv.Entries[0].ID != "key-a" {
		t.Errorf("entries %+v, want the one entry key-a", rv.Entries)
	}
}

func TestParseCriticalityUTF32(t *testing.T) {
	// Windows PowerShell's Out-File -Encoding UTF32 writes UTF-32LE with
	// a byte order mark. The mapping reads as it does in UTF-8, and an
	// error names the same line and column.
	utf32 := func(s string) []byte {
		out := []byte{0xFF, 0xFE, 0x00, 0x00}
		for _, r := range s {
			out = append(out, byte(r), byte(r>>8), byte(r>>16), 0)
		}
		return out
	}
	c, err := ParseCriticality("crit.yaml", utf32("arn:aws:s3:::example-data: 7\n"))
	if err != nil {
		t.Fatalf("ParseCriticality of a UTF-32 mapping: %v", err)
	}
	if w := c.Weight(graph.Node{ID: "arn:aws:s3:::example-data"}); w != 7 {
		t.Errorf("weight %v, want 7", w)
	}

	_, err = ParseCriticality("crit.yaml", utf32("a: 1\nb: very\n"))
	if want := "crit.yaml:2:4: weight of the entry"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}

// Terraform pins the role's OIDC subject, but the export of the live
// account shows a trust without a sub condition: the finding follows the
// export, as the linker's rules do.
func TestOIDCWildcardOfDriftedTrust(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/drifted"
	trust := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"` + cond + `}]}`
	}
	pinned := trust(`,"Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/app:ref:refs/heads/main"}}`)
	s := memstore.New()
	b := &graph.Batch{Time: time.Now(), Nodes: []graph.Node{
		{ID: role, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "infra/iam.tf", Line: 3},
			Attrs: map[string]string{"type": "role", "trust_policy": pinned}},
		{ID: role, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "snapshots/account.json", Line: 40},
			Attrs: map[string]string{"type": "role", "trust_policy": trust(""), graph.AttrLiveExport: "true"}},
	}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	fs, err := oidcWildcards(context.Background(), s, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Node != role {
		t.Errorf("findings = %+v, want one for %s, whose live trust has no sub condition", fs, role)
	}
}

// A workflow names the role (role-to-assume), and its path sorts before
// the Terraform file that states the role's trust policy. The finding
// points at the Terraform file, where the policy is to be fixed.
func TestOIDCWildcardPointsAtPolicy(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/open"
	open := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	s := memstore.New()
	b := &graph.Batch{Time: time.Now(), Nodes: []graph.Node{
		{ID: role, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "app/.github/workflows/deploy.yml", Line: 14},
			Attrs: map[string]string{"type": "role"}},
		{ID: role, Kind: graph.NodeIdentity, Pos: graph.Pos{File: "infra/iam.tf", Line: 3},
			Attrs: map[string]string{"type": "role", "trust_policy": open}},
	}}
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	fs, err := oidcWildcards(context.Background(), s, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Pos != "infra/iam.tf:3" {
		t.Errorf("findings = %+v, want one at infra/iam.tf:3", fs)
	}
}

// A call that landed in another account (cross_account=true) is in that
// account's logs, and the input does not show that the caller's account
// logged it too. Calls 100 days back into account 444455556666 do not
// show the logs of 111122223333 reaching back to the cutoff, so its unread
// secret is not reported unused. With the same call within the account,
// it is.
func TestUnusedIgnoresCrossAccountSpan(t *testing.T) {
	const (
		reader = "arn:aws:iam::111122223333:user/billing"
		read   = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/stripe-api-key"
		unread = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/old-api-key"
		other  = "arn:aws:iam::444455556666:role/reports"
		own    = "arn:aws:iam::111122223333:role/reports"
	)
	seen := time.Date(2026, 11, 20, 3, 15, 0, 0, time.UTC)
	observed := func(to string, at time.Time, attrs ...string) graph.Edge {
		e := edge(reader, graph.EdgeObserved, to, attrs...)
		e.Pos = graph.Pos{File: "trail.json", Line: 1}
		e.Evidence = &graph.Evidence{}
		e.Evidence.Add(at, "sts:AssumeRole", "198.51.100.7", "aws-cli/2", "AKIAEXAMPLEBILLING01", false, e.Pos)
		return e
	}
	for name, tc := range map[string]struct {
		early graph.Edge
		want  []string
	}{
		"early call into another account": {observed(other, seen.Add(-100*24*time.Hour), "cross_account", "true"), nil},
		"early call in the account":       {observed(own, seen.Add(-100*24*time.Hour)), []string{unread}},
	} {
		b := &graph.Batch{Time: asOf, Nodes: []graph.Node{
			node(reader, graph.NodeIdentity, "type", "user", graph.AttrAccount, "111122223333"),
			node(read, graph.NodeSecret, "type", "secretsmanager-secret", graph.AttrLongLived, "true", graph.AttrAccount, "111122223333"),
			node(unread, graph.NodeSecret, "type", "secretsmanager-secret", graph.AttrLongLived, "true", graph.AttrAccount, "111122223333"),
		}, Edges: []graph.Edge{observed(read, seen), tc.early}}
		s := memstore.New()
		if err := s.Write(context.Background(), b, nil); err != nil {
			t.Fatal(err)
		}
		rv, err := Run(context.Background(), s, Options{AsOf: asOf, UnusedDays: 90})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rv.Findings {
			if f.Kind == FindingUnused {
				got = append(got, f.Node)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: unused credentials (-want +got):\n%s", name, diff)
		}
	}
}

// TestUnreferencedSecretsCountCallees: job release of app calls a reusable
// workflow with secrets: inherit, so it receives every secret. The called
// job publish holds release's GITHUB_TOKEN and names the organisation's
// NPM_TOKEN, which release hands over. Only SLACK_HOOK, which no job
// names, is delivered unused.
func TestUnreferencedSecretsCountCallees(t *testing.T) {
	const (
		release = "runtime:gha:example-org/app/.github/workflows/release.yml#release"
		publish = "runtime:gha:example-org/shared/.github/workflows/publish.yml#publish"
		npm     = "secret:gha:org:example-org/NPM_TOKEN"
		slack   = "secret:gha:org:example-org/SLACK_HOOK"
		all     = "secret:gha:example-org/app/*"
		token   = "secret:gha:token:example-org/app/.github/workflows/release.yml#release"
	)
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(release, graph.NodeRuntime, "type", "gha-job"),
		node(publish, graph.NodeRuntime, "type", "gha-job", "triggers", "workflow_call"),
		node(npm, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "NPM_TOKEN"),
		node(slack, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "SLACK_HOOK"),
		node(all, graph.NodeSecret, "type", "all-actions-secrets", graph.AttrName, "*"),
		node(token, graph.NodeSecret, "type", "github-token"),
	}, Edges: []graph.Edge{
		edge(release, graph.EdgeExposes, all, graph.AttrVia, "ci-secret", "all", "true"),
		edge(release, graph.EdgeExposes, npm, graph.AttrVia, "ci-secret"),
		edge(release, graph.EdgeExposes, slack, graph.AttrVia, "ci-secret"),
		edge(release, graph.EdgeExposes, token, graph.AttrVia, "token"),
		edge(publish, graph.EdgeExposes, token, graph.AttrVia, "token"),
		edge(publish, graph.EdgeExposes, npm, graph.AttrVia, "ci-secret", graph.AttrName, "NPM_TOKEN"),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	fs, err := unreferencedSecrets(context.Background(), s, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Node)
	}
	if len(got) != 1 || got[0] != slack {
		t.Errorf("unreferenced secrets = %v, want only %s", got, slack)
	}
}

// TestUnreferencedSecretsNestedCallee: release of app calls outer with
// secrets: inherit, and outer's job nest calls inner with secrets: inherit.
// Nest and inner's deploy run on behalf of release and hold its
// GITHUB_TOKEN. Deploy names NPM_TOKEN, which nest hands to it, so only
// OTHER is delivered unused, to release and nest.
func TestUnreferencedSecretsNestedCallee(t *testing.T) {
	const (
		release = "runtime:gha:example-org/app/.github/workflows/release.yml#release"
		nest    = "runtime:gha:example-org/shared/.github/workflows/outer.yml#nest"
		deploy  = "runtime:gha:example-org/shared/.github/workflows/inner.yml#deploy"
		npm     = "secret:gha:example-org/app/NPM_TOKEN"
		other   = "secret:gha:example-org/app/OTHER"
		all     = "secret:gha:example-org/app/*"
		token   = "secret:gha:token:example-org/app/.github/workflows/release.yml#release"
	)
	b := &graph.Batch{Time: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Nodes: []graph.Node{
		node(release, graph.NodeRuntime, "type", "gha-job"),
		node(nest, graph.NodeRuntime, "type", "gha-job", "triggers", "workflow_call"),
		node(deploy, graph.NodeRuntime, "type", "gha-job", "triggers", "workflow_call"),
		node(npm, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "NPM_TOKEN"),
		node(other, graph.NodeSecret, "type", "actions-secret", graph.AttrName, "OTHER"),
		node(all, graph.NodeSecret, "type", "all-actions-secrets", graph.AttrName, "*"),
		node(token, graph.NodeSecret, "type", "github-token"),
	}, Edges: []graph.Edge{
		edge(release, graph.EdgeExposes, all, graph.AttrVia, "ci-secret", "all", "true"),
		edge(release, graph.EdgeExposes, npm, graph.AttrVia, "ci-secret"),
		edge(release, graph.EdgeExposes, other, graph.AttrVia, "ci-secret"),
		edge(release, graph.EdgeExposes, token, graph.AttrVia, "token"),
		edge(nest, graph.EdgeExposes, all, graph.AttrVia, "ci-secret"),
		edge(nest, graph.EdgeExposes, npm, graph.AttrVia, "ci-secret"),
		edge(nest, graph.EdgeExposes, other, graph.AttrVia, "ci-secret"),
		edge(nest, graph.EdgeExposes, token, graph.AttrVia, "token"),
		edge(deploy, graph.EdgeExposes, token, graph.AttrVia, "token"),
		edge(deploy, graph.EdgeExposes, npm, graph.AttrVia, "ci-secret", graph.AttrName, "NPM_TOKEN"),
	}}
	s := memstore.New()
	if err := s.Write(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	fs, err := unreferencedSecrets(context.Background(), s, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("%d findings, want one, of %s", len(fs), other)
	}
	if fs[0].Node != other {
		t.Errorf("finding of %s, want %s", fs[0].Node, other)
	}
	if want := []string{release, nest}; !slices.Equal(fs[0].Related, want) {
		t.Errorf("related %v, want %v", fs[0].Related, want)
	}
}
