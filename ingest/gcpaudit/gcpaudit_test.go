package gcpaudit

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

func sorted(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}

func TestGcloudArray(t *testing.T) {
	f := fileAt(t, "testdata/gcloud.json")
	if !New().Detect(f) {
		t.Fatal("Detect = false")
	}
	res := parse(t, f)
	if err := joined(res); err != nil {
		t.Fatal(err)
	}
	const (
		alice  = "gcp:user:alice@example.com"
		ci     = "gcp:sa:ci-deployer@example-project.iam.gserviceaccount.com"
		secret = "gcp:secret:projects/123456789012/secrets/db-password"
		wif    = "gcp:wif:github/subject/repo:example-org/deploy-tool:ref:refs/heads/main"
	)
	want := []string{
		alice + " -OBSERVED-> " + secret + " [] [google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion google.cloud.secretmanager.v1.SecretManagerService.AddSecretVersion] ok=2 denied=0",
		ci + " -OBSERVED-> gcp:bucket:example-exports [] [storage.objects.get] ok=1 denied=0",
		"secret:gcp:sa-key:ci-deployer@example-project.iam.gserviceaccount.com/0123abcd -AUTHENTICATES_AS-> " + ci + " [] [] ok=1 denied=0",
		wif + " -OBSERVED-> " + ci + " [] [GenerateAccessToken] ok=1 denied=0",
		"gcp:user:bob@example.com -OBSERVED-> gcp:project:example-project [denied_only=true] [SetIamPolicy] ok=0 denied=1",
		ci + " -OBSERVED-> gcp:resource:compute.googleapis.com/projects/example-project/zones/us-central1-a/instances/vm-1 [] [v1.compute.instances.insert] ok=1 denied=0",
		alice + " -OBSERVED-> " + ci + " [delegation=true] [v1.compute.instances.insert] ok=1 denied=0",
		"k8s:sa:apps/api -OBSERVED-> secret:k8s:apps/api-key [] [io.k8s.core.v1.secrets.get] ok=1 denied=0",
	}
	if diff := cmp.Diff(edgeLines(res), sorted(want)); diff != "" {
		t.Errorf("edges (-got +want):\n%s", diff)
	}
	if res.Records != 7 || len(res.Diags) != 0 {
		t.Errorf("Records = %d with diagnostics %v, want 7 and none", res.Records, res.Diags)
	}

	n := findNode(res, wif)
	if n == nil {
		t.Fatal("workload identity principal missing")
	}
	wantAttrs := map[string]string{"provider": "gcp", "type": "wif-principal", "pool": "github", "project_number": "123456789012",
		"selector": "subject/repo:example-org/deploy-tool:ref:refs/heads/main", "selector_kind": "subject",
		"value": "repo:example-org/deploy-tool:ref:refs/heads/main", "sub": "repo:example-org/deploy-tool:ref:refs/heads/main",
		"repository": "example-org/deploy-tool", "ref": "refs/heads/main", "observed": "true"}
	if diff := cmp.Diff(n.Attrs, wantAttrs); diff != "" {
		t.Errorf("principal attrs (-got +want):\n%s", diff)
	}
	for _, e := range res.Edges {
		if e.To == "gcp:bucket:example-exports" && !cmp.Equal(e.Evidence.Keys, []string{"0123abcd"}) {
			t.Errorf("bucket evidence keys = %v, want the key id", e.Evidence.Keys)
		}
		if e.To == secret && e.Evidence.First.Format("15:04:05.000000") != "12:00:00.123456" {
			t.Errorf("secret evidence first = %s, want 12:00:00.123456", e.Evidence.First)
		}
	}
	if out := marshal(t, res); strings.Contains(out, "CANARY-gcpaudit-7f3a") {
		t.Error("a request or response value reached the result")
	}
}

func TestRejects(t *testing.T) {
	tests := []struct{ name, input, want string }{
		{"empty", " ", "x.json: file is empty"},
		{"bad array", "[{\"protoPayload\": {]}]", "x.json:1:2: invalid JSON"},
		{"no object", "{\"a\": }\n[1,\n", "x.json:1: no record is a JSON object"},
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

// TestCorpus parses the GCP audit files of the shared corpus: every
// record must decode, and the samples' principals and methods show up.
func TestCorpus(t *testing.T) {
	root := filepath.Join(sharedDir, "corpus")
	files := []struct {
		path    string
		records int
	}{
		{"panther-labs__panther-analysis/rules/gcp_audit_rules/_tests_extracted.jsonl", 96},
		{"panther-labs__panther-analysis/rules/gcp_k8s_rules/_tests_extracted.jsonl", 17},
		{"elastic__integrations/packages/gcp/data_stream/audit/_dev/test/pipeline/test-iamcredentials-googleapis-com.log", 1},
	}
	for _, c := range files {
		path := filepath.Join(root, c.path)
		if _, err := os.Stat(path); err != nil {
			t.Skip("shared corpus not present")
		}
		f := fileAt(t, path)
		if !New().Detect(f) {
			t.Errorf("Detect(%s) = false", c.path)
			continue
		}
		res := parse(t, f)
		if err := joined(res); err != nil {
			t.Errorf("%s: %v", c.path, err)
		}
		if res.Records != c.records || len(res.Diags) != 0 {
			t.Errorf("%s: Records = %d with diagnostics %v, want %d and none", c.path, res.Records, res.Diags, c.records)
		}
		t.Logf("%s: %d nodes, %d edges", c.path, len(res.Nodes), len(res.Edges))
		if strings.HasSuffix(c.path, ".log") {
			// A pool principal mints a token for the CI service account.
			const sa = "gcp:sa:made-up-ci-account@project-id.iam.gserviceaccount.com"
			found := false
			for _, e := range res.Edges {
				found = found || (e.To == sa && strings.HasPrefix(e.From, "gcp:principal:projects/project-id/locations/global/workloadIdentityPools/"))
			}
			if !found {
				t.Errorf("%s: no token minted for %s", c.path, sa)
			}
		}
	}
}
