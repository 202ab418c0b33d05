package lockfile

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// npmLockfiles are the files that pin what an npm install of a package.json
// in the same folder, or in a folder below it, resolves to.
var npmLockfiles = []string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock"}

// maxManifestDepth bounds the folders walked up from a package.json in
// search of a lockfile.
const maxManifestDepth = 64

// maxLocalManifest bounds the package.json of a file: dependency's folder,
// which is read for its name and version only.
const maxLocalManifest = 1 << 20

// manifestAlone reports whether f is a package.json that no lockfile
// covers: none sits in its folder or in a folder above it, up to the
// repository root, where a workspace lockfile would. A package.json inside
// node_modules is a copy of an installed package, not a manifest of the
// project.
func manifestAlone(f *ingest.File) bool {
	rel := filepath.ToSlash(f.RelPath)
	if rel == "" {
		rel = filepath.Base(f.Path)
	}
	if strings.HasPrefix(rel, "node_modules/") || strings.Contains(rel, "/node_modules/") {
		return false
	}
	dir := filepath.Dir(f.Path)
	up := strings.Count(rel, "/")
	for i := 0; i <= up && i < maxManifestDepth; i++ {
		for _, name := range npmLockfiles {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				return false
			}
		}
		dir = filepath.Dir(dir)
	}
	return true
}

// manifestSections are the dependency sections of a package.json that an
// install reads, with whether npm installs them in every environment.
var manifestSections = []struct {
	field    string
	dev      bool
	optional bool
}{
	{field: "dependencies"},
	{field: "devDependencies", dev: true},
	{field: "optionalDependencies", optional: true},
	{field: "peerDependencies", optional: true},
}

// parseManifest reads a package.json that no lockfile covers. Each
// declared dependency becomes a LOCKS edge from the repository to the
// package's name node, marked unpinned with the range it allows, since
// which version an install picks is not in the input. A file: or link:
// dependency is the package of that folder when its package.json is
// inside the repository, else the declared name, marked local. The
// manifest's own package, when it has a name and version, gets a Package
// node with possible DEPENDS_ON edges to the name nodes.
func parseManifest(f *ingest.File, res *ingest.Result) error {
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

	c := newCollector(f)
	c.repoAttrs = npmProjectAttrs(f, root, res)
	type declared struct {
		id   string
		line int
	}
	var deps []declared
	for _, sec := range manifestSections {
		v := root.get(sec.field)
		if v == nil || v.Kind == jsonNull {
			continue
		}
		if v.Kind != jsonObject {
			res.Warnf(ingest.Position{File: f.Path, Line: v.Line, Col: v.Col}, "%s is not an object; skipped", sec.field)
			continue
		}
		for _, m := range v.Members {
			if m.Value.Kind != jsonString {
				res.Warnf(ingest.Position{File: f.Path, Line: m.Line, Col: m.Col}, "%s: version of a dependency is not a string; skipped", sec.field)
				continue
			}
			ref, pf := manifestDep(f, m.Key, m.Value.Str)
			if ref.Name == "" {
				res.Warnf(ingest.Position{File: f.Path, Line: m.Line, Col: m.Col}, "%s: dependency without a name; skipped", sec.field)
				continue
			}
			pf.Line, pf.Direct, pf.Dev, pf.Optional, pf.Possible = m.Line, true, sec.dev, sec.optional, sec.optional
			if o := pf.Attrs[attrOrigin]; o == "git" || o == "url" {
				c.checkURL(m.Value.Str, m.Line, res)
			}
			deps = append(deps, declared{id: c.add(ref, pf), line: m.Line})
		}
	}
	if err := c.emit(res); err != nil {
		return err
	}

	name, version := root.str("name"), root.str("version")
	if name == "" || version == "" || !validText(name) || !validText(version) {
		return nil
	}
	self := purlOf(pkgRef{Eco: ecoNPM, Name: name, Version: version})
	pos := graph.Pos{File: f.Path, Line: root.Line}
	if m := root.get("name"); m != nil {
		pos.Line = m.Line
	}
	res.AddNode(graph.Node{
		ID: self, Kind: graph.NodePackage, Label: name + "@" + version, Pos: pos,
		Attrs: map[string]string{attrEcosystem: ecoNPM, graph.AttrName: name, attrVersion: version, attrLocal: "true"},
	})
	for _, d := range deps {
		if _, ok := c.pkgs[d.id]; !ok || d.id == self {
			continue
		}
		e := graph.Edge{From: self, To: d.id, Kind: graph.EdgeDependsOn, Confidence: graph.Possible, Pos: graph.Pos{File: f.Path, Line: d.line}}
		e.SetAttr(graph.AttrLockfile, f.RelPath)
		e.SetAttr(graph.AttrReason, "package.json declares the dependency and no lockfile says which version an install picks")
		res.AddEdge(e)
	}
	return nil
}

// manifestDep reads one declared dependency: the package it names and
// where its specifier states it comes from. Addresses of Git, URL
// and folder sources are not kept, because they may carry credentials;
// only a registry range is.
func manifestDep(f *ingest.File, key, spec string) (pkgRef, pkgFacts) {
	ref := pkgRef{Eco: ecoNPM, Name: key}
	pf := pkgFacts{Attrs: map[string]string{attrUnpinned: "true"}}
	spec = strings.TrimSpace(spec)
	switch {
	case strings.HasPrefix(spec, "file:"), strings.HasPrefix(spec, "link:"):
		pf.Local = true
		pf.Attrs[attrOrigin] = "local"
		if name, version, hook, ok := localPackage(f, spec[strings.IndexByte(spec, ':')+1:]); ok {
			ref.Name, ref.Version, pf.InstallScript = name, version, hook
			delete(pf.Attrs, attrUnpinned)
			if name != key {
				pf.Alias = key
			}
		}
	case strings.HasPrefix(spec, "workspace:"):
		pf.Local = true
		pf.Attrs[attrOrigin] = "local"
	case strings.HasPrefix(spec, "npm:"):
		aliased := spec[len("npm:"):]
		at := strings.LastIndexByte(aliased, '@')
		if at <= 0 {
			at = len(aliased)
		}
		ref.Name, pf.Alias = aliased[:at], key
		if at < len(aliased) {
			pf.Attrs[attrRange] = aliased[at+1:]
		}
	case strings.HasPrefix(spec, "git"), strings.Contains(spec, "://"), strings.HasPrefix(spec, "github:"):
		pf.Attrs[attrOrigin] = "git"
		if strings.HasPrefix(spec, "http") {
			pf.Attrs[attrOrigin] = "url"
		}
	case strings.Contains(spec, "/"):
		// owner/repo is a GitHub repository; a range has no slash.
		pf.Attrs[attrOrigin] = "git"
	default:
		if spec != "" && len(spec) <= 256 && validText(spec) {
			pf.Attrs[attrRange] = spec
		}
	}
	return ref, pf
}

// localPackage reads the name and version of the package in folder dir of
// a file: dependency, relative to the package.json's folder, and whether
// it has an install script. It reads only folders inside the repository,
// so that a hostile path cannot name files elsewhere on the machine.
func localPackage(f *ingest.File, dir string) (name, version string, hook, ok bool) {
	rel := filepath.ToSlash(f.RelPath)
	if rel == "" || !strings.HasSuffix(filepath.ToSlash(f.Path), rel) || strings.HasSuffix(dir, ".tgz") {
		return "", "", false, false
	}
	target := path.Join(path.Dir(rel), filepath.ToSlash(dir))
	if target == ".." || strings.HasPrefix(target, "../") || path.IsAbs(filepath.ToSlash(dir)) {
		return "", "", false, false
	}

	base := strings.TrimSuffix(filepath.ToSlash(f.Path), rel)
	fh, _, err := ingest.OpenRegular(filepath.FromSlash(path.Join(base, target, "package.json")))
	if err != nil {
		return "", "", false, false
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxLocalManifest))
	if err != nil {
		return "", "", false, false
	}

	v, _, err := decodeJSON(data)
	if err != nil || v.Kind != jsonObject {
		return "", "", false, false
	}
	name, version = v.str("name"), v.str("version")
	if name == "" || version == "" {
		return "", "", false, false
	}
	scripts := v.get("scripts")
	for _, k := range []string{"preinstall", "install", "postinstall"} {
		hook = hook || scripts.str(k) != ""
	}
	return name, version, hook, true
}
