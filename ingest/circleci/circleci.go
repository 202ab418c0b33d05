// Package circleci reads CircleCI configuration (.circleci/config.yml and
// the other pipeline files of that folder) into graph facts.
//
// Each job a workflow runs is a Runtime, named as the workflow names it.
// It executes its Docker, machine and macOS images and the orbs whose
// jobs, commands or executors it uses (through local commands and
// executors too). It exposes the environment variables of every context
// the workflow gives it, the project's environment variables (CircleCI
// hands them to every job), the OIDC token every job receives, SSH keys
// it adds and credentials written into the file. Package installs in run
// steps and in well-known orb commands are recorded for the linker.
//
// Limits: orb content is not read, so what an orb command runs and which
// images an orb executor uses are unknown. The orb package is their node.
// Context restrictions (security groups, expressions) and the
// organisation and project ids of OIDC subjects are not in the file.
// Workflow when: conditions are not evaluated. A file with no workflows
// is read as if every job ran.
package circleci

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

// Parser reads CircleCI configuration files.
type Parser struct{}

// New returns a Parser.
func New() *Parser { return &Parser{} }

// Format names the format.
func (p *Parser) Format() string { return "circleci" }

// Detect accepts YAML files directly in a .circleci folder: config.yml,
// and other files whose top level has version: with jobs: or workflows:
// (continuation and setup pipelines).
func (p *Parser) Detect(f *ingest.File) bool {
	rel := relPath(f)
	base := path.Base(rel)
	if !strings.HasSuffix(base, ".yml") && !strings.HasSuffix(base, ".yaml") {
		return false
	}
	dir := path.Dir(rel)
	if dir != ".circleci" && !strings.HasSuffix(dir, "/.circleci") {
		return false
	}
	if base == "config.yml" || base == "config.yaml" {
		return true
	}
	keys := topLevelKeys(f.Head)
	return keys["version"] && (keys["jobs"] || keys["workflows"])
}

func relPath(f *ingest.File) string {
	rel := f.RelPath
	if rel == "" {
		rel = path.Base(strings.ReplaceAll(f.Path, `\`, "/"))
	}
	return strings.ReplaceAll(rel, `\`, "/")
}

// topLevelKeys returns the keys written at the start of a line in head:
// a cheap look at the first bytes, not a parse.
func topLevelKeys(head []byte) map[string]bool {
	keys := map[string]bool{}
	for _, line := range bytes.Split(head, []byte("\n")) {
		if len(line) == 0 || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' {
			continue
		}
		if colon := bytes.IndexByte(line, ':'); colon > 0 {
			keys[strings.Trim(string(line[:colon]), `"' `)] = true
		}
	}
	return keys
}

// Parse reads one configuration file.
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
	if lookup(root, "jobs") == nil && lookup(root, "workflows") == nil {
		return ingest.Errorf(position(f.Path, root), "not a CircleCI configuration: jobs and workflows are both missing")
	}
	if f.Repo == "" {
		return ingest.Errorf(ingest.Position{File: f.Path}, "repository of the file is unknown: give the file an owner/name repository")
	}
	c := newConverter(f, env, res, relPath(f), root)
	return c.run(ctx)
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

// decode parses the first YAML document and returns its top-level mapping.
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

// syntaxError turns a decoder error into a positioned *ingest.Error, with
// quoted input text dropped from the message. The decoder gives a line
// but no column, so the column is that of the line's first character.
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
	msg = strings.Join(strings.Fields(quotedRE.ReplaceAllStringFunc(msg, punctuationOnly)), " ")
	return ingest.Errorf(pos, "yaml syntax: %s", msg)
}

// punctuationOnly keeps a quoted fragment of a decoder message that
// contains only punctuation, because that cannot be a secret.
func punctuationOnly(q string) string {
	for _, r := range q[1 : len(q)-1] {
		if r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127 {
			return ""
		}
	}
	return q
}

// firstColumn returns the column of the first character of a line that
// is not a blank, 1 for a blank line, and 0 past the end.
func firstColumn(data []byte, line int) int {
	cur := 1
	for i := 0; i <= len(data); i++ {
		if cur == line {
			for j := i; j < len(data); j++ {
				switch data[j] {
				case ' ', '\t':
				case '\n', '\r':
					return 1
				default:
					return j - i + 1
				}
			}
			return 1
		}
		if i < len(data) && data[i] == '\n' {
			cur++
		}
	}
	return 0
}

// position returns where a node sits in the file.
func position(file string, n *yaml.Node) ingest.Position {
	if n == nil {
		return ingest.Position{File: file}
	}
	return ingest.Position{File: file, Line: n.Line, Col: n.Column}
}
