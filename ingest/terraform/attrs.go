package terraform

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
)

// computeAttrs adds to a block's evaluated arguments the attributes that
// Terraform computes and other blocks read: names, ARNs and ids in the
// forms AWS and GitHub give them. Attributes that contain credential values
// are set unknown, so that no expression can copy them.
func (ev *evaluator) computeAttrs(b *block, a map[string]cty.Value) {
	set := func(key, value string) { a[key] = cty.StringVal(value) }
	unknown := func(keys ...string) {
		for _, k := range keys {
			a[k] = cty.UnknownVal(cty.String)
		}
	}
	if strings.HasPrefix(b.typ, "google_") {
		ev.computeGoogle(b, a, set, unknown)
		return
	}
	if b.data {
		ev.computeDataAttrs(b, a, set, unknown)
		return
	}

	if strings.HasPrefix(b.typ, "aws_cognito_") {
		ev.computeCognito(b, a, set)
		return
	}
	switch b.typ {
	case "aws_iam_user", "aws_iam_role", "aws_iam_group":
		name := nameOf(b, a, "name")
		set("name", name)
		set("id", name)
		set("arn", graph.IAMARN(ev.account, strings.TrimPrefix(b.typ, "aws_iam_"), pathOf(a), name))
		unknown("unique_id")
	case "aws_iam_policy":
		name := nameOf(b, a, "name")
		arn := graph.IAMARN(ev.account, "policy", pathOf(a), name)
		set("name", name)
		set("arn", arn)
		set("id", arn)
		unknown("policy_id")
	case "aws_iam_instance_profile":
		name := nameOf(b, a, "name")
		set("name", name)
		set("id", name)
		set("arn", graph.IAMARN(ev.account, "instance-profile", pathOf(a), name))
		unknown("unique_id")
	case "aws_iam_openid_connect_provider":
		url, _ := str(a["url"])
		arn := graph.IAMARN(ev.account, "oidc-provider", "", oidcHost(url))
		set("arn", arn)
		set("id", arn)
	case "aws_iam_access_key":
		unknown("id", "secret", "ses_smtp_password_v4", "encrypted_secret",
			"encrypted_ses_smtp_password_v4", "key_fingerprint")
	case "aws_iam_user_login_profile":
		unknown("password", "encrypted_password", "key_fingerprint")
	case "random_password":
		unknown("id", "result", "bcrypt_hash")
	case "aws_api_gateway_api_key":
		set("name", nameOf(b, a, "name"))
		unknown("id", "arn", "value")
	case "aws_s3_object", "aws_s3_bucket_object":
		bucket, okB := str(a["bucket"])
		key, okK := str(a["key"])
		if okB && okK {
			set("id", key)
			set("arn", "arn:aws:s3:::"+bucket+"/"+key)
		}
		unknown("etag", "version_id")
	case "aws_instance":
		if id, ok := ev.importedID(b.addr); ok {
			set("id", id)
			set("arn", ev.arn("ec2", "instance/"+id))
		}
	case "aws_ecs_task_definition":
		family := nameOf(b, a, "family")
		set("family", family)
		set("id", family)
		set("arn_without_revision", ev.arn("ecs", "task-definition/"+family))
		unknown("arn", "revision")
	case "aws_elastic_beanstalk_environment":
		name := nameOf(b, a, "name")
		app, _ := str(a["application"])
		set("name", name)
		set("arn", ev.arn("elasticbeanstalk", "environment/"+app+"/"+name))
		unknown("id", "cname", "endpoint_url")
	case "aws_organizations_policy":
		id := orgPolicyID(nameOf(b, a, "name"))
		set("id", id)
		set("arn", id)
	case "aws_organizations_account", "aws_organizations_organizational_unit":
		unknown("id", "arn")
	case "aws_s3_bucket":
		name := nameOf(b, a, "bucket")
		set("bucket", name)
		set("id", name)
		set("arn", "arn:aws:s3:::"+name)
		set("bucket_domain_name", name+".s3.amazonaws.com")
		set("bucket_regional_domain_name", name+".s3."+ev.region+".amazonaws.com")
	case "aws_dynamodb_table":
		name := nameOf(b, a, "name")
		set("name", name)
		set("id", name)
		set("arn", ev.arn("dynamodb", "table/"+name))
	case "aws_sqs_queue":
		name := nameOf(b, a, "name")
		url := ev.queueURL(name)
		set("name", name)
		set("arn", ev.arn("sqs", name))
		set("id", url)
		set("url", url)
	case "aws_sns_topic":
		name := nameOf(b, a, "name")
		set("name", name)
		set("arn", ev.arn("sns", name))
		set("id", ev.arn("sns", name))
	case "aws_kms_key":
		set("key_id", b.addr)
		set("id", b.addr)
		set("arn", ev.arn("kms", "key/"+b.addr))
	case "aws_ecr_repository":
		name := nameOf(b, a, "name")
		set("name", name)
		set("id", name)
		set("arn", ev.arn("ecr", "repository/"+name))
		// The registry's host needs the account and the region. When one
		// is not known, repository_url stays a placeholder, so that it
		// names no image in a wrong registry.
		if ev.account == "" || ev.region == "" {
			unknown("repository_url")
		} else {
			set("repository_url", ev.account+".dkr.ecr."+ev.region+".amazonaws.com/"+name)
		}
		if ev.account == "" {
			unknown("registry_id")
		} else {
			set("registry_id", ev.account)
		}
	case "aws_db_instance":
		id := nameOf(b, a, "identifier")
		set("identifier", id)
		set("id", id)
		set("arn", ev.arn("rds", "db:"+id))
		unknown("password", "address", "endpoint")
	case "aws_rds_cluster":
		id := nameOf(b, a, "cluster_identifier")
		set("cluster_identifier", id)
		set("id", id)
		set("arn", ev.arn("rds", "cluster:"+id))
		unknown("master_password", "endpoint", "reader_endpoint")
	case "aws_secretsmanager_secret":
		name := nameOf(b, a, "name")
		set("name", name)
		set("arn", ev.secretARN(name))
		set("id", ev.secretARN(name))
	case "aws_secretsmanager_secret_version":
		if id, ok := str(a["secret_id"]); ok {
			set("arn", ev.secretARN(id))
		}
		unknown("secret_string", "secret_binary", "version_id")
	case "aws_ssm_parameter":
		name := nameOf(b, a, "name")
		set("name", name)
		set("id", name)
		set("arn", ev.parameterARN(name))
		unknown("value", "insecure_value")
	case "aws_lambda_function":
		name := nameOf(b, a, "function_name")
		arn := ev.arn("lambda", "function:"+name)
		set("function_name", name)
		set("id", name)
		set("arn", arn)
		set("qualified_arn", arn+":$LATEST")
		unknown("invoke_arn", "version")
	case "github_repository":
		name := nameOf(b, a, "name")
		set("name", name)
		set("id", name)
		set("full_name", ev.owner+"/"+name)
		unknown("repo_id", "node_id")
	case "github_actions_secret", "github_actions_environment_secret", "github_actions_organization_secret":
		unknown("plaintext_value", "encrypted_value")
	}
}

type setFunc func(key, value string)

type unknownFunc func(keys ...string)

func (ev *evaluator) computeDataAttrs(b *block, a map[string]cty.Value, set setFunc, unknown unknownFunc) {
	switch b.typ {
	case "aws_caller_identity":
		set("account_id", ev.account)
		set("id", ev.account)
		unknown("arn", "user_id")
	case "aws_region":
		region := ev.region
		if r, ok := str(a["name"]); ok && r != "" {
			region = r
		}
		set("name", region)
		set("id", region)
		set("region", region)
	case "aws_partition":
		set("partition", "aws")
		set("id", "aws")
		set("dns_suffix", "amazonaws.com")
	case "aws_iam_policy_document":
		if doc, ok := ev.renderPolicyDocument(b); ok {
			set("json", doc)
			set("minified_json", doc)
		} else {
			unknown("json", "minified_json")
		}
	case "aws_iam_role", "aws_iam_user", "aws_iam_group":
		name := nameOf(b, a, "name")
		set("name", name)
		set("id", name)
		set("arn", graph.IAMARN(ev.account, strings.TrimPrefix(b.typ, "aws_iam_"), "/", name))
	case "aws_secretsmanager_secret":
		if arn, ok := str(a["arn"]); ok {
			set("id", arn)
		} else if name, ok := str(a["name"]); ok {
			set("arn", ev.secretARN(name))
			set("id", ev.secretARN(name))
		}
	case "aws_secretsmanager_secret_version":
		if id, ok := str(a["secret_id"]); ok {
			set("arn", ev.secretARN(id))
		}
		unknown("secret_string", "secret_binary")
	case "aws_ssm_parameter":
		if name, ok := str(a["name"]); ok {
			set("arn", ev.parameterARN(name))
		}
		unknown("value", "insecure_value")
	}
}

// nameOf returns a block's name argument, else its _prefix variant, else
// a placeholder naming the attribute.
func nameOf(b *block, a map[string]cty.Value, key string) string {
	if s, ok := str(a[key]); ok && s != "" {
		return s
	}
	if s, ok := str(a[key+"_prefix"]); ok && s != "" {
		return s
	}
	return "${" + b.addr + "." + key + "}"
}

// pathOf returns an IAM path argument, "/" when unset.
func pathOf(a map[string]cty.Value) string {
	if s, ok := str(a["path"]); ok && s != "" {
		return s
	}
	return "/"
}

// oidcHost strips the scheme from an OIDC provider URL, as IAM does in
// the provider's ARN and condition keys.
func oidcHost(url string) string {
	return strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/")
}

// arn builds a regional ARN of the module's account and region.
func (ev *evaluator) arn(service, resource string) string {
	return "arn:aws:" + service + ":" + ev.region + ":" + ev.account + ":" + resource
}

// secretARN returns the ARN of a Secrets Manager secret given by ARN or
// name.
func (ev *evaluator) secretARN(idOrName string) string {
	if strings.HasPrefix(idOrName, "arn:") {
		return idOrName
	}
	return ev.arn("secretsmanager", "secret:"+idOrName)
}

// parameterARN returns the ARN of an SSM parameter given by ARN or name.
func (ev *evaluator) parameterARN(name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return ev.arn("ssm", "parameter/"+strings.TrimPrefix(name, "/"))
}

func (ev *evaluator) queueURL(name string) string {
	return "https://sqs." + ev.region + ".amazonaws.com/" + ev.account + "/" + name
}
