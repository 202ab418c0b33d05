// Package cloudformation reads AWS CloudFormation and AWS SAM templates,
// in YAML or JSON. The IAM identities and policies, Lambda functions and
// layers, secrets and parameters they declare become the node kinds, ids
// and attributes that the Terraform reader gives for the same resources.
// The linker then turns their policies into access edges alike.
//
// # Values
//
// Both forms of the intrinsic functions are read: the short tags (!Ref,
// !Sub, !GetAtt, !Join, !Select, !Split, !If, !FindInMap, !ImportValue,
// !Equals and the other condition functions) and the long mappings (Ref,
// Fn::Sub, Fn::GetAtt...). Ref to a parameter gives its Default, and a
// list parameter's default split at commas. Ref to a resource gives what
// CloudFormation returns for its type: the name its name property sets
// (RoleName, FunctionName, BucketName...), or an ARN or URL built from it
// for managed policies, OIDC providers, secrets, topics and queues.
// Fn::GetAtt gives the Arn of declared roles, users, groups, instance
// profiles, managed policies, OIDC providers, functions, buckets, queues,
// tables and repositories. A value the template does not show is the
// text "${Name}" for a parameter without default, "${LogicalId}" or
// "${LogicalId.Attribute}" for another value of a resource,
// "${ImportValue:Name}" or "${AWS::StackName}". The nodes whose ids or
// attributes contain such text list it in attribute unresolved. A role,
// user or group that a function, policy or key names through such a
// value is left out with a warning, since no input declares it. The
// escape ${!Name} of Fn::Sub gives the text ${Name}, which is no such
// placeholder.
//
// A resource without a name property gets a name that CloudFormation
// generates when it creates the stack (STACK-LogicalId-RANDOM for a role),
// which the template does not show. The reader names such a resource
// "${LogicalId}": the same on every run, so that the references to the
// resource within the template meet.
//
// The account is the default of a parameter named for it (AccountId,
// AWSAccountId) that holds 12 digits, else the one account that the
// template's own ARNs name: IAM ARNs in properties (a function's role, an
// attached policy) and ARNs other than IAM ones in the Resource and
// NotResource of policy statements. Principals and conditions name
// accounts that are trusted or checked, so they never count. When neither
// shows the account it is empty, as in the Terraform reader's ARNs:
// arn:aws:iam:::role/NAME. The region is the default of a parameter named
// Region or AWSRegion, else empty.
//
// Fn::If evaluates its condition with the parameters' defaults, and takes
// the first branch when the condition depends on a value the template
// does not show. Every resource is read, whatever its Condition.
//
// # Resources
//
// AWS::IAM::Role, User and Group give Identity nodes with the trust policy
// of a role, their inline Policies and ManagedPolicyArns.
// AWS::IAM::Policy, RolePolicy, UserPolicy and GroupPolicy give inline
// policies of the identities they name. AWS::IAM::ManagedPolicy gives a
// Policy node attached to its Roles, Users and Groups. AWS::IAM::AccessKey,
// InstanceProfile and OIDCProvider follow the Terraform reader. Policy
// documents are stored as compact JSON in the order the template writes
// them, after their intrinsic functions are evaluated.
//
// AWS::Lambda::Function and AWS::Serverless::Function give a Lambda
// Runtime with the role credentials of its role, its environment
// variables (as the Terraform reader reads them: plain configuration is
// left out, a value written in the template keeps only its fingerprint,
// and a {{resolve:secretsmanager:...}} or {{resolve:ssm-secure:...}}
// dynamic reference makes the function EXPOSE that secret), its container
// image and the queues, streams and topics whose events invoke it. A SAM
// function's Globals.Function properties apply where the function sets
// none. Environment variables merge, the function's winning, and Globals'
// Layers come before the function's, as SAM merges them. A function
// whose code is a folder of the repository (a SAM CodeUri or layer
// ContentUri, or a Code or Content path that aws cloudformation package
// uploads) lists it in graph.AttrCodeFrom, relative to the repository's
// root, so that the linker makes it execute the packages locked there.
//
// A SAM function without a Role gets the role SAM creates for it,
// <LogicalId>Role, trusted by Lambda, with AWSLambdaBasicExecutionRole
// and the function's Policies: inline statements, managed policies by
// name or ARN, and the policy templates that policyTemplates lists,
// expanded to the statements SAM documents. Other policy templates are
// left out with a warning.
//
// AWS::ECS::TaskDefinition gives an ECS task runtime with its task role's
// credentials, images, environment and injected secrets.
// AWS::SecretsManager::Secret and AWS::SSM::Parameter give Secret nodes
// as the Terraform reader does. Buckets, tables, queues, topics and ECR
// repositories give Resource nodes.
//
// AWS::CloudFormation::Stack and AWS::Serverless::Application whose
// template is a file of the repository give a Resource node that names
// that file (AttrNestedTemplate), so that a deploy of this template
// reaches the child's functions too.
//
// Limits: the resources of nested stacks are read from their own files,
// with their own defaults, not the Parameters the parent passes. Macros
// other than the SAM transform and Fn::Transform are not expanded. A parameter's value given at deploy
// time is not seen, so its Default decides.
package cloudformation

import (
	"bytes"
	"context"
	"path"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// Parser reads CloudFormation and SAM templates.
type Parser struct{}

// New returns the CloudFormation parser.
func New() *Parser { return &Parser{} }

// Format implements ingest.Parser.
func (*Parser) Format() string { return "cloudformation" }

// The heads of YAML templates have these keys at the top level, at the
// start of a line. JSON has no lines to go by, so a JSON head only needs
// the keys somewhere.
var (
	yamlVersion   = regexp.MustCompile(`(?m)^["']?AWSTemplateFormatVersion["']?\s*:`)
	yamlTransform = regexp.MustCompile(`(?m)^["']?Transform["']?\s*:\s*(\[\s*)?["']?AWS::Serverless-`)
	// yamlTransforms is a block list of transforms, the SAM one among them.
	yamlTransforms = regexp.MustCompile(`(?m)^Transform:\s*(#.*)?\n(\s*-\s*["']?[A-Za-z:-]+["']?\s*\n)*\s*-\s*["']?AWS::Serverless-`)
	yamlResources  = regexp.MustCompile(`(?m)^Resources:[ \t]*(#.*)?$`)
	yamlType       = regexp.MustCompile(`(?m)^\s+Type:\s*["']?AWS::[A-Za-z0-9]+::[A-Za-z0-9]+`)
	jsonVersion    = regexp.MustCompile(`"AWSTemplateFormatVersion"\s*:`)
	jsonTransform  = regexp.MustCompile(`"Transform"\s*:\s*(\[\s*)?"AWS::Serverless-`)
	jsonResources  = regexp.MustCompile(`"Resources"\s*:\s*\{`)
	jsonType       = regexp.MustCompile(`"Type"\s*:\s*"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+"`)
	// frameworkKey marks a Serverless Framework file, whose resources
	// section holds CloudFormation resources under other keys.
	frameworkKey = regexp.MustCompile(`(?m)^(service|provider|functions|plugins):`)
)

// Detect implements ingest.Parser. It accepts a .yaml, .yml, .json or
// .template file whose head has AWSTemplateFormatVersion, the SAM
// transform, or a top-level Resources mapping of AWS:: types, and leaves
// out Serverless Framework files, whose top level has service and
// provider. It also accepts the SAM CLI configuration files that
// isSAMConfig recognises.
func (*Parser) Detect(f *ingest.File) bool {
	name := baseName(f)
	if isSAMConfig(name, f.Head) {
		return true
	}
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json", ".template":
	default:
		return false
	}
	if strings.HasPrefix(name, "serverless.") {
		return false
	}
	head := bytes.TrimPrefix(f.Head, []byte{0xEF, 0xBB, 0xBF})
	if bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("{")) {
		return jsonVersion.Match(head) || jsonTransform.Match(head) ||
			jsonResources.Match(head) && jsonType.Match(head)
	}
	if frameworkKey.Match(head) {
		return false
	}
	return yamlVersion.Match(head) || yamlTransform.Match(head) || yamlTransforms.Match(head) ||
		yamlResources.Match(head) && yamlType.Match(head)
}

// baseName returns the lower-case name of a file, without its folders.
func baseName(f *ingest.File) string {
	if f.RelPath == "" {
		return strings.ToLower(path.Base(f.Path))
	}
	return strings.ToLower(path.Base(strings.ReplaceAll(f.RelPath, `\`, "/")))
}

// maxSize is the size of the largest template read. CloudFormation takes
// templates of up to 1 MB, and 16 MiB leaves room for generated ones.
const maxSize = 16 << 20

// Parse implements ingest.Parser.
func (*Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	if isSAMConfig(baseName(f), f.Head) {
		return parseSAMConfig(f, res)
	}
	data, err := yamlfile.ReadAll(f, maxSize)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	root, err := yamlfile.Decode(f.Path, data)
	if err != nil {
		return err
	}
	t, err := load(f.Path, root, res)
	if err != nil {
		return err
	}
	e := &emitter{t: t, f: f, env: env, res: res}
	for _, r := range t.order {
		if err := ctx.Err(); err != nil {
			return err
		}
		res.Records++
		e.resource(r)
	}
	return nil
}

// emitter turns the resources of one template into facts.
type emitter struct {
	t   *template
	f   *ingest.File
	env *ingest.Env
	res *ingest.Result
	// cur is the resource being emitted.
	cur *resource
}

func (e *emitter) resource(r *resource) {
	e.cur = r
	defer func() { e.cur = nil }()
	switch r.typ {
	case iamRole, iamUser, iamGroup:
		e.identity(r)
	case iamPolicy:
		e.policyResource(r)
	case "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
		e.ownedPolicy(r)
	case iamManaged:
		e.managedPolicy(r)
	case iamAccessKey:
		e.accessKey(r)
	case iamProfile:
		e.instanceProfile(r)
	case iamOIDC:
		e.oidcProvider(r)
	case lambdaFunction, samFunction:
		e.function(r)
	case "AWS::ECS::TaskDefinition":
		e.ecsTask(r)
	case smSecret:
		e.secret(r)
	case ssmParameter:
		e.parameter(r)
	case "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable", "AWS::SQS::Queue",
		"AWS::SNS::Topic", "AWS::ECR::Repository":
		e.dataStore(r)
	case cfnStack, samApplication:
		e.nestedStack(r)
	}
}

// node adds a node without its empty attributes. Attribute unresolved
// lists the placeholders left in the id or any attribute. Texts leave
// with literalOpen written as "${".
func (e *emitter) node(kind graph.NodeKind, id, label string, line int, attrs map[string]string) {
	clean := ingest.NodeAttrs(placeholderRef, id, attrs)
	for k, v := range clean {
		clean[k] = literalText(v)
	}
	e.res.AddNode(graph.Node{ID: literalText(id), Kind: kind, Label: literalText(label), Attrs: clean, Pos: graph.Pos{Line: line}})
}

// edge adds an edge.
func (e *emitter) edge(from string, kind graph.EdgeKind, to string, line int, attrs map[string]string) {
	ed := graph.Edge{From: literalText(from), To: literalText(to), Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{Line: line}}
	for k, v := range attrs {
		if v != "" {
			ed.SetAttr(k, literalText(v))
		}
	}
	e.res.AddEdge(ed)
}

// base returns the attributes every node of the resource being emitted
// carries.
func (e *emitter) base(typ, name string) map[string]string {
	return map[string]string{
		graph.AttrProvider: "aws",
		"type":             typ,
		graph.AttrName:     name,
		graph.AttrAccount:  e.t.account,
		"cfn_logical_id":   e.cur.id,
	}
}

// Attributes of a runtime that a template declares: the template's path in
// its repository and that repository's id, by which the linker finds the
// runtimes that a sam deploy or aws cloudformation deploy of the template
// changes.
const (
	AttrTemplate     = "cfn_template"
	AttrTemplateRepo = "cfn_template_repo"
)

// stackAttrs adds AttrTemplate and AttrTemplateRepo when the template lies
// in a repository.
func (e *emitter) stackAttrs(attrs map[string]string) {
	if e.f.Repo != "" && e.f.RelPath != "" {
		attrs[AttrTemplate] = strings.ReplaceAll(e.f.RelPath, `\`, "/")
		attrs[AttrTemplateRepo] = e.f.RepoID()
	}
}

// str evaluates a string property of the resource being emitted. ok is
// false when the property is missing, empty or not a string.
func (e *emitter) str(key string) (string, bool) {
	n := e.t.prop(e.cur, key)
	if n == nil {
		return "", false
	}
	s, ok := e.t.evalString(n, nil)
	return s, ok && s != ""
}

// line returns the line of a property of the resource being emitted, or
// the resource's own line.
func (e *emitter) line(key string) int {
	if n := e.t.prop(e.cur, key); n != nil && n.Line > 0 {
		return n.Line
	}
	return e.cur.line
}

// stringList evaluates a list-of-strings property, warning when part of it
// is not a string.
func (e *emitter) stringList(key string) []string {
	n := e.t.prop(e.cur, key)
	if n == nil {
		return nil
	}
	list, ok := asStrings(e.t.eval(n, nil))
	if !ok {
		e.t.warnf(n.Line, "%s: %s could not be resolved in full", e.cur.id, key)
	}
	return list
}
