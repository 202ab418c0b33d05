package compose

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// maxFiles bounds the other Compose files that one file's include and
// extends keys read, and maxDepth how deep extends and include chains are
// followed. Both are estimates set far above what a project usually
// writes.
const (
	maxFiles = 32
	maxDepth = 8
)

// project reads the other Compose files of a file's include and extends
// keys, from the folder that holds its repository.
type project struct {
	f *ingest.File
	// root is the folder of the repository on disk, or "" when the
	// file's path does not end in its repository path.
	root  string
	files map[string]*yaml.Node // by path in the repository
	reads int
	// included holds the files that include keys brought in, by path and
	// project directory, so that each is read once.
	included map[string]bool
	// vars are the values of the .env file of the file's folder that may
	// be kept (dotenv).
	vars map[string]string
}

func newProject(f *ingest.File, root *yaml.Node) *project {
	p := &project{f: f, files: map[string]*yaml.Node{path.Clean(f.RelPath): root}, included: map[string]bool{}}
	full := filepath.ToSlash(f.Path)
	if rel := path.Clean(f.RelPath); strings.HasSuffix(full, "/"+rel) {
		p.root = filepath.FromSlash(strings.TrimSuffix(full, "/"+rel))
	} else if full == rel {
		p.root = "."
	}
	return p
}

// withheld is the value in dotenv's map of a variable that the .env file
// sets to a value that is not kept: expandWith leaves the variable as it
// is, rather than take its default.
const withheld = registry.ComposeUnknown

// dotenv reads the .env file of a folder of the repository, which
// Compose reads from its project directory for the values of variables.
// It keeps only the values that registry.PlainArgValue lets be stored
// (versions, tags, image names, paths of plain words) and that read no
// variable. So no secret of the file is kept: the others become withheld. A line is NAME=VALUE,
// after an optional export; a value may be quoted, and a # after a space
// starts a comment in an unquoted one. A missing file gives none.
func (p *project) dotenv(dir string) map[string]string {
	if p.root == "" {
		return nil
	}
	data, err := p.read(path.Join(dir, ".env"))
	if err != nil {
		return nil
	}
	var out map[string]string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			continue
		}
		switch {
		case len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0]:
			value = value[1 : len(value)-1]
		case strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "'"):
			value = withheld // a value over several lines
		default:
			if i := strings.Index(value, " #"); i >= 0 {
				value = strings.TrimSpace(value[:i])
			}
		}
		if strings.Contains(value, "$") || !registry.PlainArgValue(name, value) && !(composeSetting[name] && settingValue(value)) {
			value = withheld
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = value
	}
	return out
}

// composeSetting are the variables of a .env file that choose the files
// and profiles of the project, which the linker reads.
var composeSetting = map[string]bool{"COMPOSE_FILE": true, "COMPOSE_PATH_SEPARATOR": true, "COMPOSE_PROFILES": true}

// settingValue reports whether a value of a composeSetting is a list of
// paths or profile names: letters, digits and . _ - / : ; , only.
func settingValue(v string) bool {
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-/:;,", c)) {
			return false
		}
	}
	return v != ""
}

// errNotRead is the error of a file that the project does not read: one
// outside the repository, one that a variable names, or one past maxFiles.
var errNotRead = errors.New("not read")

// load returns the root node of the Compose file at rel, a path in the
// repository. The file is opened with ingest.OpenRegular, and its real
// path, links followed, must lie in the repository.
func (p *project) load(rel string) (*yaml.Node, error) {
	rel = path.Clean(rel)
	if n, ok := p.files[rel]; ok {
		if n == nil {
			return nil, errNotRead
		}
		return n, nil
	}
	if outside(rel) || path.IsAbs(rel) || strings.Contains(rel, "$") || p.root == "" || p.reads >= maxFiles {
		return nil, errNotRead
	}
	p.reads++
	p.files[rel] = nil
	data, err := p.read(rel)
	if err != nil {
		return nil, err
	}
	n, err := yamlfile.Decode(p.fsPath(rel), data)
	if err != nil {
		return nil, err
	}
	p.files[rel] = n
	return n, nil
}

// reason words an error of load for a warning.
func reason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "not found"
	case errors.Is(err, errNotRead):
		return "outside the repository, named by a variable, or past the " + fmt.Sprint(maxFiles) + " files read"
	}
	return err.Error()
}

// fsPath returns the path on disk of a file of the repository.
func (p *project) fsPath(rel string) string {
	return filepath.Join(p.root, filepath.FromSlash(rel))
}

func (p *project) read(rel string) ([]byte, error) {
	root, err := filepath.EvalSymlinks(p.root)
	if err != nil {
		return nil, err
	}
	target, err := filepath.EvalSymlinks(p.fsPath(rel))
	if err != nil {
		return nil, err
	}
	if r, err := filepath.Rel(root, target); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return nil, errNotRead
	}
	fh, _, err := ingest.OpenRegular(target)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("larger than %d MiB", maxSize>>20)
	}
	return data, nil
}

// extend returns a service with what its extends key brings in: the
// service it names, of the same file (rel, a path in the repository) or
// of the file that extends.file names from rel's folder. The service's
// own keys come first, and its build's keys and build arguments before
// those of the extended build. The extended service's relative build
// context is rewritten to point to the same folder from rel's folder, as
// Compose does. A service that cannot be extended is returned as it is,
// with the reason.
func (p *project) extend(svc *yaml.Node, rel string, depth int) (*yaml.Node, string) {
	ext := deref(field(svc, "extends"))
	if ext == nil {
		return svc, ""
	}
	name, file := "", ""
	switch ext.Kind {
	case yaml.ScalarNode:
		name = ext.Value
	case yaml.MappingNode:
		name, file = scalar(ext, "service"), scalar(ext, "file")
	}
	if name == "" {
		return svc, "extends names no service"
	}

	if depth >= maxDepth {
		return svc, fmt.Sprintf("extends is followed at most %d deep", maxDepth)
	}
	baseRel := path.Clean(rel)
	if file != "" {
		baseRel = path.Clean(path.Join(path.Dir(rel), file))
	}

	root, err := p.load(baseRel)
	if err != nil {
		return svc, "the file " + baseRel + " of extends is not read (" + reason(err) + ")"
	}
	base := deref(field(deref(field(root, "services")), name))
	if base == nil || base.Kind != yaml.MappingNode {
		return svc, "extends names service " + name + ", which " + baseRel + " does not define"
	}
	base, problem := p.extend(base, baseRel, depth+1)
	if problem != "" {
		return svc, problem
	}

	if from, to := path.Dir(baseRel), path.Dir(path.Clean(rel)); from != to {
		base = rebase(base, from, to, ext.Line)
	}
	return merge(base, svc, ext.Line), ""
}

// merge returns the mapping of local over base: local's keys, except
// extends, then base's through a merge key, so that field finds local's
// first. Two builds are merged the same way, and their args too.
func merge(base, local *yaml.Node, line int) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
	lb, bb := buildMapping(deref(field(local, "build")), line), buildMapping(deref(field(base, "build")), line)
	if lb != nil && bb != nil {
		b := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: lb.Line, Column: lb.Column}
		la, ba := argsMapping(deref(field(lb, "args"))), argsMapping(deref(field(bb, "args")))
		if la != nil && ba != nil {
			b.Content = append(b.Content, key("args", line), overlay(ba, la, line))
		}
		b.Content = append(b.Content, withoutKeys(lb, "args")...)
		b.Content = append(b.Content, key("<<", line), bb)
		out.Content = append(out.Content, key("build", line), b)
	}
	skip := []string{"extends"}
	if lb != nil && bb != nil {
		skip = append(skip, "build")
	}
	out.Content = append(out.Content, withoutKeys(local, skip...)...)
	out.Content = append(out.Content, key("<<", line), base)
	return out
}

// overlay returns a mapping with the keys of top and those of under that
// top does not set. buildArgs reads the keys themselves, not merge keys.
func overlay(under, top *yaml.Node, line int) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line, Content: withoutKeys(top)}
	for i := 0; i+1 < len(under.Content); i += 2 {
		if field(top, under.Content[i].Value) == nil {
			out.Content = append(out.Content, under.Content[i], under.Content[i+1])
		}
	}
	return out
}

// withoutKeys returns the key and value nodes of a mapping, leaving out
// the keys named.
func withoutKeys(m *yaml.Node, names ...string) []*yaml.Node {
	var out []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		skip := false
		for _, k := range names {
			skip = skip || m.Content[i].Value == k
		}
		if !skip {
			out = append(out, m.Content[i], m.Content[i+1])
		}
	}
	return out
}

// buildMapping returns a build as a mapping: the short form, a context,
// becomes {context: ...}.
func buildMapping(b *yaml.Node, line int) *yaml.Node {
	switch {
	case b == nil:
		return nil
	case b.Kind == yaml.MappingNode:
		return b
	case b.Kind == yaml.ScalarNode:
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: b.Line, Column: b.Column,
			Content: []*yaml.Node{key("context", line), b}}
	}
	return nil
}

// argsMapping returns build.args as a mapping: each NAME=VALUE item of
// the list form becomes a key, and NAME alone a key without a value.
func argsMapping(a *yaml.Node) *yaml.Node {
	if a == nil || a.Kind == yaml.MappingNode {
		return a
	}
	if a.Kind != yaml.SequenceNode {
		return nil
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: a.Line, Column: a.Column}
	for _, it := range a.Content {
		if it = deref(it); it == nil || it.Kind != yaml.ScalarNode {
			continue
		}
		k, v, has := strings.Cut(it.Value, "=")
		val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: it.Line, Column: it.Column}
		if has {
			val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: it.Line, Column: it.Column}
		}
		out.Content = append(out.Content, key(k, it.Line), val)
	}
	return out
}

// rebase returns a service of a file in the folder from, with its
// relative build context rewritten to name the same folder when read
// from the folder to.
func rebase(svc *yaml.Node, from, to string, line int) *yaml.Node {
	b := buildMapping(deref(field(svc, "build")), line)
	if b == nil {
		return svc
	}
	ctx := scalar(b, "context")
	if ctx == "" {
		ctx = "."
	}
	if remote(ctx) || path.IsAbs(ctx) || strings.Contains(ctx, "$") {
		return svc
	}
	rel, err := filepath.Rel(filepath.FromSlash(to), filepath.FromSlash(path.Join(from, ctx)))
	if err != nil {
		return svc
	}
	c := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: filepath.ToSlash(rel), Line: b.Line, Column: b.Column}
	nb := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: b.Line, Column: b.Column,
		Content: append([]*yaml.Node{key("context", line), c}, withoutKeys(b, "context")...)}
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: svc.Line, Column: svc.Column,
		Content: append([]*yaml.Node{key("build", line), nb}, withoutKeys(svc, "build")...)}
}

// key returns a key node.
func key(name string, line int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name, Line: line}
}

// included is a Compose file that an include key names: its path in the
// repository and the project directory its relative paths start from.
type included struct {
	rel, dir string
	line     int
}

// includes returns the files that a file's include key names, from the
// folder of the file at rel: the short form, a path, or mappings whose
// path is one path or a list, with an optional project_directory. The
// entries that a variable names are returned in vars, as written.
func includes(root *yaml.Node, rel string) (out, vars []included) {
	inc := deref(field(root, "include"))
	if inc == nil || inc.Kind != yaml.SequenceNode {
		return nil, nil
	}
	dir := path.Dir(path.Clean(rel))
	for _, it := range inc.Content {
		it = deref(it)
		var paths []*yaml.Node
		projectDir := ""
		switch {
		case it == nil:
			continue
		case it.Kind == yaml.ScalarNode:
			paths = []*yaml.Node{it}
		case it.Kind == yaml.MappingNode:
			projectDir = scalar(it, "project_directory")
			switch p := deref(field(it, "path")); {
			case p == nil:
			case p.Kind == yaml.ScalarNode:
				paths = []*yaml.Node{p}
			case p.Kind == yaml.SequenceNode:
				paths = p.Content
			}
		}
		for i, p := range paths {
			if p = deref(p); p == nil || p.Kind != yaml.ScalarNode || p.Value == "" {
				continue
			}
			if strings.Contains(p.Value, "$") || strings.Contains(projectDir, "$") {
				vars = append(vars, included{rel: p.Value, line: p.Line})
				continue
			}
			file := path.Clean(path.Join(dir, p.Value))
			// The first file's folder is the project directory, unless
			// project_directory names one.
			pd := path.Dir(file)
			if i > 0 {
				pd = out[len(out)-1].dir
			}
			if projectDir != "" {
				pd = path.Clean(path.Join(dir, projectDir))
			}
			out = append(out, included{rel: file, dir: pd, line: p.Line})
		}
	}
	return out, vars
}
