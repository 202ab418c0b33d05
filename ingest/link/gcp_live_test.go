package link

import (
	"bytes"
	"context"
	"log/slog"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
)

// liveTerraform grants roles/owner on example-prod to alice and
// roles/viewer to bob, and roles/owner on example-stage to dave.
const liveTerraform = `
resource "google_project_iam_member" "alice" {
  project = "example-prod"
  role    = "roles/owner"
  member  = "user:alice@example.com"
}

resource "google_project_iam_member" "bob" {
  project = "example-prod"
  role    = "roles/viewer"
  member  = "user:bob@example.com"
}

resource "google_project_iam_member" "dave" {
  project = "example-stage"
  role    = "roles/owner"
  member  = "user:dave@example.com"
}
`

// gcloud projects get-iam-policy example-prod --format=json: bob is a
// viewer as in Terraform, carol an owner whom Terraform does not name,
// and alice is not in it.
const livePolicy = `{
  "bindings": [
    {"role": "roles/owner", "members": ["user:carol@example.com"]},
    {"role": "roles/viewer", "members": ["user:bob@example.com"]}
  ],
  "etag": "BwYc3kq8Zx0=",
  "version": 1
}`

// The allow policy that gcloud printed is the one in force: alice's
// owner grant, which only Terraform declares, is possible (terraform
// apply would grant it again), carol's, which only the policy lists, is
// certain. example-stage has no exported policy, so Terraform's grant to
// dave stays certain. A search result settles nothing either, because it
// lists only the bindings that match its query. An exported policy
// without bindings (gcloud prints only the etag) leaves dave possible.
func TestGCPLivePolicy(t *testing.T) {
	withNow(t)
	prod, stage := graph.GCPProjectID("example-prod"), graph.GCPProjectID("example-stage")
	user := func(name string) string { return graph.GCPUserID(name + "@example.com") }
	search := `[{"resource": "//cloudresourcemanager.googleapis.com/projects/example-stage", "project": "projects/example-stage",
  "policy": {"bindings": [{"role": "roles/viewer", "members": ["user:erin@example.com"]}]}}]`
	for _, tc := range []struct {
		name  string
		files []ingestInput
		want  []string
		warn  string
	}{
		{"policy of example-prod", []ingestInput{
			{"infra/main.tf", liveTerraform, terraform.New()},
			{"export/project-example-prod.iam.json", livePolicy, gcpiam.New()},
		}, []string{
			user("alice") + " -> " + prod + " possible admin",
			user("bob") + " -> " + prod + " certain read",
			user("carol") + " -> " + prod + " certain admin",
			user("dave") + " -> " + stage + " certain admin",
		}, "count=1"},
		{"search result", []ingestInput{
			{"infra/main.tf", liveTerraform, terraform.New()},
			{"export/search.json", search, gcpiam.New()},
		}, []string{
			user("alice") + " -> " + prod + " certain admin",
			user("bob") + " -> " + prod + " certain read",
			user("dave") + " -> " + stage + " certain admin",
			user("erin") + " -> " + stage + " certain read",
		}, ""},
		// Cloud Asset Inventory names a project by its number. An export
		// of resources maps 123456789012 to example-prod, so the
		// exported policy of 123456789012 is example-prod's.
		{"asset export by project number", []ingestInput{
			{"infra/main.tf", liveTerraform, terraform.New()},
			{"export/resources.json", `{"name": "//cloudresourcemanager.googleapis.com/projects/123456789012", "asset_type": "cloudresourcemanager.googleapis.com/Project",
  "resource": {"data": {"projectId": "example-prod", "projectNumber": "123456789012"}}}`, gcpiam.New()},
			{"export/iam.json", `{"name": "//cloudresourcemanager.googleapis.com/projects/123456789012", "asset_type": "cloudresourcemanager.googleapis.com/Project",
  "iam_policy": {"bindings": [{"role": "roles/owner", "members": ["user:carol@example.com"]}, {"role": "roles/viewer", "members": ["user:bob@example.com"]}]}}`, gcpiam.New()},
		}, []string{
			user("alice") + " -> " + prod + " possible admin",
			user("bob") + " -> " + prod + " certain read",
			user("carol") + " -> " + prod + " certain admin",
			user("dave") + " -> " + stage + " certain admin",
		}, "count=1"},
		{"empty policy", []ingestInput{
			{"infra/main.tf", liveTerraform, terraform.New()},
			{"export/project-example-stage.iam.json", `{"etag": "ACAB"}`, gcpiam.New()},
		}, []string{
			user("alice") + " -> " + prod + " certain admin",
			user("bob") + " -> " + prod + " certain read",
			user("dave") + " -> " + stage + " possible admin",
		}, "count=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			s := ingestFilesLog(t, tc.files, log)
			es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAccess)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range es {
				if strings.HasPrefix(e.To, "gcp:project:") {
					got = append(got, e.From+" -> "+e.To+" "+string(e.Confidence)+" "+e.Attr(graph.AttrLevel))
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("CAN_ACCESS to projects (-want +got):\n%s", diff)
			}
			line := ""
			for _, l := range strings.Split(buf.String(), "\n") {
				if strings.Contains(l, `msg="Google Cloud allow policies differ between inputs`) {
					line = l
				}
			}
			if tc.warn == "" && line != "" || tc.warn != "" && !strings.Contains(line, tc.warn) {
				t.Errorf("warning %q, want one with %q; log:\n%s", line, tc.warn, buf.String())
			}
		})
	}
}

// The reason of a grant that the exported policy lacks names the export
// and the configuration that declares it.
func TestGCPLivePolicyReason(t *testing.T) {
	withNow(t)
	s := ingestFiles(t, []ingestInput{
		{"infra/main.tf", liveTerraform, terraform.New()},
		{"export/project-example-prod.iam.json", livePolicy, gcpiam.New()},
	})
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAccess)
	if err != nil {
		t.Fatal(err)
	}

	var got string
	for _, e := range es {
		if e.From == graph.GCPUserID("alice@example.com") {
			got = e.Attr(graph.AttrReason)
		}
	}
	i := strings.Index(got, "; undecided: ")
	if i < 0 {
		t.Fatalf("reason %q has no undecided part", got)
	}
	got = got[i:]

	for _, dir := range []string{"export/", "infra/"} {
		if i := strings.Index(got, "/"+dir); i >= 0 {
			j := strings.LastIndex(got[:i], " ")
			got = got[:j+1] + got[i+1:]
		}
	}
	want := "; undecided: the allow policy of gcp:project:example-prod that export/project-example-prod.iam.json states does not list it, " +
		"which infra/main.tf:2 declares: it is not in force now, and an apply of the configuration would grant it again"
	if got != want {
		t.Errorf("reason ends %q\nwant %q", got, want)
	}
}
