// Package actions reads GitHub Actions workflow files and action metadata
// files into graph facts.
//
// A workflow gives one Runtime per job, defined by the repository. Each job
// executes the actions and reusable workflows it names (Package nodes by
// purl) and exposes the Actions secrets its expressions reference. It also
// exposes its GITHUB_TOKEN, with the job's effective permissions, unless the
// workflow only runs when called and so uses its caller's token. When the
// job may request an OIDC token, that token is exposed too, and its
// possible sub claims are derived from the workflow's triggers and the
// job's environment. A job that logs in to GitHub's container registry
// with its GITHUB_TOKEN and pushes an image can publish that image. An
// action metadata file (action.yml) gives only the Package node of the
// action.
//
// Limits: secrets are read from ${{ }} expressions in the workflow file
// only. A secret that a script reads from a file, or that a called workflow
// receives under another name, is left to the linker. Package installs are
// recognised from a fixed list of commands and actions, and image pushes
// from docker login and docker push commands and three Docker actions.
// Subject claims
// assume GitHub's default subject format, without an organisation or
// repository customisation.
package actions

import (
	"bytes"
	"context"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
)

// maxFileSize bounds how much of a file Parse reads.
const maxFileSize = 8 << 20

// Parser reads GitHub Actions workflows and action metadata.
type Parser struct{}

// New returns a Parser.
func New() *Parser { return &Parser{} }

// Format names the format.
func (p *Parser) Format() string { return "github-actions" }

// Detect accepts .github/workflows/*.yml and *.yaml, action.yml and
// action.yaml files that look like action metadata, and other YAML files
// whose top level has on: and jobs: with a job that runs somewhere or calls
// a workflow. GitHub runs only the workflow files directly in
// .github/workflows, so such a file elsewhere is accepted only when the
// user names it (ingest.File.Named), or when the walk started inside a
// .github/workflows folder. Skip gives the reason for the others.
func (p *Parser) Detect(f *ingest.File) bool {
	rel, ok := yamlPath(f)
	if !ok {
		return false
	}
	if isWorkflowPath(rel) {
		return true
	}
	keys := topLevelKeys(f.Head)
	switch path.Base(rel) {
	case "action.yml", "action.yaml":
		return keys["runs"] || keys["inputs"] || keys["outputs"] || keys["branding"] ||
			(keys["name"] && keys["description"])
	}
	return workflowShaped(f, keys) && (f.Named || isWorkflowPath(slashes(f.Path)))
}

// Skip returns why a workflow file that a walk found outside
// .github/workflows is not read, or "" for any other file.
func (p *Parser) Skip(f *ingest.File) string {
	rel, ok := yamlPath(f)
	if !ok || p.Detect(f) {
		return ""
	}
	switch path.Base(rel) {
	case "action.yml", "action.yaml":
		return ""
	}
	if workflowShaped(f, topLevelKeys(f.Head)) {
		return "not in .github/workflows: GitHub does not run it"
	}
	return ""
}

// yamlPath returns the file's path in its repository, with forward
// slashes, and reports whether it names a .yml or .yaml file.
func yamlPath(f *ingest.File) (string, bool) {
	rel := f.RelPath
	if rel == "" {
		rel = f.Path
	}
	rel = slashes(rel)
	ext := path.Ext(rel)
	return rel, ext == ".yml" || ext == ".yaml"
}

func slashes(p string) string { return strings.ReplaceAll(p, "\\", "/") }

// workflowShaped reports whether a file's top level has on: and jobs:,
// with a job that runs somewhere or calls a workflow.
func workflowShaped(f *ingest.File, keys map[string]bool) bool {
	return keys["on"] && keys["jobs"] &&
		(bytes.Contains(f.Head, []byte("runs-on:")) || bytes.Contains(f.Head, []byte("uses:")))
}

// isWorkflowPath reports whether rel names a file directly in a
// .github/workflows folder.
func isWorkflowPath(rel string) bool {
	dir := path.Dir(rel)
	return dir == ".github/workflows" || strings.HasSuffix(dir, "/.github/workflows")
}

// topLevelKeys returns the keys written at the start of a line in head,
// with quotes removed. It is a cheap look at the first bytes, not a parse.
func topLevelKeys(head []byte) map[string]bool {
	keys := map[string]bool{}
	for _, line := range bytes.Split(head, []byte("\n")) {
		if len(line) == 0 || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		k := strings.Trim(string(line[:colon]), `"' `)
		keys[k] = true
	}
	return keys
}

// Parse reads one workflow or action metadata file.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := readAll(f)
	if err != nil {
		return err
	}
	rel := f.RelPath
	if rel == "" {
		rel = path.Base(f.Path)
	}
	rel = strings.ReplaceAll(rel, "\\", "/")
	root, err := decode(f.Path, data)
	if err != nil {
		if isEmpty(data) {
			return emptyError(f.Path, rel)
		}
		return err
	}

	switch {
	case lookupKey(root, "jobs") != nil:
		if f.Repo == "" {
			return ingest.Errorf(ingest.Position{File: f.Path}, "repository of the workflow is unknown: give the file an owner/name repository")
		}
		w := newWorkflow(f, env, rel, root, res)
		return w.convert(ctx)
	case lookupKey(root, "runs") != nil:
		convertAction(f, env, rel, root, res)
		return nil
	case isWorkflowPath(rel):
		return ingest.Errorf(position(f.Path, root), "workflow is missing its jobs key")
	}
	return ingest.Errorf(position(f.Path, root), "neither a workflow nor an action: jobs and runs keys are both missing")
}

// isEmpty reports whether data contains no YAML document, or only a
// document that is an empty null, as a lone "---" marker gives.
func isEmpty(data []byte) bool {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return false
	}
	if len(doc.Content) == 0 {
		return true
	}
	root := doc.Content[0]
	return len(doc.Content) == 1 && root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Value == ""
}

// emptyError rejects a file without content. The decoder places the null
// of a lone document marker on the line after it, which a file of one line
// does not have, so the error points at the first line.
func emptyError(file, rel string) error {
	kind := "file"
	if isWorkflowPath(rel) {
		kind = "workflow"
	}
	return ingest.Errorf(ingest.Position{File: file, Line: 1}, "%s is empty", kind)
}

// position returns where a node sits in the file.
func position(file string, n *yaml.Node) ingest.Position {
	if n == nil {
		return ingest.Position{File: file}
	}
	return ingest.Position{File: file, Line: n.Line, Col: n.Column}
}

// The YAML reading helpers are shared with the other CI ingesters.

func readAll(f *ingest.File) ([]byte, error) { return yamlfile.ReadAll(f, maxFileSize) }

var (
	decode     = yamlfile.Decode
	lineStarts = yamlfile.LineStarts
)
