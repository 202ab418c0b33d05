package circleci

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// unusedLiterals records the literal credentials in the run steps of the
// file's jobs and commands that no job of the workflows ran. A job records
// those of the steps it runs (see scriptLiterals). A job that no workflow
// runs, or a command that no job calls, runs nowhere, but everyone who
// can read the repository reads the value. Such a value is a Secret under
// the definition's name that no job exposes, with a warning. A value in a
// parameter's default is not read here.
func (c *converter) unusedLiterals() {
	for _, kind := range []string{"jobs", "commands"} {
		for _, p := range pairs(lookup(c.root, kind)) {
			owner := p.key.Value
			if kind == "commands" {
				owner = "command " + owner
			}
			c.definitionLiterals(owner, lookup(p.val, "steps"), 0)
		}
	}
}

// definitionLiterals scans the run steps of a steps list of a definition,
// following when, unless and nested steps.
func (c *converter) definitionLiterals(owner string, list *yaml.Node, depth int) {
	if depth > maxDepth {
		return
	}
	for _, st := range items(list) {
		name, params, ok := single(st)
		if !ok {
			continue
		}
		switch name {
		case "run", "deploy":
			c.stepLiterals(owner, params)
		case "when", "unless":
			c.definitionLiterals(owner, lookup(params, "steps"), depth+1)
		case "steps":
			c.definitionLiterals(owner, params, depth+1)
		}
	}
}

// stepLiterals records the literals of one run step as written, unless a
// job recorded them at the same line.
func (c *converter) stepLiterals(owner string, params *yaml.Node) {
	cmdNode := params
	if _, ok := scalar(params); !ok {
		cmdNode = lookup(params, "command")
	}
	n := deref(cmdNode)
	if n == nil || n.Kind != yaml.ScalarNode || n.Line <= 0 {
		return
	}
	s := script{text: n.Value, line: n.Line, command: n.Line}
	if n.Style&yaml.LiteralStyle != 0 {
		s.block = n.Line + 1
	}
	if p := deref(params); p != nil && p.Line > 0 {
		s.line = p.Line
	}

	// A command with parameters is read only where a job calls it, with
	// the values the job passes.
	if strings.Contains(s.text, "<<") {
		return
	}

	rid := graph.CircleCIJobID(c.idRepo(), c.rel, owner)
	for i, f := range literal.Scan(s.text) {
		line := s.lineOf(f)
		key := strconv.Itoa(line) + " " + f.Value
		if c.warned[key] {
			continue
		}
		if c.warned == nil {
			c.warned = map[string]bool{}
		}
		c.warned[key] = true
		id := graph.CircleCIInlineSecretID(rid, literal.Key("run", s.line, i))
		a := attrs(literal.SecretAttrs(c.env, "circleci", f.Kind, c.repo, f.Value))
		c.b.Node(id, graph.NodeSecret, f.Kind+" (literal in "+owner+", line "+strconv.Itoa(line)+")", line, a)
		c.res.Warnf(ingest.Position{File: c.f.Path, Line: line},
			"%s: a run step contains a literal %s, which no workflow runs but everyone who can read the repository can read; rotate it and remove it", owner, f.Kind)
	}
}
