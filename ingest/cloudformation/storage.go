package cloudformation

import (
	"github.com/blastradius-dev/blastradius/graph"
)

// secret emits AWS::SecretsManager::Secret. A SecretString written in the
// template keeps only its fingerprint, flagged as stored inline.
func (e *emitter) secret(r *resource) {
	name := e.t.name(r)
	attrs := e.base("secretsmanager", name)
	attrs[graph.AttrLongLived] = "true"
	if n := mapGet(r.props, "SecretString"); n != nil {
		tr := newTrace()
		s, ok := e.t.evalString(n, tr)
		if ok && s != "" && tr.literal() && dynamicRef.FindString(s) == "" {
			if e.env != nil && e.env.Fingerprint != nil {
				attrs[graph.AttrFingerprint] = e.env.Fingerprint(literalText(s))
			}
			attrs[graph.AttrStoredInline] = "true"
		}
	}
	e.node(graph.NodeSecret, e.t.secretARN(name), name, r.line, attrs)
}

// parameter emits AWS::SSM::Parameter. CloudFormation creates String and
// StringList parameters only, so the node holds no fingerprint.
func (e *emitter) parameter(r *resource) {
	name := e.t.name(r)
	attrs := e.base("ssm-parameter", name)
	attrs[graph.AttrLongLived] = "true"
	attrs["param_type"], _ = e.str("Type")
	e.node(graph.NodeSecret, e.t.parameterARN(name), name, r.line, attrs)
}

// dataStoreType is the Terraform type that the reader gives a data store
// of a CloudFormation type, so that both readers' nodes look alike.
var dataStoreType = map[string]string{
	"AWS::S3::Bucket": "aws_s3_bucket", "AWS::DynamoDB::Table": "aws_dynamodb_table",
	"AWS::Serverless::SimpleTable": "aws_dynamodb_table", "AWS::SQS::Queue": "aws_sqs_queue",
	"AWS::SNS::Topic": "aws_sns_topic", "AWS::ECR::Repository": "aws_ecr_repository",
}

// dataStore emits a bucket, table, queue, topic or repository as a
// Resource identified by its ARN.
func (e *emitter) dataStore(r *resource) {
	name := e.t.name(r)
	arn := e.t.attValue(r, "Arn")
	if r.typ == "AWS::SNS::Topic" {
		arn = e.t.refValue(r)
	}
	e.node(graph.NodeResource, arn, name, r.line, e.base(dataStoreType[r.typ], name))
}
