package terraform

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
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

// TestProviderScopes checks that blocks of an aliased aws provider get
// the account its assume_role or allowed_account_ids states and its
// region, and that the principals of the provider that creates the
// organization are spared by service control policies.
func TestProviderScopes(t *testing.T) {
	const (
		deployer = "arn:aws:iam::444455556666:user/deployer"
		boss     = "arn:aws:iam:::user/boss"
		db       = "arn:aws:secretsmanager:us-east-1:444455556666:secret:db"
		bossDB   = "arn:aws:secretsmanager:eu-west-1::secret:boss"
	)
	lines := parseFile(t, New(), filepath.Join("testdata", "providers", "main.tf"))
	want := []string{
		`node Identity arn:aws:iam::111122223333:role/app @19 account=111122223333 name=app provider=aws tf_address=aws_iam_role.app trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}],"Version":"2012-10-17"} type=role`,
		`node Identity ` + deployer + ` @27 account=444455556666 name=deployer provider=aws tf_address=aws_iam_user.deployer tf_provider=aws.prod type=user`,
		`node Secret ` + db + ` @38 account=444455556666 long_lived=true name=db provider=aws tf_address=aws_secretsmanager_secret.db tf_provider=aws.prod type=secretsmanager`,
		// The mgmt provider has a profile of its own and states no
		// account; its region is the default provider's.
		`node Identity ` + boss + ` @48 management_account=true name=boss provider=aws tf_address=aws_iam_user.boss tf_provider=aws.mgmt type=user`,
		`node Secret ` + bossDB + ` @59 long_lived=true name=boss provider=aws tf_address=aws_secretsmanager_secret.boss tf_provider=aws.mgmt type=secretsmanager`,
	}
	have := map[string]bool{}
	for _, l := range lines {
		have[l] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("missing %s", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", strings.Join(lines, "\n"))
	}

	got := deriveDir(t, "providers", graph.EdgeCanReadSecret)
	wantEdges := []string{
		// AdministratorAccess; deny-all binds the prod account, not the
		// management account.
		boss + " -CAN_READ_SECRET-> " + bossDB + " (certain)",
		// Another provider configuration: possibly another account.
		boss + " -CAN_READ_SECRET-> " + db + " (possible)",
	}
	if diff := cmp.Diff(wantEdges, got); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
}

func TestManagementAccount(t *testing.T) {
	got := parseFile(t, New(), filepath.Join("testdata", "management", "main.tf"))
	want := []string{
		`node Identity arn:aws:iam::999988887777:role/auditor @11 account=999988887777 management_account=true name=auditor provider=aws tf_address=aws_iam_role.auditor tf_provider=aws.mgmt trust_policy={} type=role`,
		`node Identity aws:account:999988887777 @6 account=999988887777 management=true name=management account provider=aws tf_address=aws_organizations_organization.org tf_provider=aws.mgmt type=account`,
		`records 2`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
}

func TestHostPassword(t *testing.T) {
	const (
		host = "runtime:aws:ec2:111122223333:aws_instance.bastion"
		user = "aws:host-user:aws:ec2:111122223333:aws_instance.bastion/ops"
	)
	got := parseFile(t, New(), filepath.Join("testdata", "hostlogin", "main.tf"))
	secret := "secret:inline:" + testFingerprinter.Fingerprint("CANARY-terraform-host-7f3a")
	want := expandFP([]string{
		`node Runtime ` + host + ` @5 account=111122223333 provider=aws tf_address=aws_instance.bastion type=ec2-instance`,
		`node Secret ` + secret + ` @8 fingerprint=FP(CANARY-terraform-host-7f3a) long_lived=true provider=aws stored_inline=true type=host-password`,
		`edge EXPOSES ` + host + ` -> ` + secret + ` @8 via=file`,
		`node Identity ` + user + ` @8 account=111122223333 name=ops provider=aws runtime=` + host + ` type=host-user`,
		`edge AUTHENTICATES_AS ` + secret + ` -> ` + user + ` @8`,
		`edge CAN_MODIFY ` + user + ` -> ` + host + ` possible @8 actions=ssh login reason=the user data sets the password of login ops; undecided: whether the host's SSH port can be reached and accepts it is not in the input`,
		`records 1`,
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
	for _, l := range got {
		if strings.Contains(l, "CANARY") {
			t.Errorf("password in %s", l)
		}
	}
}

// TestECSPlacement: a DAEMON service runs on every instance that joins its
// cluster, another service possibly on each; the host reads the role
// credentials of a task with a role.
func TestECSPlacement(t *testing.T) {
	const node = "runtime:aws:ec2:111122223333:aws_instance.node"
	var got []string
	for _, l := range parseFile(t, New(), filepath.Join("testdata", "ecsdaemon", "main.tf")) {
		if strings.HasPrefix(l, "edge RUNS_ON") || strings.HasPrefix(l, "edge EXPOSES "+node) {
			got = append(got, l)
		}
	}
	want := []string{
		`edge EXPOSES ` + node + ` -> secret:aws:role-credentials:aws:ecs-task:agent possible @24 reason=code with root on ` + node +
			` controls the containers of the tasks that run there (Docker) and reads their role credentials service=aws_ecs_service.agent via=metadata`,
		`edge RUNS_ON runtime:aws:ecs-task:agent -> ` + node + ` @24 service=aws_ecs_service.agent`,
		`edge RUNS_ON runtime:aws:ecs-task:web -> ` + node + ` possible @36 reason=the scheduler places the service's tasks on some instances of its cluster, which ones is not in the input service=aws_ecs_service.web`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("placement (-want +got):\n%s", diff)
	}
}
