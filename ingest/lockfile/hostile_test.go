package lockfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/ingest"
)

// minimalLocks are lockfiles of one package each, with LF line ends.
var minimalLocks = []struct {
	name   string
	parser ingest.Parser
	rel    string
	input  string
	want   string
}{
	{"npm", NewNPM(), "package-lock.json", `{"lockfileVersion":3,"packages":{"":{"dependencies":{"a":"1"}},"node_modules/a":{"version":"1.0.0"}}}` + "\n", "pkg:npm/a@1.0.0"},
	{"cargo", NewCargo(), "Cargo.lock", "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n", "pkg:cargo/a@1.0.0"},
	{"bundler", NewBundler(), "Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.0.0)\n\nDEPENDENCIES\n  rack\n", "pkg:gem/rack@2.0.0"},
	{"composer", NewComposer(), "composer.lock", `{"packages":[{"name":"example-org/a","version":"1.0.0"}]}` + "\n", "pkg:composer/example-org/a@1.0.0"},
	{"pipenv", NewPipenv(), "Pipfile.lock", `{"default":{"a":{"version":"==1.0.0"}}}` + "\n", "pkg:pypi/a@1.0.0"},
	{"requirements", NewRequirements(), "requirements.txt", "a==1.0.0\n", "pkg:pypi/a@1.0.0"},
	{"poetry", NewPoetry(), "poetry.lock", "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n", "pkg:pypi/a@1.0.0"},
	{"uv", NewUV(), "uv.lock", "version = 1\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n", "pkg:pypi/a@1.0.0"},
	{"yarn classic", NewYarn(), "yarn.lock", "# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\n", "pkg:npm/a@1.0.0"},
	{"yarn berry", NewYarn(), "yarn.lock", "__metadata:\n  version: 6\n\n\"a@npm:^1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\"\n", "pkg:npm/a@1.0.0"},
	{"pnpm", NewPNPM(), "pnpm-lock.yaml", "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\nsnapshots:\n  a@1.0.0: {}\n", "pkg:npm/a@1.0.0"},
	{"go.sum", NewGoMod(), "go.sum", "example.com/a v1.0.0 h1:abc=\n", "pkg:golang/example.com/a@v1.0.0"},
	{"gradle", NewGradle(), "gradle.lockfile", "# comment\ncom.example:a:1.0.0=compileClasspath\nempty=\n", "pkg:maven/com.example/a@1.0.0"},
	{"pom", NewPOM(), "pom.xml", "<?xml version=\"1.0\"?>\n<project>\n  <dependencies>\n    <dependency>\n      <groupId>com.example</groupId>\n      <artifactId>a</artifactId>\n      <version>1.0.0</version>\n    </dependency>\n  </dependencies>\n</project>\n", "pkg:maven/com.example/a@1.0.0"},
}

// A byte order mark and CR LF line ends, as editors on Windows write
// them, change nothing that is read.
func TestByteOrderMarkAndCRLF(t *testing.T) {
	for _, tc := range minimalLocks {
		for _, variant := range []struct{ name, prefix, eol string }{
			{"lf", "", "\n"}, {"crlf", "", "\r\n"}, {"bom", "\xef\xbb\xbf", "\n"}, {"bom crlf", "\xef\xbb\xbf", "\r\n"},
		} {
			t.Run(tc.name+" "+variant.name, func(t *testing.T) {
				input := variant.prefix + strings.ReplaceAll(tc.input, "\n", variant.eol)
				res, err := parseBytes(t, tc.parser, tc.rel, []byte(input))
				if err != nil {
					t.Fatalf("parse: %v", err)
				}
				if diff := cmp.Diff(versionIDs(res), []string{tc.want}); diff != "" {
					t.Errorf("versions (-got +want):\n%s", diff)
				}
			})
		}
	}
}

// A name or version with a control character or invalid UTF-8 is left
// out with a warning that quotes nothing. The rest of the file is read.
func TestInvalidTextSkipped(t *testing.T) {
	tests := []struct {
		name   string
		parser ingest.Parser
		rel    string
		input  string
		want   []string
	}{
		{"yarn nul in version", NewYarn(), "yarn.lock", "# yarn lockfile v1\n\na@^1:\n  version \"1.0\x00.0\"\n\nb@^1:\n  version \"2.0.0\"\n", []string{"pkg:npm/b@2.0.0"}},
		{"yarn invalid utf-8 name", NewYarn(), "yarn.lock", "# yarn lockfile v1\n\na\xc3\x28@^1:\n  version \"1.0.0\"\n\nb@^1:\n  version \"2.0.0\"\n", []string{"pkg:npm/b@2.0.0"}},
		{"requirements nul", NewRequirements(), "requirements.txt", "a==1.0\x00\nb==2.0.0\n", []string{"pkg:pypi/b@2.0.0"}},
		{"npm escape in version", NewNPM(), "package-lock.json", `{"lockfileVersion":3,"packages":{"":{},"node_modules/a":{"version":"1.0.0\u001b[2J"},"node_modules/b":{"version":"2.0.0"}}}`, []string{"pkg:npm/b@2.0.0"}},
		{"cargo bidi override in name", NewCargo(), "Cargo.lock", "version = 3\n[[package]]\nname = \"a\u202e\"\nversion = \"1.0.0\"\n[[package]]\nname = \"b\"\nversion = \"2.0.0\"\n", []string{"pkg:cargo/b@2.0.0"}},
		{"gradle nul in version", NewGradle(), "gradle.lockfile", "com.example:a:1.0\x00=runtimeClasspath\ncom.example:b:2.0.0=runtimeClasspath\n", []string{"pkg:maven/com.example/b@2.0.0"}},
		{"bundler dependency on a skipped gem", NewBundler(), "Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    a\x01 (1.0)\n    rack (2.0.0)\n      a\x01\n\nDEPENDENCIES\n  rack\n", []string{"pkg:gem/rack@2.0.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseBytes(t, tc.parser, tc.rel, []byte(tc.input))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if diff := cmp.Diff(versionIDs(res), tc.want); diff != "" {
				t.Errorf("versions (-got +want):\n%s", diff)
			}
			checkEdgesJoinNodes(t, res)
			found := false
			for _, d := range res.Diags {
				if strings.HasSuffix(d.Msg, "; skipped") {
					found = true
				}
				if strings.ContainsAny(d.Msg, "\x00\x01\x1b\u202e") || strings.Contains(d.Msg, "1.0") {
					t.Errorf("diagnostic %q quotes the input", d.Msg)
				}
			}
			if !found {
				t.Errorf("no warning for the skipped package; diagnostics: %v", res.Diags)
			}
		})
	}
}

// A requirement name of megabytes is read in time linear in its length,
// not through a regular expression per byte.
func TestRequirementHugeName(t *testing.T) {
	name := strings.Repeat("a_", 8<<20) + "b"
	input := name + "==1.0\nrequests==2.0.0\n"
	done := make(chan *ingest.Result, 1)
	go func() {
		res, _ := parseBytes(t, NewRequirements(), "requirements.txt", []byte(input))
		done <- res
	}()
	select {
	case res := <-done:
		got := versionIDs(res)
		if len(got) != 2 || got[1] != "pkg:pypi/requests@2.0.0" || got[0] != "pkg:pypi/"+strings.Repeat("a-", 8<<20)+"b@1.0" {
			t.Errorf("got %d versions, want the long name and requests", len(got))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("parse did not finish within 10s")
	}
}

// A lockfile with more packages or dependency edges than the limits is
// rejected with an error at the file, before its facts are built.
func TestRejectTooManyPackages(t *testing.T) {
	oldPkgs, oldDeps := maxPackages, maxDependencies
	t.Cleanup(func() { maxPackages, maxDependencies = oldPkgs, oldDeps })
	maxPackages, maxDependencies = 3, 2
	tests := []struct {
		name   string
		parser ingest.Parser
		rel    string
		input  string
		want   string
	}{
		{"yarn packages", NewYarn(), "yarn.lock", "# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\n\nb@^1:\n  version \"1.0.0\"\n\nc@^1:\n  version \"1.0.0\"\n\nd@^1:\n  version \"1.0.0\"\n", "lockfile lists more than 3 packages"},
		{"requirements packages", NewRequirements(), "requirements.txt", "a==1\nb==1\nc==1\nd==1\n", "lockfile lists more than 3 packages"},
		{"yarn dependencies", NewYarn(), "yarn.lock", "# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\n  dependencies:\n    b \"^1\"\n    c \"^1\"\n\nb@^1:\n  version \"1.0.0\"\n  dependencies:\n    c \"^1\"\n\nc@^1:\n  version \"1.0.0\"\n", "lockfile lists more than 2 dependencies"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseBytes(t, tc.parser, tc.rel, []byte(tc.input))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error = %v, want *ingest.Error", err)
			}
			if ie.Msg != tc.want || ie.Pos.File != "repo/"+tc.rel {
				t.Errorf("error = %v, want repo/%s: %s", ie, tc.rel, tc.want)
			}
			if len(res.Nodes) != 0 || len(res.Edges) != 0 {
				t.Errorf("got %d nodes and %d edges from a rejected file", len(res.Nodes), len(res.Edges))
			}
		})
	}
	// At the limits the file is read.
	res, err := parseBytes(t, NewRequirements(), "requirements.txt", []byte("a==1\nb==1\nc==1\n"))
	if err != nil || len(versionIDs(res)) != 3 {
		t.Errorf("at the limit: got %v, %v; want 3 versions", versionIDs(res), err)
	}
}

// A tarball URL with credentials in a pnpm package key is no part of the
// package name: the name ends at the first '@' after its first character.
func TestPNPMTarballKeyCredentials(t *testing.T) {
	const canary = "CANARY-lockfile-7f3a"
	url := "https://user:" + canary + "@example.com/a.tgz"
	input := "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: " + url + "\n        version: " + url +
		"\npackages:\n  a@" + url + ":\n    resolution: {tarball: '" + url + "'}\n    version: 1.0.0\n  '@example-org/b@2.0.0':\n    resolution: {integrity: sha512-x}\nsnapshots:\n  a@" + url + ": {}\n  '@example-org/b@2.0.0': {}\n"
	res, err := parseBytes(t, NewPNPM(), "pnpm-lock.yaml", []byte(input))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if diff := cmp.Diff(versionIDs(res), []string{"pkg:npm/%40example-org/b@2.0.0", "pkg:npm/a@1.0.0"}); diff != "" {
		t.Errorf("versions (-got +want):\n%s", diff)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), canary) {
		t.Errorf("the credential reached the result: %s", data)
	}
}

// Warnings about YAML entries carry the column of the key they name.
func TestYAMLWarningColumns(t *testing.T) {
	tests := []struct {
		name   string
		parser ingest.Parser
		rel    string
		input  string
		want   []string
	}{
		{"pnpm", NewPNPM(), "pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\nsnapshots:\n  a@1.0.0: [x]\n  '@': {}\n", []string{"5:3", "6:3"}},
		{"yarn berry", NewYarn(), "yarn.lock", "__metadata:\n  version: 6\n\n\"a@npm:^1\": x\n\"b@npm:^1\":\n  version: 1.0.0\n  resolution: \"b@npm:1.0.0\"\n  dependencies: [x]\n", []string{"4:1", "8:17"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseBytes(t, tc.parser, tc.rel, []byte(tc.input))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var got []string
			for _, d := range res.Diags {
				got = append(got, fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col))
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("warning positions (-got +want):\n%s", diff)
			}
		})
	}
}

// Warnings about JSON entries carry the line and column where the entry's
// key starts, which a minified file on one line needs.
func TestJSONWarningColumns(t *testing.T) {
	tests := []struct {
		name   string
		parser ingest.Parser
		rel    string
		input  string
		want   []string
	}{
		{"npm", NewNPM(), "package-lock.json", `{"lockfileVersion":3,"packages":{"":{},"node_modules/a":[1], "node_modules/b":{"version":"1.0.0"}}}`, []string{"1:40"}},
		{"composer", NewComposer(), "composer.lock", `{"packages":[{"name":"example-org/a","version":"1.0.0"},  5]}`, []string{"1:59"}},
		{"pipenv", NewPipenv(), "Pipfile.lock", "{\"default\": {\n  \"a\": {\"version\": \"==1.0.0\"},\n    \"b\": 5}}", []string{"3:5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parseBytes(t, tc.parser, tc.rel, []byte(tc.input))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var got []string
			for _, d := range res.Diags {
				got = append(got, fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col))
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("warning positions (-got +want):\n%s", diff)
			}
		})
	}
}
