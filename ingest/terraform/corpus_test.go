package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// shared is where inputs written by others live, relative to this package.
const shared = "../../../shared"

// parseDir parses every file of a folder that the parser claims, with one
// Parser, and returns the facts and the rejected files.
func parseDir(t *testing.T, dir string) (ingest.Result, []*ingest.Error) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := New()
	var all ingest.Result
	var rejected []*ingest.Error
	for _, e := range entries {
		f := &ingest.File{Path: filepath.Join(dir, e.Name())}
		if e.IsDir() || !p.Detect(f) {
			continue
		}
		var res ingest.Result
		if err := p.Parse(context.Background(), f, testEnv(), &res); err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Errorf("%s: error %v is not an *ingest.Error", f.Path, err)
				continue
			}
			if ie.Pos.File != f.Path {
				t.Errorf("%s: error names file %q", f.Path, ie.Pos.File)
			}
			rejected = append(rejected, ie)
			continue
		}
		all.Nodes = append(all.Nodes, res.Nodes...)
		all.Edges = append(all.Edges, res.Edges...)
		all.Diags = append(all.Diags, res.Diags...)
	}
	return all, rejected
}

// builtID reports whether id has the form of an id built from graph/ids.go
// or an ARN, which another file or input may declare.
func builtID(id string) bool {
	for _, prefix := range []string{"arn:", "secret:", "runtime:", "repo:", "gcp:", "k8s:"} {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

// checkEdges reports edges whose ends are neither nodes of res nor ids of
// a built form.
func checkEdges(res ingest.Result) []string {
	nodes := map[string]bool{}
	for _, n := range res.Nodes {
		nodes[n.ID] = true
	}
	var bad []string
	for _, e := range res.Edges {
		for _, end := range []string{e.From, e.To} {
			if !nodes[end] && !builtID(end) {
				bad = append(bad, e.Key().String())
			}
		}
	}
	return bad
}

// TestCorpus parses every Terraform folder of the shared corpus and checks
// that each file either parses or is rejected with a positioned error.
func TestCorpus(t *testing.T) {
	root := filepath.Join(shared, "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	dirs := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)

	var files, rejected, nodes, edges int
	for _, dir := range sorted {
		res, rej := parseDir(t, dir)
		tf, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		files += len(tf)
		rejected += len(rej)
		nodes += len(res.Nodes)
		edges += len(res.Edges)
		if bad := checkEdges(res); len(bad) > 0 {
			t.Errorf("%s: edges with unknown ends: %v", dir, bad)
		}
	}
	t.Logf("corpus: %d folders, %d .tf files, %d parsed, %d rejected, %d nodes, %d edges",
		len(sorted), files, files-rejected, rejected, nodes, edges)
}

// nodeAttr returns attr key of the first node with id whose attrs have it.
func nodeAttr(res ingest.Result, id, key string) (string, bool) {
	for _, n := range res.Nodes {
		if v, ok := n.Attrs[key]; n.ID == id && ok {
			return v, true
		}
	}
	return "", false
}

// TestOIDCTrustConditionsKept checks that a role trusting an OIDC provider
// keeps the sub condition that distinguishes it from other roles.
func TestOIDCTrustConditionsKept(t *testing.T) {
	dir := filepath.Join(shared, "cases", "07-cartography-oidc-trust-condition-dropped", "infra")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared cases not present")
	}
	res, rej := parseDir(t, dir)
	if len(rej) > 0 {
		t.Fatalf("rejected: %v", rej)
	}
	tests := []struct {
		role, test, sub string
	}{
		{"arn:aws:iam::111122223333:role/payments-deploy-prod", "StringEquals", "repo:example-org/payments-api:environment:production"},
		{"arn:aws:iam::111122223333:role/docs-publish", "StringLike", "repo:example-org/docs-site:ref:refs/heads/main"},
	}
	for _, tt := range tests {
		trust, ok := nodeAttr(res, tt.role, "trust_policy")
		if !ok {
			t.Errorf("role %s: no node with a trust policy", tt.role)
			continue
		}
		var doc struct {
			Statement []struct {
				Principal map[string]string
				Condition map[string]map[string]string
			}
		}
		if err := json.Unmarshal([]byte(trust), &doc); err != nil {
			t.Fatalf("role %s: trust policy is not JSON: %v", tt.role, err)
		}
		if len(doc.Statement) != 1 {
			t.Fatalf("role %s: %d statements, want 1", tt.role, len(doc.Statement))
		}
		st := doc.Statement[0]
		if got := st.Condition[tt.test]["token.actions.githubusercontent.com:sub"]; got != tt.sub {
			t.Errorf("role %s: %s sub condition = %q, want %q", tt.role, tt.test, got, tt.sub)
		}
		if got, want := st.Principal["Federated"], "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"; got != want {
			t.Errorf("role %s: federated principal = %q, want %q", tt.role, got, want)
		}
	}
}

// TestPolicyDocumentJSONReference checks that a bucket policy given as
// data.aws_iam_policy_document.X.json is rendered, public principal
// included.
func TestPolicyDocumentJSONReference(t *testing.T) {
	dir := filepath.Join(shared, "cases", "09-checkov-policy-document-json-ref")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared cases not present")
	}
	res, rej := parseDir(t, dir)
	if len(rej) > 0 || len(res.Diags) > 0 {
		t.Fatalf("rejected %v, diagnostics %v", rej, res.Diags)
	}
	tests := []struct {
		bucket string
		want   string
	}{
		{
			"arn:aws:s3:::example-org-press-kit",
			`{"Version":"2012-10-17","Statement":[{"Sid":"EveryoneMayDownload","Effect":"Allow",` +
				`"Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-org-press-kit/*"}]}`,
		},
		{
			"arn:aws:s3:::example-org-payroll-exports",
			`{"Version":"2012-10-17","Statement":[{"Sid":"OnlyPayrollRole","Effect":"Allow",` +
				`"Principal":{"AWS":"arn:aws:iam::111122223333:role/payroll-export"},"Action":"s3:GetObject",` +
				`"Resource":"arn:aws:s3:::example-org-payroll-exports/*"}]}`,
		},
	}
	for _, tt := range tests {
		got, ok := nodeAttr(res, tt.bucket, "resource_policy")
		if !ok {
			t.Errorf("bucket %s: no resource policy", tt.bucket)
			continue
		}
		var gotDoc, wantDoc any
		if err := json.Unmarshal([]byte(got), &gotDoc); err != nil {
			t.Fatalf("bucket %s: policy is not JSON: %v", tt.bucket, err)
		}
		if err := json.Unmarshal([]byte(tt.want), &wantDoc); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantDoc, gotDoc); diff != "" {
			t.Errorf("bucket %s: policy mismatch (-want +got):\n%s", tt.bucket, diff)
		}
	}
	for _, want := range []string{"block_public_policy", "restrict_public_buckets"} {
		if got, _ := nodeAttr(res, "arn:aws:s3:::example-org-press-kit", want); got != "false" {
			t.Errorf("press kit bucket %s = %q, want false", want, got)
		}
	}
	for _, n := range res.Nodes {
		if n.Kind != graph.NodeResource {
			t.Errorf("unexpected %s node %s", n.Kind, n.ID)
		}
	}
}
