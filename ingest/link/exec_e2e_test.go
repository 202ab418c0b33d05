package link

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/ingest/circleci"
	"github.com/blastradius-dev/blastradius/ingest/gitlab"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
)

// execStore ingests the files under testdata/exec, laid out as
// <owner>/<repo>/<path in the repository>, with the CI, npm, pip, Maven and Gradle
// parsers, and links them. A repository folder that holds .gitlab-ci.yml
// and no .github folder is a GitLab project, as the pipeline takes it.
func execStore(t *testing.T) graph.Store {
	t.Helper()
	root := filepath.Join("testdata", "exec")
	parsers := []ingest.Parser{actions.New(), gitlab.New(), circleci.New(), lockfile.NewNPM(), lockfile.NewRequirements(), lockfile.NewPOM(), lockfile.NewGradle()}
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		parts := strings.SplitN(filepath.ToSlash(rel), "/", 3)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		repoDir := filepath.Join(root, parts[0], parts[1])
		_, ciErr := os.Stat(filepath.Join(repoDir, ".gitlab-ci.yml"))
		_, githubErr := os.Stat(filepath.Join(repoDir, ".github"))
		f := &ingest.File{Path: path, RelPath: parts[2], Repo: parts[0] + "/" + parts[1], Head: data,
			Size: int64(len(data)), Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
			GitLabProject: ciErr == nil && githubErr != nil}
		for _, p := range parsers {
			if !p.Detect(f) {
				continue
			}
			res := &ingest.Result{}
			if err := p.Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, res); err != nil {
				t.Fatalf("parse %s: %v", path, err)
			}
			b.Nodes = append(b.Nodes, res.Nodes...)
			b.Edges = append(b.Edges, res.Edges...)
			return nil
		}
		t.Fatalf("no parser reads %s", path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLockfileExecutionPhases checks, for jobs of all three CI systems,
// which locked packages each job executes, when and how sure.
func TestLockfileExecutionPhases(t *testing.T) {
	s := execStore(t)
	const repo = "example-org/web"
	gha := func(job string) string { return graph.GHAJobID(repo, ".github/workflows/ci.yml", job) }
	// The GitLab project pins the same packages in a lockfile of its own.
	gl := func(job string) string { return graph.GitLabJobID("example-org/lab", ".gitlab-ci.yml", job) }
	cci := func(job string) string { return graph.CircleCIJobID(repo, ".circleci/config.yml", job) }
	tools := func(job string) string { return graph.GHAJobID(repo, ".github/workflows/tools.yml", job) }
	const hooked, plain = "pkg:npm/hooked@1.0.0", "pkg:npm/plain@2.0.0"

	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.To != hooked && e.To != plain {
			continue
		}
		got = append(got, fmt.Sprintf("%s -> %s %s %s", e.From, e.To, e.Attr(attrPhase), e.Confidence))
	}
	sort.Strings(got)

	want := []string{
		// npm ci runs hooked's install script; plain runs only if the
		// project's own lifecycle scripts load it.
		gha("install-only") + " -> " + hooked + " install certain",
		gha("install-only") + " -> " + plain + " run possible",
		// scripts off, then npm test loads both.
		gha("test") + " -> " + hooked + " run certain",
		gha("test") + " -> " + plain + " run certain",
		// npm publish runs the project's prepack and prepare scripts.
		gha("publish") + " -> " + hooked + " run possible",
		gha("publish") + " -> " + plain + " run possible",
		// publish-quiet: no install script, no lifecycle script: nothing.
		// env-off: the job's env turns scripts off; example-org/deploy-action
		// runs after the install, upload-artifact runs no code, and
		// early-action runs before the install.
		gha("env-off") + " -> " + hooked + " run possible",
		gha("env-off") + " -> " + plain + " run possible",
		// mixed: one of the two installs runs install scripts.
		gha("mixed") + " -> " + hooked + " install certain",
		gha("mixed") + " -> " + plain + " run possible",
		// GitLab test: the job's variable turns scripts off; npx jest runs.
		gl("test") + " -> " + hooked + " run certain",
		gl("test") + " -> " + plain + " run certain",
		// GitLab audit: npm audit runs nothing.
		// CircleCI build: npm ci runs hooked's script, npm run build loads both.
		cci("build") + " -> " + hooked + " install certain",
		cci("build") + " -> " + plain + " run certain",
		// CircleCI notify: the step's environment turns scripts off; the
		// slack orb's steps are not in the input.
		cci("notify") + " -> " + hooked + " run possible",
		cci("notify") + " -> " + plain + " run possible",
		// npx-only: npx plain installs none of the project's packages. It
		// runs the project's installed copy of plain in place of the
		// registry's latest when there is one, which no step of the job
		// installs: possible.
		tools("npx-only") + " -> " + plain + " run possible",
		// npx-after-install: npm ci installs both with scripts off, and
		// npx plain runs the installed copy.
		tools("npx-after-install") + " -> " + hooked + " run certain",
		tools("npx-after-install") + " -> " + plain + " run certain",
		// npx-before-install: the same installs. The job's run of npx
		// counts as running the project's code, because order is not read
		// there, but no reason claims that npx plain runs the installed copy.
		tools("npx-before-install") + " -> " + hooked + " run certain",
		tools("npx-before-install") + " -> " + plain + " run certain",
		// npx-pinned: the command names the version itself.
		tools("npx-pinned") + " -> " + plain + "  certain",
		// dlx-only: pnpm dlx always fetches from the registry: nothing.
	}
	sort.Strings(want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("EXECUTES (-got +want):\n%s", diff)
	}
}

// TestLockfileExecutionPyPI checks jobs that install PyPI packages, which
// requirements.txt does not mark as running code at install.
func TestLockfileExecutionPyPI(t *testing.T) {
	s := execStore(t)
	const lib = "pkg:pypi/example-lib@1.0.0"
	job := func(name string) string { return graph.GHAJobID("example-org/api", ".github/workflows/py.yml", name) }
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.To == lib {
			got = append(got, fmt.Sprintf("%s %s %s", e.From, e.Attr(attrPhase), e.Confidence))
		}
	}
	sort.Strings(got)
	want := []string{
		// install-only: pip installs it, nothing runs it: no edge.
		// cdk-deploy: an assembly folder runs no app code: no edge.
		job("cdk-synth") + " run possible", // the app cdk.json names may be Python
		job("make") + " run possible",      // make runs what the input does not show
		job("test") + " run certain",       // python -m pytest imports it
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("EXECUTES of %s (-got +want):\n%s", lib, diff)
	}
}

func TestLockfileExecutionReasons(t *testing.T) {
	s := execStore(t)
	const repo = "example-org/web"
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, e := range es {
		reasons[e.From+" "+e.To] = e.Attr(graph.AttrReason)
	}
	pins := "the job installs npm dependencies and package-lock.json pins "
	tests := []struct {
		job, pkg, want string
	}{
		{graph.GHAJobID(repo, ".github/workflows/ci.yml", "install-only"), "pkg:npm/hooked@1.0.0",
			pins + "pkg:npm/hooked@1.0.0; install script runs when the job installs dependencies"},
		{graph.GHAJobID(repo, ".github/workflows/ci.yml", "install-only"), "pkg:npm/plain@2.0.0",
			pins + "pkg:npm/plain@2.0.0; the job may run it: npm ci runs the project's own lifecycle scripts"},
		{graph.GHAJobID(repo, ".github/workflows/ci.yml", "test"), "pkg:npm/hooked@1.0.0",
			pins + "pkg:npm/hooked@1.0.0; no install in the job runs install scripts; imported by the code the job builds and tests: the job runs npm test"},
		{graph.GHAJobID(repo, ".github/workflows/ci.yml", "env-off"), "pkg:npm/plain@2.0.0",
			pins + "pkg:npm/plain@2.0.0; the job may run it: the action example-org/deploy-action runs code the input does not show"},
		{graph.GitLabJobID("example-org/lab", ".gitlab-ci.yml", "test"), "pkg:npm/plain@2.0.0",
			pins + "pkg:npm/plain@2.0.0; imported by the code the job builds and tests: the job runs npx"},
		{graph.GHAJobID(repo, ".github/workflows/tools.yml", "npx-only"), "pkg:npm/plain@2.0.0",
			"package-lock.json pins pkg:npm/plain@2.0.0, and the job runs npx plain, which runs the project's " +
				"installed copy in place of the registry's latest version when there is one: the job may run this locked version instead"},
		{graph.GHAJobID(repo, ".github/workflows/tools.yml", "npx-after-install"), "pkg:npm/plain@2.0.0",
			pins + "pkg:npm/plain@2.0.0; imported by the code the job builds and tests: the job runs npx; " +
				"npx plain runs this installed copy in place of the registry's latest version"},
		// Before the install, nothing is installed for npx plain to run.
		{graph.GHAJobID(repo, ".github/workflows/tools.yml", "npx-before-install"), "pkg:npm/plain@2.0.0",
			pins + "pkg:npm/plain@2.0.0; imported by the code the job builds and tests: the job runs npx"},
	}
	for _, tt := range tests {
		if got := reasons[tt.job+" "+tt.pkg]; got != tt.want {
			t.Errorf("reason of %s -> %s:\n got %q\nwant %q", tt.job, tt.pkg, got, tt.want)
		}
	}
}

// TestToolRunBesideManifestRange checks a job that runs npx cowsay in a
// repository whose package.json only requires cowsay in a range: no
// version is locked, so the job executes only the name, with the
// workflow's reason.
func TestToolRunBesideManifestRange(t *testing.T) {
	s := execStore(t)
	job := graph.GHAJobID("example-org/manifest", ".github/workflows/ci.yml", "hello")
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.From == job {
			got = append(got, fmt.Sprintf("%s %s %s", e.To, e.Confidence, e.Attr(graph.AttrReason)))
		}
	}
	want := []string{"pkg:npm/cowsay certain the job runs npx cowsay without a version, so the registry's latest version runs; " +
		"npx runs a command of that name from the project's installed packages instead when there is one"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("EXECUTES of %s (-got +want):\n%s", job, diff)
	}
}
