package link

import (
	"fmt"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
)

// gitlabVariable is a CI/CD variable some input declares (Terraform's
// gitlab_project_variable or gitlab_group_variable, say): a Secret with
// provider gitlab, type ci-variable and protected set to true or false.
type gitlabVariable struct {
	node  graph.Node
	name  string
	scope string // environment_scope, "*" when unset
}

// linkGitLabVariables writes the CI/CD variables each GitLab job receives.
// A declared variable of the job's project, or of a group above it,
// reaches every job that can run where GitLab hands it out. A protected
// variable reaches only pipelines on protected refs, and a scoped one only
// jobs of a matching environment. A name a job reads that no input declares gets a
// possible edge to the variable of that name.
func (v *view) linkGitLabVariables() {
	var declared []gitlabVariable
	for _, n := range v.byKind[graph.NodeSecret] {
		if n.Attr(graph.AttrProvider) != "gitlab" || n.Attr("type") != "ci-variable" {
			continue
		}
		if p := n.Attr("protected"); p != "true" && p != "false" {
			continue
		}
		scope := n.Attr("environment_scope")
		if scope == "" {
			scope = "*"
		}
		declared = append(declared, gitlabVariable{node: n, name: n.Attr(graph.AttrName), scope: scope})
	}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") != "gitlab-job" {
			continue
		}
		project := rt.Attr(graph.AttrRepository)
		var all *graph.Edge
		for _, e := range v.edgesFrom(graph.EdgeExposes, rt.ID) {
			if e.To == graph.GitLabAllVariablesID(project) {
				all = &e
				break
			}
		}
		if all == nil {
			continue // the job never runs, or runs no code of its own
		}
		known := map[string]bool{}
		for _, d := range declared {
			if !d.visibleTo(project) {
				continue
			}
			known[d.name] = true
			if e, ok := gitlabVariableEdge(rt, d, *all); ok {
				v.addEdge(e)
			}
		}
		files := graph.SplitList(all.Attr("file_reads"))
		for _, name := range graph.SplitList(all.Attr("reads")) {
			if known[name] {
				continue
			}
			v.addEdge(readVariableEdge(rt, project, name, contains(files, name), *all))
		}
		v.composeVariables(rt, project, known, *all)
	}
}

// composeVariables gives a job the CI/CD variables that the builds of its
// Compose commands read (readComposeBuilds), as readVariableEdge does for
// those its scripts read: Compose takes them from the job's environment.
func (v *view) composeVariables(rt graph.Node, project string, known map[string]bool, all graph.Edge) {
	reads := graph.SplitList(all.Attr("reads"))
	for _, name := range v.composeVars[rt.ID] {
		if known[name] || contains(reads, name) || strings.HasPrefix(name, "CI_") || strings.HasPrefix(name, "GITLAB_") {
			continue
		}
		id := graph.GitLabVariableID(project, name)
		v.addNode(graph.Node{ID: id, Kind: graph.NodeSecret, Label: name, Pos: all.Pos, Attrs: map[string]string{
			graph.AttrProvider: "gitlab", "type": "ci-variable", graph.AttrName: name, graph.AttrRepository: project, graph.AttrLongLived: "true",
		}})
		e := readVariableEdge(rt, project, name, false, all)
		e.SetAttr(graph.AttrReason, "the job runs Docker Compose, whose Compose file reads $"+name+" for a build; the job's file does not set it: a CI/CD variable of that name reaches it, if one exists")
		v.addEdge(e)
	}
}

// visibleTo reports whether a project receives the variable: its own, or
// one of a group the project path lies under.
func (d gitlabVariable) visibleTo(project string) bool {
	if g := d.node.Attr("group"); g != "" {
		return strings.HasPrefix(project, g+"/")
	}
	return d.node.Attr(graph.AttrRepository) == project
}

// gitlabVariableEdge decides whether a declared variable reaches a job.
func gitlabVariableEdge(rt graph.Node, d gitlabVariable, all graph.Edge) (graph.Edge, bool) {
	conf := all.Confidence
	if rt.Attr("runs") == "possible" {
		conf = graph.Possible
	}
	var reasons []string
	if d.node.Attr("protected") == "true" {
		switch rt.Attr("protected_ref") {
		case "false":
			return graph.Edge{}, false
		case "true":
			reasons = append(reasons, "it is protected and the job runs only on protected refs")
		default:
			conf = graph.Possible
			reasons = append(reasons, "it is protected and the job may run on a protected ref")
		}
	}
	if d.scope != "*" {
		env := rt.Attr("environment")
		switch {
		case env == "":
			return graph.Edge{}, false
		case rt.Attr("environment_dynamic") == "true":
			conf = graph.Possible
			reasons = append(reasons, fmt.Sprintf("its environment scope %s may match the environment the job names at run time", d.scope))
		case awspolicy.Glob(d.scope, env):
			reasons = append(reasons, fmt.Sprintf("its environment scope %s matches the job's environment %s", d.scope, env))
		default:
			return graph.Edge{}, false
		}
	}

	owner := "project " + d.node.Attr(graph.AttrRepository)
	if g := d.node.Attr("group"); g != "" {
		owner = "group " + g
	}
	reason := fmt.Sprintf("GitLab hands CI/CD variable %s of %s to the job", d.name, owner)
	if len(reasons) > 0 {
		reason += ": " + strings.Join(reasons, "; ")
	}
	e := graph.Edge{From: rt.ID, To: d.node.ID, Kind: graph.EdgeExposes, Confidence: conf, Pos: all.Pos}
	e.SetAttr(graph.AttrVia, "ci-variable")
	e.SetAttr(graph.AttrName, d.name)
	e.SetAttr("protected", d.node.Attr("protected"))
	e.SetAttr("environment_scope", d.scope)
	if d.node.Attr("masked") == "true" {
		e.SetAttr("masked", "true")
	}
	if d.node.Attr("variable_type") == "file" {
		e.SetAttr("file", "true")
	}
	copyExposure(&e, all)
	e.SetAttr(graph.AttrReason, reason)
	return e, true
}

// readVariableEdge is the edge of a variable a job reads that no input
// declares: it reaches the job if one of that name exists.
func readVariableEdge(rt graph.Node, project, name string, file bool, all graph.Edge) graph.Edge {
	e := graph.Edge{From: rt.ID, To: graph.GitLabVariableID(project, name), Kind: graph.EdgeExposes,
		Confidence: graph.Possible, Pos: all.Pos}
	e.SetAttr(graph.AttrVia, "ci-variable")
	e.SetAttr(graph.AttrName, name)
	if file {
		e.SetAttr("file", "possible")
	}
	copyExposure(&e, all)
	e.SetAttr(graph.AttrReason, "the job reads $"+name+", which its file does not set: a CI/CD variable of that name reaches it, if one exists")
	return e
}

// copyExposure copies the attributes that describe where a job runs.
func copyExposure(e *graph.Edge, all graph.Edge) {
	for _, k := range []string{"pipeline_sources", "protected_ref", "environment"} {
		if s := all.Attr(k); s != "" {
			e.SetAttr(k, s)
		}
	}
}
