package pkgcmd

import (
	"path"
	"strings"
)

// DeployStack is a deploy of a CloudFormation or SAM template's stack
// (sam deploy, aws cloudformation deploy), which ships the code of the
// template's functions. The Deploy's Name is the template's path,
// relative to the command's folder, or AnyTemplate.
const DeployStack = "stack"

// AnyTemplate names the template that sam deploy reads without
// --template-file: template.yaml or template.yml in the command's folder,
// or the copy sam build made of it.
const AnyTemplate = "*"

// samValued are the options of sam deploy that take the next word as
// their value.
var samValued = set("--template-file", "--template", "--stack-name", "--s3-bucket", "--s3-prefix",
	"--image-repository", "--image-repositories", "--kms-key-id", "--role-arn", "--region", "--profile",
	"--config-file", "--config-env", "--parameter-overrides", "--tags", "--capabilities", "--notification-arns",
	"--signing-profiles", "--metadata")

// cfnValued are the options of aws cloudformation deploy that take a
// value, beside the global ones of awsValued. Options that take a list
// leave its words as positional ones, after the subcommand.
var cfnValued = union(awsValued, set("--template-file", "--stack-name", "--s3-prefix", "--kms-key-id", "--role-arn"))

// stackDeployOf reads sam deploy and aws cloudformation deploy, which
// create or update a template's stack with the credentials of the job,
// and so change the code and configuration of the template's functions.
// A template that sam build wrote to .aws-sam/build is the copy of the
// one in the command's folder. A template a variable names, a dry run
// (--no-execute-changeset) and a template from S3 give nothing.
func stackDeployOf(argv []string, env Env) (Effect, bool) {
	if len(argv) < 2 {
		return Effect{}, false
	}
	prog := strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe")
	args := expandVars(argv[1:], env)
	var template string
	switch {
	case prog == "sam" && args[0] == "deploy":
		// splitCLI reads long options only, so -t becomes --template-file.
		long := make([]string, 0, len(args)-1)
		for _, a := range args[1:] {
			if a == "-t" {
				a = "--template-file"
			}
			long = append(long, a)
		}
		c := splitCLI(long, samValued)
		if c.opts["--no-execute-changeset"] == "true" {
			return Effect{}, false
		}
		template = firstOf(c.opts, "--template-file", "--template")
		if template == "" || strings.HasPrefix(path.Clean(template), ".aws-sam/build/") {
			template = AnyTemplate
		}
	case prog == "aws":
		c := splitCLI(args, cfnValued)
		if len(c.words) < 2 || c.words[0] != "cloudformation" || c.words[1] != "deploy" ||
			c.opts["--no-execute-changeset"] == "true" {
			return Effect{}, false
		}
		template = c.opts["--template-file"]
	default:
		return Effect{}, false
	}
	if template == "" || strings.Contains(template, "$") || strings.Contains(template, "://") || path.IsAbs(template) {
		return Effect{}, false
	}
	d := &Deploy{Service: DeployStack, Name: template}
	dir := ""
	if template != AnyTemplate {
		d.Name = path.Base(template)
		if dir = path.Dir(template); dir == "." {
			dir = ""
		}
	}
	return Effect{Deploy: d, Dir: dir}, true
}

// firstOf returns the value of the first of names that opts holds, or "".
func firstOf(opts map[string]string, names ...string) string {
	for _, n := range names {
		if v := opts[n]; v != "" && v != "true" {
			return v
		}
	}
	return ""
}
