package gcpiam

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func testEnv() *ingest.Env {
	return &ingest.Env{Fingerprint: func(s string) string {
		sum := sha256.Sum256([]byte("salt" + s))
		return hex.EncodeToString(sum[:8])
	}}
}

func bytesFile(path, repo, rel string, data []byte) *ingest.File {
	head := data
	if len(head) > ingest.HeadSize {
		head = head[:ingest.HeadSize]
	}
	return &ingest.File{Path: path, RelPath: rel, Repo: repo, Head: head, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func parseTestdata(t *testing.T, name string) *ingest.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f := bytesFile(name, "example-org/infra", "iam/"+name, data)
	if !New().Detect(f) {
		t.Fatalf("Detect(%s) = false", name)
	}
	var res ingest.Result
	if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if err := joined(&res); err != nil {
		t.Fatal(err)
	}
	return &res
}

// joined checks that every edge joins nodes of the result.
func joined(res *ingest.Result) error {
	ids := map[string]bool{}
	for _, n := range res.Nodes {
		if n.ID == "" || n.Kind == "" {
			return errors.New("node without id or kind")
		}
		ids[n.ID] = true
	}
	for _, e := range res.Edges {
		if !ids[e.From] || !ids[e.To] {
			return errors.New("edge " + e.Key().String() + " joins a node not in the result")
		}
	}
	return nil
}

func nodeIDs(res *ingest.Result, kind graph.NodeKind) []string {
	var out []string
	for _, n := range res.Nodes {
		if n.Kind == kind {
			out = append(out, n.ID)
		}
	}
	sort.Strings(out)
	return out
}

func findNode(t *testing.T, res *ingest.Result, id string) graph.Node {
	t.Helper()
	for _, n := range res.Nodes {
		if n.ID == id {
			return n
		}
	}
	t.Fatalf("node %s not found", id)
	return graph.Node{}
}

func edgeList(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		out = append(out, e.Key().String())
	}
	sort.Strings(out)
	return out
}

func checkAttrs(t *testing.T, n graph.Node, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for k := range want {
		got[k] = n.Attr(k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s attrs (-want +got):\n%s", n.ID, diff)
	}
}

const (
	project  = "gcp:project:example-prod"
	deployer = "gcp:sa:deployer@example-prod.iam.gserviceaccount.com"
	ci       = "gcp:sa:ci@example-prod.iam.gserviceaccount.com"
)

func TestProjectPolicy(t *testing.T) {
	res := parseTestdata(t, "project-example-prod.iam.json")
	cond := `resource.name.startsWith("projects/_/buckets/example-prod-")`
	grant := func(role, member, cond string) string {
		return graph.GCPGrantID(project, role, member, cond)
	}
	wantPolicies := []string{
		grant("roles/editor", "group:platform@example.com", ""),
		grant("roles/iam.serviceAccountUser", "serviceAccount:builder@example-prod.iam.gserviceaccount.com", ""),
		grant("roles/owner", "user:alice@example.com", ""),
		grant("roles/storage.objectViewer", "serviceAccount:reader@example-prod.iam.gserviceaccount.com", cond),
		grant("roles/viewer", "allAuthenticatedUsers", ""),
		grant("roles/viewer", "domain:example.com", ""),
	}
	sort.Strings(wantPolicies)
	if diff := cmp.Diff(wantPolicies, nodeIDs(res, graph.NodePolicy)); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	wantIdentities := []string{
		"gcp:allAuthenticatedUsers",
		"gcp:domain:example.com",
		"gcp:group:platform@example.com",
		"gcp:sa:builder@example-prod.iam.gserviceaccount.com",
		"gcp:sa:reader@example-prod.iam.gserviceaccount.com",
		"gcp:user:alice@example.com",
	}
	if diff := cmp.Diff(wantIdentities, nodeIDs(res, graph.NodeIdentity)); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{project}, nodeIDs(res, graph.NodeResource)); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	var wantEdges []string
	for _, p := range wantPolicies {
		wantEdges = append(wantEdges, graph.EdgeKey{From: project, Kind: graph.EdgeHasPolicy, To: p}.String())
	}
	sort.Strings(wantEdges)
	if diff := cmp.Diff(wantEdges, edgeList(res)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	owner := findNode(t, res, grant("roles/owner", "user:alice@example.com", ""))
	checkAttrs(t, owner, map[string]string{
		"provider": "gcp", "type": "iam-grant", "resource": project, "resource_name": "projects/example-prod",
		"resource_type": "cloudresourcemanager.googleapis.com/Project", "role": "roles/owner",
		"member": "user:alice@example.com", "member_id": "gcp:user:alice@example.com", "level": "admin",
		"source": "gcloud", "project": "example-prod",
	})
	if owner.Pos.Line != 6 {
		t.Errorf("owner grant at line %d, want 6", owner.Pos.Line)
	}
	viewer := findNode(t, res, grant("roles/storage.objectViewer", "serviceAccount:reader@example-prod.iam.gserviceaccount.com", cond))
	checkAttrs(t, viewer, map[string]string{"condition": cond, "condition_title": "prod buckets only", "level": "read"})
	checkAttrs(t, findNode(t, res, "gcp:sa:reader@example-prod.iam.gserviceaccount.com"),
		map[string]string{"type": "service-account", "project": "example-prod", "email": "reader@example-prod.iam.gserviceaccount.com"})

	// The unknown member type is reported where it is, without its value.
	if len(res.Diags) != 1 || res.Diags[0].Pos.Line != 42 || strings.Contains(res.Diags[0].Msg, "someone") {
		t.Errorf("diagnostics = %v, want one at line 42 naming no value", res.Diags)
	}
	if res.Records != 6 {
		t.Errorf("Records = %d, want 6 bindings", res.Records)
	}
}

func TestServiceAccountPolicy(t *testing.T) {
	res := parseTestdata(t, "sa-deployer@example-prod.iam.gserviceaccount.com.iam.json")
	wif := "gcp:wif:github/attribute.repository/example-org/api"
	gke := "gcp:wif:example-prod.svc.id.goog/subject/ns/payments/sa/api"
	want := []string{ci, deployer, gke, wif}
	if diff := cmp.Diff(want, nodeIDs(res, graph.NodeIdentity)); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
	checkAttrs(t, findNode(t, res, deployer), map[string]string{"type": "service-account", "project": "example-prod",
		"resource_name": "projects/-/serviceAccounts/deployer@example-prod.iam.gserviceaccount.com"})
	checkAttrs(t, findNode(t, res, wif), map[string]string{"type": "wif-principal", "pool": "github",
		"selector_kind": "attribute", "attribute": "repository", "value": "example-org/api", "project_number": "111122223333"})
	checkAttrs(t, findNode(t, res, gke), map[string]string{"type": "wif-principal", "pool": "example-prod.svc.id.goog",
		"namespace": "payments", "ksa": "api", "workload_pool": "example-prod.svc.id.goog", "selector_kind": "subject"})
	g := findNode(t, res, graph.GCPGrantID(deployer, "roles/iam.workloadIdentityUser", "serviceAccount:example-prod.svc.id.goog[payments/api]", ""))
	checkAttrs(t, g, map[string]string{"member_id": gke, "resource": deployer})
}

func TestResourceField(t *testing.T) {
	res := parseTestdata(t, "bucket-policy.json")
	if diff := cmp.Diff([]string{"gcp:bucket:example-artifacts"}, nodeIDs(res, graph.NodeResource)); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	checkAttrs(t, findNode(t, res, "gcp:bucket:example-artifacts"), map[string]string{
		"type": "bucket", "resource_name": "projects/_/buckets/example-artifacts", "name": "example-artifacts"})
}

func TestAssets(t *testing.T) {
	res := parseTestdata(t, "assets.json")
	secret := "gcp:secret:projects/example-prod/secrets/db-password"
	dataset := "gcp:resource:bigquery.googleapis.com/projects/example-prod/datasets/sales"
	if diff := cmp.Diff([]string{project, dataset}, nodeIDs(res, graph.NodeResource)); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{secret}, nodeIDs(res, graph.NodeSecret)); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	checkAttrs(t, findNode(t, res, project), map[string]string{"number": "111122223333", "parent": "folders/4444"})
	checkAttrs(t, findNode(t, res, deployer), map[string]string{"unique_id": "104444444444444444444", "project": "example-prod"})
	checkAttrs(t, findNode(t, res, "gcp:role:projects/example-prod/roles/keyMaker"), map[string]string{
		"type": "custom-role", "permissions": "iam.serviceAccountKeys.create,iam.serviceAccounts.get", "level": "write"})
	checkAttrs(t, findNode(t, res, secret), map[string]string{"type": "secretmanager", "name": "db-password",
		"project": "example-prod", "resource_name": "projects/example-prod/secrets/db-password", "long_lived": "true"})
	checkAttrs(t, findNode(t, res, dataset), map[string]string{"type": "resource", "resource_type": "bigquery.googleapis.com/Dataset"})
	g := findNode(t, res, graph.GCPGrantID(secret, "roles/secretmanager.secretAccessor", "serviceAccount:deployer@example-prod.iam.gserviceaccount.com", ""))
	checkAttrs(t, g, map[string]string{"source": "asset-inventory", "member_id": deployer})
	if res.Records != 5 {
		t.Errorf("Records = %d, want 5", res.Records)
	}
}

func TestKeyFile(t *testing.T) {
	res := parseTestdata(t, "key.json")
	key := graph.GCPServiceAccountKeyID("ci@example-prod.iam.gserviceaccount.com", "0123456789abcdef0123456789abcdef01234567")
	if diff := cmp.Diff([]string{key}, nodeIDs(res, graph.NodeSecret)); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	wantFP := testEnv().Fingerprint("-----BEGIN PRIVATE KEY-----\nCANARY-gcpiam-7f3a\n-----END PRIVATE KEY-----\n")
	checkAttrs(t, findNode(t, res, key), map[string]string{"type": "sa-key", "fingerprint": wantFP, "stored_inline": "true",
		"key_id": "0123456789abcdef0123456789abcdef01234567", "repository": "example-org/infra", "long_lived": "true"})
	if diff := cmp.Diff([]string{key + " -AUTHENTICATES_AS-> " + ci}, edgeList(res)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("CANARY-gcpiam-7f3a")) || bytes.Contains(out, []byte("BEGIN PRIVATE KEY")) {
		t.Error("the private key reached the result")
	}
}

func TestProvider(t *testing.T) {
	res := parseTestdata(t, "provider.json")
	p := findNode(t, res, "gcp:wif-provider:github/actions")
	checkAttrs(t, p, map[string]string{
		"type": "wif-provider", "pool": "github", "provider_id": "actions",
		"issuer":              "https://token.actions.githubusercontent.com",
		"attribute_condition": `assertion.repository == "example-org/api" && assertion.ref == "refs/heads/main"`,
		"attribute_mapping":   `{"attribute.repository":"assertion.repository","google.subject":"assertion.sub"}`,
		"project_number":      "111122223333",
	})
}

func TestRejects(t *testing.T) {
	tests := []struct {
		name, file, data string
		line, col        int
	}{
		// The second comma, at column 26, is the invalid byte.
		{"invalid JSON", "project-p.iam.json", "{\"bindings\": [\n  {\"role\": \"roles/owner\",, }]}", 2, 26},
		// A missing comma: the next key, at the start of line 3, is the invalid byte.
		{"missing comma", "project-p.iam.json", "{\"bindings\": [\n{\"role\": \"roles/owner\"\n\"members\": []}]}", 3, 1},
		{"no resource", "policy.json", "{\"bindings\": []}", 1, 0},
		{"cut short", "project-p.iam.json", "{\"bindings\": [", 1, 15},
		{"bindings not a list", "project-p.iam.json", "{\"bindings\": {}}", 1, 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res ingest.Result
			err := New().Parse(context.Background(), bytesFile(tt.file, "", tt.file, []byte(tt.data)), testEnv(), &res)
			var pe *ingest.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ingest.Error", err)
			}
			if pe.Pos.Line != tt.line || pe.Pos.Col != tt.col {
				t.Errorf("error at %d:%d, want %d:%d (%v)", pe.Pos.Line, pe.Pos.Col, tt.line, tt.col, err)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{`{"bindings": [], "etag": "x"}`, true},
		{`{"etag": "ACAB"}`, true},
		{`{"type": "service_account", "client_email": "a@b"}`, true},
		{`[{"name": "//storage.googleapis.com/b", "asset_type": "storage.googleapis.com/Bucket"}]`, true},
		{`{"name": "//storage.googleapis.com/b", "assetType": "storage.googleapis.com/Bucket"}` + "\n", true},
		{`[{"resource": "//storage.googleapis.com/b", "policy": {"bindings": []}}]`, true},
		{`{"Version": "2012-10-17", "Statement": []}`, false},
		{`{"Records": []}`, false},
		{`{"name": "x", "lockfileVersion": 3}`, false},
		{`{"type": "external_account", "audience": "x"}`, false},
		{`not json`, false},
	}
	for _, tt := range tests {
		f := bytesFile("x.json", "", "x.json", []byte(tt.head))
		if got := New().Detect(f); got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func TestFileNames(t *testing.T) {
	tests := []struct{ name, want string }{
		{"project-example-prod.iam.json", "gcp:project:example-prod"},
		{"projects-example-prod.json", "gcp:project:example-prod"},
		{"folder-4444.iam.json", "gcp:folder:4444"},
		{"org-5555.json", "gcp:organization:5555"},
		{"organization-5555-iam-policy.json", "gcp:organization:5555"},
		{"service-account-a@example-prod.iam.gserviceaccount.com.json", "gcp:sa:a@example-prod.iam.gserviceaccount.com"},
		{"bucket-example-logs.iam.json", "gcp:bucket:example-logs"},
		{"secret-example-prod.db-password.iam.json", "gcp:secret:projects/example-prod/secrets/db-password"},
		{"secret-nodot.json", ""},
		{"policy.json", ""},
	}
	for _, tt := range tests {
		if got := resourceFromFileName(tt.name).id; got != tt.want {
			t.Errorf("resourceFromFileName(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDefaultResource(t *testing.T) {
	p := &Parser{Resource: "projects/example-dev"}
	var res ingest.Result
	data := []byte(`{"bindings": [{"role": "roles/viewer", "members": ["user:dan@example.com"]}]}`)
	if err := p.Parse(context.Background(), bytesFile("in/policy.json", "", "policy.json", data), testEnv(), &res); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"gcp:project:example-dev"}, nodeIDs(&res, graph.NodeResource)); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
}

func TestMembers(t *testing.T) {
	tests := []struct{ member, id, typ string }{
		{"user:Alice@Example.com", "gcp:user:alice@example.com", "user"},
		{"serviceAccount:example-prod.svc.id.goog[ns/ksa]", "gcp:wif:example-prod.svc.id.goog/subject/ns/ns/sa/ksa", "wif-principal"},
		{"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/subject/repo:example-org/api:ref:refs/heads/main",
			"gcp:wif:github/subject/repo:example-org/api:ref:refs/heads/main", "wif-principal"},
		{"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/*", "gcp:wif:github/*", "wif-principal"},
		{"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/example-prod.svc.id.goog/subject/ns/payments/sa/api",
			"gcp:wif:example-prod.svc.id.goog/subject/ns/payments/sa/api", "wif-principal"},
		{"principalSet://goog/public:all", "gcp:allUsers", "public"},
		{"deleted:serviceAccount:x@p.iam.gserviceaccount.com?uid=1", "", ""},
		{"projectOwner:example-prod", "", ""},
		{"principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github", "", ""},
	}
	for _, tt := range tests {
		m := parseMember(tt.member)
		if m.id != tt.id || m.typ != tt.typ {
			t.Errorf("parseMember(%s) = %q %q, want %q %q", tt.member, m.id, m.typ, tt.id, tt.typ)
		}
	}
}

// TestArtifactRegistryAssets reads a repository from an asset export with
// its settings, and one from search-all-iam-policies output, which shows
// the repository's name and allow policy only.
func TestArtifactRegistryAssets(t *testing.T) {
	data := []byte(`{"name":"//artifactregistry.googleapis.com/projects/example-prod/locations/europe/repositories/app","asset_type":"artifactregistry.googleapis.com/Repository","resource":{"data":{"format":"DOCKER","mode":"STANDARD_REPOSITORY","dockerConfig":{"immutableTags":true}}}}
{"resource":"//artifactregistry.googleapis.com/projects/example-prod/locations/us/repositories/jars","assetType":"artifactregistry.googleapis.com/Repository","policy":{"bindings":[{"role":"roles/artifactregistry.writer","members":["user:wendy@example.com"]}]}}
`)
	f := bytesFile("assets.json", "", "assets.json", data)
	var res ingest.Result
	if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
		t.Fatal(err)
	}
	app := "gcp:resource:artifactregistry.googleapis.com/projects/example-prod/locations/europe/repositories/app"
	jars := "gcp:resource:artifactregistry.googleapis.com/projects/example-prod/locations/us/repositories/jars"
	if diff := cmp.Diff([]string{app, jars}, nodeIDs(&res, graph.NodeResource)); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	checkAttrs(t, findNode(t, &res, app), map[string]string{"type": "artifact-repository", "project": "example-prod",
		"location": "europe", "name": "app", "format": "DOCKER", "mode": "STANDARD_REPOSITORY", "immutable_tags": "true",
		"resource_name": "projects/example-prod/locations/europe/repositories/app"})
	checkAttrs(t, findNode(t, &res, jars), map[string]string{"type": "artifact-repository", "location": "us", "name": "jars",
		"format": "", "immutable_tags": ""})
	findNode(t, &res, graph.GCPGrantID(jars, "roles/artifactregistry.writer", "user:wendy@example.com", ""))
}

// TestArtifactRegistryVirtualAsset reads the upstream repositories of a
// virtual repository from an asset export.
func TestArtifactRegistryVirtualAsset(t *testing.T) {
	data := []byte(`{"name":"//artifactregistry.googleapis.com/projects/example-prod/locations/us/repositories/all","asset_type":"artifactregistry.googleapis.com/Repository","resource":{"data":{"format":"DOCKER","mode":"VIRTUAL_REPOSITORY","virtualRepositoryConfig":{"upstreamPolicies":[{"id":"a","repository":"projects/example-prod/locations/us/repositories/app","priority":10},{"id":"b","repository":"projects/example-ops/locations/us/repositories/base","priority":5}]}}}}
`)
	f := bytesFile("assets.json", "", "assets.json", data)
	var res ingest.Result
	if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
		t.Fatal(err)
	}
	all := graph.GCPArtifactRepositoryID("example-prod", "us", "all")
	checkAttrs(t, findNode(t, &res, all), map[string]string{"mode": "VIRTUAL_REPOSITORY",
		"upstreams": graph.GCPArtifactRepositoryID("example-ops", "us", "base") + "," + graph.GCPArtifactRepositoryID("example-prod", "us", "app")})
}
