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
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
	"path"
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

// position returns where a node sits in the file.
func position(file string, n *yaml.Node) ingest.Position {
	if n == nil {
		return ingest.Position{File: file}
	}
	return ingest.Position{File: file, Line: n.Line, Col: n.Column}
}

// The YAML reading helpers are shared with the other CI ingesters.

func readAll(f *ingest.File) ([]byte, error) { return yamlfile.ReadAll(f, maxFileSize) }

var decode = yamlfile.Decode
