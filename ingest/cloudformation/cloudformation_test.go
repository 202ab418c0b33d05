package cloudformation

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

const testRepo = "example-org/api"

func file(name, text string) *ingest.File {
	data := []byte(text)
	return &ingest.File{Path: name, RelPath: name, Repo: testRepo, Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

// parse parses a template named name, failing the test on an error.
func parse(t *testing.T, name, text string) *ingest.Result {
	t.Helper()
	res, err := tryParse(name, text)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return res
}

func tryParse(name, text string) (*ingest.Result, error) {
	var res ingest.Result
	env := &ingest.Env{Fingerprint: func(v string) string { return "fp(" + v + ")" }}
	err := New().Parse(context.Background(), file(name, text), env, &res)
	return &res, err
}

func nodeOf(t *testing.T, res *ingest.Result, id string) graph.Node {
	t.Helper()
	for _, n := range res.Nodes {
		if n.ID == id {
			return n
		}
	}
	var ids []string
	for _, n := range res.Nodes {
		ids = append(ids, n.ID)
	}
	t.Fatalf("no node %s among %q", id, ids)
	return graph.Node{}
}

// edges lists the edges of a kind as "from -> to", sorted.
func edges(res *ingest.Result, kind graph.EdgeKind) []string {
	var out []string
	for _, e := range res.Edges {
		if e.Kind == kind {
			out = append(out, e.From+" -> "+e.To)
		}
	}
	slices.Sort(out)
	return out
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, path, head string
		want             bool
	}{
		{"format version", "template.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", true},
		{"quoted format version", "stack.yml", "\"AWSTemplateFormatVersion\": \"2010-09-09\"\n", true},
		{"SAM transform only", "template.yml", "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n", true},
		{"SAM transform list", "template.yml", "Transform:\n  - AWS::LanguageExtensions\n  - AWS::Serverless-2016-10-31\n", true},
		{"JSON template", "stack.template.json", "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {}\n}\n", true},
		{"one-line JSON template", "stack.json", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`, true},
		{"JSON transform", "sam.json", "{\"Transform\": \"AWS::Serverless-2016-10-31\", \"Resources\": {}}", true},
		{".template file", "vpc.template", "AWSTemplateFormatVersion: 2010-09-09\n", true},
		{"resources of AWS types", "roles.yaml", "Resources:\n  Role:\n    Type: AWS::IAM::Role\n", true},
		{"JSON resources of AWS types", "roles.json", "{\"Resources\": {\n  \"Role\": {\n    \"Type\": \"AWS::IAM::Role\"}}}", true},
		{"resources without AWS types", "x.yaml", "Resources:\n  thing:\n    Type: Custom\n", false},
		{"Serverless Framework", "serverless.yml", "service: api\nprovider:\n  name: aws\nresources:\n  Resources:\n    T:\n      Type: AWS::DynamoDB::Table\n", false},
		{"Serverless Framework by key", "sls.yml", "service: api\nResources:\n  T:\n    Type: AWS::DynamoDB::Table\n", false},
		{"Kubernetes manifest", "deploy.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: AWS::IAM::Role\n", false},
		{"workflow", ".github/workflows/ci.yml", "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n", false},
		{"indented format version in a document", "notes.yaml", "docs:\n  AWSTemplateFormatVersion: x\n", false},
		{"indented quoted key in YAML", "notes.yaml", "docs:\n  \"AWSTemplateFormatVersion\": x\n", false},
		{"one-line JSON resources", "r.json", `{"Resources": {"U": {"Type": "AWS::IAM::User"}}}`, true},
		{"JSON without AWS types", "r.json", `{"Resources": {"U": {"Type": "Custom"}}}`, false},
		{"markdown", "README.md", "AWSTemplateFormatVersion: '2010-09-09'\n", false},
	}
	for _, tt := range tests {
		f := file(tt.path, tt.head)
		if got := New().Detect(f); got != tt.want {
			t.Errorf("%s: Detect = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// roleLong and roleShort write one role with the long and the short forms
// of the intrinsic functions. Both give the same facts, worked out by hand.
const roleLong = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "AccountId": {"Type": "String", "Default": "111122223333"},
    "Prefix": {"Type": "String", "Default": "ci"},
    "Buckets": {"Type": "CommaDelimitedList", "Default": "logs,data"}
  },
  "Mappings": {"Env": {"prod": {"Boundary": "arn:aws:iam::111122223333:policy/boundary"}}},
  "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Prefix"}, "ci"]}},
  "Resources": {
    "Deployer": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "RoleName": {"Fn::Sub": "${Prefix}-deployer"},
        "Path": "/deploy/",
        "PermissionsBoundary": {"Fn::FindInMap": ["Env", "prod", "Boundary"]},
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}}, "Action": "sts:AssumeRole"}]
        },
        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        "Policies": [{
          "PolicyName": "write",
          "PolicyDocument": {
            "Statement": [{
              "Effect": "Allow",
              "Action": ["s3:PutObject"],
              "Resource": [
                {"Fn::Sub": ["arn:aws:s3:::${b}/*", {"b": {"Fn::Select": [1, {"Ref": "Buckets"}]}}]},
                {"Fn::If": ["IsProd", {"Fn::Sub": "arn:aws:s3:::${!aws:username}"}, {"Ref": "AWS::NoValue"}]},
                {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}
              ]
            }]
          }
        }]
      }
    }
  }
}
`

const roleShort = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
  Prefix: {Type: String, Default: ci}
  Buckets: {Type: CommaDelimitedList, Default: "logs,data"}
Mappings:
  Env:
    prod:
      Boundary: arn:aws:iam::111122223333:policy/boundary
Conditions:
  IsProd: !Equals [!Ref Prefix, ci]
Resources:
  Deployer:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub ${Prefix}-deployer
      Path: /deploy/
      PermissionsBoundary: !FindInMap [Env, prod, Boundary]
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Join ["", ["arn:", !Ref AWS::Partition, ":iam::", !Ref AWS::AccountId, ":root"]]
            Action: sts:AssumeRole
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      Policies:
        - PolicyName: write
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:PutObject]
                Resource:
                  - !Sub ["arn:aws:s3:::${b}/*", {b: !Select [1, !Ref Buckets]}]
                  - !If [IsProd, !Sub "arn:aws:s3:::${!aws:username}", !Ref AWS::NoValue]
                  - !Select [0, !Split [",", "a,b"]]
`

func TestRoleIntrinsicForms(t *testing.T) {
	const arn = "arn:aws:iam::111122223333:role/deploy/ci-deployer"
	for name, text := range map[string]string{"long.json": roleLong, "short.yaml": roleShort} {
		res := parse(t, name, text)
		if len(res.Diags) > 0 {
			t.Errorf("%s: warnings %q", name, resulttest.Warnings(res))
		}
		role := nodeOf(t, res, arn)
		want := map[string]string{
			"provider": "aws", "type": "role", "name": "ci-deployer", "account": "111122223333",
			"cfn_logical_id": "Deployer", "path": "/deploy/",
			"permissions_boundary": "arn:aws:iam::111122223333:policy/boundary",
			"trust_policy":         `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`,
		}
		if diff := cmp.Diff(want, role.Attrs); diff != "" {
			t.Errorf("%s: role attributes (-want +got):\n%s", name, diff)
		}
		inline := nodeOf(t, res, arn+"#inline/write")
		doc := `{"Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::data/*","arn:aws:s3:::${aws:username}","a"]}]}`
		if got := inline.Attr("document"); got != doc {
			t.Errorf("%s: inline document\n got %s\nwant %s", name, got, doc)
		}
		if u := inline.Attr("unresolved"); u != "" {
			t.Errorf("%s: the policy variable is taken for an unresolved value: %s", name, u)
		}
		wantEdges := []string{arn + " -> " + arn + "#inline/write", arn + " -> arn:aws:iam::aws:policy/ReadOnlyAccess"}
		if diff := cmp.Diff(wantEdges, edges(res, graph.EdgeHasPolicy)); diff != "" {
			t.Errorf("%s: HAS_POLICY (-want +got):\n%s", name, diff)
		}
		nodeOf(t, res, "arn:aws:iam::aws:policy/ReadOnlyAccess")
	}
}

// An unnamed role gets the placeholder name ${LogicalId}, the same on
// every run, and a function's Role that reads its Arn meets it.
func TestUnnamedRole(t *testing.T) {
	const text = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: worker
      Role: !GetAtt Worker.Arn
      Code: {S3Bucket: b, S3Key: k}
`
	const role = "arn:aws:iam:::role/${Worker}"
	for range 2 {
		res := parse(t, "t.yaml", text)
		if got := nodeOf(t, res, role).Attr("unresolved"); got != "Worker" {
			t.Errorf("unresolved = %q, want Worker", got)
		}
		want := []string{"secret:aws:role-credentials:aws:lambda:arn:aws:lambda:::function:worker -> " + role}
		if diff := cmp.Diff(want, edges(res, graph.EdgeAuthenticatesAs)); diff != "" {
			t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
		}
	}
}

// The account comes from the ARNs of properties and statement resources,
// never from principals or conditions.
func TestAccount(t *testing.T) {
	tests := []struct {
		name, resources, want string
	}{
		{"attached policy", `
  U:
    Type: AWS::IAM::User
    Properties:
      UserName: u
      ManagedPolicyArns: [arn:aws:iam::444455556666:policy/p]
`, "444455556666"},
		{"statement resource", `
  U:
    Type: AWS::IAM::User
    Properties:
      UserName: u
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "arn:aws:sqs:us-east-1:444455556666:q"}]
`, "444455556666"},
		{"statement resource with pseudo parameters", `
  U:
    Type: AWS::IAM::User
    Properties:
      UserName: u
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: !Sub "arn:${AWS::Partition}:sqs:${AWS::Region}:444455556666:q"}]
`, "444455556666"},
		{"principal only", `
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: u
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::999988887777:root"}, Action: sts:AssumeRole}]
`, ""},
		{"two accounts", `
  U:
    Type: AWS::IAM::User
    Properties:
      UserName: u
      ManagedPolicyArns: [arn:aws:iam::444455556666:policy/p, arn:aws:iam::999988887777:policy/p]
`, ""},
	}
	for _, tt := range tests {
		res := parse(t, "t.yaml", "Resources:"+tt.resources)
		var got string
		for _, n := range res.Nodes {
			if n.Kind == graph.NodeIdentity {
				got = n.Attr(graph.AttrAccount)
			}
		}
		if got != tt.want {
			t.Errorf("%s: account %q, want %q", tt.name, got, tt.want)
		}
	}
}

const iamTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
Resources:
  Ops:
    Type: AWS::IAM::Group
    Properties:
      GroupName: ops
  Alice:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
      Groups: [!Ref Ops]
      LoginProfile: {Password: "{{resolve:secretsmanager:alice-pw}}"}
  AliceKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref Alice
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument: '{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
  AppProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref App]
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      PolicyDocument:
        Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
      Roles: [!Ref App]
      Users: [!Ref Alice]
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: reader
      Path: /team/
      PolicyDocument:
        Statement: [{Effect: Allow, Action: "dynamodb:GetItem", Resource: "*"}]
      Groups: [!Ref Ops]
  Attached:
    Type: AWS::IAM::Role
    Properties:
      RoleName: attached
      AssumeRolePolicyDocument: {Statement: []}
      ManagedPolicyArns: [!Ref Managed]
  GitHub:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  Oidc:
    Type: AWS::IAM::Role
    Properties:
      RoleName: oidc
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Federated: !Ref GitHub}
            Action: sts:AssumeRoleWithWebIdentity
`

func TestIAMResources(t *testing.T) {
	res := parse(t, "iam.yaml", iamTemplate)
	if len(res.Diags) > 0 {
		t.Errorf("warnings %q", resulttest.Warnings(res))
	}
	const (
		alice    = "arn:aws:iam::111122223333:user/alice"
		ops      = "arn:aws:iam::111122223333:group/ops"
		app      = "arn:aws:iam::111122223333:role/app"
		reader   = "arn:aws:iam::111122223333:policy/team/reader"
		key      = "secret:aws:access-key:" + alice + "/AliceKey"
		password = "secret:aws:console-password:" + alice
		provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
	)
	if diff := cmp.Diff([]string{alice + " -> " + ops}, edges(res, graph.EdgeMemberOf)); diff != "" {
		t.Errorf("MEMBER_OF (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{key + " -> " + alice, password + " -> " + alice}, edges(res, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
	}
	wantPolicies := []string{
		"arn:aws:iam::111122223333:role/attached -> " + reader,
		alice + " -> " + alice + "#inline/shared",
		ops + " -> " + reader,
		app + " -> " + app + "#inline/shared",
	}
	slices.Sort(wantPolicies)
	if diff := cmp.Diff(wantPolicies, edges(res, graph.EdgeHasPolicy)); diff != "" {
		t.Errorf("HAS_POLICY (-want +got):\n%s", diff)
	}
	if got, want := nodeOf(t, res, app).Attr("trust_policy"),
		`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`; got != want {
		t.Errorf("trust policy from JSON text %s, want %s", got, want)
	}
	profile := "arn:aws:iam::111122223333:instance-profile/${AppProfile}"
	if got := nodeOf(t, res, app).Attr("instance_profiles"); got != profile {
		t.Errorf("instance_profiles %q, want %q", got, profile)
	}
	if got := nodeOf(t, res, profile).Attr("role"); got != app {
		t.Errorf("profile role %q, want %q", got, app)
	}
	if got := nodeOf(t, res, reader).Attr("document"); got != `{"Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}]}` {
		t.Errorf("managed policy document %s", got)
	}
	p := nodeOf(t, res, provider)
	if p.Attr("type") != "oidc-provider" || p.Attr("client_ids") != "sts.amazonaws.com" || p.Attr("url") != "https://token.actions.githubusercontent.com" {
		t.Errorf("OIDC provider attributes %v", p.Attrs)
	}
	if got := nodeOf(t, res, "arn:aws:iam::111122223333:role/oidc").Attr("trust_policy"); !strings.Contains(got, `"Federated":"`+provider+`"`) {
		t.Errorf("Ref to the OIDC provider does not give its ARN: %s", got)
	}
}

const lambdaTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
  Region: {Type: String, Default: eu-west-1}
  DbPassword: {Type: String, NoEcho: true}
  Stage: {Type: String, Default: prod}
  ApiSecret: {Type: String}
  Bucket: {Type: String}
Resources:
  Key:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: ci}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: api
      Role: arn:aws:iam::111122223333:role/api
      Code: {ImageUri: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:0000000000000000000000000000000000000000000000000000000000000000}
      Environment:
        Variables:
          LOG_LEVEL: debug
          STAGE: !Ref Stage
          QUEUE_URL: !Ref Jobs
          API_TOKEN: canary-lambda7token-X9x9
          DB_PASSWORD: !Ref DbPassword
          CI_SECRET: !GetAtt Key.SecretAccessKey
          GH_TOKEN: "{{resolve:secretsmanager:ci/github:SecretString:token}}"
          SIGNING: "{{resolve:ssm-secure:/api/signing:3}}"
          AWS_REGION: eu-west-1
          API_SECRET: !Ref ApiSecret
          BUCKET: !Ref Bucket
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: jobs}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Fn
      EventSourceArn: !GetAtt Jobs.Arn
`

func TestLambdaFunction(t *testing.T) {
	res := parse(t, "fn.yaml", lambdaTemplate)
	const runtime = "runtime:aws:lambda:arn:aws:lambda:eu-west-1:111122223333:function:api"
	const env = "secret:aws:env:aws:lambda:arn:aws:lambda:eu-west-1:111122223333:function:api/"
	fn := nodeOf(t, res, runtime)
	if got := fn.Attr(graph.AttrTriggeredBy); got != "arn:aws:sqs:eu-west-1:111122223333:jobs" {
		t.Errorf("triggered_by %q", got)
	}
	wantExposes := []string{
		runtime + " -> arn:aws:secretsmanager:eu-west-1:111122223333:secret:ci/github",
		runtime + " -> arn:aws:ssm:eu-west-1:111122223333:parameter/api/signing",
		runtime + " -> " + env + "API_SECRET",
		runtime + " -> " + env + "API_TOKEN",
		runtime + " -> " + env + "CI_SECRET",
		runtime + " -> " + env + "DB_PASSWORD",
		runtime + " -> secret:aws:role-credentials:aws:lambda:arn:aws:lambda:eu-west-1:111122223333:function:api",
	}
	slices.Sort(wantExposes)
	if diff := cmp.Diff(wantExposes, edges(res, graph.EdgeExposes)); diff != "" {
		t.Errorf("EXPOSES (-want +got):\n%s", diff)
	}
	token := nodeOf(t, res, env+"API_TOKEN")
	if token.Attr(graph.AttrFingerprint) != "fp(canary-lambda7token-X9x9)" || token.Attr(graph.AttrStoredInline) != "true" {
		t.Errorf("inline token attributes %v", token.Attrs)
	}
	if pw := nodeOf(t, res, env+"DB_PASSWORD"); pw.Attr(graph.AttrFingerprint) != "" {
		t.Errorf("a NoEcho parameter without default has a fingerprint: %v", pw.Attrs)
	}
	wantHolds := []string{env + "CI_SECRET -> secret:aws:access-key:arn:aws:iam::111122223333:user/ci/Key"}
	if diff := cmp.Diff(wantHolds, edges(res, graph.EdgeHolds)); diff != "" {
		t.Errorf("HOLDS (-want +got):\n%s", diff)
	}
	wantImage := []string{runtime + " -> pkg:docker/api@sha256:0000000000000000000000000000000000000000000000000000000000000000?repository_url=111122223333.dkr.ecr.eu-west-1.amazonaws.com"}
	if diff := cmp.Diff(wantImage, edges(res, graph.EdgeExecutes)); diff != "" {
		t.Errorf("EXECUTES (-want +got):\n%s", diff)
	}
	want := []string{"fn.yaml:29: Fn: Lambda reserves the environment variable AWS_REGION and rejects a function that sets it, so it is not read"}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	resulttest.NoValues(t, res, "canary-lambda7token-X9x9\"")
}

const samTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
  Region: {Type: String, Default: us-east-1}
Globals:
  Function:
    CodeUri: ../src/default/
    Layers: [!Ref Deps]
    Environment:
      Variables:
        SHARED_KEY: canary-globalkey99-X9x9
        TABLE: overridden
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ../layers/deps
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: api
      CodeUri: ../src/api
      Environment:
        Variables:
          TABLE: !Ref Table
      Policies:
        - AWSLambdaVPCAccessExecutionRole
        - DynamoDBCrudPolicy: {TableName: !Ref Table}
        - SQSSendMessagePolicy: {QueueName: jobs}
        - SSMParameterReadPolicy: {ParameterName: api/config}
        - RekognitionLabelsPolicy: {}
        - Statement:
            - Effect: Allow
              Action: secretsmanager:GetSecretValue
              Resource: !Ref Token
      Events:
        Stream:
          Type: Kinesis
          Properties: {Stream: "arn:aws:kinesis:us-east-1:111122223333:stream/clicks"}
        Web:
          Type: Api
          Properties: {Path: /, Method: get}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: worker
      Role: !GetAtt ApiRole.Arn
  Outside:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: outside
      CodeUri: ../../elsewhere
      Role: arn:aws:iam::111122223333:role/x
  Imported:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: imported
      Role: !ImportValue shared-role
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: items}
  Token:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: api/token}
`

func TestSAMFunction(t *testing.T) {
	res := parse(t, "infra/template.yaml", samTemplate)
	const (
		api    = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"
		worker = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:worker"
		role   = "arn:aws:iam::111122223333:role/${ApiRole}"
	)
	layer := graph.EncodeCodeSource(graph.CodeSource{Repo: "repo:github.com/example-org/api", Dir: "layers/deps",
		By: "infra/template.yaml#Deps", Layer: "Deps", Tool: "SAM"})
	code := func(dir, by string) string {
		return graph.EncodeCodeSource(graph.CodeSource{Repo: "repo:github.com/example-org/api", Dir: dir, By: by, Tool: "SAM"})
	}
	apiNode := nodeOf(t, res, api)
	if diff := cmp.Diff([]string{code("src/api", "infra/template.yaml#Api"), layer}, graph.SplitList(apiNode.Attr(graph.AttrCodeFrom))); diff != "" {
		t.Errorf("api code_from (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{layer, code("src/default", "infra/template.yaml#Worker")}, graph.SplitList(nodeOf(t, res, worker).Attr(graph.AttrCodeFrom))); diff != "" {
		t.Errorf("worker code_from from Globals (-want +got):\n%s", diff)
	}
	if got := apiNode.Attr(graph.AttrTriggeredBy); got != "arn:aws:kinesis:us-east-1:111122223333:stream/clicks" {
		t.Errorf("triggered_by %q", got)
	}

	wantAuth := []string{
		"secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api -> " + role,
		"secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:outside -> arn:aws:iam::111122223333:role/x",
		"secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:worker -> " + role,
	}
	if diff := cmp.Diff(wantAuth, edges(res, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
	}
	r := nodeOf(t, res, role)
	if r.Attr("trust_policy") != lambdaTrust || r.Attr("unresolved") != "ApiRole" || r.Attr("cfn_logical_id") != "ApiRole" {
		t.Errorf("SAM role attributes %v", r.Attrs)
	}
	wantPolicies := []string{
		role + " -> " + role + "#inline/ApiRolePolicy1",
		role + " -> " + role + "#inline/ApiRolePolicy2",
		role + " -> " + role + "#inline/ApiRolePolicy3",
		role + " -> " + role + "#inline/ApiRolePolicy5",
		role + " -> arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		role + " -> arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
	}
	if diff := cmp.Diff(wantPolicies, edges(res, graph.EdgeHasPolicy)); diff != "" {
		t.Errorf("HAS_POLICY (-want +got):\n%s", diff)
	}
	docs := map[string]string{
		"ApiRolePolicy1": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:DeleteItem","dynamodb:PutItem","dynamodb:Scan","dynamodb:Query","dynamodb:UpdateItem","dynamodb:BatchWriteItem","dynamodb:BatchGetItem","dynamodb:DescribeTable","dynamodb:ConditionCheckItem"],"Resource":["arn:aws:dynamodb:us-east-1:111122223333:table/items","arn:aws:dynamodb:us-east-1:111122223333:table/items/index/*"]}]}`,
		"ApiRolePolicy2": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage*"],"Resource":"arn:aws:sqs:us-east-1:111122223333:jobs"}]}`,
		"ApiRolePolicy3": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:DescribeParameters"],"Resource":"*"},{"Effect":"Allow","Action":["ssm:GetParameters","ssm:GetParameter","ssm:GetParametersByPath"],"Resource":"arn:aws:ssm:us-east-1:111122223333:parameter/api/config"}]}`,
		"ApiRolePolicy5": `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:api/token"}]}`,
	}
	for name, want := range docs {
		if got := nodeOf(t, res, role+"#inline/"+name).Attr("document"); got != want {
			t.Errorf("%s document\n got %s\nwant %s", name, got, want)
		}
	}
	// The function's TABLE wins over Globals' and names a resource, so it
	// is configuration. Globals' key is a credential written out.
	wantExposes := []string{
		api + " -> secret:aws:env:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api/SHARED_KEY",
		api + " -> secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api",
	}
	var got []string
	for _, e := range edges(res, graph.EdgeExposes) {
		if strings.HasPrefix(e, api+" ") {
			got = append(got, e)
		}
	}
	if diff := cmp.Diff(wantExposes, got); diff != "" {
		t.Errorf("api EXPOSES (-want +got):\n%s", diff)
	}
	wantWarn := []string{
		"infra/template.yaml:32: Api: policy template RekognitionLabelsPolicy is not expanded, so the permissions it grants are not seen",
		"infra/template.yaml:53: Outside: the code folder lies outside the repository, so no lockfile of the repository is linked to its code",
		"infra/template.yaml:59: Imported: Role could not be resolved",
	}
	if diff := cmp.Diff(wantWarn, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	nodeOf(t, res, "arn:aws:secretsmanager:us-east-1:111122223333:secret:api/token")
	nodeOf(t, res, "arn:aws:dynamodb:us-east-1:111122223333:table/items")
}

func TestBadYAML(t *testing.T) {
	_, err := tryParse("bad.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: [unclosed\n")
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Pos.File != "bad.yaml" || ie.Pos.Line == 0 {
		t.Fatalf("error %v, want one positioned in bad.yaml", err)
	}
	_, err = tryParse("none.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nDescription: x\n")
	if err == nil || !strings.HasPrefix(err.Error(), "none.yaml:1") {
		t.Errorf("a template without Resources: %v", err)
	}
}

// One bad resource warns and the others go in.
func TestBadResourceWarns(t *testing.T) {
	res := parse(t, "t.yaml", `Parameters:
  RoleParam: {Type: String}
Resources:
  NoType:
    Properties: {RoleName: x}
  BadProps:
    Type: AWS::IAM::Role
    Properties: [1, 2]
  NoName:
    Type: AWS::IAM::Policy
    Properties: {Roles: [r]}
  Good:
    Type: AWS::IAM::User
    Properties: {UserName: good}
  Unknown:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      PolicyDocument: {Statement: []}
      Roles: [!Ref RoleParam]
`)
	want := []string{
		"t.yaml:4: resource NoType has no Type; skipped",
		"t.yaml:8: resource BadProps: Properties is not a mapping; skipped",
		"t.yaml:9: NoName: PolicyName is missing or could not be resolved; skipped",
		"t.yaml:20: Unknown: a name of Roles could not be resolved",
		"t.yaml:15: Unknown: the policy names no role, user or group",
	}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if len(res.Nodes) != 1 || res.Nodes[0].ID != "arn:aws:iam:::user/good" {
		t.Errorf("nodes %v, want the user good only", res.Nodes)
	}
}

// JSON indented with tabs, as editors and generators write it, parses.
func TestJSONTabs(t *testing.T) {
	text := "{\n\t\"AWSTemplateFormatVersion\": \"2010-09-09\",\n\t\"Resources\": {\n\t\t\"U\": {\n\t\t\t\"Type\": \"AWS::IAM::User\",\n\t\t\t\"Properties\": {\"UserName\": \"tabbed\"}\n\t\t}\n\t}\n}\n"
	res := parse(t, "t.json", text)
	nodeOf(t, res, "arn:aws:iam:::user/tabbed")
	if res.Nodes[0].Pos.Line != 4 {
		t.Errorf("user at line %d, want 4", res.Nodes[0].Pos.Line)
	}
}

func TestECSTaskDefinition(t *testing.T) {
	res := parse(t, "ecs.yaml", `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
  Region: {Type: String, Default: us-east-1}
Resources:
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: task
      AssumeRolePolicyDocument: {Statement: []}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      TaskRoleArn: !GetAtt TaskRole.Arn
      ExecutionRoleArn: arn:aws:iam::111122223333:role/exec
      ContainerDefinitions:
        - Name: app
          Image: nginx:1.27
          Privileged: true
          Environment:
            - {Name: MODE, Value: production}
            - {Name: API_KEY, Value: canary-ecs4key77-X9x9}
          Secrets:
            - {Name: DB, ValueFrom: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf:password::"}
            - {Name: CONF, ValueFrom: /web/conf}
`)
	const runtime = "runtime:aws:ecs-task:web"
	task := nodeOf(t, res, runtime)
	if task.Attr("privileged") != "true" || task.Attr("execution_role") != "arn:aws:iam::111122223333:role/exec" {
		t.Errorf("task attributes %v", task.Attrs)
	}
	wantExposes := []string{
		runtime + " -> arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
		runtime + " -> arn:aws:ssm:us-east-1:111122223333:parameter/web/conf",
		runtime + " -> secret:aws:env:aws:ecs-task:web/app/API_KEY",
		runtime + " -> secret:aws:role-credentials:aws:ecs-task:web",
	}
	if diff := cmp.Diff(wantExposes, edges(res, graph.EdgeExposes)); diff != "" {
		t.Errorf("EXPOSES (-want +got):\n%s", diff)
	}
	want := []string{"secret:aws:role-credentials:aws:ecs-task:web -> arn:aws:iam::111122223333:role/task"}
	if diff := cmp.Diff(want, edges(res, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{runtime + " -> pkg:docker/nginx@1.27"}, edges(res, graph.EdgeExecutes)); diff != "" {
		t.Errorf("EXECUTES (-want +got):\n%s", diff)
	}
	if got := nodeOf(t, res, "secret:aws:env:aws:ecs-task:web/app/API_KEY").Attr("container"); got != "app" {
		t.Errorf("container attribute %q, want app", got)
	}
}

// A policy that Fn::If adds is read when the condition holds with the
// parameters' defaults, and left out when it does not.
func TestConditionalPolicy(t *testing.T) {
	res := parse(t, "t.yaml", `Parameters:
  Stage: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: r
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - !If
          - IsProd
          - PolicyName: prod
            PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
          - !Ref AWS::NoValue
        - Fn::If:
          - IsDev
          - PolicyName: dev
            PolicyDocument: {Statement: []}
          - Ref: AWS::NoValue
`)
	want := []string{"arn:aws:iam:::role/r -> arn:aws:iam:::role/r#inline/prod"}
	if diff := cmp.Diff(want, edges(res, graph.EdgeHasPolicy)); diff != "" {
		t.Errorf("HAS_POLICY (-want +got):\n%s", diff)
	}
	if len(res.Diags) > 0 {
		t.Errorf("warnings %q", resulttest.Warnings(res))
	}
}

// A SAM function's policy that Fn::If gives is an inline policy of the
// role SAM creates, named by its index in Policies.
func TestConditionalSAMPolicy(t *testing.T) {
	res := parse(t, "t.yaml", `Transform: AWS::Serverless-2016-10-31
Conditions:
  Always: !Equals [a, a]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: fn
      Policies:
        - !If [Always, !Ref AWS::NoValue, AmazonS3FullAccess]
        - !If
          - Always
          - Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]
          - !Ref AWS::NoValue
`)
	const role = "arn:aws:iam:::role/${FnRole}"
	want := []string{
		role + " -> " + role + "#inline/FnRolePolicy1",
		role + " -> arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
	}
	if diff := cmp.Diff(want, edges(res, graph.EdgeHasPolicy)); diff != "" {
		t.Errorf("HAS_POLICY (-want +got):\n%s", diff)
	}
	if got := nodeOf(t, res, role+"#inline/FnRolePolicy1").Attr("document"); got != `{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}` {
		t.Errorf("document %s", got)
	}
}

// Values that refer to themselves, directly or through another resource,
// stop at a placeholder instead of recursing without end.
func TestSelfReference(t *testing.T) {
	res := parse(t, "t.yaml", `Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${B}-a"
      Path: !Sub "/${A.Arn}/"
      AssumeRolePolicyDocument: {Statement: []}
  B:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${A}-b"
      AssumeRolePolicyDocument: {Statement: []}
  P:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Sub "https://${P}"
`)
	if len(res.Nodes) != 3 {
		t.Errorf("%d nodes, want 3", len(res.Nodes))
	}
}

// An alias bomb stops at the evaluation budget with a warning.
func TestAliasBudget(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r\n")
	sb.WriteString("      Tags:\n        - &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		prev := "*a" + string(rune('0'+i-1))
		sb.WriteString("        - &a" + string(rune('0'+i)) + " [" + strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	sb.WriteString("      AssumeRolePolicyDocument:\n        Statement: *a8\n")
	res := parse(t, "t.yaml", sb.String())
	found := false
	for _, w := range resulttest.Warnings(res) {
		found = found || strings.Contains(w, "evaluation steps")
	}
	if !found {
		t.Errorf("no budget warning among %q", resulttest.Warnings(res))
	}
}
