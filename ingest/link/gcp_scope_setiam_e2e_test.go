package link

import (
	"context"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam/gcppolicy"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
)

// TestScopeSetIamPermission grants one account roles on a folder, an
// organization and a project. folderAdmin holds
// resourcemanager.folders.setIamPolicy and organizationAdmin
// resourcemanager.organizations.setIamPolicy, so each edge names the
// permission that sets that scope's own policy. projectIamAdmin on a
// folder sets the policies of the projects in it, not the folder's, so
// its edge names no setIamPolicy permission.
func TestScopeSetIamPermission(t *testing.T) {
	const tf = `
provider "google" {
  project = "prod"
}

resource "google_service_account" "deployer" {
  account_id = "deployer"
}

resource "google_folder_iam_member" "admin" {
  folder = "folders/123"
  role   = "roles/resourcemanager.folderAdmin"
  member = "serviceAccount:deployer@prod.iam.gserviceaccount.com"
}

resource "google_folder_iam_member" "projects" {
  folder = "folders/789"
  role   = "roles/resourcemanager.projectIamAdmin"
  member = "serviceAccount:deployer@prod.iam.gserviceaccount.com"
}

resource "google_organization_iam_member" "org" {
  org_id = "456"
  role   = "roles/resourcemanager.organizationAdmin"
  member = "serviceAccount:deployer@prod.iam.gserviceaccount.com"
}

resource "google_project_iam_member" "owner" {
  project = "prod"
  role    = "roles/owner"
  member  = "serviceAccount:deployer@prod.iam.gserviceaccount.com"
}
`
	s := ingestFiles(t, []ingestInput{{"main.tf", tf, terraform.New()}})
	es, err := s.EdgesByKind(context.Background(), graph.EdgeCanAccess)
	if err != nil {
		t.Fatal(err)
	}
	const sa = "gcp:sa:deployer@prod.iam.gserviceaccount.com"
	want := map[string]string{
		"gcp:folder:123":       gcppolicy.PermFolderSetIam,
		"gcp:folder:789":       "",
		"gcp:organization:456": gcppolicy.PermOrgSetIam,
		"gcp:project:prod":     gcppolicy.PermProjectSetIam,
	}
	setIam := map[string]bool{gcppolicy.PermFolderSetIam: true, gcppolicy.PermOrgSetIam: true, gcppolicy.PermProjectSetIam: true}
	got := map[string]string{}
	for _, e := range es {
		if e.From != sa {
			continue
		}
		got[e.To] = ""
		for _, a := range graph.SplitList(e.Attr(graph.AttrActions)) {
			if setIam[a] {
				got[e.To] = a
			}
		}
	}
	for to, perm := range want {
		p, ok := got[to]
		if !ok {
			t.Errorf("no CAN_ACCESS from %s to %s", sa, to)
			continue
		}
		if p != perm {
			t.Errorf("%s: setIamPolicy permission %q, want %q", to, p, perm)
		}
	}
}
