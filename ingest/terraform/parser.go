package terraform

import (
	"context"
	"path/filepath"
	"strings"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Parser reads Terraform files. It evaluates each module folder once and
// is safe for concurrent Parse calls; use a fresh Parser for every ingest
// run, since it keeps what it read.
type Parser struct {
	mu   sync.Mutex
	dirs map[string]*dirResult
	// input is the Terraform folders of the input, as Prepare found
	// them, or nil when Prepare was not called.
	input *inputTree
}

// dirResult is the evaluated module of one folder.
type dirResult struct {
	once  sync.Once
	files map[string]*fileFacts // by base name
}

// fileFacts are the facts of one file of a module, with positions that
// name the file by its base name until Parse fills in the caller's path.
type fileFacts struct {
	err   *ingest.Error
	nodes []graph.Node
	edges []graph.Edge
	diags []ingest.Diagnostic
	// called holds the problems of the modules that the file's module
	// blocks call, at positions in those modules' own files.
	called  []ingest.Diagnostic
	records int
}

// New returns a Parser with nothing read yet.
func New() *Parser {
	return &Parser{dirs: map[string]*dirResult{}}
}

// Format returns "terraform".
func (p *Parser) Format() string { return "terraform" }

// Detect claims .tf and .tfvars files and their JSON forms, .tf.json and
// .tfvars.json, gzip-compressed or not, except those of a module that a
// root module of the input calls (see Prepare). Other JSON files are left
// to the parsers of their formats.
func (p *Parser) Detect(f *ingest.File) bool {
	return (isConfig(f.Path) || isVars(f.Path)) && p.caller(filepath.Dir(f.Path)) == ""
}

// isConfig, isVars and isJSON read a name without its .gz suffix: a
// module's files may be gzip-compressed, as any input file may. As
// Terraform reads a module's folder, the suffixes match in lower case
// only, and a name that starts with a dot (a hidden file) never matches.
func isConfig(path string) bool {
	name := plainName(path)
	return !hidden(name) && (strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json"))
}

func isVars(path string) bool {
	name := plainName(path)
	return !hidden(name) && (strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tfvars.json"))
}

// hidden reports whether a file's name starts with a dot.
func hidden(path string) bool { return strings.HasPrefix(filepath.Base(path), ".") }

// isOverride reports whether a configuration file is an override file:
// override.tf, *_override.tf, or their .tf.json forms.
func isOverride(path string) bool {
	if !isConfig(path) {
		return false
	}
	stem := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(plainName(path)), ".json"), ".tf")
	return stem == "override" || strings.HasSuffix(stem, "_override")
}

// isJSON reports whether a configuration or variables file is written in
// Terraform's JSON syntax.
func isJSON(path string) bool { return strings.HasSuffix(plainName(path), ".json") }

func plainName(path string) string {
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		return path[:len(path)-len(".gz")]
	}
	return path
}

// leftOut returns why Terraform leaves out a file whose name ends in a
// configuration or variables suffix in some case (MAIN.TF, .draft.tf), or
// "" for any other file.
func leftOut(path string) string {
	name := plainName(path)
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ".tf") && !strings.HasSuffix(lower, ".tf.json") &&
		!strings.HasSuffix(lower, ".tfvars") && !strings.HasSuffix(lower, ".tfvars.json") {
		return ""
	}
	switch {
	case hidden(name):
		return "Terraform leaves out files whose names start with a dot"
	case !isConfig(path) && !isVars(path):
		return "Terraform reads only names that end in .tf, .tf.json, .tfvars or .tfvars.json in lower case"
	}
	return ""
}

// Parse evaluates the module that holds f, on the first call for its
// folder, and appends the facts of the blocks declared in f.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := filepath.Dir(f.Path)
	base := filepath.Base(f.Path)

	p.mu.Lock()
	dr := p.dirs[dir]
	if dr == nil {
		dr = &dirResult{}
		p.dirs[dir] = dr
	}
	p.mu.Unlock()
	dr.once.Do(func() { dr.files = evaluateDir(dir, f, env) })

	ff := dr.files[base]
	if ff == nil {
		return nil
	}
	if ff.err != nil {
		e := *ff.err
		e.Pos.File = f.Path
		return &e
	}
	for _, n := range ff.nodes {
		n.Pos.File = f.Path
		n.Attrs = copyAttrs(n.Attrs)
		res.AddNode(n)
	}
	for _, e := range ff.edges {
		e.Pos.File = f.Path
		e.Attrs = copyAttrs(e.Attrs)
		res.AddEdge(e)
	}
	for _, d := range ff.diags {
		d.Pos.File = f.Path
		res.Diags = append(res.Diags, d)
	}
	// A module called once for each instance reports its problems once.
	seen := map[ingest.Diagnostic]bool{}
	for _, d := range ff.called {
		if !seen[d] {
			seen[d] = true
			res.Diags = append(res.Diags, d)
		}
	}
	res.Records += ff.records
	return nil
}

// evaluateDir reads, evaluates and converts the module in dir. self is the
// file whose Parse call got here; it is read through its Open function
// when the folder cannot be listed.
func evaluateDir(dir string, self *ingest.File, env *ingest.Env) map[string]*fileFacts {
	m := loadModule(dir, self)
	ev := newEvaluator(m, sourceRoot(dir, self))
	if _, ok := repoRoot(self); ok {
		ev.tree.repo = self.RepoID()
	}
	ev.evaluateAll()
	out := emitModule(m, ev, env)
	if at := m.budget.at; at != nil {
		budgetError(m, *at, out)
	}
	return out
}

// sourceRoot returns the folder that the local sources of module blocks
// in dir must lie in: the root of the repository (or input folder) that
// the file's Repo and RelPath place it in, else the parent of dir.
func sourceRoot(dir string, self *ingest.File) string {
	if root, ok := repoRoot(self); ok {
		return root
	}
	return filepath.Dir(dir)
}

func copyAttrs(a map[string]string) map[string]string {
	if a == nil {
		return nil
	}
	c := make(map[string]string, len(a))
	for k, v := range a {
		c[k] = v
	}
	return c
}
