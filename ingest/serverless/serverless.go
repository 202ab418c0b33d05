// Package serverless reads Serverless Framework service files
// (serverless.yml, serverless.yaml and serverless.json, whose JSON the
// YAML decoder reads) whose provider is aws. It emits
// the nodes and edges that the Terraform reader emits for the same
// resources, so that the linker joins both alike:
//
//   - each function is a Runtime runtime:aws:lambda:ARN, named
//     SERVICE-STAGE-FUNCTION unless it sets name, with the service's
//     folder (relative to the repository root) in graph.AttrCodeFrom, so
//     that the function executes the packages that the folder's lockfile
//     locks for run time. A function that sets image runs that image
//     instead, and one that sets package.artifact runs a zip built
//     elsewhere, so neither gets the folder;
//   - the function EXPOSES the credentials of its role, which
//     AUTHENTICATES_AS the role. That is the role that the function's role
//     or provider.iam.role gives by ARN (or by the logical id of a role of
//     resources). Otherwise it is the role the framework makes for the
//     service, SERVICE-STAGE-REGION-lambdaRole. That role gets an
//     inline policy named STAGE-SERVICE-lambda, with the log statements
//     the framework writes and provider.iam.role.statements (or
//     provider.iamRoleStatements), and the managed policies of
//     provider.iam.role.managedPolicies (or provider.iamManagedPolicies);
//   - each environment variable of provider.environment and the
//     function's environment is a Secret the function EXPOSES, unless its
//     value is written out and plainly configuration. A value written out
//     that may be a credential keeps only a salted fingerprint. A value
//     read from an SSM parameter (${ssm:/path}, or ${ssm(REGION):/path}
//     in another region) HOLDS that parameter, named by its ARN as
//     Terraform's reader names it.
//
// Variables are resolved as the framework resolves them for a deploy
// without options: ${self:path}, ${sls:stage} and ${opt:stage} (the
// stage is provider.stage when the file gives it, else dev),
// ${opt:region} and ${aws:region} (provider.region, else us-east-1),
// ${aws:accountId} (the account, when the file's ARNs name one), and the
// defaults of ${env:X, default} and other sources. A variable whose value
// the file does not show stays in the text as ${source:address}, and the
// node lists it in its unresolved attribute.
//
// The account is the one account that the ARNs of the file's roles, IAM
// statement resources and managed policies name, else none.
//
// Each function's node also lists the service's plugins
// (AttrPlugins): npm packages that the framework loads when it deploys or
// packages the service. A CI job that runs serverless deploy (see
// pkgcmd.DeployServerless) executes those locked in the service's folder.
//
// Limits: serverless.ts and serverless.js are code, which is not run, so
// they are not read.
// Of the CloudFormation resources of the resources section, only the S3
// buckets, DynamoDB tables, SQS queues, SNS topics, ECR repositories and
// IAM roles that set their name are read: a function's role may name
// such a role by logical id or Fn::GetAtt, and a Ref or Fn::GetAtt of
// another resource stays a placeholder ${cfn:...}. Roles that plugins
// add, and variables that plugins resolve, are not known.
package serverless

import (
	"bytes"
	"context"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// maxFileSize bounds the size of a service file read.
const maxFileSize = 8 << 20

// Attributes that the parser adds to a function's Runtime node.
const (
	// AttrPlugins lists the npm packages that the service names in
	// plugins.
	AttrPlugins = "serverless_plugins"
	// AttrConfig is the service file, relative to the repository root.
	AttrConfig = "serverless_config"
	// AttrStage is the stage that named a function: the service file's
	// provider.stage, else dev.
	AttrStage = "serverless_stage"
	// AttrNameTemplate is the function's name with StagePlaceholder where
	// the stage goes, so that a deploy of another stage can name the
	// function it changes. A name that does not read the stage has no
	// placeholder: every stage deploys that name.
	AttrNameTemplate = "serverless_name_template"
	// StagePlaceholder stands for the stage in AttrNameTemplate.
	StagePlaceholder = "{stage}"
)

// Parser reads Serverless Framework service files.
type Parser struct{}

// New returns the Serverless Framework parser.
func New() *Parser { return &Parser{} }

// Format implements ingest.Parser.
func (*Parser) Format() string { return "serverless" }

// configNames are the names of the service files the framework reads, and
// whether this parser reads them.
var configNames = map[string]bool{
	"serverless.yml": true, "serverless.yaml": true, "serverless.json": true,
	"serverless.ts": false, "serverless.js": false, "serverless.cjs": false, "serverless.mjs": false,
}

// Detect implements ingest.Parser. It takes a file named as the framework
// names its service files.
func (*Parser) Detect(f *ingest.File) bool {
	_, ok := configNames[path.Base(strings.ReplaceAll(f.RelPath, `\`, "/"))]
	return ok
}

// Parse implements ingest.Parser.
func (*Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	name := path.Base(strings.ReplaceAll(f.RelPath, `\`, "/"))
	if !configNames[name] {
		res.Warnf(ingest.Position{File: f.Path}, "%s is code that the framework runs to make the service's configuration, which is not read; write it out as serverless.yml to read it", name)
		return nil
	}
	data, err := yamlfile.ReadAll(f, maxFileSize)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}

	root, err := yamlfile.Decode(f.Path, data)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	if get(root, "service") == nil {
		res.Warnf(ingest.Position{File: f.Path, Line: root.Line}, "no service is set, so the file is not a service file")
		return nil
	}
	provider := get(root, "provider")
	pname := get(provider, "name")
	if pname == nil || pname.Kind != yaml.ScalarNode || pname.Value != "aws" {
		line := root.Line
		if provider != nil {
			line = provider.Line
		}
		res.Warnf(ingest.Position{File: f.Path, Line: line}, "provider.name is not aws, so the service is not read")
		return nil
	}

	e := newEmitter(f, env, res, root)
	e.emit()
	return nil
}
