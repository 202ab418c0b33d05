package link

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// linkTerraformDeploys makes each function whose code Terraform, a
// CloudFormation or SAM template or the Serverless Framework deploys from a
// folder of a repository execute the packages that the folder's lockfiles
// lock, as linkDeploys does for the folders CI jobs deploy. The folders are
// those of graph.AttrCodeFrom: an archive_file of the folder uploaded as
// the function's zip, its layer's zip or its Cloud Storage source, a
// template's CodeUri, or a service's folder. Each names the tool that
// deploys it (graph.CodeSource.Tool). The function loads the packages each
// time it runs, with its role or service account.
//
// Only packages the function needs at run time count: install scripts
// ran where the folder was installed, and packages that only development
// needs are left out. Only a lockfile in the folder counts: the archive
// holds the folder and nothing above it, so a workspace root's lockfile
// puts no package in it. A layer's packages may also be locked in its
// nodejs or python folder, as
// Lambda expects a layer's packages there. An archive of one file
// (source_file) holds no installed packages, so its folder's packages
// are possible ones: the file runs them only when it bundles them or a
// layer supplies them.
func (v *view) linkTerraformDeploys() {
	for _, fn := range v.byKind[graph.NodeRuntime] {
		attr := fn.Attr(graph.AttrCodeFrom)
		if attr == "" {
			continue
		}
		for _, src := range graph.CodeSources(attr) {
			v.codeExecutes(fn, src)
		}
	}
}

// codeExecutes makes fn execute the packages that the lockfiles of the
// folder src lock.
func (v *view) codeExecutes(fn graph.Node, src graph.CodeSource) {
	locks := v.edgesFrom(graph.EdgeLocks, src.Repo)
	dirs := codeLockDirs(src, locks)
	doubt := ""

	shipped := "folder " + src.Dir
	if src.Dir == "." {
		shipped = "the root folder"
	}
	if src.File != "" {
		shipped = "file " + src.File
	}
	tool := "Terraform"
	if src.Tool != "" {
		tool = src.Tool
	}
	deploy := tool + " deploys " + shipped + " of " + repoName(src.Repo) + " to " + fn.Label
	loads := "the function loads it when it runs"
	if src.Layer != "" {
		deploy = tool + " deploys " + shipped + " of " + repoName(src.Repo) + " as layer " + src.Layer + " of " + fn.Label
		loads = "the function loads its layer's packages when it runs"
	}
	if src.By != "" {
		deploy += " (" + src.By + ")"
	}
	if src.File != "" {
		doubt = "the archive contains only " + src.File + ", which runs the packages locked beside it only when it bundles them or a layer supplies them"
	}

	for _, lock := range locks {
		lockfile := lock.Attr(graph.AttrLockfile)
		if lockfile == "" || lock.Attr("replaced_by") != "" || lock.Attr("dev") == "true" {
			continue
		}
		if !dirs[path.Dir(path.Clean(lockfile))] {
			continue
		}
		pkg, ok := v.node(lock.To)
		if !ok || ecosystemOf[pkg.Attr("ecosystem")] == "" {
			continue
		}
		c := lock.Confidence
		if c == "" {
			c = graph.Certain
		}
		reason := deploy + ", and " + lockfile + " locks " + graph.ReadableID(lock.To) + ": " + loads
		if doubt != "" {
			c = c.Weaker(graph.Possible)
			reason += "; possible: " + doubt
		}
		e := graph.Edge{From: fn.ID, To: lock.To, Kind: graph.EdgeExecutes, Confidence: c, Pos: lock.Pos}
		e.SetAttr(graph.AttrVia, "deploy")
		e.SetAttr(attrPhase, phaseRun)
		e.SetAttr(graph.AttrLockfile, lockfile)
		e.SetAttr("archived_by", src.By)
		e.SetAttr("layer", src.Layer)
		e.SetAttr(graph.AttrReason, reason)
		v.addEdge(e)
	}
}

// codeLockDirs returns the folders whose lockfiles the deployed folder of
// src runs: the folder itself, and for a layer its nodejs and python
// folders too.
func codeLockDirs(src graph.CodeSource, locks []graph.Edge) map[string]bool {
	dir := path.Clean(src.Dir)
	if src.Layer != "" {
		lockDirs := map[string]bool{}
		for _, l := range locks {
			if f := l.Attr(graph.AttrLockfile); f != "" {
				lockDirs[path.Dir(path.Clean(f))] = true
			}
		}
		dirs := map[string]bool{}
		for _, d := range []string{dir, path.Join(dir, "nodejs"), path.Join(dir, "python")} {
			if lockDirs[d] {
				dirs[d] = true
			}
		}
		if len(dirs) > 0 {
			return dirs
		}
	}
	return map[string]bool{dir: true}
}

// repoName returns a repository id without its repo: prefix, and without
// the host when that is github.com.
func repoName(id string) string {
	name := strings.TrimPrefix(id, "repo:")
	return strings.TrimPrefix(name, "github.com/")
}
