package lockfile

import (
	"context"
	"path"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// PNPM reads pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x. The
// versions differ in how a package key is spelled ("/name/1.2.3",
// "/name@1.2.3", "name@1.2.3(peer@2.0.0)") and in where dependencies are
// listed (packages, or snapshots from version 9).
type PNPM struct{}

// NewPNPM returns the pnpm-lock.yaml parser.
func NewPNPM() *PNPM { return &PNPM{} }

// Format implements ingest.Parser.
func (*PNPM) Format() string { return "pnpm-lockfile" }

// Detect implements ingest.Parser.
func (*PNPM) Detect(f *ingest.File) bool { return baseName(f) == "pnpm-lock.yaml" }

// pnpmInst is one installed instance of a package: a packages entry of
// versions 5 and 6, or a snapshot of version 9. Peer-dependency variants
// of one version are separate instances of one package node.
type pnpmInst struct {
	key     string
	line    int
	name    string
	version string
	origin  string
	local   bool
	meta    *yaml.Node // the packages entry: resolution, requiresBuild, dev, optional
	deps    *yaml.Node // the entry that lists its dependencies
	id      string
}

type pnpmArc struct {
	from     string // instance id, or "" for a project folder
	to       *pnpmInst
	line     int
	optional bool
	dev      bool // a devDependencies entry of a project folder
	alias    string
	path     string
}

type pnpmLock struct {
	file  *ingest.File
	res   *ingest.Result
	c     *collector
	major int
	insts map[string]*pnpmInst
	order []*pnpmInst
	pkgs  map[string]*yaml.Node // version 9 packages, by key
}

func (p *pnpmLock) pos(line int) ingest.Position {
	return ingest.Position{File: p.file.Path, Line: line}
}

// at is the position of node n.
func (p *pnpmLock) at(n *yaml.Node) ingest.Position {
	return ingest.Position{File: p.file.Path, Line: n.Line, Col: n.Column}
}

// Parse implements ingest.Parser.
func (*PNPM) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	root, err := yamlfile.Decode(f.Path, data)
	if err != nil {
		return err
	}
	p := &pnpmLock{file: f, res: res, c: newCollector(f), insts: map[string]*pnpmInst{}, pkgs: map[string]*yaml.Node{}}
	p.major = p.version(root)

	packages := yamlGet(root, "packages")
	snapshots := yamlGet(root, "snapshots")
	for _, n := range []*yaml.Node{packages, snapshots} {
		if n != nil && n.Kind != yaml.MappingNode && !isNull(n) {
			return ingest.Errorf(p.at(n), "packages or snapshots is not a mapping")
		}
	}
	if snapshots != nil && p.major >= 9 {
		yamlPairs(packages, func(k, v *yaml.Node) { p.pkgs[k.Value] = v })
		yamlPairs(snapshots, func(k, v *yaml.Node) {
			p.addInst(k, p.pkgs[pnpmBase(k.Value)], v)
		})
	} else {
		yamlPairs(packages, func(k, v *yaml.Node) { p.addInst(k, v, v) })
	}

	// Version 9 and workspaces list the project folders under importers;
	// older single-project files keep their dependencies at the top level.
	var arcs []pnpmArc
	importers := yamlGet(root, "importers")
	if importers != nil {
		yamlPairs(importers, func(k, v *yaml.Node) { arcs = append(arcs, p.importerArcs(k.Value, v)...) })
	} else {
		arcs = append(arcs, p.importerArcs(".", root)...)
	}
	for _, in := range p.order {
		arcs = append(arcs, p.instArcs(in)...)
	}
	return p.emit(arcs)
}

// version returns the major lockfile version, read from lockfileVersion
// or, when that is missing or unreadable, from the file's shape.
func (p *pnpmLock) version(root *yaml.Node) int {
	v := yamlGet(root, "lockfileVersion")
	if v != nil && v.Kind == yaml.ScalarNode {
		major, _, _ := strings.Cut(v.Value, ".")
		if n, err := strconv.Atoi(major); err == nil && n >= 5 && n <= 9 {
			return n
		}
	}
	line := 0
	if v != nil {
		line = v.Line
	}
	p.res.Warnf(p.pos(line), "lockfileVersion is missing or not 5, 6 or 9; read as the layout the file has")
	if yamlGet(root, "snapshots") != nil {
		return 9
	}
	return 6
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// pnpmBase strips the peer-dependency suffix of a key: "(peer@1.0.0)"
// from version 6 on, "_peer@1.0.0" in version 5.
func pnpmBase(key string) string {
	if i := strings.IndexByte(key, '('); i > 0 {
		return key[:i]
	}
	return key
}

// splitPnpmKey returns the name and version a package key spells, and
// false when the key names no registry version (a Git, tarball or folder
// source).
func (p *pnpmLock) splitPnpmKey(key string) (name, version string, ok bool) {
	s := strings.TrimPrefix(pnpmBase(key), "/")
	if p.major < 6 {
		if !strings.HasPrefix(key, "/") {
			return "", "", false
		}
		i := strings.LastIndexByte(s, '/')
		if i <= 0 {
			return "", "", false
		}
		name, version = s[:i], s[i+1:]
		if j := strings.IndexByte(version, '_'); j > 0 {
			version = version[:j]
		}
	} else {
		// The name ends at the first '@' after a scope's leading one: the
		// rest may be a URL, which can hold an '@' and a credential.
		i := strings.IndexByte(s[min(1, len(s)):], '@') + 1
		if i <= 0 {
			return "", "", false
		}
		name, version = s[:i], s[i+1:]
	}
	if name == "" || version == "" || strings.ContainsAny(version, ":/") {
		return name, "", false
	}
	return name, version, true
}

// addInst records one package instance at key k.
func (p *pnpmLock) addInst(k, meta, deps *yaml.Node) {
	if deps != nil && deps.Kind != yaml.MappingNode && !isNull(deps) {
		p.res.Warnf(p.at(k), "package entry is not a mapping; skipped")
		return
	}
	in := &pnpmInst{key: k.Value, line: k.Line, meta: meta, deps: deps}
	name, version, ok := p.splitPnpmKey(k.Value)
	in.name, in.version = name, version
	res := yamlGet(meta, "resolution")
	for _, field := range []string{"tarball", "repo"} {
		if u := yamlStr(res, field); u != "" {
			p.c.checkURL(u, res.Line, p.res)
		}
	}
	if !ok {
		// A Git, tarball or folder source: the entry names the package.
		if n := yamlStr(meta, "name"); n != "" {
			in.name = n
		}
		in.version = yamlStr(meta, "version")
		switch {
		case yamlStr(res, "type") == "git" || yamlStr(res, "commit") != "" || gitHosted(k.Value):
			in.origin = "git"
		case yamlStr(res, "type") == "directory" || strings.HasPrefix(yamlStr(res, "tarball"), "file:"),
			strings.Contains(k.Value, "file:"), strings.Contains(k.Value, "link:"):
			in.local = true
		default:
			in.origin = yarnOrigin(version)
			if in.origin == "" || in.origin == "local" {
				in.origin = "url"
			}
		}
	}
	if in.name == "" || (in.version == "" && !in.local && in.origin == "") {
		p.res.Warnf(p.at(k), "package key names no package and version; skipped")
		return
	}
	p.insts[in.key] = in
	p.order = append(p.order, in)
}

// lookup returns the instance a dependency reference names: a version of
// the dependency itself, or an alias target ("/real/1.0.0",
// "/real@1.0.0", "real@1.0.0").
func (p *pnpmLock) lookup(name, ref string) *pnpmInst {
	var keys []string
	switch {
	case strings.HasPrefix(ref, "/"):
		keys = append(keys, ref)
	case p.major >= 9 && strings.IndexByte(pnpmBase(ref)[1:], '@') >= 0:
		keys = append(keys, ref)
	case p.major < 9 && strings.Contains(pnpmBase(ref), "/"):
		keys = append(keys, ref)
	}
	switch {
	case p.major < 6:
		keys = append(keys, "/"+name+"/"+ref)
	case p.major < 9:
		keys = append(keys, "/"+name+"@"+ref)
	default:
		keys = append(keys, name+"@"+ref)
	}
	for _, k := range keys {
		if in := p.insts[k]; in != nil {
			return in
		}
	}
	return nil
}

// depRef returns the version reference of a dependency entry: a scalar,
// or the version field of a {specifier, version} mapping.
func depRef(v *yaml.Node) string {
	if v.Kind == yaml.MappingNode {
		return yamlStr(v, "version")
	}
	if v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// importerArcs returns the dependencies of one project folder.
func (p *pnpmLock) importerArcs(dir string, n *yaml.Node) []pnpmArc {
	var out []pnpmArc
	for _, field := range []string{"dependencies", "optionalDependencies", "devDependencies"} {
		yamlPairs(yamlGet(n, field), func(k, v *yaml.Node) {
			ref := depRef(v)
			if ref == "" || strings.HasPrefix(ref, "link:") {
				return
			}
			in := p.lookup(k.Value, ref)
			if in == nil {
				p.res.Warnf(p.at(k), "dependency %s is not in the lockfile", k.Value)
				return
			}
			a := pnpmArc{to: in, line: k.Line, optional: field == "optionalDependencies", dev: field == "devDependencies"}
			if k.Value != in.name {
				a.alias = k.Value
			}
			a.path = path.Join(dir, "node_modules", k.Value)
			out = append(out, a)
		})
	}
	return out
}

// instArcs returns the dependencies of one package instance.
func (p *pnpmLock) instArcs(in *pnpmInst) []pnpmArc {
	var out []pnpmArc
	for _, field := range []string{"dependencies", "optionalDependencies"} {
		yamlPairs(yamlGet(in.deps, field), func(k, v *yaml.Node) {
			ref := depRef(v)
			if ref == "" || strings.HasPrefix(ref, "link:") {
				return
			}
			to := p.lookup(k.Value, ref)
			if to == nil {
				if field == "dependencies" {
					p.res.Warnf(p.at(k), "dependency %s is not in the lockfile", k.Value)
				}
				return
			}
			a := pnpmArc{from: in.key, to: to, line: k.Line, optional: field == "optionalDependencies"}
			if k.Value != to.name {
				a.alias = k.Value
			}
			out = append(out, a)
		})
	}
	return out
}

// emit adds the instances and arcs to the collector. A package is dev
// when its entry has dev: true (versions 5 and 6). Without a dev field, it
// is dev when no chain from a project folder's dependencies or
// optionalDependencies reaches it.
func (p *pnpmLock) emit(arcs []pnpmArc) error {
	out := map[string][]*pnpmInst{}
	prod := map[*pnpmInst]bool{}
	var stack []*pnpmInst
	roots := false
	for _, a := range arcs {
		if a.from == "" {
			roots = true
			if !a.dev {
				stack = append(stack, a.to)
			}
			continue
		}
		out[a.from] = append(out[a.from], a.to)
	}
	for len(stack) > 0 {
		in := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if prod[in] {
			continue
		}
		prod[in] = true
		stack = append(stack, out[in.key]...)
	}

	for _, in := range p.order {
		meta := in.meta
		if meta == nil {
			meta = in.deps
		}
		pf := pkgFacts{
			Line:          in.line,
			Local:         in.local,
			Dev:           roots && !prod[in],
			Optional:      yamlStr(meta, "optional") == "true" || yamlStr(in.deps, "optional") == "true",
			InstallScript: yamlStr(meta, "requiresBuild") == "true",
			Attrs:         map[string]string{attrOrigin: in.origin},
		}
		switch yamlStr(meta, "dev") {
		case "true":
			pf.Dev = true
		case "false":
			pf.Dev = false
		}
		in.id = p.c.add(pkgRef{Eco: ecoNPM, Name: in.name, Version: in.version}, pf)
	}

	for _, a := range arcs {
		pk := p.c.pkgs[a.to.id]
		if pk == nil {
			// Left out past maxPackages; emit rejects the file.
			continue
		}
		if a.alias != "" {
			pk.aliases = append(pk.aliases, a.alias)
		}
		if a.from == "" {
			p.c.markDirect(a.to.id)
			if a.path != "" {
				pk.paths = append(pk.paths, a.path)
			}
			if a.optional {
				p.c.markPossible(a.to.id)
			}
			continue
		}
		conf := graph.Certain
		if a.optional {
			conf = graph.Possible
		}
		p.c.depend(p.insts[a.from].id, a.to.id, a.line, conf)
	}
	if !roots {
		p.c.inferDirect(func(string) bool { return true })
	}
	p.c.settlePossible()
	return p.c.emit(p.res)
}

// gitHosted reports whether a package key of versions 5 and 6 names a
// commit of a Git hosting service ("github.com/owner/repo/commit"), which
// pnpm fetches as a tarball.
func gitHosted(key string) bool {
	for _, h := range []string{"github.com/", "gitlab.com/", "bitbucket.org/"} {
		if strings.HasPrefix(key, h) {
			return true
		}
	}
	return false
}
