package gcpiam

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func tfConvert(t *testing.T, blocks ...TerraformBlock) *ingest.Result {
	t.Helper()
	res := &ingest.Result{}
	seen := map[string]int{}
	for _, b := range blocks {
		ns, es, ds := TerraformResource(b, testEnv())
		// Merge repeated nodes as a store does: the first value of an
		// attribute wins.
		for _, n := range ns {
			i, ok := seen[n.ID]
			if !ok {
				seen[n.ID] = len(res.Nodes)
				res.Nodes = append(res.Nodes, n)
				continue
			}
			for k, v := range n.Attrs {
				if res.Nodes[i].Attr(k) == "" {
					res.Nodes[i].SetAttr(k, v)
				}
			}
		}
		res.Edges = append(res.Edges, es...)
		res.Diags = append(res.Diags, ds...)
	}
	return res
}

func block(typ, name string, line int, attrs map[string]any) TerraformBlock {
	return TerraformBlock{Type: typ, Name: name, Address: typ + "." + name, Attrs: attrs, Line: line,
		File: "main.tf", Project: "example-prod"}
}

func TestTerraformGrants(t *testing.T) {
	cond := `request.time < timestamp("2030-01-01T00:00:00Z")`
	res := tfConvert(t,
		block("google_project_iam_member", "ci", 3, map[string]any{
			"role": "roles/editor", "member": "serviceAccount:ci@example-prod.iam.gserviceaccount.com",
			"condition": []any{map[string]any{"title": "until 2030", "expression": cond}},
		}),
		block("google_project_iam_binding", "viewers", 12, map[string]any{
			"project": "example-dev", "role": "roles/viewer",
			"members": []any{"user:erin@example.com", "group:dev@example.com"},
		}),
		block("google_service_account_iam_member", "impersonate", 20, map[string]any{
			"service_account_id": "projects/example-prod/serviceAccounts/deployer@example-prod.iam.gserviceaccount.com",
			"role":               "roles/iam.serviceAccountTokenCreator",
			"member":             "serviceAccount:${google_service_account.ci.email}",
		}),
		block("google_storage_bucket_iam_member", "missing", 30, map[string]any{"bucket": "example-logs"}),
	)
	wantPolicies := []string{
		graph.GCPGrantID(deployer, "roles/iam.serviceAccountTokenCreator", "serviceAccount:${google_service_account.ci.email}", ""),
		graph.GCPGrantID("gcp:project:example-dev", "roles/viewer", "group:dev@example.com", ""),
		graph.GCPGrantID("gcp:project:example-dev", "roles/viewer", "user:erin@example.com", ""),
		graph.GCPGrantID(project, "roles/editor", "serviceAccount:ci@example-prod.iam.gserviceaccount.com", cond),
	}
	sort.Strings(wantPolicies)
	if diff := cmp.Diff(wantPolicies, nodeIDs(res, graph.NodePolicy)); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	g := findNode(t, res, graph.GCPGrantID(project, "roles/editor", "serviceAccount:ci@example-prod.iam.gserviceaccount.com", cond))
	checkAttrs(t, g, map[string]string{"source": "terraform", "tf_address": "google_project_iam_member.ci",
		"condition": cond, "condition_title": "until 2030", "project": "example-prod"})
	if g.Pos.Line != 3 || g.Pos.File != "main.tf" {
		t.Errorf("grant at %v, want main.tf:3", g.Pos)
	}
	unresolved := findNode(t, res, "gcp:sa:${google_service_account.ci.email}")
	if unresolved.Attr("unresolved") != "google_service_account.ci.email" {
		t.Errorf("unresolved = %q", unresolved.Attr("unresolved"))
	}
	if len(res.Diags) != 1 || res.Diags[0].Pos.Line != 30 {
		t.Errorf("diagnostics = %v, want one at line 30 for the missing role", res.Diags)
	}
}

func TestTerraformIdentities(t *testing.T) {
	secret := "CANARY-gcpiam-tf-7f3a"
	res := tfConvert(t,
		block("google_service_account", "ci", 1, map[string]any{"account_id": "ci"}),
		block("google_service_account_key", "ci", 5, map[string]any{"service_account_id": "${google_service_account.ci.name}"}),
		block("google_service_account_key", "deployer", 6, map[string]any{
			"service_account_id": "projects/example-prod/serviceAccounts/deployer@example-prod.iam.gserviceaccount.com"}),
		block("google_secret_manager_secret", "db", 8, map[string]any{"secret_id": "db-password"}),
		block("google_secret_manager_secret_version", "db", 12, map[string]any{
			"secret": "projects/example-prod/secrets/db-password", "secret_data": secret}),
		block("google_iam_workload_identity_pool_provider", "gh", 20, map[string]any{
			"workload_identity_pool_id":          "github",
			"workload_identity_pool_provider_id": "actions",
			"attribute_condition":                `assertion.repository_owner == "example-org"`,
			"attribute_mapping":                  map[string]any{"google.subject": "assertion.sub", "attribute.repository": "assertion.repository"},
			"oidc":                               []any{map[string]any{"issuer_uri": "https://token.actions.githubusercontent.com"}},
		}),
		block("google_container_node_pool", "apps", 30, map[string]any{
			"name": "apps", "cluster": "prod", "location": "europe-west1",
			"node_config": []any{map[string]any{"service_account": "nodes@example-prod.iam.gserviceaccount.com"}},
		}),
		block("google_container_cluster", "prod", 40, map[string]any{
			"name": "prod", "location": "europe-west1",
			"workload_identity_config": []any{map[string]any{"workload_pool": "example-prod.svc.id.goog"}},
		}),
	)
	key := graph.GCPServiceAccountKeyID("deployer@example-prod.iam.gserviceaccount.com", "deployer")
	dbID := "gcp:secret:projects/example-prod/secrets/db-password"
	pool := "runtime:gcp:gke:projects/example-prod/locations/europe-west1/clusters/prod/nodePools/apps"
	cred := "secret:gcp:metadata-token:gcp:gke:projects/example-prod/locations/europe-west1/clusters/prod/nodePools/apps"
	nodesSA := "gcp:sa:nodes@example-prod.iam.gserviceaccount.com"
	wantSecrets := []string{dbID, cred, key}
	sort.Strings(wantSecrets)
	if diff := cmp.Diff(wantSecrets, nodeIDs(res, graph.NodeSecret)); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	checkAttrs(t, findNode(t, res, ci), map[string]string{"email": "ci@example-prod.iam.gserviceaccount.com",
		"project": "example-prod", "tf_address": "google_service_account.ci"})
	checkAttrs(t, findNode(t, res, dbID), map[string]string{"stored_inline": "true",
		"fingerprint": testEnv().Fingerprint(secret)})
	checkAttrs(t, findNode(t, res, "gcp:wif-provider:github/actions"), map[string]string{
		"issuer": "https://token.actions.githubusercontent.com", "attribute_condition": `assertion.repository_owner == "example-org"`,
		"attribute_mapping": `{"attribute.repository":"assertion.repository","google.subject":"assertion.sub"}`})
	checkAttrs(t, findNode(t, res, "gcp:gke:projects/example-prod/locations/europe-west1/clusters/prod"),
		map[string]string{"workload_pool": "example-prod.svc.id.goog", "type": "gke-cluster"})
	wantEdges := []string{
		cred + " -AUTHENTICATES_AS-> " + nodesSA,
		key + " -AUTHENTICATES_AS-> " + deployer,
		pool + " -EXPOSES-> " + cred,
	}
	sort.Strings(wantEdges)
	if diff := cmp.Diff(wantEdges, edgeList(res)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	// The key of an account named by an unresolved reference is skipped
	// with a warning.
	if len(res.Diags) != 1 || res.Diags[0].Pos.Line != 5 {
		t.Errorf("diagnostics = %v, want one at line 5", res.Diags)
	}
	out, _ := json.Marshal(res)
	if bytes.Contains(out, []byte(secret)) {
		t.Error("the secret value reached the result")
	}
}

func TestTerraformPolicyData(t *testing.T) {
	doc, ok := TerraformIAMPolicyData(map[string]any{"binding": []any{
		map[string]any{"role": "roles/storage.objectViewer", "members": []any{"user:b@example.com", "user:a@example.com"}},
		map[string]any{"role": "roles/storage.admin", "members": []any{"group:ops@example.com"},
			"condition": []any{map[string]any{"title": "t", "expression": "true"}}},
	}})
	want := `{"bindings":[{"role":"roles/storage.admin","members":["group:ops@example.com"],"condition":{"title":"t","expression":"true"}},` +
		`{"role":"roles/storage.objectViewer","members":["user:a@example.com","user:b@example.com"]}]}`
	if !ok || doc != want {
		t.Fatalf("policy data = %s, %v\nwant %s", doc, ok, want)
	}
	res := tfConvert(t, block("google_storage_bucket_iam_policy", "logs", 7, map[string]any{"bucket": "example-logs", "policy_data": doc}))
	want2 := []string{
		graph.GCPGrantID("gcp:bucket:example-logs", "roles/storage.admin", "group:ops@example.com", "true"),
		graph.GCPGrantID("gcp:bucket:example-logs", "roles/storage.objectViewer", "user:a@example.com", ""),
		graph.GCPGrantID("gcp:bucket:example-logs", "roles/storage.objectViewer", "user:b@example.com", ""),
	}
	sort.Strings(want2)
	if diff := cmp.Diff(want2, nodeIDs(res, graph.NodePolicy)); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	for _, n := range res.Nodes {
		if n.Pos.Line != 7 {
			t.Errorf("%s at line %d, want 7", n.ID, n.Pos.Line)
		}
	}
}

func TestTerraformComputed(t *testing.T) {
	tests := []struct {
		typ     string
		data    bool
		attrs   map[string]any
		known   map[string]string
		unknown []string
	}{
		{"google_service_account", false, map[string]any{"account_id": "ci"}, map[string]string{
			"email": "ci@example-prod.iam.gserviceaccount.com", "member": "serviceAccount:ci@example-prod.iam.gserviceaccount.com",
			"name":    "projects/example-prod/serviceAccounts/ci@example-prod.iam.gserviceaccount.com",
			"id":      "projects/example-prod/serviceAccounts/ci@example-prod.iam.gserviceaccount.com",
			"project": "example-prod"}, []string{"unique_id"}},
		{"google_service_account_key", false, nil, map[string]string{},
			[]string{"private_key", "public_key", "id", "name", "valid_after", "valid_before"}},
		{"google_secret_manager_secret", false, map[string]any{"secret_id": "db", "project": "other"}, map[string]string{
			"id": "projects/other/secrets/db", "name": "projects/other/secrets/db", "project": "other"}, nil},
		{"google_iam_workload_identity_pool", false, map[string]any{"workload_identity_pool_id": "github"}, map[string]string{
			"id":   "projects/example-prod/locations/global/workloadIdentityPools/github",
			"name": "projects/example-prod/locations/global/workloadIdentityPools/github"}, nil},
		{"google_iam_policy", true, map[string]any{}, map[string]string{"policy_data": `{"bindings":null}`}, nil},
		// The provider's name is the repository id; its id is the full name.
		{"google_artifact_registry_repository", false, map[string]any{"repository_id": "app", "location": "us-central1"},
			map[string]string{"id": "projects/example-prod/locations/us-central1/repositories/app", "name": "app",
				"project": "example-prod"}, nil},
	}
	for _, tt := range tests {
		known, unknown := TerraformComputed(tt.typ, tt.data, tt.attrs, "example-prod", "")
		if diff := cmp.Diff(tt.known, known); diff != "" {
			t.Errorf("%s known (-want +got):\n%s", tt.typ, diff)
		}
		if diff := cmp.Diff(tt.unknown, unknown); diff != "" {
			t.Errorf("%s unknown (-want +got):\n%s", tt.typ, diff)
		}
	}
}

// TestTerraformArtifactRegistry reads repositories and grants on them,
// the repository given by id (with the block's location) or by full name.
func TestTerraformArtifactRegistry(t *testing.T) {
	res := tfConvert(t,
		block("google_artifact_registry_repository", "app", 1, map[string]any{
			"repository_id": "app", "location": "us-central1", "format": "DOCKER"}),
		block("google_artifact_registry_repository", "tools", 6, map[string]any{
			"repository_id": "tools", "location": "us", "format": "DOCKER", "project": "example-ops",
			"docker_config": []any{map[string]any{"immutable_tags": true}}}),
		block("google_artifact_registry_repository_iam_member", "push", 12, map[string]any{
			"location": "us-central1", "repository": "app", "role": "roles/artifactregistry.writer",
			"member": "user:wendy@example.com"}),
		block("google_artifact_registry_repository_iam_binding", "tools", 18, map[string]any{
			"repository": "projects/example-ops/locations/us/repositories/tools", "role": "roles/artifactregistry.reader",
			"members": []any{"user:reed@example.com"}}),
		block("google_artifact_registry_repository_iam_member", "nowhere", 24, map[string]any{
			"repository": "app", "role": "roles/artifactregistry.writer", "member": "user:nina@example.com"}),
	)
	app := "gcp:resource:artifactregistry.googleapis.com/projects/example-prod/locations/us-central1/repositories/app"
	tools := "gcp:resource:artifactregistry.googleapis.com/projects/example-ops/locations/us/repositories/tools"
	checkAttrs(t, findNode(t, res, app), map[string]string{"type": "artifact-repository", "project": "example-prod",
		"location": "us-central1", "name": "app", "format": "DOCKER",
		"resource_name": "projects/example-prod/locations/us-central1/repositories/app",
		"resource_type": "artifactregistry.googleapis.com/Repository"})
	checkAttrs(t, findNode(t, res, tools), map[string]string{"project": "example-ops", "location": "us",
		"immutable_tags": "true"})
	want := []string{
		graph.GCPGrantID(tools, "roles/artifactregistry.reader", "user:reed@example.com", ""),
		graph.GCPGrantID(app, "roles/artifactregistry.writer", "user:wendy@example.com", ""),
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, nodeIDs(res, graph.NodePolicy)); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	// The last grant names no location, so its repository is not known.
	if len(res.Diags) != 1 || res.Diags[0].Pos.Line != 24 {
		t.Errorf("diagnostics = %v, want one at line 24", res.Diags)
	}
}

// TestTerraformArtifactRegistryImmutableText reads immutable_tags given as
// text: Terraform converts "true" and "false" to the bool the argument
// takes, and a value that the input does not resolve stays open.
func TestTerraformArtifactRegistryImmutableText(t *testing.T) {
	repo := func(name string, line int, immutable any) TerraformBlock {
		return block("google_artifact_registry_repository", name, line, map[string]any{
			"repository_id": name, "location": "us-central1", "format": "DOCKER",
			"docker_config": []any{map[string]any{"immutable_tags": immutable}}})
	}
	res := tfConvert(t, repo("text", 1, "true"), repo("mutable", 8, "false"), repo("open", 15, "${var.immutable}"))
	id := func(name string) string {
		return "gcp:resource:artifactregistry.googleapis.com/projects/example-prod/locations/us-central1/repositories/" + name
	}
	checkAttrs(t, findNode(t, res, id("text")), map[string]string{"immutable_tags": "true"})
	checkAttrs(t, findNode(t, res, id("mutable")), map[string]string{"immutable_tags": "false"})
	checkAttrs(t, findNode(t, res, id("open")), map[string]string{"immutable_tags": "${var.immutable}"})
}

// TestTerraformArtifactRegistryVirtual reads the upstream repositories of
// a virtual repository, which the provider takes by full name.
func TestTerraformArtifactRegistryVirtual(t *testing.T) {
	res := tfConvert(t, block("google_artifact_registry_repository", "all", 1, map[string]any{
		"repository_id": "all", "location": "us", "format": "DOCKER", "mode": "VIRTUAL_REPOSITORY",
		"virtual_repository_config": []any{map[string]any{"upstream_policies": []any{
			map[string]any{"id": "a", "repository": "projects/example-prod/locations/us/repositories/app", "priority": 10.0},
			map[string]any{"id": "b", "repository": "projects/example-ops/locations/us/repositories/base", "priority": 5.0},
		}}}}))
	all := graph.GCPArtifactRepositoryID("example-prod", "us", "all")
	checkAttrs(t, findNode(t, res, all), map[string]string{"mode": "VIRTUAL_REPOSITORY",
		"upstreams": graph.GCPArtifactRepositoryID("example-ops", "us", "base") + "," + graph.GCPArtifactRepositoryID("example-prod", "us", "app")})
}

// TestTerraformNodePoolScopes checks that the access scopes of GKE nodes
// bound their metadata tokens as they bound an instance's: only
// cloud-platform lets the tokens act with all that the account holds.
func TestTerraformNodePoolScopes(t *testing.T) {
	const readOnly = "https://www.googleapis.com/auth/devstorage.read_only"
	res := tfConvert(t,
		block("google_container_node_pool", "apps", 3, map[string]any{
			"name": "apps", "cluster": "prod", "location": "europe-west1",
			"node_config": []any{map[string]any{
				"service_account": "n@p.iam.gserviceaccount.com",
				"oauth_scopes":    []any{readOnly},
			}},
		}),
		block("google_container_node_pool", "open", 12, map[string]any{
			"name": "open", "cluster": "prod", "location": "europe-west1",
			"node_config": []any{map[string]any{
				"service_account": "o@p.iam.gserviceaccount.com",
				"oauth_scopes":    []any{readOnly, "https://www.googleapis.com/auth/cloud-platform"},
			}},
		}),
		block("google_container_node_pool", "bare", 20, map[string]any{
			"name": "bare", "cluster": "prod", "location": "europe-west1",
			"node_config": []any{map[string]any{"service_account": "b@p.iam.gserviceaccount.com"}},
		}),
		block("google_container_cluster", "prod", 30, map[string]any{
			"name": "prod", "location": "europe-west1",
			"node_config": []any{map[string]any{
				"service_account": "c@p.iam.gserviceaccount.com",
				"oauth_scopes":    []any{"cloud-platform"},
			}},
		}),
	)
	pools := "gcp:gke:projects/example-prod/locations/europe-west1/clusters/prod/nodePools/"
	type want struct {
		conf   graph.Confidence
		reason string // a part of the reason, "" for none
	}
	wants := map[string]want{
		"secret:gcp:metadata-token:" + pools + "apps -AUTHENTICATES_AS-> gcp:sa:n@p.iam.gserviceaccount.com": {
			graph.Possible, "access scopes (" + readOnly + ") leave out cloud-platform"},
		"secret:gcp:metadata-token:" + pools + "open -AUTHENTICATES_AS-> gcp:sa:o@p.iam.gserviceaccount.com": {graph.Certain, ""},
		"secret:gcp:metadata-token:" + pools + "bare -AUTHENTICATES_AS-> gcp:sa:b@p.iam.gserviceaccount.com": {
			graph.Possible, "the input does not show the nodes' access scopes"},
		"secret:gcp:metadata-token:" + pools + "default-pool -AUTHENTICATES_AS-> gcp:sa:c@p.iam.gserviceaccount.com": {graph.Certain, ""},
	}
	for _, e := range res.Edges {
		if e.Kind != graph.EdgeAuthenticatesAs {
			continue
		}
		key := e.Key().String()
		w, ok := wants[key]
		if !ok {
			t.Errorf("unexpected edge %s", key)
			continue
		}
		delete(wants, key)
		if e.Confidence != w.conf {
			t.Errorf("%s: confidence %s, want %s", key, e.Confidence, w.conf)
		}
		got := e.Attrs[graph.AttrReason]
		if (w.reason == "") != (got == "") || !strings.Contains(got, w.reason) {
			t.Errorf("%s: reason %q, want one containing %q", key, got, w.reason)
		}
	}
	for key := range wants {
		t.Errorf("missing edge %s", key)
	}
	checkAttrs(t, findNode(t, res, "runtime:"+pools+"apps"), map[string]string{"scopes": readOnly})
}

// A cluster's inline node_pool blocks are node pools like those of
// google_container_node_pool. GKE uses the cluster's own node_config for
// a default pool only when no node pool is given, and deletes that pool
// when remove_default_node_pool is set.
func TestTerraformInlineNodePools(t *testing.T) {
	res := tfConvert(t,
		block("google_container_cluster", "inline", 3, map[string]any{
			"name": "inline", "location": "europe-west1",
			"node_config": []any{map[string]any{"service_account": "unused@p.iam.gserviceaccount.com", "oauth_scopes": []any{"cloud-platform"}}},
			"node_pool": []any{
				map[string]any{"name": "web", "node_config": []any{map[string]any{
					"service_account": "web@p.iam.gserviceaccount.com", "oauth_scopes": []any{"cloud-platform"}}}},
				map[string]any{"name_prefix": "batch-", "node_config": []any{map[string]any{
					"service_account": "batch@p.iam.gserviceaccount.com", "oauth_scopes": []any{"cloud-platform"}}}},
			},
		}),
		block("google_container_cluster", "removed", 20, map[string]any{
			"name": "removed", "location": "europe-west1", "remove_default_node_pool": true,
			"node_config": []any{map[string]any{"service_account": "gone@p.iam.gserviceaccount.com", "oauth_scopes": []any{"cloud-platform"}}},
		}),
	)
	clusters := "gcp:gke:projects/example-prod/locations/europe-west1/clusters/"
	want := []string{
		"secret:gcp:metadata-token:" + clusters + "inline/nodePools/batch- -AUTHENTICATES_AS-> gcp:sa:batch@p.iam.gserviceaccount.com",
		"secret:gcp:metadata-token:" + clusters + "inline/nodePools/web -AUTHENTICATES_AS-> gcp:sa:web@p.iam.gserviceaccount.com",
	}
	var got []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeAuthenticatesAs {
			got = append(got, e.Key().String())
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("node credentials\n got %q\nwant %q", got, want)
	}
}

// A Cloud Run service or job reads the Secret Manager secrets that its
// containers take as environment variables or mount as volumes, by secret
// id in the service's project or by full name.
func TestTerraformCloudRunSecrets(t *testing.T) {
	res := tfConvert(t,
		block("google_cloud_run_v2_service", "api", 3, map[string]any{
			"name": "api", "location": "europe-west1",
			"template": []any{map[string]any{
				"containers": []any{map[string]any{
					"image": "gcr.io/example-prod/api:1.0",
					"env": []any{
						map[string]any{"name": "DB_PASSWORD", "value_source": []any{map[string]any{
							"secret_key_ref": []any{map[string]any{"secret": "db-password", "version": "latest"}}}}},
						map[string]any{"name": "PLAIN", "value": "not-a-secret"},
						map[string]any{"name": "OTHER", "value_source": []any{map[string]any{
							"secret_key_ref": []any{map[string]any{"secret": "projects/shared-prod/secrets/api-key", "version": "3"}}}}},
					},
				}},
				"volumes": []any{map[string]any{"name": "certs", "secret": []any{map[string]any{"secret": "tls-cert"}}}},
			}},
		}),
		block("google_cloud_run_service", "legacy", 30, map[string]any{
			"name": "legacy", "location": "europe-west1",
			"template": []any{map[string]any{"spec": []any{map[string]any{
				"containers": []any{map[string]any{
					"image": "gcr.io/example-prod/legacy:1.0",
					"env": []any{map[string]any{"name": "TOKEN", "value_from": []any{map[string]any{
						"secret_key_ref": []any{map[string]any{"name": "legacy-token", "key": "latest"}}}}}},
				}},
				"volumes": []any{map[string]any{"name": "cfg", "secret": []any{map[string]any{"secret_name": "legacy-config"}}}},
			}}}},
		}),
	)
	api := graph.GCPCloudRunID("example-prod", "europe-west1", "api")
	legacy := graph.GCPCloudRunID("example-prod", "europe-west1", "legacy")
	want := []string{
		api + " -> " + graph.GCPSecretID("example-prod", "db-password") + " (env DB_PASSWORD)",
		api + " -> " + graph.GCPSecretID("example-prod", "tls-cert") + " (file certs)",
		api + " -> " + graph.GCPSecretID("shared-prod", "api-key") + " (env OTHER)",
		legacy + " -> " + graph.GCPSecretID("example-prod", "legacy-config") + " (file cfg)",
		legacy + " -> " + graph.GCPSecretID("example-prod", "legacy-token") + " (env TOKEN)",
	}
	var got []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeExposes && e.Attrs[graph.AttrVia] != "metadata" {
			got = append(got, e.From+" -> "+e.To+" ("+e.Attrs[graph.AttrVia]+" "+e.Attrs[graph.AttrName]+")")
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("secrets exposed\n got %q\nwant %q", got, want)
	}
	for _, id := range []string{graph.GCPSecretID("example-prod", "db-password"), graph.GCPSecretID("shared-prod", "api-key")} {
		found := false
		for _, n := range res.Nodes {
			found = found || n.ID == id && n.Kind == graph.NodeSecret
		}
		if !found {
			t.Errorf("no Secret node %s", id)
		}
	}
}

// The provider puts a cluster, and a node pool that names its cluster
// alone, at location, else region, else zone, else the provider's zone.
// Without any of them the apply fails.
func TestTerraformClusterLocation(t *testing.T) {
	zonal := block("google_container_cluster", "zonal", 3, map[string]any{
		"name":        "zonal",
		"node_config": []any{map[string]any{"service_account": "nodes@p.iam.gserviceaccount.com"}},
	})
	zonal.Zone = "europe-west1-b"
	pool := block("google_container_node_pool", "extra", 10, map[string]any{
		"name": "extra", "cluster": "zonal",
		"node_config": []any{map[string]any{"service_account": "extra@p.iam.gserviceaccount.com"}},
	})
	pool.Zone = "europe-west1-b"
	nowhere := block("google_container_cluster", "nowhere", 20, map[string]any{
		"name":        "nowhere",
		"node_config": []any{map[string]any{"service_account": "nowhere@p.iam.gserviceaccount.com"}},
	})
	computed := block("google_container_cluster", "computed", 30, map[string]any{
		"name":        "computed",
		"node_config": []any{map[string]any{"service_account": "computed@p.iam.gserviceaccount.com"}},
	})
	computed.Zone = "europe-west1-b"
	computed.Unevaluated = map[string]string{"location": "invalid function argument"}
	res := tfConvert(t, zonal, pool, nowhere, computed)

	cluster := "gcp:gke:projects/example-prod/locations/europe-west1-b/clusters/zonal"
	for _, id := range []string{cluster, "runtime:" + cluster + "/nodePools/default-pool", "runtime:" + cluster + "/nodePools/extra"} {
		findNode(t, res, id)
	}
	for _, n := range res.Nodes {
		if strings.Contains(n.ID, "locations//") || strings.Contains(n.ID, "/nowhere") || strings.Contains(n.ID, "/computed") {
			t.Errorf("node %s, want none for a cluster whose location is not known", n.ID)
		}
	}
	var warnings []string
	for _, d := range res.Diags {
		warnings = append(warnings, d.String())
	}
	slices.Sort(warnings)
	want := []string{
		"main.tf:20: google_container_cluster.nowhere: location is missing and the provider sets no zone; block skipped",
		"main.tf:30: google_container_cluster.computed: location could not be evaluated: invalid function argument; block skipped",
	}
	slices.Sort(want)
	if !slices.Equal(warnings, want) {
		t.Errorf("warnings\n got %q\nwant %q", warnings, want)
	}
}

// An argument that places a block (project, location, zone or region)
// and failed to evaluate leaves the block's place unknown. The block is
// skipped with one warning rather than put where the provider's defaults
// are, and no other warning repeats the problem.
func TestTerraformUnevaluatedPlacement(t *testing.T) {
	run := block("google_cloud_run_v2_service", "api", 3, map[string]any{"name": "api"})
	run.Unevaluated = map[string]string{"location": "invalid function argument"}
	vm := block("google_compute_instance", "vm", 10, map[string]any{"name": "vm"})
	vm.Unevaluated = map[string]string{"zone": "invalid function argument"}
	grant := block("google_project_iam_member", "ci", 20, map[string]any{
		"role": "roles/editor", "member": "serviceAccount:ci@example-prod.iam.gserviceaccount.com",
	})
	grant.Unevaluated = map[string]string{"project": "error in function call"}
	// Skipped for a reason of its own, a block gets no warning about an
	// argument it did not read.
	bare := block("google_cloud_run_v2_service", "bare", 30, map[string]any{"name": "bare"})
	bare.Unevaluated = map[string]string{"template": "error in function call"}
	res := tfConvert(t, run, vm, grant, bare)

	var warnings []string
	for _, d := range res.Diags {
		warnings = append(warnings, d.String())
	}
	want := []string{
		"main.tf:3: google_cloud_run_v2_service.api: location could not be evaluated: invalid function argument; block skipped",
		"main.tf:10: google_compute_instance.vm: zone could not be evaluated: invalid function argument; block skipped",
		"main.tf:20: google_project_iam_member.ci: project could not be evaluated: error in function call; block skipped",
		"main.tf:30: google_cloud_run_v2_service.bare: location is missing and the provider sets no region; block skipped",
	}
	if !slices.Equal(warnings, want) {
		t.Errorf("warnings\n got %q\nwant %q", warnings, want)
	}
	for _, e := range res.Edges {
		t.Errorf("edge %s, want none from blocks whose place is not known", e.Key())
	}
}

// remove_default_node_pool makes the provider delete the cluster's node
// pool named default-pool once the cluster is made, also one given inline
// under that name.
func TestTerraformRemovedInlineDefaultPool(t *testing.T) {
	res := tfConvert(t, block("google_container_cluster", "named", 3, map[string]any{
		"name": "named", "location": "europe-west1", "remove_default_node_pool": true,
		"node_pool": []any{
			map[string]any{"name": "default-pool", "node_config": []any{map[string]any{
				"service_account": "gone@p.iam.gserviceaccount.com"}}},
			map[string]any{"name": "web", "node_config": []any{map[string]any{
				"service_account": "web@p.iam.gserviceaccount.com"}}},
		},
	}))
	pools := "runtime:gcp:gke:projects/example-prod/locations/europe-west1/clusters/named/nodePools/"
	findNode(t, res, pools+"web")
	for _, n := range res.Nodes {
		if n.ID == pools+"default-pool" {
			t.Errorf("node %s, want none: the provider deletes that pool", n.ID)
		}
	}
}

// A cluster whose node pools a dynamic block writes has those pools, so
// GKE makes no default pool from its node_config.
func TestTerraformDynamicNodePools(t *testing.T) {
	res := tfConvert(t,
		block("google_container_cluster", "dyn", 3, map[string]any{
			"name": "dyn", "location": "europe-west1",
			"dynamic":     []any{"node_pool"},
			"node_config": []any{map[string]any{"service_account": "unused@p.iam.gserviceaccount.com", "oauth_scopes": []any{"cloud-platform"}}},
		}),
	)
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeAuthenticatesAs {
			t.Errorf("unexpected node credentials %s", e.Key())
		}
	}
}

// A default pool that remove_default_node_pool may delete, by a value the
// input does not show, hands out its nodes' credentials possibly.
func TestTerraformDefaultPoolMaybeRemoved(t *testing.T) {
	res := tfConvert(t,
		block("google_container_cluster", "maybe", 3, map[string]any{
			"name": "maybe", "location": "europe-west1", "remove_default_node_pool": "${var.remove}",
			"node_config": []any{map[string]any{"service_account": "n@p.iam.gserviceaccount.com", "oauth_scopes": []any{"cloud-platform"}}},
		}),
	)
	found := false
	for _, e := range res.Edges {
		if e.Kind != graph.EdgeAuthenticatesAs {
			continue
		}
		found = true
		if e.Confidence != graph.Possible || !strings.Contains(e.Attrs[graph.AttrReason], "remove_default_node_pool") {
			t.Errorf("%s is %s with reason %q, want possible naming remove_default_node_pool", e.Key(), e.Confidence, e.Attrs[graph.AttrReason])
		}
	}
	if !found {
		t.Error("no node credentials for the default pool")
	}
}

// TestTerraformProjectNotShown reads blocks that set no project under a
// google provider that sets none either. Terraform then takes the project
// from the environment or the credentials, so each id holds the
// placeholder of the provider's project, and the nodes name it in
// unresolved. A block's own project argument still wins, and a project
// grant, whose project the provider never fills in, is skipped.
func TestTerraformProjectNotShown(t *testing.T) {
	noProject := func(typ, name string, line int, attrs map[string]any) TerraformBlock {
		b := block(typ, name, line, attrs)
		b.Project = ""
		return b
	}
	res := tfConvert(t,
		noProject("google_compute_instance", "web", 1, map[string]any{
			"name": "web", "zone": "europe-west1-b",
			"service_account": []any{map[string]any{
				"email": "app@${provider.google.project}.iam.gserviceaccount.com", "scopes": []any{"cloud-platform"}}},
		}),
		noProject("google_cloud_run_v2_service", "api", 10, map[string]any{
			"name": "api", "location": "europe-west1",
			"template": []any{map[string]any{
				"containers": []any{map[string]any{
					"image": "gcr.io/example-prod/api:1.0",
					"env": []any{
						map[string]any{"name": "DB_PASSWORD", "value_source": []any{map[string]any{
							"secret_key_ref": []any{map[string]any{"secret": "db-password", "version": "latest"}}}}},
						map[string]any{"name": "API_KEY", "value_source": []any{map[string]any{
							"secret_key_ref": []any{map[string]any{"secret": "projects/${provider.google.project}/secrets/api-key"}}}}},
					},
				}},
			}},
		}),
		noProject("google_compute_instance_template", "worker", 20, map[string]any{"name": "worker"}),
		noProject("google_secret_manager_secret", "db", 30, map[string]any{"secret_id": "db-password"}),
		noProject("google_service_account", "app", 35, map[string]any{"account_id": "app"}),
		noProject("google_compute_instance", "dev", 40, map[string]any{
			"name": "dev", "zone": "europe-west1-b", "project": "example-dev"}),
		block("google_compute_instance", "prod", 45, map[string]any{"name": "prod", "zone": "europe-west1-b"}),
		noProject("google_project_iam_member", "owner", 50, map[string]any{
			"role": "roles/owner", "member": "user:erin@example.com"}),
		noProject("google_artifact_registry_repository", "app", 55, map[string]any{
			"repository_id": "app", "location": "us", "format": "DOCKER"}),
		noProject("google_container_cluster", "prod", 60, map[string]any{"name": "prod", "location": "europe-west1"}),
		noProject("google_project_iam_custom_role", "deployer", 65, map[string]any{
			"role_id": "deployer", "permissions": []any{"run.services.update"}}),
		noProject("google_storage_bucket", "logs", 70, map[string]any{"name": "example-logs"}),
	)
	const unknown = "provider.google.project"
	web := "runtime:gcp:gce:projects/${provider.google.project}/zones/europe-west1-b/instances/web"
	api := "runtime:gcp:run:${provider.google.project}/europe-west1/api"
	worker := "runtime:gcp:gce:projects/${provider.google.project}/global/instanceTemplates/worker"
	db := "gcp:secret:projects/${provider.google.project}/secrets/db-password"
	apiKey := "gcp:secret:projects/${provider.google.project}/secrets/api-key"
	app := "gcp:sa:app@${provider.google.project}.iam.gserviceaccount.com"
	for _, id := range []string{web, api, worker} {
		checkAttrs(t, findNode(t, res, id), map[string]string{"project": "${provider.google.project}", "unresolved": unknown})
	}
	for _, id := range []string{db, apiKey, app, "secret:gcp:metadata-token:gcp:gce:projects/${provider.google.project}/zones/europe-west1-b/instances/web",
		"gcp:resource:artifactregistry.googleapis.com/projects/${provider.google.project}/locations/us/repositories/app",
		"gcp:gke:projects/${provider.google.project}/locations/europe-west1/clusters/prod",
		"gcp:role:projects/${provider.google.project}/roles/deployer"} {
		checkAttrs(t, findNode(t, res, id), map[string]string{"unresolved": unknown})
	}
	// A bucket's name is global: only its project is open.
	checkAttrs(t, findNode(t, res, "gcp:bucket:example-logs"), map[string]string{
		"project": "${provider.google.project}", "unresolved": unknown})
	checkAttrs(t, findNode(t, res, "runtime:gcp:gce:projects/example-dev/zones/europe-west1-b/instances/dev"),
		map[string]string{"project": "example-dev", "unresolved": ""})
	checkAttrs(t, findNode(t, res, "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/prod"),
		map[string]string{"project": "example-prod", "unresolved": ""})

	want := []string{
		api + " -> " + apiKey + " (env API_KEY)",
		api + " -> " + db + " (env DB_PASSWORD)",
	}
	var got []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeExposes && e.Attrs[graph.AttrVia] == "env" {
			got = append(got, e.From+" -> "+e.To+" ("+e.Attrs[graph.AttrVia]+" "+e.Attrs[graph.AttrName]+")")
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secrets exposed (-want +got):\n%s", diff)
	}
	for _, n := range res.Nodes {
		if strings.Contains(n.ID, "projects//") || strings.Contains(n.ID, ":run:/") || strings.Contains(n.ID, "@.iam.") {
			t.Errorf("node %s has an empty project", n.ID)
		}
	}
	for _, id := range nodeIDs(res, graph.NodePolicy) {
		if strings.HasPrefix(id, "gcp:grant:") {
			t.Errorf("grant %s, want none: the project grant names no project", id)
		}
	}
	if len(res.Diags) != 1 || res.Diags[0].Pos.Line != 50 {
		t.Errorf("diagnostics = %v, want one at line 50 for the project grant", res.Diags)
	}
}

// TestTerraformComputedProjectNotShown checks that the names other blocks
// read contain the placeholder of the provider's project when neither the
// block nor its provider sets a project, as the ids of the blocks do.
func TestTerraformComputedProjectNotShown(t *testing.T) {
	tests := []struct {
		typ   string
		attrs map[string]any
		known map[string]string
	}{
		{"google_service_account", map[string]any{"account_id": "app"}, map[string]string{
			"email":   "app@${provider.google.project}.iam.gserviceaccount.com",
			"member":  "serviceAccount:app@${provider.google.project}.iam.gserviceaccount.com",
			"name":    "projects/${provider.google.project}/serviceAccounts/app@${provider.google.project}.iam.gserviceaccount.com",
			"id":      "projects/${provider.google.project}/serviceAccounts/app@${provider.google.project}.iam.gserviceaccount.com",
			"project": "${provider.google.project}"}},
		{"google_secret_manager_secret", map[string]any{"secret_id": "db"}, map[string]string{
			"id": "projects/${provider.google.project}/secrets/db", "name": "projects/${provider.google.project}/secrets/db",
			"project": "${provider.google.project}"}},
		{"google_secret_manager_secret", map[string]any{"secret_id": "db", "project": "example-dev"}, map[string]string{
			"id": "projects/example-dev/secrets/db", "name": "projects/example-dev/secrets/db", "project": "example-dev"}},
		{"google_project_iam_custom_role", map[string]any{"role_id": "deployer"}, map[string]string{
			"id": "projects/${provider.google.project}/roles/deployer", "name": "projects/${provider.google.project}/roles/deployer"}},
	}
	for _, tt := range tests {
		known, _ := TerraformComputed(tt.typ, false, tt.attrs, "", "")
		if diff := cmp.Diff(tt.known, known); diff != "" {
			t.Errorf("%s %v known (-want +got):\n%s", tt.typ, tt.attrs, diff)
		}
	}
}

// TestTerraformComputedProjectData checks the google_project data source:
// without project_id it reads the provider's project.
func TestTerraformComputedProjectData(t *testing.T) {
	tests := []struct {
		attrs    map[string]any
		provider string
		known    map[string]string
	}{
		{map[string]any{}, "example-prod", map[string]string{"id": "projects/example-prod", "project_id": "example-prod"}},
		{map[string]any{}, "", map[string]string{"id": "projects/${provider.google.project}", "project_id": "${provider.google.project}"}},
		{map[string]any{"project_id": "example-dev"}, "example-prod", map[string]string{"id": "projects/example-dev", "project_id": "example-dev"}},
	}
	for _, tt := range tests {
		known, unknown := TerraformComputed("google_project", true, tt.attrs, tt.provider, "")
		if diff := cmp.Diff(tt.known, known); diff != "" {
			t.Errorf("%v under provider project %q known (-want +got):\n%s", tt.attrs, tt.provider, diff)
		}
		if !slices.Equal(unknown, []string{"number"}) {
			t.Errorf("%v unknown = %v, want [number]", tt.attrs, unknown)
		}
	}
}
