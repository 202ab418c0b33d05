package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/internal/secret"
)

// testFingerprinter is the fingerprint function of the tests; want lines
// write FP(value) for its result.
var testFingerprinter = secret.New([]byte("terraform-test-salt"))

func testEnv() *ingest.Env {
	return &ingest.Env{Fingerprint: testFingerprinter.Fingerprint}
}

var fpCall = regexp.MustCompile(`FP\(([^)]*)\)`)

// expandFP replaces FP(value) in want lines by the value's fingerprint.
func expandFP(lines []string) []string {
	if len(lines) == 0 {
		return nil
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = fpCall.ReplaceAllStringFunc(l, func(m string) string {
			return testFingerprinter.Fingerprint(fpCall.FindStringSubmatch(m)[1])
		})
	}
	sort.Strings(out)
	return out
}

// parseFile parses one file with p and renders its facts as sorted lines:
//
//	node KIND ID @LINE key=value...
//	edge KIND FROM -> TO [possible] @LINE key=value...
//	diag LINE:COL message
//	error LINE:COL message
//	records N
func parseFile(t *testing.T, p *Parser, path string) []string {
	t.Helper()
	var res ingest.Result
	err := p.Parse(context.Background(), &ingest.File{Path: path}, testEnv(), &res)
	var lines []string
	if err != nil {
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			t.Fatalf("Parse(%s) error %v is not an *ingest.Error", path, err)
		}
		if ie.Pos.File != path {
			t.Errorf("error names file %q, want %q", ie.Pos.File, path)
		}
		lines = append(lines, fmt.Sprintf("error %d:%d %s", ie.Pos.Line, ie.Pos.Col, ie.Msg))
	}
	for _, n := range res.Nodes {
		if n.Pos.File != path {
			t.Errorf("node %s names file %q, want %q", n.ID, n.Pos.File, path)
		}
		lines = append(lines, fmt.Sprintf("node %s %s @%d%s", n.Kind, n.ID, n.Pos.Line, renderAttrs(n.Attrs)))
	}
	for _, e := range res.Edges {
		if e.Pos.File != path {
			t.Errorf("edge %s names file %q, want %q", e.Key(), e.Pos.File, path)
		}
		conf := ""
		switch e.Confidence {
		case graph.Certain:
		case graph.Possible:
			conf = " possible"
		default:
			t.Errorf("edge %s has confidence %q", e.Key(), e.Confidence)
		}
		lines = append(lines, fmt.Sprintf("edge %s %s -> %s%s @%d%s", e.Kind, e.From, e.To, conf, e.Pos.Line, renderAttrs(e.Attrs)))
	}
	for _, d := range res.Diags {
		if d.Pos.File != path {
			t.Errorf("diagnostic %q names file %q, want %q", d.Msg, d.Pos.File, path)
		}
		lines = append(lines, fmt.Sprintf("diag %d:%d %s", d.Pos.Line, d.Pos.Col, d.Msg))
	}
	if res.Records > 0 {
		lines = append(lines, fmt.Sprintf("records %d", res.Records))
	}
	sort.Strings(lines)
	return lines
}

// dbMaster returns the want lines of a database's master user: its node,
// the password's AUTHENTICATES_AS and the user's possible CAN_ACCESS.
func dbMaster(db string, line int, addr string) []string {
	user := "aws:db-user:" + db + "#master"
	return []string{
		fmt.Sprintf("node Identity %s @%d account=111122223333 database=%s provider=aws tf_address=%s type=db-master-user", user, line, db, addr),
		fmt.Sprintf("edge AUTHENTICATES_AS secret:aws:db-password:%s -> %s @%d", db, user, line),
		fmt.Sprintf("edge CAN_ACCESS %s -> %s possible @%d actions=database login level=admin reason=the master password logs in to %s as its master user; undecided: whether the database can be reached over the network is not in the input", user, db, line, db),
	}
}

func renderAttrs(attrs map[string]string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		sb.WriteString(" " + k + "=" + attrs[k])
	}
	return sb.String()
}

// Identifiers used in several want lists.
const (
	acct        = "111122223333"
	keyDeploy   = "secret:aws:access-key:arn:aws:iam:::user/deployer/deployer"
	keyLegacy   = "secret:aws:access-key:arn:aws:iam:::user/svc/legacy/legacy"
	lambdaFn    = "runtime:aws:lambda:arn:aws:lambda:eu-central-1:111122223333:function:report"
	lambdaEnv   = "secret:aws:env:aws:lambda:arn:aws:lambda:eu-central-1:111122223333:function:report/"
	oidcGitHub  = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
	reportImage = "pkg:docker/report"
	iamA        = "arn:aws:iam::111122223333:"
	rdsA        = "arn:aws:rds:eu-west-1:111122223333:"
	smA         = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:"
	keyBackup   = "secret:aws:access-key:arn:aws:iam::111122223333:user/backup/backup"
	keyCI       = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci/ci"
	keySpare    = "secret:aws:access-key:arn:aws:iam::111122223333:user/ci/spare"
	ecsAPI      = "runtime:aws:ecs-task:api"
	ecsEnv      = "secret:aws:env:aws:ecs-task:api/"
	ec2Host     = "runtime:aws:ec2:111122223333:aws_instance.host"
	ebShop      = "runtime:aws:elasticbeanstalk:shop/shop-prod"
	ebEnv       = "secret:aws:env:aws:elasticbeanstalk:shop/shop-prod/"
	agentDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
	ouProd      = "aws:ou:${aws_organizations_organizational_unit.prod.id}"
	accPay      = "aws:account:${aws_organizations_account.payments.id}"
	deployPEM   = "-----BEGIN OPENSSH PRIVATE KEY-----\nCANARYterraform7f3aPEMbody0000\n-----END OPENSSH PRIVATE KEY-----"
	ecrRepoURL  = "repository_url=111122223333.dkr.ecr.eu-central-1.amazonaws.com"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		// want maps each file of the module to its facts.
		want map[string][]string
	}{
		{
			name: "jsonencode policies, attachments and membership",
			dir:  "jsonencode",
			want: map[string][]string{"main.tf": {
				`node Identity arn:aws:iam::111122223333:role/ci/deploy @6 account=111122223333 name=deploy path=/ci/ permissions_boundary=arn:aws:iam::111122223333:policy/boundary provider=aws tf_address=aws_iam_role.deploy trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"}}],"Version":"2012-10-17"} type=role`,
				`node Policy arn:aws:iam::111122223333:role/ci/deploy#inline/logs @20 account=111122223333 document={"Statement":[{"Action":["logs:PutLogEvents"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"} name=logs provider=aws tf_address=aws_iam_role.deploy`,
				`edge HAS_POLICY arn:aws:iam::111122223333:role/ci/deploy -> arn:aws:iam::111122223333:role/ci/deploy#inline/logs @20`,
				`node Policy arn:aws:iam::aws:policy/ReadOnlyAccess @17 managed=aws name=ReadOnlyAccess provider=aws`,
				`edge HAS_POLICY arn:aws:iam::111122223333:role/ci/deploy -> arn:aws:iam::aws:policy/ReadOnlyAccess @17`,
				`node Policy arn:aws:iam::111122223333:policy/boundary @29 account=111122223333 document={"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"arn:aws:s3:::example-org-artifacts/*"}],"Version":"2012-10-17"} name=boundary provider=aws tf_address=aws_iam_policy.boundary`,
				`node Identity arn:aws:iam::111122223333:user/alice @37 account=111122223333 name=alice provider=aws tf_address=aws_iam_user.alice type=user`,
				`node Identity arn:aws:iam::111122223333:group/admins @41 account=111122223333 name=admins provider=aws tf_address=aws_iam_group.admins type=group`,
				`edge MEMBER_OF arn:aws:iam::111122223333:user/alice -> arn:aws:iam::111122223333:group/admins @45`,
				`node Policy arn:aws:iam::aws:policy/AdministratorAccess @51 managed=aws name=AdministratorAccess provider=aws`,
				`edge HAS_POLICY arn:aws:iam::111122223333:group/admins -> arn:aws:iam::aws:policy/AdministratorAccess @51`,
				`edge HAS_POLICY arn:aws:iam::111122223333:role/ci/deploy -> arn:aws:iam::111122223333:policy/boundary @56`,
				`node Resource arn:aws:s3:::example-org-artifacts @61 account=111122223333 name=example-org-artifacts provider=aws tf_address=aws_s3_bucket.artifacts type=aws_s3_bucket`,
				`records 8`,
			}},
		},
		{
			name: "heredoc policies and a policy that is not JSON",
			dir:  "heredoc",
			want: map[string][]string{"main.tf": {
				`node Identity arn:aws:iam:::user/ci/builder @1 name=builder path=/ci/ provider=aws tf_address=aws_iam_user.builder type=user`,
				`node Policy arn:aws:iam:::user/ci/builder#inline/push-images @6 document={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:PutImage","ecr:InitiateLayerUpload"],"Resource":"arn:aws:ecr:::repository/example-org/app"}]} name=push-images provider=aws tf_address=aws_iam_user_policy.builder`,
				`edge HAS_POLICY arn:aws:iam:::user/ci/builder -> arn:aws:iam:::user/ci/builder#inline/push-images @6`,
				`node Identity arn:aws:iam:::role/runner @23 name=runner provider=aws tf_address=aws_iam_role.runner trust_policy={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam:::user/ci/builder"},"Action":"sts:AssumeRole"}]} type=role`,
				`node Policy arn:aws:iam:::role/runner#inline/bad @37 name=bad provider=aws tf_address=aws_iam_role_policy.runner`,
				`edge HAS_POLICY arn:aws:iam:::role/runner -> arn:aws:iam:::role/runner#inline/bad @37`,
				`diag 40:12 aws_iam_role_policy.runner: policy is not a valid JSON policy document`,
				`node Resource arn:aws:ecr:::repository/example-org/app @45 name=example-org/app provider=aws tf_address=aws_ecr_repository.app type=aws_ecr_repository`,
				`records 5`,
			}},
		},
		{
			name: "aws_iam_policy_document with source documents, and an undeclared one",
			dir:  "policydoc",
			want: map[string][]string{"main.tf": {
				`node Resource arn:aws:sqs:us-east-2:111122223333:jobs @77 account=111122223333 name=jobs provider=aws tf_address=aws_sqs_queue.jobs type=aws_sqs_queue`,
				`node Resource arn:aws:sqs:us-east-2:111122223333:jobs @81 provider=aws resource_policy=` +
					`{"Version":"2012-10-17","Statement":[` +
					`{"Sid":"Send","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-2:111122223333:jobs","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:root"]},"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},` +
					`{"Sid":"Audit","Effect":"Allow","Action":"sqs:GetQueueAttributes","Resource":"*","Principal":{"AWS":"arn:aws:iam::111122223333:role/auditor"}},` +
					`{"Sid":"DenyOthers","Effect":"Deny","NotAction":["sqs:ReceiveMessage","sqs:DeleteMessage"],"NotResource":"arn:aws:sqs:us-east-2:111122223333:other","Principal":"*"}]}` +
					` type=aws_sqs_queue`,
				`node Identity arn:aws:iam::111122223333:role/worker @86 account=111122223333 name=worker provider=aws tf_address=aws_iam_role.worker trust_policy={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]} type=role`,
				`node Resource arn:aws:kms:us-east-2:111122223333:key/aws_kms_key.jobs @91 account=111122223333 name=aws_kms_key.jobs policy_unresolved=true provider=aws tf_address=aws_kms_key.jobs type=aws_kms_key unresolved=the policy depends on data.aws_iam_policy_document.missing.json`,
				`diag 93:17 reference to undeclared data source data.aws_iam_policy_document.missing`,
				`diag 93:17 aws_kms_key.jobs: policy could not be resolved: it depends on data.aws_iam_policy_document.missing.json`,
				`records 9`,
			}},
		},
		{
			name: "variables with defaults, terraform.tfvars and auto.tfvars",
			dir:  "vars",
			want: map[string][]string{
				"main.tf": {
					`node Identity arn:aws:iam::111122223333:role/app-prod @5 account=111122223333 name=app-prod provider=aws tf_address=aws_iam_role.app trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":["${var.extra_principals}","arn:aws:iam::111122223333:root"]}}],"Version":"2012-10-17"} type=role unresolved=var.extra_principals`,
					`node Identity arn:aws:iam::111122223333:user/${var.team}-bot @17 account=111122223333 name=${var.team}-bot provider=aws tf_address=aws_iam_user.team type=user unresolved=var.team`,
					`node Policy arn:aws:iam::aws:policy/ReadOnlyAccess @21 managed=aws name=ReadOnlyAccess provider=aws`,
					`edge HAS_POLICY arn:aws:iam::111122223333:user/carol -> arn:aws:iam::aws:policy/ReadOnlyAccess @21`,
					`edge HAS_POLICY arn:aws:iam::111122223333:role/app-prod -> arn:aws:iam::aws:policy/ReadOnlyAccess @21`,
					`node Resource arn:aws:dynamodb:us-west-1:111122223333:table/orders-prod @28 account=111122223333 name=orders-prod provider=aws tf_address=aws_dynamodb_table.orders type=aws_dynamodb_table`,
					`records 4`,
				},
				"variables.tf":     nil,
				"terraform.tfvars": nil,
				"prod.auto.tfvars": nil,
				"other.tfvars":     nil,
			},
		},
		{
			name: "locals, an instance profile and an instance",
			dir:  "locals",
			want: map[string][]string{"main.tf": {
				`node Resource arn:aws:s3:::example-org-prod-logs @11 account=111122223333 name=example-org-prod-logs provider=aws tf_address=aws_s3_bucket.logs type=aws_s3_bucket`,
				`node Identity arn:aws:iam::111122223333:role/example-org-prod-reader @15 account=111122223333 instance_profiles=arn:aws:iam::111122223333:instance-profile/example-org-prod-reader-profile name=example-org-prod-reader provider=aws tf_address=aws_iam_role.reader trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}],"Version":"2012-10-17"} type=role`,
				`node Policy arn:aws:iam::111122223333:role/example-org-prod-reader#inline/logs @23 account=111122223333 document={"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::example-org-prod-logs/*"},{"Action":"s3:PutObject","Effect":"Allow","Resource":"arn:aws:s3:::example-org-prod-logs/*"}],"Version":"2012-10-17"} name=logs provider=aws tf_address=aws_iam_role_policy.reader`,
				`edge HAS_POLICY arn:aws:iam::111122223333:role/example-org-prod-reader -> arn:aws:iam::111122223333:role/example-org-prod-reader#inline/logs @23`,
				`node Resource arn:aws:iam::111122223333:instance-profile/example-org-prod-reader-profile @29 account=111122223333 name=example-org-prod-reader-profile provider=aws role=arn:aws:iam::111122223333:role/example-org-prod-reader tf_address=aws_iam_instance_profile.reader type=aws_iam_instance_profile`,
				`node Runtime runtime:aws:ec2:111122223333:aws_instance.worker @34 account=111122223333 name=example-org-prod-worker provider=aws tf_address=aws_instance.worker type=ec2-instance`,
				`node Secret secret:aws:role-credentials:aws:ec2:111122223333:aws_instance.worker @34 instance_profile=example-org-prod-reader-profile long_lived=false provider=aws type=role-credentials via=metadata`,
				`edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.worker -> secret:aws:role-credentials:aws:ec2:111122223333:aws_instance.worker @34 via=metadata`,
				`edge AUTHENTICATES_AS secret:aws:role-credentials:aws:ec2:111122223333:aws_instance.worker -> arn:aws:iam::111122223333:role/example-org-prod-reader @34`,
				`records 5`,
			}},
		},
		{
			name: "access keys held by GitHub Actions and Secrets Manager secrets across files",
			dir:  "keys",
			want: map[string][]string{
				"iam.tf": {
					`node Identity arn:aws:iam:::user/deployer @5 name=deployer provider=aws tf_address=aws_iam_user.deployer type=user`,
					`node Secret ` + keyDeploy + ` @9 long_lived=true provider=aws tf_address=aws_iam_access_key.deployer type=access-key user=deployer`,
					`edge AUTHENTICATES_AS ` + keyDeploy + ` -> arn:aws:iam:::user/deployer @9`,
					`node Identity arn:aws:iam:::user/svc/legacy @13 name=legacy path=/svc/ provider=aws tf_address=aws_iam_user.legacy type=user`,
					`node Secret ` + keyLegacy + ` @18 long_lived=true provider=aws status=Inactive tf_address=aws_iam_access_key.legacy type=access-key user=legacy`,
					`edge AUTHENTICATES_AS ` + keyLegacy + ` -> arn:aws:iam:::user/svc/legacy @18`,
					`records 4`,
				},
				"secrets.tf": {
					`node Repository repo:github.com/example-org/api @8 name=api provider=github repository=example-org/api tf_address=github_repository.api visibility=private`,
					`node Secret secret:gha:example-org/api/AWS_ACCESS_KEY_ID @13 long_lived=true name=aws_access_key_id provider=github repository=example-org/api tf_address=github_actions_secret.key_id type=actions-secret`,
					`edge HOLDS secret:gha:example-org/api/AWS_ACCESS_KEY_ID -> ` + keyDeploy + ` @13`,
					`node Secret secret:gha:example-org/api/AWS_SECRET_ACCESS_KEY @19 long_lived=true name=AWS_SECRET_ACCESS_KEY provider=github repository=example-org/api tf_address=github_actions_secret.key_secret type=actions-secret`,
					`edge HOLDS secret:gha:example-org/api/AWS_SECRET_ACCESS_KEY -> ` + keyDeploy + ` @19`,
					`node Secret secret:gha:example-org/api/env/production/LEGACY_CREDS @25 environment=production long_lived=true name=LEGACY_CREDS provider=github repository=example-org/api tf_address=github_actions_environment_secret.legacy type=actions-secret`,
					`edge HOLDS secret:gha:example-org/api/env/production/LEGACY_CREDS -> ` + keyLegacy + ` @25`,
					`node Secret secret:gha:org:example-org/NPM_TOKEN @32 fingerprint=FP(CANARY-terraform-7f3a) long_lived=true name=NPM_TOKEN org=example-org provider=github selected_repositories=example-org/api stored_inline=true tf_address=github_actions_organization_secret.npm type=actions-secret visibility=selected`,
					`node Secret arn:aws:secretsmanager:::secret:ci/deployer @39 long_lived=true name=ci/deployer provider=aws tf_address=aws_secretsmanager_secret.deployer type=secretsmanager`,
					`node Secret arn:aws:secretsmanager:::secret:ci/deployer @43 provider=aws type=secretsmanager`,
					`edge HOLDS arn:aws:secretsmanager:::secret:ci/deployer -> ` + keyDeploy + ` @43`,
					`node Secret arn:aws:secretsmanager:::secret:ci/legacy @51 long_lived=true name=ci/legacy provider=aws tf_address=aws_secretsmanager_secret.legacy type=secretsmanager`,
					`node Secret arn:aws:secretsmanager:::secret:ci/legacy @55 provider=aws type=secretsmanager`,
					`edge HOLDS arn:aws:secretsmanager:::secret:ci/legacy -> ` + keyLegacy + ` @55`,
					`node Secret arn:aws:secretsmanager:::secret:ci/legacy @60 provider=aws resource_policy={"Statement":[{"Action":"secretsmanager:DeleteSecret","Effect":"Deny","Principal":"*","Resource":"*"}],"Version":"2012-10-17"} type=secretsmanager`,
					`node Secret arn:aws:ssm:::parameter/ci/webhook @68 fingerprint=FP(CANARY-terraform-7f3a-ssm) long_lived=true name=/ci/webhook param_type=SecureString provider=aws stored_inline=true tf_address=aws_ssm_parameter.webhook type=ssm-parameter`,
					`records 11`,
				},
			},
		},
		{
			name: "OIDC provider and roles whose trust keeps its conditions",
			dir:  "oidc",
			want: map[string][]string{"main.tf": {
				`node Identity ` + oidcGitHub + ` @5 account=111122223333 client_ids=sts.amazonaws.com name=token.actions.githubusercontent.com provider=aws tf_address=aws_iam_openid_connect_provider.github type=oidc-provider url=https://token.actions.githubusercontent.com`,
				`node Identity arn:aws:iam::111122223333:role/api-deploy @35 account=111122223333 name=api-deploy provider=aws tf_address=aws_iam_role.deploy trust_policy=` +
					`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"` + oidcGitHub + `"},` +
					`"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":["repo:example-org/api:environment:production","repo:example-org/api:ref:refs/heads/main"]}}}]}` +
					` type=role`,
				`node Identity arn:aws:iam::111122223333:role/api-readonly @40 account=111122223333 name=api-readonly provider=aws tf_address=aws_iam_role.readonly trust_policy=` +
					`{"Statement":[{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:example-org/api:pull_request"}},"Effect":"Allow","Principal":{"Federated":"` + oidcGitHub + `"}}],"Version":"2012-10-17"}` +
					` type=role`,
				`records 4`,
			}},
		},
		{
			name: "lambda environment and instance user data",
			dir:  "lambda",
			want: map[string][]string{"main.tf": {
				`node Identity arn:aws:iam::111122223333:role/report-fn @10 account=111122223333 name=report-fn provider=aws tf_address=aws_iam_role.fn trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"}}],"Version":"2012-10-17"} type=role`,
				`node Identity arn:aws:iam::111122223333:user/mailer @18 account=111122223333 name=mailer provider=aws tf_address=aws_iam_user.mailer type=user`,
				`node Secret secret:aws:access-key:arn:aws:iam::111122223333:user/mailer/mailer @22 account=111122223333 long_lived=true provider=aws tf_address=aws_iam_access_key.mailer type=access-key user=mailer`,
				`edge AUTHENTICATES_AS secret:aws:access-key:arn:aws:iam::111122223333:user/mailer/mailer -> arn:aws:iam::111122223333:user/mailer @22`,
				`node Secret arn:aws:ssm:eu-central-1:111122223333:parameter/db-url @26 account=111122223333 fingerprint=FP(postgres://reports.internal.example/reports) long_lived=true name=db-url param_type=String provider=aws stored_inline=true tf_address=aws_ssm_parameter.db_url type=ssm-parameter`,
				`node Runtime ` + lambdaFn + ` @32 account=111122223333 arn=arn:aws:lambda:eu-central-1:111122223333:function:report image=111122223333.dkr.ecr.eu-central-1.amazonaws.com/report:1.4.2 name=report provider=aws tf_address=aws_lambda_function.report type=lambda`,
				`node Package ` + reportImage + `@1.4.2?` + ecrRepoURL + ` @36 ecosystem=docker name=111122223333.dkr.ecr.eu-central-1.amazonaws.com/report version=1.4.2`,
				`node Package ` + reportImage + `?` + ecrRepoURL + ` @36 ecosystem=docker name=111122223333.dkr.ecr.eu-central-1.amazonaws.com/report`,
				`edge VERSION_OF ` + reportImage + `@1.4.2?` + ecrRepoURL + ` -> ` + reportImage + `?` + ecrRepoURL + ` @36`,
				`edge EXECUTES ` + lambdaFn + ` -> ` + reportImage + `@1.4.2?` + ecrRepoURL + ` @36 pinned=tag pull_policy=OnDeploy via=image`,
				`node Secret secret:aws:role-credentials:aws:lambda:arn:aws:lambda:eu-central-1:111122223333:function:report @32 long_lived=false provider=aws type=role-credentials via=env`,
				`edge EXPOSES ` + lambdaFn + ` -> secret:aws:role-credentials:aws:lambda:arn:aws:lambda:eu-central-1:111122223333:function:report @32 via=env`,
				`edge AUTHENTICATES_AS secret:aws:role-credentials:aws:lambda:arn:aws:lambda:eu-central-1:111122223333:function:report -> arn:aws:iam::111122223333:role/report-fn @32`,
				`node Secret ` + lambdaEnv + `API_TOKEN @40 account=111122223333 fingerprint=FP(CANARY-terraform-7f3a) name=API_TOKEN provider=aws stored_inline=true type=env-var`,
				`edge EXPOSES ` + lambdaFn + ` -> ` + lambdaEnv + `API_TOKEN @40 via=env`,
				`node Secret ` + lambdaEnv + `SMTP_PASSWORD @41 account=111122223333 name=SMTP_PASSWORD provider=aws type=env-var`,
				`edge HOLDS ` + lambdaEnv + `SMTP_PASSWORD -> secret:aws:access-key:arn:aws:iam::111122223333:user/mailer/mailer @41`,
				`edge EXPOSES ` + lambdaFn + ` -> ` + lambdaEnv + `SMTP_PASSWORD @41 via=env`,
				`node Secret ` + lambdaEnv + `DB_URL @42 account=111122223333 name=DB_URL provider=aws type=env-var`,
				`edge HOLDS ` + lambdaEnv + `DB_URL -> arn:aws:ssm:eu-central-1:111122223333:parameter/db-url @42`,
				`edge EXPOSES ` + lambdaFn + ` -> ` + lambdaEnv + `DB_URL @42 via=env`,
				// LOG_LEVEL is "info", plainly configuration: no secret.
				`node Secret ` + lambdaEnv + `BUCKET @44 account=111122223333 name=BUCKET provider=aws type=env-var`,
				`edge EXPOSES ` + lambdaFn + ` -> ` + lambdaEnv + `BUCKET @44 via=env`,
				`node Secret ` + lambdaEnv + `API_KEY @45 account=111122223333 name=API_KEY provider=aws type=env-var`,
				`edge HOLDS ` + lambdaEnv + `API_KEY -> arn:aws:ssm:eu-central-1:111122223333:parameter/report/api-key @45`,
				`edge EXPOSES ` + lambdaFn + ` -> ` + lambdaEnv + `API_KEY @45 via=env`,
				`node Resource arn:aws:s3:::example-org-reports @50 account=111122223333 name=example-org-reports provider=aws tf_address=aws_s3_bucket.reports type=aws_s3_bucket`,
				`node Runtime runtime:aws:ec2:111122223333:aws_instance.legacy @54 account=111122223333 provider=aws tf_address=aws_instance.legacy type=ec2-instance`,
				`node Secret secret:inline:FP(AKIACANARYTF7F3A0000) @57 fingerprint=FP(AKIACANARYTF7F3A0000) long_lived=true provider=aws stored_inline=true type=access-key`,
				`edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.legacy -> secret:inline:FP(AKIACANARYTF7F3A0000) @57 via=file`,
				`node Secret secret:inline:FP(CANARYterraform7f3a/ExampleSecretKey0000) @57 fingerprint=FP(CANARYterraform7f3a/ExampleSecretKey0000) long_lived=true provider=aws stored_inline=true type=access-key-secret`,
				`edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.legacy -> secret:inline:FP(CANARYterraform7f3a/ExampleSecretKey0000) @57 via=file`,
				`records 8`,
			}},
		},
		{
			name: "credentials written out are fingerprinted, broken values warned about",
			dir:  "canary",
			want: map[string][]string{
				"main.tf": {
					`node Secret secret:aws:db-password:arn:aws:rds::111122223333:db:orders @11 account=111122223333 database=arn:aws:rds::111122223333:db:orders fingerprint=FP(CANARY-terraform-7f3a-local) long_lived=true provider=aws stored_inline=true tf_address=aws_db_instance.orders type=db-password`,
					`node Resource arn:aws:rds::111122223333:db:orders @11 account=111122223333 name=orders password_secret=secret:aws:db-password:arn:aws:rds::111122223333:db:orders provider=aws tf_address=aws_db_instance.orders type=aws_db_instance`,
					dbMaster("arn:aws:rds::111122223333:db:orders", 11, "aws_db_instance.orders")[0],
					dbMaster("arn:aws:rds::111122223333:db:orders", 11, "aws_db_instance.orders")[1],
					dbMaster("arn:aws:rds::111122223333:db:orders", 11, "aws_db_instance.orders")[2],
					`node Policy arn:aws:iam::111122223333:policy/broken @16 account=111122223333 name=broken provider=aws tf_address=aws_iam_policy.broken`,
					`diag 18:12 aws_iam_policy.broken: policy is not a valid JSON policy document`,
					`node Identity arn:aws:iam::111122223333:role/broken @21 account=111122223333 name=broken provider=aws tf_address=aws_iam_role.broken type=role`,
					`diag 23:24 aws_iam_role.broken: assume_role_policy is not a valid JSON policy document`,
					`node Identity arn:aws:iam::111122223333:user/${aws_iam_user.decoded.name} @26 account=111122223333 name=${aws_iam_user.decoded.name} provider=aws tf_address=aws_iam_user.decoded type=user unresolved=aws_iam_user.decoded.name`,
					`diag 27:10 aws_iam_user.decoded: name could not be evaluated: error in function call`,
					`node Secret secret:gha:${provider.github.owner}/api/DEPLOY_TOKEN @30 fingerprint=FP(CANARY-terraform-7f3a-tfvars) long_lived=true name=DEPLOY_TOKEN provider=github repository=${provider.github.owner}/api stored_inline=true tf_address=github_actions_secret.token type=actions-secret unresolved=provider.github.owner`,
					`node Secret arn:aws:secretsmanager::111122223333:secret:orders/db @36 account=111122223333 long_lived=true name=orders/db provider=aws tf_address=aws_secretsmanager_secret.db type=secretsmanager`,
					`node Secret arn:aws:secretsmanager::111122223333:secret:orders/db @40 fingerprint=FP(CANARY-terraform-7f3a-local) provider=aws stored_inline=true type=secretsmanager`,
					`node Runtime runtime:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn @45 account=111122223333 arn=arn:aws:lambda::111122223333:function:canary-fn name=canary-fn provider=aws tf_address=aws_lambda_function.fn type=lambda`,
					`node Secret secret:aws:role-credentials:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn @45 long_lived=false provider=aws type=role-credentials via=env`,
					`edge EXPOSES runtime:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn -> secret:aws:role-credentials:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn @45 via=env`,
					`edge AUTHENTICATES_AS secret:aws:role-credentials:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn -> arn:aws:iam::111122223333:role/fn @45`,
					`node Secret secret:aws:env:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn/OTHER @49 account=111122223333 fingerprint=FP(CANARY-terraform-7f3a-local) name=OTHER provider=aws stored_inline=true type=env-var`,
					`edge EXPOSES runtime:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn -> secret:aws:env:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn/OTHER @49 via=env`,
					`node Secret secret:aws:env:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn/TOKEN @49 account=111122223333 fingerprint=FP(CANARY-terraform-7f3a-env) name=TOKEN provider=aws stored_inline=true type=env-var`,
					`edge EXPOSES runtime:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn -> secret:aws:env:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn/TOKEN @49 via=env`,
					`node Runtime runtime:aws:ec2:111122223333:aws_instance.box @53 account=111122223333 provider=aws tf_address=aws_instance.box type=ec2-instance`,
					`node Secret secret:inline:FP(AKIACANARYTF7F3A0000) @55 fingerprint=FP(AKIACANARYTF7F3A0000) long_lived=true provider=aws stored_inline=true type=access-key`,
					`edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.box -> secret:inline:FP(AKIACANARYTF7F3A0000) @55 via=file`,
					`node Secret secret:inline:FP(CANARYterraform7f3a/ExampleSecretKey0000) @55 fingerprint=FP(CANARYterraform7f3a/ExampleSecretKey0000) long_lived=true provider=aws stored_inline=true type=access-key-secret`,
					`edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.box -> secret:inline:FP(CANARYterraform7f3a/ExampleSecretKey0000) @55 via=file`,
					`records 9`,
				},
				"terraform.tfvars": nil,
			},
		},
		{
			name: "an account named only by a principal and a condition stays unknown",
			dir:  "account_unknown",
			want: map[string][]string{"main.tf": {
				`node Identity arn:aws:iam:::user/alice @10 name=alice provider=aws tf_address=aws_iam_user.alice type=user`,
				`node Identity arn:aws:iam:::role/ops @14 name=ops provider=aws tf_address=aws_iam_role.ops trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam:::root"}}],"Version":"2012-10-17"} type=role`,
				`node Resource arn:aws:s3:::example-org-lb-logs @26 name=example-org-lb-logs provider=aws tf_address=aws_s3_bucket.logs type=aws_s3_bucket`,
				`node Resource arn:aws:s3:::example-org-lb-logs @30 provider=aws resource_policy={"Statement":[{"Action":"s3:PutObject",` +
					`"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:elasticloadbalancing:eu-west-1:444455556666:loadbalancer/*"}},"Effect":"Allow",` +
					`"Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Resource":"arn:aws:s3:::example-org-lb-logs/AWSLogs//*"}],"Version":"2012-10-17"} type=aws_s3_bucket`,
				`node Policy arn:aws:iam:::policy/self-service @44 document={"Statement":[{"Action":"iam:CreateAccessKey","Effect":"Allow","Resource":"arn:aws:iam:::user/*"}],"Version":"2012-10-17"} name=self-service provider=aws tf_address=aws_iam_policy.self_service`,
				`node Runtime runtime:aws:lambda:arn:aws:lambda:eu-west-1::function:api @56 arn=arn:aws:lambda:eu-west-1::function:api name=api provider=aws tf_address=aws_lambda_function.api type=lambda`,
				`node Secret secret:aws:role-credentials:aws:lambda:arn:aws:lambda:eu-west-1::function:api @56 long_lived=false provider=aws type=role-credentials via=env`,
				`edge EXPOSES runtime:aws:lambda:arn:aws:lambda:eu-west-1::function:api -> secret:aws:role-credentials:aws:lambda:arn:aws:lambda:eu-west-1::function:api @56 via=env`,
				`edge AUTHENTICATES_AS secret:aws:role-credentials:aws:lambda:arn:aws:lambda:eu-west-1::function:api -> arn:aws:iam:::role/ops @56`,
				`records 7`,
			}},
		},
		{
			name: "a user the module declares names the account in a trust policy",
			dir:  "account_own",
			want: map[string][]string{"main.tf": {
				`node Identity arn:aws:iam::111122223333:user/ci/deployer @4 account=111122223333 name=deployer path=/ci/ provider=aws tf_address=aws_iam_user.deployer type=user`,
				`node Identity arn:aws:iam::111122223333:role/release @9 account=111122223333 name=release provider=aws tf_address=aws_iam_role.release trust_policy=` +
					`{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/ci/deployer","arn:aws:iam::444455556666:root"]}}],"Version":"2012-10-17"} type=role`,
				`node Policy arn:aws:iam::111122223333:role/release#inline/hop @21 account=111122223333 document={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Resource":"arn:aws:iam::777788889999:role/partner-audit"}],"Version":"2012-10-17"} name=hop provider=aws tf_address=aws_iam_role_policy.release`,
				`edge HAS_POLICY arn:aws:iam::111122223333:role/release -> arn:aws:iam::111122223333:role/release#inline/hop @21`,
				`records 3`,
			}},
		},
		{
			name: "a queue in a policy's resources names the account, a condition does not",
			dir:  "account_resource",
			want: map[string][]string{"main.tf": {
				`node Policy arn:aws:iam::111122223333:policy/send @4 account=111122223333 document={"Statement":[{"Action":"sqs:SendMessage",` +
					`"Condition":{"StringEquals":{"aws:SourceAccount":"444455556666","aws:SourceArn":"arn:aws:sns:eu-west-1:444455556666:events"}},` +
					`"Effect":"Allow","Resource":"arn:aws:sqs:eu-west-1:111122223333:jobs"}],"Version":"2012-10-17"} name=send provider=aws tf_address=aws_iam_policy.send`,
				`records 1`,
			}},
		},
		{
			name: "exclusive attachments, a login profile and instance profiles",
			dir:  "iam_more",
			want: map[string][]string{"main.tf": {
				`node Identity ` + iamA + `role/worker @5 account=111122223333 instance_profiles=` + iamA + `instance-profile/ec2/worker-profile,` + iamA + `instance-profile/spare-profile` +
					` name=worker provider=aws tf_address=aws_iam_role.worker trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}],"Version":"2012-10-17"} type=role`,
				`node Policy ` + iamA + `policy/reports @13 account=111122223333 document={"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::example-org-reports/*"}],"Version":"2012-10-17"} name=reports provider=aws tf_address=aws_iam_policy.reports`,
				`node Policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess @21 managed=aws name=AmazonS3ReadOnlyAccess provider=aws`,
				`edge HAS_POLICY ` + iamA + `role/worker -> arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess @21`,
				`edge HAS_POLICY ` + iamA + `role/worker -> ` + iamA + `policy/reports @21`,
				`node Identity ` + iamA + `user/dana @26 account=111122223333 name=dana provider=aws tf_address=aws_iam_user.dana type=user`,
				`edge HAS_POLICY ` + iamA + `user/dana -> ` + iamA + `policy/reports @30`,
				`node Identity ` + iamA + `group/ops @35 account=111122223333 name=ops provider=aws tf_address=aws_iam_group.ops type=group`,
				`node Policy arn:aws:iam::aws:policy/ReadOnlyAccess @39 managed=aws name=ReadOnlyAccess provider=aws`,
				`edge HAS_POLICY ` + iamA + `group/ops -> arn:aws:iam::aws:policy/ReadOnlyAccess @39`,
				`node Secret secret:aws:console-password:` + iamA + `user/dana @44 account=111122223333 long_lived=true provider=aws tf_address=aws_iam_user_login_profile.dana type=console-password user=dana`,
				`edge AUTHENTICATES_AS secret:aws:console-password:` + iamA + `user/dana -> ` + iamA + `user/dana @44`,
				`node Resource ` + iamA + `instance-profile/ec2/worker-profile @48 account=111122223333 name=worker-profile path=/ec2/ provider=aws role=` + iamA + `role/worker tf_address=aws_iam_instance_profile.worker type=aws_iam_instance_profile`,
				`node Resource ` + iamA + `instance-profile/spare-profile @54 account=111122223333 name=spare-profile provider=aws role=` + iamA + `role/worker tf_address=aws_iam_instance_profile.spare type=aws_iam_instance_profile`,
				`node Secret arn:aws:ssm::111122223333:parameter/people/dana/console @59 account=111122223333 long_lived=true name=/people/dana/console param_type=SecureString provider=aws tf_address=aws_ssm_parameter.dana_password type=ssm-parameter`,
				`edge HOLDS arn:aws:ssm::111122223333:parameter/people/dana/console -> secret:aws:console-password:` + iamA + `user/dana @59`,
				`records 11`,
			}},
		},
		{
			name: "credentials held by S3 objects, DynamoDB items, database passwords and API keys",
			dir:  "stores",
			want: map[string][]string{"main.tf": {
				`node Identity ` + iamA + `user/backup @11 account=111122223333 name=backup provider=aws tf_address=aws_iam_user.backup type=user`,
				`node Secret ` + keyBackup + ` @15 account=111122223333 long_lived=true provider=aws tf_address=aws_iam_access_key.backup type=access-key user=backup`,
				`edge AUTHENTICATES_AS ` + keyBackup + ` -> ` + iamA + `user/backup @15`,
				`node Resource arn:aws:s3:::example-org-vault @19 account=111122223333 name=example-org-vault provider=aws tf_address=aws_s3_bucket.vault type=aws_s3_bucket`,
				`node Secret arn:aws:s3:::example-org-vault/backup/credentials @23 account=111122223333 bucket=example-org-vault key=backup/credentials long_lived=true provider=aws tf_address=aws_s3_object.credentials type=s3-object`,
				`edge HOLDS arn:aws:s3:::example-org-vault/backup/credentials -> ` + keyBackup + ` @23`,
				`node Secret arn:aws:s3:::example-org-vault/legacy.env @33 account=111122223333 bucket=example-org-vault credential_types=access-key fingerprint=FP(AKIACANARYTF7F3A0001) key=legacy.env long_lived=true provider=aws stored_inline=true tf_address=aws_s3_object.legacy type=s3-object`,
				`node Secret arn:aws:s3:::example-org-vault/deploy.pem @39 account=111122223333 bucket=example-org-vault credential_types=private-key fingerprint=FP(` + deployPEM + `) key=deploy.pem long_lived=true provider=aws stored_inline=true tf_address=aws_s3_bucket_object.deploy_key type=s3-object`,
				`node Resource arn:aws:dynamodb:eu-west-1:111122223333:table/config @51 account=111122223333 name=config provider=aws tf_address=aws_dynamodb_table.config type=aws_dynamodb_table`,
				`node Secret arn:aws:dynamodb:eu-west-1:111122223333:table/config/item/backup-key @61 account=111122223333 long_lived=true provider=aws table=config tf_address=aws_dynamodb_table_item.backup_key type=dynamodb-item`,
				`edge HOLDS arn:aws:dynamodb:eu-west-1:111122223333:table/config/item/backup-key -> ` + keyBackup + ` @61`,
				`node Resource ` + rdsA + `db:orders @74 account=111122223333 name=orders password_secret=secret:aws:db-password:` + rdsA + `db:orders provider=aws tf_address=aws_db_instance.orders type=aws_db_instance`,
				`node Secret secret:aws:db-password:` + rdsA + `db:orders @74 account=111122223333 database=` + rdsA + `db:orders long_lived=true provider=aws tf_address=aws_db_instance.orders type=db-password`,
				dbMaster(rdsA+"db:orders", 74, "aws_db_instance.orders")[0],
				dbMaster(rdsA+"db:orders", 74, "aws_db_instance.orders")[1],
				dbMaster(rdsA+"db:orders", 74, "aws_db_instance.orders")[2],
				`node Secret ` + smA + `orders/db @79 account=111122223333 long_lived=true name=orders/db provider=aws tf_address=aws_secretsmanager_secret.orders type=secretsmanager`,
				`node Secret ` + smA + `orders/db @83 provider=aws type=secretsmanager`,
				`edge HOLDS ` + smA + `orders/db -> secret:aws:db-password:` + rdsA + `db:orders @83`,
				`node Resource ` + rdsA + `cluster:reports @92 account=111122223333 name=reports password_secret=secret:aws:db-password:` + rdsA + `cluster:reports provider=aws tf_address=aws_rds_cluster.reports type=aws_rds_cluster`,
				`node Secret secret:aws:db-password:` + rdsA + `cluster:reports @92 account=111122223333 database=` + rdsA + `cluster:reports long_lived=true provider=aws tf_address=aws_rds_cluster.reports type=db-password`,
				dbMaster(rdsA+"cluster:reports", 92, "aws_rds_cluster.reports")[0],
				dbMaster(rdsA+"cluster:reports", 92, "aws_rds_cluster.reports")[1],
				dbMaster(rdsA+"cluster:reports", 92, "aws_rds_cluster.reports")[2],
				`edge HOLDS ` + smA + `reports/db -> secret:aws:db-password:` + rdsA + `cluster:reports @92`,
				`node Resource ` + rdsA + `db:legacy @97 account=111122223333 name=legacy password_secret=secret:aws:db-password:` + rdsA + `db:legacy provider=aws tf_address=aws_db_instance.legacy type=aws_db_instance`,
				`node Secret secret:aws:db-password:` + rdsA + `db:legacy @97 account=111122223333 database=` + rdsA + `db:legacy fingerprint=FP(CANARY-terraform-7f3a-dbvar) long_lived=true provider=aws stored_inline=true tf_address=aws_db_instance.legacy type=db-password`,
				dbMaster(rdsA+"db:legacy", 97, "aws_db_instance.legacy")[0],
				dbMaster(rdsA+"db:legacy", 97, "aws_db_instance.legacy")[1],
				dbMaster(rdsA+"db:legacy", 97, "aws_db_instance.legacy")[2],
				`node Runtime runtime:aws:ec2:111122223333:aws_instance.migrator @102 account=111122223333 provider=aws tf_address=aws_instance.migrator type=ec2-instance`,
				`edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.migrator -> secret:aws:db-password:` + rdsA + `db:legacy @104 via=file`,
				`node Secret secret:aws:api-key:eu-west-1:111122223333/partner @107 account=111122223333 fingerprint=FP(CANARY-terraform-7f3a-apikey0000) long_lived=true name=partner provider=aws stored_inline=true tf_address=aws_api_gateway_api_key.partner type=api-key`,
				`records 18`,
			}},
		},
		{
			name: "ECS tasks, Beanstalk environments and user data rendered from templates",
			dir:  "compute",
			want: map[string][]string{"main.tf": {
				`node Identity ` + iamA + `role/task @6 account=111122223333 name=task provider=aws tf_address=aws_iam_role.task type=role`,
				`node Identity ` + iamA + `role/exec @10 account=111122223333 name=exec provider=aws tf_address=aws_iam_role.exec type=role`,
				`node Identity ` + iamA + `user/ci @14 account=111122223333 name=ci provider=aws tf_address=aws_iam_user.ci type=user`,
				`node Secret ` + keyCI + ` @18 account=111122223333 long_lived=true provider=aws tf_address=aws_iam_access_key.ci type=access-key user=ci`,
				`edge AUTHENTICATES_AS ` + keyCI + ` -> ` + iamA + `user/ci @18`,
				`node Secret ` + keySpare + ` @22 account=111122223333 long_lived=true provider=aws tf_address=aws_iam_access_key.spare type=access-key user=ci`,
				`edge AUTHENTICATES_AS ` + keySpare + ` -> ` + iamA + `user/ci @22`,
				`node Secret ` + smA + `api/token @26 account=111122223333 long_lived=true name=api/token provider=aws tf_address=aws_secretsmanager_secret.api type=secretsmanager`,

				`node Runtime ` + ecsAPI + ` @30 account=111122223333 arn=arn:aws:ecs:eu-west-1:111122223333:task-definition/api execution_role=` + iamA + `role/exec host_paths=/var/run/docker.sock` +
					` name=api network_mode=host privileged=true provider=aws services=api tf_address=aws_ecs_task_definition.api type=ecs-task`,
				`node Secret secret:aws:role-credentials:aws:ecs-task:api @30 long_lived=false provider=aws type=role-credentials via=metadata`,
				`edge EXPOSES ` + ecsAPI + ` -> secret:aws:role-credentials:aws:ecs-task:api @30 via=metadata`,
				`edge AUTHENTICATES_AS secret:aws:role-credentials:aws:ecs-task:api -> ` + iamA + `role/task @30`,
				`node Package pkg:docker/nginx@1.27 @35 ecosystem=docker name=nginx version=1.27`,
				`node Package pkg:docker/nginx @35 ecosystem=docker name=nginx`,
				`edge VERSION_OF pkg:docker/nginx@1.27 -> pkg:docker/nginx @35`,
				`edge EXECUTES ` + ecsAPI + ` -> pkg:docker/nginx@1.27 @35 pinned=tag via=image`,
				`node Secret ` + ecsEnv + `web/TOKEN @35 account=111122223333 container=web fingerprint=FP(CANARY-terraform-7f3a-ecs) name=TOKEN provider=aws stored_inline=true type=env-var`,
				`edge EXPOSES ` + ecsAPI + ` -> ` + ecsEnv + `web/TOKEN @35 via=env`,
				`node Secret ` + ecsEnv + `web/CI_KEY @35 account=111122223333 container=web name=CI_KEY provider=aws type=env-var`,
				`edge HOLDS ` + ecsEnv + `web/CI_KEY -> ` + keyCI + ` @35`,
				`edge EXPOSES ` + ecsAPI + ` -> ` + ecsEnv + `web/CI_KEY @35 via=env`,
				`edge EXPOSES ` + ecsAPI + ` -> ` + smA + `api/token @35 container=web name=API_TOKEN via=env`,
				`edge EXPOSES ` + ecsAPI + ` -> arn:aws:ssm:eu-west-1:111122223333:parameter/api/db-url @35 container=web name=DB_URL via=env`,
				`node Package pkg:docker/example-org/agent@` + agentDigest + `?repository_url=ghcr.io @35 ecosystem=docker name=ghcr.io/example-org/agent version=` + agentDigest,
				`node Package pkg:docker/example-org/agent?repository_url=ghcr.io @35 ecosystem=docker name=ghcr.io/example-org/agent`,
				`edge VERSION_OF pkg:docker/example-org/agent@` + agentDigest + `?repository_url=ghcr.io -> pkg:docker/example-org/agent?repository_url=ghcr.io @35`,
				`edge EXECUTES ` + ecsAPI + ` -> pkg:docker/example-org/agent@` + agentDigest + `?repository_url=ghcr.io @35 pinned=digest via=image`,
				`edge RUNS_ON ` + ecsAPI + ` -> ` + ec2Host + ` @68 service=aws_ecs_service.api`,
				// key_name: the key pair's private key logs in to the host.
				`node Secret secret:aws:key-pair:eu-west-1:111122223333/ops-2024 @84 account=111122223333 long_lived=true name=ops-2024 provider=aws type=ssh-key-pair`,
				`edge AUTHENTICATES_AS secret:aws:key-pair:eu-west-1:111122223333/ops-2024 -> aws:host-user:aws:ec2:111122223333:aws_instance.host/key-pair @84`,
				`node Identity aws:host-user:aws:ec2:111122223333:aws_instance.host/key-pair @84 account=111122223333 name=key-pair provider=aws runtime=` + ec2Host + ` type=host-user`,
				`edge CAN_MODIFY aws:host-user:aws:ec2:111122223333:aws_instance.host/key-pair -> ` + ec2Host + ` possible @84 actions=ssh login reason=the private key of key pair ops-2024 logs in to the instance; undecided: whether the host's SSH port can be reached and accepts it is not in the input`,
				// Root on the pinned host reads the task's role credentials.
				`edge EXPOSES ` + ec2Host + ` -> secret:aws:role-credentials:aws:ecs-task:api possible @68 reason=code with root on ` + ec2Host +
					` controls the containers of the tasks that run there (Docker) and reads their role credentials service=aws_ecs_service.api via=metadata`,

				`node Runtime ` + ec2Host + ` @82 account=111122223333 arn=arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0 instance_id=i-0123456789abcdef0` +
					` provider=aws ssh_key_name=ops-2024 tf_address=aws_instance.host type=ec2-instance`,
				`node Secret secret:inline:FP(AKIACANARYTF7F3A0002) @85 fingerprint=FP(AKIACANARYTF7F3A0002) long_lived=true provider=aws stored_inline=true type=access-key`,
				`edge EXPOSES ` + ec2Host + ` -> secret:inline:FP(AKIACANARYTF7F3A0002) @85 via=file`,
				`edge EXPOSES ` + ec2Host + ` -> ` + keyCI + ` @85 via=file`,
				`node Runtime runtime:aws:ec2:111122223333:aws_instance.batch @92 account=111122223333 provider=aws tf_address=aws_instance.batch type=ec2-instance`,
				`edge EXPOSES runtime:aws:ec2:111122223333:aws_instance.batch -> ` + keySpare + ` possible @94 reason=the template file passed to templatefile could not be read, so whether it uses this value is unknown via=file`,

				`node Identity ` + iamA + `role/eb @103 account=111122223333 instance_profiles=` + iamA + `instance-profile/eb-profile name=eb provider=aws tf_address=aws_iam_role.eb type=role`,
				`node Resource ` + iamA + `instance-profile/eb-profile @107 account=111122223333 name=eb-profile provider=aws role=` + iamA + `role/eb tf_address=aws_iam_instance_profile.eb type=aws_iam_instance_profile`,
				`node Runtime ` + ebShop + ` @112 account=111122223333 application=shop arn=arn:aws:elasticbeanstalk:eu-west-1:111122223333:environment/shop/shop-prod name=shop-prod provider=aws tf_address=aws_elastic_beanstalk_environment.shop type=elasticbeanstalk-environment`,
				`node Secret ` + ebEnv + `CI_KEY_ID @119 account=111122223333 name=CI_KEY_ID provider=aws type=env-var`,
				`edge HOLDS ` + ebEnv + `CI_KEY_ID -> ` + keyCI + ` @119`,
				`edge EXPOSES ` + ebShop + ` -> ` + ebEnv + `CI_KEY_ID @119 via=env`,
				`node Secret ` + ebEnv + `FEATURE_FLAG @124 account=111122223333 fingerprint=FP(CANARY-terraform-7f3a-eb) name=FEATURE_FLAG provider=aws stored_inline=true type=env-var`,
				`edge EXPOSES ` + ebShop + ` -> ` + ebEnv + `FEATURE_FLAG @124 via=env`,
				`edge EXPOSES ` + ebShop + ` -> ` + smA + `api/token @129 name=API_TOKEN via=env`,
				`node Secret secret:aws:role-credentials:aws:elasticbeanstalk:shop/shop-prod @131 instance_profile=eb-profile long_lived=false provider=aws type=role-credentials via=metadata`,
				`edge EXPOSES ` + ebShop + ` -> secret:aws:role-credentials:aws:elasticbeanstalk:shop/shop-prod @131 via=metadata`,
				`edge AUTHENTICATES_AS secret:aws:role-credentials:aws:elasticbeanstalk:shop/shop-prod -> ` + iamA + `role/eb @131`,
				`records 15`,
			}},
		},
		{
			name: "organization policies attached to accounts, units and roots",
			dir:  "orgs",
			want: map[string][]string{"main.tf": {
				`node Identity ` + ouProd + ` @1 name=prod provider=aws tf_address=aws_organizations_organizational_unit.prod type=organizational-unit unresolved=aws_organizations_organizational_unit.prod.id`,
				`node Identity aws:ou:r-ab12 @3 provider=aws type=organization-root`,
				`edge MEMBER_OF ` + ouProd + ` -> aws:ou:r-ab12 @1`,
				`node Identity ` + accPay + ` @6 name=payments provider=aws tf_address=aws_organizations_account.payments type=account unresolved=aws_organizations_account.payments.id`,
				`node Identity ` + ouProd + ` @9 provider=aws type=organizational-unit unresolved=aws_organizations_organizational_unit.prod.id`,
				`edge MEMBER_OF ` + accPay + ` -> ` + ouProd + ` @6`,
				`node Policy policy:aws:organizations:deny-leave @12 document={"Statement":[{"Action":"organizations:LeaveOrganization","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}` +
					` name=deny-leave policy_type=SERVICE_CONTROL_POLICY provider=aws tf_address=aws_organizations_policy.deny_leave`,
				`node Policy policy:aws:organizations:cost-center-tags @20 name=cost-center-tags policy_type=TAG_POLICY provider=aws tf_address=aws_organizations_policy.tags`,
				`edge HAS_POLICY ` + ouProd + ` -> policy:aws:organizations:deny-leave @26`,
				`node Policy policy:aws:organizations:p-FullAWSAccess @32 document={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}` +
					` managed=aws name=p-FullAWSAccess policy_type=SERVICE_CONTROL_POLICY provider=aws`,
				`node Identity ` + accPay + ` @33 provider=aws type=account unresolved=aws_organizations_account.payments.id`,
				`edge HAS_POLICY ` + accPay + ` -> policy:aws:organizations:p-FullAWSAccess @31`,
				`node Identity aws:account:111122223333 @38 account=111122223333 provider=aws type=account`,
				`edge HAS_POLICY aws:account:111122223333 -> policy:aws:organizations:deny-leave @36`,
				`records 7`,
			}},
		},
		{
			name: "string functions keep unresolved references intact",
			dir:  "placeholders",
			want: map[string][]string{"main.tf": {
				`node Resource arn:aws:s3:::example-org-${var.env}-data @7 name=example-org-${var.env}-data provider=aws tf_address=aws_s3_bucket.data type=aws_s3_bucket unresolved=var.env`,
				`node Identity arn:aws:iam:::role/APP-${var.env} @11 name=APP-${var.env} provider=aws tf_address=aws_iam_role.app type=role unresolved=var.env`,
				`node Identity arn:aws:iam:::user/svc-${var.env} @15 name=svc-${var.env} provider=aws tf_address=aws_iam_user.svc type=user unresolved=var.env`,
				`node Resource arn:aws:sqs:::jobs_${var.env}_fifo @19 name=jobs_${var.env}_fifo provider=aws tf_address=aws_sqs_queue.jobs type=aws_sqs_queue unresolved=var.env`,
				`records 4`,
			}},
		},
		{
			name: "hostile sizes are refused and the rest evaluated",
			dir:  "bounds",
			want: map[string][]string{"main.tf": {
				`diag 3:13 number is too large to evaluate; treated as unknown`,
				`diag 4:13 local.product could not be evaluated: error in function call`,
				`diag 5:13 local.padded could not be evaluated: error in function call`,
				`diag 6:13 local.wide could not be evaluated: error in function call`,
				`diag 8:13 local.joined could not be evaluated: error in function call`,
				`node Identity arn:aws:iam:::user/user-10000 @11 name=user-10000 provider=aws tf_address=aws_iam_user.bounded type=user`,
				`records 1`,
			}},
		},
		{
			name: "a syntax error rejects its file and leaves the sibling evaluated",
			dir:  "syntax",
			want: map[string][]string{
				"bad.tf": {
					`error 2:34 missing newline after argument: An argument definition must end with a newline`,
				},
				"good.tf": {
					`node Identity arn:aws:iam:::user/ok @1 name=ok provider=aws tf_address=aws_iam_user.ok type=user`,
					`node Policy arn:aws:iam::aws:policy/ReadOnlyAccess @5 managed=aws name=ReadOnlyAccess provider=aws`,
					`edge HAS_POLICY arn:aws:iam:::user/ok -> arn:aws:iam::aws:policy/ReadOnlyAccess @5`,
					`records 2`,
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New()
			for file, want := range tt.want {
				got := parseFile(t, p, filepath.Join("testdata", tt.dir, file))
				if diff := cmp.Diff(expandFP(want), got); diff != "" {
					t.Errorf("%s: facts mismatch (-want +got):\n%s", file, diff)
				}
			}
		})
	}
}

// TestParseConcurrent parses the files of one module at once with one
// Parser: every call must see the same evaluated module.
func TestParseConcurrent(t *testing.T) {
	files := []string{"iam.tf", "secrets.tf", "iam.tf", "secrets.tf"}
	p := New()
	got := make([][]string, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = parseFile(t, p, filepath.Join("testdata", "keys", f))
		}()
	}
	wg.Wait()
	for i := 2; i < len(files); i++ {
		if diff := cmp.Diff(got[i-2], got[i]); diff != "" {
			t.Errorf("%s parsed twice differs (-first +second):\n%s", files[i], diff)
		}
	}
	if len(got[0]) == 0 || len(got[1]) == 0 {
		t.Errorf("no facts: %v", got)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"infra/main.tf", true},
		{"infra/terraform.tfvars", true},
		{"infra/prod.auto.tfvars", true},
		{"infra/MAIN.TF", false},
		{"infra/.draft.tf", false},
		{"infra/main.tf.json", true},
		{"infra/MAIN.TF.JSON", false},
		{"infra/main.tf.gz", true},
		{"infra/terraform.tfvars.GZ", true},
		{"infra/main.tf.json.gz", true},
		{"infra/terraform.tfvars.json", true},
		{"infra/prod.auto.tfvars.json", true},
		{"infra/prod.auto.tfvars.json.gz", true},
		{"infra/plan.json", false},
		{"infra/tf", false},
		{"infra/tf.json", false},
		{"infra/main.tfjson", false},
		{"infra/main.tf.json.bak", false},
		{"infra/terraform.tfstate", false},
		{"package.json", false},
		{"policy.json", false},
		{"cdk.out/manifest.json", false},
	}
	p := New()
	for _, tt := range tests {
		if got := p.Detect(&ingest.File{Path: tt.path}); got != tt.want {
			t.Errorf("Detect(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if got := p.Format(); got != "terraform" {
		t.Errorf("Format() = %q, want terraform", got)
	}
}

func TestDeepNestingRejected(t *testing.T) {
	dir := t.TempDir()
	deep := "locals {\n  x = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "deep.tf"), []byte(deep), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ok.tf"), []byte("resource \"aws_iam_user\" \"u\" {\n  name = \"u\"\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := New()
	var res ingest.Result
	err := p.Parse(context.Background(), &ingest.File{Path: filepath.Join(dir, "deep.tf")}, testEnv(), &res)
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Pos.Line != 2 || !strings.Contains(ie.Msg, "nested deeper than") {
		t.Fatalf("deep.tf: error %v, want a positioned nesting error on line 2", err)
	}
	var ok ingest.Result
	if err := p.Parse(context.Background(), &ingest.File{Path: filepath.Join(dir, "ok.tf")}, testEnv(), &ok); err != nil || len(ok.Nodes) == 0 {
		t.Errorf("ok.tf beside it: err %v, %d nodes; want the user", err, len(ok.Nodes))
	}
}
