package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	imageref "github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/link"
)

// deriveDir parses every .tf file of a testdata folder, links the facts
// and returns the derived edges of the given kinds as "from -KIND-> to
// (confidence)".
func deriveDir(t *testing.T, dir string, kinds ...graph.EdgeKind) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in testdata/%s", dir)
	}
	p := New()
	var res ingest.Result
	for _, f := range files {
		if err := p.Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
			t.Fatalf("Parse(%s): %v", f, err)
		}
	}
	for _, d := range res.Diags {
		t.Logf("diagnostic: %s", d)
	}

	s := memstore.New()
	b := &graph.Batch{Time: time.Now(), Nodes: res.Nodes, Edges: res.Edges}
	if err := s.Write(context.Background(), b, (&link.Linker{}).Derive); err != nil {
		t.Fatal(err)
	}

	input := map[graph.EdgeKey]bool{}
	for _, e := range res.Edges {
		input[e.Key()] = true
	}
	var out []string
	for _, k := range kinds {
		es, err := s.EdgesByKind(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if !input[e.Key()] {
				out = append(out, e.From+" -"+string(e.Kind)+"-> "+e.To+" ("+string(e.Confidence)+")")
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestGoogleDerived checks that google_* blocks give the linker what
// gcloud output gives: grants on a bucket, a secret (through a rendered
// google_iam_policy), a project of an aliased provider under a condition
// that holds, workload identity for GitHub and for GKE.
func TestGoogleDerived(t *testing.T) {
	const (
		deployer = "gcp:sa:deployer@example-prod.iam.gserviceaccount.com"
		app      = "gcp:sa:app@example-prod.iam.gserviceaccount.com"
		gke      = "gcp:wif:example-prod.svc.id.goog/subject/ns/shop/sa/api"
	)
	got := deriveDir(t, "gcp", graph.EdgeCanAssume, graph.EdgeCanReadSecret, graph.EdgeCanMint, graph.EdgeCanAccess)
	want := []string{
		// roles/secretmanager.secretAccessor from data.google_iam_policy.
		app + " -CAN_READ_SECRET-> gcp:secret:projects/example-prod/secrets/db-password (certain)",
		// roles/storage.objectViewer on the bucket.
		deployer + " -CAN_ACCESS-> gcp:bucket:example-org-artifacts (certain)",
		// Token Creator on the dev project (provider google.dev), whose
		// condition request.time > 2020 holds: the project and its account.
		"gcp:user:erin@example.com -CAN_ACCESS-> gcp:project:example-dev (certain)",
		"gcp:user:erin@example.com -CAN_ASSUME-> gcp:sa:tester@example-dev.iam.gserviceaccount.com (certain)",
		// roles/iam.workloadIdentityUser for the GKE principal and for the
		// GitHub repository's principal set.
		gke + " -CAN_ASSUME-> " + app + " (certain)",
		"gcp:wif:github/attribute.repository/example-org/app -CAN_ASSUME-> " + deployer + " (certain)",
		// The annotated Kubernetes service account.
		"k8s:sa:shop/api -CAN_ASSUME-> " + app + " (certain)",
		"k8s:sa:shop/api -CAN_ASSUME-> " + gke + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("derived edges (-want +got):\n%s", diff)
	}
}

func TestGoogleFacts(t *testing.T) {
	lines := parseFile(t, New(), filepath.Join("testdata", "gcp", "main.tf"))
	want := []string{
		`node Secret gcp:secret:projects/example-prod/secrets/db-password @114 account=example-prod fingerprint=FP(CANARY-terraform-gcp-7f3a) long_lived=true name=db-password project=example-prod provider=gcp resource_name=projects/example-prod/secrets/db-password resource_type=secretmanager.googleapis.com/Secret stored_inline=true type=secretmanager`,
		`node Policy gcp:wif-provider:github/actions @38 attribute_condition=assertion.repository_owner == "example-org" attribute_mapping={"attribute.repository":"assertion.repository","google.subject":"assertion.sub"} issuer=https://token.actions.githubusercontent.com pool=github project=example-prod provider=gcp provider_id=actions tf_address=google_iam_workload_identity_pool_provider.actions type=wif-provider`,
		`edge AUTHENTICATES_AS secret:gcp:sa-key:deployer@example-prod.iam.gserviceaccount.com/deployer -> gcp:sa:deployer@example-prod.iam.gserviceaccount.com @57`,
		`node Identity k8s:sa:shop/api @104 gcp_service_account=app@example-prod.iam.gserviceaccount.com name=api namespace=shop provider=kubernetes tf_address=kubernetes_service_account.api type=service-account`,
		`node Identity gcp:sa:tester@example-dev.iam.gserviceaccount.com @18 account=example-dev email=tester@example-dev.iam.gserviceaccount.com project=example-dev provider=gcp resource_name=projects/-/serviceAccounts/tester@example-dev.iam.gserviceaccount.com resource_type=iam.googleapis.com/ServiceAccount tf_address=google_service_account.tester type=service-account`,
	}
	want = expandFP(want)
	have := map[string]bool{}
	for _, l := range lines {
		have[l] = true
		if strings.HasPrefix(l, "diag ") {
			t.Errorf("unexpected %s", l)
		}
		if strings.Contains(l, "CANARY") {
			t.Errorf("secret value in %s", l)
		}
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("missing %s", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", strings.Join(lines, "\n"))
	}
}

// TestGoogleArtifactRegistryRegion declares a repository and grants on it
// without a location. Each is taken to be in the google provider's region,
// so they meet on the repository in europe-west1.
func TestGoogleArtifactRegistryRegion(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gcp-ar-region", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	for _, d := range res.Diags {
		t.Errorf("diagnostic: %s", d)
	}
	repo := graph.GCPArtifactRepositoryID("example-prod", "europe-west1", "app")
	want := []string{
		repo,
		graph.GCPGrantID(repo, "roles/artifactregistry.reader", "user:reed@example.com", ""),
		graph.GCPGrantID(repo, "roles/artifactregistry.writer", "user:wendy@example.com", ""),
	}
	sort.Strings(want)
	var got []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodePolicy || n.Kind == graph.NodeResource && n.Attr("type") == "artifact-repository" {
			got = append(got, n.ID)
		}
	}
	sort.Strings(got)
	got = slices.Compact(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("repository and grants (-want +got):\n%s", diff)
	}
}

// TestGoogleServiceAccountKeyInSecret stores the private key of a service
// account key in GitHub Actions secrets: each secret HOLDS the key, so a
// job that reads it acts as the account. The public key is no credential.
func TestGoogleServiceAccountKeyInSecret(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gcp-sa-key-secret", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	key := graph.GCPServiceAccountKeyID("pusher@example-prod.iam.gserviceaccount.com", "ci")
	var got []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeHolds && e.To == key {
			_, name, _ := strings.Cut(e.From, "/api/")
			got = append(got, name+" ("+string(e.Confidence)+")")
		}
	}
	sort.Strings(got)
	want := []string{"GCP_SA_JSON (certain)", "GCP_SA_KEY (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secrets that hold %s (-want +got):\n%s", key, diff)
	}
}

// TestGoogleCloudRun reads Cloud Run services, of both APIs, and jobs:
// each is a runtime that executes its containers' images and, through the
// metadata server, holds the tokens of its service account. A service without one runs as
// the Compute Engine default account, whose email the input does not show.
func TestGoogleCloudRun(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gcp-cloud-run", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	// The api service writes two credentials into its containers'
	// environment: one under a name that says so, one in the shape of an
	// AWS access key id. LOG_LEVEL holds a setting.
	wantDiags := []string{
		"testdata/gcp-cloud-run/main.tf:10: google_cloud_run_v2_service.api: environment variable KEY_ID of Cloud Run api holds a literal credential; store it in Secret Manager and rotate it",
		"testdata/gcp-cloud-run/main.tf:10: google_cloud_run_v2_service.api: environment variable PAYMENTS_API_KEY of Cloud Run api holds a literal credential; store it in Secret Manager and rotate it",
	}
	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, d.String())
	}
	sort.Strings(diags)
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"pk-canary-5e2a9c7d1b3f4086", "AKIAIOSFODNN7CANARY1"} {
		if bytes.Contains(out, []byte(v)) {
			t.Errorf("a literal value of the environment reached the result")
		}
	}

	api := graph.GCPCloudRunID("example-prod", "europe-west1", "api")
	report := graph.GCPCloudRunID("example-prod", "europe-west1", "report")
	plain := graph.GCPCloudRunID("example-prod", "europe-west1", "plain")
	legacy := graph.GCPCloudRunID("example-prod", "europe-west1", "legacy")
	var got []string
	for _, e := range res.Edges {
		switch e.Kind {
		case graph.EdgeExecutes, graph.EdgeExposes, graph.EdgeAuthenticatesAs:
			if strings.Contains(e.From, ":run:") {
				got = append(got, e.From+" "+string(e.Kind)+" "+e.To)
			}
		}
	}
	sort.Strings(got)

	// Package ids are those of the images' references, as every reader
	// writes them.
	pkg := func(ref string) string {
		img, ok := imageref.Parse(ref)
		if !ok {
			t.Fatalf("image reference %q does not parse", ref)
		}
		return img.PURL(true)
	}
	want := []string{
		api + " EXECUTES " + pkg("europe-west1-docker.pkg.dev/example-prod/app/api:1.4.0"),
		api + " EXECUTES " + pkg("europe-west1-docker.pkg.dev/example-prod/app/sidecar@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"),
		api + " EXPOSES " + graph.GCPMetadataCredentialsID(api),
		// Containers are named in the ids by name, else by position.
		api + " EXPOSES secret:gcp:inline:run:example-prod/europe-west1/api/api/PAYMENTS_API_KEY",
		api + " EXPOSES secret:gcp:inline:run:example-prod/europe-west1/api/1/KEY_ID",
		plain + " EXECUTES " + pkg("europe-west1-docker.pkg.dev/example-prod/app/plain:1"),
		report + " EXECUTES " + pkg("europe-west1-docker.pkg.dev/example-prod/app/report:2"),
		report + " EXPOSES " + graph.GCPMetadataCredentialsID(report),
		graph.GCPMetadataCredentialsID(api) + " AUTHENTICATES_AS " + graph.GCPServiceAccountID("api-runner@example-prod.iam.gserviceaccount.com"),
		graph.GCPMetadataCredentialsID(report) + " AUTHENTICATES_AS " + graph.GCPServiceAccountID("reporter@example-prod.iam.gserviceaccount.com"),
		legacy + " EXECUTES " + pkg("europe-west1-docker.pkg.dev/example-prod/app/legacy:3"),
		legacy + " EXPOSES " + graph.GCPMetadataCredentialsID(legacy),
		graph.GCPMetadataCredentialsID(legacy) + " AUTHENTICATES_AS " + graph.GCPServiceAccountID("legacy-runner@example-prod.iam.gserviceaccount.com"),
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Cloud Run edges (-want +got):\n%s", diff)
	}
	// A service's revision runs the digest its tag had when it was
	// deployed. A job resolves its tag at each execution, so its edge has
	// no pull policy.
	for _, e := range res.Edges {
		if e.Kind != graph.EdgeExecutes || e.Attr(graph.AttrVia) != "image" {
			continue
		}
		want := graph.PullOnDeploy
		if e.From == report {
			want = ""
		}
		if got := e.Attr(graph.AttrPullPolicy); got != want {
			t.Errorf("%s EXECUTES %s: pull_policy %q, want %q", e.From, e.To, got, want)
		}
	}
}

// TestGoogleComputeInstances reads Compute Engine instances and instance
// templates. Container-Optimized OS runs the container that the metadata
// key gce-container-declaration names, and the metadata server hands the
// tokens of the attached service account to any code on the instance.
func TestGoogleComputeInstances(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gcp-compute", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}

	const (
		web     = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/web"
		batch   = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-c/instances/batch"
		bastion = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/bastion"
		plain   = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/plain"
		broken  = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/broken"
		dflt    = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/dflt"
		worker  = "runtime:gcp:gce:projects/example-prod/global/instanceTemplates/worker"
		edge    = "runtime:gcp:gce:projects/example-prod/regions/europe-west1/instanceTemplates/edge-"
	)
	runtimes := map[string]string{}
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeRuntime {
			runtimes[n.ID] = n.Attr("type")
		}
	}
	for id, typ := range map[string]string{web: "gce-instance", batch: "gce-instance", bastion: "gce-instance",
		plain: "gce-instance", broken: "gce-instance", dflt: "gce-instance", worker: "gce-instance-template", edge: "gce-instance-template"} {
		if runtimes[id] != typ {
			t.Errorf("runtime %s has type %q, want %q", id, runtimes[id], typ)
		}
	}

	var got []string
	for _, e := range res.Edges {
		switch e.Kind {
		case graph.EdgeExecutes, graph.EdgeExposes, graph.EdgeAuthenticatesAs:
			if strings.Contains(e.From, ":gce:") {
				got = append(got, e.From+" "+string(e.Kind)+" "+e.To+" ("+string(e.Confidence)+")")
			}
		}
	}
	sort.Strings(got)
	pkg := func(ref string) string {
		img, ok := imageref.Parse(ref)
		if !ok {
			t.Fatalf("image reference %q does not parse", ref)
		}
		return img.PURL(true)
	}
	cred := func(rt string) string { return "secret:gcp:metadata-token:" + strings.TrimPrefix(rt, "runtime:") }
	sa := func(name string) string { return "gcp:sa:" + name + "@example-prod.iam.gserviceaccount.com" }
	want := []string{
		web + " EXECUTES " + pkg("gcr.io/example-prod/web:1.2") + " (certain)",
		web + " EXPOSES " + cred(web) + " (certain)",
		cred(web) + " AUTHENTICATES_AS " + sa("web-vm") + " (certain)",
		// The declaration writes a token into the container's environment.
		web + " EXPOSES secret:gcp:inline:gce:projects/example-prod/zones/europe-west1-b/instances/web/API_TOKEN (certain)",
		// The boot image is not known, and the scopes leave out cloud-platform.
		batch + " EXECUTES " + pkg("europe-west1-docker.pkg.dev/example-prod/app/batch:3") + " (possible)",
		batch + " EXPOSES " + cred(batch) + " (certain)",
		cred(batch) + " AUTHENTICATES_AS " + sa("batch") + " (possible)",
		// bastion declares no container.
		bastion + " EXPOSES " + cred(bastion) + " (certain)",
		cred(bastion) + " AUTHENTICATES_AS " + sa("bastion") + " (certain)",
		// plain and dflt run as the default account, whose email is not
		// known.
		plain + " EXECUTES " + pkg("gcr.io/example-prod/plain:1") + " (certain)",
		// broken's declaration does not parse.
		broken + " EXPOSES " + cred(broken) + " (certain)",
		cred(broken) + " AUTHENTICATES_AS " + sa("broken") + " (certain)",
		worker + " EXECUTES " + pkg("us-docker.pkg.dev/example-prod/jobs/worker:5") + " (certain)",
		worker + " EXECUTES " + pkg("us-docker.pkg.dev/example-prod/jobs/agent@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9") + " (certain)",
		worker + " EXPOSES " + cred(worker) + " (certain)",
		cred(worker) + " AUTHENTICATES_AS " + sa("worker") + " (certain)",
		// edge has no service account.
		edge + " EXECUTES " + pkg("gcr.io/example-prod/edge:2") + " (certain)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compute Engine edges (-want +got):\n%s", diff)
	}

	for _, e := range res.Edges {
		possible := e.Confidence == graph.Possible && strings.Contains(e.From, ":gce:")
		if possible && e.Attr(graph.AttrReason) == "" {
			t.Errorf("%s -%s-> %s is possible without a reason", e.From, e.Kind, e.To)
		}
		if e.From == cred(batch) && !strings.Contains(e.Attr(graph.AttrReason), "storage-ro") {
			t.Errorf("reason %q does not name the scopes", e.Attr(graph.AttrReason))
		}
	}

	var brokenDiags, literalDiags int
	for _, d := range res.Diags {
		switch {
		case strings.Contains(d.Msg, "google_compute_instance.broken") && strings.Contains(d.Msg, "gce-container-declaration"):
			brokenDiags++
		case d.Msg == "google_compute_instance.web: environment variable API_TOKEN of Compute Engine instance web holds a literal credential; store it in Secret Manager and rotate it":
			literalDiags++
		default:
			t.Errorf("unexpected diagnostic: %s", d)
		}
	}
	if brokenDiags != 1 {
		t.Errorf("%d diagnostics for the declaration that does not parse, want 1", brokenDiags)
	}
	if literalDiags != 1 {
		t.Errorf("%d diagnostics for the literal token, want 1", literalDiags)
	}

	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("tok-7f3a9c1e5b2d4680")) {
		t.Error("the value of a container's environment variable reached the result")
	}
}

// TestGoogleInstanceFromTemplate reads instances made from an instance
// template of the input: each runs what the template declares, except
// the metadata, service account or boot disk that it sets itself.
func TestGoogleInstanceFromTemplate(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gcp-compute-from-template", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}

	const zoneB = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/"
	var (
		cp        = zoneB + "copy"
		meta      = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-c/instances/meta"
		account   = zoneB + "account"
		disk      = zoneB + "disk"
		elsewhere = zoneB + "elsewhere"
	)
	for _, id := range []string{cp, meta, account, disk, elsewhere} {
		found := false
		for _, n := range res.Nodes {
			if n.ID == id {
				found = true
				if n.Kind != graph.NodeRuntime || n.Attr("type") != "gce-instance" {
					t.Errorf("%s is a %s of type %q, want a gce-instance Runtime", id, n.Kind, n.Attr("type"))
				}
			}
		}
		if !found {
			t.Errorf("no node %s", id)
		}
	}

	var got []string
	for _, e := range res.Edges {
		switch e.Kind {
		case graph.EdgeExecutes, graph.EdgeExposes, graph.EdgeAuthenticatesAs:
			if strings.Contains(e.From, "/instances/") {
				got = append(got, e.From+" "+string(e.Kind)+" "+e.To+" ("+string(e.Confidence)+")")
			}
		}
	}
	sort.Strings(got)
	pkg := func(ref string) string {
		img, ok := imageref.Parse(ref)
		if !ok {
			t.Fatalf("image reference %q does not parse", ref)
		}
		return img.PURL(true)
	}
	cred := func(rt string) string { return "secret:gcp:metadata-token:" + strings.TrimPrefix(rt, "runtime:") }
	sa := func(name string) string { return "gcp:sa:" + name + "@example-prod.iam.gserviceaccount.com" }
	worker := pkg("us-docker.pkg.dev/example-prod/jobs/worker:5")
	want := []string{
		cp + " EXECUTES " + worker + " (certain)",
		cp + " EXPOSES " + cred(cp) + " (certain)",
		cred(cp) + " AUTHENTICATES_AS " + sa("worker") + " (certain)",
		meta + " EXECUTES " + pkg("us-docker.pkg.dev/example-prod/jobs/other:1") + " (certain)",
		meta + " EXPOSES " + cred(meta) + " (certain)",
		cred(meta) + " AUTHENTICATES_AS " + sa("worker") + " (certain)",
		account + " EXECUTES " + worker + " (certain)",
		account + " EXPOSES " + cred(account) + " (certain)",
		cred(account) + " AUTHENTICATES_AS " + sa("narrow") + " (possible)",
		disk + " EXECUTES " + worker + " (possible)",
		disk + " EXPOSES " + cred(disk) + " (certain)",
		cred(disk) + " AUTHENTICATES_AS " + sa("worker") + " (certain)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges of instances made from templates (-want +got):\n%s", diff)
	}

	var elsewhereDiags int
	for _, d := range res.Diags {
		if strings.Contains(d.Msg, "google_compute_instance_from_template.elsewhere") && strings.Contains(d.Msg, "source_instance_template") {
			elsewhereDiags++
		} else {
			t.Errorf("unexpected diagnostic: %s", d)
		}
	}
	if elsewhereDiags != 1 {
		t.Errorf("%d diagnostics for the template that the input does not declare, want 1", elsewhereDiags)
	}
}

// TestGoogleInstanceTemplateGroups names, on each instance template, the
// managed instance groups whose versions use it.
func TestGoogleInstanceTemplateGroups(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gcp-compute-from-template", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	want := map[string]string{
		"runtime:gcp:gce:projects/example-prod/global/instanceTemplates/worker": "projects/example-prod/regions/europe-west1/instanceGroupManagers/canary," +
			"projects/example-prod/zones/europe-west1-b/instanceGroupManagers/workers",
		"runtime:gcp:gce:projects/example-prod/global/instanceTemplates/other": "projects/example-prod/regions/europe-west1/instanceGroupManagers/canary," +
			"projects/example-prod/zones/europe-west1-d/instanceGroupManagers/solo",
	}
	for _, n := range res.Nodes {
		groups, ok := want[n.ID]
		if !ok {
			continue
		}
		delete(want, n.ID)
		if got := n.Attr("instance_groups"); got != groups {
			t.Errorf("%s: instance_groups %q, want %q", n.ID, got, groups)
		}
	}
	for id := range want {
		t.Errorf("no node %s", id)
	}
}

// TestGoogleComputeYAMLEncodedDeclaration reads a container declaration
// that yamlencode writes, as Terraform configurations for
// Container-Optimized OS usually do. Its image is run as any other's.
func TestGoogleComputeYAMLEncodedDeclaration(t *testing.T) {
	const src = `
provider "google" {
  project = "example-prod"
  zone    = "europe-west1-b"
}

resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "cos-cloud/cos-stable"
    }
  }
  network_interface {
    network = "default"
  }
  metadata = {
    gce-container-declaration = yamlencode({
      spec = {
        containers = [{
          image = "gcr.io/example-prod/web:1.2"
          env   = [{ name = "API_TOKEN", value = "tok-0c4f2a9e7b1d3568" }]
        }]
        restartPolicy = "Always"
      }
    })
  }
}
`
	f := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var res ingest.Result
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	web := "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/web"
	img, ok := imageref.Parse("gcr.io/example-prod/web:1.2")
	if !ok {
		t.Fatal("image reference does not parse")
	}
	var found bool
	for _, e := range res.Edges {
		if e.From == web && e.Kind == graph.EdgeExecutes && e.To == img.PURL(true) {
			found = true
			if e.Confidence != graph.Certain {
				t.Errorf("EXECUTES %s is %s, want certain", e.To, e.Confidence)
			}
		}
	}
	if !found {
		t.Errorf("%s does not execute %s", web, img.PURL(true))
	}
	// The token in the environment is a literal credential: a Secret the
	// instance exposes, kept by fingerprint, with a warning at the block.
	token := "secret:gcp:inline:gce:projects/example-prod/zones/europe-west1-b/instances/web/API_TOKEN"
	var exposed bool
	for _, e := range res.Edges {
		exposed = exposed || (e.From == web && e.Kind == graph.EdgeExposes && e.To == token && e.Attr(graph.AttrVia) == "env")
	}
	if !exposed {
		t.Errorf("%s does not expose %s through its environment", web, token)
	}
	for _, n := range res.Nodes {
		if n.ID == token && (n.Attr(graph.AttrFingerprint) == "" || n.Attr(graph.AttrStoredInline) != "true") {
			t.Errorf("%s has fingerprint %q and stored_inline %q, want a fingerprint and true", token, n.Attr(graph.AttrFingerprint), n.Attr(graph.AttrStoredInline))
		}
	}
	if len(res.Diags) != 1 || res.Diags[0].Pos.Line != 7 || !strings.Contains(res.Diags[0].Msg, "API_TOKEN") {
		t.Errorf("diagnostics %v, want one at line 7 naming API_TOKEN", res.Diags)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("tok-0c4f2a9e7b1d3568")) {
		t.Error("the value of a container's environment variable reached the result")
	}
}

// TestGoogleUnevaluatedArguments reads blocks with an argument whose
// expression fails. A block that needs the argument is skipped, and one
// that does not is read without it. Each warning names the argument and
// the block's line.
// TestGoogleComputeStartupScript reads the literal credentials of an
// instance's startup scripts, which any process on the instance can read
// from the metadata server.
func TestGoogleComputeStartupScript(t *testing.T) {
	const src = `
provider "google" {
  project = "example-prod"
  zone    = "europe-west1-b"
}

resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
  metadata_startup_script = <<-EOT
    #!/bin/bash
    export AWS_SECRET_ACCESS_KEY=canary7Ks9Lm2Qp4Rt6Vw8Xy0Za1Bc3De5Fg7Hj9
    echo "home is $${HOME}"
  EOT
  metadata = {
    startup-script = "git clone https://x-access-token:ghp_canaryX0000000000000000000000000001@github.com/o/r && git clone https://x-access-token:ghp_canaryX0000000000000000000000000002@github.com/o/s"
  }
}
`
	f := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var res ingest.Result
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	web := "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/web"
	want := []string{
		"secret:gcp:inline:gce:projects/example-prod/zones/europe-west1-b/instances/web/metadata_startup_script@2 via metadata",
		"secret:gcp:inline:gce:projects/example-prod/zones/europe-west1-b/instances/web/startup-script@1 via metadata",
		// The second token on the same line.
		"secret:gcp:inline:gce:projects/example-prod/zones/europe-west1-b/instances/web/startup-script@1/2 via metadata",
	}
	var got []string
	for _, e := range res.Edges {
		if e.From == web && e.Kind == graph.EdgeExposes && strings.Contains(e.To, ":inline:") {
			got = append(got, e.To+" via "+e.Attr(graph.AttrVia))
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("startup script literals (-want +got):\n%s", diff)
	}
	if len(res.Diags) != 3 {
		t.Errorf("diagnostics %v, want three, one per literal", res.Diags)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"canary7Ks9Lm2Qp4Rt6Vw8Xy0Za1Bc3De5Fg7Hj9", "ghp_canaryX0000000000000000000000000001", "ghp_canaryX0000000000000000000000000002"} {
		if bytes.Contains(out, []byte(v)) {
			t.Error("a literal of the startup script reached the result")
		}
	}
}

func TestGoogleUnevaluatedArguments(t *testing.T) {
	const src = `
provider "google" {
  project = "example-prod"
  zone    = "europe-west1-b"
}

resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  metadata     = upper("a", "b")
  service_account {
    email  = "web@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

resource "google_project_iam_member" "bad" {
  project = "example-prod"
  role    = "roles/viewer"
  member  = lower("a", "b")
}

resource "google_container_cluster" "nested" {
  name     = "nested"
  location = "europe-west1"
  node_pool {
    name = "web"
    node_config {
      service_account = base64decode("x!")
    }
  }
}
`
	f := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var res ingest.Result
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	want := map[string]int{
		"google_compute_instance.web: metadata could not be evaluated":                                  7,
		"google_project_iam_member.bad: member could not be evaluated":                                  17,
		"google_container_cluster.nested: node_pool.node_config.service_account could not be evaluated": 23,
	}
	for _, d := range res.Diags {
		for prefix, line := range want {
			if strings.HasPrefix(d.Msg, prefix) {
				if d.Pos.Line != line {
					t.Errorf("%q at line %d, want %d", d.Msg, d.Pos.Line, line)
				}
				delete(want, prefix)
			}
		}
	}
	for prefix := range want {
		t.Errorf("no warning starting %q among %v", prefix, res.Diags)
	}
	found := false
	for _, n := range res.Nodes {
		found = found || n.ID == "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/web"
	}
	if !found {
		t.Error("the instance was not read without its metadata")
	}
}

// TestGoogleProjectNotShown reads a module whose google provider sets no
// project and whose blocks set none either. Each project takes the
// placeholder of the provider's project, so that the service, the
// instance, the account they run as and the secret they read meet on the
// same ids, and the nodes name the placeholder in unresolved.
func TestGoogleProjectNotShown(t *testing.T) {
	const (
		sa     = "gcp:sa:app@${provider.google.project}.iam.gserviceaccount.com"
		db     = "gcp:secret:projects/${provider.google.project}/secrets/db-password"
		api    = "runtime:gcp:run:${provider.google.project}/europe-west1/api"
		web    = "runtime:gcp:gce:projects/${provider.google.project}/zones/europe-west1-b/instances/web"
		worker = "runtime:gcp:gce:projects/${provider.google.project}/global/instanceTemplates/worker"
		dev    = "runtime:gcp:gce:projects/example-dev/zones/europe-west1-b/instances/dev"
	)
	apiToken := "secret:gcp:metadata-token:gcp:run:${provider.google.project}/europe-west1/api"
	webToken := "secret:gcp:metadata-token:gcp:gce:projects/${provider.google.project}/zones/europe-west1-b/instances/web"

	var res ingest.Result
	f := filepath.Join("testdata", "gcp-no-project", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	for _, d := range res.Diags {
		t.Errorf("unexpected diagnostic %s", d)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("CANARY-terraform-gproj-4b1d")) {
		t.Error("the secret version's value reached the result")
	}

	// Several blocks give the secret's node. The first node of each id
	// is kept, and the version's fingerprint is looked for in all.
	nodes := map[string]graph.Node{}
	fingerprinted := false
	for _, n := range res.Nodes {
		if _, ok := nodes[n.ID]; !ok {
			nodes[n.ID] = n
		}
		if n.ID == db && n.Attr(graph.AttrFingerprint) != "" && n.Attr(graph.AttrStoredInline) == "true" {
			fingerprinted = true
		}
	}
	for _, id := range []string{sa, db, api, web, worker, apiToken, webToken} {
		n, ok := nodes[id]
		if !ok {
			t.Errorf("no node %s", id)
			continue
		}
		if got := n.Attr("unresolved"); got != "provider.google.project" {
			t.Errorf("%s unresolved = %q, want provider.google.project", id, got)
		}
	}
	for _, id := range []string{api, web, worker} {
		if got := nodes[id].Attr("project"); got != "${provider.google.project}" {
			t.Errorf("%s project = %q, want ${provider.google.project}", id, got)
		}
	}
	if got := nodes[dev].Attr("project"); got != "example-dev" {
		t.Errorf("%s project = %q, want example-dev", dev, got)
	}
	if got := nodes[dev].Attr("unresolved"); got != "" {
		t.Errorf("%s unresolved = %q, want none", dev, got)
	}
	// The version names its secret by the secret's id, which contains
	// the same placeholder.
	if !fingerprinted {
		t.Errorf("secret %s has no fingerprint of the version's value", db)
	}

	var got []string
	for _, e := range res.Edges {
		switch e.Kind {
		case graph.EdgeExposes, graph.EdgeAuthenticatesAs:
			got = append(got, e.From+" "+string(e.Kind)+" "+e.To)
		}
	}
	sort.Strings(got)
	want := []string{
		api + " EXPOSES " + apiToken,
		api + " EXPOSES " + db,
		web + " EXPOSES " + webToken,
		apiToken + " AUTHENTICATES_AS " + sa,
		webToken + " AUTHENTICATES_AS " + sa,
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	// The grant on the secret, which names it by id, reaches the same
	// secret.
	derived := deriveDir(t, "gcp-no-project", graph.EdgeCanReadSecret)
	wantDerived := []string{sa + " -CAN_READ_SECRET-> " + db + " (certain)"}
	if diff := cmp.Diff(wantDerived, derived); diff != "" {
		t.Errorf("derived edges (-want +got):\n%s", diff)
	}
}

// TestGoogleProjectNotKnown reads blocks whose project or zone argument
// the evaluator leaves unknown: lookup in a map variable without a default,
// and a condition on a number variable without one. The provider's default
// does not apply to an argument that is set, so the value is a placeholder
// naming the argument, in the block's ids and in the names that other
// blocks read from it. A null argument is not set.
func TestGoogleProjectNotKnown(t *testing.T) {
	const src = `
provider "google" {
  project = "example-prod"
  zone    = "europe-west1-b"
}

variable "projects" {
  type = map(string)
}

variable "replicas" {
  type = number
}

resource "google_service_account" "runner" {
  account_id = "runner"
  project    = lookup(var.projects, "app")
}

resource "google_compute_instance" "web" {
  name         = "web"
  project      = lookup(var.projects, "app")
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
  service_account {
    email  = google_service_account.runner.email
    scopes = ["cloud-platform"]
  }
}

resource "google_compute_instance" "edge" {
  name         = "edge"
  zone         = var.replicas > 1 ? "europe-west1-c" : "europe-west1-d"
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "plain" {
  name         = "plain"
  project      = null
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
}
`
	f := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var res ingest.Result
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	const (
		web    = "runtime:gcp:gce:projects/${google_compute_instance.web.project}/zones/europe-west1-b/instances/web"
		runner = "gcp:sa:runner@${google_service_account.runner.project}.iam.gserviceaccount.com"
		edge   = "runtime:gcp:gce:projects/example-prod/zones/${google_compute_instance.edge.zone}/instances/edge"
		plain  = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/plain"
	)
	nodes := map[string]graph.Node{}
	for _, n := range res.Nodes {
		if _, ok := nodes[n.ID]; !ok {
			nodes[n.ID] = n
		}
	}
	for id, want := range map[string]string{
		// The instance's service_account attribute is the runner's email.
		web:    "google_compute_instance.web.project,google_service_account.runner.project",
		runner: "google_service_account.runner.project",
		edge:   "google_compute_instance.edge.zone",
		plain:  "",
	} {
		n, ok := nodes[id]
		if !ok {
			t.Errorf("no node %s", id)
			continue
		}
		if got := n.Attr("unresolved"); got != want {
			t.Errorf("%s unresolved = %q, want %q", id, got, want)
		}
	}
	token := "secret:gcp:metadata-token:gcp:gce:projects/${google_compute_instance.web.project}/zones/europe-west1-b/instances/web"
	found := false
	for _, e := range res.Edges {
		found = found || e.From == token && e.Kind == graph.EdgeAuthenticatesAs && e.To == runner
	}
	if !found {
		t.Errorf("no edge %s AUTHENTICATES_AS %s", token, runner)
	}
	for _, d := range res.Diags {
		t.Errorf("unexpected diagnostic %s", d)
	}
}

// parseSource parses one main.tf of the given text in a folder of its own.
func parseSource(t *testing.T, src string) ingest.Result {
	t.Helper()
	f := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var res ingest.Result
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	return res
}

// TestGoogleBetaProvider checks that a block whose provider argument names
// a google-beta configuration, the default one or an alias, takes the
// project, region and zone of that configuration. A block without the
// argument, or with provider = google, takes the default google ones. A
// google-beta configuration without a project gets the placeholder, not
// the google provider's project.
func TestGoogleBetaProvider(t *testing.T) {
	const src = `
provider "google" {
  project = "example-prod"
  region  = "us-central1"
  zone    = "us-central1-a"
}

provider "google-beta" {
  project = "example-beta"
  region  = "europe-west1"
  zone    = "europe-west1-b"
}

provider "google-beta" {
  alias   = "asia"
  project = "example-asia"
  region  = "asia-east1"
  zone    = "asia-east1-a"
}

provider "google-beta" {
  alias = "loose"
  zone  = "europe-west4-a"
}

resource "google_service_account" "runner" {
  provider   = google-beta
  account_id = "runner"
}

resource "google_compute_instance" "web" {
  provider     = google-beta
  name         = "web"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
  service_account {
    email  = google_service_account.runner.email
    scopes = ["cloud-platform"]
  }
}

resource "google_compute_instance" "batch" {
  provider     = google-beta.asia
  name         = "batch"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "plain" {
  name         = "plain"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "ga" {
  provider     = google
  name         = "ga"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "stray" {
  provider     = google-beta.loose
  name         = "stray"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
}

resource "google_compute_region_instance_template" "worker" {
  provider     = google-beta
  name         = "worker"
  machine_type = "e2-small"
  disk {
    source_image = "debian-cloud/debian-12"
  }
  network_interface {
    network = "default"
  }
}
`
	res := parseSource(t, src)
	for _, d := range res.Diags {
		t.Errorf("unexpected diagnostic %s", d)
	}
	const (
		// The default google-beta configuration: example-beta,
		// europe-west1, europe-west1-b.
		web    = "runtime:gcp:gce:projects/example-beta/zones/europe-west1-b/instances/web"
		runner = "gcp:sa:runner@example-beta.iam.gserviceaccount.com"
		worker = "runtime:gcp:gce:projects/example-beta/regions/europe-west1/instanceTemplates/worker"
		// google-beta.asia: example-asia, asia-east1-a.
		batch = "runtime:gcp:gce:projects/example-asia/zones/asia-east1-a/instances/batch"
		// No provider argument, and provider = google: the default google
		// configuration, example-prod and us-central1-a.
		plain = "runtime:gcp:gce:projects/example-prod/zones/us-central1-a/instances/plain"
		ga    = "runtime:gcp:gce:projects/example-prod/zones/us-central1-a/instances/ga"
		// google-beta.loose sets a zone but no project.
		stray = "runtime:gcp:gce:projects/${provider.google.project}/zones/europe-west4-a/instances/stray"
	)
	nodes := map[string]graph.Node{}
	for _, n := range res.Nodes {
		if _, ok := nodes[n.ID]; !ok {
			nodes[n.ID] = n
		}
	}
	for id, unresolved := range map[string]string{
		web: "", runner: "", worker: "", batch: "", plain: "", ga: "",
		stray: "provider.google.project",
	} {
		n, ok := nodes[id]
		if !ok {
			t.Errorf("no node %s", id)
			continue
		}
		if got := n.Attr("unresolved"); got != unresolved {
			t.Errorf("%s unresolved = %q, want %q", id, got, unresolved)
		}
	}
	if got := nodes[stray].Attr("project"); got != "${provider.google.project}" {
		t.Errorf("%s project = %q, want ${provider.google.project}", stray, got)
	}
	// The instance runs as the account the same configuration creates.
	token := "secret:gcp:metadata-token:gcp:gce:projects/example-beta/zones/europe-west1-b/instances/web"
	found := false
	for _, e := range res.Edges {
		found = found || e.From == token && e.Kind == graph.EdgeAuthenticatesAs && e.To == runner
	}
	if !found {
		t.Errorf("no edge %s AUTHENTICATES_AS %s", token, runner)
	}
	if t.Failed() {
		var ids []string
		for id := range nodes {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		t.Logf("nodes:\n%s", strings.Join(ids, "\n"))
	}
}

// TestGoogleBetaOnly checks a module that configures only google-beta. A
// block without a provider argument uses the empty default google
// configuration, so its project is the placeholder and it has no zone
// unless it sets one. A block with provider = google-beta takes the
// google-beta settings.
func TestGoogleBetaOnly(t *testing.T) {
	const src = `
provider "google-beta" {
  project = "example-beta"
  zone    = "europe-west1-b"
}

resource "google_compute_instance" "plain" {
  name         = "plain"
  zone         = "europe-west1-c"
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "beta" {
  provider     = google-beta
  name         = "beta"
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "nozone" {
  name         = "nozone"
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
}
`
	res := parseSource(t, src)
	want := []string{
		"runtime:gcp:gce:projects/${provider.google.project}/zones/europe-west1-c/instances/plain",
		"runtime:gcp:gce:projects/example-beta/zones/europe-west1-b/instances/beta",
	}
	var got []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeRuntime {
			got = append(got, n.ID)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runtimes (-want +got):\n%s", diff)
	}
	// The instance without zone takes none from google-beta.
	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, d.Msg)
	}
	wantDiags := []string{"google_compute_instance.nozone: zone is missing and the provider sets no zone; block skipped"}
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestGoogleQuotedProvider checks that the Terraform 0.11 forms
// provider = "google-beta" and "google-beta.asia" name the same
// configurations as the bare references.
func TestGoogleQuotedProvider(t *testing.T) {
	const src = `
provider "google" {
  project = "example-prod"
  zone    = "us-central1-a"
}

provider "google-beta" {
  project = "example-beta"
  zone    = "europe-west1-b"
}

provider "google-beta" {
  alias   = "asia"
  project = "example-asia"
  zone    = "asia-east1-a"
}

resource "google_compute_instance" "web" {
  provider     = "google-beta"
  name         = "web"
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "batch" {
  provider     = "google-beta.asia"
  name         = "batch"
  machine_type = "e2-small"
  network_interface {
    network = "default"
  }
}
`
	res := parseSource(t, src)
	for _, d := range res.Diags {
		t.Errorf("unexpected diagnostic %s", d)
	}
	want := []string{
		"runtime:gcp:gce:projects/example-asia/zones/asia-east1-a/instances/batch",
		"runtime:gcp:gce:projects/example-beta/zones/europe-west1-b/instances/web",
	}
	var got []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeRuntime {
			got = append(got, n.ID)
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("runtimes (-want +got):\n%s", diff)
	}
}

// TestGoogleCloudFunctions checks the runtimes of Cloud Functions of
// both generations. Each exposes the metadata credentials of its service
// account, the Secret Manager secrets of its environment and volumes, and
// credentials written as literals into its environment. A 1st gen function
// without an account runs as PROJECT_ID@appspot.gserviceaccount.com. A
// 2nd gen one runs as the Compute Engine default account, whose email the
// configuration does not show, so it gets no credentials.
func TestGoogleCloudFunctions(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gcp-functions", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("ghp_canaryZ0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4")) {
		t.Errorf("a literal value of the environment reached the result")
	}
	var diags []string
	for _, d := range res.Diags {
		diags = append(diags, d.String())
	}
	wantDiags := []string{
		"testdata/gcp-functions/main.tf:12: google_cloudfunctions_function.thumbs: environment variable UPLOAD_TOKEN of Cloud Function thumbs holds a literal credential; store it in Secret Manager and rotate it",
	}
	if diff := cmp.Diff(wantDiags, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}

	thumbs := graph.GCPCloudFunctionID("example-prod", "europe-west1", "thumbs")
	legacy := graph.GCPCloudFunctionID("example-prod", "europe-west1", "legacy")
	resize := graph.GCPCloudFunctionID("example-prod", "us-central1", "resize")
	plain := graph.GCPCloudFunctionID("example-prod", "us-central1", "plain")
	worker := graph.GCPCloudFunctionID("example-prod", "europe-west1", "worker")
	var runtimes []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeRuntime {
			runtimes = append(runtimes, n.ID)
		}
	}
	sort.Strings(runtimes)
	wantRuntimes := []string{legacy, plain, resize, thumbs, worker}
	sort.Strings(wantRuntimes)
	if diff := cmp.Diff(wantRuntimes, runtimes); diff != "" {
		t.Errorf("runtimes (-want +got):\n%s", diff)
	}

	var got []string
	for _, e := range res.Edges {
		switch e.Kind {
		case graph.EdgeExposes, graph.EdgeAuthenticatesAs:
			if strings.Contains(e.From, ":functions:") {
				got = append(got, e.From+" "+string(e.Kind)+" "+e.To+" "+e.Attrs[graph.AttrVia]+" "+e.Attrs[graph.AttrName])
			}
		}
	}
	sort.Strings(got)
	sa := func(email string) string { return graph.GCPServiceAccountID(email) }
	want := []string{
		graph.GCPMetadataCredentialsID(legacy) + " AUTHENTICATES_AS " + sa("example-prod@appspot.gserviceaccount.com") + "  ",
		graph.GCPMetadataCredentialsID(resize) + " AUTHENTICATES_AS " + sa("resizer@example-prod.iam.gserviceaccount.com") + "  ",
		graph.GCPMetadataCredentialsID(thumbs) + " AUTHENTICATES_AS " + sa("thumbnailer@example-prod.iam.gserviceaccount.com") + "  ",
		legacy + " EXPOSES " + graph.GCPMetadataCredentialsID(legacy) + " metadata ",
		resize + " EXPOSES " + graph.GCPMetadataCredentialsID(resize) + " metadata ",
		resize + " EXPOSES " + graph.GCPSecretID("example-prod", "resize-api") + " env API_KEY",
		thumbs + " EXPOSES " + graph.GCPMetadataCredentialsID(thumbs) + " metadata ",
		thumbs + " EXPOSES " + graph.GCPSecretID("example-prod", "thumbs-config") + " file /etc/thumbs",
		thumbs + " EXPOSES " + graph.GCPSecretID("example-prod", "thumbs-db") + " env DB_PASSWORD",
		thumbs + " EXPOSES " + graph.GCPSecretID("example-shared", "signing-key") + " env SHARED_KEY",
		thumbs + " EXPOSES " + graph.GCPInlineSecretID(thumbs, "", "UPLOAD_TOKEN") + " env UPLOAD_TOKEN",
		graph.GCPMetadataCredentialsID(worker) + " AUTHENTICATES_AS " + sa("${var.worker_sa}") + "  ",
		worker + " EXPOSES " + graph.GCPMetadataCredentialsID(worker) + " metadata ",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	// Only the account the input does not resolve is possible.
	for _, e := range res.Edges {
		if e.Kind != graph.EdgeAuthenticatesAs || !strings.Contains(e.From, ":functions:") {
			continue
		}
		want := graph.Certain
		if strings.Contains(e.To, "${") {
			want = graph.Possible
		}
		if e.Confidence != want {
			t.Errorf("%s -> %s is %s, want %s", e.From, e.To, e.Confidence, want)
		}
	}
}

// TestGitLabVariables reads GitLab CI/CD variables, of a project and of a
// group, with their protection, masking, environment scope and type. A
// variable set from a service account key HOLDS that key.
func TestGitLabVariables(t *testing.T) {
	var res ingest.Result
	f := filepath.Join("testdata", "gitlab-variables", "main.tf")
	if err := New().Parse(context.Background(), &ingest.File{Path: f}, testEnv(), &res); err != nil {
		t.Fatalf("Parse(%s): %v", f, err)
	}
	type variable struct {
		repository, group, name, protected, masked, scope, varType string
	}
	want := map[string]variable{
		graph.GitLabVariableID("acme/data-pipeline", "GCP_SA_KEY_B64"):              {"acme/data-pipeline", "", "GCP_SA_KEY_B64", "true", "true", "*", "env_var"},
		graph.GitLabVariableID("acme/data-pipeline", "env/production/DEPLOY_TOKEN"): {"acme/data-pipeline", "", "DEPLOY_TOKEN", "false", "false", "production", "file"},
		graph.GitLabVariableID("acme", "SHARED_GCP_KEY"):                            {"", "acme", "SHARED_GCP_KEY", "false", "false", "*", "env_var"},
	}
	got := map[string]variable{}
	for _, n := range res.Nodes {
		if n.Attr(graph.AttrProvider) != "gitlab" {
			continue
		}
		if n.Attr("type") != "ci-variable" || n.Attr(graph.AttrLongLived) != "true" {
			t.Errorf("%s: type %q, long_lived %q, want ci-variable and true", n.ID, n.Attr("type"), n.Attr(graph.AttrLongLived))
		}
		got[n.ID] = variable{n.Attr(graph.AttrRepository), n.Attr("group"), n.Attr(graph.AttrName), n.Attr("protected"),
			n.Attr("masked"), n.Attr("environment_scope"), n.Attr("variable_type")}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(variable{})); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}

	key := graph.GCPServiceAccountKeyID("etl@example-prod.iam.gserviceaccount.com", "etl")
	var holders []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeHolds && e.To == key {
			holders = append(holders, e.From+" ("+string(e.Confidence)+")")
		}
	}
	sort.Strings(holders)
	wantHolders := []string{
		graph.GitLabVariableID("acme", "SHARED_GCP_KEY") + " (certain)",
		graph.GitLabVariableID("acme/data-pipeline", "GCP_SA_KEY_B64") + " (certain)",
	}
	if diff := cmp.Diff(wantHolders, holders); diff != "" {
		t.Errorf("variables that hold %s (-want +got):\n%s", key, diff)
	}

	var numeric []string
	for _, d := range res.Diags {
		if strings.Contains(d.String(), "gitlab_project_variable.by_id") {
			numeric = append(numeric, d.String())
		}
	}
	if len(numeric) != 1 || !strings.Contains(numeric[0], "project path") {
		t.Errorf("diagnostics about the numeric project id: %q, want one that asks for the project path", numeric)
	}
}
