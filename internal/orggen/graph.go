// Package orggen generates synthetic organisations of a chosen size with a
// fixed seed, for benchmarks and scale tests. Graph builds the facts
// directly in memory, so store benchmarks do not measure parsing.
package orggen

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
)

// Shape sets the proportions of a generated organisation. Nodes grows
// about linearly with Repos.
type Shape struct {
	Repos        int // repositories
	JobsPerRepo  int // CI jobs per repository
	LocksPerRepo int // locked packages per repository
	Packages     int // distinct package versions across the organisation
	Roles        int // IAM roles; a few are admin-like
	Resources    int // buckets and tables
	Seed         uint64
}

// ForNodes returns a shape whose graph has about n nodes.
func ForNodes(n int) Shape {
	// Each repository brings 8 nodes (itself, a secret, 3 jobs and their
	// tokens); packages, roles and resources make up the rest.
	return Shape{
		Repos:        max(n/16, 4),
		JobsPerRepo:  3,
		LocksPerRepo: 40,
		Packages:     max(n*3/10, 50),
		Roles:        max(n/50, 4),
		Resources:    max(n/10, 10),
		Seed:         1,
	}
}

// Graph builds the organisation as one batch of facts, sorted so that the
// same shape always gives the same batch.
func Graph(s Shape) *graph.Batch {
	r := rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	b := &graph.Batch{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	pos := func(file string, line int) graph.Pos { return graph.Pos{File: file, Line: line} }
	node := func(id string, kind graph.NodeKind, file string) {
		b.Nodes = append(b.Nodes, graph.Node{ID: id, Kind: kind, Label: id, Pos: pos(file, 1)})
	}
	edge := func(from string, kind graph.EdgeKind, to, file string) {
		b.Edges = append(b.Edges, graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: pos(file, 1)})
	}

	// Packages: a Zipf-like popularity, so a few are everywhere and most
	// are in a handful of repositories.
	zipf := rand.NewZipf(r, 1.1, 4, uint64(s.Packages-1))
	for i := 0; i < s.Packages; i++ {
		node(PackageID(i), graph.NodePackage, "registry")
	}
	for i := 0; i < s.Roles; i++ {
		node(roleID(i), graph.NodeIdentity, "iam.tf")
	}
	for i := 0; i < s.Resources; i++ {
		node(fmt.Sprintf("arn:aws:s3:::bucket-%d", i), graph.NodeResource, "data.tf")
	}
	// Roles reach a few resources each; role 0 is an administrator that
	// reaches a tenth of them, and some roles can assume another.
	for i := 0; i < s.Roles; i++ {
		n := 3
		if i == 0 {
			n = max(s.Resources/10, 3)
		}
		for k := 0; k < n; k++ {
			edge(roleID(i), graph.EdgeCanAccess, fmt.Sprintf("arn:aws:s3:::bucket-%d", r.IntN(s.Resources)), "iam.tf")
		}
		if i > 0 && r.IntN(10) == 0 {
			edge(roleID(i), graph.EdgeCanAssume, roleID(r.IntN(i)), "iam.tf")
		}
	}
	orgSecrets := max(s.Repos/20, 2)
	for i := 0; i < orgSecrets; i++ {
		id := fmt.Sprintf("secret:gha:org:example-org/SHARED_%d", i)
		node(id, graph.NodeSecret, "github.tf")
		edge(id, graph.EdgeAuthenticatesAs, roleID(r.IntN(s.Roles)), "github.tf")
	}
	for repo := 0; repo < s.Repos; repo++ {
		name := fmt.Sprintf("example-org/repo-%05d", repo)
		file := name + "/.github/workflows/ci.yml"
		lock := name + "/package-lock.json"
		repoID := graph.RepoID("", name)
		node(repoID, graph.NodeRepository, file)
		locked := map[int]bool{}
		for len(locked) < min(s.LocksPerRepo, s.Packages) {
			locked[int(zipf.Uint64())] = true
		}
		secret := graph.GHASecretID(name, "DEPLOY_KEY")
		node(secret, graph.NodeSecret, file)
		edge(secret, graph.EdgeAuthenticatesAs, roleID(r.IntN(s.Roles)), "github.tf")
		for j := 0; j < s.JobsPerRepo; j++ {
			job := graph.GHAJobID(name, ".github/workflows/ci.yml", fmt.Sprintf("job%d", j))
			node(job, graph.NodeRuntime, file)
			edge(repoID, graph.EdgeDefines, job, file)
			if j == 0 {
				// The first job installs dependencies and deploys.
				for _, p := range sortedKeys(locked) {
					edge(job, graph.EdgeExecutes, PackageID(p), lock)
				}
				edge(job, graph.EdgeExposes, secret, file)
				if r.IntN(4) == 0 {
					edge(job, graph.EdgeExposes, fmt.Sprintf("secret:gha:org:example-org/SHARED_%d", r.IntN(orgSecrets)), file)
				}
			}
			tok := graph.GHATokenID(job)
			node(tok, graph.NodeSecret, file)
			edge(job, graph.EdgeExposes, tok, file)
		}
	}
	return b
}

// PackageID returns the id of the i-th generated package; low numbers are
// the most popular.
func PackageID(i int) string {
	return fmt.Sprintf("pkg:npm/lib-%05d@1.0.0", i)
}

func roleID(i int) string {
	return fmt.Sprintf("arn:aws:iam::111122223333:role/role-%04d", i)
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
