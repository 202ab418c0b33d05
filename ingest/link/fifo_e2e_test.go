package link_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
	"github.com/blastradius-dev/blastradius/ingest/link"
)

// Readers also open files beside their input: a git config, a module's
// files, an included pipeline file, the package.json of a local
// dependency or beside a lockfile, and central package versions. A named
// pipe at any of those paths blocks an open until a writer comes, so a
// repository that holds one must not hang the run, and its other files
// still go in.
func TestNamedPipesBesideInputs(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{"app": {
		".git/HEAD": "ref: refs/heads/main\n",
		"bun/bun.lock": `{"lockfileVersion": 1, "workspaces": {"": {"name": "app", "dependencies": {"left-pad": "1.3.0"}}},
 "packages": {"left-pad": ["left-pad@1.3.0", "", {}, "sha512-x"]}}`,
		"npm/package-lock.json": `{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0", "dependencies": {"lib": "file:../lib"}},
  "node_modules/lib": {"resolved": "../lib", "link": true}}}`,
		"dotnet/app.csproj": `<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" /></ItemGroup></Project>`,
		"infra/main.tf": `module "m" {
  source = "./mod"
}
resource "aws_s3_object" "o" {
  bucket  = "example-org-site"
  key     = "index.html"
  content = file("${path.module}/page.html")
}
`,
		"infra/mod/ok.tf": "locals {\n  a = 1\n}\n",
		".gitlab-ci.yml":  "include:\n  - local: /ci/more.yml\nbuild:\n  script:\n    - npm ci\n",
	}})
	for _, p := range []string{
		".git/config", "bun/package.json", "lib/package.json", "dotnet/Directory.Packages.props",
		"infra/mod/main.tf", "infra/page.html", "ci/more.yml",
	} {
		path := filepath.Join(dir, "app", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skipf("cannot make a named pipe: %v", err)
		}
	}

	type result struct {
		sum *ingest.Summary
		err error
	}
	done := make(chan result, 1)
	go func() {
		p := &ingest.Pipeline{Parsers: formats.All(), Store: memstore.New(), Derive: (&link.Linker{}).Derive, Org: "o",
			Env: &ingest.Env{Fingerprint: func(string) string { return "fp" }}}
		sum, err := p.Run(context.Background(), []string{dir})
		done <- result{sum, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		// A blocked open never returns, whatever the machine's speed.
		t.Fatal("ingest did not return within 20s: an open of a named pipe blocks")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.sum.Rejected) > 0 {
		t.Errorf("rejected %v, want every regular file read", r.sum.Rejected)
	}
	for _, format := range []string{"bun-lockfile", "npm-lockfile", "terraform", "gitlab-ci"} {
		if r.sum.Formats[format].Ingested == 0 {
			t.Errorf("format %s ingested no file; summary %+v", format, r.sum.Formats)
		}
	}
}
