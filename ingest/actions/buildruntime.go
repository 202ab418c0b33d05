package actions

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// buildRun is an image build of a job's steps, pushed or not, that runs
// the RUN instructions of its Dockerfile on the runner.
type buildRun struct {
	build registry.Build
	// line is the line of the command in the workflow file, or of the
	// step for docker/build-push-action.
	line int
	// inputs are the graph.AttrBuildInputs entries: the job's secrets
	// that the build receives as build arguments or BuildKit secrets.
	inputs []string
	// args are the graph.AttrBuildArgValues entries.
	args []string
}

// exprPlaceholder names the shell variable that stands for the nth
// expression of a script in readScriptBuildRuns.
const exprPlaceholder = "GITHUB_EXPRESSION_"

// placeExpressions replaces each ${{ }} expression of a script with
// ${GITHUB_EXPRESSION_n}, which the shell scanner keeps as one word. It
// returns the script and the expressions in order.
func placeExpressions(s string) (string, []string) {
	var b strings.Builder
	var exprs []string
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			break
		}
		_, end := scanExpr(s, i+3, true)
		b.WriteString(s[:i])
		b.WriteString("${" + exprPlaceholder + strconv.Itoa(len(exprs)) + "}")
		exprs = append(exprs, s[i:end])
		s = s[end:]
	}
	b.WriteString(s)
	return b.String(), exprs
}

// buildVarRef matches a variable in a word as the shell scanner keeps it,
// $NAME or ${NAME}.
var buildVarRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// envExpr matches a reference to the env context in an expression.
var envExpr = regexp.MustCompile(`\benv\.([A-Za-z_][A-Za-z0-9_]*)`)

// buildSecretNames returns the names of the job's secrets whose values
// text contains. These are the secrets that an expression in text reads
// (GITHUB_TOKEN for the job's token), and those of the variables of env
// that text expands ($NAME in a script, env.NAME in an expression). exprs
// are the expressions that placeExpressions took out of text.
func buildSecretNames(text string, exprs []string, env pkgcmd.Env) []string {
	var out []string
	fromExpr := func(expr string) {
		for _, r := range secretRefs(expr, false) {
			if !r.All {
				out = append(out, r.Name)
			}
		}
		if strings.Contains(expr, "github.token") {
			out = append(out, "GITHUB_TOKEN")
		}
	}
	fromExpr(text)
	for _, m := range envExpr.FindAllStringSubmatch(text, -1) {
		fromExpr(env[m[1]])
	}
	for _, m := range buildVarRef.FindAllStringSubmatch(text, -1) {
		name := m[1]
		if n, ok := strings.CutPrefix(name, exprPlaceholder); ok {
			if i, err := strconv.Atoi(n); err == nil && i < len(exprs) {
				fromExpr(exprs[i])
				for _, em := range envExpr.FindAllStringSubmatch(exprs[i], -1) {
					fromExpr(env[em[1]])
				}
			}
			continue
		}
		fromExpr(env[name])
	}
	return out
}

// buildInputs returns the graph.AttrBuildInputs entries of a build
// command's arguments and secrets.
func buildInputs(b registry.Build, exprs []string, env pkgcmd.Env) []string {
	var out []string
	for _, a := range b.Args {
		text := a.Value
		if !a.HasValue {
			text = "$" + a.Name
		}
		for _, name := range buildSecretNames(text, exprs, env) {
			out = append(out, graph.BuildViaArg+":"+a.Name+"="+name)
		}
	}
	for _, s := range b.Secrets {
		from := s.Env
		if from == "" && s.Src == "" {
			from = s.ID
		}
		if from == "" {
			continue
		}
		for _, name := range buildSecretNames("$"+from, exprs, env) {
			out = append(out, graph.BuildViaSecret+":"+s.ID+"="+name)
		}
	}
	return out
}

// readScriptBuildRuns records the image builds of a run step's script and
// the job's secrets that each receives. The script is read with its
// expressions as placeholders, so that a build argument keeps the secret
// that an expression gives it.
func (w *workflow) readScriptBuildRuns(j *job, script, wd string, run *yaml.Node, env pkgcmd.Env) {
	dir := wd
	if dir == "" {
		dir = "."
	}
	text, exprs := placeExpressions(w.expandRepo(script))
	block := false
	if n := deref(run); n != nil && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		block = true
	}
	for _, s := range registry.ScanBuilds(text, dir, w.pushedImage) {
		if s.Build == nil {
			continue
		}
		line := run.Line
		if block {
			line += s.Build.Line
		}
		j.buildRuns = append(j.buildRuns, buildRun{build: *s.Build, line: line, inputs: buildInputs(*s.Build, exprs, env),
			args: registry.ArgValues(registry.ExpandArgs(s.Build.Args, func(s string) string { return expandStepVars(s, env) }))})
	}
}

// readActionBuildRun records the build that readActionBuild read from a
// docker/build-push-action step at line. The inputs build-args, secrets
// and secret-envs pass the job's secrets to it, one KEY=VALUE a line, in
// quotes or not. secret-files names files, which the input does not show.
func (w *workflow) readActionBuildRun(j *job, line int, input func(string) string, env pkgcmd.Env) {
	if len(j.buildSteps) == 0 {
		return
	}
	last := j.buildSteps[len(j.buildSteps)-1]
	if last.Build == nil || last.Line != line {
		return
	}
	br := buildRun{build: *last.Build, line: line}
	pairs := func(name string) [][2]string {
		var out [][2]string
		for _, l := range strings.Split(input(name), "\n") {
			k, v, ok := strings.Cut(strings.Trim(strings.TrimSpace(l), `"'`), "=")
			if ok && k != "" {
				out = append(out, [2]string{strings.TrimSpace(k), v})
			}
		}
		return out
	}
	var args []registry.BuildArg
	for _, p := range pairs("build-args") {
		for _, name := range buildSecretNames(p[1], nil, env) {
			br.inputs = append(br.inputs, graph.BuildViaArg+":"+p[0]+"="+name)
		}
		args = append(args, registry.BuildArg{Name: p[0], Value: strings.TrimSpace(p[1]), HasValue: true})
	}
	br.args = registry.ArgValues(args)
	for _, p := range pairs("secrets") {
		for _, name := range buildSecretNames(p[1], nil, env) {
			br.inputs = append(br.inputs, graph.BuildViaSecret+":"+p[0]+"="+name)
		}
	}
	for _, p := range pairs("secret-envs") {
		for _, name := range buildSecretNames("$"+strings.TrimSpace(p[1]), nil, env) {
			br.inputs = append(br.inputs, graph.BuildViaSecret+":"+p[0]+"="+name)
		}
	}
	j.buildRuns = append(j.buildRuns, br)
}

// writeBuildRuns writes a Runtime for each image build of the job
// (graph.ImageBuildID). The job CAN_MODIFY the build, because its steps
// choose the Dockerfile, the context and the build's inputs. The linker
// gives the build the secrets that its inputs name, and the packages that
// its RUN instructions install.
func (w *workflow) writeBuildRuns(j *job) {
	root := ""
	if len(j.checkouts) == 1 && j.checkouts[0] != "." && !strings.Contains(j.checkouts[0], "${{") {
		root = j.checkouts[0]
	}
	for _, br := range j.buildRuns {
		file, ctx := underRoot(br.build.Dockerfile, root), underRoot(br.build.Context, root)
		if file == "" || ctx == "" {
			continue
		}
		id := graph.ImageBuildID(j.rid, br.line)
		dockerfile := graph.DockerfileID(w.f.RepoID(), file)
		w.b.node(dockerfile, graph.NodePackage, w.f.Repo+"/"+file, br.line, attrs{
			"ecosystem": "dockerfile", graph.AttrName: file, "path": file, graph.AttrRepository: w.f.Repo,
		})
		w.b.node(id, graph.NodeRuntime, "image build of "+file+" at line "+strconv.Itoa(br.line)+" in "+w.name+" / "+j.id, br.line, br.build.TargetAttrs(attrs{
			graph.AttrProvider:       "github",
			"type":                   graph.RuntimeImageBuild,
			graph.AttrRepository:     w.repo,
			"workflow":               w.rel,
			"workflow_name":          w.name,
			graph.AttrJob:            j.rid,
			graph.AttrJobType:        "gha-job",
			"dockerfile_id":          dockerfile,
			graph.AttrDockerfile:     file,
			graph.AttrBuildContext:   ctx,
			graph.AttrBuildInputs:    graph.JoinList(br.inputs),
			graph.AttrBuildArgValues: graph.JoinList(br.args),
		}))
		w.b.edge(j.rid, graph.EdgeCanModify, id, graph.Certain, br.line, attrs{
			graph.AttrVia:    "build",
			graph.AttrReason: "the job runs the build: its steps choose the Dockerfile " + file + ", the context " + ctx + " and the arguments and secrets the build receives",
		})
	}
}
