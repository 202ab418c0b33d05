package lockfile

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Yarn reads yarn.lock files in the line format of Yarn 1 ("classic") and
// in the YAML format of Yarn 2 and later ("berry"). Only berry files have
// a __metadata entry, which is how the two are distinguished.
type Yarn struct{}

// NewYarn returns the yarn.lock parser.
func NewYarn() *Yarn { return &Yarn{} }

// Format implements ingest.Parser.
func (*Yarn) Format() string { return "yarn-lockfile" }

// Detect implements ingest.Parser.
func (*Yarn) Detect(f *ingest.File) bool { return baseName(f) == "yarn.lock" }

// Parse implements ingest.Parser.
func (*Yarn) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	y := &yarnLock{file: f, res: res, c: newCollector(f), bySpec: map[string]*yarnEntry{}}
	if y.berry = isBerry(data); y.berry {
		if err := y.readBerry(data); err != nil {
			return err
		}
	} else if err := y.readClassic(data); err != nil {
		return err
	}
	y.link()
	y.settleDev()
	return y.c.emit(res)
}

// isBerry reports whether a yarn.lock is in the YAML format of Yarn 2 and
// later, whose first entry is __metadata.
func isBerry(data []byte) bool {
	for line := range bytes.Lines(data) {
		if bytes.HasPrefix(line, []byte("__metadata:")) || bytes.HasPrefix(line, []byte(`"__metadata":`)) {
			return true
		}
	}
	return false
}

// yarnEntry is one entry of a yarn.lock: the descriptors it resolves and
// the package they resolve to.
type yarnEntry struct {
	line      int
	specs     []string // name@range descriptors, as the key lists them
	name      string   // registry name
	aliases   []string // names the package is required by, when not its own
	version   string
	origin    string
	local     bool
	workspace bool   // a Yarn 2+ workspace: a folder of the project, whose dependencies are direct
	wsPath    string // the folder of a workspace, relative to the lockfile's
	possible  bool   // installed only on some platforms
	deps      []yarnDep
	// meta holds dependenciesMeta of a Yarn 2+ entry, by dependency name
	// or name@version.
	meta map[string]yarnMeta
	id   string
}

type yarnDep struct {
	name, rng string
	line      int
	optional  bool
}

type yarnMeta struct {
	built, notBuilt, optional bool
}

type yarnLock struct {
	file    *ingest.File
	res     *ingest.Result
	c       *collector
	entries []*yarnEntry
	bySpec  map[string]*yarnEntry
	// byName lists the entries by package name and by the names their
	// descriptors give.
	byName map[string][]*yarnEntry
	berry  bool // the YAML format of Yarn 2 and later
}

func (y *yarnLock) pos(line int) ingest.Position {
	return ingest.Position{File: y.file.Path, Line: line}
}

// splitDescriptor splits name@range at the first '@' after the first
// character, so that a scoped name keeps its leading '@'. Without a range
// it returns the whole descriptor as the name.
func splitDescriptor(s string) (name, rng string) {
	if len(s) > 1 {
		if i := strings.IndexByte(s[1:], '@'); i >= 0 {
			return s[:i+1], s[i+2:]
		}
	}
	return s, ""
}

// aliasTarget returns the real package name of an alias range
// "npm:real@range". The version range follows the last '@', so that a
// scoped real name ("npm:@scope/real@^1") keeps its scope. A range
// without a name ("npm:^1.2.0", as Yarn 4 writes plain ranges) is no
// alias.
func aliasTarget(rng string) (string, bool) {
	if !strings.HasPrefix(rng, "npm:") {
		return "", false
	}
	spec := rng[len("npm:"):]
	i := strings.LastIndexByte(spec, '@')
	if i <= 0 {
		// "npm:^1.2.0" names a range of the package itself.
		return "", false
	}
	return spec[:i], true
}

// yarnOrigin classifies the source a range or resolution names: "git",
// "url", "local" or "" for the registry.
func yarnOrigin(rng string) string {
	if o := originOf(rng); o != "" {
		return o
	}
	proto, _, _ := strings.Cut(rng, ":")
	switch proto {
	case "link", "portal", "workspace", "exec":
		return "local"
	case "git", "git+ssh", "git+https", "git+http", "ssh":
		return "git"
	case "http", "https":
		if strings.Contains(rng, ".git#") || strings.HasSuffix(rng, ".git") || strings.Contains(rng, "#commit=") {
			return "git"
		}
		return "url"
	}
	return ""
}

// readClassic reads the line format of Yarn 1: unindented keys that list
// descriptors, two-space fields, and four-space dependency lines. A file
// of which not one entry can be read is rejected at its first bad line.
func (y *yarnLock) readClassic(data []byte) error {
	var cur *yarnEntry
	block := ""
	firstBad := 0
	for i, raw := range strings.Split(string(data), "\n") {
		ln := i + 1
		line := strings.TrimRight(raw, "\r")
		text := strings.TrimSpace(line)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		switch {
		case indent == 0:
			cur, block = nil, ""
			specs, ok := splitYarnKeys(strings.TrimSuffix(text, ":"))
			if !strings.HasSuffix(text, ":") || !ok {
				y.res.Warnf(y.pos(ln), "line is not a package entry; skipped")
				if firstBad == 0 {
					firstBad = ln
				}
				continue
			}
			cur = &yarnEntry{line: ln, specs: specs}
			y.entries = append(y.entries, cur)
		case cur == nil:
		case indent < 4:
			block = ""
			if strings.HasSuffix(text, ":") {
				block = strings.TrimSuffix(text, ":")
				continue
			}
			k, v, ok := yarnPair(text)
			if !ok {
				y.res.Warnf(y.pos(ln), "field of a package entry is malformed; skipped")
				continue
			}
			switch k {
			case "version":
				cur.version = v
			case "resolved":
				y.c.checkURL(v, ln, y.res)
			}
		case block == "dependencies" || block == "optionalDependencies":
			k, v, ok := yarnPair(text)
			if !ok {
				y.res.Warnf(y.pos(ln), "dependency line is malformed; skipped")
				continue
			}
			cur.deps = append(cur.deps, yarnDep{name: k, rng: v, line: ln, optional: block == "optionalDependencies"})
		}
	}

	if len(y.entries) == 0 && firstBad > 0 {
		return ingest.Errorf(y.pos(firstBad), "not a yarn.lock: no package entry could be read")
	}
	for _, e := range y.entries {
		for _, s := range e.specs {
			_, rng := splitDescriptor(s)
			y.c.checkURL(rng, e.line, y.res)
		}
		name, rng := splitDescriptor(e.specs[0])
		e.name = name
		if real, ok := aliasTarget(rng); ok {
			e.name = real
			rng = rng[len("npm:"):]
			rng = rng[len(real):]
			rng = strings.TrimPrefix(rng, "@")
		}
		switch o := yarnOrigin(rng); o {
		case "local":
			e.local = true
		default:
			e.origin = o
		}
		for _, s := range e.specs {
			if n, _ := splitDescriptor(s); n != e.name {
				e.aliases = append(e.aliases, n)
			}
		}
	}
	return nil
}

// splitYarnKeys splits the key of a classic entry into its descriptors,
// which are separated by commas and may be quoted.
func splitYarnKeys(s string) ([]string, bool) {
	var out []string
	for len(s) > 0 {
		s = strings.TrimLeft(s, " ")
		var tok string
		if strings.HasPrefix(s, `"`) {
			end := closingQuote(s)
			if end < 0 {
				return nil, false
			}
			u, err := strconv.Unquote(s[:end+1])
			if err != nil {
				return nil, false
			}
			tok, s = u, s[end+1:]
		} else {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				i = len(s)
			}
			tok, s = strings.TrimSpace(strings.ReplaceAll(s[:i], `"`, "")), s[i:]
		}
		if tok == "" {
			return nil, false
		}
		out = append(out, tok)
		s = strings.TrimLeft(s, " ")
		if s != "" {
			if s[0] != ',' {
				return nil, false
			}
			s = s[1:]
		}
	}
	return out, len(out) > 0
}

// closingQuote returns the index of the quote that closes the string
// opening s, or -1.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// yarnPair splits a classic field or dependency line, `key value`, where
// either side may be quoted.
func yarnPair(s string) (key, value string, ok bool) {
	var rest string
	if strings.HasPrefix(s, `"`) {
		end := closingQuote(s)
		if end < 0 {
			return "", "", false
		}
		k, err := strconv.Unquote(s[:end+1])
		if err != nil {
			return "", "", false
		}
		key, rest = k, s[end+1:]
	} else {
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return "", "", false
		}
		key, rest = s[:i], s[i:]
	}
	value = strings.TrimSpace(rest)
	if strings.HasPrefix(value, `"`) {
		v, err := strconv.Unquote(value)
		if err != nil {
			return "", "", false
		}
		value = v
	}
	return key, value, key != "" && value != ""
}

// link adds every entry to the collector, resolves the dependency lines to
// entries, and settles which packages are direct and which possible.
func (y *yarnLock) link() {
	for _, e := range y.entries {
		for _, s := range e.specs {
			y.bySpec[s] = e
		}
	}
	// Entries by package name, and by the names their descriptors give,
	// which differ for an alias or a resolutions override.
	byName := map[string][]*yarnEntry{}
	for _, e := range y.entries {
		byName[e.name] = append(byName[e.name], e)
		for _, a := range e.aliases {
			if list := byName[a]; len(list) == 0 || list[len(list)-1] != e {
				byName[a] = append(byName[a], e)
			}
		}
	}
	y.byName = byName

	// Resolve first, so that a package every listing reaches only as an
	// optional dependency is added as optional.
	type arc struct {
		from, to *yarnEntry
		line     int
		optional bool
	}
	var arcs []arc
	incoming := map[*yarnEntry][2]int{} // all, optional
	for _, e := range y.entries {
		for _, d := range e.deps {
			to := y.resolve(d, byName)
			if to == nil {
				if !d.optional {
					y.res.Warnf(y.pos(d.line), "dependency %s is not in the lockfile", d.name)
				}
				continue
			}
			optional := d.optional || e.metaFor(to).optional
			arcs = append(arcs, arc{e, to, d.line, optional})
			n := incoming[to]
			n[0]++
			if optional {
				n[1]++
			}
			incoming[to] = n
		}
	}
	built := y.builtMeta()

	workspaces := false
	for _, e := range y.entries {
		if e.workspace {
			workspaces = true
			continue
		}
		if e.version == "" && !e.local {
			y.res.Warnf(y.pos(e.line), "package entry has no version; skipped")
			continue
		}
		n := incoming[e]
		pf := pkgFacts{
			Line:     e.line,
			Local:    e.local,
			Possible: e.possible,
			Optional: n[0] > 0 && n[0] == n[1],
			Attrs:    map[string]string{attrOrigin: e.origin},
		}
		m, ok := built[e.name+"@"+e.version]
		if !ok {
			m = built[e.name]
		}
		pf.InstallScript = m.built
		if m.notBuilt {
			pf.Attrs[attrBuilt] = "false"
		}
		e.id = y.c.add(pkgRef{Eco: ecoNPM, Name: e.name, Version: e.version}, pf)
		if p := y.c.pkgs[e.id]; p != nil {
			p.aliases = append(p.aliases, e.aliases...)
		}
	}

	for _, a := range arcs {
		if a.to.id == "" {
			continue
		}
		if a.from.workspace {
			y.c.markDirect(a.to.id)
		}
		if a.from.id == "" {
			continue
		}
		conf := graph.Certain
		if a.optional {
			conf = graph.Possible
		}
		y.c.depend(a.from.id, a.to.id, a.line, conf)
	}
	if !workspaces {
		y.c.inferDirect(func(string) bool { return true })
	}
	y.c.settlePossible()
}

// resolve returns the entry a dependency line resolves to: the entry
// whose key lists its descriptor, with Yarn 2's default npm: protocol
// added when the range has none. Failing that, it is the only entry of
// that name, as happens when package.json resolutions override the range.
func (y *yarnLock) resolve(d yarnDep, byName map[string][]*yarnEntry) *yarnEntry {
	if e := y.bySpec[d.name+"@"+d.rng]; e != nil {
		return e
	}
	if !strings.Contains(d.rng, ":") {
		if e := y.bySpec[d.name+"@npm:"+d.rng]; e != nil {
			return e
		}
	}
	name := d.name
	if real, ok := aliasTarget(d.rng); ok {
		name = real
	}
	if list := byName[name]; len(list) == 1 {
		return list[0]
	}
	return nil
}

// metaFor returns the dependenciesMeta e states for dependency to.
func (e *yarnEntry) metaFor(to *yarnEntry) yarnMeta {
	if m, ok := e.meta[to.name+"@"+to.version]; ok {
		return m
	}
	return e.meta[to.name]
}

// builtMeta gathers the built settings of every entry's
// dependenciesMeta. Yarn applies those of the workspaces project-wide.
func (y *yarnLock) builtMeta() map[string]yarnMeta {
	out := map[string]yarnMeta{}
	for _, e := range y.entries {
		for k, m := range e.meta {
			if m.built || m.notBuilt {
				out[k] = m
			}
		}
	}
	return out
}
