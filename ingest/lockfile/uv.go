package lockfile

import (
	"context"
	"slices"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// UV reads uv.lock, the lockfile of the uv Python package manager.
//
// Packages whose source is editable or virtual are the project's own
// (the root and its workspace members): they are recorded as local, and
// what they depend on is direct. Their optional-dependencies (extras) are
// installed only on request, and so are dependency groups other than
// "dev", which `uv sync` installs by default: packages only those pull in
// are possible, and packages only groups pull in are dev. A dependency
// with an environment marker is possible.
//
// A package that uv must build from source at install time (an sdist
// without wheels, or a Git source) runs its build backend's code there,
// so it is marked as running code at install.
type UV struct{}

// NewUV returns the uv.lock parser.
func NewUV() *UV { return &UV{} }

// Format implements ingest.Parser.
func (*UV) Format() string { return "uv-lockfile" }

// Detect implements ingest.Parser.
func (*UV) Detect(f *ingest.File) bool { return baseName(f) == "uv.lock" }

type uvPkg struct {
	name, version string
	line          int
	root          bool
	local         bool
	origin        string
	build         bool
	id            string
	t             map[string]any
}

// uvArc is one dependency entry of a package.
type uvArc struct {
	from     *uvPkg
	to       *uvPkg
	marker   string
	extras   []string
	optional bool // from optional-dependencies: installed only with the extra
	group    string
	possible bool // more than one locked version could be meant
}

// Parse implements ingest.Parser.
func (*UV) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	doc, lines, err := decodeTOML(f, data, "package")
	if err != nil {
		return err
	}
	raw, ok := doc["package"]
	if !ok {
		return nil
	}
	tables, ok := raw.([]any)
	if !ok {
		return ingest.Errorf(ingest.Position{File: f.Path}, "package is not an array of tables")
	}
	pos := func(line int) ingest.Position { return ingest.Position{File: f.Path, Line: line} }

	c := newCollector(f)
	byName := map[string][]*uvPkg{}
	var pkgs []*uvPkg
	for i, item := range tables {
		line := tomlLine(lines, i, len(tables))
		t, ok := item.(map[string]any)
		if !ok {
			res.Warnf(pos(line), "package entry is not a table; skipped")
			continue
		}
		p := &uvPkg{name: tomlStr(t, "name"), version: tomlStr(t, "version"), line: line, t: t}
		src, _ := t["source"].(map[string]any)
		for _, k := range []string{"registry", "git", "url"} {
			if u := tomlStr(src, k); u != "" {
				c.checkURL(u, line, res)
			}
		}
		switch {
		case src["editable"] != nil || src["virtual"] != nil:
			p.root, p.local = true, true
		case src["directory"] != nil || src["path"] != nil:
			p.local = true
		case src["git"] != nil:
			p.origin, p.build = "git", true
		case src["url"] != nil:
			p.origin = "url"
		}
		wheels, _ := t["wheels"].([]any)
		if _, sdist := t["sdist"].(map[string]any); sdist && len(wheels) == 0 && !p.local {
			p.build = true
		}
		if p.name == "" || (p.version == "" && !p.root) {
			res.Warnf(pos(line), "package table has no name or version; skipped")
			continue
		}
		byName[graph.PyPIName(p.name)] = append(byName[graph.PyPIName(p.name)], p)
		pkgs = append(pkgs, p)
	}

	c.uvProject(pkgs)
	hasRoot := false
	var arcs []uvArc
	for _, p := range pkgs {
		hasRoot = hasRoot || p.root
		arcs = append(arcs, uvDeps(p, p.t["dependencies"], byName, res, pos)...)
		for _, kind := range []string{"optional-dependencies", "dev-dependencies"} {
			groups, _ := p.t[kind].(map[string]any)
			names := make([]string, 0, len(groups))
			for g := range groups {
				names = append(names, g)
			}
			slices.Sort(names)
			for _, g := range names {
				for _, a := range uvDeps(p, groups[g], byName, res, pos) {
					if kind == "optional-dependencies" {
						a.optional = true
					} else {
						a.group = g
					}
					arcs = append(arcs, a)
				}
			}
		}
	}

	// What the project's own dependencies and extras reach, without the
	// dev group, is what uv sync --no-dev installs; the rest is dev. Other
	// groups count as not dev: uv sync installs any that pyproject.toml
	// lists in default-groups, which uv.lock does not record.
	out := map[*uvPkg][]*uvPkg{}
	prod := map[*uvPkg]bool{}
	var stack []*uvPkg
	for _, a := range arcs {
		switch {
		case a.from.root && graph.PyPIName(a.group) != "dev":
			stack = append(stack, a.to)
		case !a.from.root:
			out[a.from] = append(out[a.from], a.to)
		}
	}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !prod[p] {
			prod[p] = true
			stack = append(stack, out[p]...)
		}
	}

	type incoming struct{ all, optional, marked int }
	in := map[*uvPkg]*incoming{}
	markers := map[*uvPkg][]string{}
	extras := map[*uvPkg][]string{}
	for _, a := range arcs {
		n := in[a.to]
		if n == nil {
			n = &incoming{}
			in[a.to] = n
		}
		n.all++
		if a.optional {
			n.optional++
		}
		if a.marker != "" {
			n.marked++
			markers[a.to] = append(markers[a.to], a.marker)
		}
		extras[a.to] = append(extras[a.to], a.extras...)
	}
	for _, p := range pkgs {
		if p.version == "" {
			continue
		}
		pf := pkgFacts{
			Line:          p.line,
			Local:         p.local,
			Direct:        p.root,
			Dev:           hasRoot && !p.root && !prod[p],
			InstallScript: p.build,
			Attrs:         map[string]string{attrOrigin: p.origin, attrExtras: graph.JoinList(extras[p])},
		}
		if n := in[p]; n != nil {
			pf.Optional = n.optional == n.all
			if n.marked == n.all {
				pf.Attrs[attrMarkers] = graph.JoinList(markers[p])
			}
		}
		p.id = c.add(pkgRef{Eco: ecoPyPI, Name: p.name, Version: p.version}, pf)
	}

	var starts []string
	for _, a := range arcs {
		if a.to.id == "" {
			continue
		}
		certain := a.marker == "" && !a.optional && !a.possible && (a.group == "" || a.group == "dev")
		if a.from.root {
			c.markDirect(a.to.id)
			if a.from.id == "" && certain {
				starts = append(starts, a.to.id)
			}
		}
		if a.from.id == "" {
			continue
		}
		conf := graph.Certain
		if !certain {
			conf = graph.Possible
		}
		c.depend(a.from.id, a.to.id, a.from.line, conf)
	}
	for _, p := range pkgs {
		if p.root && p.id != "" {
			starts = append(starts, p.id)
		}
	}
	if !hasRoot {
		c.inferDirect(func(string) bool { return true })
	}
	c.settlePossible(starts...)
	return c.emit(res)
}

// uvDeps reads a list of dependency entries ({name, version, marker,
// extra}) of package p and resolves each to the locked packages of that
// name: the one with the stated version, else every one, each possible
// when there are several.
func uvDeps(p *uvPkg, v any, byName map[string][]*uvPkg, res *ingest.Result, pos func(int) ingest.Position) []uvArc {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		res.Warnf(pos(p.line), "dependencies of %s is not an array; skipped", p.name)
		return nil
	}
	var out []uvArc
	for _, item := range list {
		d, _ := item.(map[string]any)
		name := tomlStr(d, "name")
		if name == "" {
			res.Warnf(pos(p.line), "a dependency of %s has no name; skipped", p.name)
			continue
		}
		var targets []*uvPkg
		for _, t := range byName[graph.PyPIName(name)] {
			if v := tomlStr(d, "version"); v == "" || v == t.version {
				targets = append(targets, t)
			}
		}
		if len(targets) == 0 {
			res.Warnf(pos(p.line), "dependency %s is not in the lockfile", name)
			continue
		}
		var extras []string
		if ex, ok := d["extra"].([]any); ok {
			for _, e := range ex {
				if s, ok := e.(string); ok {
					extras = append(extras, s)
				}
			}
		}
		for _, t := range targets {
			out = append(out, uvArc{from: p, to: t, marker: tomlStr(d, "marker"), extras: extras, possible: len(targets) > 1})
		}
	}
	return out
}

// uvProject records the name of the package a uv.lock at the top of its
// repository belongs to: its one root package installed in editable form
// from the lockfile's own folder. A virtual root builds no package, so a
// release publishes none.
func (c *collector) uvProject(pkgs []*uvPkg) {
	if c.file.Repo == "" || c.file.RelPath != "uv.lock" {
		return
	}
	var names []string
	for _, p := range pkgs {
		src, _ := p.t["source"].(map[string]any)
		if p.root && tomlStr(src, "editable") == "." {
			names = append(names, p.name)
		}
	}
	if len(names) == 1 {
		c.repoAttrs = map[string]string{graph.AttrPyPILockProject: graph.PyPIName(names[0])}
	}
}
