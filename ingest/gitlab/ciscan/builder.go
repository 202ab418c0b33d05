package ciscan

import (
	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// Builder appends facts to a Result once each. A node or edge met again
// keeps its first position and only gains the attributes it lacked, except
// that a job's EXECUTES edge to a name admits the versions each run
// requests (pkgcmd.MergeRequests). An edge met again as certain becomes
// certain.
type Builder struct {
	file  string
	res   *ingest.Result
	nodes map[string]int
	edges map[graph.EdgeKey]int
}

// NewBuilder returns a Builder that writes facts of file to res.
func NewBuilder(file string, res *ingest.Result) *Builder {
	return &Builder{file: file, res: res, nodes: map[string]int{}, edges: map[graph.EdgeKey]int{}}
}

// Attrs is a set of attributes. Empty values are not stored.
type Attrs map[string]string

func (a Attrs) clean() map[string]string {
	out := map[string]string{}
	for k, v := range a {
		if v != "" {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Node adds a node, or the attributes it lacked to one added before.
func (b *Builder) Node(id string, kind graph.NodeKind, label string, line int, a Attrs) {
	if i, ok := b.nodes[id]; ok {
		n := &b.res.Nodes[i]
		for k, v := range a.clean() {
			if n.Attr(k) == "" {
				n.SetAttr(k, v)
			}
		}
		return
	}
	b.nodes[id] = len(b.res.Nodes)
	b.res.AddNode(graph.Node{ID: id, Kind: kind, Label: label, Attrs: a.clean(), Pos: graph.Pos{File: b.file, Line: line}})
}

// SetAttr replaces an attribute of a node added before.
func (b *Builder) SetAttr(id, key, value string) {
	if i, ok := b.nodes[id]; ok {
		b.res.Nodes[i].SetAttr(key, value)
	}
}

// Edge adds an edge, or the attributes it lacked to one added before.
func (b *Builder) Edge(from string, kind graph.EdgeKind, to string, conf graph.Confidence, line int, a Attrs) {
	key := graph.EdgeKey{From: from, Kind: kind, To: to}
	if i, ok := b.edges[key]; ok {
		e := &b.res.Edges[i]
		if kind == graph.EdgeExecutes {
			// Another run of one name: the edge admits the versions of each.
			e.Attrs = pkgcmd.MergeRequests(to, e.Attrs, a)
		}
		for k, v := range a.clean() {
			if e.Attr(k) == "" {
				e.SetAttr(k, v)
			}
		}
		if conf == graph.Certain {
			e.Confidence = graph.Certain
		}
		return
	}
	b.edges[key] = len(b.res.Edges)
	b.res.AddEdge(graph.Edge{From: from, To: to, Kind: kind, Confidence: conf, Attrs: a.clean(), Pos: graph.Pos{File: b.file, Line: line}})
}

// Release is a package release of a CI job, as ReleaseReach writes it.
type Release struct {
	// Account is the registry account the release logs in as.
	Account string
	// Host is the registry, and Eco its ecosystem: "npm", "pypi", "cargo",
	// "gem", "maven" or "nuget".
	Host, Eco string
	// Login describes how the job logs in: "with $NPM_TOKEN".
	Login string
	// Maybe marks a tool that releases only when its configuration
	// enables it. HostUnknown marks a registry set at run time, for which
	// Host is the registry the release goes to without that setting.
	Maybe, HostUnknown bool
	// YarnrcUnread marks the login of an .npmrc token by yarn npm
	// publish, which sends it only if .yarnrc.yml names it.
	YarnrcUnread bool
	// Project is the repository whose top-level package the release
	// publishes, or "" when it publishes another (a folder, workspaces, a
	// package on another registry).
	Project string
	// ProjectHost is the forge host of Project, as graph.RepoID takes it.
	ProjectHost string
	Line        int
}

// ReleaseReach writes what a registry account that a release of a CI job
// logs in as can publish: every package on the registry host, since the
// input does not show which ones the account maintains. A release of the
// repository's own package also marks the account for the linker, which
// joins it to the name the repository's lockfile gives.
func (b *Builder) ReleaseReach(r Release) {
	a := Attrs{"ecosystem": r.Eco}
	if r.Project != "" && !r.HostUnknown && r.Host == registry.DefaultRegistry(r.Eco) {
		a[graph.AttrRepository] = r.Project
		a[graph.AttrRepositoryHost] = graph.RepoHostAttr(r.ProjectHost)
		a[graph.AttrReleasesProject] = "true"
		if !r.Maybe && !r.YarnrcUnread {
			a[graph.AttrReleasesProjectCertain] = "true"
		}
	}
	b.Node(r.Account, graph.NodeIdentity, "", r.Line, a)
	scope := graph.RegistryScopeID(r.Host)
	b.Node(scope, graph.NodeResource, "packages published to "+r.Host, r.Line, Attrs{
		graph.AttrProvider: "registry", "type": "registry-scope", "registry": r.Host, "scope": "true", "ecosystem": r.Eco,
	})
	conf := graph.Certain
	text := "the job publishes to " + r.Host + " " + r.Login + "; a registry token may publish every package its account maintains unless it was made for fewer, which the input does not show"
	if r.Maybe {
		conf = graph.Possible
		text += "; the tool publishes to " + r.Host + " only when its configuration enables it"
	}
	if r.HostUnknown {
		conf = graph.Possible
		text += "; the registry is set at run time, and taken here to be " + r.Host
	}
	if r.YarnrcUnread {
		conf = graph.Possible
		text += "; yarn npm publish sends the token only if .yarnrc.yml, which the input does not show, names it"
	}
	b.Edge(r.Account, graph.EdgeCanAccess, scope, conf, r.Line, Attrs{graph.AttrReason: text, graph.AttrLevel: "write"})
}

// ToolRun writes a package that a script of job fetches from a registry
// by name and runs (registry.ToolRuns): its Package nodes and the job's
// EXECUTES edge to the version the command pins, or else to the name.
// installed reports whether the job installs the project's packages of
// the run's ecosystem (pkgcmd.ProjectInstall).
func (b *Builder) ToolRun(job string, r registry.ToolRun, line int, installed bool) {
	name, ver := r.Nodes(r.Eco)
	b.Node(name.ID, graph.NodePackage, name.Label, line, name.Attrs)
	target := name.ID
	if ver != nil {
		b.Node(ver.ID, graph.NodePackage, ver.Label, line, ver.Attrs)
		b.Edge(ver.ID, graph.EdgeVersionOf, name.ID, graph.Certain, line, nil)
		target = ver.ID
	}
	conf, a := r.Exec(installed)
	b.Edge(job, graph.EdgeExecutes, target, conf, line, a)
}

// PushedImage writes an image that a job builds and pushes: the image's
// name node, which CAN_PUBLISH targets, and its DEPENDS_ON edge. The edge
// goes to the Dockerfile at file, or to the stage the build targets
// (registry.Build.BuiltNode), and is possible when a variable names the
// target. file and ctx are relative to the root of repository repo.
func (b *Builder) PushedImage(bi registry.BuiltImage, repoID, repo, file, ctx string) {
	name := bi.Image.PURL(false)
	b.Node(name, graph.NodePackage, bi.Image.Name(), bi.Line, Attrs{"ecosystem": "docker", graph.AttrName: bi.Image.Name()})
	dockerfile := graph.DockerfileID(repoID, file)
	b.Node(dockerfile, graph.NodePackage, repo+"/"+file, bi.Line, Attrs{
		"ecosystem": "dockerfile", graph.AttrName: file, "path": file, graph.AttrRepository: repo,
	})
	conf := graph.Certain
	if bi.Build.TargetUnknown {
		conf = graph.Possible
	}
	built := bi.Build.BuiltNode(dockerfile)
	if built != dockerfile {
		b.Node(built, graph.NodePackage, repo+"/"+file+"#"+bi.Build.Target, bi.Line, bi.Build.StageNodeAttrs(dockerfile, file, repo))
	}
	b.Edge(name, graph.EdgeDependsOn, built, conf, bi.Line, bi.Build.TargetAttrs(Attrs{
		graph.AttrBuildContext: ctx, graph.AttrDockerfile: file,
		graph.AttrReason: bi.Build.PushReason(file, ctx),
	}))
}
