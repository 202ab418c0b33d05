package dockerfile

import (
	"fmt"
	"strconv"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// emit writes the file's node, the image of its last stage, and a node
// for each named stage before it (graph.DockerfileStageID), the image of
// a build with --target NAME. Each node gets the attributes and
// DEPENDS_ON edges of its stage and the stages that stage uses.
func (d *document) emit() {
	d.res.Records = len(d.stages)
	if len(d.stages) == 0 {
		return
	}
	w := &writer{d: d, nodes: map[string]bool{}, edges: map[string]bool{}}
	last := len(d.stages) - 1
	used := d.used(last)
	d.emitStage(w, d.id, last, used)
	d.imageLiterals(used)
	for _, s := range d.stages[:last] {
		if s.name == "" || d.stageNamed(s.name, s.index) >= 0 {
			// BuildKit refuses a file that names two stages alike, and
			// --target cannot name a stage without a name.
			continue
		}
		d.emitStage(w, graph.DockerfileStageID(d.id, s.name), s.index, d.used(s.index))
	}
}

// emitStage writes the node id of the image that stage root makes, and
// its DEPENDS_ON edges, from the stages it uses (used).
func (d *document) emitStage(w *writer, id string, root int, used []*stage) {
	ins := d.installs(used)
	attrs := map[string]string{
		"ecosystem":    "dockerfile",
		graph.AttrName: d.f.RelPath,
		"path":         d.f.RelPath,
		"stages":       strconv.Itoa(len(d.stages)),
		"last_stage":   d.stages[len(d.stages)-1].label(),
	}
	if d.f.Repo != "" {
		attrs[graph.AttrRepository] = d.f.Repo
		if h := graph.RepoHostAttr(d.f.Forge()); h != "" {
			attrs[graph.AttrRepositoryHost] = h
		}
	}
	rootStage := d.stages[root]
	if id != d.id {
		attrs[graph.AttrStage] = rootStage.name
		attrs[graph.AttrStageOf] = d.id
	}
	if len(d.args) > 0 {
		attrs["build_args"] = graph.JoinList(d.args)
	}
	for k, v := range installAttrs(ins) {
		if v != "" {
			attrs[k] = v
		}
	}
	for k, v := range d.buildInputAttrs(used, ins) {
		if v != "" {
			attrs[k] = v
		}
	}
	if refs, defaults := d.fromArgs(used); len(refs) > 0 {
		attrs[graph.AttrFromArgs] = graph.JoinList(refs)
		if len(defaults) > 0 {
			attrs[graph.AttrFromArgDefaults] = graph.JoinList(defaults)
		}
	}
	logins, envArgs := d.argLogins(used, root)
	if len(logins) > 0 {
		attrs[graph.AttrArgLogins] = graph.JoinList(logins)
	}
	if len(envArgs) > 0 {
		attrs[graph.AttrEnvArgs] = graph.JoinList(envArgs)
	}
	label := d.f.RelPath
	if d.f.Repo != "" {
		label = d.f.Repo + "/" + d.f.RelPath
	}
	rootName := "the image's last stage"
	if id != d.id {
		label += "#" + rootStage.name
		rootName = "stage " + rootStage.name
	}
	line := 1
	if id != d.id {
		line = rootStage.line
	}
	d.res.AddNode(graph.Node{ID: id, Kind: graph.NodePackage, Label: label, Attrs: attrs, Pos: graph.Pos{File: d.f.Path, Line: line}})
	w.nodes[id] = true

	for _, s := range used {
		if s.hasImg {
			reason := fmt.Sprintf("the image is built FROM %s, in stage %s", refText(s.img), s.label())
			if s.index != root {
				reason = fmt.Sprintf("stage %s is built FROM %s, and %s builds on, copies from or mounts it", s.label(), refText(s.img), rootName)
			}
			w.image(id, s.img, viaBaseImage, s.label(), s.line, graph.Certain, reason)
		}
		for _, u := range s.uses {
			if u.stage >= 0 {
				continue
			}
			ref := refText(u.img)
			if u.via == viaCopyFrom {
				w.image(id, u.img, u.via, s.label(), u.line, graph.Certain, "COPY --from copies files of "+ref+" into stage "+s.label())
				continue
			}
			w.image(id, u.img, u.via, s.label(), u.line, graph.Possible,
				"a RUN of stage "+s.label()+" mounts "+ref+", whose files its commands may run or copy into the image")
		}
	}
	for _, in := range ins {
		for _, n := range in.eff.Named {
			if n.Version != "" {
				w.named(id, n, in.line)
			}
		}
	}
}

// refText writes an image reference as Docker does: NAME@DIGEST, or
// NAME:TAG.
func refText(img image.Ref) string {
	if img.Digest != "" {
		return img.Name() + "@" + img.Digest
	}
	return img.Name() + ":" + img.Version()
}

// installAttrs sums up the project installs of the RUN commands: the
// ecosystems, those whose installs all leave out development
// dependencies or install scripts, and the build context folder each
// install reads its lockfile from.
func installAttrs(ins []install) map[string]string {
	var effs []pkgcmd.Effect
	var sources []string
	for _, in := range ins {
		e := in.eff
		if !e.Install || e.Tool {
			continue
		}
		effs = append(effs, e)
		if in.folder != "" {
			sources = append(sources, e.Eco+"="+in.folder+"@"+strconv.Itoa(in.line))
		}
	}
	if len(effs) == 0 {
		return nil
	}
	all := pkgcmd.Attrs(effs)
	return map[string]string{
		pkgcmd.AttrInstalls:      all[pkgcmd.AttrInstalls],
		pkgcmd.AttrDevOff:        all[pkgcmd.AttrDevOff],
		pkgcmd.AttrDevOffBerry:   all[pkgcmd.AttrDevOffBerry],
		pkgcmd.AttrScriptsOff:    all[pkgcmd.AttrScriptsOff],
		graph.AttrInstallSources: graph.JoinList(sources),
	}
}

// writer writes nodes and edges once each.
type writer struct {
	d     *document
	nodes map[string]bool
	edges map[string]bool
}

func (w *writer) node(n graph.Node) {
	if w.nodes[n.ID] {
		return
	}
	w.nodes[n.ID] = true
	w.d.res.AddNode(n)
}

// edge writes an edge unless one of the same kind joins the same nodes.
func (w *writer) edge(e graph.Edge) {
	k := string(e.Kind) + " " + e.From + " " + e.To
	if w.edges[k] {
		return
	}
	w.edges[k] = true
	w.d.res.AddEdge(e)
}

// image writes an image's version and name nodes and the DEPENDS_ON edge
// from the node from, of the Dockerfile or one of its stages, to the
// version.
func (w *writer) image(from string, img image.Ref, via, stage string, line int, conf graph.Confidence, reason string) {
	pos := graph.Pos{File: w.d.f.Path, Line: line}
	ver, name := img.PURL(true), img.PURL(false)
	w.node(graph.Node{ID: ver, Kind: graph.NodePackage, Label: img.Name() + "@" + img.Version(), Pos: pos,
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: img.Name(), "version": img.Version()}})
	w.node(graph.Node{ID: name, Kind: graph.NodePackage, Label: img.Name(), Pos: pos,
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: img.Name()}})
	w.edge(graph.Edge{From: ver, To: name, Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: pos})
	w.edge(graph.Edge{From: from, To: ver, Kind: graph.EdgeDependsOn, Confidence: conf, Pos: pos, Attrs: map[string]string{
		graph.AttrVia: via, "pinned": img.Pinned(), "stage": stage, graph.AttrReason: reason,
	}})
}

// named writes a package that a RUN command installs by name with an
// exact version, and the DEPENDS_ON edge from the node from to it.
func (w *writer) named(from string, n pkgcmd.NamedInstall, line int) {
	pos := graph.Pos{File: w.d.f.Path, Line: line}
	nameAttrs, verAttrs := n.NodeAttrs()
	w.node(graph.Node{ID: n.NameID(), Kind: graph.NodePackage, Label: n.Name, Pos: pos, Attrs: nameAttrs})
	w.node(graph.Node{ID: n.ID(), Kind: graph.NodePackage, Label: n.Name + "@" + n.Version, Pos: pos, Attrs: verAttrs})
	w.edge(graph.Edge{From: n.ID(), To: n.NameID(), Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: pos})
	w.edge(graph.Edge{From: from, To: n.ID(), Kind: graph.EdgeDependsOn, Confidence: n.Confidence(), Pos: pos,
		Attrs: n.EdgeAttrsBy("the RUN instruction at line " + strconv.Itoa(line))})
}
