package lockfile

import (
	"errors"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// A file that cannot be read at all is rejected with an *ingest.Error at
// the line where reading failed.
func TestRejectUnreadable(t *testing.T) {
	tests := []struct {
		name   string
		parser ingest.Parser
		rel    string
		input  string
		line   int
	}{
		{"yarn classic without entries", NewYarn(), "yarn.lock", "# yarn lockfile v1\n\nnot an entry\nnor this\n", 3},
		{"yarn berry with a nested mapping value", NewYarn(), "yarn.lock", "__metadata:\n  version: 8\nbad: x: y\n", 3},
		{"pnpm with a tab", NewPNPM(), "pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n\ta@1.0.0: {}\n", 3},
		{"pnpm packages not a mapping", NewPNPM(), "pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  - a\n", 3},
		{"uv unclosed string", NewUV(), "uv.lock", "version = 1\n[[package]]\nname = \"a\n", 3},
		{"pyproject unclosed string", NewPyProject(), "pyproject.toml", "[build-system]\n\n[project]\nname = \"a\n", 4},
		{"top package.json bad value", NewNPM(), "package.json", "{\n  \"name\": \"a\",\n  \"private\": tru\n}\n", 3},
		{"cargo unclosed string", NewCargo(), "Cargo.lock", "[[package]]\nname = \"a\"\nversion = \"1\n", 3},
		{"pipenv bad value", NewPipenv(), "Pipfile.lock", "{\n  \"default\": {\n    \"a\": ,\n", 3},
		{"pipenv default not an object", NewPipenv(), "Pipfile.lock", "{\n  \"default\": []\n}\n", 2},
		{"composer bad value", NewComposer(), "composer.lock", "{\n  \"packages\": [\n    {\"name\": }\n", 3},
		{"composer packages not an array", NewComposer(), "composer.lock", "{\n\n  \"packages\": {}\n}\n", 3},
		{"pom unclosed dependency", NewPOM(), "pom.xml", "<project>\n<dependencies>\n<dependency>\n</project>\n", 4},
		{"pom with another root", NewPOM(), "pom.xml", "<?xml version=\"1.0\"?>\n\n<settings/>\n", 3},
		{"bundler text before a section", NewBundler(), "Gemfile.lock", "\n  rake (13.1.0)\nGEM\n", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseBytes(t, tc.parser, tc.rel, []byte(tc.input))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error = %v, want *ingest.Error", err)
			}
			if ie.Pos.Line != tc.line || ie.Pos.File != "repo/"+tc.rel {
				t.Errorf("position = %v, want repo/%s:%d", ie.Pos, tc.rel, tc.line)
			}
		})
	}
}
