package link

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// arRepo builds an Artifact Registry repository of example-prod in
// us-central1 as ingest/gcpiam writes it, with extra attributes.
func arRepo(name string, attrs ...string) graph.Node {
	base := []string{"provider", "gcp", "type", "artifact-repository", "project", "example-prod",
		"location", "us-central1", "name", name,
		"resource_name", "projects/example-prod/locations/us-central1/repositories/" + name,
		"resource_type", "artifactregistry.googleapis.com/Repository"}
	return node(graph.GCPArtifactRepositoryID("example-prod", "us-central1", name), graph.NodeResource, append(base, attrs...)...)
}

// imageName returns the name package of an image and its node.
func imageName(ref string) (string, graph.Node) {
	r, ok := image.Parse(ref)
	if !ok {
		panic(ref)
	}
	id := r.PURL(false)
	return id, node(id, graph.NodePackage, "ecosystem", "docker", "name", r.Name())
}

// TestGCPArtifactRegistryPublish grants upload access to Artifact
// Registry repositories of example-prod, on one repository and on the
// project and the folder above it, and checks which image names each
// grantee CAN_PUBLISH. Workloads name the images, and each image's
// expected edge follows from the repository that contains it.
func TestGCPArtifactRegistryPublish(t *testing.T) {
	withNow(t)
	const central = "us-central1-docker.pkg.dev/example-prod/"
	api, apiNode := imageName(central + "app/api")
	worker, workerNode := imageName(central + "app/team/worker")
	runtimeImg, runtimeNode := imageName(central + "base/runtime")
	frozen, frozenNode := imageName(central + "frozen/api")
	loose, looseNode := imageName(central + "loose/api")
	_, jarsNode := imageName(central + "jars/api")
	_, mirrorNode := imageName(central + "mirror/api")
	// A repository the input does not declare, in another location.
	legacy, legacyNode := imageName("us-docker.pkg.dev/example-prod/legacy/tool")
	// Another project's repository of the same name.
	_, foreignNode := imageName("us-central1-docker.pkg.dev/other-prod/app/api")
	apiRef, _ := image.Parse(central + "app/api:1.4")
	apiVer := apiRef.PURL(true)

	repoApp := graph.GCPArtifactRepositoryID("example-prod", "us-central1", "app")
	repoBase := graph.GCPArtifactRepositoryID("example-prod", "us-central1", "base")
	folder := graph.GCPFolderID("42")
	berlin := `request.time.getHours("Europe/Berlin") < 18`
	onlyBase := `resource.name.endsWith("/repositories/base")`
	nodes := []graph.Node{
		node(gProject, graph.NodeResource, "provider", "gcp", "type", "project", "project", "example-prod",
			"resource_name", "projects/example-prod", "parent", "folders/42"),
		arRepo("app", "format", "DOCKER"),
		arRepo("base", "format", "DOCKER"),
		arRepo("frozen", "format", "DOCKER", "immutable_tags", "true"),
		arRepo("loose"),
		arRepo("jars", "format", "MAVEN"),
		arRepo("mirror", "format", "DOCKER", "mode", "REMOTE_REPOSITORY"),
		apiNode, workerNode, runtimeNode, frozenNode, looseNode, jarsNode, mirrorNode, legacyNode, foreignNode,
		node(apiVer, graph.NodePackage, "ecosystem", "docker", "name", central+"app/api", "version", "1.4"),
		node("runtime:k8s:prod/deployment/api", graph.NodeRuntime),
		node(guser("wendy"), graph.NodeIdentity, "provider", "gcp", "type", "user", "email", "wendy@example.com"),
		node(guser("reed"), graph.NodeIdentity, "provider", "gcp", "type", "user", "email", "reed@example.com"),

		userGrant(repoApp, "roles/artifactregistry.writer", "wendy", ""),
		userGrant(repoApp, "roles/artifactregistry.reader", "reed", ""),
		userGrant(repoApp, "roles/artifactregistry.writer", "cora", berlin),
		userGrant(repoApp, "roles/artifactregistry.writer", "nora", onlyBase),
		userGrant(repoBase, "projects/example-prod/roles/pusher", "kit", ""),
		node(graph.GCPRoleID("projects/example-prod/roles/pusher"), graph.NodePolicy, "provider", "gcp",
			"type", "custom-role", "name", "projects/example-prod/roles/pusher",
			"permissions", "artifactregistry.repositories.downloadArtifacts,artifactregistry.repositories.uploadArtifacts"),
		// The input does not define this custom role.
		userGrant(repoApp, "projects/example-prod/roles/missing", "uma", ""),
		userGrant(gProject, "roles/artifactregistry.writer", "pat", ""),
		userGrant(folder, "roles/artifactregistry.repoAdmin", "fay", ""),
	}
	edges := []graph.Edge{
		edge(apiVer, graph.EdgeVersionOf, api),
		edge("runtime:k8s:prod/deployment/api", graph.EdgeExecutes, apiVer),
	}
	line := func(user, to, conf string) string { return guser(user) + " -> " + to + " (" + conf + ")" }
	// A grant on the whole project gives these edges, and so does a grant
	// on the folder above it.
	wholeProject := func(user string) []string {
		return []string{
			line(user, api, "certain"), line(user, worker, "certain"), line(user, runtimeImg, "certain"),
			line(user, frozen, "possible"), // immutable tags: new tags only
			line(user, loose, "possible"),  // format unknown
			// jars is a Maven repository, mirror a remote one: no push.
			line(user, legacy, "possible"), // not declared: format and settings unknown
			// foreign belongs to another project.
		}
	}
	want := []string{
		line("wendy", api, "certain"), line("wendy", worker, "certain"),
		// reed only reads, and nora's condition admits only the base repository.
		line("cora", api, "possible"), line("cora", worker, "possible"),
		line("kit", runtimeImg, "certain"),
		line("uma", api, "possible"), line("uma", worker, "possible"),
	}
	want = append(want, wholeProject("pat")...)
	want = append(want, wholeProject("fay")...)
	sort.Strings(want)
	got := derive(t, nodes, edges, graph.EdgeCanPublish)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}

	s := store(t, nodes, edges)
	if !reaches(t, s, guser("wendy"), "runtime:k8s:prod/deployment/api") {
		t.Errorf("the blast radius of wendy misses the workload that runs the image she can push")
	}
	if reaches(t, s, guser("reed"), "runtime:k8s:prod/deployment/api") {
		t.Errorf("the blast radius of reed, who can only pull, holds the workload that runs the image")
	}
	e := edgeOf(t, s, graph.EdgeCanPublish, guser("wendy"), api)
	if e == nil {
		t.Fatal("no CAN_PUBLISH from wendy")
	}
	for _, part := range []string{"artifactregistry.repositories.uploadArtifacts", repoApp} {
		if r := e.Attr(graph.AttrReason); !strings.Contains(r, part) {
			t.Errorf("reason %q does not name %s", r, part)
		}
	}
	if e.Attr(graph.AttrVia) != "artifact-registry-push" {
		t.Errorf("via = %q, want artifact-registry-push", e.Attr(graph.AttrVia))
	}
}

// TestGCPArtifactRegistryGrantItself gives a user the right to change the
// project's allow policy. It can grant itself roles/artifactregistry.writer
// on the project and then push, as a writer on the project can, while a
// viewer of the project can do neither.
func TestGCPArtifactRegistryGrantItself(t *testing.T) {
	withNow(t)
	api, apiNode := imageName("us-central1-docker.pkg.dev/example-prod/app/api")
	legacy, legacyNode := imageName("us-docker.pkg.dev/example-prod/legacy/tool")
	nodes := []graph.Node{
		node(gProject, graph.NodeResource, "provider", "gcp", "type", "project", "project", "example-prod",
			"resource_name", "projects/example-prod"),
		arRepo("app", "format", "DOCKER"),
		apiNode, legacyNode,
		userGrant(gProject, "roles/resourcemanager.projectIamAdmin", "pia", ""),
		userGrant(gProject, "roles/viewer", "vic", ""),
	}
	want := []string{
		guser("pia") + " -> " + api + " (certain)",
		// The input does not declare the legacy repository.
		guser("pia") + " -> " + legacy + " (possible)",
	}
	got := derive(t, nodes, nil, graph.EdgeCanPublish)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}

	s := store(t, nodes, nil)
	e := edgeOf(t, s, graph.EdgeCanPublish, guser("pia"), api)
	if e == nil {
		t.Fatal("no CAN_PUBLISH from pia")
	}
	for _, part := range []string{"resourcemanager.projects.setIamPolicy", "roles/artifactregistry.writer",
		graph.GCPArtifactRepositoryID("example-prod", "us-central1", "app")} {
		if r := e.Attr(graph.AttrReason); !strings.Contains(r, part) {
			t.Errorf("reason %q does not name %s", r, part)
		}
	}
}

// TestGCPArtifactRegistryImmutableOpen grants a writer on a repository
// whose immutable_tags the input does not resolve. The tags may be
// immutable, so a push may add new tags only, as for a repository whose
// tags are immutable.
func TestGCPArtifactRegistryImmutableOpen(t *testing.T) {
	withNow(t)
	open, openNode := imageName("us-central1-docker.pkg.dev/example-prod/open/api")
	mutable, mutableNode := imageName("us-central1-docker.pkg.dev/example-prod/mutable/api")
	nodes := []graph.Node{
		arRepo("open", "format", "DOCKER", "immutable_tags", "${var.immutable}"),
		arRepo("mutable", "format", "DOCKER", "immutable_tags", "false"),
		openNode, mutableNode,
		userGrant(graph.GCPArtifactRepositoryID("example-prod", "us-central1", "open"), "roles/artifactregistry.writer", "wendy", ""),
		userGrant(graph.GCPArtifactRepositoryID("example-prod", "us-central1", "mutable"), "roles/artifactregistry.writer", "wendy", ""),
	}
	want := []string{
		guser("wendy") + " -> " + mutable + " (certain)",
		guser("wendy") + " -> " + open + " (possible)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, derive(t, nodes, nil, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// TestGCPArtifactRegistryVirtualUpstream grants a writer on a standard
// repository that two virtual repositories read from. A virtual repository
// takes no uploads, but serves each image from its upstreams by priority.
// So a push to its only upstream reaches the images pulled through it. A
// push to one of several may be shadowed by another upstream's image.
func TestGCPArtifactRegistryVirtualUpstream(t *testing.T) {
	withNow(t)
	repo := func(name string) string { return graph.GCPArtifactRepositoryID("example-prod", "us-central1", name) }
	const central = "us-central1-docker.pkg.dev/example-prod/"
	up, upNode := imageName(central + "upstream/api")
	only, onlyNode := imageName(central + "only/api")
	shared, sharedNode := imageName(central + "shared/api")
	_, otherNode := imageName(central + "other/api")
	nodes := []graph.Node{
		arRepo("upstream", "format", "DOCKER", "mode", "STANDARD_REPOSITORY"),
		arRepo("other", "format", "DOCKER"),
		arRepo("only", "format", "DOCKER", "mode", "VIRTUAL_REPOSITORY", "upstreams", repo("upstream")),
		arRepo("shared", "format", "DOCKER", "mode", "VIRTUAL_REPOSITORY", "upstreams", repo("other")+","+repo("upstream")),
		upNode, onlyNode, sharedNode, otherNode,
		userGrant(repo("upstream"), "roles/artifactregistry.writer", "wendy", ""),
		// A writer on a virtual repository cannot upload to it.
		userGrant(repo("only"), "roles/artifactregistry.writer", "vera", ""),
	}
	want := []string{
		guser("wendy") + " -> " + only + " (certain)",
		guser("wendy") + " -> " + shared + " (possible)",
		guser("wendy") + " -> " + up + " (certain)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, derive(t, nodes, nil, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// TestGCPArtifactRegistryGCRHosts grants upload access on projects and on
// the Artifact Registry repositories that serve the gcr.io hosts. The host
// names the repository: gcr.io and us.gcr.io are the repositories of those
// names in location us, eu.gcr.io is in europe and asia.gcr.io in asia.
// The path names the project, and then the image.
func TestGCPArtifactRegistryGCRHosts(t *testing.T) {
	withNow(t)
	app, appNode := imageName("gcr.io/example-prod/app")
	worker, workerNode := imageName("us.gcr.io/example-prod/team/worker")
	euAPI, euAPINode := imageName("eu.gcr.io/example-prod/api")
	batch, batchNode := imageName("asia.gcr.io/example-prod/batch")
	// Another project's image of the same name.
	_, foreignNode := imageName("gcr.io/other-prod/app")
	// A domain-scoped project, example.com:corp-prod.
	corp, corpNode := imageName("gcr.io/example.com/corp-prod/app")
	// Hosts of the Container Registry domain that serve no project's
	// repository.
	_, k8sNode := imageName("k8s.gcr.io/example-prod/pause")
	_, mirrorNode := imageName("mirror.gcr.io/example-prod/tool")

	// repo builds a repository of example-prod as ingest/gcpiam writes
	// it, with extra attributes.
	repo := func(location, name string, attrs ...string) graph.Node {
		base := []string{"provider", "gcp", "type", "artifact-repository", "project", "example-prod",
			"location", location, "name", name,
			"resource_name", "projects/example-prod/locations/" + location + "/repositories/" + name,
			"resource_type", "artifactregistry.googleapis.com/Repository"}
		return node(graph.GCPArtifactRepositoryID("example-prod", location, name), graph.NodeResource, append(base, attrs...)...)
	}
	euRepo := graph.GCPArtifactRepositoryID("example-prod", "europe", "eu.gcr.io")
	// A repository of that name in a location no host maps to.
	wrongRepo := graph.GCPArtifactRepositoryID("example-prod", "eu", "eu.gcr.io")
	corpProject := graph.GCPProjectID("example.com:corp-prod")
	nodes := []graph.Node{
		node(gProject, graph.NodeResource, "provider", "gcp", "type", "project", "project", "example-prod",
			"resource_name", "projects/example-prod"),
		repo("us", "gcr.io", "format", "DOCKER"),
		// Only their grants declare these two, without a format.
		repo("europe", "eu.gcr.io"), repo("eu", "eu.gcr.io"),
		appNode, workerNode, euAPINode, batchNode, foreignNode, corpNode, k8sNode, mirrorNode,
		userGrant(gProject, "roles/artifactregistry.writer", "pat", ""),
		userGrant(gProject, "roles/artifactregistry.reader", "reed", ""),
		userGrant(graph.GCPArtifactRepositoryID("example-prod", "us", "gcr.io"), "roles/artifactregistry.writer", "gus", ""),
		userGrant(euRepo, "roles/artifactregistry.writer", "eve", ""),
		userGrant(wrongRepo, "roles/artifactregistry.writer", "ewan", ""),
		userGrant(corpProject, "roles/artifactregistry.writer", "cody", ""),
	}
	line := func(user, to, conf string) string { return guser(user) + " -> " + to + " (" + conf + ")" }
	want := []string{
		// The input declares the gcr.io repository, a Docker one with
		// mutable tags, and eu.gcr.io without its format. It does not
		// declare the others.
		line("pat", app, "certain"),
		line("pat", worker, "possible"),
		line("pat", euAPI, "possible"),
		line("pat", batch, "possible"),
		// gcr.io is not us.gcr.io, though both are in us.
		line("gus", app, "certain"),
		// The input does not show the format of eu.gcr.io.
		line("eve", euAPI, "possible"),
		// The domain-scoped project's repository is not declared.
		line("cody", corp, "possible"),
		// reed only reads, and ewan writes to a repository in eu. The
		// images under k8s.gcr.io and mirror.gcr.io, and other-prod's,
		// are in no repository of example-prod.
	}
	sort.Strings(want)
	got := derive(t, nodes, nil, graph.EdgeCanPublish)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}

	// A gcr.io repository holds Docker images only, so of an undeclared
	// one only the tag setting is unknown.
	s := store(t, nodes, nil)
	e := edgeOf(t, s, graph.EdgeCanPublish, guser("pat"), worker)
	if e == nil {
		t.Fatal("no CAN_PUBLISH from pat to the us.gcr.io image")
	}
	r := e.Attr(graph.AttrReason)
	for _, part := range []string{graph.GCPArtifactRepositoryID("example-prod", "us", "us.gcr.io"), "tags are immutable"} {
		if !strings.Contains(r, part) {
			t.Errorf("reason %q does not name %s", r, part)
		}
	}
	if strings.Contains(r, "format") {
		t.Errorf("reason %q says the format of a gcr.io repository is unknown", r)
	}
}
