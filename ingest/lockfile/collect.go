package lockfile

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// maxLockfileSize bounds the files these parsers read whole.
const maxLockfileSize = 64 << 20

// maxPackages and maxDependencies bound the packages and the dependency
// edges of one lockfile. Each package costs a few KiB of memory by the
// time its facts are written, so a 64 MiB file of short entries could
// otherwise need many GiB. Monorepo lockfiles hold tens of thousands.
var (
	maxPackages     = 100000
	maxDependencies = 1000000
)

// Attribute keys written by this package beyond those in graph/model.go.
const (
	attrEcosystem  = "ecosystem"
	attrVersion    = "version"
	attrPaths      = "paths"       // npm: node_modules install paths in one lockfile
	attrDev        = "dev"         // LOCKS: only development tooling needs it
	attrOptional   = "optional"    // LOCKS: an optional dependency or extra
	attrLocal      = "local"       // a package read from a folder, not a registry
	attrOrigin     = "origin"      // LOCKS: "git" when fetched from a Git repository
	attrAlias      = "alias"       // LOCKS: npm folder names the package is installed under
	attrUnpinned   = "unpinned"    // LOCKS to a name node: no exact version is pinned
	attrRange      = "range"       // LOCKS: the version specifier of an unpinned requirement
	attrMarkers    = "markers"     // LOCKS: Python environment markers
	attrExtras     = "extras"      // LOCKS: Python extras requested
	attrReplacedBy = "replaced_by" // LOCKS: go.mod replace target; this version does not run
	attrReplaces   = "replaces"    // LOCKS: the module version a go.mod replacement is used in place of
	attrBuilt      = "built"       // LOCKS: "false" when Yarn's dependenciesMeta turns its build scripts off
	attrPlatforms  = "platforms"   // LOCKS: Gemfile.lock platforms the version is locked for
	attrYarnBerry  = "yarn_berry"  // LOCKS: "true" on a dev package of a Yarn 2+ yarn.lock
)

// pkgRef names one package: its ecosystem, its name as the ecosystem
// writes it, and its version ("" when unknown or not pinned).
type pkgRef struct {
	Eco     string
	Name    string
	Version string
}

// lockedPkg is one package a lockfile pins, merged over every place the
// file lists it.
type lockedPkg struct {
	ref     pkgRef
	id      string // version purl, or name purl when the version is unknown
	nameID  string
	line    int
	paths   []string
	aliases []string
	attrs   map[string]string // extra LOCKS attributes

	direct        bool
	dev           bool // true only when every listing is dev-only
	optional      bool // true only when every listing is optional
	installScript bool
	local         bool
	possible      bool
}

// pkgFacts are the facts one listing of a package states.
type pkgFacts struct {
	Line          int
	Path          string // npm install path
	Alias         string // npm folder name, when it differs from the name
	Direct        bool
	Dev           bool
	Optional      bool
	InstallScript bool
	Local         bool
	Possible      bool // the package is installed only in some environments
	Attrs         map[string]string
}

type depKey struct{ from, to string }

// depFact is the line that first states a DEPENDS_ON edge, and the edge's
// confidence.
type depFact struct {
	line int
	conf graph.Confidence
}

// collector gathers the packages and dependency edges of one lockfile and
// turns them into graph facts.
type collector struct {
	file  *ingest.File
	pkgs  map[string]*lockedPkg
	order []string
	deps  map[depKey]depFact
	dout  map[string][]string // DEPENDS_ON adjacency, in insertion order
	dkeys []depKey
	// credentialSeen is set once a URL with credentials was reported.
	credentialSeen bool
	// tooMany names the limit the file went over, once it did.
	tooMany string
	// repoAttrs are attributes for the repository node that name the
	// package the repository itself is, when a file at the repository's
	// top names it (see setProject, uvProject and npmProjectAttrs).
	repoAttrs map[string]string
}

func newCollector(f *ingest.File) *collector {
	return &collector{
		file: f,
		pkgs: map[string]*lockedPkg{},
		deps: map[depKey]depFact{},
		dout: map[string][]string{},
	}
}

// reserve makes room for n packages and about as many dependency edges.
// It is called before any package is added.
func (c *collector) reserve(n int) {
	c.pkgs = make(map[string]*lockedPkg, n)
	c.order = make([]string, 0, n)
	c.deps = make(map[depKey]depFact, n)
	c.dkeys = make([]depKey, 0, n)
	c.dout = make(map[string][]string, n)
}

// add records one listing of a package and returns its node id.
func (c *collector) add(ref pkgRef, pf pkgFacts) string {
	nameID := purlOf(pkgRef{Eco: ref.Eco, Name: ref.Name})
	id := nameID
	if ref.Version != "" {
		id = purlOf(ref)
	}
	p := c.pkgs[id]
	if p == nil && len(c.order) >= maxPackages {
		c.tooMany = fmt.Sprintf("lockfile lists more than %d packages", maxPackages)
		return id
	}
	if p == nil {
		p = &lockedPkg{ref: ref, id: id, nameID: nameID, line: pf.Line, dev: true, optional: true}
		c.pkgs[id] = p
		c.order = append(c.order, id)
	}

	if pf.Path != "" {
		p.paths = append(p.paths, pf.Path)
	}
	if pf.Alias != "" {
		p.aliases = append(p.aliases, pf.Alias)
	}
	p.direct = p.direct || pf.Direct
	p.dev = p.dev && pf.Dev
	p.optional = p.optional && pf.Optional
	p.installScript = p.installScript || pf.InstallScript
	p.local = p.local || pf.Local
	p.possible = p.possible || pf.Possible

	for k, v := range pf.Attrs {
		if v == "" {
			continue
		}
		if old := p.attrs[k]; old != "" && old != v {
			p.attrs[k] = graph.JoinList(append(graph.SplitList(old), v))
			continue
		}
		if p.attrs == nil {
			p.attrs = map[string]string{}
		}
		p.attrs[k] = v
	}
	return id
}

// markDirect records that a package already added is a direct dependency.
func (c *collector) markDirect(id string) {
	if p := c.pkgs[id]; p != nil {
		p.direct = true
	}
}

// markPossible records that a package already added is installed only in
// some environments.
func (c *collector) markPossible(id string) {
	if p := c.pkgs[id]; p != nil {
		p.possible = true
	}
}

// settlePossible marks as possible every package that no chain of certain
// DEPENDS_ON edges reaches from a start package: what only an optional
// dependency, a platform condition or an environment marker pulls in is
// installed only in some environments. The start packages are roots when
// given (the project's own packages, for formats that list them), else
// every direct package that is itself certain. Call it once the direct
// packages are known.
func (c *collector) settlePossible(roots ...string) {
	if c.tooMany != "" {
		// emit rejects the file, and roots may name packages left out.
		return
	}
	reached := map[string]bool{}
	stack := append([]string(nil), roots...)
	if len(roots) == 0 {
		for _, id := range c.order {
			if p := c.pkgs[id]; p.direct && !p.possible {
				stack = append(stack, id)
			}
		}
	}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if reached[id] {
			continue
		}
		reached[id] = true
		for _, to := range c.dout[id] {
			if c.deps[depKey{id, to}].conf == graph.Certain {
				stack = append(stack, to)
			}
		}
	}
	for _, id := range c.order {
		if !reached[id] {
			c.pkgs[id].possible = true
		}
	}
}

// settleDev marks as dev the packages that a chain of DEPENDS_ON edges
// reaches from a dev root and from no production root, and every other
// package as not dev. A root is the id of a package that a project's
// manifest declares.
func (c *collector) settleDev(prod, dev []string) {
	reach := func(roots []string) map[string]bool {
		seen := map[string]bool{}
		stack := slices.Clone(roots)
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[id] {
				continue
			}
			seen[id] = true
			stack = append(stack, c.dout[id]...)
		}
		return seen
	}
	inProd, inDev := reach(prod), reach(dev)
	for id, p := range c.pkgs {
		p.dev = inDev[id] && !inProd[id]
	}
}

// depend records that package from depends on package to, as stated at line.
func (c *collector) depend(from, to string, line int, conf graph.Confidence) {
	if from == to || from == "" || to == "" || c.tooMany != "" {
		return
	}
	k := depKey{from, to}
	if d, ok := c.deps[k]; ok {
		if conf == graph.Certain {
			d.conf = graph.Certain
			c.deps[k] = d
		}
		return
	}
	if len(c.dkeys) >= maxDependencies {
		c.tooMany = fmt.Sprintf("lockfile lists more than %d dependencies", maxDependencies)
		return
	}
	c.deps[k] = depFact{line: line, conf: conf}
	c.dkeys = append(c.dkeys, k)
	c.dout[from] = append(c.dout[from], to)
}

// maxChain bounds the packages a chain attribute names. A longer chain
// keeps its direct package, then "…", then the packages nearest the end.
const maxChain = 16

// reach is the step by which the breadth-first search of chains came to a
// package: the direct package it started from, the package before it (""
// for a direct one) and the number of edges from the start.
type reach struct {
	root, prev string
	dist       int
}

// chains returns, for every package reachable from a direct one, how the
// shortest dependency chain from a direct package reaches it, found
// breadth first from the direct packages in file order.
func (c *collector) chains() map[string]reach {
	seen := make(map[string]reach, len(c.order))
	var queue []string
	for _, id := range c.order {
		if c.pkgs[id].direct {
			seen[id] = reach{root: id}
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, to := range c.dout[id] {
			if _, ok := seen[to]; !ok {
				r := seen[id]
				seen[to] = reach{root: r.root, prev: id, dist: r.dist + 1}
				queue = append(queue, to)
			}
		}
	}
	return seen
}

// chainText renders the chain that ends at id, which chains reached from
// another package, as the chain attribute writes it.
func chainText(seen map[string]reach, id string) string {
	r := seen[id]
	n := min(r.dist+1, maxChain)
	var buf [maxChain]string
	for i, cur := n-1, id; i >= 0; i-- {
		buf[i] = cur
		cur = seen[cur].prev
	}
	if r.dist+1 > maxChain {
		buf[0], buf[1] = r.root, "…"
	}
	return strings.Join(buf[:n], " > ")
}

// inferDirect marks as direct every candidate package that no other
// package of the lockfile depends on, for formats that do not list the
// project's own dependencies. A package that the project requires and that
// another package requires too stays transitive. Packages left unreachable
// from a direct one (a cycle nothing else requires) are marked direct in
// file order until every package is reachable.
func (c *collector) inferDirect(candidate func(id string) bool) {
	if c.tooMany != "" {
		return
	}
	required := map[string]bool{}
	for _, k := range c.dkeys {
		required[k.to] = true
	}
	for _, id := range c.order {
		if !required[id] && candidate(id) {
			c.pkgs[id].direct = true
		}
	}
	reached := map[string]bool{}
	visit := func(id string) {
		stack := []string{id}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if reached[n] {
				continue
			}
			reached[n] = true
			stack = append(stack, c.dout[n]...)
		}
	}
	for _, id := range c.order {
		if c.pkgs[id].direct {
			visit(id)
		}
	}
	for _, id := range c.order {
		if !reached[id] {
			c.pkgs[id].direct = true
			visit(id)
		}
	}
}

// emit writes the collected facts to res: package version and name nodes,
// VERSION_OF, DEPENDS_ON, the repository node and its LOCKS edges.
func (c *collector) emit(res *ingest.Result) error {
	if c.tooMany != "" {
		return ingest.Errorf(ingest.Position{File: c.file.Path}, "%s", c.tooMany)
	}
	c.dropInvalid(res)
	f := c.file
	chains := c.chains()
	repoID := ""
	if f.Repo != "" {
		repoID = f.RepoID()
	}

	// Count the facts first, so that the result grows once. names holds
	// true for a name node not yet written.
	names := make(map[string]bool, len(c.order))
	nodes, edges := 0, len(c.dkeys)
	if repoID != "" {
		nodes++
	}
	for _, id := range c.order {
		p := c.pkgs[id]
		if _, ok := names[p.nameID]; !ok {
			names[p.nameID] = true
			nodes++
		}
		if p.ref.Version != "" {
			nodes++
			edges++
		}
		if repoID != "" {
			edges++
		}
	}
	res.Nodes = reserve(res.Nodes, nodes)
	res.Edges = reserve(res.Edges, edges)

	if repoID != "" {
		attrs := map[string]string{graph.AttrRepository: f.Repo}
		// The linker reads here which package a release from the top of
		// the repository publishes.
		maps.Copy(attrs, c.repoAttrs)
		res.AddNode(graph.Node{
			ID: repoID, Kind: graph.NodeRepository, Label: f.Repo,
			Attrs: attrs,
			Pos:   graph.Pos{File: f.Path},
		})
	}

	for _, id := range c.order {
		p := c.pkgs[id]
		pos := graph.Pos{File: f.Path, Line: p.line}
		paths := ""
		if len(p.paths) > 0 {
			paths = graph.JoinList(p.paths)
		}
		if names[p.nameID] {
			names[p.nameID] = false
			res.AddNode(graph.Node{
				ID: p.nameID, Kind: graph.NodePackage, Label: p.ref.Name,
				Attrs: map[string]string{attrEcosystem: p.ref.Eco, graph.AttrName: p.ref.Name},
				Pos:   pos,
			})
		}
		if p.ref.Version != "" {
			n := graph.Node{
				ID: p.id, Kind: graph.NodePackage, Label: p.ref.Name + "@" + p.ref.Version,
				Attrs: map[string]string{
					attrEcosystem: p.ref.Eco, graph.AttrName: p.ref.Name, attrVersion: p.ref.Version,
				},
				Pos: pos,
			}
			if p.installScript {
				n.SetAttr(graph.AttrInstallHook, "true")
			}
			if len(p.paths) > 0 {
				n.SetAttr(attrPaths, paths)
			}
			if p.local {
				n.SetAttr(attrLocal, "true")
			}
			res.AddNode(n)
			res.AddEdge(graph.Edge{From: p.id, To: p.nameID, Kind: graph.EdgeVersionOf, Pos: pos})
		}
		if repoID == "" {
			continue
		}
		e := graph.Edge{From: repoID, To: p.id, Kind: graph.EdgeLocks, Pos: pos, Confidence: graph.Certain}
		if p.possible {
			e.Confidence = graph.Possible
		}
		e.SetAttr(graph.AttrLockfile, f.RelPath)
		e.SetAttr(graph.AttrDirect, boolText(p.direct))
		if r, ok := chains[p.id]; !p.direct && ok && r.dist > 0 {
			e.SetAttr(graph.AttrChain, chainText(chains, p.id))
		}
		if p.installScript {
			e.SetAttr(graph.AttrInstallHook, "true")
		}
		if p.dev {
			e.SetAttr(attrDev, "true")
		}
		if p.optional {
			e.SetAttr(attrOptional, "true")
		}
		if p.local {
			e.SetAttr(attrLocal, "true")
		}
		if len(p.paths) > 0 {
			e.SetAttr(attrPaths, paths)
		}
		if len(p.aliases) > 0 {
			e.SetAttr(attrAlias, graph.JoinList(p.aliases))
		}
		if p.ref.Version == "" {
			e.SetAttr(attrUnpinned, "true")
		}
		for k, v := range p.attrs {
			e.SetAttr(k, v)
		}
		res.AddEdge(e)
	}
	// Every DEPENDS_ON edge of the file carries the same attributes, so
	// they share one map.
	var depAttrs map[string]string
	if len(c.dkeys) > 0 {
		depAttrs = map[string]string{graph.AttrLockfile: f.RelPath}
	}
	for _, k := range c.dkeys {
		d := c.deps[k]
		res.AddEdge(graph.Edge{
			From: k.from, To: k.to, Kind: graph.EdgeDependsOn, Confidence: d.conf,
			Attrs: depAttrs,
			Pos:   graph.Pos{File: f.Path, Line: d.line},
		})
	}
	res.Records += len(c.order)
	return nil
}

// reserve returns s with room for n more elements. When s has to grow, the
// new array has exactly that room: the pipeline copies a result whose
// slices have much unused capacity.
func reserve[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	out := make([]T, len(s), len(s)+n)
	copy(out, s)
	return out
}

// checkURL reports, once per file, a URL that carries a credential. The
// value itself goes nowhere.
func (c *collector) checkURL(s string, line int, res *ingest.Result) {
	if c.credentialSeen || !credentialInURL(s) {
		return
	}
	c.credentialSeen = true
	res.Warnf(ingest.Position{File: c.file.Path, Line: line},
		"a URL carries credentials; they are not stored, but whoever can read this file can use them")
}

// credentialInURL reports whether s is a URL whose user information holds
// a credential: a password, or a user name other than "git", which Git
// hosts use for key-based access.
func credentialInURL(s string) bool {
	if !strings.Contains(s, "@") {
		// User information ends at an '@'.
		return false
	}
	u, err := url.Parse(strings.TrimPrefix(s, "git+"))
	if err != nil || u.User == nil {
		return false
	}
	if _, ok := u.User.Password(); ok {
		return true
	}
	name := u.User.Username()
	return name != "" && name != "git"
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// baseName returns the file name of f, from its repository path when known.
func baseName(f *ingest.File) string {
	if f.RelPath != "" {
		return path.Base(f.RelPath)
	}
	return filepath.Base(f.Path)
}

// readAll reads the whole file, up to maxLockfileSize.
func readAll(f *ingest.File) ([]byte, error) {
	// The size on disk is the usual length: read into one buffer of
	// that size instead of growing one.
	buf := bytes.NewBuffer(make([]byte, 0, min(max(f.Size, 0), maxLockfileSize)+bytes.MinRead))
	return readInto(f, buf)
}

// readBuffers holds buffers that parsers which copy everything they keep
// out of the file may read into and return.
var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer bounds the buffers kept for reuse, so that one large
// lockfile does not stay in memory for the rest of a run.
const maxPooledBuffer = 1 << 20

// readPooled is readAll into a buffer from readBuffers. The caller calls
// release once nothing refers to the data any more.
func readPooled(f *ingest.File) (data []byte, release func(), err error) {
	buf := readBuffers.Get().(*bytes.Buffer)
	release = func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			readBuffers.Put(buf)
		}
	}
	buf.Reset()
	buf.Grow(int(min(max(f.Size, 0), maxLockfileSize)) + bytes.MinRead)
	data, err = readInto(f, buf)
	if err != nil {
		release()
		return nil, nil, err
	}
	return data, release, nil
}

// readInto reads the whole file into buf, up to maxLockfileSize.
func readInto(f *ingest.File, buf *bytes.Buffer) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if _, err := buf.ReadFrom(io.LimitReader(rc, maxLockfileSize+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if len(data) > maxLockfileSize {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file is larger than %d MiB", maxLockfileSize>>20)
	}
	// Editors on Windows may start a file with a UTF-8 byte order mark.
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// validText reports whether s is valid UTF-8 without control or
// bidirectional formatting characters, which no package name or version
// has and which could disguise a label.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return false
		}
	}
	return true
}

// dropInvalid leaves out, with one warning each, the packages whose name
// or version is not validText, and the dependency edges that join them.
func (c *collector) dropInvalid(res *ingest.Result) {
	bad := map[string]bool{}
	kept := c.order[:0]
	for _, id := range c.order {
		p := c.pkgs[id]
		if validText(p.ref.Name) && validText(p.ref.Version) {
			kept = append(kept, id)
			continue
		}
		bad[id] = true
		delete(c.pkgs, id)
		res.Warnf(ingest.Position{File: c.file.Path, Line: p.line}, "package name or version has a control character or invalid UTF-8; skipped")
	}
	c.order = kept
	if len(bad) == 0 {
		return
	}
	keys := c.dkeys[:0]
	for _, k := range c.dkeys {
		if bad[k.from] || bad[k.to] {
			delete(c.deps, k)
			continue
		}
		keys = append(keys, k)
	}
	c.dkeys = keys
	for from, tos := range c.dout {
		if bad[from] {
			delete(c.dout, from)
			continue
		}
		out := tos[:0]
		for _, to := range tos {
			if !bad[to] {
				out = append(out, to)
			}
		}
		c.dout[from] = out
	}
}
