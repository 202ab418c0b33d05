package link

import (
	"cmp"
	"log/slog"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// Workload attributes that the Kubernetes ingester sets on a workload
// read from a file of a repository: the repository's id and the file's
// path in it.
const (
	attrManifestRepo = "manifest_repo"
	attrManifest     = "manifest"
)

// helmReleaseLabels are the pod labels by which a chart's rendered
// workloads name their release: the one Helm's own chart template puts
// in its selector labels, and the one older charts use.
var helmReleaseLabels = []string{"app.kubernetes.io/instance", "release"}

// linkKubeApplies gives each CI job that applies Kubernetes manifests or
// a chart (pkgcmd.AttrKubeApplies) CAN_MODIFY to the workloads they
// declare. The job holds credentials that can change those workloads, so
// code that runs in it can apply a changed manifest that runs its own
// image as the workload's service account, with the workload's Secrets
// and cloud identity.
//
// kubectl apply -f PATH targets the workloads that the manifests of the
// job's repository at PATH declare: the file itself, the files of a
// folder, or with -R the files below it too. These are certain. -n NS
// puts a manifest that names no namespace (read in default) in NS, so the
// workload that another input declares in NS with the same kind and name
// is a target too. kubectl refuses a manifest that names a namespace
// other than that of -n, and applies nothing from it, so its workloads
// are no target.
//
// kubectl apply -k DIR applies what the kustomization builds, which is
// not rendered here: the workloads that the manifests under DIR declare
// are possible targets, whatever namespace they name, since the
// kustomization may set another. Bases outside DIR are not followed.
//
// A Helm chart is not rendered either. helm install or upgrade of a
// release targets the workloads whose pod labels name the release
// (app.kubernetes.io/instance or release). A rendered copy of the chart
// among the inputs shows them. When the command names a namespace, they
// must be in it. These are possible. A release with no such workload
// makes no edge, and a warning names the job.
//
// An apply whose paths declare no workload makes no edge, and a warning
// counts it.
func (v *view) linkKubeApplies(log *slog.Logger) {
	var idx *kubeApplyIndex
	unmatched := 0
	for _, rt := range v.byKind[graph.NodeRuntime] {
		attr := rt.Attr(pkgcmd.AttrKubeApplies)
		if attr == "" {
			continue
		}
		if idx == nil {
			idx = newKubeApplyIndex(v)
		}
		var releases []string // releases of the job whose workloads no input shows
		for _, a := range pkgcmd.KubeApplies(attr) {
			targets := idx.match(graph.CheckoutRepoIDOf(rt), a)
			if len(targets) == 0 {
				if a.How == pkgcmd.ApplyHelm {
					releases = append(releases, a.Release)
				} else {
					unmatched++
					if log != nil {
						log.Debug("kubectl apply changes no declared workload", "job", rt.ID, "command", a.Command)
					}
				}
				continue
			}
			for _, t := range targets {
				v.applyModifies(rt, a, t)
			}
		}
		if len(releases) > 0 && log != nil {
			log.Warn("the job installs or upgrades Helm releases whose workloads no input shows, since charts are not rendered, so it links to none of them; add the output of helm template or helm get manifest to see them",
				"job", rt.ID, "releases", strings.Join(releases, " "))
		}
	}
	if unmatched > 0 && log != nil {
		log.Warn("kubectl applies link to no workload because no manifest of the job's repository at the paths they name declares one (--log-level debug lists each)",
			"count", unmatched)
	}
}

// applyWorkload is a workload as an apply matches it.
type applyWorkload struct {
	node     graph.Node
	manifest string // the declaring file, relative to its repository
	ns       string
	nsUnset  bool
	labels   []string
}

// kubeApplyIndex holds the Kubernetes workloads by the repository whose
// file declares them, and by namespace, kind and name.
type kubeApplyIndex struct {
	byRepo map[string][]applyWorkload
	all    []applyWorkload
	byName map[[3]string]graph.Node
}

func newKubeApplyIndex(v *view) *kubeApplyIndex {
	idx := &kubeApplyIndex{byRepo: map[string][]applyWorkload{}, byName: map[[3]string]graph.Node{}}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") != "k8s-workload" {
			continue
		}
		w := applyWorkload{node: rt, manifest: rt.Attr(attrManifest), ns: rt.Attr("namespace"),
			nsUnset: rt.Attr(attrNamespaceUnset) == "true", labels: graph.SplitList(rt.Attr("pod_labels"))}
		idx.all = append(idx.all, w)
		idx.byName[[3]string{w.ns, rt.Attr("kind"), rt.Attr(graph.AttrName)}] = rt
		if len(rt.Facts) == 0 {
			if repo := rt.Attr(attrManifestRepo); repo != "" && w.manifest != "" {
				idx.byRepo[repo] = append(idx.byRepo[repo], w)
			}
			continue
		}
		// Manifests of several repositories or files declare the
		// workload, and an apply of any of them changes it.
		seen := map[[2]string]bool{}
		for _, f := range rt.Facts {
			repo, manifest := f.Attrs[attrManifestRepo], f.Attrs[attrManifest]
			if repo == "" || manifest == "" || seen[[2]string{repo, manifest}] {
				continue
			}
			seen[[2]string{repo, manifest}] = true
			fw := w
			fw.manifest = manifest
			fw.nsUnset = f.Attrs[attrNamespaceUnset] == "true"
			idx.byRepo[repo] = append(idx.byRepo[repo], fw)
		}
	}
	return idx
}

// applyTarget is a workload an apply changes, the file that declares it,
// how sure that is, and a clause the reason adds.
type applyTarget struct {
	node graph.Node
	file string
	conf graph.Confidence
	note string
}

// match returns the workloads that apply a of a job whose checkout is the
// repository repo changes.
func (idx *kubeApplyIndex) match(repo string, a pkgcmd.KubeApply) []applyTarget {
	var out []applyTarget
	seen := map[string]bool{}
	add := func(t applyTarget) {
		if !seen[t.node.ID] {
			seen[t.node.ID] = true
			out = append(out, t)
		}
	}
	switch a.How {
	case pkgcmd.ApplyFiles:
		for _, w := range idx.byRepo[repo] {
			if !slices.ContainsFunc(a.Paths, func(p string) bool { return appliesFile(p, a.Recursive, w.manifest) }) {
				continue
			}
			switch {
			case a.Namespace == "" || w.ns == a.Namespace && !w.nsUnset:
				add(applyTarget{node: w.node, file: w.manifest, conf: graph.Certain})
			case w.nsUnset:
				note := "the manifest names no namespace, so -n " + a.Namespace + " puts the workload in namespace " + a.Namespace
				add(applyTarget{node: w.node, file: w.manifest, conf: graph.Certain, note: note})
				if other, ok := idx.byName[[3]string{a.Namespace, w.node.Attr("kind"), w.node.Attr(graph.AttrName)}]; ok {
					add(applyTarget{node: other, file: w.manifest, conf: graph.Certain, note: note + ", where another input declares it"})
				}
			}
		}
	case pkgcmd.ApplyKustomize:
		for _, w := range idx.byRepo[repo] {
			if slices.ContainsFunc(a.Paths, func(p string) bool { return appliesFile(p, true, w.manifest) }) {
				add(applyTarget{node: w.node, file: w.manifest, conf: graph.Possible,
					note: "possible: the kustomization is not rendered, so it is taken to build every manifest under " + a.Paths[0]})
			}
		}
	case pkgcmd.ApplyHelm:
		for _, w := range idx.all {
			if a.Namespace != "" && w.ns != a.Namespace && !w.nsUnset {
				continue
			}
			for _, k := range helmReleaseLabels {
				if slices.Contains(w.labels, k+"="+a.Release) {
					add(applyTarget{node: w.node, file: w.manifest, conf: graph.Possible,
						note: "possible: the chart is not rendered, and the workload's pod label " + k + "=" + a.Release + " names the release"})
					break
				}
			}
		}
	}
	return out
}

// appliesFile reports whether kubectl -f p, with -R when recursive, reads
// the file at rel: p itself, a file of the folder p, with recursive one
// below it, or a file that p matches as a shell pattern.
func appliesFile(p string, recursive bool, rel string) bool {
	if rel == "" {
		return false
	}
	if strings.ContainsAny(p, "*?[") {
		ok, _ := path.Match(p, rel)
		return ok
	}
	switch {
	case rel == p:
		return true
	case p == ".":
		return recursive || !strings.Contains(rel, "/")
	case recursive:
		return strings.HasPrefix(rel, p+"/")
	}
	return path.Dir(rel) == p
}

// applyModifies gives job rt CAN_MODIFY to the workload that apply a
// changes, unless it has one already.
func (v *view) applyModifies(rt graph.Node, a pkgcmd.KubeApply, t applyTarget) {
	if v.modifies(rt.ID, t.node.ID) {
		return
	}
	at := cmp.Or(rt.Attr("workflow"), rt.Attr("file"), filepath.Base(rt.Pos.File))
	if a.Line > 0 {
		at += ":" + strconv.Itoa(a.Line)
	}
	what := t.file
	if a.How == pkgcmd.ApplyHelm {
		what = "the chart of release " + a.Release
	}
	reason := rt.Label + " applies " + what + " (" + a.Command + " at " + at + ") with the cluster credentials it holds, so code that runs in the job can change " +
		t.node.Label + " to run its own image as the workload's service account"
	if t.note != "" {
		reason += "; " + t.note
	}
	pos := rt.Pos
	if a.Line > 0 && rt.Pos.File != "" {
		pos = graph.Pos{File: rt.Pos.File, Line: a.Line}
	}
	e := graph.Edge{From: rt.ID, To: t.node.ID, Kind: graph.EdgeCanModify, Confidence: t.conf, Pos: pos}
	e.SetAttr(graph.AttrVia, "apply")
	if t.file != "" {
		e.SetAttr(attrManifest, t.file)
	}
	e.SetAttr(graph.AttrReason, reason)
	v.addEdge(e)
}
