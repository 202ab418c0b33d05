package link

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestECRPushPublishesImage gives a user ecr:PutImage on one repository
// and read access to another. A workload runs an image of each. The user
// can replace the first image's tags, so it CAN_PUBLISH that image and
// reaches the workload that runs it. It can only pull the second image,
// so it cannot publish that one.
func TestECRPushPublishesImage(t *testing.T) {
	const (
		acct   = "111122223333"
		region = "us-east-1"
		host   = acct + ".dkr.ecr." + region + ".amazonaws.com"
	)
	repoARN := func(name string) string { return "arn:aws:ecr:" + region + ":" + acct + ":repository/" + name }
	user := awsUser(acct, "ci-pusher")
	pol, has := inline(user.ID, "push", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload","ecr:BatchCheckLayerAvailability"],"Resource":"`+repoARN("app")+`"},
		{"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"`+repoARN("base")+`"}]}`)
	appName := "pkg:docker/app?repository_url=" + host
	appVer := "pkg:docker/app@1.0?repository_url=" + host
	baseName := "pkg:docker/base?repository_url=" + host
	baseVer := "pkg:docker/base@2.0?repository_url=" + host
	nodes := []graph.Node{
		user, pol,
		node(repoARN("app"), graph.NodeResource, "provider", "aws", "type", "ecr-repository", "account", acct),
		node(repoARN("base"), graph.NodeResource, "provider", "aws", "type", "ecr-repository", "account", acct),
		node(appName, graph.NodePackage, "ecosystem", "docker", "name", "app"),
		node(appVer, graph.NodePackage, "ecosystem", "docker", "name", "app", "version", "1.0"),
		node(baseName, graph.NodePackage, "ecosystem", "docker", "name", "base"),
		node(baseVer, graph.NodePackage, "ecosystem", "docker", "name", "base", "version", "2.0"),
		node("runtime:ecs:api", graph.NodeRuntime),
	}
	edges := []graph.Edge{
		has,
		edge(appVer, graph.EdgeVersionOf, appName),
		edge(baseVer, graph.EdgeVersionOf, baseName),
		edge("runtime:ecs:api", graph.EdgeExecutes, appVer),
		edge("runtime:ecs:api", graph.EdgeExecutes, baseVer),
	}
	got := derive(t, nodes, edges, graph.EdgeCanPublish)
	want := []string{user.ID + " -> " + appName + " (certain)"}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("CAN_PUBLISH %v, want %v", got, want)
	}

	// With immutable tags, a push adds a tag and moves none: possible.
	nodes[2].Attrs["image_tag_mutability"] = "IMMUTABLE"
	got = derive(t, nodes, edges, graph.EdgeCanPublish)
	want = []string{user.ID + " -> " + appName + " (possible)"}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("CAN_PUBLISH with immutable tags %v, want %v", got, want)
	}
	nodes[2].Attrs["image_tag_mutability"] = "MUTABLE"

	// PutImage alone takes manifests whose layers are in the repository
	// already: tags move to images pushed before, possibly the caller's.
	putOnly, hasPutOnly := inline(user.ID, "push", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"ecr:PutImage","Resource":"`+repoARN("app")+`"}]}`)
	withPutOnly := append([]graph.Node{user, putOnly}, nodes[2:]...)
	got = derive(t, withPutOnly, append([]graph.Edge{hasPutOnly}, edges[1:]...), graph.EdgeCanPublish)
	want = []string{user.ID + " -> " + appName + " (possible)"}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("CAN_PUBLISH with PutImage alone %v, want %v", got, want)
	}

	s := store(t, nodes, edges)
	if !reaches(t, s, user.ID, "runtime:ecs:api") {
		t.Errorf("the blast radius of %s misses the workload that runs the image it can push", user.ID)
	}
}
