package gitlab

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// Limits on the pipeline one file belongs to.
const (
	maxFileSize = 8 << 20
	maxIncludes = 150 // GitLab's own limit on included files
	maxWalk     = 20000
)

// repo gives the files of the repository a parsed file belongs to.
type repo struct {
	root     string // the pipeline's root folder on disk, or "" when unknown
	prefix   string // that folder relative to the repository root
	self     string // the parsed file, relative to the root
	selfPath string // the parsed file as the input names it
	selfData []byte
	listed   []string // files below root, read once for wildcard includes
	listErr  bool
}

// read returns the content of a regular file of the repository. Paths
// must stay inside the repository root.
func (r *repo) read(rel string) ([]byte, error) {
	if rel == r.self {
		return r.selfData, nil
	}
	if r.root == "" {
		return nil, errors.New("repository root is unknown")
	}
	return registry.ReadInside(r.root, filepath.FromSlash(rel), maxFileSize)
}

// files lists the regular files below the root, relative to it, for
// wildcard includes. Version-control and dependency folders are skipped.
func (r *repo) files() []string {
	if r.listed != nil || r.listErr || r.root == "" {
		return r.listed
	}
	n := 0
	err := filepath.WalkDir(r.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if n++; n > maxWalk {
			return fs.SkipAll
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", ".terraform", "vendor":
				return fs.SkipDir
			}
			return nil
		}
		if rel, err := filepath.Rel(r.root, p); err == nil {
			r.listed = append(r.listed, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil || r.listed == nil {
		r.listErr = true
	}
	return r.listed
}

// cfgFile is one file of a pipeline.
type cfgFile struct {
	rel string
	top *value
}

// remote is an include whose content is not in the input: another
// project's file, a remote URL, a GitLab template or a CI/CD component.
type remote struct {
	purl    string // version node
	name    string // name node, "" when the purl has no version
	label   string
	kind    string // project, remote, template, component
	version string
	pinned  string
	file    string // the file whose include: names it
	line    int
}

// diag is a problem found while loading, in the file it concerns.
type diag struct {
	file string
	line int
	msg  string
}

// pipeline is a root file with every file it includes, merged.
type pipeline struct {
	repo    *repo
	project string
	rootRel string
	files   []*cfgFile
	loaded  map[string]bool
	// includeRules lists, per file, the rules: of the include entries
	// that led to it, which must all let a run include the file.
	includeRules map[string][]*ruleList
	config       *value
	remotes      []remote
	diags        []diag
	selfErr      error // why the parsed file itself cannot be read
	budget       int
	over         bool // a size limit cut the pipeline short
	// partial is set when an included file the pipeline names is not in
	// the input or cannot be read.
	partial bool

	extended map[string]expansion
	resolved map[*value]expansion
}

// whole reports whether the input holds the whole pipeline: it starts at
// the repository's .gitlab-ci.yml (another file may be included by one
// that defines the rest of its jobs), and every file it includes was read.
// Remote, template, component and other projects' includes are not.
func (p *pipeline) whole() bool {
	return path.Base(p.rootRel) == ".gitlab-ci.yml" && len(p.remotes) == 0 && !p.partial && !p.over
}

func (p *pipeline) warn(file string, line int, format string, args ...any) {
	p.diags = append(p.diags, diag{file: file, line: line, msg: fmt.Sprintf(format, args...)})
}

// loadPipeline reads the root file and, depth first, the local files it
// includes. A problem in the parsed file itself is returned as an error,
// and a problem in another file only gives a warning.
func loadPipeline(r *repo, project, rootRel string) (*pipeline, error) {
	p := &pipeline{
		repo:         r,
		project:      project,
		rootRel:      rootRel,
		loaded:       map[string]bool{},
		includeRules: map[string][]*ruleList{},
		budget:       maxValues,
		extended:     map[string]expansion{},
		resolved:     map[*value]expansion{},
	}
	p.load(rootRel, "", 0, 0, nil)
	if p.selfErr != nil {
		return nil, p.selfErr
	}
	p.config = &value{kind: kindMap}
	for _, f := range p.files {
		p.config = merge(p.config, f.top, 0)
	}
	return p, nil
}

// load reads one file, then the files it includes, and appends it after
// them: a file's own keys override what it includes.
func (p *pipeline) load(rel, from string, fromLine, depth int, rules []*ruleList) {
	if p.loaded[rel] {
		if !slices.Equal(p.includeRules[rel], rules) {
			// The file is reached in two ways under different
			// conditions, so it is taken to be included on every run.
			// NOTE: the files it includes keep the conditions of the
			// first way.
			delete(p.includeRules, rel)
		}
		return
	}
	if len(p.files) >= maxIncludes || depth > maxIncludes {
		p.warn(from, fromLine, "include not read: more than %d files are included", maxIncludes)
		return
	}
	p.loaded[rel] = true
	if len(rules) > 0 {
		p.includeRules[rel] = rules
	}
	data, err := p.repo.read(rel)
	if err != nil {
		if rel == p.repo.self {
			p.selfErr = err
			return
		}
		p.warn(from, fromLine, "included file is not in the input; its jobs and templates are missing")
		p.partial = true
		return
	}
	top, err := p.decode(rel, data)
	if err != nil {
		if rel == p.repo.self {
			p.selfErr = err
			return
		}
		p.warn(from, fromLine, "included file is not valid yaml; its jobs and templates are missing")
		p.partial = true
		return
	}
	for _, inc := range includes(top.get("include")) {
		p.include(rel, inc, depth)
	}
	p.files = append(p.files, &cfgFile{rel: rel, top: top})
}

// decode parses a file's YAML. A file that starts with a spec: header
// document has its configuration in the second document.
func (p *pipeline) decode(rel string, data []byte) (*value, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &value{kind: kindMap, file: rel}, nil
		}
		return nil, syntaxError(p.pathOf(rel), data, err)
	}
	root := docRoot(&doc)
	if root != nil && root.Kind == yaml.MappingNode && len(root.Content) == 2 && root.Content[0].Value == "spec" {
		var next yaml.Node
		if err := dec.Decode(&next); err == nil {
			root = docRoot(&next)
		} else if !errors.Is(err, io.EOF) {
			return nil, syntaxError(p.pathOf(rel), data, err)
		}
	}
	if root == nil || (root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
		return &value{kind: kindMap, file: rel}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, ingest.Errorf(ingest.Position{File: p.pathOf(rel), Line: root.Line, Col: root.Column},
			"invalid top level: expected a mapping of jobs and keywords")
	}
	c := yamlReader{file: rel, memo: map[*yaml.Node]*value{}, budget: &p.budget}
	top := c.convert(root, "", 0)
	if c.over {
		p.over = true
	}
	if top == nil {
		top = &value{kind: kindMap, file: rel}
	}
	return top, nil
}

func docRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		return doc.Content[0]
	}
	return nil
}

// pathOf names a file of the repository in messages: the parsed file as
// the input names it, others by their path in the repository.
func (p *pipeline) pathOf(rel string) string {
	if rel == p.repo.self {
		return p.repo.selfPath
	}
	return rel
}

// includeEntry is one entry of include:.
type includeEntry struct {
	v    *value
	line int
}

// includes lists the entries of an include: value: a string, a mapping or
// a list of them.
func includes(v *value) []includeEntry {
	var out []includeEntry
	switch {
	case v == nil:
	case v.kind == kindScalar || v.isMap():
		out = append(out, includeEntry{v: v, line: v.line})
	case v.isSeq():
		for _, it := range v.list {
			out = append(out, includeEntry{v: it, line: it.line})
		}
	}
	return out
}

func (p *pipeline) include(from string, inc includeEntry, depth int) {
	v := inc.v
	if s, ok := v.scalar(); ok {
		if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
			p.addRemoteURL(from, inc.line, s)
			return
		}
		p.includeLocal(from, inc.line, s, depth, p.includeRules[from])
		return
	}
	if !v.isMap() {
		p.warn(from, inc.line, "include entry skipped: expected a path or a mapping")
		return
	}
	switch {
	case v.has("local"):
		rules := p.includeRules[from]
		if v.has("rules") {
			rules = append(slices.Clip(rules), parseRules(v.get("rules")))
		}
		p.includeLocal(from, inc.line, v.get("local").text(), depth, rules)
	case v.has("project"):
		p.addProject(from, inc.line, v)
	case v.has("remote"):
		p.addRemoteURL(from, inc.line, v.get("remote").text())
	case v.has("template"):
		p.addTemplate(from, inc.line, v.get("template").text())
	case v.has("component"):
		p.addComponent(from, inc.line, v.get("component").text())
	default:
		p.warn(from, inc.line, "include entry skipped: none of local, project, remote, template or component is set")
	}
}

// includeLocal loads a file of the same repository. The path is relative
// to the repository root and may use * and ** wildcards.
func (p *pipeline) includeLocal(from string, line int, spec string, depth int, rules []*ruleList) {
	spec = p.expandInclude(spec)
	if spec == "" || strings.Contains(spec, "$") {
		p.warn(from, line, "local include named by a variable the file does not set; it is not read")
		return
	}
	rel := strings.TrimPrefix(path.Clean("/"+spec), "/")
	if !strings.Contains(rel, "*") {
		p.load(rel, from, line, depth+1, rules)
		return
	}
	re := globRegexp(rel)
	found := false
	for _, f := range p.repo.files() {
		if re.MatchString(f) && (strings.HasSuffix(f, ".yml") || strings.HasSuffix(f, ".yaml")) {
			found = true
			p.load(f, from, line, depth+1, rules)
		}
	}
	if !found {
		p.warn(from, line, "no file in the input matches the local include")
	}
}

// expandInclude replaces the predefined variables include: paths may use
// and that the input fixes.
func (p *pipeline) expandInclude(s string) string {
	r := strings.NewReplacer(
		"${CI_PROJECT_PATH}", p.project, "$CI_PROJECT_PATH", p.project,
		"${CI_SERVER_FQDN}", "gitlab.com", "$CI_SERVER_FQDN", "gitlab.com",
		"${CI_SERVER_HOST}", "gitlab.com", "$CI_SERVER_HOST", "gitlab.com",
	)
	return strings.TrimSpace(r.Replace(s))
}

// globRegexp turns an include wildcard into a regular expression: * stays
// within a folder, ** crosses folders.
func globRegexp(glob string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		switch {
		case strings.HasPrefix(glob[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			i++
		case glob[i] == '*':
			b.WriteString("[^/]*")
		default:
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// addProject records include: project: with its ref and file(s) as
// packages pkg:gitlab/group/project@ref#file.
func (p *pipeline) addProject(from string, line int, v *value) {
	proj := strings.Trim(p.expandInclude(v.get("project").text()), "/")
	ref := p.expandInclude(v.get("ref").text())
	files := v.get("file").strings()
	if proj == "" || strings.Contains(proj, "$") || len(files) == 0 {
		p.warn(from, line, "project include skipped: project and file are required and must not use variables")
		return
	}
	ns, name := splitProject(proj)
	for _, f := range files {
		sub := strings.TrimPrefix(path.Clean("/"+p.expandInclude(f)), "/")
		version := ref
		pinned := refPinned(ref)
		if strings.Contains(ref, "$") {
			version, pinned = "", "variable"
		}
		r := remote{
			kind:    "project",
			purl:    packageurl.NewPackageURL("gitlab", ns, name, version, nil, sub).ToString(),
			label:   proj + "/" + sub,
			version: version,
			pinned:  pinned,
			file:    from,
			line:    line,
		}
		if version != "" {
			r.name = packageurl.NewPackageURL("gitlab", ns, name, "", nil, "").ToString()
			r.label += "@" + version
		}
		p.addRemote(r)
	}
}

// addComponent records a CI/CD catalog component,
// HOST/group/project/name@version, as pkg:gitlab/group/project@version#templates/name.
func (p *pipeline) addComponent(from string, line int, spec string) {
	spec = p.expandInclude(spec)
	at := strings.LastIndexByte(spec, '@')
	parts := strings.Split(strings.Trim(spec[:max(at, 0)], "/"), "/")
	if at < 0 || len(parts) < 4 || strings.Contains(spec, "$") {
		p.warn(from, line, "component include skipped: expected HOST/PROJECT/NAME@VERSION without variables")
		return
	}
	version := spec[at+1:]
	proj := strings.Join(parts[1:len(parts)-1], "/")
	comp := parts[len(parts)-1]
	ns, name := splitProject(proj)
	p.addRemote(remote{
		kind:    "component",
		purl:    packageurl.NewPackageURL("gitlab", ns, name, version, nil, "templates/"+comp).ToString(),
		name:    packageurl.NewPackageURL("gitlab", ns, name, "", nil, "").ToString(),
		label:   proj + "/" + comp + "@" + version,
		version: version,
		pinned:  refPinned(version),
		file:    from,
		line:    line,
	})
}

// addTemplate records a template shipped with GitLab as
// pkg:generic/gitlab-template/NAME. Its content changes with the GitLab
// version.
func (p *pipeline) addTemplate(from string, line int, name string) {
	name = strings.Trim(name, "/")
	if name == "" || strings.Contains(name, "$") {
		p.warn(from, line, "template include skipped: expected a template name")
		return
	}
	ns := "gitlab-template"
	if d := path.Dir(name); d != "." {
		ns += "/" + d
	}
	p.addRemote(remote{
		kind:   "template",
		purl:   packageurl.NewPackageURL("generic", ns, path.Base(name), "", nil, "").ToString(),
		label:  "GitLab template " + name,
		pinned: "gitlab-version",
		file:   from,
		line:   line,
	})
}

// addRemoteURL records a remote include as
// pkg:generic/gitlab-remote/NAME?download_url=URL. User information and
// the query are dropped from the URL, since they may carry a credential.
func (p *pipeline) addRemoteURL(from string, line int, raw string) {
	u := strings.TrimSpace(raw)
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok || rest == "" || strings.Contains(u, "$") {
		p.warn(from, line, "remote include skipped: expected an http or https URL without variables")
		return
	}
	if at := strings.LastIndexByte(strings.SplitN(rest, "/", 2)[0], '@'); at >= 0 {
		p.warn(from, line, "remote include URL carries user information; it is not stored")
		rest = rest[at+1:]
	}
	if q := strings.IndexAny(rest, "?#"); q >= 0 {
		rest = rest[:q]
	}
	clean := scheme + "://" + rest
	name := path.Base(rest)
	q := packageurl.QualifiersFromMap(map[string]string{"download_url": clean})
	p.addRemote(remote{
		kind:   "remote",
		purl:   packageurl.NewPackageURL("generic", "gitlab-remote", name, "", q, "").ToString(),
		label:  clean,
		pinned: "url",
		file:   from,
		line:   line,
	})
}

func (p *pipeline) addRemote(r remote) {
	for _, have := range p.remotes {
		if have.purl == r.purl {
			return
		}
	}
	p.remotes = append(p.remotes, r)
	p.warn(r.file, r.line, "included %s is not in the input and its content is not read; every job is taken to run it", r.kind)
}

// splitProject splits group/sub/project into its namespace and name.
func splitProject(proj string) (ns, name string) {
	if i := strings.LastIndexByte(proj, '/'); i >= 0 {
		return proj[:i], proj[i+1:]
	}
	return "", proj
}

// refPinned returns how firmly a ref fixes the included code.
func refPinned(ref string) string {
	switch {
	case ref == "":
		return "default-branch"
	case isCommitSHA(ref):
		return "sha"
	}
	return "tag-or-branch"
}

func isCommitSHA(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
			return false
		}
	}
	return true
}
