package pkgcmd

import (
	"cmp"
	"path"
	"strings"
)

// DeployStack is a deploy of a CloudFormation or SAM template's stack
// (sam deploy, aws cloudformation deploy), which ships the code of the
// template's functions. The Deploy's Name is the template's path,
// relative to the command's folder, or AnyTemplate.
const DeployStack = "stack"

// AnyTemplate names the template that sam deploy reads without
// --template-file: template.yaml, template.yml or template.json in the
// command's folder, or the copy sam build made of it.
const AnyTemplate = "*"

// samValued are the options of sam deploy that take the next word as
// their value.
var samValued = set("--template-file", "--template", "--stack-name", "--s3-bucket", "--s3-prefix",
	"--image-repository", "--image-repositories", "--kms-key-id", "--role-arn", "--region", "--profile",
	"--config-file", "--config-env", "--parameter-overrides", "--tags", "--capabilities", "--notification-arns",
	"--signing-profiles", "--metadata", "--output-template-file")

// cfnValued are the options of aws cloudformation deploy that take a
// value, beside the global ones of awsValued. Options that take a list
// leave its words as positional ones, after the subcommand.
var cfnValued = union(awsValued, set("--template-file", "--stack-name", "--s3-bucket", "--s3-prefix", "--kms-key-id", "--role-arn",
	"--output-template-file"))

// stackDeployOf reads sam deploy, sam sync and aws cloudformation deploy,
// which create or update a template's stack with the credentials of the
// job, and so change the code and configuration of the template's functions.
// A template that sam build wrote to .aws-sam/build is the copy of the
// one in the command's folder. A template a variable names, a dry run
// (--no-execute-changeset) and a template from S3 give nothing. sam
// without a template option records the SAM CLI configuration it reads
// (Deploy.SAMCommand), whose template_file the linker looks up.
func stackDeployOf(argv []string, env Env) (Effect, bool) {
	if len(argv) < 2 {
		return Effect{}, false
	}
	prog := strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe")
	args := expandVars(argv[1:], env)
	var template string
	var config Deploy
	switch {
	case prog == "sam" && (args[0] == "deploy" || args[0] == "sync"):
		// sam sync deploys the stack too, or with --code only the
		// functions' code.
		c := splitCLI(samLong(args[1:]), samValued)
		if c.opts["--no-execute-changeset"] == "true" {
			return Effect{}, false
		}
		template = firstOf(c.opts, "--template-file", "--template")
		if template == "" {
			// The SAM CLI configuration file may name the template.
			template = AnyTemplate
			config.SAMCommand = args[0]
			config.SAMConfig = firstOf(c.opts, "--config-file")
			config.SAMEnv = firstOf(c.opts, "--config-env")
			if strings.Contains(config.SAMConfig, "$") || strings.Contains(config.SAMEnv, "$") {
				// The file or environment is chosen at run time.
				config = Deploy{}
			}
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
	if dir, ok := samBuildDir(template); ok {
		// sam build's copy of the template of dir.
		return Effect{Deploy: &Deploy{Service: DeployStack, Name: AnyTemplate}, Dir: dir}, true
	}
	d := &config
	d.Service, d.Name = DeployStack, template
	dir := ""
	if template != AnyTemplate {
		d.Name = path.Base(template)
		if dir = path.Dir(template); dir == "." {
			dir = ""
		}
	}
	return Effect{Deploy: d, Dir: dir}, true
}

// stackPackageOf reads sam package and aws cloudformation package, which
// upload the code of a template's functions and write a copy of the
// template that names the uploads (--output-template-file), and sam
// build, which writes a copy to its build folder. A later deploy of that
// copy deploys the functions of the template read, which is the one
// --template-file names or, for sam, the template of the command's
// folder. The Effect's Dir is the folder of the template read, and
// Packaged the copy, relative to that folder.
func stackPackageOf(argv []string, env Env) (Effect, bool) {
	if len(argv) < 2 {
		return Effect{}, false
	}
	prog := strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe")
	args := expandVars(argv[1:], env)
	var template, output string
	switch {
	case prog == "sam" && args[0] == "package":
		c := splitCLI(samLong(args[1:]), samValued)
		template = firstOf(c.opts, "--template-file", "--template")
		if template == "" {
			template = AnyTemplate
		}
		output = firstOf(c.opts, "--output-template-file")
	case prog == "sam" && args[0] == "build":
		// sam build writes the template it builds to its build folder.
		c := splitCLI(samLong(args[1:]), samBuildValued)
		template = firstOf(c.opts, "--template-file", "--template")
		if template == "" {
			template = AnyTemplate
		}
		output = path.Join(cmp.Or(firstOf(c.opts, "--build-dir"), path.Dir(samBuildTemplate)), "template.yaml")
	case prog == "aws":
		c := splitCLI(args, cfnValued)
		if len(c.words) < 2 || c.words[0] != "cloudformation" || c.words[1] != "package" {
			return Effect{}, false
		}
		template = firstOf(c.opts, "--template-file")
		output = firstOf(c.opts, "--output-template-file")
	default:
		return Effect{}, false
	}

	for _, p := range []string{template, output} {
		if p == "" || strings.Contains(p, "$") || strings.Contains(p, "://") || path.IsAbs(p) {
			return Effect{}, false
		}
	}
	if dir, ok := samBuildDir(template); ok {
		template = path.Join(dir, AnyTemplate)
	}
	e := Effect{Template: template}
	if template != AnyTemplate {
		e.Template = path.Base(template)
		if e.Dir = path.Dir(template); e.Dir == "." {
			e.Dir = ""
		}
	}

	// The copy's path is relative to the command's folder, and so goes
	// up out of the template's folder first.
	up := ""
	if e.Dir != "" {
		if strings.HasPrefix(path.Clean(e.Dir), "..") {
			return Effect{}, false
		}
		up = strings.Repeat("../", strings.Count(path.Clean(e.Dir), "/")+1)
	}
	e.Packaged = up + output
	return e, true
}

// samBuildTemplate is the template that sam build writes by default,
// relative to the folder it runs in.
const samBuildTemplate = ".aws-sam/build/template.yaml"

// samBuildValued are the options of sam build that take a value.
var samBuildValued = union(samValued, set("--build-dir", "--base-dir", "--cache-dir", "--container-env-var",
	"--container-env-var-file", "--build-image", "--manifest", "--hook-name", "--mount-with", "--exclude", "--docker-network"))

// samBuildDir reports whether template is in the default build folder of
// sam build, and returns the folder that the build ran in.
func samBuildDir(template string) (string, bool) {
	t := path.Clean(template)
	if strings.HasPrefix(t, ".aws-sam/build/") {
		return "", true
	}
	if before, _, ok := strings.Cut(t, "/.aws-sam/build/"); ok {
		return before, true
	}
	return "", false
}

// samShort maps the short options of sam deploy, package and build to
// their long forms.
var samShort = map[string]string{"-t": "--template-file", "-b": "--build-dir", "-s": "--base-dir",
	"-e": "--container-env-var", "-m": "--manifest", "-x": "--exclude"}

// samLong returns the arguments of a sam command with short options
// written in their long forms, since splitCLI reads long options only.
func samLong(args []string) []string {
	long := make([]string, 0, len(args))
	for _, a := range args {
		if l, ok := samShort[a]; ok {
			a = l
		}
		long = append(long, a)
	}
	return long
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
