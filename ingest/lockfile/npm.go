package lockfile

import (
	"context"
	"errors"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// NPM reads npm's package-lock.json and npm-shrinkwrap.json, lockfile
// versions 1, 2 and 3.
type NPM struct{}

// NewNPM returns the npm lockfile parser.
func NewNPM() *NPM { return &NPM{} }

// Format implements ingest.Parser.
func (*NPM) Format() string { return "npm-lockfile" }

// Detect implements ingest.Parser. It claims package-lock.json and
// npm-shrinkwrap.json, package.json where no lockfile covers it, and the
// package.json at the top of a repository. It leaves out
// node_modules/.package-lock.json, which describes one machine's install.
// A lockfile beside a package.json pins what the package.json only
// constrains, so the lockfile is read instead, and of such a package.json
// at the top only the name of the package is read.
func (*NPM) Detect(f *ingest.File) bool {
	b := baseName(f)
	return b == "package-lock.json" || b == "npm-shrinkwrap.json" ||
		b == "package.json" && (atRepoTop(f, "package.json") || manifestAlone(f))
}

// Skip returns why a package.json that Detect leaves out is not read: a
// lockfile beside it or in a folder above it pins what its install gets.
// A package.json inside node_modules is an installed package's copy.
func (*NPM) Skip(f *ingest.File) string {
	if baseName(f) != "package.json" {
		return ""
	}
	rel := filepath.ToSlash(f.RelPath)
	if strings.HasPrefix(rel, "node_modules/") || strings.Contains(rel, "/node_modules/") {
		return "package.json of an installed package in node_modules"
	}
	return "package.json covered by a lockfile beside it or above it, which is read instead"
}

// Parse implements ingest.Parser.
func (*NPM) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	if baseName(f) == "package.json" {
		if manifestAlone(f) {
			return parseManifest(f, res)
		}
		return parseTopManifest(f, res)
	}
	// The tree holds copies of the strings it keeps, so the file's bytes
	// go back to the pool once it is read.
	data, release, err := readPooled(f)
	if err != nil {
		return err
	}
	root, idx, err := decodeJSON(data)
	release()
	if err != nil {
		return jsonError(f, idx, err)
	}
	if root.Kind != jsonObject {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.Line, Col: root.Col}, "top-level value is not an object")
	}

	t := &npmTree{file: f, res: res, c: newCollector(f), locs: map[string]*npmLoc{}, children: map[string]map[string]*npmLoc{}}
	if v := root.get("lockfileVersion"); v != nil {
		if n, err := strconv.Atoi(v.Str); v.Kind != jsonNumber || err != nil || n < 1 || n > 3 {
			res.Warnf(t.at(v.Line, v.Col), "lockfileVersion is not 1, 2 or 3; read as the layout the file has")
		}
	}
	if pk := root.get("packages"); pk != nil {
		if pk.Kind != jsonObject {
			return ingest.Errorf(t.at(pk.Line, pk.Col), "packages is not an object")
		}
		t.readPackages(pk)
	} else if deps := root.get("dependencies"); deps != nil {
		if deps.Kind != jsonObject {
			return ingest.Errorf(t.at(deps.Line, deps.Col), "dependencies is not an object")
		}
		t.readV1(deps)
	}
	return t.c.emit(res)
}

// jsonError turns a decodeJSON error into a positioned rejection.
func jsonError(f *ingest.File, idx lineIndex, err error) error {
	var se *jsonSyntaxError
	if errors.As(err, &se) {
		line, col := idx.position(se.Offset)
		return ingest.Errorf(ingest.Position{File: f.Path, Line: line, Col: col}, "%s", se.Msg)
	}
	return err
}

// npmLoc is one install location of a lockfile: a packages key of
// lockfile versions 2 and 3, or the equivalent path of a version 1 entry.
type npmLoc struct {
	key     string // "" for the project root, else "node_modules/a/node_modules/b" or a folder
	line    int
	col     int
	entry   *jsonValue
	folder  string // the name other packages require it by
	name    string // the registry name
	version string
	origin  string
	link    bool
	target  string   // key of the folder a link points to
	links   []string // keys of links that point here
	local   bool     // a folder of the project, not a node_modules install
	id      string   // collector id; "" for the root and skipped entries
}

type npmTree struct {
	file  *ingest.File
	res   *ingest.Result
	c     *collector
	locs  map[string]*npmLoc
	order []*npmLoc
	// children maps a folder to the packages in its node_modules, by the
	// folder name they are required by.
	children map[string]map[string]*npmLoc
}

// at is the position of line and column in the lockfile.
func (t *npmTree) at(line, col int) ingest.Position {
	return ingest.Position{File: t.file.Path, Line: line, Col: col}
}

// folderOf returns the package folder name a key installs to: the part
// after the last node_modules/, which keeps an npm scope.
func folderOf(key string) string {
	if i := strings.LastIndex(key, "node_modules/"); i >= 0 {
		return key[i+len("node_modules/"):]
	}
	return path.Base(key)
}

// underNodeModules reports whether key is an install location in a
// node_modules folder rather than a folder of the project.
func underNodeModules(key string) bool {
	return strings.HasPrefix(key, "node_modules/") || strings.Contains(key, "/node_modules/")
}

// originOf classifies where a resolved field or version 1 version points:
// "git" for Git sources, "local" for folders and local tarballs, else "".
func originOf(s string) string {
	for _, p := range []string{"git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:"} {
		if strings.HasPrefix(s, p) {
			return "git"
		}
	}
	if strings.HasPrefix(s, "file:") {
		return "local"
	}
	return ""
}

// readPackages reads the packages object of lockfile versions 2 and 3.
func (t *npmTree) readPackages(pk *jsonValue) {
	// Each member is one location and usually one package: size for them
	// at once.
	n := len(pk.Members)
	t.locs = make(map[string]*npmLoc, n)
	t.order = make([]*npmLoc, 0, n)
	t.c.reserve(n)
	block := make([]npmLoc, n)
	for i, m := range pk.Members {
		if m.Value.Kind != jsonObject {
			t.res.Warnf(t.at(m.Line, m.Col), "entry of packages is not an object; skipped")
			continue
		}
		e := m.Value
		l := &block[i]
		*l = npmLoc{key: m.Key, line: m.Line, col: m.Col, entry: e, folder: folderOf(m.Key)}
		l.name = e.str("name")
		if l.name == "" {
			l.name = l.folder
		}
		l.version = e.str("version")
		l.local = !underNodeModules(m.Key)
		l.origin = originOf(e.str("resolved"))
		if r := e.get("resolved"); r != nil && r.Kind == jsonString {
			t.c.checkURL(r.Str, r.Line, t.res)
		}
		if e.flag("link") {
			l.link, l.local = true, true
			l.target = path.Clean(e.str("resolved"))
		}
		if l.origin == "local" {
			l.local = true
			l.origin = ""
		}
		t.index(l)
	}

	// Links stand for the folder they point to.
	for _, l := range t.order {
		if tg := t.target(l); tg != l {
			tg.links = append(tg.links, l.key)
		}
	}
	for _, l := range t.order {
		if l.key == "" || (l.link && t.target(l) != l) {
			continue
		}
		t.addPackage(l, true)
	}
	for _, l := range t.order {
		if l.link {
			l.id = t.target(l).id
		}
	}

	root := t.locs[""]
	t.c.setProject(root)
	workspaces := t.workspaces(root)
	for _, l := range t.order {
		if l.link {
			continue
		}
		isRoot := l.key == "" || workspaces[l.key]
		if isRoot && l.id != "" {
			t.c.markDirect(l.id)
		}
		fields := depFields
		if isRoot {
			fields = rootDepFields
		}
		for _, field := range fields {
			t.resolveDeps(l, l.entry.get(field), field, isRoot)
		}
	}
}

// depFields are the members of a packages entry that list its
// dependencies; the project root and workspaces add rootDepFields.
var (
	depFields     = []string{"dependencies", "optionalDependencies", "peerDependencies"}
	rootDepFields = []string{"dependencies", "optionalDependencies", "peerDependencies", "devDependencies"}
)

// target returns the location a link points to, or l itself when l is
// not a link or its target is not in the lockfile.
func (t *npmTree) target(l *npmLoc) *npmLoc {
	if !l.link {
		return l
	}
	if tg := t.locs[l.target]; tg != nil && !tg.link && tg != l {
		return tg
	}
	return l
}

// workspaces returns the keys of the root's workspace folders.
func (t *npmTree) workspaces(root *npmLoc) map[string]bool {
	out := map[string]bool{}
	if root == nil {
		return out
	}
	ws := root.entry.get("workspaces")
	if ws != nil && ws.Kind == jsonObject {
		ws = ws.get("packages")
	}
	if ws == nil || ws.Kind != jsonArray {
		return out
	}
	for _, item := range ws.Items {
		if item.Kind != jsonString {
			continue
		}
		glob := strings.TrimSuffix(path.Clean(item.Str), "/**")
		for _, l := range t.order {
			if l.key == "" || !l.local || l.link {
				continue
			}
			ok, _ := path.Match(glob, l.key)
			if ok || (strings.HasSuffix(item.Str, "**") && strings.HasPrefix(l.key, glob+"/")) {
				out[l.key] = true
			}
		}
	}
	return out
}

// addPackage records the package at l. Lockfile versions 2 and 3 carry
// install scripts; version 1 does not.
func (t *npmTree) addPackage(l *npmLoc, modern bool) {
	if l.version == "" && !l.local && l.origin == "" {
		t.res.Warnf(t.at(l.line, l.col), "package entry has no version; skipped")
		return
	}
	pf := pkgFacts{
		Line:     l.line,
		Dev:      l.entry.flag("dev"),
		Optional: l.entry.flag("optional"),
		Local:    l.local,
	}
	if l.origin != "" {
		pf.Attrs = map[string]string{attrOrigin: l.origin}
	}
	if modern {
		pf.InstallScript = l.entry.flag("hasInstallScript")
	}
	switch {
	case !l.local:
		pf.Path = l.key
	case len(l.links) > 0:
		pf.Path = graph.JoinList(l.links)
	case l.key != "":
		pf.Path = l.key
	}
	if l.folder != l.name && !l.local {
		pf.Alias = l.folder
	}
	l.id = t.c.add(pkgRef{Eco: ecoNPM, Name: l.name, Version: l.version}, pf)
}

// resolveDeps links l to each dependency listed in deps, found the way
// Node.js finds it: in l's own node_modules, then in each enclosing folder's.
func (t *npmTree) resolveDeps(l *npmLoc, deps *jsonValue, field string, isRoot bool) {
	if deps == nil {
		return
	}
	if deps.Kind != jsonObject {
		t.res.Warnf(t.at(deps.Line, deps.Col), "%s is not an object; skipped", field)
		return
	}
	from := l.key
	if l.link {
		from = t.target(l).key
	}
	for _, m := range deps.Members {
		dep := t.resolve(from, m.Key)
		if dep == nil {
			if field == "dependencies" && !isRoot && !t.peerOptional(l, m.Key) {
				t.res.Warnf(t.at(m.Line, m.Col), "dependency %s is not in the lockfile", m.Key)
			}
			continue
		}
		if dep.id == "" {
			continue
		}
		if isRoot {
			t.c.markDirect(dep.id)
		}
		if l.id != "" {
			t.c.depend(l.id, dep.id, m.Line, graph.Certain)
		}
	}
}

// peerOptional reports whether name is an optional peer dependency of l.
func (t *npmTree) peerOptional(l *npmLoc, name string) bool {
	return l.entry.get("peerDependenciesMeta").get(name).flag("optional")
}

// resolve returns the location that code in folder from gets when it
// requires name, following links, or nil. Like Node.js it looks in
// from/node_modules, then in the node_modules of each enclosing folder.
func (t *npmTree) resolve(from, name string) *npmLoc {
	dir := from
	for {
		if dir != "node_modules" && !strings.HasSuffix(dir, "/node_modules") {
			if l := t.children[dir][name]; l != nil {
				return t.target(l)
			}
		}
		if dir == "" {
			return nil
		}
		if i := strings.LastIndexByte(dir, '/'); i >= 0 {
			dir = dir[:i]
		} else {
			dir = ""
		}
	}
}

// index records l under the folder whose node_modules holds it.
func (t *npmTree) index(l *npmLoc) {
	t.locs[l.key] = l
	t.order = append(t.order, l)
	i := strings.LastIndex(l.key, "node_modules/")
	if i < 0 || (i > 0 && l.key[i-1] != '/') {
		return
	}
	dir := ""
	if i > 0 {
		dir = l.key[:i-1]
	}
	folder := l.key[i+len("node_modules/"):]
	if t.children[dir] == nil {
		t.children[dir] = map[string]*npmLoc{}
	}
	t.children[dir][folder] = l
}

// readV1 reads the nested dependencies tree of lockfile version 1.
func (t *npmTree) readV1(deps *jsonValue) {
	t.readV1Level(deps, "")
	top := map[string]bool{}
	for _, l := range t.order {
		t.addPackage(l, false)
		if l.id != "" && !strings.Contains(l.key, "/node_modules/") {
			top[l.id] = true
		}
	}
	for _, l := range t.order {
		if l.id == "" {
			continue
		}
		req := l.entry.get("requires")
		if req == nil || req.Kind != jsonObject {
			continue
		}
		for _, m := range req.Members {
			dep := t.resolve(l.key, m.Key)
			switch {
			case dep == nil:
				t.res.Warnf(t.at(m.Line, m.Col), "dependency %s is not in the lockfile", m.Key)
			case dep.id != "":
				t.c.depend(l.id, dep.id, m.Line, graph.Certain)
			}
		}
	}
	t.c.inferDirect(func(id string) bool { return top[id] })
}

func (t *npmTree) readV1Level(deps *jsonValue, parent string) {
	for _, m := range deps.Members {
		e := m.Value
		if e.Kind != jsonObject {
			t.res.Warnf(t.at(m.Line, m.Col), "entry of dependencies is not an object; skipped")
			continue
		}
		key := "node_modules/" + m.Key
		if parent != "" {
			key = parent + "/" + key
		}
		l := &npmLoc{key: key, line: m.Line, col: m.Col, entry: e, folder: m.Key, name: m.Key}
		for _, field := range []string{"version", "resolved"} {
			if r := e.get(field); r != nil && r.Kind == jsonString {
				t.c.checkURL(r.Str, r.Line, t.res)
			}
		}
		v := e.str("version")
		switch {
		case strings.HasPrefix(v, "npm:"):
			// An alias: "npm:<name>@<version>". Scoped names start with
			// '@', so the version follows the last '@'.
			spec := v[len("npm:"):]
			i := strings.LastIndexByte(spec, '@')
			if i <= 0 || i == len(spec)-1 {
				t.res.Warnf(t.at(m.Line, m.Col), "alias version of %s is malformed; skipped", m.Key)
				continue
			}
			l.name, l.version = spec[:i], spec[i+1:]
		case originOf(v) == "local":
			l.local = true
		case originOf(v) == "git" || strings.Contains(v, "://"):
			// The version names a source, not a registry version, and may
			// carry credentials: keep neither.
			l.origin = "git"
			if originOf(v) == "" {
				l.origin = "url"
			}
		default:
			l.version = v
		}
		t.index(l)
		if sub := e.get("dependencies"); sub != nil && sub.Kind == jsonObject {
			t.readV1Level(sub, key)
		}
	}
}

// setProject records the name of the project whose lockfile this is, read
// from its root entry, when the lockfile sits at the top of its
// repository: a release from there publishes that name. The linker uses
// it only when the package.json there is not in the input.
func (c *collector) setProject(root *npmLoc) {
	if root == nil || c.file.Repo == "" {
		return
	}
	rel := c.file.RelPath
	if rel != "package-lock.json" && rel != "npm-shrinkwrap.json" {
		return
	}
	name := root.entry.str("name")
	if !validNPMName(name) {
		return
	}
	c.repoAttrs = map[string]string{graph.AttrNPMLockProject: name, graph.AttrNPMLockProjectFile: rel}
}

// validNPMName reports whether name can be a package on the npm registry:
// lower case, at most 214 characters, an optional @scope/, and no
// characters that a URL would have to escape.
func validNPMName(name string) bool {
	if name == "" || len(name) > 214 || strings.ToLower(name) != name {
		return false
	}
	rest := name
	if strings.HasPrefix(rest, "@") {
		scope, pkg, ok := strings.Cut(rest[1:], "/")
		if !ok || !npmNamePart(scope) {
			return false
		}
		rest = pkg
	}
	return npmNamePart(rest) && rest[0] != '.' && rest[0] != '_'
}

func npmNamePart(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.', r == '_', r == '~':
		default:
			return false
		}
	}
	return true
}
