package cloudformation

import (
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
)

// lambdaTrust is the trust policy of the role SAM creates for a function.
const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`

// basicExecution is the policy SAM attaches to every role it creates.
const basicExecution = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

// serviceRolePolicies are the AWS managed policies, named in a function's
// Policies, whose ARNs have the path /service-role/.
// NOTE: SAM looks names up in the list of every AWS managed policy. This
// list holds only the Lambda execution policies, so another service-role
// policy named by name gets the ARN arn:aws:iam::aws:policy/NAME.
var serviceRolePolicies = map[string]bool{
	"AWSLambdaBasicExecutionRole": true, "AWSLambdaVPCAccessExecutionRole": true,
	"AWSLambdaKinesisExecutionRole": true, "AWSLambdaDynamoDBExecutionRole": true,
	"AWSLambdaSQSQueueExecutionRole": true, "AWSLambdaMSKExecutionRole": true,
	"AWSLambdaRole": true, "AWSLambdaENIManagementAccess": true,
}

// samRole emits the role SAM creates for function r, <LogicalId>Role, and
// returns its ARN. Its policies are AWSLambdaBasicExecutionRole and the
// function's Policies: an inline document, a policy template or a
// managed policy by name or ARN. SAM names the inline policies
// <LogicalId>RolePolicy<index in Policies>.
func (e *emitter) samRole(r *resource) string {
	roleRes := e.t.res[r.id+"Role"]
	name := placeholder(r.id + "Role")
	path := "/"
	if roleRes != nil && !roleRes.implicit {
		// The template declares a resource of that logical id itself:
		// SAM would not create one over it.
		e.t.warnf(r.line, "%s: the template declares %sRole, the name of the role SAM creates for the function", r.id, r.id)
		return ""
	}
	arn := graph.IAMARN(e.t.account, "role", path, name)
	attrs := e.base("role", name)
	attrs["cfn_logical_id"] = r.id + "Role"
	attrs["trust_policy"] = lambdaTrust
	attrs["sam_function"] = r.id
	if pb, ok := e.str("PermissionsBoundary"); ok {
		attrs["permissions_boundary"] = pb
	}
	e.node(graph.NodeIdentity, arn, name, r.line, attrs)
	e.attach(arn, basicExecution, r.line)

	list := mapGet(r.props, "Policies")
	if list == nil {
		return arn
	}
	items := []*yaml.Node{list}
	if list.Kind == yaml.SequenceNode {
		items = list.Content
	}
	for i, it := range items {
		it = deref(it)
		pname := r.id + "RolePolicy" + strconv.Itoa(i)
		if it.Kind == yaml.MappingNode {
			if _, _, fn := intrinsic(it); !fn {
				e.samPolicyItem(arn, pname, it)
				continue
			}
		}
		v := e.t.eval(it, nil)
		if v == noValue {
			continue
		}
		if doc, ok := v.(*object); ok {
			// A function such as Fn::If that gives a policy document.
			if s, ok := e.documentValue("policy "+pname, doc, it.Line); ok {
				e.inlinePolicyNode(arn, pname, s, it.Line)
			}
			continue
		}
		s, ok := asString(v)
		switch {
		case !ok || s == "":
			e.t.warnf(it.Line, "%s: a policy of Policies could not be resolved", r.id)
		case strings.HasPrefix(s, "arn:"):
			e.attach(arn, s, it.Line)
		case serviceRolePolicies[s]:
			e.attach(arn, "arn:aws:iam::aws:policy/service-role/"+s, it.Line)
		default:
			e.attach(arn, "arn:aws:iam::aws:policy/"+s, it.Line)
		}
	}
	return arn
}

// samPolicyItem emits a mapping item of a function's Policies: a policy
// document (with Statement), or a policy template of one key.
func (e *emitter) samPolicyItem(role, pname string, it *yaml.Node) {
	if mapGet(it, "Statement") != nil {
		doc, _ := e.document("policy "+pname, it)
		e.inlinePolicyNode(role, pname, doc, it.Line)
		return
	}
	if len(it.Content) != 2 {
		e.t.warnf(it.Line, "%s: a policy of Policies is neither a document nor a policy template", e.cur.id)
		return
	}
	tmpl := it.Content[0].Value
	build := policyTemplates[tmpl]
	if build == nil {
		e.t.warnf(it.Line, "%s: policy template %s is not expanded, so the permissions it grants are not seen", e.cur.id, tmpl)
		return
	}
	args := map[string]string{}
	var unresolved []string
	mapEach(it.Content[1], func(k, v *yaml.Node) {
		s, ok := e.t.evalString(v, nil)
		if !ok {
			unresolved = append(unresolved, k.Value)
		}
		args[k.Value] = s
	})
	if len(unresolved) > 0 {
		sort.Strings(unresolved)
		e.t.warnf(it.Line, "%s: policy template %s: %s could not be resolved", e.cur.id, tmpl, strings.Join(unresolved, ", "))
	}
	doc := newObject()
	doc.set("Version", "2012-10-17")
	doc.set("Statement", build(e.t, args))
	s, _ := renderJSON(doc)
	e.inlinePolicyNode(role, pname, s, it.Line)
}

// statement returns an Allow statement of actions on resources.
func statement(actions []string, resources ...string) *object {
	st := newObject()
	st.set("Effect", "Allow")
	acts := make([]any, len(actions))
	for i, a := range actions {
		acts[i] = a
	}
	st.set("Action", acts)
	if len(resources) == 1 {
		st.set("Resource", resources[0])
	} else {
		res := make([]any, len(resources))
		for i, r := range resources {
			res[i] = r
		}
		st.set("Resource", res)
	}
	return st
}

// policyTemplate builds the statements of a SAM policy template from its
// parameters.
type policyTemplate func(t *template, args map[string]string) []any

func s3Template(actions ...string) policyTemplate {
	return func(_ *template, a map[string]string) []any {
		b := "arn:aws:s3:::" + a["BucketName"]
		return []any{statement(actions, b, b+"/*")}
	}
}

func dynamoTemplate(actions ...string) policyTemplate {
	return func(t *template, a map[string]string) []any {
		table := t.arn("dynamodb", "table/"+a["TableName"])
		return []any{statement(actions, table, table+"/index/*")}
	}
}

// policyTemplates expands the SAM policy templates read here to the
// statements the AWS SAM documentation lists for them.
var policyTemplates = map[string]policyTemplate{
	"S3ReadPolicy": s3Template("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
		"s3:GetLifecycleConfiguration"),
	"S3WritePolicy": s3Template("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"),
	"S3CrudPolicy": s3Template("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
		"s3:PutObject", "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
		"s3:DeleteObject"),
	"DynamoDBCrudPolicy": dynamoTemplate("dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
		"dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem",
		"dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"),
	"DynamoDBReadPolicy": dynamoTemplate("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
		"dynamodb:BatchGetItem", "dynamodb:DescribeTable"),
	"DynamoDBWritePolicy": dynamoTemplate("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"),
	"AWSSecretsManagerGetSecretValuePolicy": func(_ *template, a map[string]string) []any {
		return []any{statement([]string{"secretsmanager:GetSecretValue"}, a["SecretArn"])}
	},
	"SSMParameterReadPolicy": func(t *template, a map[string]string) []any {
		return []any{
			statement([]string{"ssm:DescribeParameters"}, "*"),
			statement([]string{"ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"},
				t.arn("ssm", "parameter/"+a["ParameterName"])),
		}
	},
	"SQSSendMessagePolicy": func(t *template, a map[string]string) []any {
		return []any{statement([]string{"sqs:SendMessage*"}, t.arn("sqs", a["QueueName"]))}
	},
	"SQSPollerPolicy": func(t *template, a map[string]string) []any {
		return []any{statement([]string{"sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch",
			"sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"},
			t.arn("sqs", a["QueueName"]))}
	},
	"SNSPublishMessagePolicy": func(t *template, a map[string]string) []any {
		return []any{statement([]string{"sns:Publish"}, t.arn("sns", a["TopicName"]))}
	},
	"LambdaInvokePolicy": func(t *template, a map[string]string) []any {
		return []any{statement([]string{"lambda:InvokeFunction"}, t.arn("lambda", "function:"+a["FunctionName"]+"*"))}
	},
	"KMSDecryptPolicy": func(t *template, a map[string]string) []any {
		return []any{statement([]string{"kms:Decrypt"}, t.arn("kms", "key/"+a["KeyId"]))}
	},
}
