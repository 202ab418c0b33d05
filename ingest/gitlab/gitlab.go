// Package gitlab reads GitLab CI configuration into graph facts: the
// .gitlab-ci.yml of a repository and the files it includes.
//
// Each file gives the jobs written in it, resolved in the pipeline the
// repository's .gitlab-ci.yml builds: local includes are read from the
// input, extends: and !reference are applied with GitLab's merge (mappings
// merged key by key, lists replaced), and default: fills in what a job
// does not set. A job is a Runtime that executes its image and services
// and every include whose content is not in the input (another project's
// file, a remote URL, a template, a component). It exposes every CI/CD
// variable of the project, since GitLab hands each one to every job, and
// by name those its scripts and variables read; its CI_JOB_TOKEN; the ID
// tokens it asks for, with the sub claims its rules allow; the legacy
// CI_JOB_JWT tokens it reads; the external secrets of its secrets:; and
// credentials written into the file.
//
// Limits: which branches are protected, which variables exist and how the
// project customises ID token claims are not in the file, so rules are
// evaluated with those undecided. Merge request pipelines count as
// unprotected, which is true unless the project protects merge request
// pipelines between protected branches. A file that no .gitlab-ci.yml of
// the input includes is read as a pipeline of its own. Child pipelines
// (trigger: include:) and the content of remote includes are not read.
// Variable names with lower-case letters are taken for shell variables.
package gitlab

import (
	"context"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
	"github.com/blastradius-dev/blastradius/internal/textenc"
)

// Parser reads GitLab CI configuration files.
type Parser struct {
	mu  sync.Mutex
	inc *includedFiles
}

// includedFiles is the record Prepare keeps of one run's input: its
// pipeline roots, and the paths of the files that their pipelines include
// locally. The paths are found when Detect first needs them.
type includedFiles struct {
	roots    []*ingest.File
	once     sync.Once
	included map[string]bool
}

// New returns a Parser.
func New() *Parser { return &Parser{} }

// Format names the format.
func (p *Parser) Format() string { return "gitlab-ci" }

// rootName is the file GitLab reads a project's pipeline from.
const rootName = ".gitlab-ci.yml"

// Detect accepts .gitlab-ci.yml, files named *.gitlab-ci.yml, YAML files
// under a .gitlab/ci folder, where projects keep included files, and the
// files that a .gitlab-ci.yml of the input includes from other folders.
func (p *Parser) Detect(f *ingest.File) bool {
	rel := relPath(f)
	base := path.Base(rel)
	if !strings.HasSuffix(base, ".yml") && !strings.HasSuffix(base, ".yaml") {
		return false
	}
	if strings.HasSuffix(base, ".gitlab-ci.yml") || strings.HasSuffix(base, ".gitlab-ci.yaml") {
		return true
	}
	if strings.HasPrefix(rel, ".gitlab/ci/") || strings.Contains(rel, "/.gitlab/ci/") {
		return true
	}
	return p.isIncluded(f.Path)
}

// Prepare implements ingest.Preparer. It records the pipeline roots of
// the input, so that Detect also accepts the files they include from
// anywhere in the repository (include: local: ci/test.yml). Each such
// file is then parsed for the jobs written in it, in its root's pipeline.
func (p *Parser) Prepare(files []*ingest.File) {
	var roots []*ingest.File
	for _, f := range files {
		if isRoot(relPath(f)) {
			roots = append(roots, f)
		}
	}
	p.mu.Lock()
	p.inc = &includedFiles{roots: roots}
	p.mu.Unlock()
}

// readRoot reads a pipeline root from disk for includedFiles.find, as text
// (see textenc), up to the size a parse reads.
func readRoot(name string) ([]byte, error) {
	fd, _, err := ingest.OpenRegular(name)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	data, err := io.ReadAll(io.LimitReader(fd, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, errors.New("file too large")
	}
	return textenc.Bytes(data), nil
}

// isIncluded reports whether a pipeline root of the input includes the
// file at path.
func (p *Parser) isIncluded(path string) bool {
	p.mu.Lock()
	inc := p.inc
	p.mu.Unlock()
	if inc == nil {
		return false
	}
	inc.once.Do(inc.find)
	return inc.included[filepath.Clean(path)]
}

// find loads the pipeline of each root and fills included with the files
// it reads besides the root. A root that cannot be read includes nothing
// here: its parse reports why.
func (inc *includedFiles) find() {
	inc.included = map[string]bool{}
	for _, f := range inc.roots {
		rel := relPath(f)
		root := repoRoot(f.Path, rel)
		if root == "" || f.Repo == "" {
			continue
		}
		data, err := readRoot(f.Path)
		if err != nil {
			continue
		}
		r := &repo{root: root, self: rel, selfPath: f.Path, selfData: data}
		if dir := path.Dir(rel); dir != "." {
			r.root = filepath.Join(root, filepath.FromSlash(dir))
			r.prefix = dir
			r.self = path.Base(rel)
		}
		pl, err := loadPipeline(r, f.Repo, r.self)
		if err != nil {
			continue
		}
		for _, cf := range pl.files {
			if cf.rel != r.self {
				inc.included[filepath.Clean(filepath.Join(r.root, filepath.FromSlash(cf.rel)))] = true
			}
		}
	}
}

func relPath(f *ingest.File) string {
	rel := f.RelPath
	if rel == "" {
		rel = path.Base(strings.ReplaceAll(f.Path, `\`, "/"))
	}
	return strings.ReplaceAll(rel, `\`, "/")
}

// isRoot reports whether a file is a pipeline's root by its name.
func isRoot(rel string) bool {
	base := path.Base(rel)
	return base == rootName || base == ".gitlab-ci.yaml"
}

// Parse reads one file: its own jobs, in the pipeline it belongs to.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := readAll(f)
	if err != nil {
		return err
	}
	if f.Repo == "" {
		return ingest.Errorf(ingest.Position{File: f.Path}, "project of the file is unknown: give the file an owner/name repository")
	}
	rel := relPath(f)
	pl, standalone, err := pipelineOf(f, data, rel)
	if err != nil {
		return err
	}
	c := newConverter(f, env, res, pl)
	if standalone && !isRoot(rel) {
		res.Warnf(ingest.Position{File: f.Path}, "no .gitlab-ci.yml in the input includes this file; it is read as a pipeline of its own")
	}
	return c.run(ctx)
}

// pipelineOf loads the pipeline a file belongs to. A .gitlab-ci.yml is a
// pipeline's root, and its folder the root of its local includes. Any
// other file belongs to the pipeline of the nearest .gitlab-ci.yml above
// it that includes it, else it is read as a pipeline of its own.
//
// NOTE: GitLab resolves local includes from the repository root. A
// .gitlab-ci.yml in a subfolder is taken for the root of a repository
// copied there (a folder of mirrored repositories, say).
func pipelineOf(f *ingest.File, data []byte, rel string) (*pipeline, bool, error) {
	root := repoRoot(f.Path, rel)
	at := func(dir string) *repo {
		r := &repo{root: root, self: rel, selfPath: f.Path, selfData: data}
		if dir != "." && root != "" {
			r.root = filepath.Join(root, filepath.FromSlash(dir))
			r.prefix = dir
			r.self = strings.TrimPrefix(rel, dir+"/")
		}
		return r
	}
	if isRoot(rel) {
		r := at(path.Dir(rel))
		pl, err := loadPipeline(r, f.Repo, r.self)
		return pl, true, err
	}
	if root != "" {
		for dir := path.Dir(rel); ; dir = path.Dir(dir) {
			r := at(dir)
			if _, err := os.Stat(filepath.Join(r.root, rootName)); err == nil {
				pl, err := loadPipeline(r, f.Repo, rootName)
				if err != nil {
					return nil, false, err
				}
				if pl.hasFile(r.self) {
					return pl, false, nil
				}
			}
			if dir == "." || dir == "/" {
				break
			}
		}
	}
	r := &repo{root: root, self: rel, selfPath: f.Path, selfData: data}
	pl, err := loadPipeline(r, f.Repo, rel)
	return pl, true, err
}

func (p *pipeline) hasFile(rel string) bool {
	for _, f := range p.files {
		if f.rel == rel {
			return true
		}
	}
	return false
}

// repoRoot returns the repository root on disk: the file's path without
// its path in the repository. It is "" when the two do not line up.
func repoRoot(full, rel string) string {
	slash := strings.ReplaceAll(full, `\`, "/")
	if slash == rel {
		return "."
	}
	if !strings.HasSuffix(slash, "/"+rel) {
		return ""
	}
	root := full[:len(full)-len(rel)-1]
	if root == "" {
		return "/"
	}
	return root
}

// The YAML reading helpers are shared with the other CI ingesters.

func readAll(f *ingest.File) ([]byte, error) { return yamlfile.ReadAll(f, maxFileSize) }

var syntaxError = yamlfile.SyntaxError
