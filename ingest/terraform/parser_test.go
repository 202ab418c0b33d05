package terraform

import (
	"context"
	"errors"
	"fmt"
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
//	edge KIND FROM -> TO @LINE key=value...
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
		if e.Confidence != graph.Certain {
			t.Errorf("edge %s has confidence %q", e.Key(), e.Confidence)
		}
		lines = append(lines, fmt.Sprintf("edge %s %s -> %s @%d%s", e.Kind, e.From, e.To, e.Pos.Line, renderAttrs(e.Attrs)))
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
	acct       = "111122223333"
	keyDeploy  = "secret:aws:access-key:arn:aws:iam:::user/deployer/deployer"
	keyLegacy  = "secret:aws:access-key:arn:aws:iam:::user/svc/legacy/legacy"
	lambdaFn   = "runtime:aws:lambda:arn:aws:lambda:eu-central-1:111122223333:function:report"
	lambdaEnv  = "secret:aws:env:aws:lambda:arn:aws:lambda:eu-central-1:111122223333:function:report/"
	oidcGitHub = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
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
				`node Resource arn:aws:kms:us-east-2:111122223333:key/aws_kms_key.jobs @91 account=111122223333 name=aws_kms_key.jobs provider=aws tf_address=aws_kms_key.jobs type=aws_kms_key`,
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
				`node Identity arn:aws:iam::111122223333:role/example-org-prod-reader @15 account=111122223333 name=example-org-prod-reader provider=aws tf_address=aws_iam_role.reader trust_policy={"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}],"Version":"2012-10-17"} type=role`,
				`node Policy arn:aws:iam::111122223333:role/example-org-prod-reader#inline/logs @23 account=111122223333 document={"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::example-org-prod-logs/*"},{"Action":"s3:PutObject","Effect":"Allow","Resource":"arn:aws:s3:::example-org-prod-logs/*"}],"Version":"2012-10-17"} name=logs provider=aws tf_address=aws_iam_role_policy.reader`,
				`edge HAS_POLICY arn:aws:iam::111122223333:role/example-org-prod-reader -> arn:aws:iam::111122223333:role/example-org-prod-reader#inline/logs @23`,
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
				`node Runtime ` + lambdaFn + ` @32 account=111122223333 image=111122223333.dkr.ecr.eu-central-1.amazonaws.com/report:1.4.2 name=report provider=aws tf_address=aws_lambda_function.report type=lambda`,
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
				`node Secret ` + lambdaEnv + `LOG_LEVEL @43 account=111122223333 fingerprint=FP(info) name=LOG_LEVEL provider=aws stored_inline=true type=env-var`,
				`edge EXPOSES ` + lambdaFn + ` -> ` + lambdaEnv + `LOG_LEVEL @43 via=env`,
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
					`node Resource arn:aws:rds::111122223333:db:orders @11 account=111122223333 name=orders provider=aws tf_address=aws_db_instance.orders type=aws_db_instance`,
					`node Policy arn:aws:iam::111122223333:policy/broken @16 account=111122223333 name=broken provider=aws tf_address=aws_iam_policy.broken`,
					`diag 18:12 aws_iam_policy.broken: policy is not a valid JSON policy document`,
					`node Identity arn:aws:iam::111122223333:role/broken @21 account=111122223333 name=broken provider=aws tf_address=aws_iam_role.broken type=role`,
					`diag 23:24 aws_iam_role.broken: assume_role_policy is not a valid JSON policy document`,
					`node Identity arn:aws:iam::111122223333:user/${aws_iam_user.decoded.name} @26 account=111122223333 name=${aws_iam_user.decoded.name} provider=aws tf_address=aws_iam_user.decoded type=user unresolved=aws_iam_user.decoded.name`,
					`diag 27:10 aws_iam_user.decoded: name could not be evaluated: error in function call`,
					`node Secret secret:gha:${provider.github.owner}/api/DEPLOY_TOKEN @30 fingerprint=FP(CANARY-terraform-7f3a-tfvars) long_lived=true name=DEPLOY_TOKEN provider=github repository=${provider.github.owner}/api stored_inline=true tf_address=github_actions_secret.token type=actions-secret unresolved=provider.github.owner`,
					`node Secret arn:aws:secretsmanager::111122223333:secret:orders/db @36 account=111122223333 long_lived=true name=orders/db provider=aws tf_address=aws_secretsmanager_secret.db type=secretsmanager`,
					`node Secret arn:aws:secretsmanager::111122223333:secret:orders/db @40 fingerprint=FP(CANARY-terraform-7f3a-local) provider=aws stored_inline=true type=secretsmanager`,
					`node Runtime runtime:aws:lambda:arn:aws:lambda::111122223333:function:canary-fn @45 account=111122223333 name=canary-fn provider=aws tf_address=aws_lambda_function.fn type=lambda`,
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
		{"infra/MAIN.TF", true},
		{"infra/main.tf.json", false},
		{"infra/main.tf.gz", false},
		{"infra/plan.json", false},
		{"infra/tf", false},
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
