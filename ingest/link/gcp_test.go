package link

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/query"
)

const (
	gProject = "gcp:project:example-prod"
	gProd    = "gcp:bucket:example-prod-logs"
	gDev     = "gcp:bucket:example-dev-logs"
	gSecret  = "gcp:secret:projects/example-prod/secrets/db"
)

func gsa(name string) string {
	return graph.GCPServiceAccountID(name + "@example-prod.iam.gserviceaccount.com")
}
func guser(name string) string {
	return graph.GCPUserID(name + "@example.com")
}
func newKey(sa string) string {
	return graph.GCPServiceAccountKeyID(strings.TrimPrefix(sa, "gcp:sa:"), "new")
}

// grantNode builds a grant as ingest/gcpiam writes it.
func grantNode(resource, role, member, memberID, cond string) graph.Node {
	return node(graph.GCPGrantID(resource, role, member, cond), graph.NodePolicy,
		"provider", "gcp", "type", "iam-grant", "resource", resource, "role", role,
		"member", member, "member_id", memberID, "condition", cond, "condition_title", "t")
}

func userGrant(resource, role, user, cond string) graph.Node {
	return grantNode(resource, role, "user:"+user+"@example.com", guser(user), cond)
}

func saGrant(resource, role, sa, cond string) graph.Node {
	return grantNode(resource, role, "serviceAccount:"+strings.TrimPrefix(sa, "gcp:sa:"), sa, cond)
}

// gcpFixture is a project with two buckets, a secret and two service accounts.
func gcpFixture() []graph.Node {
	res := func(id, typ, name, assetType string) graph.Node {
		return node(id, graph.NodeResource, "provider", "gcp", "type", typ, "project", "example-prod",
			"resource_name", name, "resource_type", assetType)
	}
	sa := func(id string) graph.Node {
		return node(id, graph.NodeIdentity, "provider", "gcp", "type", "service-account", "project", "example-prod",
			"resource_name", "projects/-/serviceAccounts/"+strings.TrimPrefix(id, "gcp:sa:"),
			"resource_type", "iam.googleapis.com/ServiceAccount")
	}
	return []graph.Node{
		res(gProject, "project", "projects/example-prod", "cloudresourcemanager.googleapis.com/Project"),
		res(gProd, "bucket", "projects/_/buckets/example-prod-logs", "storage.googleapis.com/Bucket"),
		res(gDev, "bucket", "projects/_/buckets/example-dev-logs", "storage.googleapis.com/Bucket"),
		node(gSecret, graph.NodeSecret, "provider", "gcp", "type", "secretmanager", "project", "example-prod",
			"resource_name", "projects/example-prod/secrets/db", "resource_type", "secretmanager.googleapis.com/Secret"),
		sa(gsa("deployer")), sa(gsa("ci")),
	}
}

func withNow(t *testing.T) {
	t.Helper()
	old := gcpNow
	gcpNow = func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }
	t.Cleanup(func() { gcpNow = old })
}

func TestGCPRoles(t *testing.T) {
	withNow(t)
	prodOnly := `resource.name.startsWith("projects/_/buckets/example-prod-")`
	nodes := append(gcpFixture(),
		userGrant(gProject, "roles/owner", "own", ""),
		userGrant(gProject, "roles/viewer", "vic", ""),
		userGrant(gProject, "roles/editor", "ed", ""),
		userGrant(gProject, "roles/storage.objectViewer", "rita", prodOnly),
		userGrant(gProject, "roles/iam.serviceAccountUser", "una", ""),
		userGrant(gProject, "roles/iam.serviceAccountUser", "dev", ""),
		userGrant(gProject, "roles/run.developer", "dev", ""),
		userGrant(gsa("deployer"), "roles/iam.serviceAccountKeyAdmin", "kay", ""),
		userGrant(gSecret, "roles/secretmanager.secretAccessor", "sam", ""),
		userGrant(gProject, "roles/resourcemanager.projectIamAdmin", "pia", ""),
		userGrant(gProject, "roles/container.admin", "cat", ""),
		userGrant(gsa("ci"), "roles/iam.serviceAccountTokenCreator", "old", `request.time < timestamp("2020-01-01T00:00:00Z")`),
		userGrant(gsa("ci"), "roles/iam.serviceAccountTokenCreator", "tim", `request.time.getHours("Europe/Berlin") < 18`),
		userGrant(gsa("ci"), "projects/example-prod/roles/keyMaker", "kim", ""),
		node(graph.GCPRoleID("projects/example-prod/roles/keyMaker"), graph.NodePolicy, "provider", "gcp",
			"type", "custom-role", "name", "projects/example-prod/roles/keyMaker",
			"permissions", "iam.serviceAccountKeys.create,iam.serviceAccounts.get"),
		// Rewriting an instance's metadata (its startup script) runs code
		// as the instance's account, for a member that may act as it.
		userGrant(gProject, "projects/example-prod/roles/metadataWriter", "meg", ""),
		node(graph.GCPRoleID("projects/example-prod/roles/metadataWriter"), graph.NodePolicy, "provider", "gcp",
			"type", "custom-role", "name", "projects/example-prod/roles/metadataWriter",
			"permissions", "compute.instances.setMetadata,iam.serviceAccounts.actAs"),
	)
	d, c := gsa("deployer"), gsa("ci")
	u := guser
	line := func(from, to, conf string) string { return from + " -> " + to + " (" + conf + ")" }
	tests := []struct {
		kind graph.EdgeKind
		want []string
	}{
		{graph.EdgeCanAccess, []string{
			line(u("cat"), gProject, "certain"), // container.admin: the project only
			line(u("dev"), gProject, "certain"),
			line(u("ed"), gDev, "certain"), line(u("ed"), gProd, "certain"), line(u("ed"), gProject, "certain"),
			line(u("meg"), gProject, "certain"),
			line(u("own"), gDev, "certain"), line(u("own"), gProd, "certain"), line(u("own"), gProject, "certain"),
			line(u("pia"), gDev, "certain"), line(u("pia"), gProd, "certain"), line(u("pia"), gProject, "certain"),
			// The condition admits the prod bucket, refuses the dev bucket
			// and cannot be decided for the project as a whole.
			line(u("rita"), gProd, "certain"), line(u("rita"), gProject, "possible"),
			line(u("una"), gProject, "certain"),
			line(u("vic"), gDev, "certain"), line(u("vic"), gProd, "certain"), line(u("vic"), gProject, "certain"),
		}},
		{graph.EdgeCanReadSecret, []string{
			line(u("ed"), gSecret, "possible"), // the table leaves editor's payload access open
			line(u("own"), gSecret, "certain"),
			line(u("pia"), gSecret, "certain"),
			line(u("sam"), gSecret, "certain"),
		}},
		{graph.EdgeCanAssume, []string{
			line(u("dev"), c, "certain"), line(u("dev"), d, "certain"), // actAs plus run.services.create
			line(u("ed"), c, "certain"), line(u("ed"), d, "certain"), // editor holds both
			line(u("meg"), c, "certain"), line(u("meg"), d, "certain"), // actAs plus setMetadata
			line(u("own"), c, "certain"), line(u("own"), d, "certain"),
			line(u("pia"), c, "certain"), line(u("pia"), d, "certain"), // setIamPolicy
			line(u("tim"), c, "possible"),                                // the hour cannot be decided
			line(u("una"), c, "possible"), line(u("una"), d, "possible"), // actAs without a deploy permission
		}},
		{graph.EdgeCanMint, []string{
			line(u("ed"), newKey(c), "certain"), line(u("ed"), newKey(d), "certain"),
			line(u("kay"), newKey(d), "certain"),
			line(u("kim"), newKey(c), "certain"),
			line(u("own"), newKey(c), "certain"), line(u("own"), newKey(d), "certain"),
			line(u("pia"), newKey(c), "certain"), line(u("pia"), newKey(d), "certain"),
		}},
	}
	for _, tt := range tests {
		got := derive(t, nodes, nil, tt.kind)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.kind, diff)
		}
	}
}

// deriveEdges writes the facts and returns every derived edge by key.
func deriveEdges(t *testing.T, nodes []graph.Node, edges []graph.Edge) (graph.Store, map[graph.EdgeKey]graph.Edge) {
	t.Helper()
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes, Edges: edges}, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	out := map[graph.EdgeKey]graph.Edge{}
	for _, k := range graph.EdgeKinds {
		es, err := s.EdgesByKind(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			out[e.Key()] = e
		}
	}
	return s, out
}

func TestGCPReasons(t *testing.T) {
	withNow(t)
	g := userGrant(gsa("ci"), "roles/iam.serviceAccountTokenCreator", "tim", `request.time.getHours("Europe/Berlin") < 18`)
	g.Pos = graph.Pos{File: "sa-ci.iam.json", Line: 9}
	_, es := deriveEdges(t, append(gcpFixture(), g), nil)
	e, ok := es[graph.EdgeKey{From: guser("tim"), Kind: graph.EdgeCanAssume, To: gsa("ci")}]
	if !ok {
		t.Fatal("no CAN_ASSUME edge")
	}
	if e.Pos != g.Pos {
		t.Errorf("edge at %v, want the grant's position %v", e.Pos, g.Pos)
	}
	if e.Attr("actions") != "iam.serviceAccounts.getAccessToken,roles/iam.serviceAccountTokenCreator" {
		t.Errorf("actions = %q", e.Attr("actions"))
	}
	for _, part := range []string{g.ID, "iam.serviceAccounts.getAccessToken", "undecided", "getHours() is not known"} {
		if !strings.Contains(e.Attr("reason"), part) {
			t.Errorf("reason %q lacks %q", e.Attr("reason"), part)
		}
	}
}

func TestGCPImpersonationChain(t *testing.T) {
	withNow(t)
	a, b := gsa("deployer"), gsa("ci")
	nodes := append(gcpFixture(),
		node(guser("ann"), graph.NodeIdentity, "provider", "gcp", "type", "user"),
		userGrant(a, "roles/iam.serviceAccountTokenCreator", "ann", ""),
		saGrant(b, "roles/iam.serviceAccountTokenCreator", a, ""),
		saGrant(gSecret, "roles/secretmanager.secretAccessor", b, ""),
	)
	s, _ := deriveEdges(t, nodes, nil)
	start, err := s.Nodes(context.Background(), []string{guser("ann")})
	if err != nil || len(start) != 1 {
		t.Fatalf("start: %v %v", start, err)
	}
	res, err := query.BlastRadius(context.Background(), s, start, "ann", query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(gSecret)
	if r == nil {
		t.Fatal("the secret is not reached")
	}
	var got []string
	for _, h := range r.Path {
		got = append(got, h.From+" -"+string(h.Kind)+"-> "+h.To)
	}
	want := []string{
		guser("ann") + " -CAN_ASSUME-> " + a,
		a + " -CAN_ASSUME-> " + b,
		b + " -CAN_READ_SECRET-> " + gSecret,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("path (-want +got):\n%s", diff)
	}
	if r.Confidence != graph.Certain {
		t.Errorf("confidence = %s, want certain", r.Confidence)
	}
}

const ghIssuer = "https://token.actions.githubusercontent.com"

func ghSubject(job, repo, events, subs string) graph.Node {
	return node("oidc:gha:"+job, graph.NodeIdentity, "provider", "github-oidc", "type", "oidc-subject",
		"issuer", ghIssuer, "repository", repo, "events", events, "subs", subs)
}

func wifProviderNode(pool, id, cond string) graph.Node {
	return node(graph.GCPWIFProviderID(pool, id), graph.NodePolicy, "provider", "gcp", "type", "wif-provider",
		"pool", pool, "provider_id", id, "issuer", ghIssuer, "attribute_condition", cond,
		"attribute_mapping", `{"attribute.repository":"assertion.repository","google.subject":"assertion.sub"}`)
}

func wifPrincipal(pool, attr, value string) graph.Node {
	return node(graph.GCPWIFPrincipalID(pool, "attribute."+attr+"/"+value), graph.NodeIdentity, "provider", "gcp",
		"type", "wif-principal", "pool", pool, "selector_kind", "attribute", "attribute", attr, "value", value)
}

func TestGCPWorkloadIdentityFederation(t *testing.T) {
	withNow(t)
	mainOnly := `assertion.repository == "example-org/api" && assertion.ref == "refs/heads/main"`
	api := wifPrincipal("github", "repository", "example-org/api")
	open := wifPrincipal("github-actor", "repository", "example-org/api")
	nodes := append(gcpFixture(),
		wifProviderNode("github", "actions", mainOnly),
		wifProviderNode("github-actor", "actions", `assertion.actor == "octocat"`),
		api, open,
		grantNode(gsa("deployer"), "roles/iam.workloadIdentityUser",
			"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github/attribute.repository/example-org/api", api.ID, ""),
		saGrant(gSecret, "roles/secretmanager.secretAccessor", gsa("deployer"), ""),
		ghSubject("example-org/api/.github/workflows/deploy.yml#ship", "example-org/api", "push", "repo:example-org/api:ref:refs/heads/main"),
		ghSubject("example-org/api/.github/workflows/ci.yml#test", "example-org/api", "pull_request", "repo:example-org/api:pull_request"),
		ghSubject("example-org/api/.github/workflows/any.yml#build", "example-org/api", "push", "repo:example-org/api:ref:refs/heads/*"),
		ghSubject("example-org/api/.github/workflows/release.yml#tag", "example-org/api", "push", "repo:example-org/api:ref:refs/tags/v1"),
		ghSubject("example-org/web/.github/workflows/deploy.yml#ship", "example-org/web", "push", "repo:example-org/web:ref:refs/heads/main"),
		ghSubject("example-org/api/.github/workflows/prt.yml#label", "example-org/api", "pull_request_target", "repo:example-org/api:pull_request"),
	)
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	want := []string{
		// A push to any branch can be a push to main.
		"oidc:gha:example-org/api/.github/workflows/any.yml#build -> " + api.ID + " (certain)",
		"oidc:gha:example-org/api/.github/workflows/any.yml#build -> " + open.ID + " (possible)",
		"oidc:gha:example-org/api/.github/workflows/ci.yml#test -> " + open.ID + " (possible)",
		"oidc:gha:example-org/api/.github/workflows/deploy.yml#ship -> " + api.ID + " (certain)",
		"oidc:gha:example-org/api/.github/workflows/deploy.yml#ship -> " + open.ID + " (possible)",
		// pull_request_target runs carry the base branch's ref.
		"oidc:gha:example-org/api/.github/workflows/prt.yml#label -> " + api.ID + " (certain)",
		"oidc:gha:example-org/api/.github/workflows/prt.yml#label -> " + open.ID + " (possible)",
		"oidc:gha:example-org/api/.github/workflows/release.yml#tag -> " + open.ID + " (possible)",
		api.ID + " -> " + gsa("deployer") + " (certain)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

func TestGCPFederationWithoutProvider(t *testing.T) {
	withNow(t)
	api := wifPrincipal("unseen", "repository", "example-org/api")
	nodes := []graph.Node{api,
		ghSubject("example-org/api/.github/workflows/deploy.yml#ship", "example-org/api", "push", "repo:example-org/api:ref:refs/heads/main"),
		ghSubject("example-org/web/.github/workflows/deploy.yml#ship", "example-org/web", "push", "repo:example-org/web:ref:refs/heads/main"),
	}
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	want := []string{"oidc:gha:example-org/api/.github/workflows/deploy.yml#ship -> " + api.ID + " (possible)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

func TestGCPWorkloadIdentityGKE(t *testing.T) {
	withNow(t)
	pool := "example-prod.svc.id.goog"
	principal := node(graph.GCPWIFPrincipalID(pool, "subject/ns/payments/sa/api"), graph.NodeIdentity,
		"provider", "gcp", "type", "wif-principal", "pool", pool, "selector_kind", "subject",
		"namespace", "payments", "ksa", "api", "workload_pool", pool)
	other := node(graph.GCPWIFPrincipalID(pool, "subject/ns/batch/sa/worker"), graph.NodeIdentity,
		"provider", "gcp", "type", "wif-principal", "pool", pool, "selector_kind", "subject",
		"namespace", "batch", "ksa", "worker", "workload_pool", pool)
	nodes := append(gcpFixture(), principal, other,
		grantNode(gsa("deployer"), "roles/iam.workloadIdentityUser", "serviceAccount:"+pool+"[payments/api]", principal.ID, ""),
		node("k8s:sa:payments/api", graph.NodeIdentity, "provider", "kubernetes", "gcp_service_account", "deployer@example-prod.iam.gserviceaccount.com"),
		// Annotated, but the account does not trust it.
		node("k8s:sa:web/api", graph.NodeIdentity, "provider", "kubernetes", "gcp_service_account", "deployer@example-prod.iam.gserviceaccount.com"),
		// Not annotated: the principal stands for it if the cluster is in the pool.
		node("k8s:sa:batch/worker", graph.NodeIdentity, "provider", "kubernetes"),
	)
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	want := []string{
		principal.ID + " -> " + gsa("deployer") + " (certain)",
		"k8s:sa:batch/worker -> " + other.ID + " (possible)",
		"k8s:sa:payments/api -> " + gsa("deployer") + " (certain)",
		"k8s:sa:payments/api -> " + principal.ID + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

func TestGCPProjectNumberAndKeyFile(t *testing.T) {
	withNow(t)
	nodes := gcpFixture()
	nodes[0].SetAttr("number", "111122223333")
	job := graph.GHAJobID("example-org/infra", ".github/workflows/apply.yml", "apply")
	key := graph.GCPServiceAccountKeyID("ci@example-prod.iam.gserviceaccount.com", "0123")
	nodes = append(nodes,
		userGrant("gcp:project:111122223333", "roles/secretmanager.secretAccessor", "nia", ""),
		node(job, graph.NodeRuntime, "repository", "example-org/infra"),
		node(key, graph.NodeSecret, "provider", "gcp", "type", "sa-key", "stored_inline", "true",
			"repository", "example-org/infra", "file", "keys/ci.json"),
	)
	got := derive(t, nodes, nil, graph.EdgeCanReadSecret)
	if diff := cmp.Diff([]string{guser("nia") + " -> " + gSecret + " (certain)"}, got); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
	got = derive(t, nodes, nil, graph.EdgeExposes)
	if diff := cmp.Diff([]string{job + " -> " + key + " (possible)"}, got); diff != "" {
		t.Errorf("EXPOSES (-want +got):\n%s", diff)
	}
}

func TestGCPMembers(t *testing.T) {
	withNow(t)
	nodes := append(gcpFixture(),
		node(guser("gus"), graph.NodeIdentity, "provider", "gcp", "type", "user", "email", "gus@example.com"),
		node(guser("out"), graph.NodeIdentity, "provider", "gcp", "type", "user", "email", "out@other.example"),
		node(graph.GCPGroupID("ops@example.com"), graph.NodeIdentity, "provider", "gcp", "type", "group"),
		node(guser("gia"), graph.NodeIdentity, "provider", "gcp", "type", "user", "email", "gia@other.example"),
		grantNode(gSecret, "roles/secretmanager.secretAccessor", "domain:example.com", graph.GCPDomainID("example.com"), ""),
		grantNode(gSecret, "roles/secretmanager.secretAccessor", "group:ops@example.com", graph.GCPGroupID("ops@example.com"), ""),
		userGrant(gProject, "roles/owner", "own", ""),
		grantNode(gProd, "roles/storage.objectViewer", "projectOwner:example-prod", "", ""),
	)
	edges := []graph.Edge{edge(guser("gia"), graph.EdgeMemberOf, graph.GCPGroupID("ops@example.com"))}
	got := derive(t, nodes, edges, graph.EdgeCanReadSecret)
	want := []string{
		graph.GCPDomainID("example.com") + " -> " + gSecret + " (certain)",
		graph.GCPGroupID("ops@example.com") + " -> " + gSecret + " (certain)",
		guser("gia") + " -> " + gSecret + " (certain)",
		guser("gus") + " -> " + gSecret + " (certain)",
		guser("own") + " -> " + gSecret + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
	_, es := deriveEdges(t, nodes, edges)
	if e, ok := es[graph.EdgeKey{From: guser("own"), Kind: graph.EdgeCanAccess, To: gProd}]; !ok || !strings.Contains(e.Attr("reason"), "projectOwner") && !strings.Contains(e.Attr("reason"), "roles/owner") {
		t.Errorf("owner's edge to the bucket: %v", e)
	}
}

func glSubject(job, project, env, subs string) graph.Node {
	n := node("oidc:gitlab:"+job, graph.NodeIdentity, "provider", "gitlab-oidc", "type", "oidc-subject",
		"issuer", "https://gitlab.com", "repository", project, "subs", subs)
	if env != "" {
		n.SetAttr("environment", env)
	}
	return n
}

func glProviderNode(pool, cond string) graph.Node {
	return node(graph.GCPWIFProviderID(pool, "gitlab"), graph.NodePolicy, "provider", "gcp", "type", "wif-provider",
		"pool", pool, "provider_id", "gitlab", "issuer", "https://gitlab.com", "attribute_condition", cond,
		"attribute_mapping", `{"attribute.project_path":"assertion.project_path","attribute.ref_type":"assertion.ref_type","google.subject":"assertion.sub"}`)
}

// GitLab ID tokens carry project_path, namespace_path, ref_type and ref,
// and a sub of the form project_path:P:ref_type:T:ref:R, so a pool that
// maps them admits the jobs of the projects it names.
func TestGCPWorkloadIdentityFederationGitLab(t *testing.T) {
	withNow(t)
	api := wifPrincipal("gitlab", "project_path", "acme/payments-api")
	tags := wifPrincipal("gitlab", "ref_type", "tag")
	mainSub := node(graph.GCPWIFPrincipalID("gitlab", "subject/project_path:acme/payments-api:ref_type:branch:ref:main"),
		graph.NodeIdentity, "provider", "gcp", "type", "wif-principal", "pool", "gitlab", "selector_kind", "subject",
		"value", "project_path:acme/payments-api:ref_type:branch:ref:main")
	prot := wifPrincipal("gitlab-protected", "project_path", "acme/payments-api")
	nodes := append(gcpFixture(),
		glProviderNode("gitlab", `assertion.namespace_path == 'acme'`),
		glProviderNode("gitlab-protected", `assertion.ref_protected == 'true'`),
		api, tags, mainSub, prot,
		glSubject("acme/payments-api/.gitlab-ci.yml#deploy/ID", "acme/payments-api", "production",
			"project_path:acme/payments-api:ref_type:tag:ref:*"),
		glSubject("acme/payments-api/.gitlab-ci.yml#test/ID", "acme/payments-api", "",
			"project_path:acme/payments-api:ref_type:branch:ref:main"),
		// Another group: the condition on namespace_path shuts it out.
		glSubject("other/payments-api/.gitlab-ci.yml#deploy/ID", "other/payments-api", "",
			"project_path:other/payments-api:ref_type:tag:ref:*"),
	)
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	want := []string{
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#deploy/ID -> " + api.ID + " (certain)",
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#deploy/ID -> " + prot.ID + " (possible)",
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#deploy/ID -> " + tags.ID + " (certain)",
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#test/ID -> " + api.ID + " (certain)",
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#test/ID -> " + mainSub.ID + " (certain)",
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#test/ID -> " + prot.ID + " (possible)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// A pool whose providers are not in the input still names a GitLab
// project or group through GitLab's own claims.
func TestGCPFederationWithoutProviderGitLab(t *testing.T) {
	withNow(t)
	api := wifPrincipal("unseen", "project_path", "acme/payments-api")
	group := wifPrincipal("unseen", "namespace_path", "acme")
	nodes := []graph.Node{api, group,
		glSubject("acme/payments-api/.gitlab-ci.yml#deploy/ID", "acme/payments-api", "", "project_path:acme/payments-api:ref_type:tag:ref:*"),
		glSubject("other/web/.gitlab-ci.yml#deploy/ID", "other/web", "", "project_path:other/web:ref_type:tag:ref:*"),
	}
	got := derive(t, nodes, nil, graph.EdgeCanAssume)
	want := []string{
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#deploy/ID -> " + api.ID + " (possible)",
		"oidc:gitlab:acme/payments-api/.gitlab-ci.yml#deploy/ID -> " + group.ID + " (possible)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
}
