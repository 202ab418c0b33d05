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

// composite gathers what the steps of a composite action do with
// packages, as readSteps does for the steps of a job. Those are the
// effects of its run steps and of the known actions it uses, and the
// packages that its commands fetch by name.
//
// The action's Package node gets the effects as the attributes that
// pkgcmd.Attrs gives a job. It DEPENDS_ON the fetched packages, so that a
// query walks from such a package to the action and on to the jobs that
// run it. The linker adds the installs to those of the jobs.
type composite struct {
	b  *builder
	id string
	// conf is the confidence of the action's steps, and note the clause
	// that gives the reason when they are possible.
	conf graph.Confidence
	note string
	// dir is the action's folder in its repository, which
	// github.action_path names when a job runs the action from its
	// checkout of the repository.
	dir     string
	effects []pkgcmd.Effect
	deps    map[string]*compositeDep
	order   []string
}

// compositeDep is one package that the action's commands fetch, with the
// steps that fetch it.
type compositeDep struct {
	line  int
	steps []string
	conf  graph.Confidence
	attrs attrs
}

func newComposite(b *builder, id string, conf graph.Confidence, note string) *composite {
	return &composite{b: b, id: id, conf: conf, note: note, deps: map[string]*compositeDep{}}
}

// step reads composite step i. A step runs in the workspace, where the
// job's checkout is, unless its working-directory names another folder:
// the defaults of the job that runs the action do not apply to it.
func (c *composite) step(i int, st *yaml.Node) {
	step := strconv.Itoa(i)
	if un := lookup(st, "uses"); un != nil {
		c.uses(un, st)
	}
	rn := lookup(st, "run")
	script, ok := scalar(rn)
	if !ok {
		return
	}
	wd, _ := scalar(lookup(st, "working-directory"))
	env := pkgcmdEnv(lookup(st, "env"))
	named := len(c.effects)
	c.effects = append(c.effects, scriptEffects(c.inActionPath(script), c.inActionPath(wd), env)...)
	c.toolRuns(script, step, rn.Line, env)
	for _, e := range c.effects[named:] {
		for _, n := range e.Named {
			nameAttrs, verAttrs := n.NodeAttrs()
			c.b.node(n.NameID(), graph.NodePackage, n.Name, rn.Line, nameAttrs)
			if verAttrs != nil {
				c.b.node(n.ID(), graph.NodePackage, n.Name+"@"+n.Version, rn.Line, verAttrs)
				c.b.edge(n.ID(), graph.EdgeVersionOf, n.NameID(), graph.Certain, rn.Line, nil)
			}
			c.depend(n.ID(), step, rn.Line, n.Confidence(), n.EdgeAttrsBy("the action"))
		}
	}
}

// actionPath matches github.action_path and GITHUB_ACTION_PATH, the
// folder of the running action, in a script or a working-directory.
var actionPath = regexp.MustCompile(`\$\{\{\s*github\.action_path\s*\}\}|\$\{GITHUB_ACTION_PATH\}|\$GITHUB_ACTION_PATH\b`)

// inActionPath returns s with the action's folder in place of the
// references to it, so that installs there are read in that folder.
func (c *composite) inActionPath(s string) string {
	return actionPath.ReplaceAllLiteralString(s, c.dir)
}

// uses reads the effect of an action that a composite step uses, as
// readStepUses does for a job's step.
func (c *composite) uses(un, st *yaml.Node) {
	s, ok := scalar(un)
	if !ok {
		return
	}
	u, err := parseUses(s)
	if err != nil {
		return
	}
	switch u.Kind {
	case usesLocal:
		c.afterInstall(opaqueStep("the local action " + u.Local))
	case usesDocker:
		c.afterInstall(opaqueStep("a container step"))
	case usesRemote:
		with := lookup(st, "with")
		input := func(k string) string { v, _ := scalar(lookup(with, k)); return v }
		if e, ok := stepActionEffect(u.Name(), input); ok {
			c.effects = append(c.effects, e)
		} else if !inertAction(u) {
			c.afterInstall(opaqueStep("the action " + u.Name()))
		}
	}
}

// stepActionEffect returns the effect of a step that uses the action name
// (actionEffect), in the folder that its working-directory input names, or
// else the workspace.
func stepActionEffect(name string, input func(string) string) (pkgcmd.Effect, bool) {
	e, ok := actionEffect(name, input)
	if !ok {
		return e, false
	}
	e.Dir = input("working-directory")
	if e.Dir == "" {
		e.Dir = "."
	}
	return e, true
}

// afterInstall is job.afterInstall for the action's steps: a step whose
// code the input does not show may run what earlier steps installed.
func (c *composite) afterInstall(e pkgcmd.Effect) {
	for _, prev := range c.effects {
		if prev.Install {
			c.effects = append(c.effects, e)
			return
		}
	}
}

// toolRuns is readToolRuns for the action's steps. Whether a run may use
// an installed command depends on the installs of the action's earlier
// steps only.
func (c *composite) toolRuns(script, step string, line int, env pkgcmd.Env) {
	for _, r := range registry.ToolRuns(withoutExpressions(script), env) {
		target := c.b.toolRunPackages(r, line)
		conf, a := r.ExecBy("the action", pkgcmd.ProjectInstall(c.effects, r.Eco))
		c.depend(target, step, line, conf, a)
	}
}

// depend records that a step of the action fetches pkg. Of several steps
// that fetch it, one that does so for certain is enough.
func (c *composite) depend(pkg, step string, line int, conf graph.Confidence, a map[string]string) {
	d, ok := c.deps[pkg]
	if !ok {
		d = &compositeDep{line: line, conf: conf, attrs: attrs(a)}
		c.deps[pkg] = d
		c.order = append(c.order, pkg)
	} else {
		d.attrs = pkgcmd.MergeRequests(pkg, d.attrs, a)
		if conf == graph.Certain {
			d.conf = graph.Certain
		}
	}
	d.steps = append(d.steps, step)
}

// flush writes the action's attributes and its DEPENDS_ON edges.
func (c *composite) flush() {
	c.b.node(c.id, graph.NodePackage, "", 0, attrs(pkgcmd.Attrs(c.effects)))
	for _, pkg := range c.order {
		d := c.deps[pkg]
		a := d.attrs
		a["step"] = strings.Join(d.steps, ",")
		if c.note != "" {
			a[graph.AttrReason] += "; " + c.note
		}
		c.b.edge(c.id, graph.EdgeDependsOn, pkg, c.conf.Weaker(d.conf), d.line, a)
	}
}

// pkgcmdEnv reads an env: mapping into the variables a step's commands
// see. Expressions are kept as written.
func pkgcmdEnv(n *yaml.Node) pkgcmd.Env {
	env := pkgcmd.Env{}
	for _, p := range pairs(n) {
		if v, ok := scalar(p.val); ok {
			env[p.key.Value] = v
		}
	}
	return env
}
