package cloudtrail

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// targets returns what a call was made on. For AssumeRole and its web
// identity and SAML forms that is the role. For other calls it is the
// resources the record lists, else the ones its request parameters name,
// else the service as a whole within the account. A target equal to the
// caller is left out.
func targets(r *record, actor principal) []principal {
	partition := parseARN(actor.id).partition
	if partition == "" {
		partition = partitionOf(r.Region)
	}

	var found []principal
	if isAssume(r) {
		if role, ok := assumedRole(r); ok {
			found = append(found, iamPrincipal(role))
		}
	} else {
		found = listedTargets(r)
		if len(found) == 0 {
			found = namedTargets(r, partition)
		}
	}

	distinct := found[:0]
	seen := map[string]bool{actor.id: true}
	for _, t := range found {
		if !seen[t.id] {
			seen[t.id] = true
			distinct = append(distinct, t)
		}
	}
	if len(distinct) == 0 {
		scope, ok := serviceScope(r)
		if ok && isListing(r) {
			scope = listingOf(scope)
		}
		if ok {
			distinct = append(distinct, scope)
		}
	}
	return distinct
}

// isListing reports whether a call lists or describes what the account
// has (s3:ListBuckets, ec2:DescribeInstances) rather than acting on one
// resource: its action has the List access level, or its name starts with
// List or Describe, as the names of such calls do where CloudTrail's event
// name is not the IAM action's.
func isListing(r *record) bool {
	name := r.EventName
	if awspolicy.ActionLevel(r.service()+":"+name) == awspolicy.LevelList {
		return true
	}
	return strings.HasPrefix(name, "List") || strings.HasPrefix(name, "Describe")
}

// listingOf returns the Resource standing for the listing of a service in
// an account, for list calls that name no resource. Such a call reads
// names and settings, not the data of the service's resources, so it
// marks the listing used and leaves the service scope unmarked.
func listingOf(scope principal) principal {
	svc, account := scope.attrs["service"], scope.attrs[graph.AttrAccount]
	return principal{id: "aws:" + svc + ":" + account + ":list", kind: graph.NodeResource, attrs: map[string]string{
		graph.AttrProvider: "aws", "type": "service-listing", "service": svc, graph.AttrAccount: account,
	}}
}

func isAssume(r *record) bool {
	switch r.EventName {
	case "AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML":
		return r.service() == "sts"
	}
	return false
}

// roleInMessage finds a role ARN in an error message. A denied AssumeRole
// may carry no request parameters, and its message ends with "on resource:
// <role ARN>".
var roleInMessage = regexp.MustCompile(`arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+`)

// assumedRole returns the role of an AssumeRole call: the roleArn request
// parameter, else a role the record lists as a resource, else the role
// named in the error message of a failed call.
func assumedRole(r *record) (arn, bool) {
	if a := parseARN(r.RequestParameters.RoleARN); isRole(a) {
		return a, true
	}
	for _, res := range r.Resources {
		if a := parseARN(res.ARN); isRole(a) {
			return a, true
		}
	}
	if m := roleInMessage.FindAllString(r.ErrorMessage, -1); len(m) > 0 {
		return parseARN(strings.TrimRight(m[len(m)-1], ".")), true
	}
	return arn{}, false
}

func isRole(a arn) bool {
	return a.service == "iam" && strings.HasPrefix(a.resource, "role/") && len(a.resource) > len("role/")
}

// listedTargets returns the targets among the record's resources.
func listedTargets(r *record) []principal {
	var hint string
	if id := r.RequestParameters.SecretID; !strings.HasPrefix(id, "arn:") {
		hint = id
	}
	var out []principal
	for _, res := range r.Resources {
		if t, ok := targetOf(parseARN(res.ARN), secretRef{hint: hint, complete: true}); ok {
			out = append(out, t)
		}
	}
	return out
}

// namedTargets returns the targets that the request parameters name.
func namedTargets(r *record, partition string) []principal {
	p := &r.RequestParameters
	region, account := r.Region, r.account()
	// build returns the ARN of a resource in the call's region and account.
	build := func(service string, resource ...string) arn {
		if region == "" || account == "" {
			return arn{}
		}
		return arn{partition: partition, service: service, region: region, account: account, resource: strings.Join(resource, "")}
	}

	var found []arn
	var ref secretRef
	switch r.service() {
	case "s3":
		if b := p.BucketName; b != "" && !strings.ContainsAny(b, "/:") {
			found = append(found, arn{partition: partition, service: "s3", resource: b})
		}
	case "secretsmanager":
		if id := p.SecretID; strings.HasPrefix(id, "arn:") {
			found = append(found, parseARN(id))
		} else if id != "" {
			found, ref.hint = append(found, build("secretsmanager", "secret:", id)), id
		}
	case "ssm":
		if isParameterCall(r.EventName) {
			for _, name := range append([]string{p.Name}, p.Names...) {
				if strings.HasPrefix(name, "arn:") {
					found = append(found, parseARN(name))
				} else if name = strings.TrimLeft(name, "/"); name != "" {
					found = append(found, build("ssm", "parameter/", name))
				}
			}
		}
	case "lambda":
		found = append(found, lambdaFunction(p.FunctionName, build))
	case "iam":
		for _, n := range []struct{ kind, name string }{{"user", p.UserName}, {"role", p.RoleName}, {"group", p.GroupName}} {
			if n.name != "" && account != "" {
				found = append(found, parseARN(iamARN(partition, account, n.kind, n.name)))
			}
		}
	case "dynamodb":
		if t := p.TableName; strings.HasPrefix(t, "arn:") {
			found = append(found, parseARN(t))
		} else if t != "" {
			found = append(found, build("dynamodb", "table/", t))
		}
	case "sqs":
		found = append(found, queueARN(p.QueueURL, partition, region))
	case "sns":
		found = append(found, parseARN(p.TopicARN))
	}

	var out []principal
	for _, a := range found {
		if t, ok := targetOf(a, ref); ok {
			out = append(out, t)
		}
	}
	return out
}

// isParameterCall reports whether an SSM call names parameters in its
// "name" or "names" request parameter. Other SSM calls use "name" for
// documents and sessions.
func isParameterCall(event string) bool {
	switch event {
	case "GetParameter", "GetParameters", "GetParameterHistory", "PutParameter",
		"DeleteParameter", "DeleteParameters", "LabelParameterVersion", "UnlabelParameterVersion":
		return true
	}
	return false
}

// lambdaFunction turns a function name, partial ARN or ARN, with or
// without a version or alias, into the function's ARN.
func lambdaFunction(name string, build func(string, ...string) arn) arn {
	switch {
	case name == "":
		return arn{}
	case strings.HasPrefix(name, "arn:"):
		return parseARN(name)
	case strings.Contains(name, ":function:"):
		account, rest, _ := strings.Cut(name, ":function:")
		if !isAccount(account) {
			return arn{}
		}
		fn, _, _ := strings.Cut(rest, ":")
		a := build("lambda", "function:", fn)
		a.account = account
		return a
	}
	fn, _, _ := strings.Cut(name, ":")
	return build("lambda", "function:", fn)
}

// queueARN turns an SQS queue URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME,
// into the queue's ARN.
func queueARN(queueURL, partition, region string) arn {
	u, err := url.Parse(queueURL)
	if err != nil || u.Host == "" {
		return arn{}
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || !isAccount(parts[0]) || parts[1] == "" {
		return arn{}
	}
	if host := strings.Split(u.Host, "."); len(host) > 3 && host[0] == "sqs" {
		region = host[1]
	}
	if region == "" {
		return arn{}
	}
	return arn{partition: partition, service: "sqs", region: region, account: parts[0], resource: parts[1]}
}

// secretRef describes how a call named a Secrets Manager secret: by name
// (hint), and whether its ARN is complete with the random suffix.
type secretRef struct {
	hint     string
	complete bool
}

// targetOf returns the node an ARN stands for. IAM policies are left to
// the policy inputs, which give them their kind.
func targetOf(a arn, ref secretRef) (principal, bool) {
	if a.service == "" {
		return principal{}, false
	}
	switch a.service {
	case "iam":
		kind, _, _ := strings.Cut(a.resource, "/")
		switch {
		case a.resource == "root" && isAccount(a.account):
			return rootPrincipal(a.partition, a.account), true
		case kind == "user" || kind == "role" || kind == "group":
			return iamPrincipal(a), true
		case kind == "oidc-provider":
			p := iamPrincipal(a)
			p.attrs[graph.AttrName] = strings.TrimPrefix(a.resource, "oidc-provider/")
			return p, true
		case kind == "policy":
			return principal{}, false
		}
	case "sts":
		if role, ok := roleOfSession(a); ok {
			return iamPrincipal(role), true
		}
		return principal{}, false
	case "secretsmanager":
		if name, ok := strings.CutPrefix(a.resource, "secret:"); ok && name != "" {
			name = secretName(name, ref.hint, ref.complete)
			a.resource = "secret:" + name
			return principal{id: a.String(), kind: graph.NodeSecret, attrs: map[string]string{
				graph.AttrProvider: "aws", "type": "secretsmanager", graph.AttrName: name,
				graph.AttrAccount: a.account, graph.AttrLongLived: "true",
			}}, true
		}
	case "ssm":
		if name, ok := strings.CutPrefix(a.resource, "parameter/"); ok {
			name = strings.TrimLeft(name, "/")
			if name == "" {
				return principal{}, false
			}
			a.resource = "parameter/" + name
			return principal{id: a.String(), kind: graph.NodeSecret, attrs: map[string]string{
				graph.AttrProvider: "aws", "type": "ssm-parameter", graph.AttrName: name, graph.AttrAccount: a.account,
			}}, true
		}
	case "s3":
		// An object ARN stands for its bucket: the blast radius ends at
		// buckets, and object keys may be sensitive.
		if a.region == "" && a.account == "" {
			bucket, _, _ := strings.Cut(a.resource, "/")
			a.resource = bucket
			return resourceNode(a, "s3", bucket), true
		}
	case "lambda":
		if rest, ok := strings.CutPrefix(a.resource, "function:"); ok {
			fn, _, _ := strings.Cut(rest, ":")
			a.resource = "function:" + fn
			return resourceNode(a, "lambda", fn), true
		}
	}
	return resourceNode(a, a.service, ""), true
}

func resourceNode(a arn, typ, name string) principal {
	attrs := map[string]string{graph.AttrProvider: "aws", "type": typ}
	if a.account != "" {
		attrs[graph.AttrAccount] = a.account
	}
	if name != "" {
		attrs[graph.AttrName] = name
	}
	return principal{id: a.String(), kind: graph.NodeResource, attrs: attrs}
}

// secretName drops the "-" and six random letters and digits that Secrets
// Manager appends to a secret's name in its ARN. When the call named the
// secret by name (hint), that name decides. A caller may also pass a
// partial ARN without the suffix, so a name ending in "-" and six
// lower-case letters, such as "db-secret", is kept whole unless the ARN
// came from the record's resources, which CloudTrail lists complete.
func secretName(name, hint string, complete bool) string {
	if hint != "" && (name == hint || (strings.HasPrefix(name, hint+"-") && len(name) == len(hint)+7)) {
		return hint
	}
	i := len(name) - 7
	if i <= 0 || name[i] != '-' {
		return name
	}
	lower := true
	for _, c := range name[i+1:] {
		switch {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			lower = false
		default:
			return name
		}
	}
	if lower && !complete {
		return name
	}
	return name[:i]
}

// serviceScope returns the Resource standing for a whole service in the
// account, for calls that name nothing narrower and list nothing.
func serviceScope(r *record) (principal, bool) {
	svc, account := r.service(), r.account()
	if svc == "" || account == "" {
		return principal{}, false
	}
	return principal{id: "aws:" + svc + ":" + account + ":*", kind: graph.NodeResource, attrs: map[string]string{
		graph.AttrProvider: "aws", "type": "service-scope", "service": svc, graph.AttrAccount: account,
	}}, true
}

// partitionOf returns the ARN partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
