package gcpiam

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// TerraformBlock is one google_* block as ingest/terraform evaluates it.
//
// Attrs holds the evaluated arguments: strings, bools, numbers (float64
// or json.Number), []any for lists and sets, map[string]any for maps and
// objects, and each nested block type as []any of map[string]any (one
// element per block). A value the input does not show is the placeholder
// text "${reference}"; absent and null arguments are left out.
type TerraformBlock struct {
	Type    string // resource type, e.g. google_project_iam_member
	Name    string // block label
	Address string // e.g. google_project_iam_member.owners
	Attrs   map[string]any
	Line    int    // line of the block header
	File    string // file path for positions; the pipeline sets it anyway
	// Project is the project of the google or google-beta provider
	// configuration the block uses, "" when the input does not show it.
	Project string
	// Region is the region of the provider configuration the block uses,
	// "" when the input does not show it.
	Region string
	// Zone is the zone of the provider configuration the block uses, ""
	// when the input does not show it.
	Zone string
	// Template holds, in the form of Attrs, the arguments of the instance
	// template that a google_compute_instance_from_template block names.
	// It is nil when the input does not declare that template.
	Template map[string]any
	// Groups lists the managed instance groups whose versions use an
	// instance template, as projects/P/zones/Z/instanceGroupManagers/N or
	// projects/P/regions/R/instanceGroupManagers/N.
	Groups []string
	// Unevaluated holds the arguments whose expressions the evaluator
	// failed on, each with the evaluator's reason. They are left out of
	// Attrs.
	Unevaluated map[string]string
}

// TerraformTypes lists the resource types TerraformResource converts.
var TerraformTypes = map[string]bool{
	"google_project":            true,
	"google_project_iam_member": true, "google_project_iam_binding": true, "google_project_iam_policy": true,
	"google_folder_iam_member": true, "google_folder_iam_binding": true, "google_folder_iam_policy": true,
	"google_organization_iam_member": true, "google_organization_iam_binding": true, "google_organization_iam_policy": true,
	"google_service_account_iam_member": true, "google_service_account_iam_binding": true, "google_service_account_iam_policy": true,
	"google_storage_bucket_iam_member": true, "google_storage_bucket_iam_binding": true, "google_storage_bucket_iam_policy": true,
	"google_secret_manager_secret_iam_member": true, "google_secret_manager_secret_iam_binding": true, "google_secret_manager_secret_iam_policy": true,
	"google_service_account": true, "google_service_account_key": true,
	"google_iam_workload_identity_pool": true, "google_iam_workload_identity_pool_provider": true,
	"google_secret_manager_secret": true, "google_secret_manager_secret_version": true,
	"google_storage_bucket":    true,
	"google_container_cluster": true, "google_container_node_pool": true,
	"google_project_iam_custom_role": true, "google_organization_iam_custom_role": true,
	"google_artifact_registry_repository":            true,
	"google_artifact_registry_repository_iam_member": true, "google_artifact_registry_repository_iam_binding": true,
	"google_artifact_registry_repository_iam_policy": true,
	"google_cloud_run_v2_service":                    true, "google_cloud_run_v2_job": true,
	"google_cloud_run_service":       true,
	"google_cloudfunctions_function": true, "google_cloudfunctions2_function": true,
	"google_compute_instance": true, "google_compute_instance_template": true,
	"google_compute_region_instance_template": true, "google_compute_instance_from_template": true,
}

// TerraformResource converts one evaluated google_* resource block into
// facts. Blocks of other types give nothing. Problems that leave out part
// of the block come back as diagnostics at the block's line; they never
// quote argument values. A block whose project neither it nor the
// provider configuration it uses sets is read in the project
// "${provider.google.project}" (providerProject), except a grant on a
// project, which is skipped.
func TerraformResource(b TerraformBlock, env *ingest.Env) ([]graph.Node, []graph.Edge, []ingest.Diagnostic) {
	if !TerraformTypes[b.Type] {
		return nil, nil, nil
	}
	bl := newBuilder(b.File, sourceTerraform, env)
	t := tfBlock{TerraformBlock: b, b: bl}
	// An argument that places the block and failed to evaluate leaves its
	// place unknown, so the provider's defaults are not used in its place.
	for _, k := range []string{"project", "location", "region", "zone"} {
		if reason, ok := t.Unevaluated[k]; ok {
			t.warnf("%s could not be evaluated: %s; block skipped", k, reason)
			return bl.nodes, bl.edges, bl.diags
		}
	}
	t.convert()
	if !t.skipped {
		// The block was read without these arguments: warn once about each
		// that no check named already.
		for _, k := range slices.Sorted(maps.Keys(t.Unevaluated)) {
			if !t.reported[k] {
				t.warnf("%s could not be evaluated: %s; read without it", k, t.Unevaluated[k])
			}
		}
	}
	for i := range bl.nodes {
		markUnresolved(&bl.nodes[i])
	}
	return bl.nodes, bl.edges, bl.diags
}

type tfBlock struct {
	TerraformBlock
	b *builder
	// skipped is set when a required argument is missing, and reported
	// holds the unevaluated arguments that a warning named already.
	skipped  bool
	reported map[string]bool
}

func (t *tfBlock) extra() map[string]string { return map[string]string{attrTFAddress: t.Address} }

func (t *tfBlock) warnf(format string, args ...any) {
	t.b.warnf(t.Line, "%s: "+format, append([]any{t.Address}, args...)...)
}

// skipf warns that the block is skipped, and why.
func (t *tfBlock) skipf(format string, args ...any) {
	t.skipped = true
	t.warnf(format, args...)
}

// require returns a string argument the block cannot do without.
func (t *tfBlock) require(key string) (string, bool) {
	if s := tfStr(t.Attrs, key); s != "" {
		return s, true
	}
	t.skipped = true
	if reason, ok := t.Unevaluated[key]; ok {
		if t.reported == nil {
			t.reported = map[string]bool{}
		}
		t.reported[key] = true
		t.warnf("%s could not be evaluated: %s; block skipped", key, reason)
		return "", false
	}
	t.warnf("%s is missing, empty or not known; block skipped", key)
	return "", false
}

// providerProject is the placeholder project of a block when neither the
// block nor the provider configuration it uses sets one. Terraform then
// takes the project from the environment (GOOGLE_PROJECT and others) or
// the credentials, which the input does not show. The google and
// google-beta providers read the same environment, so every configuration
// without a project (google, google-beta, or an alias of either) gets
// this placeholder. That holds even when another configuration sets a
// project, because the placeholder is the environment's project and not
// that one. It keeps the ids of the blocks that run in that project equal
// (an instance, its account, the secret it reads), and markUnresolved
// lists it on each node that contains it.
const providerProject = "${provider.google.project}"

// shownProject returns the block's project argument, else the provider's,
// else "".
func (t *tfBlock) shownProject() string {
	if p := tfStr(t.Attrs, "project"); p != "" {
		return strings.TrimPrefix(p, "projects/")
	}
	return t.Project
}

// project returns the block's project: shownProject, else
// providerProject. Every reader uses it except that of project grants.
func (t *tfBlock) project() string {
	if p := t.shownProject(); p != "" {
		return p
	}
	return providerProject
}

func (t *tfBlock) convert() {
	typ := t.Type
	switch {
	case typ == "google_project":
		t.googleProject()
	case strings.HasSuffix(typ, "_iam_member"), strings.HasSuffix(typ, "_iam_binding"), strings.HasSuffix(typ, "_iam_policy"):
		t.iam()
	case typ == "google_service_account":
		t.serviceAccount()
	case typ == "google_service_account_key":
		t.serviceAccountKey()
	case typ == "google_iam_workload_identity_pool":
		t.b.records++
	case typ == "google_iam_workload_identity_pool_provider":
		t.wifProvider()
	case typ == "google_secret_manager_secret":
		if id, ok := t.require("secret_id"); ok {
			r := t.secret(id)
			r.attrs = t.extra()
			t.b.resource(r, t.Line)
			t.b.records++
		}
	case typ == "google_secret_manager_secret_version":
		t.secretVersion()
	case typ == "google_storage_bucket":
		if name, ok := t.require("name"); ok {
			r := bucketRes(name, t.project())
			r.attrs = t.extra()
			t.b.resource(r, t.Line)
			t.b.records++
		}
	case typ == "google_artifact_registry_repository":
		t.artifactRepo()
	case typ == "google_cloud_run_v2_service", typ == "google_cloud_run_v2_job", typ == "google_cloud_run_service":
		t.cloudRun()
	case typ == "google_cloudfunctions_function", typ == "google_cloudfunctions2_function":
		t.cloudFunction()
	case typ == "google_compute_instance":
		t.computeInstance()
	case typ == "google_compute_instance_from_template":
		t.instanceFromTemplate()
	case typ == "google_compute_instance_template", typ == "google_compute_region_instance_template":
		t.instanceTemplate()
	case typ == "google_container_cluster":
		t.cluster()
	case typ == "google_container_node_pool":
		t.nodePool()
	case typ == "google_project_iam_custom_role":
		if id, ok := t.require("role_id"); ok {
			t.b.customRole("projects/"+t.project()+"/roles/"+id, tfStr(t.Attrs, "title"), tfStrings(t.Attrs, "permissions"), t.Line, t.extra())
			t.b.records++
		}
	case typ == "google_organization_iam_custom_role":
		role, ok1 := t.require("role_id")
		org, ok2 := t.require("org_id")
		if ok1 && ok2 {
			t.b.customRole("organizations/"+org+"/roles/"+role, tfStr(t.Attrs, "title"), tfStrings(t.Attrs, "permissions"), t.Line, t.extra())
			t.b.records++
		}
	}
}

func (t *tfBlock) googleProject() {
	id, ok := t.require("project_id")
	if !ok {
		return
	}
	r := projectRes(id)
	r.attrs = t.extra()
	if org := tfStr(t.Attrs, "org_id"); org != "" {
		r.attrs["parent"] = "organizations/" + org
	}
	if folder := tfStr(t.Attrs, "folder_id"); folder != "" {
		r.attrs["parent"] = "folders/" + strings.TrimPrefix(folder, "folders/")
	}
	t.b.resource(r, t.Line)
	t.b.records++
}

// secret returns a secret given by id or by projects/P/secrets/S.
func (t *tfBlock) secret(id string) resource {
	if r := resourceFromName(id, ""); r.valid() && r.typ == typeSecret {
		return r
	}
	return secretRes(t.project(), id)
}

// iamTarget returns the resource a *_iam_* block attaches to.
func (t *tfBlock) iamTarget() (resource, bool) {
	kind := strings.TrimPrefix(t.Type, "google_")
	kind = kind[:strings.Index(kind, "_iam_")]
	switch kind {
	case "project":
		// Without a project argument the provider's project is used.
		// Without either, the block is skipped, because current
		// provider versions require project on these blocks.
		p := t.shownProject()
		if p == "" {
			t.skipf("project is missing and the provider sets none; block skipped")
			return resource{}, false
		}
		return projectRes(p), true
	case "folder":
		f, ok := t.require("folder")
		return folderRes(strings.TrimPrefix(f, "folders/")), ok
	case "organization":
		o, ok := t.require("org_id")
		return orgRes(strings.TrimPrefix(o, "organizations/")), ok
	case "service_account":
		id, ok := t.require("service_account_id")
		if !ok {
			return resource{}, false
		}
		return t.serviceAccountRef(id)
	case "storage_bucket":
		name, ok := t.require("bucket")
		return bucketRes(name, ""), ok
	case "secret_manager_secret":
		id, ok := t.require("secret_id")
		return t.secret(id), ok
	case "artifact_registry_repository":
		id, ok := t.require("repository")
		if !ok {
			return resource{}, false
		}
		return t.artifactRepoRef(id)
	}
	return resource{}, false
}

// artifactRepoRef reads a repository given by its id, with the block's
// location and project, or by projects/P/locations/L/repositories/R.
func (t *tfBlock) artifactRepoRef(id string) (resource, bool) {
	if r, ok := artifactRepoFromName(id); ok {
		return r, true
	}
	if strings.Contains(id, "/") {
		t.skipf("repository is not a repository id or name; block skipped")
		return resource{}, false
	}
	// Without a location, Terraform takes the provider's region.
	// NOTE: the provider documents this for the _iam_ resources; a
	// repository block without location is taken to behave alike.
	loc := t.location()
	if loc == "" {
		loc = t.Region
	}
	if loc == "" {
		t.skipf("the repository's location is missing or not known; block skipped")
		return resource{}, false
	}
	return artifactRepoRes(t.project(), loc, id), true
}

// artifactRepo adds an Artifact Registry repository with the settings
// that decide whether a push moves its images' tags.
func (t *tfBlock) artifactRepo() {
	id, ok := t.require("repository_id")
	if !ok {
		return
	}
	r, ok := t.artifactRepoRef(id)
	if !ok {
		return
	}
	r.attrs = t.extra()
	r.attrs["format"] = tfStr(t.Attrs, "format")
	r.attrs["mode"] = tfStr(t.Attrs, "mode")
	if dc := tfBlockAttr(t.Attrs, "docker_config"); dc != nil {
		// Terraform converts the text "true" or "false" to the bool the
		// argument takes. Other text is a value the input does not
		// resolve, which is kept so that the linker can tell.
		switch it := dc["immutable_tags"].(type) {
		case bool:
			r.attrs["immutable_tags"] = boolText(it)
		case string:
			r.attrs["immutable_tags"] = it
		}
	}
	if vc := tfBlockAttr(t.Attrs, "virtual_repository_config"); vc != nil {
		var upstreams []string
		for _, p := range tfBlocks(vc, "upstream_policies") {
			upstreams = append(upstreams, upstreamID(tfStr(p, "repository")))
		}
		r.attrs["upstreams"] = graph.JoinList(upstreams)
	}
	t.b.resource(r, t.Line)
	t.b.records++
}

// upstreamID returns the id of the upstream repository of a virtual
// repository's upstream policy, given as projects/P/locations/L/repositories/R,
// or "" for another value.
func upstreamID(name string) string {
	if u, ok := artifactRepoFromName(name); ok {
		return u.id
	}
	return ""
}

// serviceAccountRef reads a service account given by email or by
// projects/P/serviceAccounts/EMAIL.
// TerraformKeyID returns the id of the key that a google_service_account_key
// block named name makes for the service account its service_account_id
// gives, by email or by projects/P/serviceAccounts/EMAIL. It reports false
// for an account given by unique id, whose email the input does not show.
func TerraformKeyID(serviceAccountID, name string) (string, bool) {
	r, ok := serviceAccountOf(serviceAccountID)
	if !ok {
		return "", false
	}
	return graph.GCPServiceAccountKeyID(r.label, name), true
}

// serviceAccountOf reads a service account given by email or by
// projects/P/serviceAccounts/EMAIL.
func serviceAccountOf(id string) (resource, bool) {
	if r := resourceFromName(id, ""); r.valid() && r.typ == typeServiceAccount {
		return r, true
	}
	if strings.Contains(id, "@") {
		return serviceAccountRes(id, ""), true
	}
	return resource{}, false
}

func (t *tfBlock) serviceAccountRef(id string) (resource, bool) {
	if r, ok := serviceAccountOf(id); ok {
		return r, true
	}
	t.skipf("service account is given by unique id or cannot be resolved; block skipped")
	return resource{}, false
}

func (t *tfBlock) iam() {
	r, ok := t.iamTarget()
	if !ok {
		return
	}
	t.b.resource(r, t.Line)
	extra := t.extra()
	switch {
	case strings.HasSuffix(t.Type, "_iam_policy"):
		data := tfStr(t.Attrs, "policy_data")
		if data == "" || strings.Contains(data, "${") && !strings.HasPrefix(strings.TrimSpace(data), "{") {
			t.warnf("policy_data could not be resolved; its grants are left out")
			return
		}
		rd := newReader([]byte(data))
		v, err := one(rd)
		if err != nil || v.kind != 'o' {
			t.warnf("policy_data is not a JSON allow policy; its grants are left out")
			return
		}
		// Positions inside the rendered JSON mean nothing in the .tf file.
		rd.lines = []int{0}
		before := len(t.b.nodes)
		t.b.policy(rd, r, v, extra)
		t.b.records++
		for i := before; i < len(t.b.nodes); i++ {
			t.b.nodes[i].Pos.Line = t.Line
		}
		for i := range t.b.edges {
			t.b.edges[i].Pos.Line = t.Line
		}
		for i := range t.b.diags {
			t.b.diags[i].Pos.Line = t.Line
		}
		return
	}
	role, ok := t.require("role")
	if !ok {
		return
	}
	cond := condition{}
	if c := tfBlockAttr(t.Attrs, "condition"); c != nil {
		cond = condition{title: tfStr(c, "title"), expression: tfStr(c, "expression")}
	}
	var members []string
	if strings.HasSuffix(t.Type, "_iam_member") {
		m, ok := t.require("member")
		if !ok {
			return
		}
		members = []string{m}
	} else {
		members = tfStrings(t.Attrs, "members")
	}
	for _, m := range members {
		t.b.grant(r, role, m, cond, t.Line, extra)
	}
	t.b.records++
}

func (t *tfBlock) serviceAccount() {
	id, ok := t.require("account_id")
	if !ok {
		return
	}
	p := t.project()
	t.b.serviceAccount(id+"@"+p+".iam.gserviceaccount.com", p, t.Line, t.extra())
	t.b.records++
}

func (t *tfBlock) serviceAccountKey() {
	id, ok := t.require("service_account_id")
	if !ok {
		return
	}
	r, ok := t.serviceAccountRef(id)
	if !ok {
		return
	}
	t.b.resource(r, t.Line)
	t.b.key(r.label, t.Name, t.Line, map[string]string{attrTFAddress: t.Address, attrProject: r.project})
	t.b.records++
}

func (t *tfBlock) wifProvider() {
	pool, ok1 := t.require("workload_identity_pool_id")
	provider, ok2 := t.require("workload_identity_pool_provider_id")
	if !ok1 || !ok2 {
		return
	}
	if p, _ := poolOf(pool); p != "" {
		pool = p
	}
	mapping := map[string]string{}
	for k, v := range tfMap(t.Attrs, "attribute_mapping") {
		if s, ok := v.(string); ok {
			mapping[k] = s
		}
	}
	issuer := ""
	if o := tfBlockAttr(t.Attrs, "oidc"); o != nil {
		issuer = tfStr(o, "issuer_uri")
	}
	extra := t.extra()
	extra[attrProject] = t.project()
	if d, _ := t.Attrs["disabled"].(bool); d {
		extra["disabled"] = "true"
	}
	t.b.wifProvider(pool, provider, issuer, tfStr(t.Attrs, "attribute_condition"), mapping, t.Line, extra)
	t.b.records++
}

// secretVersion records a value written out in the input on its secret.
func (t *tfBlock) secretVersion() {
	id, ok := t.require("secret")
	if !ok {
		return
	}
	data := tfStr(t.Attrs, "secret_data")
	if data == "" || strings.Contains(data, "${") {
		t.b.records++
		return
	}
	r := t.secret(id)
	r.attrs = map[string]string{
		graph.AttrFingerprint:  t.b.fingerprint(data),
		graph.AttrStoredInline: "true",
	}
	t.b.resource(r, t.Line)
	t.b.records++
}

func (t *tfBlock) location() string {
	for _, k := range []string{"location", "zone", "region"} {
		if s := tfStr(t.Attrs, k); s != "" {
			return s
		}
	}
	return ""
}

// clusterLocation returns the location of a cluster or node pool as the
// provider finds it: location, else region, else zone, else the
// provider's zone. It warns and reports false when none is known.
func (t *tfBlock) clusterLocation() (string, bool) {
	keys := []string{"location", "region", "zone"}
	for _, k := range keys {
		if s := tfStr(t.Attrs, k); s != "" {
			return s, true
		}
	}
	if t.Zone != "" {
		return t.Zone, true
	}
	t.skipf("location is missing and the provider sets no zone; block skipped")
	return "", false
}

func (t *tfBlock) cluster() {
	name, ok := t.require("name")
	if !ok {
		return
	}
	location, ok := t.clusterLocation()
	if !ok {
		return
	}
	r := clusterRes(t.project(), location, name)
	r.attrs = t.extra()
	if wi := tfBlockAttr(t.Attrs, "workload_identity_config"); wi != nil {
		r.attrs[attrWorkloadPool] = tfStr(wi, "workload_pool")
	}
	t.b.resource(r, t.Line)
	// GKE makes a default pool from the cluster's node_config only when no
	// node pool is given inline, and remove_default_node_pool deletes it
	// once the cluster is made.
	pools := tfBlocks(t.Attrs, "node_pool")
	removed := tfTrue(t.Attrs, "remove_default_node_pool")
	// Pools of a dynamic block are not read (the evaluator warns), but
	// they exist, so there is no default pool either.
	dynamicPools := slices.Contains(tfStrings(t.Attrs, "dynamic"), "node_pool")
	if nc := tfBlockAttr(t.Attrs, "node_config"); nc != nil && len(pools) == 0 && !removed && !dynamicPools {
		doubt := ""
		if v, _ := t.Attrs["remove_default_node_pool"].(string); strings.Contains(v, "${") {
			doubt = "the input does not show whether remove_default_node_pool deletes this default pool"
		}
		t.nodesWithDoubt(r, "default-pool", nc, doubt)
	}
	for i, np := range pools {
		// A pool without a name gets one that the provider makes from
		// name_prefix, or wholly.
		name := tfStr(np, "name")
		if name == "" {
			name = tfStr(np, "name_prefix")
		}
		if name == "" {
			name = fmt.Sprintf("node_pool[%d]", i)
		}
		if removed && name == "default-pool" {
			// The provider deletes the pool of that name, inline or not.
			continue
		}
		t.nodes(r, name, tfBlockAttr(np, "node_config"))
	}
	t.b.records++
}

func (t *tfBlock) nodePool() {
	name, ok := t.require("name")
	if !ok {
		return
	}
	cluster, ok := t.require("cluster")
	if !ok {
		return
	}
	r := resourceFromName(cluster, "")
	if !r.valid() || r.typ != typeCluster {
		location, ok := t.clusterLocation()
		if !ok {
			return
		}
		r = clusterRes(t.project(), location, cluster)
	}
	t.b.resource(r, t.Line)
	t.nodes(r, name, tfBlockAttr(t.Attrs, "node_config"))
	t.b.records++
}

// nodes adds the Runtime of a node pool and the credentials of its
// service account that the metadata server hands to code on the nodes.
func (t *tfBlock) nodes(cluster resource, pool string, nc map[string]any) {
	t.nodesWithDoubt(cluster, pool, nc, "")
}

// nodesWithDoubt is nodes for a pool that may not exist: a non-empty
// doubt gives the reason, and makes the nodes' credentials possible.
func (t *tfBlock) nodesWithDoubt(cluster resource, pool string, nc map[string]any, doubt string) {
	rt := graph.GCPNodePoolID(cluster.id, pool)
	attrs := map[string]string{
		graph.AttrProvider: providerGCP,
		attrType:           "gke-node-pool",
		attrProject:        cluster.project,
		"cluster":          cluster.id,
		attrTFAddress:      t.Address,
	}
	sa := tfStr(nc, "service_account")
	if wm := tfBlockAttr(nc, "workload_metadata_config"); wm != nil {
		attrs["workload_metadata"] = tfStr(wm, "mode")
	}
	attrs["service_account"] = sa
	scopes := tfStrings(nc, "oauth_scopes")
	attrs["scopes"] = graph.JoinList(scopes)
	t.b.node(graph.NodeRuntime, rt, "GKE node pool "+pool, t.Line, attrs)
	if sa == "" || sa == "default" {
		// The Compute Engine default account is named by project number,
		// which the configuration does not show.
		return
	}
	// The nodes are Compute Engine instances: their oauth_scopes bound
	// the tokens as an instance's scopes do.
	_, declared := nc["oauth_scopes"]
	limit := scopeLimit("the nodes'", declared, scopes)
	switch {
	case doubt != "" && limit != "":
		limit = doubt + "; " + limit
	case doubt != "":
		limit = doubt
	}
	t.metadataCredentials(rt, pool, sa, limit)
}

// metadataCredentials adds the credentials of service account sa that the
// metadata server hands to the code of runtime rt, named name. A non-empty
// limit is the reason why the credentials may not reach all that the
// account reaches, and makes AUTHENTICATES_AS possible. So does an email
// that is a placeholder for a reference the input does not resolve.
func (t *tfBlock) metadataCredentials(rt, name, sa, limit string) {
	if strings.Contains(sa, "${") {
		unknown := "the service account " + sa + " is not resolved from the input"
		if limit != "" {
			unknown = limit + "; " + unknown
		}
		limit = unknown
	}
	acct := serviceAccountRes(sa, "")
	t.b.resource(acct, t.Line)
	cred := graph.GCPMetadataCredentialsID(rt)
	t.b.node(graph.NodeSecret, cred, "metadata credentials of "+name, t.Line, map[string]string{
		graph.AttrProvider:  providerGCP,
		attrType:            "metadata-token",
		graph.AttrVia:       "metadata",
		graph.AttrLongLived: "false",
	})
	t.b.edge(rt, graph.EdgeExposes, cred, t.Line, map[string]string{graph.AttrVia: "metadata"})
	if limit == "" {
		t.b.edge(cred, graph.EdgeAuthenticatesAs, acct.id, t.Line, nil)
		return
	}
	t.b.edgeWith(cred, graph.EdgeAuthenticatesAs, acct.id, graph.Possible, t.Line, map[string]string{graph.AttrReason: limit})
}

// cloudRun adds the Runtime of a Cloud Run service or job, the container
// images it runs, and the credentials of its service account that the
// metadata server hands to its code. A job's containers sit one template
// deeper than a service's, and those of a service of the v1 API
// (google_cloud_run_service) in template.spec, which names the account
// service_account_name. Without a service account, Cloud Run runs as
// the Compute Engine default account, which is named by the project's
// number that the configuration does not show.
func (t *tfBlock) cloudRun() {
	name, location, ok := t.regionalName()
	if !ok {
		return
	}

	tmpl := tfBlockAttr(t.Attrs, "template")
	kind := "cloud-run-service"
	if t.Type == "google_cloud_run_v2_job" {
		kind = "cloud-run-job"
		tmpl = tfBlockAttr(tmpl, "template")
	}
	sa := tfStr(tmpl, "service_account")
	if t.Type == "google_cloud_run_service" {
		tmpl = tfBlockAttr(tmpl, "spec")
		sa = tfStr(tmpl, "service_account_name")
	}

	rt := graph.GCPCloudRunID(t.project(), location, name)
	t.b.node(graph.NodeRuntime, rt, "Cloud Run "+name, t.Line, map[string]string{
		graph.AttrProvider: providerGCP,
		attrType:           kind,
		attrProject:        t.project(),
		"location":         location,
		graph.AttrName:     name,
		"service_account":  sa,
		attrTFAddress:      t.Address,
	})
	t.b.records++

	// A service resolves the tag to a digest when it deploys a revision,
	// which runs that digest until the next deploy. A job resolves it
	// each time it is executed, so it runs a pushed tag at its next
	// execution.
	pull := graph.PullOnDeploy
	if kind == "cloud-run-job" {
		pull = ""
	}
	containers := tfBlocks(tmpl, "containers")
	for i, c := range containers {
		t.b.executesImageWith(rt, tfStr(c, "image"), t.Line, graph.Certain, "", pull)
		var literals []envVar
		// Secret Manager values in the environment: value_source in v2,
		// value_from in v1.
		for _, env := range tfBlocks(c, "env") {
			ref := tfStr(tfBlockAttr(tfBlockAttr(env, "value_source"), "secret_key_ref"), "secret")
			if ref == "" {
				ref = tfStr(tfBlockAttr(tfBlockAttr(env, "value_from"), "secret_key_ref"), "name")
			}
			t.exposesSecret(rt, ref, "env", tfStr(env, graph.AttrName))
			literals = append(literals, envVar{Name: tfStr(env, graph.AttrName), Value: tfStr(env, "value")})
		}
		t.envLiterals(rt, "Cloud Run "+name, containerKey(containers, i, tfStr(c, graph.AttrName)), literals)
	}
	for _, v := range tfBlocks(tmpl, "volumes") {
		s := tfBlockAttr(v, "secret")
		t.exposesSecret(rt, firstStr(s, "secret", "secret_name"), "file", tfStr(v, graph.AttrName))
	}
	if sa != "" {
		t.metadataCredentials(rt, "Cloud Run "+name, sa, "")
	}
}

// regionalName returns the name and location of a regional service (a
// Cloud Run service or job, a function): its location, zone or region
// argument, else the provider's region. ok is false, with a warning, when
// either is missing.
func (t *tfBlock) regionalName() (name, location string, ok bool) {
	name, ok = t.require("name")
	if !ok {
		return "", "", false
	}
	location = t.location()
	if location == "" {
		location = t.Region
	}
	if location == "" {
		t.skipf("location is missing and the provider sets no region; block skipped")
		return "", "", false
	}
	return name, location, true
}

// cloudFunction adds the Runtime of a Cloud Functions function, the
// Secret Manager secrets its environment and volumes name, credentials
// written as literals into its environment, and the credentials of its
// service account that the metadata server hands to its code. A 2nd gen
// function keeps these in service_config. Without service_account_email, a
// 1st gen function runs as the App Engine default account,
// PROJECT_ID@appspot.gserviceaccount.com. A 2nd gen one runs as the
// Compute Engine default account, which is named by the project's number
// that the configuration does not show, so it gets no credentials.
func (t *tfBlock) cloudFunction() {
	name, location, ok := t.regionalName()
	if !ok {
		return
	}

	cfg, kind := t.Attrs, "cloud-function"
	if t.Type == "google_cloudfunctions2_function" {
		cfg, kind = tfBlockAttr(t.Attrs, "service_config"), "cloud-function-2"
	}
	project := t.project()
	sa := tfStr(cfg, "service_account_email")
	if sa == "" && kind == "cloud-function" && project != "" && !strings.Contains(project, "${") {
		sa = project + "@appspot.gserviceaccount.com"
	}
	rt := graph.GCPCloudFunctionID(project, location, name)
	label := "Cloud Function " + name
	t.b.node(graph.NodeRuntime, rt, label, t.Line, map[string]string{
		graph.AttrProvider: providerGCP,
		attrType:           kind,
		attrProject:        project,
		"location":         location,
		graph.AttrName:     name,
		"service_account":  sa,
		attrTFAddress:      t.Address,
	})
	t.b.records++

	for _, s := range tfBlocks(cfg, "secret_environment_variables") {
		t.exposesSecret(rt, functionSecret(s), "env", tfStr(s, "key"))
	}
	for _, s := range tfBlocks(cfg, "secret_volumes") {
		t.exposesSecret(rt, functionSecret(s), "file", tfStr(s, "mount_path"))
	}
	env := tfMap(cfg, "environment_variables")
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	literals := make([]envVar, 0, len(names))
	for _, k := range names {
		literals = append(literals, envVar{Name: k, Value: tfStr(env, k)})
	}
	t.envLiterals(rt, label, "", literals)
	if sa != "" {
		t.metadataCredentials(rt, label, sa, "")
	}
}

// functionSecret returns the secret a function's secret_environment_variables
// or secret_volumes block names: its secret id, in project_id when set.
func functionSecret(s map[string]any) string {
	secret := tfStr(s, "secret")
	if p := tfStr(s, "project_id"); p != "" && secret != "" {
		return "projects/" + p + "/secrets/" + secret
	}
	return secret
}

// envVar is a variable of a container's environment with a literal value.
type envVar struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// containerKey names the i-th of a runtime's containers in the ids of its
// literal credentials: by its name, by its position when it has none, and
// not at all when it is the only one.
func containerKey[T any](containers []T, i int, name string) string {
	switch {
	case len(containers) == 1:
		return ""
	case name != "":
		return name
	}
	return strconv.Itoa(i)
}

// envLiterals adds a Secret for each credential that a container's
// environment contains as a literal value, EXPOSED to runtime rt through the
// environment, with a warning. LooksLikeCredential rejects a value that
// refers to a variable, as one the input leaves open does.
func (t *tfBlock) envLiterals(rt, label, container string, vars []envVar) {
	for _, v := range vars {
		if v.Name == "" || !literal.LooksLikeCredential(v.Name, v.Value) {
			continue
		}
		t.literalSecret(rt, graph.GCPInlineSecretID(rt, container, v.Name), v.Name+" (literal in "+label+")",
			"env-literal", v.Name, v.Value, map[string]string{graph.AttrVia: "env", graph.AttrName: v.Name})
		t.warnf("environment variable %s of %s holds a literal credential; store it in Secret Manager and rotate it", v.Name, label)
	}
}

// literalSecret adds Secret id, a credential written as a literal into the
// input, and the runtime's EXPOSES of it with the given attributes. Only
// the value's salted fingerprint is kept.
func (t *tfBlock) literalSecret(rt, id, label, typ, name, value string, exposes map[string]string) {
	t.b.node(graph.NodeSecret, id, label, t.Line, map[string]string{
		graph.AttrProvider:     providerGCP,
		attrType:               typ,
		graph.AttrName:         name,
		graph.AttrLongLived:    "true",
		graph.AttrStoredInline: "true",
		graph.AttrFingerprint:  t.b.fingerprint(value),
	})
	t.b.edge(rt, graph.EdgeExposes, id, t.Line, exposes)
}

// exposesSecret adds EXPOSES from runtime rt to the Secret Manager secret
// that ref names: a secret id in the block's project, or
// projects/P/secrets/S. via and name tell how the runtime's code gets it.
// A ref that is empty, or whose secret id the input leaves open, adds
// nothing. A project that the input leaves open stays a placeholder, as
// the block's own project does.
func (t *tfBlock) exposesSecret(rt, ref, via, name string) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return
	}
	project, secret := t.project(), ref
	if rest, ok := strings.CutPrefix(ref, "projects/"); ok {
		var found bool
		project, secret, found = strings.Cut(rest, "/secrets/")
		if !found || project == "" {
			return
		}
	}
	if secret == "" || strings.Contains(secret, "/") || strings.Contains(secret, "${") {
		return
	}
	r := secretRes(project, secret)
	t.b.resource(r, t.Line)
	t.b.edge(rt, graph.EdgeExposes, r.id, t.Line, map[string]string{graph.AttrVia: via, graph.AttrName: name})
}

// TerraformComputed returns the attributes Terraform computes for a
// google_* block that other blocks read (an account's email, a secret's
// name, a pool's name), and the attributes to leave unknown because they
// carry credential values or are known only after apply. data is true for
// data sources. Workload identity pool names carry the project id where
// Google Cloud puts the project number, which the input does not show;
// the pool id, all that the linker reads from them, is right. project and
// region are those of the provider configuration the block uses. When neither
// project nor attrs sets a project, names contain providerProject, as
// the ids that TerraformResource gives do.
func TerraformComputed(typ string, data bool, attrs map[string]any, project, region string) (known map[string]string, unknown []string) {
	known = map[string]string{}
	p := tfStr(attrs, "project")
	if p == "" {
		p = project
	}
	p = strings.TrimPrefix(p, "projects/")
	if p == "" {
		p = providerProject
	}
	set := func(k, v string) { known[k] = v }
	switch {
	case typ == "google_iam_policy" && data:
		if doc, ok := TerraformIAMPolicyData(attrs); ok {
			set("policy_data", doc)
		} else {
			unknown = append(unknown, "policy_data")
		}
	case typ == "google_service_account":
		id := tfStr(attrs, "account_id")
		if data && strings.Contains(id, "@") {
			set("email", id)
			set("name", "projects/"+p+"/serviceAccounts/"+id)
			break
		}
		if id == "" {
			break
		}
		email := id + "@" + p + ".iam.gserviceaccount.com"
		set("email", email)
		set("name", "projects/"+p+"/serviceAccounts/"+email)
		set("id", "projects/"+p+"/serviceAccounts/"+email)
		set("member", "serviceAccount:"+email)
		set("project", p)
		unknown = append(unknown, "unique_id")
	case typ == "google_service_account_key":
		unknown = append(unknown, "private_key", "public_key", "id", "name", "valid_after", "valid_before")
	case typ == "google_storage_bucket":
		name := tfStr(attrs, "name")
		set("id", name)
		set("url", "gs://"+name)
		set("self_link", "https://www.googleapis.com/storage/v1/b/"+name)
	case typ == "google_secret_manager_secret":
		name := "projects/" + p + "/secrets/" + tfStr(attrs, "secret_id")
		set("id", name)
		set("name", name)
		set("project", p)
	case typ == "google_secret_manager_secret_version":
		unknown = append(unknown, "secret_data", "id", "name", "version")
	case typ == "google_iam_workload_identity_pool":
		name := "projects/" + p + "/locations/global/workloadIdentityPools/" + tfStr(attrs, "workload_identity_pool_id")
		set("id", name)
		set("name", name)
	case typ == "google_iam_workload_identity_pool_provider":
		pool := tfStr(attrs, "workload_identity_pool_id")
		name := "projects/" + p + "/locations/global/workloadIdentityPools/" + pool +
			"/providers/" + tfStr(attrs, "workload_identity_pool_provider_id")
		set("id", name)
		set("name", name)
	case typ == "google_project":
		id := tfStr(attrs, "project_id")
		if id == "" && data {
			// The data source reads the provider's project then.
			id = p
		}
		set("id", "projects/"+id)
		set("project_id", id)
		unknown = append(unknown, "number")
	case typ == "google_artifact_registry_repository":
		id := tfStr(attrs, "repository_id")
		location := tfStr(attrs, "location")
		if location == "" {
			location = region
			set("location", region)
		}
		set("id", "projects/"+p+"/locations/"+location+"/repositories/"+id)
		set("name", id)
		set("project", p)
	case typ == "google_container_cluster":
		name := "projects/" + p + "/locations/" + firstStr(attrs, "location", "zone", "region") + "/clusters/" + tfStr(attrs, "name")
		set("id", name)
		unknown = append(unknown, "master_auth", "endpoint")
	case typ == "google_project_iam_custom_role":
		name := "projects/" + p + "/roles/" + tfStr(attrs, "role_id")
		set("id", name)
		set("name", name)
	case typ == "google_organization_iam_custom_role":
		name := "organizations/" + tfStr(attrs, "org_id") + "/roles/" + tfStr(attrs, "role_id")
		set("id", name)
		set("name", name)
	}
	return known, unknown
}

// TerraformIAMPolicyData renders the policy_data of a google_iam_policy
// data source from its evaluated binding blocks, as the provider does;
// ok is false when a binding's role or members are not known.
func TerraformIAMPolicyData(attrs map[string]any) (string, bool) {
	type cond struct {
		Title       string `json:"title,omitempty"`
		Description string `json:"description,omitempty"`
		Expression  string `json:"expression"`
	}
	type binding struct {
		Role      string   `json:"role"`
		Members   []string `json:"members"`
		Condition *cond    `json:"condition,omitempty"`
	}
	var out struct {
		Bindings []binding `json:"bindings"`
	}
	for _, raw := range tfBlocks(attrs, "binding") {
		bd := binding{Role: tfStr(raw, "role"), Members: tfStrings(raw, "members")}
		if bd.Role == "" {
			return "", false
		}
		sort.Strings(bd.Members)
		if c := tfBlockAttr(raw, "condition"); c != nil {
			bd.Condition = &cond{Title: tfStr(c, "title"), Description: tfStr(c, "description"), Expression: tfStr(c, "expression")}
		}
		out.Bindings = append(out.Bindings, bd)
	}
	sort.SliceStable(out.Bindings, func(i, j int) bool { return out.Bindings[i].Role < out.Bindings[j].Role })
	doc, err := json.Marshal(out)
	if err != nil {
		return "", false
	}
	return string(doc), true
}

// ---- access to evaluated values

func tfStr(attrs map[string]any, key string) string {
	switch v := attrs[key].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return fmt.Sprint(v)
	case int:
		return fmt.Sprint(v)
	}
	return ""
}

func firstStr(attrs map[string]any, keys ...string) string {
	for _, k := range keys {
		if s := tfStr(attrs, k); s != "" {
			return s
		}
	}
	return ""
}

func tfStrings(attrs map[string]any, key string) []string {
	var out []string
	switch v := attrs[key].(type) {
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, v...)
	case string:
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func tfMap(attrs map[string]any, key string) map[string]any {
	switch v := attrs[key].(type) {
	case map[string]any:
		return v
	case map[string]string:
		out := make(map[string]any, len(v))
		for k, s := range v {
			out[k] = s
		}
		return out
	}
	return nil
}

// tfBlocks returns the nested blocks of a type.
func tfBlocks(attrs map[string]any, key string) []map[string]any {
	switch v := attrs[key].(type) {
	case []any:
		var out []map[string]any
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	case []map[string]any:
		return v
	case map[string]any:
		return []map[string]any{v}
	}
	return nil
}

// tfBlockAttr returns the first nested block of a type, or nil.
func tfBlockAttr(attrs map[string]any, key string) map[string]any {
	if bs := tfBlocks(attrs, key); len(bs) > 0 {
		return bs[0]
	}
	return nil
}

var placeholder = regexp.MustCompile(`\$\{([^{}]+)\}`)

// markUnresolved lists in attr unresolved the references that a node's
// id or attributes leave open.
func markUnresolved(n *graph.Node) {
	texts := []string{n.ID}
	for k, v := range n.Attrs {
		if k != graph.AttrFingerprint {
			texts = append(texts, v)
		}
	}
	var refs []string
	for _, s := range texts {
		if !strings.Contains(s, "${") {
			continue
		}
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			refs = append(refs, m[1])
		}
	}
	if len(refs) > 0 {
		n.SetAttr("unresolved", graph.JoinList(refs))
	}
}
