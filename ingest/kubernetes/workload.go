package kubernetes

import (
	pathpkg "path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// workload reads the pod spec of a workload object: its service account,
// images, the Secrets it reads, and whether it can take over its node.
func (r *reader) workload(o *object) {
	id := graph.K8sWorkloadID(o.ns, o.kind, o.name)
	rt := newNode(id, graph.NodeRuntime, o.kind+" "+o.ns+"/"+o.name, "k8s-workload")
	rt.SetAttr("kind", o.kind)
	rt.SetAttr("namespace", o.ns)
	if o.nsUnset {
		rt.SetAttr(attrNamespaceUnset, "true")
	}
	rt.SetAttr(graph.AttrName, o.name)
	if r.f.Repo != "" {
		// The linker finds the workloads that a CI job's kubectl apply
		// of a path of the same repository changes.
		rt.SetAttr(attrManifestRepo, r.f.RepoID())
		rt.SetAttr(attrManifest, r.f.RelPath)
	}
	if ls := podLabels(o); len(ls) > 0 {
		rt.SetAttr(attrPodLabels, graph.JoinList(ls))
	}

	spec := dig(o.n, workloadKinds[o.kind]...)
	if spec == nil || spec.Kind != yaml.MappingNode {
		r.warnf(o.line, "%s %s has no pod spec: only the workload is recorded", o.kind, label(o.ns, o.name))
		r.node(rt, o.line, true)
		return
	}
	p := &pod{r: r, o: o, id: id, spec: spec, mounted: map[string]bool{}}

	sa := str(get(spec, "serviceAccountName"))
	if sa == "" {
		sa = str(get(spec, "serviceAccount")) // the deprecated alias
	}
	if sa == "" {
		sa = "default"
	}
	rt.SetAttr("service_account", sa)
	if v, ok := boolean(get(spec, "automountServiceAccountToken")); ok {
		rt.SetAttr("automount_token", boolText(v))
	}
	for _, k := range []string{"hostPID", "hostIPC", "hostNetwork"} {
		if v, _ := boolean(get(spec, k)); v {
			rt.SetAttr(snake(k), "true")
		}
	}

	containers := p.containers()
	for _, c := range containers {
		for _, m := range items(get(c, "volumeMounts")) {
			p.mounted[str(get(m, "name"))] = true
		}
	}
	var names []string
	for _, c := range containers {
		p.container(c)
		if name := str(get(c, "name")); name != "" {
			names = append(names, name)
		}
	}
	p.volumes()

	if len(names) > 0 {
		rt.SetAttr("containers", graph.JoinList(names))
	}

	if len(p.images) > 0 {
		rt.SetAttr("images", graph.JoinList(p.images))
	}
	if len(p.hostPaths) > 0 {
		rt.SetAttr("host_paths", graph.JoinList(p.hostPaths))
	}
	if p.privileged {
		rt.SetAttr("privileged", "true")
	}
	if len(p.audiences) > 0 {
		rt.SetAttr("projected_token_audiences", graph.JoinList(p.audiences))
	}
	if p.apiToken {
		rt.SetAttr("projected_token", "true")
	}
	r.node(rt, o.line, true)
	r.node(serviceAccountNode(o.ns, sa), line(get(spec, "serviceAccountName"), o.line), false)
	p.flush()
}

// snake turns hostPID into host_pid.
func snake(s string) string {
	var b strings.Builder
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			if i > 0 && !(s[i-1] >= 'A' && s[i-1] <= 'Z') {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// pod gathers the facts of one pod spec.
type pod struct {
	r       *reader
	o       *object
	id      string
	spec    *yaml.Node
	mounted map[string]bool // volume names some container mounts

	images     []string
	hostPaths  []string
	privileged bool
	audiences  []string // audiences of projected service account tokens
	apiToken   bool     // a projected token for the API server's audience
	escapes    []escape
}

// escape is one way a pod can take over its node.
type escape struct {
	tag, reason string
	conf        graph.Confidence
	line        int
}

// containers returns the app, init and ephemeral containers.
func (p *pod) containers() []*yaml.Node {
	var out []*yaml.Node
	for _, k := range []string{"initContainers", "containers", "ephemeralContainers"} {
		out = append(out, items(get(p.spec, k))...)
	}
	return out
}

// credentialName matches environment variable names that hold credentials.
var credentialName = regexp.MustCompile(`(?i)(^|_)(secret|token|password|passwd|pwd|api_?key|access_?key|secret_?key|private_?key|credentials?)(_|$)`)

// accessKeyID matches an AWS access key id.
var accessKeyID = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`)

func (p *pod) container(c *yaml.Node) {
	name := str(get(c, "name"))
	ln := line(c, p.o.line)

	if in := get(c, "image"); in != nil {
		ref := str(in)
		img, ok := image.Parse(ref)
		switch {
		case ok:
			p.image(img, name, p.pullPolicy(c, img, name, ln), line(in, ln))
			p.images = append(p.images, ref)
		case ref != "":
			p.r.warnf(line(in, ln), "%s %s: container %s: image is not a plain image reference: not recorded", p.o.kind, label(p.o.ns, p.o.name), name)
		}
	}

	sc := get(c, "securityContext")
	if v, _ := boolean(get(sc, "privileged")); v {
		p.privileged = true
		p.escapes = append(p.escapes, escape{tag: "privileged", conf: graph.Certain, line: line(get(sc, "privileged"), ln),
			reason: "container " + name + " is privileged: it has every device and capability of the node"})
	}
	for _, cn := range items(dig(sc, "capabilities", "add")) {
		capName := strings.TrimPrefix(strings.ToUpper(str(cn)), "CAP_")
		effect, ok := escapeCaps[capName]
		if !ok {
			continue
		}
		if capName == "SYS_PTRACE" {
			if v, _ := boolean(get(p.spec, "hostPID")); !v {
				continue
			}
		}
		p.escapes = append(p.escapes, escape{tag: "cap:" + capName, conf: graph.Possible, line: line(cn, ln),
			reason: "container " + name + " adds capability " + capName + ", which " + effect + " unless the seccomp or AppArmor profile (not in the input) blocks it"})
	}

	for _, ev := range items(get(c, "env")) {
		p.env(ev, name)
	}
	for _, ef := range items(get(c, "envFrom")) {
		if sn := str(dig(ef, "secretRef", "name")); sn != "" {
			p.exposeSecret(sn, "env", nil, line(ef, ln))
		}
	}
}

// escapeCaps are capabilities known to allow leaving the container, with
// how.
var escapeCaps = map[string]string{
	"ALL":        "includes SYS_ADMIN and SYS_MODULE",
	"SYS_ADMIN":  "can mount the node's file systems or use cgroup release agents",
	"SYS_MODULE": "can load kernel modules",
	"SYS_PTRACE": "with hostPID can attach to the node's processes",
}

func (p *pod) env(ev *yaml.Node, container string) {
	ln := line(ev, p.o.line)
	varName := str(get(ev, "name"))
	if ref := dig(ev, "valueFrom", "secretKeyRef"); ref != nil {
		if sn := str(get(ref, "name")); sn != "" {
			var keys []string
			if k := str(get(ref, "key")); k != "" {
				keys = []string{k}
			}
			p.exposeSecret(sn, "env", keys, ln)
		}
		return
	}

	val := str(get(ev, "value"))
	if val == "" || varName == "" || strings.Contains(val, "$(") {
		return
	}
	if !credentialName.MatchString(varName) && !accessKeyID.MatchString(val) {
		return
	}

	// A credential written into the manifest: only its fingerprint is kept.
	s := newNode(graph.K8sInlineSecretID(p.id, varName), graph.NodeSecret, "literal "+varName+" of "+p.o.kind+" "+p.o.ns+"/"+p.o.name, "env-literal")
	s.SetAttr(graph.AttrName, varName)
	s.SetAttr("namespace", p.o.ns)
	s.SetAttr(graph.AttrStoredInline, "true")
	s.SetAttr(graph.AttrLongLived, "true")
	if p.r.env != nil && p.r.env.Fingerprint != nil {
		s.SetAttr(graph.AttrFingerprint, p.r.env.Fingerprint(val))
	}
	p.r.node(s, ln, true)
	e := graph.Edge{From: p.id, To: s.ID, Kind: graph.EdgeExposes}
	e.SetAttr(graph.AttrVia, "env")
	e.SetAttr(graph.AttrName, varName)
	e.SetAttr("containers", container)
	p.r.edge(e, ln)
}

// exposeSecret records that the pod reads a Secret of its namespace.
func (p *pod) exposeSecret(name, via string, keys []string, ln int) {
	s := secretNode(p.o.ns, name)
	p.r.node(s, ln, false)
	e := graph.Edge{From: p.id, To: s.ID, Kind: graph.EdgeExposes}
	e.SetAttr(graph.AttrVia, via)
	e.SetAttr(graph.AttrName, name)
	if len(keys) > 0 {
		e.SetAttr("keys", graph.JoinList(keys))
	}
	p.r.edge(e, ln)
}

// pullRank orders the values of imagePullPolicy by how often a node pulls
// the image again.
var pullRank = map[string]int{graph.PullNever: 1, graph.PullIfNotPresent: 2, graph.PullAlways: 3}

// pullPolicy returns the imagePullPolicy a container runs img with. A
// container without one gets the API server's default: Always for the tag
// latest or no tag, IfNotPresent for another tag or a digest. For a value
// the API server rejects, pullPolicy warns and returns "".
func (p *pod) pullPolicy(c *yaml.Node, img image.Ref, container string, ln int) string {
	n := get(c, "imagePullPolicy")
	if v := str(n); v != "" {
		if pullRank[v] == 0 {
			p.r.warnf(line(n, ln), "%s %s: container %s: invalid imagePullPolicy %q, expected Always, IfNotPresent or Never: the image counts as pulled at every start",
				p.o.kind, label(p.o.ns, p.o.name), container, v)
			return ""
		}
		return v
	}
	if img.Digest == "" && (img.Tag == "" || img.Tag == "latest") {
		return graph.PullAlways
	}
	return graph.PullIfNotPresent
}

// eagerPull returns the pull policy of a pod whose containers run one
// image with policies a and b: the one that pulls more often, or ""
// when either is unknown.
func eagerPull(a, b string) string {
	if pullRank[a] == 0 || pullRank[b] == 0 {
		return ""
	}
	if pullRank[a] >= pullRank[b] {
		return a
	}
	return b
}

func (p *pod) image(img image.Ref, container, pull string, ln int) {
	ver, name := img.PURL(true), img.PURL(false)
	vn := newNode(ver, graph.NodePackage, img.Name()+"@"+img.Version(), "")
	delete(vn.Attrs, graph.AttrProvider)
	vn.SetAttr("ecosystem", "docker")
	vn.SetAttr(graph.AttrName, img.Name())
	vn.SetAttr("version", img.Version())
	p.r.node(vn, ln, true)
	nn := newNode(name, graph.NodePackage, img.Name(), "")
	delete(nn.Attrs, graph.AttrProvider)
	nn.SetAttr("ecosystem", "docker")
	nn.SetAttr(graph.AttrName, img.Name())
	p.r.node(nn, ln, true)
	p.r.edge(graph.Edge{From: ver, To: name, Kind: graph.EdgeVersionOf}, ln)

	e := graph.Edge{From: p.id, To: ver, Kind: graph.EdgeExecutes}
	e.SetAttr(graph.AttrVia, "image")
	e.SetAttr("pinned", img.Pinned())
	e.SetAttr("containers", container)
	if pull != "" {
		e.SetAttr(graph.AttrPullPolicy, pull)
	}
	p.r.edge(e, ln)
}

// volumes reads the mounted volumes: Secrets, projected sources and host
// paths.
func (p *pod) volumes() {
	for _, v := range items(get(p.spec, "volumes")) {
		vname := str(get(v, "name"))
		ln := line(v, p.o.line)
		if !p.mounted[vname] {
			continue
		}
		if sv := get(v, "secret"); sv != nil {
			if sn := str(get(sv, "secretName")); sn != "" {
				p.exposeSecret(sn, "file", itemKeys(sv), ln)
			}
		}
		for _, src := range items(dig(v, "projected", "sources")) {
			if sv := get(src, "secret"); sv != nil {
				if sn := str(get(sv, "name")); sn != "" {
					p.exposeSecret(sn, "file", itemKeys(sv), line(src, ln))
				}
			}
			if tv := get(src, "serviceAccountToken"); tv != nil {
				if aud := str(get(tv, "audience")); aud != "" {
					p.audiences = append(p.audiences, aud)
				} else {
					p.apiToken = true
				}
			}
		}
		if hp := get(v, "hostPath"); hp != nil {
			raw := str(get(hp, "path"))
			if raw == "" {
				continue
			}
			hpath := pathpkg.Clean("/" + raw)
			p.hostPaths = append(p.hostPaths, hpath)
			if effect := hostEscape(hpath); effect != "" {
				p.escapes = append(p.escapes, escape{tag: "host-path:" + hpath, conf: graph.Certain, line: line(hp, ln),
					reason: "volume " + vname + " mounts host path " + hpath + ", which " + effect})
			}
		}
	}
}

// itemKeys returns the keys a Secret volume projects, nil for all.
func itemKeys(sv *yaml.Node) []string {
	var keys []string
	for _, it := range items(get(sv, "items")) {
		if k := str(get(it, "key")); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// hostFiles are host paths that give a pod its node when it mounts one, a
// folder that contains one, or (subtree) anything inside one.
var hostFiles = []struct {
	path, effect string
	subtree      bool
}{
	{path: "/var/run/docker.sock", effect: "holds the Docker socket: it can start privileged containers on the node"},
	{path: "/run/docker.sock", effect: "holds the Docker socket: it can start privileged containers on the node"},
	{path: "/var/run/containerd/containerd.sock", effect: "holds the containerd socket: it can start privileged containers on the node"},
	{path: "/run/containerd/containerd.sock", effect: "holds the containerd socket: it can start privileged containers on the node"},
	{path: "/var/run/crio/crio.sock", effect: "holds the CRI-O socket: it can start privileged containers on the node"},
	{path: "/run/crio/crio.sock", effect: "holds the CRI-O socket: it can start privileged containers on the node"},
	{path: "/var/run/cri-dockerd.sock", effect: "holds the cri-dockerd socket: it can start privileged containers on the node"},
	{path: "/var/lib/kubelet", effect: "holds the kubelet's credentials and the token and Secret volumes of every pod on the node", subtree: true},
	{path: "/etc/kubernetes", effect: "holds the node's Kubernetes credentials", subtree: true},
	{path: "/etc", effect: "holds the node's configuration, writable by default (cron, users)"},
	{path: "/root", effect: "holds the node's root home folder, writable by default (SSH keys)", subtree: true},
	{path: "/proc", effect: "exposes the node's processes and kernel settings"},
}

// hostEscape returns how mounting a host path gives the node, or "".
func hostEscape(p string) string {
	if p == "/" {
		return "is the node's whole file system"
	}
	for _, h := range hostFiles {
		if p == h.path || strings.HasPrefix(h.path, p+"/") || (h.subtree && strings.HasPrefix(p, h.path+"/")) {
			return h.effect
		}
	}
	return ""
}

// flush records the pod's way to its node, if any.
func (p *pod) flush() {
	if len(p.escapes) == 0 {
		return
	}
	node := newNode(graph.K8sNodeID(), graph.NodeRuntime, "the node a pod runs on", "k8s-node")
	p.r.node(node, p.escapes[0].line, true)
	conf := graph.Possible
	var tags, reasons []string
	for _, esc := range p.escapes {
		if esc.conf == graph.Certain {
			conf = graph.Certain
		}
		tags = append(tags, esc.tag)
		reasons = append(reasons, esc.reason)
	}
	e := graph.Edge{From: p.id, To: node.ID, Kind: graph.EdgeRunsOn, Confidence: conf}
	e.SetAttr("escape", graph.JoinList(tags))
	e.SetAttr(graph.AttrReason, strings.Join(reasons, "; ")+"; code in the pod controls its node and every pod scheduled there")
	p.r.edge(e, p.escapes[0].line)
}
