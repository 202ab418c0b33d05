package lockfile

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Poetry reads poetry.lock files (lock versions 1.x and 2.x).
//
// poetry.lock does not say which packages the project itself requires;
// that is in pyproject.toml. A locked package that no other locked package
// depends on is reported as direct, and every other one as transitive with
// the shortest chain from such a package, even when pyproject.toml also
// names it.
type Poetry struct{}

// NewPoetry returns the poetry.lock parser.
func NewPoetry() *Poetry { return &Poetry{} }

// Format implements ingest.Parser.
func (*Poetry) Format() string { return "poetry-lockfile" }

// Detect implements ingest.Parser.
func (*Poetry) Detect(f *ingest.File) bool { return baseName(f) == "poetry.lock" }

// poetryPkg is one [[package]] table.
type poetryPkg struct {
	id   string
	line int
	deps []string
}

// Parse implements ingest.Parser.
func (*Poetry) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return ingest.Errorf(ingest.Position{File: f.Path, Line: line, Col: col}, "invalid TOML syntax")
		}
		return ingest.Errorf(ingest.Position{File: f.Path}, "invalid TOML")
	}
	lines := packageHeaderLines(data)
	raw, ok := doc["package"]
	if !ok {
		return nil
	}
	tables, ok := raw.([]any)
	if !ok {
		return ingest.Errorf(ingest.Position{File: f.Path}, "package is not an array of tables")
	}

	c := newCollector(f)
	byName := map[string][]string{}
	var pkgs []poetryPkg
	for i, item := range tables {
		line := 0
		if len(lines) == len(tables) {
			line = lines[i]
		}
		pos := ingest.Position{File: f.Path, Line: line}
		t, ok := item.(map[string]any)
		if !ok {
			res.Warnf(pos, "package entry is not a table; skipped")
			continue
		}
		name, _ := t["name"].(string)
		version, _ := t["version"].(string)
		if name == "" || version == "" {
			res.Warnf(pos, "package table has no name or version; skipped")
			continue
		}
		pf := pkgFacts{Line: line, Attrs: map[string]string{}}
		pf.Optional, _ = t["optional"].(bool)
		category, _ := t["category"].(string)
		pf.Dev = category == "dev"
		if groups, ok := t["groups"].([]any); ok && len(groups) > 0 {
			pf.Dev = !slices.Contains(groups, any("main"))
		}
		switch m := t["markers"].(type) {
		case string:
			pf.Possible = m != ""
			pf.Attrs[attrMarkers] = m
		case map[string]any:
			pf.Possible = len(m) > 0
		}
		if src, ok := t["source"].(map[string]any); ok {
			// The source url may carry credentials; only its type is kept.
			if u, ok := src["url"].(string); ok {
				c.checkURL(u, line, res)
			}
			switch typ, _ := src["type"].(string); typ {
			case "git":
				pf.Attrs[attrOrigin] = "git"
			case "directory", "file":
				pf.Local = true
			case "url":
				pf.Attrs[attrOrigin] = "url"
			}
		}
		p := poetryPkg{line: line}
		p.id = c.add(pkgRef{Eco: ecoPyPI, Name: name, Version: version}, pf)
		norm := graph.PyPIName(name)
		if !slices.Contains(byName[norm], p.id) {
			byName[norm] = append(byName[norm], p.id)
		}
		switch deps := t["dependencies"].(type) {
		case map[string]any:
			for dep := range deps {
				p.deps = append(p.deps, dep)
			}
			slices.Sort(p.deps)
		case nil:
		default:
			res.Warnf(pos, "dependencies of a package is not a table; skipped")
		}
		pkgs = append(pkgs, p)
	}

	// A dependency links to every locked version of its name: poetry locks
	// one per set of environment markers, so with several each is possible.
	for _, p := range pkgs {
		for _, dep := range p.deps {
			targets := byName[graph.PyPIName(dep)]
			conf := graph.Certain
			if len(targets) > 1 {
				conf = graph.Possible
			}
			for _, to := range targets {
				c.depend(p.id, to, p.line, conf)
			}
		}
	}
	c.inferDirect(func(string) bool { return true })
	return c.emit(res)
}

// packageHeaderLines returns the line of every [[package]] header, in
// order, which is the order of the decoded array.
func packageHeaderLines(data []byte) []int {
	var out []int
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[[package]]") || strings.HasPrefix(l, "[[ package ]]") {
			out = append(out, i+1)
		}
	}
	return out
}
