package terraform

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

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

// TestProviderQuotedAlias checks that the Terraform 0.11 form
// provider = "aws.prod" gives the account and region of aws.prod.
func TestProviderQuotedAlias(t *testing.T) {
	const src = `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}

provider "aws" {
  alias               = "prod"
  region              = "us-east-1"
  allowed_account_ids = ["444455556666"]
}

resource "aws_secretsmanager_secret" "db" {
  provider = "aws.prod"
  name     = "db"
}
`
	res := parseSource(t, src)
	const want = "arn:aws:secretsmanager:us-east-1:444455556666:secret:db"
	found := false
	for _, n := range res.Nodes {
		if n.ID != want {
			continue
		}
		found = true
		if got := n.Attr("tf_provider"); got != "aws.prod" {
			t.Errorf("%s tf_provider = %q, want aws.prod", want, got)
		}
	}
	if !found {
		var ids []string
		for _, n := range res.Nodes {
			ids = append(ids, n.ID)
		}
		t.Errorf("no node %s among %v", want, ids)
	}
}

// TestLambdaLiteralKeyID: an environment variable whose whole value is a
// long-lived access key id keeps that id, which names the key at IAM and
// in CloudTrail. A value that merely contains one keeps none.
func TestLambdaLiteralKeyID(t *testing.T) {
	const fn = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:worker"
	got := parseFile(t, New(), filepath.Join("testdata", "lambdakey", "main.tf"))
	keys := map[string]string{}
	for _, l := range got {
		for _, name := range []string{"PARTNER_KEY_ID", "PARTNER_NOTE"} {
			if strings.HasPrefix(l, "node Secret "+graph.AWSEnvVarID(fn, name)+" ") {
				keys[name] = l
			}
		}
	}
	if !strings.Contains(keys["PARTNER_KEY_ID"], " key_id=AKIAEXAMPLEWORKER123 ") {
		t.Errorf("PARTNER_KEY_ID: %q, want key_id=AKIAEXAMPLEWORKER123", keys["PARTNER_KEY_ID"])
	}
	if keys["PARTNER_NOTE"] == "" || strings.Contains(keys["PARTNER_NOTE"], "key_id=") {
		t.Errorf("PARTNER_NOTE: %q, want a node without key_id", keys["PARTNER_NOTE"])
	}
}
