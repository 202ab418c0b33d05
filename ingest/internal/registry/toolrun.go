package registry

import (
	"strings"

	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// ToolRun is a package that a command of a script fetches from a registry
// by name and runs (npx prettier@3.1.0, uvx ruff).
type ToolRun struct {
	// Eco is the package's ecosystem: pkgcmd.NPM or pkgcmd.PyPI.
	Eco string
	pkgcmd.Package
	// Line is the script's line that the command starts on, from 1.
	Line int
}

// toolWords lists words of which every tool command contains one, so
// that a script without any is not split into commands.
var toolWords = []string{"npx", "pnpx", "bunx", "dlx", "uvx", "pipx", "exec", "bun x", "npm x", "tool run", "init", "create"}

// ToolRuns returns the tool runs of a script, in order. env is the
// environment the script runs with, whose variables a package argument
// may name (npx prettier@$VERSION).
func ToolRuns(script string, env pkgcmd.Env) []ToolRun {
	if !containsAny(script, toolWords) {
		return nil
	}
	var out []ToolRun
	for _, c := range Commands(script) {
		for _, e := range pkgcmd.Effects(c.Words, env) {
			for _, p := range e.Runs {
				out = append(out, ToolRun{Eco: e.Eco, Package: p, Line: c.Line})
			}
		}
	}
	return out
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
