package lockfile

import (
	"context"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Composer reads composer.lock, PHP's lockfile. packages-dev lists what
// only development needs. `composer install` installs those packages
// unless run with --no-dev, so they are dev but certain.
//
// composer.lock does not list the project's own requirements (they are in
// composer.json): a package no other locked package requires is taken as
// direct. Composer runs no install scripts of dependencies, but it loads
// and runs installed plugins (type composer-plugin) while it installs, so
// those are marked as running code at install.
type Composer struct{}

// NewComposer returns the composer.lock parser.
func NewComposer() *Composer { return &Composer{} }

// Format implements ingest.Parser.
func (*Composer) Format() string { return "composer-lockfile" }

// Detect implements ingest.Parser.
func (*Composer) Detect(f *ingest.File) bool { return baseName(f) == "composer.lock" }

type composerPkg struct {
	id   string
	line int
	req  []jsonMember
}

// Parse implements ingest.Parser.
func (*Composer) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	root, idx, err := decodeJSON(data)
	if err != nil {
		return jsonError(f, idx, err)
	}
	if root.Kind != jsonObject {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.Line, Col: root.Col}, "top-level value is not an object")
	}
	pos := func(line, col int) ingest.Position { return ingest.Position{File: f.Path, Line: line, Col: col} }

	c := newCollector(f)
	byName := map[string]string{} // lowercased name, or a name provided or replaced, -> id
	var pkgs []composerPkg
	for _, field := range []string{"packages", "packages-dev"} {
		list := root.get(field)
		if list == nil || list.Kind == jsonNull {
			continue
		}
		if list.Kind != jsonArray {
			return ingest.Errorf(pos(list.Line, list.Col), "%s is not an array", field)
		}
		for _, e := range list.Items {
			if e.Kind != jsonObject {
				res.Warnf(pos(e.Line, e.Col), "entry of %s is not an object; skipped", field)
				continue
			}
			name, version := e.str("name"), e.str("version")
			if name == "" || version == "" {
				res.Warnf(pos(e.Line, e.Col), "package has no name or version; skipped")
				continue
			}
			pf := pkgFacts{
				Line:          e.Line,
				Dev:           field == "packages-dev",
				InstallScript: e.str("type") == "composer-plugin",
				Attrs:         map[string]string{},
			}
			for _, part := range []string{"source", "dist"} {
				s := e.get(part)
				if u := s.get("url"); u != nil && u.Kind == jsonString {
					c.checkURL(u.Str, u.Line, res)
				}
				switch s.str("type") {
				case "path":
					pf.Local = true
				case "git", "hg", "svn", "fossil":
					// Packagist packages name their Git repository too;
					// only a package without a zip dist comes from it.
					if e.get("dist") == nil {
						pf.Attrs[attrOrigin] = "git"
					}
				}
			}
			p := composerPkg{line: e.Line}
			p.id = c.add(pkgRef{Eco: ecoComposer, Name: name, Version: version}, pf)
			byName[strings.ToLower(name)] = p.id
			for _, alt := range []string{"provide", "replace"} {
				if m := e.get(alt); m != nil && m.Kind == jsonObject {
					for _, mm := range m.Members {
						if _, taken := byName[strings.ToLower(mm.Key)]; !taken {
							byName[strings.ToLower(mm.Key)] = p.id
						}
					}
				}
			}
			// require-dev of a dependency is never installed.
			if r := e.get("require"); r != nil && r.Kind == jsonObject {
				p.req = r.Members
			}
			pkgs = append(pkgs, p)
		}
	}

	for _, p := range pkgs {
		for _, m := range p.req {
			if composerPlatform(m.Key) {
				continue
			}
			to, ok := byName[strings.ToLower(m.Key)]
			if !ok {
				res.Warnf(pos(m.Line, m.Col), "dependency %s is not in the lockfile", m.Key)
				continue
			}
			c.depend(p.id, to, m.Line, graph.Certain)
		}
	}
	c.inferDirect(func(string) bool { return true })
	return c.emit(res)
}

// composerPlatform reports whether a require key names the platform (PHP,
// its extensions and libraries, Composer's own APIs) rather than a package.
func composerPlatform(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "php", "php-64bit", "php-ipv6", "php-zts", "php-debug", "hhvm", "composer",
		"composer-plugin-api", "composer-runtime-api":
		return true
	}
	return strings.HasPrefix(n, "ext-") || strings.HasPrefix(n, "lib-") || !strings.Contains(n, "/")
}
