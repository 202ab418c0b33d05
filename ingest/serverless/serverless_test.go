package serverless

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// shared is where inputs written by others live, relative to this package.
const shared = "../../../shared"

// parseText parses text as the file rel of repository example-org/api.
// The fingerprint of a value is "fp:" and its first two characters.
func parseText(t *testing.T, rel, text string) (*ingest.Result, error) {
	t.Helper()
	data := []byte(text)
	f := &ingest.File{Path: rel, RelPath: rel, Repo: "example-org/api", Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	p := New()
	if !p.Detect(f) {
		t.Fatalf("%s is not detected", rel)
	}
	var res ingest.Result
	err := p.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(v string) string { return "fp:" + v[:2] }}, &res)
	return &res, err
}

func nodeByID(res *ingest.Result, id string) *graph.Node {
	for i := range res.Nodes {
		if res.Nodes[i].ID == id {
			return &res.Nodes[i]
		}
	}
	return nil
}

// edgeList lists the edges as "from KIND to", sorted.
func edgeList(res *ingest.Result) []string {
	var out []string
	for _, e := range res.Edges {
		out = append(out, e.From+" "+string(e.Kind)+" "+e.To)
	}
	slices.Sort(out)
	return out
}

// TestDatadogCorpus reads the service of serverless-plugin-datadog's
// end-to-end tests. Its name comes from the deploy's environment, so it
// stays a placeholder; the stage is e2e, and the region is the default of
// ${env:AWS_REGION, "ap-northeast-3"}. No ARN names an account. The
// function runs as the role the framework makes. The plugin copies
// custom.datadog.apiKey, read from the deploy's environment, into the
// function's DD_API_KEY, which the function exposes without a
// fingerprint, since the file does not hold the value.
func TestDatadogCorpus(t *testing.T) {
	file := filepath.Join(shared, "corpus", "DataDog__serverless-plugin-datadog", "e2e", "fixtures", "lambda-node", "serverless.yml")
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("shared corpus not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseText(t, "e2e/fixtures/lambda-node/serverless.yml", string(data))
	if err != nil {
		t.Fatal(err)
	}
	const (
		fn     = "runtime:aws:lambda:arn:aws:lambda:ap-northeast-3::function:${env:E2E_SERVICE_NAME}-e2e-hello"
		creds  = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:ap-northeast-3::function:${env:E2E_SERVICE_NAME}-e2e-hello"
		role   = "arn:aws:iam:::role/${env:E2E_SERVICE_NAME}-e2e-ap-northeast-3-lambdaRole"
		policy = role + "#inline/e2e-${env:E2E_SERVICE_NAME}-lambda"
		ddKey  = "secret:aws:env:aws:lambda:arn:aws:lambda:ap-northeast-3::function:${env:E2E_SERVICE_NAME}-e2e-hello/DD_API_KEY"
	)
	want := []string{
		creds + " AUTHENTICATES_AS " + role,
		role + " HAS_POLICY " + policy,
		fn + " EXPOSES " + creds,
		fn + " EXPOSES " + ddKey,
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, edgeList(res)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	n := nodeByID(res, fn)
	if n == nil {
		t.Fatalf("no node %s", fn)
	}
	wantAttrs := map[string]string{
		"provider": "aws", "type": "lambda", "name": "${env:E2E_SERVICE_NAME}-e2e-hello",
		"arn":                 "arn:aws:lambda:ap-northeast-3::function:${env:E2E_SERVICE_NAME}-e2e-hello",
		"serverless_function": "hello", "serverless_name_template": "${env:E2E_SERVICE_NAME}-{stage}-hello", "serverless_service": "${env:E2E_SERVICE_NAME}",
		// provider.stage is e2e.
		AttrStage:  "e2e",
		AttrConfig: "e2e/fixtures/lambda-node/serverless.yml", AttrPlugins: "serverless-plugin-datadog",
		graph.AttrRepository: "example-org/api",
		graph.AttrCodeFrom:   "by=e2e%2Ffixtures%2Flambda-node%2Fserverless.yml+functions.hello&dir=e2e%2Ffixtures%2Flambda-node&repo=repo%3Agithub.com%2Fexample-org%2Fapi&tool=The+Serverless+Framework",
		"unresolved":         "env:E2E_SERVICE_NAME",
	}
	if diff := cmp.Diff(wantAttrs, n.Attrs); diff != "" {
		t.Errorf("function attributes (-want +got):\n%s", diff)
	}
	if n.Pos.Line != 49 {
		t.Errorf("function at line %d, want 49", n.Pos.Line)
	}

	key := nodeByID(res, ddKey)
	if key == nil || key.Kind != graph.NodeSecret || key.Attrs[graph.AttrFingerprint] != "" || key.Attrs["type"] != "env-var" {
		t.Errorf("DD_API_KEY node %+v, want an env-var Secret without a fingerprint", key)
	}
	if r := nodeByID(res, role); r == nil || r.Kind != graph.NodeIdentity || r.Attrs["type"] != "role" || !strings.Contains(r.Attrs["trust_policy"], "lambda.amazonaws.com") {
		t.Errorf("role node %+v, want a role Lambda may assume", r)
	}
	if len(res.Diags) != 0 {
		t.Errorf("warnings %q, want none", resulttest.Warnings(res))
	}
}

// ordersService sets its stage by a default (prod) and its region, and
// names account 444455556666 in a statement and a role. create runs as the
// role the framework makes, legacy as its own role, and img runs an image.
// broken is no mapping.
const ordersService = `service: orders
provider:
  name: aws
  stage: ${opt:stage, 'prod'}
  region: eu-west-1
  environment:
    LOG_LEVEL: info
    TABLE: ${self:custom.table}
  iamRoleStatements:
    - Effect: Allow
      Action: [dynamodb:GetItem]
      Resource: arn:aws:dynamodb:eu-west-1:444455556666:table/orders
    - Effect: Allow
      Action: s3:PutObject
      Resource:
        Fn::Join: ["", [Fn::GetAtt: [Uploads, Arn], "/*"]]
  iamManagedPolicies:
    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
custom:
  table: orders-${sls:stage}
functions:
  create:
    handler: h.create
    environment:
      API_TOKEN: tok-canary-orders-X9x9
      DB_PASSWORD: ${ssm:/orders/db-password}
      LOG_LEVEL: debug
      AWS_REGION: eu-west-1
    events:
      - sqs: arn:aws:sqs:eu-west-1:444455556666:orders-in
      - http: {path: /orders, method: post}
  legacy:
    handler: h.legacy
    name: legacy-fn
    role: arn:aws:iam::444455556666:role/legacy
  img:
    image: 444455556666.dkr.ecr.eu-west-1.amazonaws.com/orders:1.4.0
  broken: just-a-string
resources:
  Resources:
    Uploads:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: orders-uploads-${sls:stage}
`

func TestFunctionsRolesAndEnvironment(t *testing.T) {
	res, err := parseText(t, "services/orders/serverless.yml", ordersService)
	if err != nil {
		t.Fatal(err)
	}
	const (
		lambda  = "runtime:aws:lambda:arn:aws:lambda:eu-west-1:444455556666:function:"
		create  = lambda + "orders-prod-create"
		legacy  = lambda + "legacy-fn"
		img     = lambda + "orders-prod-img"
		role    = "arn:aws:iam::444455556666:role/orders-prod-eu-west-1-lambdaRole"
		policy  = role + "#inline/prod-orders-lambda"
		s3Read  = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
		param   = "arn:aws:ssm:eu-west-1:444455556666:parameter/orders/db-password"
		token   = "secret:aws:env:aws:lambda:arn:aws:lambda:eu-west-1:444455556666:function:orders-prod-create/API_TOKEN"
		dbPass  = "secret:aws:env:aws:lambda:arn:aws:lambda:eu-west-1:444455556666:function:orders-prod-create/DB_PASSWORD"
		image   = "pkg:docker/orders@1.4.0?repository_url=444455556666.dkr.ecr.eu-west-1.amazonaws.com"
		imgName = "pkg:docker/orders?repository_url=444455556666.dkr.ecr.eu-west-1.amazonaws.com"
		bucket  = "arn:aws:s3:::orders-uploads-prod"
	)
	credsOf := func(fn string) string { return graph.AWSInstanceCredentialsID(fn) }
	want := []string{
		create + " EXPOSES " + credsOf(create),
		credsOf(create) + " AUTHENTICATES_AS " + role,
		create + " EXPOSES " + token,
		create + " EXPOSES " + dbPass,
		dbPass + " HOLDS " + param,
		role + " HAS_POLICY " + policy,
		role + " HAS_POLICY " + s3Read,
		legacy + " EXPOSES " + credsOf(legacy),
		credsOf(legacy) + " AUTHENTICATES_AS arn:aws:iam::444455556666:role/legacy",
		img + " EXPOSES " + credsOf(img),
		credsOf(img) + " AUTHENTICATES_AS " + role,
		img + " EXECUTES " + image,
		image + " VERSION_OF " + imgName,
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, edgeList(res)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	tok := nodeByID(res, token)
	if tok == nil || tok.Attrs[graph.AttrFingerprint] != "fp:to" || tok.Attrs[graph.AttrStoredInline] != "true" {
		t.Errorf("API_TOKEN node %+v, want the fingerprint of a value stored inline", tok)
	}
	if n := nodeByID(res, dbPass); n == nil || n.Attrs[graph.AttrFingerprint] != "" {
		t.Errorf("DB_PASSWORD node %+v, want one without a fingerprint", n)
	}
	if n := nodeByID(res, param); n == nil || n.Kind != graph.NodeSecret || n.Attrs["type"] != "ssm-parameter" || n.Attrs["name"] != "/orders/db-password" {
		t.Errorf("parameter node %+v, want an ssm-parameter Secret named /orders/db-password", n)
	}
	if n := nodeByID(res, bucket); n == nil || n.Kind != graph.NodeResource || n.Attrs["type"] != "aws_s3_bucket" {
		t.Errorf("bucket node %+v, want an aws_s3_bucket Resource", n)
	}
	p := nodeByID(res, policy)
	if p == nil {
		t.Fatalf("no policy %s", policy)
	}
	for _, part := range []string{
		`{"Action":["dynamodb:GetItem"],"Effect":"Allow","Resource":"arn:aws:dynamodb:eu-west-1:444455556666:table/orders"}`,
		`{"Action":"s3:PutObject","Effect":"Allow","Resource":"arn:aws:s3:::orders-uploads-prod/*"}`,
		`"Resource":["arn:aws:logs:eu-west-1:444455556666:log-group:/aws/lambda/orders-prod*:*"]`,
	} {
		if !strings.Contains(p.Attrs["document"], part) {
			t.Errorf("policy document %s does not contain %s", p.Attrs["document"], part)
		}
	}
	c := nodeByID(res, create)
	if c == nil {
		t.Fatalf("no function %s", create)
	}
	if got := c.Attrs[graph.AttrTriggeredBy]; got != "arn:aws:sqs:eu-west-1:444455556666:orders-in" {
		t.Errorf("create triggered_by %q, want the queue orders-in", got)
	}
	if got := c.Attrs["events"]; got != "http,sqs" {
		t.Errorf("create events %q, want http,sqs", got)
	}
	if i := nodeByID(res, img); i == nil || i.Attrs[graph.AttrCodeFrom] != "" || i.Attrs["image"] == "" {
		t.Errorf("img node %+v, want the image and no code folder", i)
	}
	wantWarn := []string{
		"services/orders/serverless.yml:28:7: Lambda reserves the environment variable AWS_REGION and rejects a function that sets it, so it is not read",
		"services/orders/serverless.yml:38:11: functions.broken is not a mapping of settings, so the function is not read",
	}
	if diff := cmp.Diff(wantWarn, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	resulttest.NoValues(t, res, "tok-canary-orders-X9x9")
}

func TestVariables(t *testing.T) {
	root := &resolverDoc{}
	rv := root.resolver(t, `custom:
  a: x-${self:custom.b}
  b: ${env:B, 'bee'}
  loop: ${self:custom.loop}
  nested: ${env:N, ${self:custom.a}}
`)
	tests := []struct {
		in, want string
		literal  bool
		params   []ssmParam
	}{
		{"${sls:stage}-${opt:region}", "qa-eu-north-1", true, nil},
		{"${self:custom.a}", "x-bee", false, nil},
		{"${env:MISSING}", "${env:MISSING}", false, nil},
		{"${aws:accountId}:${aws:username}", "${aws:accountId}:${aws:username}", false, nil},
		{"${ssm:/app/key}", "${ssm:/app/key}", false, []ssmParam{{name: "/app/key"}}},
		// Options in parentheses: raw and noDecrypt change how the value
		// is read, and a region names where the parameter is.
		{"${ssm(raw):/app/raw}", "${ssm(raw):/app/raw}", false, []ssmParam{{name: "/app/raw"}}},
		{"${ssm(us-west-2):/app/west}", "${ssm(us-west-2):/app/west}", false, []ssmParam{{name: "/app/west", region: "us-west-2"}}},
		{"${ssm(ap-southeast-1, noDecrypt):/app/both, 'dflt'}", "${ssm(ap-southeast-1, noDecrypt):/app/both, 'dflt'}", false, []ssmParam{{name: "/app/both", region: "ap-southeast-1"}}},
		{"${cf(us-east-1):stack.Out}", "${cf(us-east-1):stack.Out}", false, nil},
		{"${self:custom.nested}", "x-bee", false, nil},
		{"${self:custom.missing, \"d\"}", "d", true, nil},
		{"plain", "plain", true, nil},
	}
	for _, tt := range tests {
		r := rv.text(tt.in)
		if r.text != tt.want || r.literal() != tt.literal || !slices.Equal(r.params, tt.params) {
			t.Errorf("%s: %q literal %v params %q, want %q %v %q", tt.in, r.text, r.literal(), r.params, tt.want, tt.literal, tt.params)
		}
	}
	// A loop of self references ends.
	if r := rv.text("${self:custom.loop}"); !strings.Contains(r.text, "${self:custom.loop}") {
		t.Errorf("loop gives %q", r.text)
	}
}

func TestRejectsAndSkips(t *testing.T) {
	_, err := parseText(t, "api/serverless.yml", "service: a\nprovider:\n  name: aws\n  region: [\n")
	if err == nil || !strings.HasPrefix(err.Error(), "api/serverless.yml:4:") {
		t.Errorf("bad YAML: %v, want a positioned error", err)
	}

	res, err := parseText(t, "api/serverless.ts", "export default {}")
	if err != nil || len(res.Nodes) != 0 || len(res.Diags) != 1 {
		t.Errorf("serverless.ts: %v %v %v, want one warning", err, res.Nodes, res.Diags)
	}
	res, err = parseText(t, "api/serverless.yml", "service: a\nprovider:\n  name: google\nfunctions:\n  f: {handler: x}\n")
	if err != nil || len(res.Nodes) != 0 {
		t.Errorf("google provider: %v %v, want nothing read", err, res.Nodes)
	}
}

// resolverDoc builds a resolver of a document with stage qa and region
// eu-north-1.
type resolverDoc struct{}

func (resolverDoc) resolver(t *testing.T, doc string) *resolver {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	return &resolver{root: n.Content[0], stage: "qa", region: "eu-north-1"}
}

// TestJSONServiceFile reads serverless.json, whose JSON the YAML decoder
// takes, with the function at its line.
func TestJSONServiceFile(t *testing.T) {
	text := `{
  "service": "jobs",
  "provider": {"name": "aws", "region": "us-west-2"},
  "functions": {
    "run": {"handler": "h.run"}
  }
}`
	res, err := parseText(t, "jobs/serverless.json", text)
	if err != nil {
		t.Fatal(err)
	}
	const fn = "runtime:aws:lambda:arn:aws:lambda:us-west-2::function:jobs-dev-run"
	n := nodeByID(res, fn)
	if n == nil {
		t.Fatalf("no node %s", fn)
	}
	if n.Pos.Line != 5 {
		t.Errorf("function at line %d, want 5", n.Pos.Line)
	}
}

// TestResourcesRole gives two functions the role that resources
// declares, by its logical id and by Fn::GetAtt. The role's ARN takes the
// account that the statement's table names, and its inline policy and
// managed policy come from its properties. A role without a RoleName gets
// a name that CloudFormation makes up, so the function that uses it has
// no known role.
func TestResourcesRole(t *testing.T) {
	text := `service: reports
provider:
  name: aws
functions:
  a:
    handler: h.a
    role: ReportsRole
  b:
    handler: h.b
    role:
      Fn::GetAtt: [ReportsRole, Arn]
  c:
    handler: h.c
    role: Unnamed
resources:
  Resources:
    ReportsRole:
      Type: AWS::IAM::Role
      Properties:
        RoleName: reports-${sls:stage}
        AssumeRolePolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: lambda.amazonaws.com}
              Action: sts:AssumeRole
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        Policies:
          - PolicyName: read
            PolicyDocument:
              Version: "2012-10-17"
              Statement:
                - Effect: Allow
                  Action: dynamodb:Query
                  Resource: arn:aws:dynamodb:us-east-1:777788889999:table/reports
    Unnamed:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument: {}
`
	res, err := parseText(t, "reports/serverless.yml", text)
	if err != nil {
		t.Fatal(err)
	}
	const (
		lambda = "runtime:aws:lambda:arn:aws:lambda:us-east-1:777788889999:function:reports-dev-"
		role   = "arn:aws:iam::777788889999:role/reports-dev"
		basic  = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	)
	credsOf := func(fn string) string { return graph.AWSInstanceCredentialsID(fn) }
	want := []string{
		lambda + "a EXPOSES " + credsOf(lambda+"a"),
		credsOf(lambda+"a") + " AUTHENTICATES_AS " + role,
		lambda + "b EXPOSES " + credsOf(lambda+"b"),
		credsOf(lambda+"b") + " AUTHENTICATES_AS " + role,
		lambda + "c EXPOSES " + credsOf(lambda+"c"),
		role + " HAS_POLICY " + role + "#inline/read",
		role + " HAS_POLICY " + basic,
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, edgeList(res)); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}

	r := nodeByID(res, role)
	if r == nil {
		t.Fatalf("no role %s", role)
	}
	if got := r.Attrs["trust_policy"]; !strings.Contains(got, `"Principal":{"Service":"lambda.amazonaws.com"}`) {
		t.Errorf("trust policy %s, want Lambda as the principal", got)
	}
	p := nodeByID(res, role+"#inline/read")
	if p == nil || !strings.Contains(p.Attrs["document"], `"Resource":"arn:aws:dynamodb:us-east-1:777788889999:table/reports"`) {
		t.Errorf("inline policy %+v, want the table statement", p)
	}
	wantWarn := []string{"reports/serverless.yml:14:11: the role is a CloudFormation resource without a RoleName or a reference that is not read, so the function's role is unknown"}
	if diff := cmp.Diff(wantWarn, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestFunctionFromOtherFile warns of a function that ${file(...)} gives
// and reads the others.
func TestFunctionFromOtherFile(t *testing.T) {
	text := "service: a\nprovider:\n  name: aws\nfunctions:\n  more: ${file(./more.yml)}\n  f:\n    handler: h.f\n"
	res, err := parseText(t, "a/serverless.yml", text)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a/serverless.yml:5:9: functions.more comes from a variable source that is not read, such as another file, so the function is not read"}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if nodeByID(res, "runtime:aws:lambda:arn:aws:lambda:us-east-1::function:a-dev-f") == nil {
		t.Error("function f is not read")
	}
}

// TestExpansionBounded reads files whose aliases of aliases, and whose
// self references repeated in one another, would expand to billions of
// values. The reader stops at its bounds, warns of the aliases, and reads
// the function.
func TestExpansionBounded(t *testing.T) {
	aliases := `service: a
x:
  a: &a [v,v,v,v,v,v,v,v,v]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
provider:
  name: aws
  iamRoleStatements:
    - Effect: Allow
      Action: *h
      Resource: "*"
functions: {f: {handler: h}}
`
	res, err := parseText(t, "s/serverless.yml", aliases)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"s/serverless.yml:14:7: the file's aliases expand to more than 50000 values, so the values past them are left out"}
	if diff := cmp.Diff(want, resulttest.Warnings(res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	selfRefs := "service: a\nprovider: {name: aws}\ncustom:\n"
	for i := range 16 {
		selfRefs += "  v" + string(rune('a'+i)) + ": " + strings.Repeat("${self:custom.v"+string(rune('a'+i+1))+"}", 64) + "\n"
	}
	selfRefs += "functions: {f: {handler: h}}\n"
	res, err = parseText(t, "s/serverless.yml", selfRefs)
	if err != nil {
		t.Fatal(err)
	}
	if nodeByID(res, "runtime:aws:lambda:arn:aws:lambda:us-east-1::function:a-dev-f") == nil {
		t.Error("function f is not read")
	}
}

// TestSSMOptions reads parameters that ${ssm(...):...} names with options:
// each variable HOLDS its parameter, in the region the options name or
// else the service's.
func TestSSMOptions(t *testing.T) {
	text := `service: pay
provider:
  name: aws
  region: eu-west-1
  iam:
    role: arn:aws:iam::444455556666:role/pay
functions:
  charge:
    handler: h.charge
    environment:
      RAW_SECRET: ${ssm(raw):/aws/reference/secretsmanager/pay/stripe}
      WEST_TOKEN: ${ssm(us-west-2):/pay/west-token}
`
	res, err := parseText(t, "pay/serverless.yml", text)
	if err != nil {
		t.Fatal(err)
	}
	const env = "secret:aws:env:aws:lambda:arn:aws:lambda:eu-west-1:444455556666:function:pay-dev-charge/"
	for _, want := range []string{
		env + "RAW_SECRET HOLDS arn:aws:secretsmanager:eu-west-1:444455556666:secret:pay/stripe",
		env + "WEST_TOKEN HOLDS arn:aws:ssm:us-west-2:444455556666:parameter/pay/west-token",
	} {
		if !slices.Contains(edgeList(res), want) {
			t.Errorf("no edge %s in %q", want, edgeList(res))
		}
	}
}

// Each function records its name with {stage} where the stage goes: the
// framework's default name, a name that reads ${sls:stage} or
// ${opt:stage}, none for a fixed name, and no template for a name that
// reads the stage only through another variable.
func TestNameTemplate(t *testing.T) {
	res, err := parseText(t, "serverless.yml", `service: api
provider:
  name: aws
  stage: qa
custom:
  names:
    qa: named-qa
functions:
  plain:
    handler: a.handler
  staged:
    handler: a.handler
    name: staged-${sls:stage}-x
  opt:
    handler: a.handler
    name: ${opt:stage, 'dev'}-opt
  fixed:
    handler: a.handler
    name: fixed-one
  mapped:
    handler: a.handler
    name: ${self:custom.names.${sls:stage}}
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"api-qa-plain": "api-{stage}-plain",
		"staged-qa-x":  "staged-{stage}-x",
		"qa-opt":       "{stage}-opt",
		"fixed-one":    "fixed-one",
		"named-qa":     "",
	}
	for name, template := range want {
		n := nodeByID(res, "runtime:aws:lambda:arn:aws:lambda:us-east-1:${aws:accountId}:function:"+name)
		if n == nil {
			for _, m := range res.Nodes {
				if m.Attr(graph.AttrName) == name {
					n = &m
				}
			}
		}
		if n == nil {
			t.Errorf("no function %s", name)
			continue
		}
		if got := n.Attr(AttrNameTemplate); got != template {
			t.Errorf("%s: template %q, want %q", name, got, template)
		}
	}
}
