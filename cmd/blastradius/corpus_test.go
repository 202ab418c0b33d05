package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// corpusRoot is the shared corpus of real inputs. Each lab folder that its
// SOURCES.md lists has an EXPECTED.md describing an attack path by hand.
const corpusRoot = "../../../shared/corpus"

// reach is what a corpus row expects of the walk from its start.
type reach string

const (
	// found: the target is reached, along the documented path.
	found reach = "found"
	// missing: EXPECTED.md documents the path, but the model cannot follow
	// it yet. The note names the feature it lacks.
	missing reach = "missing"
	// absent: EXPECTED.md documents a dead end, so the target must not be
	// reached from this start.
	absent reach = "absent"
)

// corpusPath is one start and target from a lab's EXPECTED.md.
type corpusPath struct {
	lab    string   // folder under corpusRoot that holds EXPECTED.md
	start  []string // query flag and value
	target string   // node id of the target
	want   reach
	// hops are the edge kinds of the documented path, in order (found
	// rows only). conf, when set, is the confidence the path must have.
	hops []graph.EdgeKind
	conf graph.Confidence
	// note describes the documented path (found), the lacking feature
	// (missing) or the dead end (absent).
	note string
}

// corpusGap is a lab whose EXPECTED.md no corpusPath row can query,
// because its start or target has no node yet or it describes no path.
type corpusGap struct {
	lab   string
	class string // "missing" or "not-applicable"
	note  string
}

// Lab folders and id prefixes, to keep the table readable.
const (
	cg       = "RhinoSecurityLabs__cloudgoat/cloudgoat/scenarios/aws/"
	bishop   = "BishopFox__iam-vulnerable"
	stratus  = "DataDog__stratus-red-team"
	otrf     = "OTRF__Security-Datasets"
	invictus = "invictus-ir__aws_dataset"
	argo     = "argoproj__argo-cd"
	pt       = "aws-powertools__powertools-lambda-python"
	goat     = "step-security__github-actions-goat"
	tja      = "tj-actions__eslint-changed-files"

	cgvar      = "${var.cgid}"
	adminScope = "aws:administrator:unknown-account"
	// everyService is the scope that a principal holding * on * reaches
	// itself, without escalating.
	everyService = "aws:*:unknown-account:*"
	bishopHigh   = "arn:aws:iam:::role/privesc-high-priv-service-role"
	invictusAcc  = "arn:aws:iam::123837392027:"
	argoWF       = "corpus/argoproj__argo-cd/.github/workflows/"
	ptWF         = "corpus/aws-powertools__powertools-lambda-python/.github/workflows/"
	goatWF       = "corpus/step-security__github-actions-goat/.github/workflows/"
)

// Edge kinds, short.
const (
	exe    = graph.EdgeExecutes
	dep    = graph.EdgeDependsOn
	expo   = graph.EdgeExposes
	auth   = graph.EdgeAuthenticatesAs
	assume = graph.EdgeCanAssume
	read   = graph.EdgeCanReadSecret
	mint   = graph.EdgeCanMint
	access = graph.EdgeCanAccess
	holds  = graph.EdgeHolds
	seen   = graph.EdgeObserved
)

func hops(k ...graph.EdgeKind) []graph.EdgeKind { return k }

// assumingFlaws adds --assume-app-flaws to a start: input a runtime
// receives may run code there, and messages it sends may carry its
// secrets.
func assumingFlaws(start []string) []string { return append(start, "--assume-app-flaws") }

func identity(id string) []string { return []string{"--identity", id} }
func runtimeStart(id string) []string {
	return []string{"--runtime", id}
}
func pkg(purl string) []string { return []string{"--package", purl} }
func nodeStart(id string) []string {
	return []string{"--node", id}
}

func user(name string) string { return "arn:aws:iam:::user/" + name }
func role(name string) string { return "arn:aws:iam:::role/" + name }

// ec2 is the id of an instance that a CloudGoat lab's terraform folder
// declares, when the lab is ingested alone with --org corpus.
func ec2(lab, address string) string {
	return "runtime:aws:ec2::github.com/corpus/" + lab + "/terraform:aws_instance." + address
}
func lambda(name string) string {
	return "runtime:aws:lambda:arn:aws:lambda:us-east-1::function:" + name
}
func ghaToken(job string) string { return "secret:gha:token:" + job }

// corpusPaths lists, per lab, the starts and targets its EXPECTED.md
// documents, each with the result EXPECTED.md gives (never the tool's
// output). A lab is ingested alone, with --org corpus and a fixed salt.
var corpusPaths = []corpusPath{
	// CloudGoat beanstalk_secrets.
	{lab: cg + "beanstalk_secrets", start: identity(user(cgvar + "_low_priv_user")),
		target: "arn:aws:secretsmanager:us-east-1::secret:" + cgvar + "_final_flag", want: found,
		hops: hops(read, holds, auth, mint, auth, read), conf: graph.Certain,
		note: "elasticbeanstalk:DescribeConfigurationSettings reads the environment's properties, which HOLD the secondary user's access key -> iam:CreateAccessKey on the admin user -> secretsmanager:GetSecretValue"},
	{lab: cg + "beanstalk_secrets", start: identity(user(cgvar + "_secondary_user")),
		target: "arn:aws:secretsmanager:us-east-1::secret:" + cgvar + "_final_flag", want: found,
		hops: hops(mint, auth, read), conf: graph.Certain,
		note: "secondary user -> iam:CreateAccessKey on the admin user -> admin -> secretsmanager:GetSecretValue"},

	// CloudGoat bedrock_agent_hijacking.
	{lab: cg + "bedrock_agent_hijacking", start: identity(user("grace_" + cgvar)),
		target: "arn:aws:s3:::cg-bedrock-secret-flag-" + cgvar, want: found,
		hops: hops(graph.EdgeCanModify, expo, auth, access), conf: graph.Certain,
		note: "grace's lambda:UpdateFunctionCode on * replaces the inventory Lambda's code, which runs with the Lambda role (ReadOnlyAccess reads the flag bucket)"},
	{lab: cg + "bedrock_agent_hijacking", start: runtimeStart(lambda("inventory_lambda_" + cgvar)),
		target: "arn:aws:s3:::cg-bedrock-secret-flag-" + cgvar, want: found,
		hops: hops(expo, auth, access), conf: graph.Certain,
		note: "replaced Lambda code runs with the Lambda role, whose ReadOnlyAccess reads the flag bucket"},

	// CloudGoat cloud_breach_s3: the proxy host is the start, since SSRF reaches its IMDS.
	{lab: cg + "cloud_breach_s3", start: runtimeStart(ec2("cloud_breach_s3", "ec2-vulnerable-proxy-server")),
		target: "arn:aws:s3:::cg-cardholder-data-bucket-" + cgvar, want: found,
		hops: hops(expo, auth, access), conf: graph.Certain,
		note: "proxy EC2 IMDS -> cg-banking-WAF-Role (AmazonS3FullAccess) -> cardholder bucket"},

	// CloudGoat data_secrets.
	{lab: cg + "data_secrets", start: identity(user("cg-start-user-" + cgvar)),
		target: "arn:aws:secretsmanager:us-east-1::secret:cg-final-flag-" + cgvar, want: found,
		hops: hops(read, auth, graph.EdgeCanModify, expo, auth, read, holds, auth, read), conf: graph.Possible,
		note: "ec2:DescribeInstanceAttribute reads the ec2-user password that user_data sets with chpasswd -> SSH login -> instance role -> lambda:GetFunctionConfiguration reads DB_USER_ACCESS_KEY -> secretsmanager:GetSecretValue; possible: whether SSH is reachable is not in the input"},
	{lab: cg + "data_secrets", start: runtimeStart("aws_instance.ec2_instance"),
		target: "arn:aws:secretsmanager:us-east-1::secret:cg-final-flag-" + cgvar, want: found,
		hops: hops(expo, auth, read, holds, auth, read), conf: graph.Certain,
		note: "instance role -> lambda:GetFunctionConfiguration reads the Lambda env DB_USER_ACCESS_KEY, which holds the lambda user's key -> secretsmanager:GetSecretValue"},
	{lab: cg + "data_secrets", start: runtimeStart(lambda("cg-lambda-function-" + cgvar)),
		target: "arn:aws:secretsmanager:us-east-1::secret:cg-final-flag-" + cgvar, want: found,
		hops: hops(expo, holds, auth, read), conf: graph.Certain,
		note: "Lambda env DB_USER_ACCESS_KEY holds the lambda user's key -> secretsmanager:GetSecretValue"},

	// CloudGoat ec2_ssrf.
	{lab: cg + "ec2_ssrf", start: identity(user("solus-" + cgvar)),
		target: user("shepard-" + cgvar), want: found,
		hops: hops(read, holds, auth, graph.EdgeCanModify, expo, auth, read, holds, auth), conf: graph.Certain,
		note: "whole chain: solus reads the Lambda env (wrex's key) -> wrex runs code on the instance (user data, see the wrex row for why not SSRF) -> EC2 role -> s3:GetObject on the object holding shepard's key"},
	{lab: cg + "ec2_ssrf", start: identity(user("solus-" + cgvar)),
		target: user("wrex-" + cgvar), want: found,
		hops: hops(read, holds, auth), conf: graph.Certain,
		note: "solus's lambda:Get* reads the Lambda env EC2_ACCESS_KEY_ID, which holds wrex's access key"},
	{lab: cg + "ec2_ssrf", start: runtimeStart(lambda("cg-lambda-" + cgvar)),
		target: user("wrex-" + cgvar), want: found,
		hops: hops(expo, holds, auth), conf: graph.Certain,
		note: "Lambda env EC2_ACCESS_KEY_ID holds wrex's access key"},
	{lab: cg + "ec2_ssrf", start: identity(user("wrex-" + cgvar)),
		target: role("cg-ec2-role-" + cgvar), want: found,
		hops: hops(graph.EdgeCanModify, expo, auth), conf: graph.Certain,
		note: "EXPECTED.md's route is SSRF to IMDSv1, an application flaw and no input fact; wrex's ec2:* gives a second route: ec2:ModifyInstanceAttribute (user data) + ec2:StopInstances/StartInstances runs wrex's code on the instance, which holds the role"},
	{lab: cg + "ec2_ssrf", start: runtimeStart(ec2("ec2_ssrf", "ubuntu_ec2")),
		target: user("shepard-" + cgvar), want: found,
		hops: hops(expo, auth, read, holds, auth), conf: graph.Certain,
		note: "instance role -> s3:GetObject on the S3 object (type=s3-object Secret .../aws/credentials) that HOLDS shepard's key"},

	// CloudGoat ecs_efs_attack: SSH into ruse_box is the start.
	{lab: cg + "ecs_efs_attack", start: runtimeStart(ec2("ecs_efs_attack", "cg-ruse-ec2")),
		target: role("cg-efs-admin-role-" + cgvar), want: found,
		hops: hops(expo, auth, graph.EdgeCanModify, expo, auth), conf: graph.Possible,
		note: "ruse role -> ecs:RegisterTaskDefinition + ecs:UpdateService + iam:PassRole acts as the ECS task role, whose ssm:StartSession needs tag StartSession=true, which the ruse role sets with ec2:CreateTags -> admin box -> its role; possible: whether the SSM agent on the admin box is registered is not an input fact (aws_efs_file_system is no Resource yet)"},

	// CloudGoat ecs_takeover: the start is the website's host, because the
	// vulnerable container is privileged and uses the host network.
	{lab: cg + "ecs_takeover", start: runtimeStart(ec2("ecs_takeover", "vulnsite")),
		target: role("cg-ecs-takeover-" + cgvar + "-privd"), want: found,
		hops: hops(expo, auth), conf: graph.Possible,
		note: "the privd service is a DAEMON of the cluster the host joins (ECS_CLUSTER in its user data), so its task runs there; root on the host (the website container mounts /var/run/docker.sock) reads the task's role credentials; possible: root on the host is assumed, and rescheduling the vault task (ecs:UpdateContainerInstancesState) is not modelled"},

	// CloudGoat vulnerable_cognito: the start is anyone, since the user
	// pool takes sign-ups from the public.
	{lab: cg + "vulnerable_cognito", start: identity("aws:anonymous"),
		target: role("cognito_authenticated-" + cgvar), want: found,
		hops: hops(assume), conf: graph.Certain,
		note: "self sign-up in the user pool (allow_admin_create_user_only unset), sign-in to the identity pool that lists it, and the pool's authenticated role, whose trust admits the pool's aud and amr=authenticated; the custom attribute the lab raises only matters to the web app"},

	// GitLab Runner: the release jobs run with the project's CI/CD
	// variables, whose names are not in the repository.
	{lab: "gitlabhq__gitlab-runner", start: runtimeStart("runtime:gitlab:corpus/gitlabhq__gitlab-runner/.gitlab/ci/release.gitlab-ci.yml#development S3"),
		target: "secret:gitlab:corpus/gitlabhq__gitlab-runner/*", want: found,
		hops: hops(expo), conf: graph.Certain,
		note: "development S3 (extends .release_s3, runs make release_s3) gets every CI/CD variable of the project, among them the AWS credentials the release uses"},
	{lab: "gitlabhq__gitlab-runner", start: runtimeStart("runtime:gitlab:corpus/gitlabhq__gitlab-runner/.gitlab/ci/release.gitlab-ci.yml#stable docker images"),
		target: "secret:gitlab:corpus/gitlabhq__gitlab-runner/*", want: found,
		hops: hops(expo), conf: graph.Certain,
		note: "the image release job, which logs in to public.ecr.aws/gitlab, gets every CI/CD variable of the project"},
	{lab: "gitlabhq__gitlab-runner", start: runtimeStart("runtime:gitlab:corpus/gitlabhq__gitlab-runner/.gitlab/ci/release.gitlab-ci.yml#stable docker images"),
		target: "pkg:docker/gitlab/gitlab-runner?repository_url=public.ecr.aws", want: found,
		hops: hops(expo, auth, graph.EdgeCanPublish), conf: graph.Possible,
		note: "aws ecr-public get-login-password | docker login public.ecr.aws/gitlab, then ./pusher ... public.ecr.aws/gitlab/gitlab-runner: the AWS credentials among the CI/CD variables publish the public ECR image (possible: which variables hold them, and whether the pusher pushes, is not in the input)"},
	{lab: "gitlabhq__gitlab-runner", start: runtimeStart("runtime:gitlab:corpus/gitlabhq__gitlab-runner/.gitlab/ci/release.gitlab-ci.yml#development S3"),
		target: "arn:aws:s3:::gitlab-runner-downloads", want: found,
		hops: hops(expo, auth, access), conf: graph.Possible,
		note: "development S3 deploys to an environment whose URL is https://gitlab-runner-downloads.s3.amazonaws.com/...: the AWS credentials among the CI/CD variables may write the download bucket (possible: make release_s3's upload and the identity's permissions are not in the input)"},
	{lab: "gitlabhq__gitlab-runner", start: runtimeStart("runtime:gitlab:corpus/gitlabhq__gitlab-runner/.gitlab/ci/release.gitlab-ci.yml#stable docker images"),
		target: "pkg:docker/gitlab/gitlab-runner-helper", want: found,
		hops: hops(expo, auth, graph.EdgeCanPublish), conf: graph.Possible,
		note: "echo $DOCKER_HUB_PASSWORD | docker login registry.hub.docker.com/gitlab, then ./pusher ... registry.hub.docker.com/gitlab/gitlab-runner-helper: DOCKER_HUB_PASSWORD publishes the Docker Hub image"},

	// CloudGoat iam_enum_basics: no escalation, reach is what bob's policies allow.
	{lab: cg + "iam_enum_basics", start: identity(user("cg-bob-" + cgvar)),
		target: role("cg-flag4-role-" + cgvar), want: found,
		hops: hops(assume), conf: graph.Certain, note: "flag4 role trusts bob"},

	// CloudGoat iam_privesc_by_attachment.
	{lab: cg + "iam_privesc_by_attachment", start: identity("kerrigan"),
		target: role("cg-ec2-mighty-role-" + cgvar), want: found,
		hops: hops(assume), conf: graph.Certain,
		note: "iam:RemoveRoleFromInstanceProfile + iam:AddRoleToInstanceProfile swap the mighty role into the meek instance profile; iam:PassRole + ec2:RunInstances launch an instance with it"},

	// CloudGoat iam_privesc_by_ec2.
	{lab: cg + "iam_privesc_by_ec2", start: identity(user("cg_dev_user_" + cgvar)),
		target: role("cg_ec2_management_role_" + cgvar), want: found,
		hops: hops(assume), conf: graph.Certain, note: "dev user may assume the management role"},
	{lab: cg + "iam_privesc_by_ec2", start: identity(user("cg_dev_user_" + cgvar)),
		target: role("cg_ec2_role_" + cgvar), want: found,
		hops: hops(graph.EdgeCanModify, expo, auth), conf: graph.Certain,
		note: "dev user deletes admin_ec2's Name tag (ec2:DeleteTags), which meets the management role's StringNotEquals aws:ResourceTag/Name condition; as that role ec2:ModifyInstanceAttribute (user data) + ec2:StopInstances/StartInstances run its code on admin_ec2 -> instance role"},

	// CloudGoat iam_privesc_by_key_rotation.
	{lab: cg + "iam_privesc_by_key_rotation", start: identity(user("manager_" + cgvar)),
		target: user("admin_" + cgvar), want: found,
		hops: hops(mint, auth), conf: graph.Certain,
		note: "iam:CreateAccessKey under StringEquals aws:ResourceTag/developer=true, which manager meets by tagging admin with iam:TagUser"},
	{lab: cg + "iam_privesc_by_key_rotation", start: identity(user("manager_" + cgvar)),
		target: "arn:aws:secretsmanager:us-east-1::secret:cg_secret_" + cgvar, want: found,
		hops: hops(mint, auth, assume, read), conf: graph.Possible,
		note: "manager tags admin and creates its access key -> admin assumes the secretsmanager role, whose trust policy needs MFA, which manager's iam:CreateVirtualMFADevice + iam:EnableMFADevice on admin provide -> secretsmanager:GetSecretValue; possible: the MFA condition is met only by enrolling a device"},
	{lab: cg + "iam_privesc_by_key_rotation", start: identity(user("admin_" + cgvar)),
		target: role("cg_secretsmanager_" + cgvar), want: found,
		hops: hops(assume), conf: graph.Possible,
		note: "trust principal AWS = the account (rendered \"\", the unknown account) with Bool aws:MultiFactorAuthPresent=true, met by a device enrolled with manager's iam:CreateVirtualMFADevice + iam:EnableMFADevice"},

	// CloudGoat lambda_privesc.
	{lab: cg + "lambda_privesc", start: identity(user("chris-" + cgvar)),
		target: role("cg-lambdaManager-role-" + cgvar), want: found,
		hops: hops(assume), conf: graph.Certain, note: "lambdaManager role trusts chris"},
	{lab: cg + "lambda_privesc", start: identity(user("chris-" + cgvar)),
		target: role("cg-debug-role-" + cgvar), want: found,
		hops: hops(assume, assume), conf: graph.Certain,
		note: "chris -> lambdaManager role -> iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction run code as the debug role (trusted by lambda.amazonaws.com, AdministratorAccess)"},

	// CloudGoat rce_web_app.
	{lab: cg + "rce_web_app", start: identity("lara"),
		target: ec2("rce_web_app", "ubuntu"), want: missing,
		note: "without the assumption, requests to the web application are no step into the instance"},
	{lab: cg + "rce_web_app", start: assumingFlaws(append(identity("lara"), nodeStart("aws:anonymous")...)),
		target: ec2("rce_web_app", "ubuntu"), want: found,
		hops: hops(graph.EdgeCanInvoke), conf: graph.Possible,
		note: "lara's holder calls from the internet (the anonymous caller is a start too): internet-facing aws_lb.this forwards through its listener and target group to the instance; possible: its security group admits var.cg_whitelist, which the input leaves unresolved; assumes the web application's input handling is exploitable (the RCE). lara's s3 read of the ELB log bucket, where the admin URL is found, is not on the path: an unlisted URL is no access control the graph models"},
	{lab: cg + "rce_web_app", start: identity("McDuck"),
		target: ec2("rce_web_app", "ubuntu"), want: found,
		hops: hops(read, holds, auth, graph.EdgeCanModify), conf: graph.Possible,
		note: "s3:GetObject on the keystore object made from var.ssh_private_key, the file the instance's connection block logs in with, which HOLDS the key pair's private key -> SSH as ubuntu; possible: whether SSH is reachable is not in the input"},
	{lab: cg + "rce_web_app", start: runtimeStart(ec2("rce_web_app", "ubuntu")),
		target: "arn:aws:rds:us-east-1::db:cg-rds-instance-" + cgvar, want: found,
		hops: hops(expo, auth, access), conf: graph.Possible,
		note: "the instance's user_data EXPOSES the master password, which logs in as the database's master user; possible: whether the database is reachable over the network is not in the input"},

	// CloudGoat rds_snapshot: EC2 access is the start.
	{lab: cg + "rds_snapshot", start: runtimeStart(ec2("rds_snapshot", "cg-ec2-instance")),
		target: user("cg-rds-instance-user-" + cgvar), want: found,
		hops: hops(expo, auth, read, holds, auth), conf: graph.Certain,
		note: "instance role -> s3:GetObject on the S3 object (type=s3-object Secret .../access_keys.txt) that HOLDS david's key"},
	{lab: cg + "rds_snapshot", start: identity(user("cg-rds-instance-user-" + cgvar)),
		target: "arn:aws:rds:us-east-1::db:cg-rds", want: found,
		hops: hops(access), conf: graph.Certain,
		note: "david's rds:RestoreDBInstanceFromDBSnapshot / rds:ModifyDBInstance on the database"},

	// CloudGoat secrets_in_the_cloud.
	{lab: cg + "secrets_in_the_cloud", start: identity(user("low-priv-user-" + cgvar)),
		target: "arn:aws:secretsmanager:us-east-1::secret:cg-secret-" + cgvar, want: found,
		hops: hops(read), conf: graph.Certain,
		note: "a shortcut the documented chain (Lambda env API_KEY -> Vault token -> SSH key -> EC2) passes by: the secret's own policy allows Principal \"*\" secretsmanager:GetSecretValue, which within the account grants every principal on its own"},
	{lab: cg + "secrets_in_the_cloud", start: runtimeStart(ec2("secrets_in_the_cloud", "web_app")),
		target: "arn:aws:secretsmanager:us-east-1::secret:cg-secret-" + cgvar, want: found,
		hops: hops(expo, auth, read), conf: graph.Certain,
		note: "a shortcut the documented chain passes by: the instance role reads the secret through the secret's own policy (Principal \"*\"); the documented way, dynamodb:Scan on the items that HOLD the secrets manager user's key (expo, auth, read, holds, auth, read), is longer"},
	{lab: cg + "secrets_in_the_cloud", start: identity(user(cgvar + "-secrets-manager-user")),
		target: "arn:aws:secretsmanager:us-east-1::secret:cg-secret-" + cgvar, want: found,
		hops: hops(read), conf: graph.Certain, note: "secretsmanager:GetSecretValue on *"},

	// CloudGoat sns_secrets.
	{lab: cg + "sns_secrets", start: identity(user("cg-sns-user-" + cgvar)),
		target: "secret:aws:env:aws:lambda:arn:aws:lambda:us-east-1::function:cg-sns-secrets-" + cgvar + "/API_GATEWAY_KEY", want: missing,
		note: "without the assumption, sns:Subscribe on a topic is no read of what its publishers send"},
	{lab: cg + "sns_secrets", start: assumingFlaws(identity(user("cg-sns-user-" + cgvar))),
		target: "secret:aws:env:aws:lambda:arn:aws:lambda:us-east-1::function:cg-sns-secrets-" + cgvar + "/API_GATEWAY_KEY", want: found,
		hops: hops(graph.EdgeCanReceive), conf: graph.Possible,
		note: "sns:Subscribe on public-topic, to which the Lambda's role may sns:Publish; assumes the Lambda sends the secret it holds (its API_GATEWAY_KEY env var, which HOLDS the API key) in its messages"},

	// CloudGoat sqs_flag_shop.
	{lab: cg + "sqs_flag_shop", start: identity(user("cg-sqs-user-" + cgvar)),
		target: "arn:aws:sqs:us-east-1::cash_charging_queue", want: found,
		hops: hops(assume, access), conf: graph.Certain,
		note: "assume the sender role -> sqs:SendMessage on the queue the Lambda consumes"},

	// CloudGoat static: an anonymous caller writes the script the web
	// server's page loads.
	{lab: cg + "static", start: nodeStart("aws:anonymous"),
		target: ec2("static", "instance"), want: missing,
		note: "without the assumption, writing a script a runtime loads is no step into the runtime"},
	{lab: cg + "static", start: assumingFlaws(nodeStart("aws:anonymous")),
		target: ec2("static", "instance"), want: found,
		hops: hops(graph.EdgeCanInvoke), conf: graph.Possible,
		note: "the bucket policy allows Principal \"*\" s3:PutObject (possible: its aws:SourceIp condition is unknown) on cg-assets, and the instance's user_data serves a page with <script src=...cg-assets.../auth-module.js>, which the victim bot on the instance loads; assumes the loaded script runs with the bot's reach"},

	// CloudGoat vulnerable_lambda.
	{lab: cg + "vulnerable_lambda", start: identity("arn:aws:iam::940877411605:user/cg-bilbo-" + cgvar),
		target: "arn:aws:iam::940877411605:role/cg-lambda-invoker-" + cgvar, want: found,
		hops: hops(assume), conf: graph.Certain, note: "invoker role trusts bilbo"},
	{lab: cg + "vulnerable_lambda", start: identity("arn:aws:iam::940877411605:user/cg-bilbo-" + cgvar),
		target: "arn:aws:iam::940877411605:role/" + cgvar + "-policy_applier_lambda1", want: missing,
		note: "without the assumption, lambda:InvokeFunction is not acting as the function's role"},
	{lab: cg + "vulnerable_lambda", start: assumingFlaws(identity("arn:aws:iam::940877411605:user/cg-bilbo-" + cgvar)),
		target: "arn:aws:iam::940877411605:role/" + cgvar + "-policy_applier_lambda1", want: found,
		hops: hops(assume, graph.EdgeCanInvoke, expo, auth), conf: graph.Possible,
		note: "bilbo assumes cg-lambda-invoker, whose lambda:InvokeFunction hands input to policy_applier_lambda1; assumes its input handling is exploitable (SQL injection), so the sender runs code as the function's role"},
	{lab: cg + "vulnerable_lambda", start: identity("arn:aws:iam::940877411605:user/cg-bilbo-" + cgvar),
		target: "arn:aws:secretsmanager:us-east-1:940877411605:secret:" + cgvar + "-final_flag", want: missing,
		note: "without the assumption, bilbo never acts as the policy applier's role, whose grant is the only way to the flag"},
	{lab: cg + "vulnerable_lambda", start: assumingFlaws(identity("arn:aws:iam::940877411605:user/cg-bilbo-" + cgvar)),
		target: "arn:aws:secretsmanager:us-east-1:940877411605:secret:" + cgvar + "-final_flag", want: found,
		hops: hops(assume, graph.EdgeCanInvoke, expo, auth, graph.EdgeCanGrant, assume, read), conf: graph.Possible,
		note: "as the policy applier's role (reached assuming its SQL injection), iam:AttachUserPolicy on bilbo attaches AdministratorAccess to bilbo, whom the attacker holds from the start; an administrator of 940877411605 reads the final flag"},

	// BishopFox iam-vulnerable: every principal reaches account admin.
	{lab: bishop, start: identity("privesc1-CreateNewPolicyVersion-user"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:CreatePolicyVersion on its own policy privesc1-CreateNewPolicyVersion: a new default version allows * on *"},
	{lab: bishop, start: identity("privesc2-SetExistingDefaultPolicyVersion-user"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Possible,
		note: "iam:SetDefaultPolicyVersion on its own policy puts a stored admin version in force; possible: Terraform shows only the current version, and whether an earlier one allows * on * is not in the input (the lab asks for one to be made by hand)"},
	{lab: bishop, start: identity("privesc3-CreateEC2WithExistingInstanceProfile-user"), target: bishopHigh, want: found,
		hops: hops(assume), conf: graph.Certain, note: "iam:PassRole + ec2:RunInstances with instance profile privesc-high-priv-service-profile, which holds the role"},
	{lab: bishop, start: identity("privesc4-CreateAccessKey-user"), target: role("privesc-sre-role"), want: found,
		hops: hops(mint, auth, assume), conf: graph.Certain,
		note: "iam:CreateAccessKey on privesc-sre-user, who may assume privesc-sre-role"},
	{lab: bishop, start: identity("privesc5-CreateLoginProfile-user"), target: user("privesc-sre-user"), want: found,
		hops: hops(mint, auth), conf: graph.Possible, note: "iam:CreateLoginProfile gives a console password; possible: whether privesc-sre-user has one already (then only iam:UpdateLoginProfile works) is not in the input"},
	{lab: bishop, start: identity("privesc6-UpdateLoginProfile-user"), target: user("privesc-sre-user"), want: found,
		hops: hops(mint, auth), conf: graph.Possible, note: "iam:UpdateLoginProfile resets the console password; possible: the input declares none for privesc-sre-user, and one may have been set outside it"},
	{lab: bishop, start: identity("privesc7-AttachUserPolicy-user"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:AttachUserPolicy attaches AdministratorAccess to itself"},
	{lab: bishop, start: identity("privesc8-AttachGroupPolicy-user"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:AttachGroupPolicy attaches AdministratorAccess to its group privesc8-AttachGroupPolicy-group"},
	{lab: bishop, start: identity("privesc9-AttachRolePolicy-role"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:AttachRolePolicy attaches AdministratorAccess to itself"},
	{lab: bishop, start: identity("privesc10-PutUserPolicy-user"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:PutUserPolicy writes an inline * on * policy into itself"},
	{lab: bishop, start: identity("privesc11-PutGroupPolicy-user"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:PutGroupPolicy writes an inline * on * policy into its group"},
	{lab: bishop, start: identity("privesc12-PutRolePolicy-role"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:PutRolePolicy writes an inline * on * policy into itself"},
	{lab: bishop, start: identity("privesc13-AddUserToGroup-user"), target: "aws:s3:unknown-account:*", want: found,
		hops: hops(assume, access), conf: graph.Certain, note: "iam:AddUserToGroup into privesc-sre-group, whose policy allows s3:*"},
	{lab: bishop, start: identity("privesc14-UpdatingAssumeRolePolicy-user"), target: bishopHigh, want: found,
		hops: hops(assume), conf: graph.Certain, note: "iam:UpdateAssumeRolePolicy rewrites the role's trust policy to admit itself, then sts:AssumeRole"},
	{lab: bishop, start: identity("privesc15-PassExistingRoleToNewLambdaThenInvoke-user"), target: bishopHigh, want: found,
		hops: hops(assume), conf: graph.Certain, note: "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction to the role trusted by lambda.amazonaws.com"},
	{lab: bishop, start: identity("privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user"), target: bishopHigh, want: found,
		hops: hops(assume), conf: graph.Possible, note: "iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping; possible: without dynamodb:CreateTable it needs an existing stream or queue, which the input does not show"},
	{lab: bishop, start: identity("privesc18-PassExistingRoleToNewGlueDevEndpoint-user"), target: bishopHigh, want: found,
		hops: hops(assume), conf: graph.Certain, note: "iam:PassRole + glue:CreateDevEndpoint to the role trusted by glue.amazonaws.com"},
	{lab: bishop, start: identity("privesc20-PassExistingRoleToCloudFormation-user"), target: bishopHigh, want: found,
		hops: hops(assume), conf: graph.Certain, note: "iam:PassRole + cloudformation:CreateStack to the role trusted by cloudformation.amazonaws.com"},
	{lab: bishop, start: identity("privesc21-PassExistingRoleToNewDataPipeline-user"), target: bishopHigh, want: found,
		hops: hops(assume), conf: graph.Certain, note: "iam:PassRole + datapipeline:CreatePipeline, PutPipelineDefinition and ActivatePipeline to the role trusted by datapipeline.amazonaws.com"},
	{lab: bishop, start: identity("privesc-AssumeRole-starting-role"), target: role("privesc-AssumeRole-ending-role"), want: found,
		hops: hops(assume, assume), conf: graph.Certain, note: "starting -> intermediate -> ending role"},
	{lab: bishop, start: identity("privesc-AssumeRole-starting-role"), target: everyService, want: found,
		hops: hops(assume, assume, access), conf: graph.Certain, note: "ending role holds Action * on *"},
	{lab: bishop, start: identity("privesc-sre-user"), target: role("privesc-sre-role"), want: found,
		hops: hops(assume), conf: graph.Certain, note: "privesc-sre-role trusts privesc-sre-user"},
	{lab: bishop, start: identity("privesc-sre-user"), target: adminScope, want: found,
		hops: hops(access), conf: graph.Certain, note: "iam:* through privesc-sre-group: iam:AttachUserPolicy attaches AdministratorAccess to itself"},

	// Stratus Red Team detonation logs: principal -> action edges.
	{lab: stratus, start: identity("arn:aws:iam::903144391865:user/redteam-user"),
		target: "arn:aws:secretsmanager:cn-centraleast-1r:903144391865:secret:stratus-red-team-retrieve-secret-0", want: found,
		hops: hops(seen), conf: graph.Certain, note: "secretsmanager:GetSecretValue x20"},
	{lab: stratus, start: identity("arn:aws:iam::933175858973:user/redteam-user"),
		target: "arn:aws:ssm:cn-west-3r:933175858973:parameter/credentials/stratus-red-team/credentials-0", want: found,
		hops: hops(seen), conf: graph.Certain, note: "ssm:GetParameters x5"},
	{lab: stratus, start: identity("arn:aws:iam::321848314756:user/redteam-user"),
		target: "arn:aws:iam::321848314756:role/stratus-red-team-get-usr-data-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "sts:AssumeRole x4"},
	{lab: stratus, start: identity("arn:aws:iam::900138736586:user/redteam-user"),
		target: "arn:aws:iam::900138736586:role/stratus-red-team-ec2lui-role-idtzskbvtd", want: found,
		hops: hops(seen), conf: graph.Certain, note: "sts:AssumeRole x2"},
	{lab: stratus, start: identity("arn:aws:iam::946986569305:user/redteam-user"),
		target: "arn:aws:iam::946986569305:user/stratus-red-team-backdoor-u-user", want: found,
		hops: hops(seen), conf: graph.Certain, note: "iam:CreateAccessKey x1"},
	{lab: stratus, start: identity("arn:aws:iam::229654561268:user/redteam-user"),
		target: "arn:aws:iam::229654561268:user/malicious-iam-user", want: found,
		hops: hops(seen), conf: graph.Certain, note: "iam:CreateUser, iam:AttachUserPolicy, iam:CreateAccessKey"},
	{lab: stratus, start: identity("arn:aws:iam::609418236337:user/redteam-user"),
		target: "arn:aws:iam::609418236337:role/stratus-red-team-malicious-iam-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "iam:CreateRole, iam:AttachRolePolicy"},
	{lab: stratus, start: identity("arn:aws:iam::070411556318:user/redteam-user"),
		target: "arn:aws:iam::070411556318:user/stratus-red-team-login-profile-user", want: found,
		hops: hops(seen), conf: graph.Certain, note: "iam:CreateLoginProfile x1"},
	{lab: stratus, start: identity("arn:aws:iam::763751499319:user/redteam-user"),
		target: "arn:aws:iam::763751499319:user/stratus-red-team-update-login-profile-user", want: found,
		hops: hops(seen), conf: graph.Certain, note: "iam:UpdateLoginProfile x1"},
	{lab: stratus, start: identity("arn:aws:iam::266106314375:user/redteam-user"),
		target: "arn:aws:lambda:ap-westeast-2r:266106314375:function:stratus-red-team-olc-func-vayhjqkdav", want: found,
		hops: hops(seen), conf: graph.Certain, note: "lambda:UpdateFunctionCode20150331v2 x1"},
	{lab: stratus, start: identity("arn:aws:iam::880896431042:user/redteam-user"),
		target: "arn:aws:lambda:ca-centralnorth-1r:880896431042:function:stratus-red-team-backdoor-f-func", want: found,
		hops: hops(seen), conf: graph.Certain, note: "lambda:AddPermission20150331v2 x1"},
	{lab: stratus, start: identity("arn:aws:iam::847129010505:user/redteam-user"),
		target: "aws:cloudtrail:847129010505:*", want: found,
		hops: hops(seen), conf: graph.Certain, note: "cloudtrail:DeleteTrail x1"},

	// OTRF cloud bank breach: the instance-profile role session was stolen.
	{lab: otrf, start: identity("MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0"),
		target: "arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a", want: found,
		hops: hops(seen), conf: graph.Certain, note: "s3:ListObjects x7, s3:GetObject x2 by the stolen role session"},
	{lab: otrf, start: identity("MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0"),
		target: "arn:aws:iam::123456789123:user/demo-user", want: absent,
		note: "the human operator is not part of the path"},
	{lab: otrf, start: identity("demo-user"),
		target: "arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a", want: absent,
		note: "demo-user only made console Describe* calls"},

	// invictus-ir: the operator's key is the origin of every chain.
	{lab: invictus, start: identity("ir-analyst-1"),
		target: "arn:aws:secretsmanager:us-east-1:123837392027:secret:stratus-red-team-retrieve-secret-0", want: found,
		hops: hops(seen), conf: graph.Certain, note: "Secrets Manager secrets read"},
	{lab: invictus, start: identity("ir-analyst-1"),
		target: "arn:aws:ssm:us-east-1:123837392027:parameter/credentials/stratus-red-team/credentials-0", want: found,
		hops: hops(seen), conf: graph.Certain, note: "SSM parameters read"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-ec2-enumerate-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "role created and assumed by the operator"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-ec2-get-password-data-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "role created and assumed by the operator"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-ec2-steal-credentials-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "role created by the operator"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-ec2lui-role-pcccexdthk", want: found,
		hops: hops(seen), conf: graph.Certain, note: "role created and assumed by the operator"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-get-usr-data-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "role created and assumed by the operator"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-remove-flow-logs-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "role created and assumed by the operator"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-usr-data-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "role created and assumed by the operator"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-leave-org-role", want: found,
		hops: hops(seen), conf: graph.Certain, note: "one file shows only denied sts:AssumeRole calls, others show it succeed: the merged evidence decides"},
	{lab: invictus, start: identity("ir-analyst-1"), target: invictusAcc + "role/stratus-red-team-ec2lui-role-wuzemnoeqa", want: found,
		hops: hops(seen), conf: graph.Certain, note: "denied in one file, successful in another, as the leave-org row"},

	// Argo CD workflows.
	{lab: argo, start: nodeStart("pkg:githubactions/slsa-framework/slsa-github-generator@v2.1.0#.github/workflows/generator_container_slsa3.yml"),
		target: "secret:gha:corpus/argoproj__argo-cd/RELEASE_QUAY_TOKEN", want: found,
		hops: hops(exe, expo), conf: graph.Certain,
		note: "the tag-pinned SLSA generator receives registry-password: secrets.RELEASE_QUAY_TOKEN (started by --node: --package cannot name a version with a #subpath)"},
	{lab: argo, start: pkg("pkg:githubactions/docker/login-action"),
		target: "secret:gha:corpus/argoproj__argo-cd/RELEASE_QUAY_TOKEN", want: found,
		hops: hops(exe, expo), conf: graph.Certain,
		note: "image-reuse.yaml's workflow_call secret quay_password is what release.yaml passes as secrets.RELEASE_QUAY_TOKEN"},
	{lab: argo, start: pkg("pkg:githubactions/docker/login-action"),
		target: "registry:quay.io/*", want: found,
		hops: hops(exe, expo, auth, access), conf: graph.Possible,
		note: "image-reuse.yaml logs in to quay.io with the passed RELEASE_QUAY_TOKEN and pushes with docker/build-push-action (push: ${{ inputs.push }}, possible); its tags are computed at run time (quay.io/argoproj/argocd in a release), so the target is every image the token can push there"},
	{lab: argo, start: pkg("pkg:githubactions/tj-actions/changed-files@v45"),
		target: "runtime:gha:corpus/@fe598a831e42/.github/workflows/ci-build.yaml#changes", want: absent,
		note: "ci-build.yaml pins changed-files to commit bab30c2, not a repointed tag"},

	// Argo CD RBAC. cluster-rbac/ names its subjects in namespace argocd;
	// namespace-install.yaml and base/ name no namespace, so their objects
	// are read in namespace default.
	{lab: argo, start: identity("k8s:sa:argocd/argocd-application-controller"), target: "k8s:cluster", want: found,
		hops: hops(access), conf: graph.Certain,
		note: "ClusterRole argocd-application-controller is * on */* and its ClusterRoleBinding names the service account: cluster-admin"},
	{lab: argo, start: identity("k8s:sa:argocd/argocd-application-controller"), target: "secret:k8s:*/*", want: found,
		hops: hops(read), conf: graph.Certain, note: "every Secret in every namespace"},
	{lab: argo, start: identity("k8s:sa:argocd/argocd-application-controller"),
		target: "k8s:workload:default/StatefulSet/argocd-application-controller", want: found,
		hops: hops(graph.EdgeCanModify), conf: graph.Certain, note: "every workload"},
	{lab: argo, start: identity("k8s:sa:argocd/argocd-server"), target: "k8s:cluster", want: found,
		hops: hops(access), conf: graph.Certain, note: "ClusterRole argocd-server allows delete, get and patch on */* cluster-wide"},
	{lab: argo, start: identity("k8s:sa:argocd/argocd-server"), target: "secret:k8s:*/*", want: found,
		hops: hops(read), conf: graph.Certain, note: "get on */* includes secrets"},
	{lab: argo, start: identity("k8s:sa:argocd/argocd-applicationset-controller"), target: "secret:k8s:*/*", want: found,
		hops: hops(read), conf: graph.Certain, note: "ClusterRole argocd-applicationset-controller reads secrets cluster-wide"},
	{lab: argo, start: nodeStart("pkg:docker/argoproj/argocd@latest?repository_url=quay.io"), target: "k8s:cluster", want: found,
		hops: hops(exe, expo, auth, access), conf: graph.Possible,
		note: "namespace-install.yaml names no namespace (kubectl -n argocd applies it), and the ClusterRoleBinding in manifests/cluster-rbac names argocd/argocd-application-controller, so the StatefulSet possibly runs as that account, bound to ClusterRole argocd-application-controller (* on */*); possible: the namespace of kubectl -n is inferred from the binding"},
	{lab: argo, start: identity("k8s:sa:default/argocd-dex-server"), target: "secret:k8s:default/argocd-secret", want: found,
		hops: hops(read), conf: graph.Certain, note: "namespace-install.yaml: Role argocd-dex-server reads the Secrets of the install namespace"},
	{lab: argo, start: identity("k8s:sa:default/argocd-dex-server"), target: "secret:k8s:*/*", want: absent,
		note: "namespace-install.yaml: namespaced Roles limit reach to the install namespace"},
	{lab: argo, start: identity("k8s:sa:default/argocd-application-controller"), target: "k8s:cluster", want: absent,
		note: "namespace-install.yaml: the application controller has a namespaced Role only"},

	// Kubernetes Goat.
	{lab: "madhuakula__kubernetes-goat", start: identity("k8s:sa:kube-system/superadmin"), target: "k8s:cluster", want: found,
		hops: hops(access), conf: graph.Certain, note: "ClusterRoleBinding superadmin grants cluster-admin: every resource in the cluster"},
	{lab: "madhuakula__kubernetes-goat", start: identity("k8s:sa:kube-system/superadmin"), target: "secret:k8s:default/goatvault", want: found,
		hops: hops(read), conf: graph.Certain, note: "cluster-admin reads every Secret"},
	{lab: "madhuakula__kubernetes-goat", start: runtimeStart("k8s:workload:default/Deployment/system-monitor-deployment"),
		target: "k8s:node:*", want: found, hops: hops(graph.EdgeRunsOn), conf: graph.Certain,
		note: "scenario 4: privileged with host path /, so the pod controls its node"},
	{lab: "madhuakula__kubernetes-goat", start: runtimeStart("k8s:workload:default/Deployment/system-monitor-deployment"),
		target: "secret:k8s:sa-token:secure-middleware/default", want: found, hops: hops(graph.EdgeRunsOn, expo), conf: graph.Possible,
		note: "every pod on the node: which pods share the node is not in the input, so possible"},
	{lab: "madhuakula__kubernetes-goat", start: runtimeStart("k8s:workload:default/Deployment/health-check-deployment"),
		target: "k8s:node:*", want: found, hops: hops(graph.EdgeRunsOn), conf: graph.Certain,
		note: "scenario 2: privileged with the host's containerd socket"},
	{lab: "madhuakula__kubernetes-goat", start: pkg("pkg:docker/madhuakula/k8s-goat-health-check@latest"),
		target: "k8s:node:*", want: found, hops: hops(exe, graph.EdgeRunsOn), conf: graph.Certain,
		note: "a compromised health-check image takes over the node"},
	{lab: "madhuakula__kubernetes-goat", start: pkg("pkg:docker/madhuakula/k8s-goat-batch-check@latest"),
		target: "k8s:workload:default/Job/batch-check-job", want: found, hops: hops(exe), conf: graph.Certain,
		note: "scenario 10: the batch-check image, which the guide shows mining, runs as the Job"},
	{lab: "madhuakula__kubernetes-goat", start: runtimeStart("k8s:workload:default/Deployment/health-check-deployment"),
		target: "k8s:workload:secure-middleware/Deployment/cache-store-deployment", want: missing,
		note: "without the assumption, opening a connection to a Service is no step into the pods behind it"},
	{lab: "madhuakula__kubernetes-goat", start: assumingFlaws(runtimeStart("k8s:workload:default/Deployment/health-check-deployment")),
		target: "k8s:workload:secure-middleware/Deployment/cache-store-deployment", want: found,
		hops: hops(graph.EdgeCanInvoke, graph.EdgeCanInvoke), conf: graph.Possible,
		note: "scenario 11: a pod in default connects over the flat pod network to cache-store-service in secure-middleware, which no NetworkPolicy isolates; assumes the cache store's input handling gives the caller what it holds"},
	{lab: "madhuakula__kubernetes-goat", start: assumingFlaws(nodeStart("aws:anonymous")),
		target: "k8s:workload:default/Deployment/internal-proxy-deployment", want: found,
		hops: hops(graph.EdgeCanInvoke), conf: graph.Possible,
		note: "scenario 3: NodePort service internal-proxy-info-app-service exposes port 30003 on every node (possible: whether the nodes face the internet is not in the input)"},
	{lab: "madhuakula__kubernetes-goat", start: assumingFlaws(nodeStart("aws:anonymous")),
		target: "k8s:workload:default/Deployment/poor-registry-deployment", want: found,
		hops: hops(graph.EdgeCanInvoke, graph.EdgeCanInvoke, graph.EdgeCanInvoke), conf: graph.Possible,
		note: "scenarios 3 and 7: the SSRF of the internal proxy reaches in-cluster services over the pod network, among them the registry without authentication"},

	// Powertools for AWS Lambda (Python) workflows.
	{lab: pt, start: pkg("pkg:githubactions/codecov/codecov-action"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/CODECOV_TOKEN", want: found,
		hops: hops(exe, expo), conf: graph.Certain, note: "quality_check job references CODECOV_TOKEN"},
	{lab: pt, start: pkg("pkg:githubactions/codecov/codecov-action"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/AWS_LAYERS_ROLE_ARN", want: found,
		hops: hops(exe, graph.EdgeCanModify, expo, auth, graph.EdgeCanModify, graph.EdgeDefines, expo), conf: graph.Possible,
		note: "not through the job's own secrets (an action is linked only to the secrets of the jobs that run it) but " +
			"through its cache: quality_check saves the poetry cache of setup-python on pushes to develop, which " +
			"publish_docs restores; that job's token (contents: write) can change the code that publish_v2_layer " +
			"runs, and its beta job assumes AWS_LAYERS_ROLE_ARN"},
	{lab: pt, start: pkg("pkg:githubactions/ossf/scorecard-action"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/SCORECARD_TOKEN", want: found,
		hops: hops(exe, expo), conf: graph.Certain, note: "ossf_scorecard job references the SCORECARD_TOKEN PAT"},
	{lab: pt, start: runtimeStart("runtime:gha:" + ptWF + "reusable_deploy_v2_layer_stack.yml#deploy-cdk-stack"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/AWS_LAYERS_ROLE_ARN", want: found,
		hops: hops(expo), conf: graph.Certain, note: "role-to-assume: secrets.AWS_LAYERS_ROLE_ARN"},
	{lab: pt, start: runtimeStart("runtime:gha:" + ptWF + "publish_v3_layer.yml#release_docs"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/AWS_DOCS_ROLE_ARN", want: found,
		hops: hops(expo), conf: graph.Certain,
		note: "the caller passes secrets: inherit to reusable_publish_docs.yml, which assumes secrets.AWS_DOCS_ROLE_ARN"},

	// step-security github-actions-goat.
	{lab: goat, start: pkg("pkg:githubactions/tj-actions/changed-files@v35"),
		target: ghaToken(goatWF + "tj-actions-changed-files-incident.yaml#changed_files"), want: found,
		hops: hops(exe, expo), conf: graph.Certain, note: "the job's token (pull-requests: read)"},
	{lab: goat, start: pkg("pkg:githubactions/tj-actions/changed-files@v35"),
		target: ghaToken(goatWF + "publish.yml#build"), want: absent,
		note: "low reach: no other secrets referenced, and a read-only token cannot change other jobs"},
	{lab: goat, start: pkg("pkg:githubactions/tj-actions/changed-files@v40"),
		target: ghaToken(goatWF + "changed-files-vulnerability-without-hr.yml#changed_files"), want: found,
		hops: hops(exe, expo), conf: graph.Certain, note: "the job's token (pull-requests: read)"},
	{lab: goat, start: pkg("pkg:githubactions/elgohr/publish-docker-github-action@v5"),
		target: ghaToken(goatWF + "publish.yml#build"), want: found,
		hops: hops(exe, expo), conf: graph.Certain, note: "secrets.GITHUB_TOKEN passed as the registry password"},

	// tj-actions / reviewdog chain of March 2025.
	{lab: tja, start: pkg("pkg:githubactions/reviewdog/action-setup@v1"),
		target: "pkg:githubactions/corpus/tj-actions__eslint-changed-files#%40f51e18d575ea", want: found,
		hops: hops(dep), conf: graph.Certain,
		note: "the composite action at f51e18d uses reviewdog/action-setup@v1. The node is the action.yml in that folder, which only jobs of its own repository run, from their checkout of that file, so the step is certain. Its token input (a PAT in practice) and the PAT's write access to tj-actions tags (CAN_PUBLISH) are not modelled"},
	{lab: tja, start: pkg("pkg:githubactions/reviewdog/action-setup@v1"),
		target: "pkg:githubactions/corpus/tj-actions__eslint-changed-files", want: absent,
		note: "HEAD action.yml pins reviewdog/action-setup by commit"},
	{lab: goat, start: pkg("pkg:npm/@step-security/malware-simulator"),
		target: ghaToken(goatWF + "publish.yml#build"), want: found,
		hops: hops(exe, expo), conf: graph.Possible,
		note: "src/exfiltration-demo/package.json declares the file: dependency, and npm install in that folder runs its lifecycle scripts with the job's token"},
	{lab: goat, start: pkg("pkg:githubactions/elgohr/publish-docker-github-action@v5"),
		target: "pkg:docker/corpus/step-security__github-actions-goat/prod?repository_url=ghcr.io", want: found,
		hops: hops(exe, expo, auth, graph.EdgeCanPublish), conf: graph.Possible,
		note: "the action logs in to ghcr.io with secrets.GITHUB_TOKEN and pushes the image; the default token scope decides packages:write"},
	{lab: pt, start: runtimeStart("runtime:gha:" + ptWF + "layer_govcloud.yml#download"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/env/Prod (Readonly)/AWS_IAM_ROLE", want: found,
		hops: hops(expo), conf: graph.Possible,
		note: "secrets.AWS_IAM_ROLE in environment Prod (Readonly): that environment's value when it defines one, which no input declares"},
	{lab: pt, start: runtimeStart("runtime:gha:" + ptWF + "layer_govcloud.yml#copy_east"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/env/GovCloud ${{ inputs.environment }} (East)/AWS_IAM_ROLE", want: found,
		hops: hops(expo), conf: graph.Possible,
		note: "secrets.AWS_IAM_ROLE in environment GovCloud <env> (East), named by an expression decided at run time"},
	{lab: pt, start: runtimeStart("runtime:gha:" + ptWF + "layer_govcloud.yml#download"),
		target: "secret:gha:corpus/aws-powertools__powertools-lambda-python/env/GovCloud ${{ inputs.environment }} (East)/AWS_IAM_ROLE", want: absent,
		note: "same secret name, different value per environment: the Prod (Readonly) job does not read the GovCloud environment's role"},
}

// corpusGaps lists the labs, or parts of labs, that no row can query.
var corpusGaps = []corpusGap{
	{lab: cg + "iam_enum_basics", class: "not-applicable",
		note: "flag 5 hides in a policy's Resource ARN (arn:aws:s3:::HSM{...}), found by enumeration: that policy names the bucket ARN, where s3:GetObject does not apply (it needs an object ARN) and s3:ListBucket only lists, which is not counted as reach, so no node stands for it"},
	{lab: bishop, class: "not-applicable",
		note: "privesc17 (lambda:UpdateFunctionCode) and privesc19 (glue:UpdateDevEndpoint) need the non-free lambda and glue modules, which main.tf leaves commented out: no function or dev endpoint is in the input"},
	{lab: argo, class: "not-applicable",
		note: "no Secret labelled argocd.argoproj.io/secret-type: cluster is in the input, so no registered cluster can be reached; the image names RELEASE_QUAY_TOKEN pushes are step outputs computed at run time, so the row reaches every image it can push to quay.io, not quay.io/argoproj/argocd by name"},
	{lab: "madhuakula__kubernetes-goat", class: "not-applicable",
		note: "cloud metadata behind the internal proxy's SSRF (scenario 3: no cloud account or node role is in the input), secrets in the build-code image (1), images pushed to the registry without authentication (7: no workload pulls from it) and hidden-in-layers (15) are facts of images and of a cloud the input does not show: no node stands for an image layer or a node's cloud identity"},
	{lab: "panther-labs__panther-analysis/rules/aws_cloudtrail_rules", class: "not-applicable",
		note: "detection-rule test events, one per rule case; no start or target"},
	{lab: "panther-labs__panther-analysis/rules/gcp_audit_rules", class: "not-applicable",
		note: "detection-rule test events (GCP audit log); no start or target"},
	{lab: "panther-labs__panther-analysis/rules/gcp_k8s_rules", class: "not-applicable",
		note: "detection-rule test events (GKE audit log); no start or target"},
	{lab: "panther-labs__panther-analysis/rules/github_rules", class: "not-applicable",
		note: "detection-rule test events (GitHub audit log); no start or target"},
	{lab: "panther-labs__panther-analysis/rules/kubernetes_rules", class: "not-applicable",
		note: "detection-rule test events (Kubernetes audit log); no start or target"},
}

// TestCorpusPaths ingests each lab alone and checks every row: found rows
// must reach the target along the documented hops, missing rows and absent
// rows must not reach it.
func TestCorpusPaths(t *testing.T) {
	if _, err := os.Stat(corpusRoot); err != nil {
		t.Skip("shared corpus not present")
	}
	var labs []string
	byLab := map[string][]corpusPath{}
	for _, p := range corpusPaths {
		if byLab[p.lab] == nil {
			labs = append(labs, p.lab)
		}
		byLab[p.lab] = append(byLab[p.lab], p)
	}
	for _, lab := range labs {
		t.Run(lab, func(t *testing.T) {
			db := corpusDB(t, lab)
			ids := nodeIDs(t, db)
			for _, p := range byLab[lab] {
				t.Run(strings.Join(p.start, "=")+"->"+p.target, func(t *testing.T) {
					checkCorpusPath(t, db, ids, p)
				})
			}
		})
	}
}

// checkCorpusPath runs the row's query and compares the target's reach with
// the row's expected result.
func checkCorpusPath(t *testing.T, db string, ids map[string]bool, p corpusPath) {
	t.Helper()
	if !ids[p.target] {
		t.Fatalf("target %s not found among the nodes of %s: update the row to the current id", p.target, p.lab)
	}

	args := append([]string{"--db", db, "--log-level", "error", "query", "--format", "json"}, p.start...)
	out, errs, code := run(t, args...)
	if code == exitNoMatch && p.want != found {
		// A start with no node is a feature the model lacks, so nothing is reached.
		t.Logf("start %v matches no node yet", p.start)
		return
	}
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	var res resultView
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}

	var got *reachedView
	for i := range res.Reached {
		if res.Reached[i].Node.ID == p.target {
			got = &res.Reached[i]
		}
	}
	switch p.want {
	case found:
		if got == nil {
			t.Fatalf("%s not reached, but EXPECTED.md documents: %s", p.target, p.note)
		}
		var kinds []graph.EdgeKind
		for _, h := range got.Path {
			kinds = append(kinds, h.Kind)
		}
		if diff := cmp.Diff(p.hops, kinds); diff != "" {
			t.Errorf("path to %s (-want +got):\n%s\ngot path: %s", p.target, diff, pathText(got.Path))
		}
		if p.conf != "" && got.Confidence != p.conf {
			t.Errorf("%s reached with confidence %s, want %s", p.target, got.Confidence, p.conf)
		}
	case missing:
		if got != nil {
			t.Errorf("%s is now reached (%s): %s\nif this path matches %s/EXPECTED.md, move the row to found with its hops (the row's missing feature: %s)",
				p.target, got.Confidence, pathText(got.Path), p.lab, p.note)
		}
	case absent:
		if got != nil {
			t.Errorf("dead end reached: %s via %s\n%s/EXPECTED.md: %s", p.target, pathText(got.Path), p.lab, p.note)
		}
	default:
		t.Fatalf("invalid want %q in row", p.want)
	}
}

// pathText renders a path as its first node followed by each hop.
func pathText(path []hopView) string {
	var b strings.Builder
	for i, h := range path {
		if i == 0 {
			b.WriteString(h.From)
		}
		b.WriteString(" -" + string(h.Kind) + "-> " + h.To)
	}
	return b.String()
}

// corpusDB ingests one lab folder into a fresh store with a fixed salt.
func corpusDB(t *testing.T, lab string) string {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "graph.db")
	if err := os.WriteFile(filepath.Join(dir, "salt"), bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "corpus", filepath.Join(corpusRoot, lab))
	switch code {
	case exitOK:
	case exitRejected:
		t.Logf("ingest rejected files:\n%s", out)
	default:
		t.Fatalf("ingest exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	return db
}

// nodeIDs returns the ids of every node in the store.
func nodeIDs(t *testing.T, db string) map[string]bool {
	t.Helper()
	out, errs, code := run(t, "--db", db, "nodes", "--format", "json")
	if code != exitOK {
		t.Fatalf("nodes exit %d: %s", code, errs)
	}
	var nodes []nodeView
	if err := json.Unmarshal([]byte(out), &nodes); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, n := range nodes {
		ids[n.ID] = true
	}
	return ids
}

// TestCorpusCoverage checks that every lab with an EXPECTED.md in the
// corpus index has a row or a gap, and that no row names another folder.
func TestCorpusCoverage(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusRoot, "SOURCES.md"))
	if err != nil {
		t.Skip("shared corpus not present")
	}
	defer f.Close()

	want := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "- `"); ok && strings.HasSuffix(rest, "/EXPECTED.md`") {
			want[strings.TrimSuffix(rest, "/EXPECTED.md`")] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	have := map[string]bool{}
	for _, p := range corpusPaths {
		have[p.lab] = true
	}
	for _, g := range corpusGaps {
		have[g.lab] = true
		if g.class != "missing" && g.class != "not-applicable" {
			t.Errorf("gap %s: invalid class %q, want missing or not-applicable", g.lab, g.class)
		}
	}

	var unlisted, unknown []string
	for lab := range want {
		if !have[lab] {
			unlisted = append(unlisted, lab)
		}
	}
	for lab := range have {
		if !want[lab] {
			unknown = append(unknown, lab)
		}
	}
	sort.Strings(unlisted)
	sort.Strings(unknown)
	if len(unlisted) > 0 {
		t.Errorf("labs with an EXPECTED.md but no row or gap: %v", unlisted)
	}
	if len(unknown) > 0 {
		t.Errorf("rows or gaps for folders without an EXPECTED.md: %v", unknown)
	}
	if len(want) != 35 {
		t.Errorf("corpus index lists %d EXPECTED.md files, want 35", len(want))
	}
}
