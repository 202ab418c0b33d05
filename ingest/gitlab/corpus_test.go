package gitlab

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// corpusDir contains real configuration files written by others.
const corpusDir = "../../../shared/corpus"

// corpusFile is one file of the corpus with the repository it comes from.
type corpusFile struct {
	root, rel, project string
}

// corpusFiles lists the corpus files the parser detects. Each top folder
// is owner__name of the repository it was taken from.
func corpusFiles(t *testing.T) []corpusFile {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus not present")
	}
	var out []corpusFile
	tops, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, top := range tops {
		owner, name, ok := strings.Cut(top.Name(), "__")
		if !top.IsDir() || !ok {
			continue
		}
		root := filepath.Join(corpusDir, top.Name())
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if New().Detect(&ingest.File{Path: p, RelPath: rel}) {
				out = append(out, corpusFile{root: root, rel: rel, project: owner + "/" + name})
			}
			return nil
		})
	}
	return out
}

// TestCorpus parses every GitLab CI file of the corpus: each is ingested
// or rejected with a positioned error, never anything else.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	ingested, rejected, jobs := 0, 0, 0
	for _, cf := range files {
		res, err := parseAt(t, cf.root, cf.rel, cf.project)
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) || ie.Pos.Line == 0 {
				t.Errorf("%s/%s: rejected without a position: %v", cf.project, cf.rel, err)
			}
			t.Logf("rejected %v", err)
			rejected++
			continue
		}
		checkResult(t, res)
		ingested++
		jobs += res.Records
		for _, d := range res.Diags {
			t.Logf("warning %s", d)
		}
	}
	t.Logf("gitlab-ci: %d files ingested, %d rejected, %d jobs", ingested, rejected, jobs)
	if ingested+rejected != len(files) || len(files) == 0 {
		t.Errorf("read %d of %d files", ingested+rejected, len(files))
	}
}

// TestGitLabRunnerExpected checks what gitlabhq__gitlab-runner/EXPECTED.md
// works out by hand for the release stage: the S3 release jobs run the
// script of the .release_s3 template, under rules from another included
// file, and reach the project's CI/CD variables (the AWS credentials are
// not named in the repository); the stable image job logs in to Docker
// Hub and public ECR with credentials from CI/CD variables. Whether a job
// runs depends on the project path (canonical project or fork), which the
// file cannot decide.
func TestGitLabRunnerExpected(t *testing.T) {
	const project = "gitlabhq/gitlab-runner"
	root := filepath.Join(corpusDir, "gitlabhq__gitlab-runner")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	const rel = ".gitlab/ci/release.gitlab-ci.yml"
	res, err := parseAt(t, root, rel, project)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	all := graph.GitLabAllVariablesID(project)
	job := func(name string) string { return graph.GitLabJobID(project, rel, name) }

	tests := []struct {
		job, rules, sources, protected, environment string
	}{
		{"development S3", ".rules:runner-only:release:development:merge-requests", "merge_request_event", "false", "development/s3/${CI_COMMIT_REF_NAME}"},
		{"bleeding edge S3", ".rules:release:bleeding-edge", "", "possible", "bleeding_edge/s3"},
		{"stable S3", ".rules:release:stable:branch", "", "possible", "stable/s3"},
	}
	for _, tt := range tests {
		n := findNode(t, res, job(tt.job))
		if got, want := n.Attr("extends"), ".release_s3,"+tt.rules; got != want {
			t.Errorf("%s: extends %q, want %q", tt.job, got, want)
		}
		if !strings.Contains(","+n.Attr("commands")+",", ",make,") {
			t.Errorf("%s: commands %q lack make (make release_s3 of .release_s3)", tt.job, n.Attr("commands"))
		}
		if n.Attr("runs") != "possible" {
			t.Errorf("%s: runs %q, want possible: the rules test the project path", tt.job, n.Attr("runs"))
		}
		if tt.sources != "" && n.Attr("pipeline_sources") != tt.sources {
			t.Errorf("%s: pipeline_sources %q, want %q", tt.job, n.Attr("pipeline_sources"), tt.sources)
		}
		if n.Attr("protected_ref") != tt.protected || n.Attr("environment") != tt.environment {
			t.Errorf("%s: protected_ref %q environment %q, want %q %q", tt.job,
				n.Attr("protected_ref"), n.Attr("environment"), tt.protected, tt.environment)
		}
		if e := findEdge(t, res, job(tt.job), graph.EdgeExposes, all); e.Confidence != graph.Certain {
			t.Errorf("%s: CI/CD variables exposed as %s, want certain", tt.job, e.Confidence)
		}
	}

	images := job("stable docker images")
	n := findNode(t, res, images)
	for _, cmd := range []string{"aws", "docker", "go"} {
		if !strings.Contains(","+n.Attr("commands")+",", ","+cmd+",") {
			t.Errorf("stable docker images: commands %q lack %s", n.Attr("commands"), cmd)
		}
	}
	var named []string
	_, out := linked(t, res)
	for _, to := range targets(out, images, graph.EdgeExposes) {
		if strings.HasPrefix(to, "secret:gitlab:"+project+"/") && to != all {
			named = append(named, strings.TrimPrefix(to, "secret:gitlab:"+project+"/"))
		}
	}
	want := []string{"CI_REGISTRY_PASSWORD_CANONICAL", "CI_REGISTRY_USER_CANONICAL", "DOCKER_HUB_PASSWORD", "DOCKER_HUB_USER"}
	if diff := cmp.Diff(named, want); diff != "" {
		t.Errorf("stable docker images reads (-got +want):\n%s", diff)
	}
	findEdge(t, res, images, graph.EdgeExecutes, "pkg:docker/docker@29.7.2-dind")
	findEdge(t, res, images, graph.EdgeExecutes, "pkg:docker/gitlab-org/ci-cd/runner-tools/base-images/ci@0.0.48?repository_url=registry.gitlab.com")
	if got := n.Attr("installs"); got != "golang" {
		t.Errorf("stable docker images: installs %q, want golang (go build in scripts/pusher)", got)
	}
}

// TestNestedPipelineRoot reads an included file of a repository copied
// into a folder of a larger input: the .gitlab-ci.yml above it is its
// pipeline's root, while ids keep the path in the input's repository.
func TestNestedPipelineRoot(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus not present")
	}
	const rel = "gitlabhq__gitlab-runner/.gitlab/ci/release.gitlab-ci.yml"
	res, err := parseAt(t, corpusDir, rel, "example-org/corpus")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diags {
		if strings.Contains(d.Msg, "pipeline of its own") {
			t.Errorf("the file was not found in its pipeline: %s", d)
		}
	}
	n := findNode(t, res, graph.GitLabJobID("example-org/corpus", rel, "stable S3"))
	if got := n.Attr("pipeline"); got != "gitlabhq__gitlab-runner/.gitlab-ci.yml" {
		t.Errorf("pipeline %q, want the .gitlab-ci.yml above the file", got)
	}
	if got := n.Attr("extends"); got != ".release_s3,.rules:release:stable:branch" {
		t.Errorf("extends %q: templates of other included files were not applied", got)
	}
}
