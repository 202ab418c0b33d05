package cloudformation

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// template is one parsed template: its parameters, conditions, mappings
// and resources, and the account and region its ARNs are built with.
type template struct {
	file     string
	params   map[string]*param
	res      map[string]*resource
	order    []*resource
	conds    map[string]*yaml.Node
	condMemo map[string]int
	mappings *yaml.Node
	// globals is the Function section of SAM's Globals, or nil.
	globals *yaml.Node
	account string
	region  string
	// visiting holds the properties (LogicalId.Property) being evaluated,
	// to stop at a value that refers to itself.
	visiting map[string]bool
	// names holds the names worked out so far, by logical id.
	names map[string]string
	// steps counts the nodes evaluated, up to maxSteps. overBudget is set
	// once the count passes it.
	steps      int
	overBudget bool
	out        *ingest.Result
}

type param struct {
	typ    string
	def    *yaml.Node
	noEcho bool
}

// resource is one entry of Resources. implicit marks the execution role
// SAM creates for a function that names none.
type resource struct {
	id       string
	typ      string
	line     int
	props    *yaml.Node
	implicit bool
	// fn is the function an implicit role belongs to.
	fn *resource
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapGet returns the value of key in mapping n, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// mapEach calls fn for each key and value of mapping n.
func mapEach(n *yaml.Node, fn func(k, v *yaml.Node)) {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], deref(n.Content[i+1]))
	}
}

func (t *template) warnf(line int, format string, args ...any) {
	t.out.Warnf(ingest.Position{File: t.file, Line: line}, "%s", literalText(fmt.Sprintf(format, args...)))
}

// load reads the sections of a template's top-level mapping.
func load(file string, root *yaml.Node, out *ingest.Result) (*template, error) {
	t := &template{
		file: file, params: map[string]*param{}, res: map[string]*resource{},
		conds: map[string]*yaml.Node{}, condMemo: map[string]int{}, visiting: map[string]bool{}, names: map[string]string{}, out: out,
	}
	resources := mapGet(root, "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		line := root.Line
		if resources != nil {
			line = resources.Line
		}
		return nil, ingest.Errorf(ingest.Position{File: file, Line: line}, "a template needs a Resources mapping")
	}
	mapEach(mapGet(root, "Parameters"), func(k, v *yaml.Node) {
		p := &param{def: mapGet(v, "Default")}
		if n := mapGet(v, "Type"); n != nil {
			p.typ = n.Value
		}
		if n := mapGet(v, "NoEcho"); n != nil {
			p.noEcho = strings.EqualFold(n.Value, "true")
		}
		t.params[k.Value] = p
	})
	mapEach(mapGet(root, "Conditions"), func(k, v *yaml.Node) { t.conds[k.Value] = v })
	t.mappings = mapGet(root, "Mappings")
	t.globals = mapGet(mapGet(root, "Globals"), "Function")
	mapEach(resources, func(k, v *yaml.Node) {
		if v.Kind != yaml.MappingNode {
			t.warnf(k.Line, "resource %s is not a mapping; skipped", k.Value)
			return
		}
		typ := mapGet(v, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode || typ.Value == "" {
			t.warnf(k.Line, "resource %s has no Type; skipped", k.Value)
			return
		}
		props := mapGet(v, "Properties")
		if props != nil && props.Kind != yaml.MappingNode {
			t.warnf(props.Line, "resource %s: Properties is not a mapping; skipped", k.Value)
			return
		}
		r := &resource{id: k.Value, typ: typ.Value, line: k.Line, props: props}
		t.res[r.id] = r
		t.order = append(t.order, r)
	})
	// SAM creates the role of a function that names none, as
	// <LogicalId>Role, which the template may refer to.
	for _, r := range t.order {
		if r.typ != samFunction || t.prop(r, "Role") != nil {
			continue
		}
		id := r.id + "Role"
		if _, dup := t.res[id]; !dup {
			t.res[id] = &resource{id: id, typ: iamRole, line: r.line, implicit: true, fn: r}
		}
	}
	t.region = t.paramAccount([]string{"Region", "AWSRegion", "AwsRegion"}, regionName)
	t.account = t.paramAccount([]string{"AccountId", "AWSAccountId", "AwsAccountId", "AccountID"}, accountID)
	if t.account == "" {
		t.account = t.arnAccount(resources)
	}
	return t, nil
}

// prop returns a property of a resource, taking a SAM function's from
// Globals when the function does not set it.
func (t *template) prop(r *resource, key string) *yaml.Node {
	if n := mapGet(r.props, key); n != nil {
		return n
	}
	if r.typ == samFunction {
		return mapGet(t.globals, key)
	}
	return nil
}

var (
	accountID  = regexp.MustCompile(`^[0-9]{12}$`)
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// paramAccount returns the default of the first parameter of names whose
// default matches re, or "".
func (t *template) paramAccount(names []string, re *regexp.Regexp) string {
	for _, n := range names {
		if p := t.params[n]; p != nil && p.def != nil && re.MatchString(p.def.Value) {
			return p.def.Value
		}
	}
	return ""
}

// arnInText finds ARNs that name an account: service, account, resource.
var arnInText = regexp.MustCompile(`arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):([a-z0-9-]*):[a-zA-Z0-9*${}:-]*?:([0-9]{12}):([^\s"',]*)`)

// arnAccount returns the one account that the template's own ARNs name,
// or "". IAM ARNs in properties count (a function's role, an attached
// policy), and any ARN in the Resource or NotResource of a policy
// statement except an IAM one, which is often another account's role to
// assume. Principals and conditions name accounts that are trusted or
// checked, so they never count.
func (t *template) arnAccount(resources *yaml.Node) string {
	seen := map[string]bool{}
	var walk func(n *yaml.Node, inPolicy, inResource bool)
	walk = func(n *yaml.Node, inPolicy, inResource bool) {
		// An alias repeats the node its anchor marks, which the walk
		// visits where it is written.
		if n == nil || n.Kind == yaml.AliasNode {
			return
		}
		switch n.Kind {
		case yaml.ScalarNode:
			for _, m := range arnInText.FindAllStringSubmatch(n.Value, -1) {
				iam := m[1] == "iam"
				if inResource && !iam || !inPolicy && iam {
					seen[m[2]] = true
				}
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, inPolicy, inResource)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				switch k {
				case "Principal", "NotPrincipal", "Condition":
					continue
				case "Statement":
					walk(n.Content[i+1], true, false)
				case "Resource", "NotResource":
					walk(n.Content[i+1], inPolicy, inPolicy)
				default:
					walk(n.Content[i+1], inPolicy, inResource)
				}
			}
		}
	}
	walk(resources, false, false)
	if len(seen) != 1 {
		return ""
	}
	for a := range seen {
		return a
	}
	return ""
}

// Resource types read here.
const (
	iamRole        = "AWS::IAM::Role"
	iamUser        = "AWS::IAM::User"
	iamGroup       = "AWS::IAM::Group"
	iamPolicy      = "AWS::IAM::Policy"
	iamManaged     = "AWS::IAM::ManagedPolicy"
	iamAccessKey   = "AWS::IAM::AccessKey"
	iamProfile     = "AWS::IAM::InstanceProfile"
	iamOIDC        = "AWS::IAM::OIDCProvider"
	lambdaFunction = "AWS::Lambda::Function"
	lambdaLayer    = "AWS::Lambda::LayerVersion"
	samFunction    = "AWS::Serverless::Function"
	samLayer       = "AWS::Serverless::LayerVersion"
	smSecret       = "AWS::SecretsManager::Secret"
	ssmParameter   = "AWS::SSM::Parameter"
)

// nameProp is the property that names a resource of a type.
var nameProp = map[string]string{
	iamRole: "RoleName", iamUser: "UserName", iamGroup: "GroupName", iamManaged: "ManagedPolicyName",
	iamProfile: "InstanceProfileName", lambdaFunction: "FunctionName", samFunction: "FunctionName",
	"AWS::S3::Bucket": "BucketName", "AWS::DynamoDB::Table": "TableName", "AWS::Serverless::SimpleTable": "TableName",
	"AWS::SQS::Queue": "QueueName", "AWS::SNS::Topic": "TopicName", smSecret: "Name", ssmParameter: "Name",
	"AWS::ECR::Repository": "RepositoryName", lambdaLayer: "LayerName", samLayer: "LayerName",
	"AWS::KMS::Key": "",
}

// name returns the physical name of a resource: its name property, or,
// when the template sets none, the placeholder ${LogicalId}.
// CloudFormation then generates a name (STACK-LogicalId-RANDOM for a role)
// that differs from stack to stack. The placeholder is the same on every
// run, so references to the resource within the template meet.
func (t *template) name(r *resource) string {
	// Names are read again for every reference, so a name worked out
	// outside any other evaluation is kept. One worked out inside may be a
	// placeholder that only a cycle produces.
	top := len(t.visiting) == 0
	if s, ok := t.names[r.id]; ok && top {
		return s
	}
	s, ok := t.propString(r, nameProp[r.typ])
	if !ok {
		s = placeholder(r.id)
	}
	if top {
		t.names[r.id] = s
	}
	return s
}

// propString evaluates a string property of a resource that names, ARNs
// and paths are built from. A property whose value refers back to itself
// (a RoleName that reads the role's own Arn, say) is not evaluated again
// within its own evaluation, and ok is false for it.
func (t *template) propString(r *resource, key string) (string, bool) {
	guard := r.id + "." + key
	if key == "" || t.visiting[guard] {
		return "", false
	}
	n := t.prop(r, key)
	if n == nil {
		return "", false
	}
	t.visiting[guard] = true
	defer delete(t.visiting, guard)
	s, ok := asString(t.eval(n, nil))
	return s, ok && s != ""
}

// path returns the IAM path of an identity, policy or profile, "/" when
// unset.
func (t *template) path(r *resource) string {
	if s, ok := t.propString(r, "Path"); ok {
		return s
	}
	return "/"
}

// arn builds a regional ARN of the template's account and region.
func (t *template) arn(service, res string) string {
	return "arn:aws:" + service + ":" + t.region + ":" + t.account + ":" + res
}

// secretARN returns the ARN of a Secrets Manager secret given by ARN or
// name.
func (t *template) secretARN(idOrName string) string {
	if strings.HasPrefix(idOrName, "arn:") {
		parts := strings.Split(idOrName, ":")
		if len(parts) > 7 {
			return strings.Join(parts[:7], ":")
		}
		return idOrName
	}
	return t.arn("secretsmanager", "secret:"+idOrName)
}

// parameterARN returns the ARN of an SSM parameter given by ARN or name.
func (t *template) parameterARN(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return t.arn("ssm", "parameter/"+strings.TrimPrefix(name, "/"))
}

// shows reports whether the template shows the value s: whether every
// placeholder in it is that of a resource the template declares, which
// stands for the same resource wherever it appears.
func (t *template) shows(s string) bool {
	for _, u := range unresolvedIn(s) {
		id, _, _ := strings.Cut(u, ".")
		if t.res[id] == nil {
			return false
		}
	}
	return true
}

// identityARN returns the ARN of a user, role or group given by name or
// ARN, with the path of the one the template declares by that name.
func (t *template) identityARN(kind, nameOrARN string) string {
	if strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN
	}
	typ := map[string]string{"role": iamRole, "user": iamUser, "group": iamGroup}[kind]
	for _, r := range t.order {
		if r.typ == typ && t.name(r) == nameOrARN {
			return graph.IAMARN(t.account, kind, t.path(r), nameOrARN)
		}
	}
	return graph.IAMARN(t.account, kind, "/", nameOrARN)
}

// refValue returns the value that Ref gives for a resource.
func (t *template) refValue(r *resource) string {
	switch r.typ {
	case iamManaged:
		return graph.IAMARN(t.account, "policy", t.path(r), t.name(r))
	case iamOIDC:
		return t.oidcARN(r)
	case smSecret:
		return t.secretARN(t.name(r))
	case "AWS::SNS::Topic":
		return t.arn("sns", t.name(r))
	case "AWS::SQS::Queue":
		return "https://sqs." + t.region + ".amazonaws.com/" + t.account + "/" + t.name(r)
	}
	if nameProp[r.typ] != "" {
		return t.name(r)
	}
	return placeholder(r.id)
}

// attValue returns the value that Fn::GetAtt gives for an attribute of a
// resource.
func (t *template) attValue(r *resource, att string) string {
	kind := map[string]string{iamRole: "role", iamUser: "user", iamGroup: "group", iamProfile: "instance-profile"}[r.typ]
	switch {
	case kind != "" && att == "Arn":
		return graph.IAMARN(t.account, kind, t.path(r), t.name(r))
	case r.typ == iamManaged && att == "PolicyArn":
		return t.refValue(r)
	case r.typ == iamOIDC && att == "Arn":
		return t.oidcARN(r)
	case (r.typ == lambdaFunction || r.typ == samFunction) && att == "Arn":
		return t.arn("lambda", "function:"+t.name(r))
	case r.typ == "AWS::S3::Bucket" && att == "Arn":
		return "arn:aws:s3:::" + t.name(r)
	case r.typ == "AWS::SQS::Queue" && att == "Arn":
		return t.arn("sqs", t.name(r))
	case r.typ == "AWS::SQS::Queue" && att == "QueueName", r.typ == "AWS::SNS::Topic" && att == "TopicName":
		return t.name(r)
	case r.typ == "AWS::SQS::Queue" && att == "QueueUrl", r.typ == "AWS::SNS::Topic" && att == "TopicArn":
		return t.refValue(r)
	case (r.typ == "AWS::DynamoDB::Table" || r.typ == "AWS::Serverless::SimpleTable") && att == "Arn":
		return t.arn("dynamodb", "table/"+t.name(r))
	case r.typ == smSecret && att == "Id":
		return t.refValue(r)
	case r.typ == "AWS::ECR::Repository" && att == "Arn":
		return t.arn("ecr", "repository/"+t.name(r))
	}
	return placeholder(r.id + "." + att)
}

// oidcARN returns the ARN of an OIDC provider: its host under the
// account.
func (t *template) oidcARN(r *resource) string {
	u, ok := t.propString(r, "Url")
	if !ok {
		return placeholder(r.id)
	}
	return "arn:aws:iam::" + t.account + ":oidc-provider/" + oidcHost(u)
}

// oidcHost strips the scheme from an OIDC provider URL, as IAM does in
// the provider's ARN and condition keys.
func oidcHost(u string) string {
	return strings.TrimSuffix(strings.TrimPrefix(u, "https://"), "/")
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
