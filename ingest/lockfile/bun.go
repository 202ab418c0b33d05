package lockfile

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Bun reads bun.lock, the text lockfile of Bun 1.2 and later, as npm
// packages. The file is JSONC. Its workspaces member lists the declared
// dependencies of each workspace. Its packages member maps an install
// path to an array whose first element is "name@version" or "name@SOURCE"
// (workspace:, file:, link:, github:, a Git or tarball URL). The path is
// a name, or names joined by "/" for a copy nested under another package
// or a workspace.
//
// Bun runs the install scripts of dependencies only for the packages that
// trustedDependencies lists (copied into bun.lock from package.json), or,
// when the project lists none, for the npm packages of Bun's built-in
// list. The lockfile does not record which packages have install
// scripts, so a package that trustedDependencies names is marked as
// having one, and the built-in list is not read.
type Bun struct{}

// NewBun returns the bun.lock parser.
func NewBun() *Bun { return &Bun{} }

// Format implements ingest.Parser.
func (*Bun) Format() string { return "bun-lockfile" }

// Detect implements ingest.Parser.
func (*Bun) Detect(f *ingest.File) bool { return baseName(f) == "bun.lock" }

// bunEntry is one member of the packages object of bun.lock.
type bunEntry struct {
	key   string
	names []string // the package names of the install path
	id    string
	info  *jsonValue
}

// bunLock is the state of one bun.lock being read.
type bunLock struct {
	file    *ingest.File
	res     *ingest.Result
	c       *collector
	ids     map[string]string // install path -> node id
	entries []*bunEntry
	// workspaces contains the names of the project's own packages, which
	// have no node.
	workspaces map[string]bool
}

// Parse implements ingest.Parser.
func (*Bun) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	root, idx, err := decodeJSON(stripJSONC(data))
	if err != nil {
		return jsonError(f, idx, err)
	}
	b := &bunLock{file: f, res: res, c: newCollector(f), ids: map[string]string{}, workspaces: map[string]bool{}}
	if root.Kind != jsonObject {
		return ingest.Errorf(b.at(root), "top-level value is not an object")
	}
	pk := root.get("packages")
	if pk != nil && pk.Kind != jsonObject {
		return ingest.Errorf(b.at(pk), "packages is not an object")
	}
	trusted := b.trusted(root)
	for _, m := range memberList(pk) {
		b.readEntry(m, trusted)
	}
	for _, e := range b.entries {
		b.readDeps(e)
	}
	prod, dev := b.readWorkspaces(root.get("workspaces"))
	b.c.settleDev(prod, dev)
	b.c.settlePossible()
	return b.c.emit(res)
}

// at is the position of value v.
func (b *bunLock) at(v *jsonValue) ingest.Position {
	return ingest.Position{File: b.file.Path, Line: v.Line, Col: v.Col}
}

// trusted returns the names that trustedDependencies lists in the
// lockfile, else in the package.json beside it, or nil when neither
// lists them.
func (b *bunLock) trusted(root *jsonValue) map[string]bool {
	list := root.get("trustedDependencies")
	if list == nil {
		list = b.manifestTrusted()
	}
	if list == nil || list.Kind != jsonArray {
		return nil
	}
	out := map[string]bool{}
	for _, it := range list.Items {
		if it.Kind == jsonString {
			out[it.Str] = true
		}
	}
	return out
}

// manifestTrusted returns the trustedDependencies value of the
// package.json beside the lockfile, or nil.
func (b *bunLock) manifestTrusted() *jsonValue {
	fh, _, err := ingest.OpenRegular(filepath.Join(filepath.Dir(b.file.Path), "package.json"))
	if err != nil {
		return nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxLockfileSize))
	if err != nil {
		return nil
	}
	root, _, err := decodeJSON(data)
	if err != nil {
		b.res.Warnf(ingest.Position{File: b.file.Path}, "package.json beside the lockfile is not valid JSON; its trustedDependencies are not read")
		return nil
	}
	return root.get("trustedDependencies")
}

// splitBunIdent splits the first element of a packages entry,
// "name@version" or "name@source", at the "@" after the name.
func splitBunIdent(s string) (name, spec string) {
	// A scoped name starts with "@", and a source may hold another "@"
	// (a URL with a user): the name ends at the first "@" after its start.
	if len(s) < 2 {
		return "", ""
	}
	i := strings.IndexByte(s[1:], '@')
	if i < 0 {
		return "", ""
	}
	return s[:i+1], s[i+2:]
}

// bunKeyNames splits an install path into its package names, keeping
// each npm scope with its name.
func bunKeyNames(key string) []string {
	segs := strings.Split(key, "/")
	var out []string
	for i := 0; i < len(segs); i++ {
		if strings.HasPrefix(segs[i], "@") && i+1 < len(segs) {
			out = append(out, segs[i]+"/"+segs[i+1])
			i++
			continue
		}
		out = append(out, segs[i])
	}
	return out
}

// readEntry adds the package of one packages member.
func (b *bunLock) readEntry(m jsonMember, trusted map[string]bool) {
	pos := ingest.Position{File: b.file.Path, Line: m.Line, Col: m.Col}
	v := m.Value
	if v.Kind != jsonArray || len(v.Items) == 0 || v.Items[0].Kind != jsonString {
		b.res.Warnf(pos, "package entry is not an array that starts with name@version; skipped")
		return
	}
	name, spec := splitBunIdent(v.Items[0].Str)
	if name == "" || spec == "" {
		b.res.Warnf(pos, "package entry names no package and version; skipped")
		return
	}
	// The source after the name and the registry may carry credentials.
	b.c.checkURL(spec, m.Line, b.res)
	for _, it := range v.Items[1:] {
		if it.Kind == jsonString {
			b.c.checkURL(it.Str, it.Line, b.res)
		}
	}

	e := &bunEntry{key: m.Key, names: bunKeyNames(m.Key)}
	pf := pkgFacts{Line: m.Line}
	ref := pkgRef{Eco: ecoNPM, Name: name}
	infoAt := 1
	switch {
	case strings.HasPrefix(spec, "workspace:") || strings.HasPrefix(spec, "root:"):
		// The project's own packages: their dependencies are those the
		// workspaces member lists.
		b.workspaces[name] = true
		return
	case strings.HasPrefix(spec, "file:") || strings.HasPrefix(spec, "link:"):
		pf.Local = true
	case originOf(spec) == "git":
		pf.Attrs = map[string]string{attrOrigin: "git"}
	case strings.Contains(spec, "://"):
		pf.Attrs = map[string]string{attrOrigin: "url"}
	default:
		ref.Version = spec
		infoAt = 2
	}

	if last := e.names[len(e.names)-1]; last != name {
		pf.Alias = last
	}
	pf.InstallScript = trusted[name]
	if infoAt < len(v.Items) && v.Items[infoAt].Kind == jsonObject {
		e.info = v.Items[infoAt]
	}
	e.id = b.c.add(ref, pf)
	b.ids[m.Key] = e.id
	b.entries = append(b.entries, e)
}

// resolve returns the node id of the package that name resolves to from
// install path names: the copy nested deepest under it, else the one at
// the top, or "".
func (b *bunLock) resolve(names []string, name string) string {
	for i := len(names); i >= 0; i-- {
		key := strings.Join(append(slices.Clone(names[:i]), name), "/")
		if id := b.ids[key]; id != "" {
			return id
		}
	}
	return ""
}

// bunDepFields are the dependency members of a package's information,
// with the confidence of the edges they give. Bun installs peer
// dependencies unless optionalPeers names them.
var bunDepFields = []struct {
	field string
	conf  graph.Confidence
}{
	{"dependencies", graph.Certain},
	{"optionalDependencies", graph.Possible},
	{"peerDependencies", graph.Certain},
}

// readDeps adds the dependency edges of one package.
func (b *bunLock) readDeps(e *bunEntry) {
	if e.info == nil {
		return
	}
	optionalPeers := map[string]bool{}
	if list := e.info.get("optionalPeers"); list != nil && list.Kind == jsonArray {
		for _, it := range list.Items {
			optionalPeers[it.Str] = true
		}
	}
	for _, fd := range bunDepFields {
		deps := e.info.get(fd.field)
		if deps == nil {
			continue
		}
		if deps.Kind != jsonObject {
			b.res.Warnf(b.at(deps), "%s is not an object; skipped", fd.field)
			continue
		}
		for _, d := range deps.Members {
			to := b.resolve(e.names, d.Key)
			if to == "" {
				if fd.field == "dependencies" && !b.workspaces[d.Key] {
					b.res.Warnf(ingest.Position{File: b.file.Path, Line: d.Line, Col: d.Col}, "dependency %s is not in the lockfile", d.Key)
				}
				continue
			}
			conf := fd.conf
			if optionalPeers[d.Key] {
				conf = graph.Possible
			}
			b.c.depend(e.id, to, d.Line, conf)
		}
	}
}

// readWorkspaces marks the dependencies that each workspace declares as
// direct, and returns the ids of those it needs in production and of
// those only development needs.
func (b *bunLock) readWorkspaces(ws *jsonValue) (prod, dev []string) {
	if ws != nil && ws.Kind != jsonObject {
		b.res.Warnf(b.at(ws), "workspaces is not an object; skipped")
		return nil, nil
	}
	certain, optional := map[string]bool{}, map[string]bool{}
	for _, w := range memberList(ws) {
		if w.Value.Kind != jsonObject {
			b.res.Warnf(ingest.Position{File: b.file.Path, Line: w.Line, Col: w.Col}, "workspace entry is not an object; skipped")
			continue
		}
		var from []string
		if name := w.Value.str("name"); w.Key != "" && name != "" {
			from = []string{name}
		}
		for _, field := range []string{"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"} {
			for _, d := range memberList(w.Value.get(field)) {
				id := b.resolve(from, d.Key)
				if id == "" {
					continue
				}
				b.c.markDirect(id)
				switch field {
				case "devDependencies":
					dev = append(dev, id)
					certain[id] = true
				case "optionalDependencies":
					prod = append(prod, id)
					optional[id] = true
				default:
					prod = append(prod, id)
					certain[id] = true
				}
			}
		}
	}
	// bun install installs an optional dependency only where it can.
	for id := range optional {
		if !certain[id] {
			b.c.markPossible(id)
		}
	}
	return prod, dev
}
