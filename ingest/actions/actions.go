// Package actions reads GitHub Actions workflow files and action metadata
// files into graph facts.
//
// A workflow gives one Runtime per job, defined by the repository. Each job
// executes the actions and reusable workflows it names (Package nodes by
// purl) and exposes the Actions secrets its expressions reference. It also
// exposes its GITHUB_TOKEN, with the job's effective permissions. When the
// job may request an OIDC token, that token is exposed too, and its
// possible sub claims are derived from the workflow's triggers and the
// job's environment. An action metadata file (action.yml) gives only the
// Package node of the action.
//
// Limits: secrets are read from ${{ }} expressions in the workflow file
// only. A secret that a script reads from a file, or that a called workflow
// receives under another name, is left to the linker. Package installs are
// recognised from a fixed list of commands and actions. Subject claims
// assume GitHub's default subject format, without an organisation or
// repository customisation.
package actions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
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
// a workflow.
func (p *Parser) Detect(f *ingest.File) bool {
	rel := f.RelPath
	if rel == "" {
		rel = f.Path
	}
	rel = strings.ReplaceAll(rel, "\\", "/")
	ext := path.Ext(rel)
	if ext != ".yml" && ext != ".yaml" {
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
	root, err := decode(f.Path, data)
	if err != nil {
		return err
	}
	rel := f.RelPath
	if rel == "" {
		rel = path.Base(f.Path)
	}
	rel = strings.ReplaceAll(rel, "\\", "/")

	switch {
	case lookupKey(root, "jobs") != nil:
		if f.Repo == "" {
			return ingest.Errorf(ingest.Position{File: f.Path}, "repository of the workflow is unknown: give the file an owner/name repository")
		}
		w := newWorkflow(f, env, rel, root, res)
		return w.convert(ctx)
	case lookupKey(root, "runs") != nil:
		convertAction(f, rel, root, res)
		return nil
	case isWorkflowPath(rel):
		return ingest.Errorf(position(f.Path, root), "workflow is missing its jobs key")
	}
	return ingest.Errorf(position(f.Path, root), "neither a workflow nor an action: jobs and runs keys are both missing")
}

func readAll(f *ingest.File) ([]byte, error) {
	if f.Open == nil {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file cannot be opened: no opener is set")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.Path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Path, err)
	}
	if len(data) > maxFileSize {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file is larger than %d bytes", maxFileSize)
	}
	return data, nil
}

// decode parses the first YAML document of data and returns its top-level
// mapping.
func decode(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(file, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, ingest.Errorf(ingest.Position{File: file}, "no yaml document found")
	}
	root := deref(doc.Content[0])
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, ingest.Errorf(position(file, doc.Content[0]), "invalid top level: expected a mapping")
	}
	return root, nil
}

var (
	yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	quotedRE   = regexp.MustCompile("'[^']*'|\"[^\"]*\"|`[^`]*`")
)

// syntaxError turns a decoder error into a positioned *ingest.Error.
// Quoted input text is dropped from the message.
//
// NOTE: the decoder reports a line but no column, so the column given is
// that of the line's first non-blank character. It can be left of the
// offending character, and for an unclosed scalar the line is where the
// scalar starts.
func syntaxError(file string, data []byte, err error) error {
	msg := err.Error()
	pos := ingest.Position{File: file}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		pos.Col = firstColumn(data, pos.Line)
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = "unexpected value type"
	}
	msg = strings.Join(strings.Fields(quotedRE.ReplaceAllString(msg, "")), " ")
	return ingest.Errorf(pos, "yaml syntax: %s", msg)
}

// firstColumn returns the 1-based column of the first character of a line
// that is not a space or tab, 1 for a blank line, and 0 past the end.
func firstColumn(data []byte, line int) int {
	starts := lineStarts(data)
	if line < 1 || line > len(starts) {
		return 0
	}
	for i := starts[line-1]; i < len(data); i++ {
		switch c := data[i]; c {
		case ' ', '\t':
		case '\n', '\r':
			return 1
		default:
			return i - starts[line-1] + 1
		}
	}
	return 1
}

// lineStarts returns the offset of each line of data, counting line breaks
// as YAML does: LF, CR LF, a lone CR, NEL, LS and PS.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
			starts = append(starts, i+1)
		case data[i] == '\n' || data[i] == '\r':
			starts = append(starts, i+1)
		case data[i] == 0xC2 && i+1 < len(data) && data[i+1] == 0x85:
			i++
			starts = append(starts, i+1)
		case data[i] == 0xE2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9):
			i += 2
			starts = append(starts, i+1)
		}
	}
	return starts
}

// position returns where a node sits in the file.
func position(file string, n *yaml.Node) ingest.Position {
	if n == nil {
		return ingest.Position{File: file}
	}
	return ingest.Position{File: file, Line: n.Line, Col: n.Column}
}
