package schema

import (
	"context"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// The test graph, in the attacker's direction:
//
//	pkg:npm/example-lib@1.0.0 <-EXECUTES- release job -EXPOSES-> AWS_DEPLOY_KEY
//	    -AUTHENTICATES_AS-> user deployer -CAN_ACCESS-> bucket example-artifacts
//	                                      -OBSERVED->   bucket example-artifacts (logs)
//	                                      -CAN_ASSUME-> role example-admin (possible)
//	                                          -CAN_ACCESS-> table example-orders (no node)
//	release job -EXPOSES-> its GITHUB_TOKEN
//
// Beside it: version 2.0.0 of the package, run only by a lint job, and a
// policy attached to the user, which the blast radius never walks.
const (
	pkgName    = "pkg:npm/example-lib"
	pkgV1      = "pkg:npm/example-lib@1.0.0"
	pkgV2      = "pkg:npm/example-lib@2.0.0"
	releaseJob = "runtime:gha:example-org/app/.github/workflows/release.yml#publish"
	lintJob    = "runtime:gha:example-org/app/.github/workflows/lint.yml#lint"
	deployKey  = "secret:gha:example-org/app/AWS_DEPLOY_KEY"
	jobToken   = "secret:gha:token:example-org/app/.github/workflows/release.yml#publish"
	deployer   = "arn:aws:iam::111122223333:user/deployer"
	adminRole  = "arn:aws:iam::111122223333:role/example-admin"
	bucket     = "arn:aws:s3:::example-artifacts"
	table      = "arn:aws:dynamodb:us-east-1:111122223333:table/example-orders"
	policy     = "arn:aws:iam::111122223333:policy/deploy"

	lockfile = "app/package-lock.json"
	release  = ".github/workflows/release.yml"
	lint     = ".github/workflows/lint.yml"
	iamFile  = "iam/main.tf"
	s3File   = "s3/main.tf"
	trail    = "logs/cloudtrail.json"
)

var writeTime = time.Date(2026, 1, 13, 0, 0, 0, 0, time.UTC)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 1, day, hour, minute, 0, 0, time.UTC)
}

func pos(file string, line int) graph.Pos { return graph.Pos{File: file, Line: line} }

func testBatch() *graph.Batch {
	nodes := []graph.Node{
		{ID: pkgName, Kind: graph.NodePackage, Label: "example-lib", Pos: pos(lockfile, 0)},
		{ID: pkgV1, Kind: graph.NodePackage, Label: "example-lib@1.0.0", Pos: pos(lockfile, 10),
			Attrs: map[string]string{"version": "1.0.0", graph.AttrInstallHook: "true"}},
		{ID: pkgV2, Kind: graph.NodePackage, Label: "example-lib@2.0.0", Pos: pos(lockfile, 20),
			Attrs: map[string]string{"version": "2.0.0"}},
		{ID: releaseJob, Kind: graph.NodeRuntime, Label: "example-org/app release.yml#publish", Pos: pos(release, 5),
			Attrs: map[string]string{"type": "gha-job", "workflow": "release.yml", graph.AttrRepository: "example-org/app"}},
		{ID: lintJob, Kind: graph.NodeRuntime, Label: "example-org/app lint.yml#lint", Pos: pos(lint, 5),
			Attrs: map[string]string{"type": "gha-job", "workflow": "lint.yml", graph.AttrRepository: "example-org/app"}},
		{ID: deployKey, Kind: graph.NodeSecret, Label: "AWS_DEPLOY_KEY", Pos: pos(release, 20),
			Attrs: map[string]string{graph.AttrProvider: "github", "type": "actions-secret", graph.AttrName: "AWS_DEPLOY_KEY",
				graph.AttrRepository: "example-org/app", graph.AttrLongLived: "true"}},
		{ID: jobToken, Kind: graph.NodeSecret, Label: "GITHUB_TOKEN", Pos: pos(release, 5),
			Attrs: map[string]string{"type": "github-token", "permissions": "contents:write"}},
		{ID: deployer, Kind: graph.NodeIdentity, Label: "deployer", Pos: pos(iamFile, 3),
			Attrs: map[string]string{graph.AttrProvider: "aws", "type": "user", graph.AttrAccount: "111122223333", graph.AttrName: "deployer"}},
		{ID: adminRole, Kind: graph.NodeIdentity, Label: "example-admin", Pos: pos(iamFile, 30),
			Attrs: map[string]string{graph.AttrProvider: "aws", "type": "role", graph.AttrAccount: "111122223333", graph.AttrName: "example-admin"}},
		{ID: bucket, Kind: graph.NodeResource, Label: "example-artifacts", Pos: pos(s3File, 1),
			Attrs: map[string]string{"type": "s3-bucket", graph.AttrAccount: "111122223333"}},
		{ID: policy, Kind: graph.NodePolicy, Label: "deploy", Pos: pos(iamFile, 50)},
	}
	edges := []graph.Edge{
		{From: pkgV1, To: pkgName, Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: pos(lockfile, 10)},
		{From: pkgV2, To: pkgName, Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: pos(lockfile, 20)},
		{From: releaseJob, To: pkgV1, Kind: graph.EdgeExecutes, Confidence: graph.Certain, Pos: pos(release, 12)},
		{From: lintJob, To: pkgV2, Kind: graph.EdgeExecutes, Confidence: graph.Certain, Pos: pos(lint, 9)},
		{From: releaseJob, To: deployKey, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos(release, 20),
			Attrs: map[string]string{graph.AttrVia: "env"}},
		{From: releaseJob, To: jobToken, Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos(release, 5),
			Attrs: map[string]string{graph.AttrVia: "token"}},
		{From: deployKey, To: deployer, Kind: graph.EdgeAuthenticatesAs, Confidence: graph.Certain, Pos: pos(graph.DerivedSource, 0),
			Attrs: map[string]string{graph.AttrReason: "the secret holds an access key of this user"}},
		{From: deployer, To: bucket, Kind: graph.EdgeCanAccess, Confidence: graph.Certain, Pos: pos(iamFile, 15),
			Attrs: map[string]string{graph.AttrLevel: "write", graph.AttrActions: "s3:GetObject,s3:PutObject",
				graph.AttrReason: "policy deploy allows it on the bucket"}},
		{From: deployer, To: adminRole, Kind: graph.EdgeCanAssume, Confidence: graph.Possible, Pos: pos(iamFile, 30),
			Attrs: map[string]string{graph.AttrReason: "the role's trust policy has a condition that cannot be decided"}},
		{From: deployer, To: bucket, Kind: graph.EdgeObserved, Confidence: graph.Certain, Pos: pos(trail, 2),
			Evidence: &graph.Evidence{
				First: at(10, 8, 0), Last: at(12, 9, 30), Count: 3, Denied: 1,
				Actions: []string{"s3:GetObject", "s3:PutObject"},
				Addrs: []graph.Seen{
					{Value: "192.0.2.10", First: at(10, 8, 0), Last: at(11, 17, 0), Count: 2},
					{Value: "198.51.100.7", First: at(12, 9, 30), Last: at(12, 9, 30), Count: 1},
				},
				Agents: []graph.Seen{{Value: "aws-cli/2.15.0", First: at(10, 8, 0), Last: at(12, 9, 30), Count: 3}},
				Keys:   []string{"AKIAEXAMPLE000000001"},
				// The denied call came last.
				KeyUses: []graph.KeyUse{{Key: "AKIAEXAMPLE000000001", First: at(10, 8, 0), Last: at(12, 9, 30),
					LastAllowed: at(11, 17, 0), Count: 3, Denied: 1, Detailed: true,
					Actions: []string{"s3:GetObject", "s3:PutObject"},
					Addrs: []graph.Seen{
						{Value: "192.0.2.10", First: at(10, 8, 0), Last: at(11, 17, 0), Count: 2},
						{Value: "198.51.100.7", First: at(12, 9, 30), Last: at(12, 9, 30), Count: 1},
					},
					Records: []graph.Pos{pos(trail, 2), pos(trail, 7)}}},
				Records: []graph.Pos{pos(trail, 2), pos(trail, 7)},
			}},
		{From: adminRole, To: table, Kind: graph.EdgeCanAccess, Confidence: graph.Certain, Pos: pos(iamFile, 40),
			Attrs: map[string]string{graph.AttrLevel: "admin", graph.AttrActions: "dynamodb:*"}},
		{From: deployer, To: policy, Kind: graph.EdgeHasPolicy, Confidence: graph.Certain, Pos: pos(iamFile, 15)},
	}
	return &graph.Batch{Time: writeTime, Nodes: nodes, Edges: edges}
}

// newTestStore returns a memstore holding the test graph.
func newTestStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	s := memstore.New()
	if err := s.Write(context.Background(), testBatch(), nil); err != nil {
		tb.Fatalf("write test graph: %v", err)
	}
	return s
}
