package orggen

import (
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/ingest/awsiam"
	"github.com/blastradius-dev/blastradius/ingest/cloudtrail"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
)

// digest returns the SHA-256 of every file under dir, by relative path.
func digest(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteFilesDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := WriteFiles(dir, ForFileNodes(500)); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(digest(t, a), digest(t, b)); diff != "" {
		t.Errorf("same shape gave different files (-first +second):\n%s", diff)
	}
}

func TestForFileNodesShape(t *testing.T) {
	tests := []struct {
		nodes, repos, teamSize int
	}{
		{2000, 125, 20},    // 2000/16 repositories, 7 teams of 20
		{100000, 6250, 63}, // 100 teams: 6250/100 rounded up
		{1000000, 62500, 625},
	}
	for _, tt := range tests {
		s := ForFileNodes(tt.nodes)
		if s.Repos != tt.repos || s.TeamSize != tt.teamSize {
			t.Errorf("ForFileNodes(%d) = %d repositories in teams of %d, want %d in teams of %d",
				tt.nodes, s.Repos, s.TeamSize, tt.repos, tt.teamSize)
		}
	}
}

// TestFilesIngest ingests a generated organisation with the real parsers
// and linker: nothing is rejected, the node count is near the size asked
// for, and the facts worked out from the generator are there.
func TestFilesIngest(t *testing.T) {
	const size = 2000
	dir := t.TempDir()
	if _, err := WriteFiles(dir, ForFileNodes(size)); err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	p := &ingest.Pipeline{
		Parsers: []ingest.Parser{actions.New(), lockfile.NewNPM(), terraform.New(), cloudtrail.New(), awsiam.New()},
		Store:   store,
		Derive:  (&link.Linker{}).Derive,
		Env:     &ingest.Env{Fingerprint: func(string) string { return "fp" }},
	}
	sum, err := p.Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Rejected) > 0 || len(sum.Warnings) > 0 || len(sum.Skipped) > 0 {
		t.Errorf("rejected %v, warnings %v, skipped %v; want none", sum.Rejected, sum.Warnings, sum.Skipped)
	}
	if sum.Nodes < size*8/10 || sum.Nodes > size*12/10 {
		t.Errorf("ingested %d nodes, want within 20%% of %d", sum.Nodes, size)
	}

	ctx := context.Background()
	// Repository 0 deploys (even numbers do) with its team's stored key;
	// repository 1 does not.
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{graph.GHAJobID("example-org/repo-000000", ".github/workflows/ci.yml", "deploy"), true},
		{graph.GHAJobID("example-org/repo-000001", ".github/workflows/ci.yml", "deploy"), false},
		{graph.GHASecretID("example-org/repo-000000", "DEPLOY_KEY_SECRET"), true},
		{"arn:aws:iam::111122223333:role/platform-admin-0", true},
		{"arn:aws:iam::111122223333:user/team-00001-deployer", true},
		{FamilyPurl(0), true},
	} {
		ns, err := store.Nodes(ctx, []string{tt.id})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ns) == 1; got != tt.want {
			t.Errorf("node %s present = %v, want %v", tt.id, got, tt.want)
		}
	}
	// The stored key of team 0 is shared by its deploying repositories:
	// ten of the twenty hold it as DEPLOY_KEY_SECRET and ten as
	// DEPLOY_KEY_ID.
	key := graph.AWSAccessKeyID("arn:aws:iam::111122223333:user/team-00000-deployer", "deploy")
	holders, err := store.Expand(ctx, []string{key}, graph.In, graph.EdgeHolds)
	if err != nil {
		t.Fatal(err)
	}
	if len(holders) != 20 {
		var got []string
		for _, e := range holders {
			got = append(got, e.From)
		}
		t.Errorf("secrets holding team 0's key = %d, want 20: %v", len(holders), got)
	}
}
