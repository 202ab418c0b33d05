package lockfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// fuzzTargets pairs each parser with the file name it reads.
var fuzzTargets = []struct {
	parser ingest.Parser
	rel    string
}{
	{NewNPM(), "package-lock.json"},
	{NewNPM(), "package.json"},
	{NewGoMod(), "go.mod"},
	{NewGoMod(), "go.sum"},
	{NewRequirements(), "requirements.txt"},
	{NewPoetry(), "poetry.lock"},
	{NewYarn(), "yarn.lock"},
	{NewPNPM(), "pnpm-lock.yaml"},
	{NewUV(), "uv.lock"},
	{NewPipenv(), "Pipfile.lock"},
	{NewCargo(), "Cargo.lock"},
	{NewBundler(), "Gemfile.lock"},
	{NewComposer(), "composer.lock"},
	{NewPOM(), "pom.xml"},
	{NewGradle(), "gradle.lockfile"},
	{NewGradle(), "gradle/dependency-locks/compileClasspath.lockfile"},
	{NewPyProject(), "pyproject.toml"},
	{NewSetuptools(), "setup.cfg"},
	{NewSetuptools(), "setup.py"},
	{NewBun(), "bun.lock"},
	{NewNuGetLock(), "packages.lock.json"},
	{NewCSProj(), "src/App/App.csproj"},
}

// FuzzParse checks that every parser either rejects input with an
// *ingest.Error positioned inside it, or returns facts positioned inside
// it whose edges join nodes of the same result.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*")
	more, _ := filepath.Glob("testdata/*/*/*")
	for _, p := range append(seeds, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for i := range fuzzTargets {
			f.Add(data, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, target uint8) {
		tg := fuzzTargets[int(target)%len(fuzzTargets)]
		// YAML also breaks lines at a lone CR and at Unicode line breaks.
		lines := max(bytes.Count(data, []byte("\n"))+1, len(yamlfile.LineStarts(data)))
		res := &ingest.Result{}
		err := tg.parser.Parse(context.Background(), newFile(tg.rel, data), testEnv(), res)
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error is not *ingest.Error: %v", err)
			}
			if ie.Pos.Line < 0 || ie.Pos.Line > lines {
				t.Fatalf("error position %v outside the %d lines of input", ie.Pos, lines)
			}
			return
		}
		checkEdgesJoinNodes(t, res)
		for _, n := range res.Nodes {
			if n.Pos.Line < 0 || n.Pos.Line > lines {
				t.Fatalf("node %s at line %d outside the %d lines of input", n.ID, n.Pos.Line, lines)
			}
		}
		for _, d := range res.Diags {
			if d.Pos.Line < 0 || d.Pos.Line > lines {
				t.Fatalf("diagnostic at line %d outside the %d lines of input", d.Pos.Line, lines)
			}
		}
	})
}
