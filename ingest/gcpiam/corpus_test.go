package gcpiam

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

// sharedDir holds real inputs written by others, beside the project.
const sharedDir = "../../../shared"

// TestCorpus parses every file of the Google Cloud labs of the shared
// corpus that Detect claims, and checks which files are claimed and what
// the asset exports hold.
func TestCorpus(t *testing.T) {
	root := filepath.Join(sharedDir, "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	labs := []string{
		"GoogleCloudPlatform__policy-library",
		"terraform-google-modules__terraform-google-project-factory",
		"google-github-actions__auth",
	}
	fixtures := "GoogleCloudPlatform__policy-library/validator/test/fixtures/"
	// Assets per export, counted by hand from each data.json; grants are
	// role-member pairs, service accounts and custom roles the records
	// that declare them.
	type counts struct{ Records, Grants, Accounts, Roles int }
	want := map[string]counts{
		fixtures + "gcp_iam_restrict_service_account_creation/assets/data.json": {3, 0, 3, 0},
		fixtures + "iam_custom_role_permissions/assets/data.json":               {2, 0, 0, 2},
		fixtures + "iam_allowed_bindings/assets/data.json":                      {6, 0, 0, 0},
		fixtures + "iam_required_bindings/assets/data.json":                     {3, 0, 0, 0},
		fixtures + "iam_allowed_policy_member_domains/assets/data.json":         {2, 0, 0, 0},
	}
	got := map[string]counts{}
	for _, lab := range labs {
		err := filepath.WalkDir(filepath.Join(root, lab), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			f := bytesFile(path, lab, strings.TrimPrefix(rel, lab+"/"), data)
			if !New().Detect(f) {
				return nil
			}
			var res ingest.Result
			if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
				t.Errorf("%s: %v", rel, err)
				return nil
			}
			if err := joined(&res); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
			c := counts{Records: res.Records}
			for _, n := range res.Nodes {
				switch n.Attr("type") {
				case "iam-grant":
					c.Grants++
				case "service-account":
					if n.Attr("unique_id") != "" {
						c.Accounts++
					}
				case "custom-role":
					c.Roles++
				}
			}
			got[rel] = c
			t.Logf("%s: %d records, %d nodes, %d edges, %d warnings", rel, res.Records, len(res.Nodes), len(res.Edges), len(res.Diags))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Grants are checked on their own below; zero them for the table.
	grants := map[string]int{}
	for k, c := range got {
		grants[k] = c.Grants
		c.Grants = 0
		got[k] = c
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claimed files (-want +got):\n%s", diff)
	}
	// Role-member pairs of the bindings in each export, counted from the
	// files: each is one grant.
	wantGrants := map[string]int{
		fixtures + "gcp_iam_restrict_service_account_creation/assets/data.json": 0,
		fixtures + "iam_custom_role_permissions/assets/data.json":               0,
		fixtures + "iam_allowed_bindings/assets/data.json":                      19,
		fixtures + "iam_required_bindings/assets/data.json":                     19,
		fixtures + "iam_allowed_policy_member_domains/assets/data.json":         17,
	}
	if diff := cmp.Diff(wantGrants, grants); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
}
