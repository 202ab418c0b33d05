package pkgcmd

import (
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// Services that a deploy ships a folder of the repository to.
const (
	// DeployLambda is an AWS Lambda function (aws lambda
	// update-function-code, create-function).
	DeployLambda = "lambda"
	// DeployFunctions is a Cloud Functions function (gcloud functions
	// deploy).
	DeployFunctions = "cloud-functions"
	// DeployRun is a Cloud Run service deployed from source (gcloud run
	// deploy --source).
	DeployRun = "cloud-run"
	// DeployRunJob is a Cloud Run job deployed from source (gcloud run
	// jobs deploy --source).
	DeployRunJob = "cloud-run-job"
)

// AttrDeploys on a runtime lists the deploys its commands make, each an
// EncodeDeploy item.
const AttrDeploys = "deploys"

// Deploy is code that a command ships from a folder of the checkout to a
// function or service, which then loads the folder's packages each time
// it runs. The Effect that carries it has the folder as its Dir.
type Deploy struct {
	Service string // DeployLambda, DeployFunctions, DeployRun or DeployRunJob
	Name    string // the function's or service's name, as the command gives it
	// Region, Account (AWS) and Project (Google Cloud) are those the
	// command, its environment or the job's cloud login name, or "".
	Region, Account, Project string
	// Stage is the stage a Serverless Framework deploy names with --stage
	// or -s, or "" for the service file's own or one a variable names.
	Stage string
	// As are the ids of the identities the job deploys as, and MayAs
	// those it may deploy as. A CI reader fills them in from the job's
	// cloud login.
	As, MayAs []string
	// MayAsReasons are, at the index of each identity of MayAs, the reason
	// the job only may deploy as it, or "" for the linker's own reason.
	// The list may be shorter than MayAs (MayDeployAs).
	MayAsReasons []string
	// Dir is the folder deployed, relative to the checkout. It is set
	// from Effect.Dir when the deploy is recorded in a runtime's attributes.
	Dir string
	// ZipFile is the zip file that a Lambda deploy uploads, relative to
	// the command's folder, or "". A zip command of the same job that
	// wrote that file names the folder deployed. It is not recorded.
	ZipFile string
	// Guessed is set when the folder deployed is taken to be the one the
	// command runs in: a Lambda upload whose zip no zip command of the job
	// made, or one from S3.
	Guessed bool
	// Line is the line of the CI file that makes the deploy, when the
	// reader knows it, or 0.
	Line int
	// SAMCommand is set on a stack deploy by sam without a template
	// option: the command ("deploy" or "sync") whose section of the SAM
	// CLI configuration file may name the template. SAMConfig is the
	// --config-file value, relative to the command's folder, or "" for
	// samconfig.toml, .yaml or .yml there. SAMEnv is the --config-env
	// value, or "" for the environment "default".
	SAMCommand, SAMConfig, SAMEnv string
	// SAMBuilt is set on such a deploy after a sam build without a
	// template option in the same folder. Unless the configuration names
	// a template for the deploy, sam deploys the build's copy of the
	// template that the build section names.
	SAMBuilt bool
	// CredEnv holds the variables of the command's environment that name
	// its credentials (credentialVars), or nil, for NameDeployIdentities.
	// It is not recorded.
	CredEnv Env
}

// EncodeDeploy writes a deploy as one item of the AttrDeploys list: a
// query string, whose escapes keep commas out of it.
func EncodeDeploy(d Deploy) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("service", d.Service)
	set("name", d.Name)
	set("dir", d.Dir)
	set("region", d.Region)
	set("account", d.Account)
	set("project", d.Project)
	if d.Guessed {
		v.Set("guessed", "true")
	}
	if d.Line > 0 {
		v.Set("line", strconv.Itoa(d.Line))
	}
	set("stage", d.Stage)
	set("sam_command", d.SAMCommand)
	set("sam_config", d.SAMConfig)
	set("sam_env", d.SAMEnv)
	if d.SAMBuilt {
		v.Set("sam_built", "true")
	}
	for _, id := range d.As {
		v.Add("as", id)
	}
	for _, id := range d.MayAs {
		v.Add("may_as", id)
	}
	if slices.ContainsFunc(d.MayAsReasons, func(s string) bool { return s != "" }) {
		for i := range d.MayAs {
			v.Add("may_as_reason", d.MayAsReason(i))
		}
	}
	return v.Encode()
}

// MayDeployAs adds id to the identities the job may deploy as, with the
// reason it only may, or "".
func (d *Deploy) MayDeployAs(id, reason string) {
	if reason != "" {
		for len(d.MayAsReasons) < len(d.MayAs) {
			d.MayAsReasons = append(d.MayAsReasons, "")
		}
		d.MayAsReasons = append(d.MayAsReasons, reason)
	}
	d.MayAs = append(d.MayAs, id)
}

// MayAsReason returns the reason the job only may deploy as MayAs[i], or "".
func (d Deploy) MayAsReason(i int) string {
	if i < len(d.MayAsReasons) {
		return d.MayAsReasons[i]
	}
	return ""
}

// DecodeDeploy reads an item of the AttrDeploys list. ok is false for an
// item without a service or a name.
func DecodeDeploy(item string) (d Deploy, ok bool) {
	v, err := url.ParseQuery(item)
	if err != nil {
		return Deploy{}, false
	}
	d = Deploy{Service: v.Get("service"), Name: v.Get("name"), Dir: v.Get("dir"), Region: v.Get("region"),
		Account: v.Get("account"), Project: v.Get("project"), As: v["as"], MayAs: v["may_as"], Guessed: v.Get("guessed") == "true",
		SAMCommand: v.Get("sam_command"), SAMConfig: v.Get("sam_config"), SAMEnv: v.Get("sam_env"),
		SAMBuilt: v.Get("sam_built") == "true", Stage: v.Get("stage")}
	if reasons := v["may_as_reason"]; len(reasons) == len(d.MayAs) {
		d.MayAsReasons = reasons
	}
	d.Line, _ = strconv.Atoi(v.Get("line"))
	return d, d.Service != "" && d.Name != ""
}

// Deploys reads the AttrDeploys attribute of a runtime.
func Deploys(attr string) []Deploy {
	var out []Deploy
	for _, it := range graph.SplitList(attr) {
		if d, ok := DecodeDeploy(it); ok {
			out = append(out, d)
		}
	}
	return out
}

// deployAttr sums up the deploys among a job's effects as the AttrDeploys
// attribute. A Lambda deploy of a zip file that an earlier zip command
// of the job wrote deploys the folder that command archived.
func deployAttr(effects []Effect) string {
	var items []string
	archives := map[string]string{}    // zip file -> folder archived, both relative to the checkout
	packaged := map[string][2]string{} // template written -> folder and name of the one read
	// source returns the template that the template name of folder dir
	// is a copy of, or dir and name themselves.
	source := func(dir, name string) (string, string) {
		if !fixedPath(dir) {
			return dir, name
		}
		written := path.Join(dir, name)
		if name == AnyTemplate {
			// The template of the folder, or sam build's copy.
			written = path.Join(dir, samBuildTemplate)
		}
		if src, ok := packaged[written]; ok {
			return src[0], src[1]
		}
		return dir, name
	}
	for _, e := range effects {
		if e.Zip != "" && fixedPath(e.Dir) {
			archives[path.Join(e.Dir, e.Zip)] = e.Dir
		}
		if e.Packaged != "" && fixedPath(e.Dir) {
			dir, name := source(e.Dir, e.Template)
			packaged[path.Join(e.Dir, e.Packaged)] = [2]string{dir, name}
		}
		if e.Deploy == nil {
			continue
		}
		d := *e.Deploy
		d.Dir = e.Dir
		if d.Service == DeployStack {
			if d.Name == AnyTemplate && d.SAMCommand != "" && fixedPath(d.Dir) {
				src, built := packaged[path.Join(d.Dir, samBuildTemplate)]
				d.SAMBuilt = built && src == [2]string{d.Dir, AnyTemplate}
			}
			d.Dir, d.Name = source(d.Dir, d.Name)
		}
		if d.ZipFile != "" && fixedPath(e.Dir) {
			if dir, ok := archives[path.Join(e.Dir, d.ZipFile)]; ok {
				d.Dir, d.Guessed = dir, false
			}
		}
		items = append(items, EncodeDeploy(d))
	}
	return graph.JoinList(items)
}

// fixedPath reports whether a relative path is written out, without a
// variable, an expression or a home folder.
func fixedPath(p string) bool {
	return p != "" && !path.IsAbs(p) && !strings.ContainsAny(p, "$~{}")
}

// zipValued are the options of zip that take the next word as their
// value. -x and -i take the rest of the words, and end the inputs.
var zipValued = set("-b", "-n", "-t", "-tt", "-P", "-O", "--out", "-Z", "--compression-method")

// zipOf reads a zip command that archives one folder (zip -r api.zip .,
// zip -r ../api.zip dist), for deployAttr. The Effect's Dir is that
// folder, relative to the command's, and its Zip the archive, relative
// to the folder. Inputs that are files, or several inputs, archive the
// command's own folder. A zip with a variable or an absolute path in the
// archive's name or in the folder gives nothing.
func zipOf(argv []string) (Effect, bool) {
	if len(argv) < 3 || path.Base(argv[0]) != "zip" {
		return Effect{}, false
	}
	var archive string
	var inputs []string
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if a == "-x" || a == "-i" || a == "--exclude" || a == "--include" || a == "-@" {
			break
		}
		if strings.HasPrefix(a, "-") {
			if zipValued[a] {
				i++
			}
			continue
		}
		if archive == "" {
			archive = a
		} else {
			inputs = append(inputs, a)
		}
	}

	if len(inputs) == 0 || !fixedPath(archive) {
		return Effect{}, false
	}
	if !strings.HasSuffix(archive, ".zip") {
		// zip adds the suffix to an archive named without one.
		archive += ".zip"
	}

	dir := "."
	if in := path.Clean(inputs[0]); len(inputs) == 1 && path.Ext(in) == "" && !strings.ContainsAny(in, "*?[") {
		dir = in
	}
	if !fixedPath(dir) || dir == ".." || strings.HasPrefix(dir, "../") {
		return Effect{}, false
	}
	// The archive's name is relative to the command's folder, and Zip
	// relative to dir, which lies below it.
	up := ""
	if dir != "." {
		up = strings.Repeat("../", strings.Count(dir, "/")+1)
	}
	return Effect{Dir: dir, Zip: path.Clean(up + archive)}, true
}

// deployOf reads a command that deploys a folder to a function or
// service, run with env. The Effect's Dir is the folder relative to the
// command's, or "" for the command's own.
func deployOf(argv []string, env Env) (Effect, bool) {
	if len(argv) == 0 {
		return Effect{}, false
	}
	var d *Deploy
	var dir string
	args := expandVars(argv[1:], env)
	switch strings.TrimSuffix(path.Base(strings.ReplaceAll(argv[0], `\`, "/")), ".exe") {
	case "aws":
		d = awsLambdaDeploy(args, env)
	case "gcloud", "gcloud.cmd":
		d, dir = gcloudDeploy(args, env)
	}
	if d == nil {
		return Effect{}, false
	}
	return Effect{Deploy: d, Dir: dir}, true
}

// cliArgs holds the words of a command line split into the positional
// words and the options, as --name=value or --name value.
type cliArgs struct {
	words []string
	opts  map[string]string
}

// splitCLI splits args at the options. valued lists the options that take
// the next word as their value when they do not hold it after "=". Any
// other option is a flag, whose value is "true".
func splitCLI(args []string, valued map[string]bool) cliArgs {
	c := cliArgs{opts: map[string]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			c.words = append(c.words, args[i+1:]...)
			return c
		case strings.HasPrefix(a, "--"):
			if k, v, ok := strings.Cut(a, "="); ok {
				c.opts[k] = v
			} else if valued[a] && i+1 < len(args) {
				c.opts[a] = args[i+1]
				i++
			} else {
				c.opts[a] = "true"
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			c.opts[a] = "true"
		default:
			c.words = append(c.words, a)
		}
	}
	return c
}

// awsValued are the options of the AWS CLI read here that take a value:
// the global ones, and those of the lambda commands.
var awsValued = set("--region", "--profile", "--output", "--endpoint-url", "--query", "--color", "--ca-bundle",
	"--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format", "--function-name", "--zip-file",
	"--s3-bucket", "--s3-key", "--s3-object-version", "--image-uri", "--code", "--package-type", "--role",
	"--runtime", "--handler", "--revision-id", "--architectures", "--source-kms-key-arn", "--cli-input-json",
	"--cli-input-yaml", "--description", "--timeout", "--memory-size", "--environment", "--layers", "--tags")

// lambdaFunctionARN matches a function's ARN or partial ARN, with an
// optional version or alias: arn:aws:lambda:REGION:ACCOUNT:function:NAME,
// ACCOUNT:function:NAME.
var lambdaFunctionARN = regexp.MustCompile(`^(?:arn:aws[a-z-]*:lambda:([a-z0-9-]*):)?([0-9]{12}):function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$`)

// LambdaFunctionARN splits a Lambda function's ARN or partial ARN into
// its region ("" in a partial one), account and name, and returns nil for
// a plain name.
func LambdaFunctionARN(name string) []string {
	m := lambdaFunctionARN.FindStringSubmatch(name)
	if m == nil {
		return nil
	}
	return m[1:]
}

// awsLambdaDeploy reads aws lambda update-function-code and aws lambda
// create-function, which upload a zip file. A deploy of an image
// (--image-uri, --package-type Image, --code ImageUri=...) and a dry run
// ship no folder, and give nil.
func awsLambdaDeploy(args []string, env Env) *Deploy {
	c := splitCLI(args, awsValued)
	if len(c.words) < 2 || c.words[0] != "lambda" ||
		(c.words[1] != "update-function-code" && c.words[1] != "create-function") {
		return nil
	}
	if c.opts["--image-uri"] != "" || strings.EqualFold(c.opts["--package-type"], "Image") ||
		strings.Contains(c.opts["--code"], "ImageUri") || c.opts["--dry-run"] == "true" {
		return nil
	}

	name := c.opts["--function-name"]
	if name == "" || name == "true" {
		return nil
	}

	// Without a zip command of the job that wrote --zip-file (deployAttr),
	// the folder deployed is taken to be the command's own, and a zip file
	// that another job or tool built may hold another, so it is Guessed.
	d := &Deploy{Service: DeployLambda, Name: name, Region: c.opts["--region"], Guessed: true}
	if z, ok := strings.CutPrefix(c.opts["--zip-file"], "fileb://"); ok && fixedPath(z) {
		d.ZipFile = path.Clean(z)
	}
	if m := LambdaFunctionARN(name); m != nil {
		d.Name, d.Account = m[2], m[1]
		if d.Region == "" {
			d.Region = m[0]
		}
	}

	if d.Region == "" {
		// The AWS CLI reads AWS_REGION before AWS_DEFAULT_REGION.
		d.Region = firstKnown(env, "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	return d
}

// gcloudValued are the options of gcloud read here that take a value: the
// global ones, and those of functions deploy and run deploy.
var gcloudValued = set("--account", "--billing-project", "--configuration", "--flags-file", "--flatten", "--format",
	"--impersonate-service-account", "--project", "--verbosity", "--trace-token", "--region", "--source", "--image",
	"--runtime", "--entry-point", "--trigger-topic", "--trigger-bucket", "--trigger-event", "--trigger-resource",
	"--trigger-location", "--trigger-service-account", "--trigger-event-filters", "--memory", "--cpu", "--timeout",
	"--service-account", "--run-service-account", "--build-service-account", "--env-vars-file", "--set-env-vars",
	"--update-env-vars", "--remove-env-vars", "--set-secrets", "--update-secrets", "--build-env-vars-file",
	"--set-build-env-vars", "--max-instances", "--min-instances", "--ingress-settings", "--vpc-connector",
	"--egress-settings", "--docker-repository", "--platform", "--port", "--concurrency", "--labels",
	"--update-labels", "--tag", "--revision-suffix", "--command", "--args", "--execution-environment",
	"--add-cloudsql-instances", "--set-cloudsql-instances", "--namespace", "--base-image", "--function")

// gcloudResource matches the full name of a function or service,
// projects/PROJECT/locations/REGION/functions/NAME or .../services/NAME.
var gcloudResource = regexp.MustCompile(`^projects/([^/]+)/locations/([^/]+)/(?:functions|services)/([^/]+)$`)

// GCloudResource splits the full name of a function or service into its
// project, region and name, and returns nil for a plain name.
func GCloudResource(name string) []string {
	m := gcloudResource.FindStringSubmatch(name)
	if m == nil {
		return nil
	}
	return m[1:]
}

// gcloudDeploy reads gcloud functions deploy NAME, whose source is
// --source or else the current folder, and gcloud run deploy NAME
// --source DIR and gcloud run jobs deploy NAME --source DIR. A deploy of
// an image, from Cloud Storage or from a repository URL gives nil. dir
// is the folder deployed, or "" for the command's own.
func gcloudDeploy(args []string, env Env) (d *Deploy, dir string) {
	c := splitCLI(args, gcloudValued)
	words := c.words
	if len(words) > 0 && (words[0] == "alpha" || words[0] == "beta") {
		words = words[1:]
	}
	job := len(words) >= 4 && words[0] == "run" && words[1] == "jobs" && words[2] == "deploy"
	if job {
		// gcloud run jobs deploy NAME reads as gcloud run deploy NAME.
		words = append([]string{"run"}, words[2:]...)
	}
	if len(words) < 3 || words[1] != "deploy" {
		return nil, ""
	}

	d = &Deploy{Name: words[2], Region: c.opts["--region"], Project: c.opts["--project"]}
	regionEnv := ""
	switch words[0] {
	case "functions":
		d.Service, regionEnv = DeployFunctions, "CLOUDSDK_FUNCTIONS_REGION"
	case "run":
		if c.opts["--source"] == "" || c.opts["--image"] != "" {
			return nil, ""
		}
		d.Service, regionEnv = DeployRun, "CLOUDSDK_RUN_REGION"
		if job {
			d.Service = DeployRunJob
		}
	default:
		return nil, ""
	}
	dir = c.opts["--source"]
	if dir == "true" || strings.Contains(dir, "://") {
		return nil, ""
	}

	if m := GCloudResource(d.Name); m != nil {
		d.Project, d.Region, d.Name = m[0], m[1], m[2]
	}
	if d.Project == "" {
		d.Project = firstKnown(env, "CLOUDSDK_CORE_PROJECT")
	}
	if d.Region == "" {
		d.Region = firstKnown(env, regionEnv)
	}
	return d, dir
}

// firstKnown returns the value of the first of the variables that env
// sets, or "" when that value is computed at run time.
func firstKnown(env Env, names ...string) string {
	for _, n := range names {
		if v, ok := env[n]; ok {
			if strings.Contains(v, "$") {
				return ""
			}
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// DeployCloud returns the cloud whose credentials a deploy of service
// acts with: "aws", "gcp", or "" for a Kubernetes deploy, which acts as
// the kubeconfig's user.
func DeployCloud(service string) string {
	switch service {
	case DeployLambda, DeployECS, DeployServerless, DeployStack:
		return "aws"
	case DeployFunctions, DeployRun, DeployRunJob:
		return "gcp"
	}
	return ""
}

// Shell is a part of a job's commands that one shell runs, for
// NameDeployIdentitiesInShells.
type Shell struct {
	// Start is the index of the shell's first effect.
	Start int
	// Keeps is set when the shell writes credentials where the later
	// shells read them: a file they source ($BASH_ENV) or the AWS CLI's
	// configuration (aws configure set, ~/.aws/credentials).
	Keeps bool
}

// loginElsewhere is the Doubt of a deploy after an AWS login that
// another shell of the job ran.
const loginElsewhere = "the job exchanges a token for a role's credentials in an earlier shell, whose exported variables do not reach the deploy's, and writes them nowhere the deploy's shell reads, as far as the input shows"

// NameDeployIdentities adds to each deploy of effects that names no
// identity the one that identity returns for its credentials (DeployAuth).
// The job deploys as it when certain is set and the DeployAuth has no
// Doubt, and else may deploy as it. Each deploy acts with the
// credentials of its own environment, or else with those of the last
// CloudLogin of its cloud (DeployCloud) before it. identity returns ""
// for none. For AuthUnknown, a CI reader names the identity of the CI
// variables that the input does not show.
func NameDeployIdentities(effects []Effect, identity func(a DeployAuth) (id string, certain bool)) {
	NameDeployIdentitiesInShells(effects, nil, identity)
}

// NameDeployIdentitiesInShells is NameDeployIdentities for a job whose
// effects shells run one after the other (CircleCI's run steps), with
// the environment of the job but not each other's exports. An AWS login
// reaches a deploy in a later shell only when its shell Keeps the
// credentials. Else the deploy possibly acts as the login's role, and
// possibly as it would without that login. A Google Cloud login writes
// a file, which later shells read. No shells make one shell.
func NameDeployIdentitiesInShells(effects []Effect, shells []Shell, identity func(a DeployAuth) (id string, certain bool)) {
	type loginAt struct {
		l     *CloudLogin
		shell int
	}
	last := map[string]loginAt{}          // the last login of each cloud
	keptLogin := map[string]*CloudLogin{} // the last one that later shells read
	shell := 0
	for i, e := range effects {
		for shell+1 < len(shells) && shells[shell+1].Start <= i {
			shell++
		}
		if l := e.Login; l != nil {
			last[l.Cloud] = loginAt{l, shell}
			if l.Cloud != "aws" || shell >= len(shells) || shells[shell].Keeps {
				keptLogin[l.Cloud] = l
			}
			continue
		}
		d := e.Deploy
		if e.ImageDeploy != nil {
			d = &e.ImageDeploy.Deploy
		}
		if d == nil || len(d.As) > 0 || len(d.MayAs) > 0 {
			continue
		}
		cloud := DeployCloud(d.Service)
		if cloud == "" {
			continue
		}
		at := last[cloud]
		var auths []DeployAuth
		if at.l != nil && at.shell != shell && keptLogin[cloud] != at.l {
			// The login's role, or what the deploy acts with without it.
			auths = append(authOf(cloud, nil, at.l), authOf(cloud, d.CredEnv, keptLogin[cloud])...)
			for k := range auths {
				auths[k].Doubt = loginElsewhere
			}
		} else {
			auths = authOf(cloud, d.CredEnv, at.l)
		}
		for _, a := range auths {
			id, certain := identity(a)
			switch {
			case id == "" || slices.Contains(d.As, id) || slices.Contains(d.MayAs, id):
			case certain && a.Doubt == "":
				d.As = append(d.As, id)
			default:
				d.MayDeployAs(id, a.Doubt)
			}
		}
	}
}
