package lockfile

import (
	"context"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Cargo reads Cargo.lock, lockfile versions 1 to 4.
//
// A package without a source is one of the project's own crates (a
// workspace member or a path dependency): it is recorded as local, and
// the crates it depends on are the direct ones. Cargo.lock does not
// distinguish normal, build and dev dependencies. It does not record which
// crates have a build script either, so no package is marked as running
// code at build time.
type Cargo struct{}

// NewCargo returns the Cargo.lock parser.
func NewCargo() *Cargo { return &Cargo{} }

// Format implements ingest.Parser.
func (*Cargo) Format() string { return "cargo-lockfile" }

// Detect implements ingest.Parser.
func (*Cargo) Detect(f *ingest.File) bool { return baseName(f) == "Cargo.lock" }

type cargoPkg struct {
	id      string
	name    string
	version string
	source  string
	line    int
	local   bool
	deps    []string
}

// Parse implements ingest.Parser.
func (*Cargo) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
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

	c := newCollector(f)
	byName := map[string][]*cargoPkg{}
	var pkgs []*cargoPkg
	for i, item := range tables {
		line := tomlLine(lines, i, len(tables))
		pos := ingest.Position{File: f.Path, Line: line}
		t, ok := item.(map[string]any)
		if !ok {
			res.Warnf(pos, "package entry is not a table; skipped")
			continue
		}
		p := &cargoPkg{name: tomlStr(t, "name"), version: tomlStr(t, "version"), source: tomlStr(t, "source"), line: line}
		if p.name == "" || p.version == "" {
			res.Warnf(pos, "package table has no name or version; skipped")
			continue
		}
		pf := pkgFacts{Line: line, Attrs: map[string]string{}}
		switch {
		case p.source == "":
			p.local, pf.Local, pf.Direct = true, true, true
		case strings.HasPrefix(p.source, "git+"):
			pf.Attrs[attrOrigin] = "git"
		case strings.HasPrefix(p.source, "registry+"), strings.HasPrefix(p.source, "sparse+"):
		default:
			pf.Attrs[attrOrigin] = "url"
		}
		c.checkURL(strings.TrimPrefix(strings.TrimPrefix(p.source, "registry+"), "sparse+"), line, res)
		switch deps := t["dependencies"].(type) {
		case []any:
			for _, d := range deps {
				if s, ok := d.(string); ok && s != "" {
					p.deps = append(p.deps, s)
				} else {
					res.Warnf(pos, "dependency of a package is not a string; skipped")
				}
			}
		case nil:
		default:
			res.Warnf(pos, "dependencies of a package is not an array; skipped")
		}
		p.id = c.add(pkgRef{Eco: ecoCargo, Name: p.name, Version: p.version}, pf)
		byName[p.name] = append(byName[p.name], p)
		pkgs = append(pkgs, p)
	}

	locals := false
	for _, p := range pkgs {
		locals = locals || p.local
		for _, d := range p.deps {
			to := cargoResolve(d, byName)
			if to == nil {
				name, _, _ := strings.Cut(d, " ")
				res.Warnf(ingest.Position{File: f.Path, Line: p.line}, "dependency %s is not in the lockfile", name)
				continue
			}
			if p.local {
				c.markDirect(to.id)
			}
			c.depend(p.id, to.id, p.line, graph.Certain)
		}
	}
	if !locals {
		c.inferDirect(func(string) bool { return true })
	}
	return c.emit(res)
}

// cargoResolve finds the package a dependency string names: "name",
// "name version" or "name version (source)".
func cargoResolve(dep string, byName map[string][]*cargoPkg) *cargoPkg {
	fields := strings.SplitN(dep, " ", 3)
	list := byName[fields[0]]
	if len(fields) == 1 {
		if len(list) == 1 {
			return list[0]
		}
		return nil
	}
	var match []*cargoPkg
	for _, p := range list {
		if p.version == fields[1] {
			match = append(match, p)
		}
	}
	if len(match) > 1 && len(fields) == 3 {
		src := strings.TrimSuffix(strings.TrimPrefix(fields[2], "("), ")")
		for _, p := range match {
			if p.source == src {
				return p
			}
		}
	}
	if len(match) == 0 {
		return nil
	}
	return match[0]
}
