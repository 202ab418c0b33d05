package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree writes files, keyed by slash-separated paths, under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// npmLock returns a package-lock.json that pins one package.
func npmLock(name, version string) string {
	return `{"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
 "packages": {"": {"name": "app", "version": "1.0.0", "dependencies": {"` + name + `": "` + version + `"}},
  "node_modules/` + name + `": {"version": "` + version + `", "resolved": "https://registry.npmjs.org/` + name + `/-/` + name + `-` + version + `.tgz"}}}`
}

// A GitHub repository and a GitLab project of the same path are two
// repositories: a GitHub job that can push to its repository does not
// reach the GitLab project's jobs, and each repository's lockfile is
// installed only by its own jobs.
func TestGitLabProjectApartFromGitHubRepo(t *testing.T) {
	dir := t.TempDir()
	gitlabJob := "deploy:\n  script:\n    - npm ci\n    - ./deploy.sh\n  id_tokens:\n    AWS_TOKEN:\n      aud: https://sts.amazonaws.com\n"
	writeTree(t, dir, map[string]string{
		"gh/.git/config": "[remote \"origin\"]\n\turl = git@github.com:acme/web.git\n",
		"gh/.github/workflows/ci.yml": `on: push
permissions:
  contents: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
`,
		"gh/package-lock.json": npmLock("left-pad", "1.3.0"),
		"gl/.git/config":       "[remote \"origin\"]\n\turl = git@gitlab.com:acme/web.git\n",
		"gl/.gitlab-ci.yml":    gitlabJob,
		"gl/package-lock.json": npmLock("is-odd", "3.0.1"),
		// A GitLab project known only by its .gitlab-ci.yml: no remote,
		// no .github folder.
		"svc/.gitlab-ci.yml":    gitlabJob,
		"svc/package-lock.json": npmLock("is-even", "1.0.0"),
		// A clone of a self-managed server's project with no pipeline of
		// its own.
		"sm/.git/config":       "[remote \"origin\"]\n\turl = https://gitlab.example.com/platform/tools/api.git\n",
		"sm/package-lock.json": npmLock("is-number", "7.0.0"),
	})
	db := filepath.Join(dir, "graph.db")
	args := []string{"--db", db, "--log-level", "error", "ingest", "--org", "acme"}
	for _, repo := range []string{"gh", "gl", "svc", "sm"} {
		args = append(args, filepath.Join(dir, repo))
	}
	if out, errs, code := run(t, args...); code != exitOK {
		t.Fatalf("ingest exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}

	out, errs, code := run(t, "--db", db, "nodes", "--kind", "Repository")
	if code != exitOK {
		t.Fatalf("nodes exit %d: %s", code, errs)
	}
	var repos []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "Repository" {
			repos = append(repos, f[1])
		}
	}
	slices.Sort(repos)
	wantRepos := []string{
		"repo:github.com/acme/web",
		"repo:gitlab.com/acme/svc",
		"repo:gitlab.com/acme/web",
		"repo:gitlab.example.com/platform/tools/api",
	}
	if !slices.Equal(repos, wantRepos) {
		t.Errorf("repositories %v, want %v", repos, wantRepos)
	}

	const (
		githubJob  = "runtime:gha:acme/web/.github/workflows/ci.yml#build"
		webDeploy  = "runtime:gitlab:acme/web/.gitlab-ci.yml#deploy"
		svcDeploy  = "runtime:gitlab:acme/svc/.gitlab-ci.yml#deploy"
		gitlabRepo = "repo:gitlab.com/acme/web"
	)
	out, errs, code = run(t, "--db", db, "query", "--runtime", githubJob)
	if code != exitOK {
		t.Fatalf("query --runtime exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "repo:github.com/acme/web") {
		t.Errorf("the GitHub job does not reach its own repository:\n%s", out)
	}
	if strings.Contains(out, webDeploy) {
		t.Errorf("the GitHub job reaches the GitLab project's job:\n%s", out)
	}
	if strings.Contains(out, gitlabRepo) {
		t.Errorf("the GitHub job reaches the GitLab project:\n%s", out)
	}

	// Each package runs in the jobs of the repository whose lockfile pins
	// it, and in no other.
	for _, c := range []struct {
		pkg      string
		reach    string
		notReach []string
	}{
		{"pkg:npm/left-pad@1.3.0", githubJob, []string{webDeploy, svcDeploy}},
		{"pkg:npm/is-odd@3.0.1", webDeploy, []string{githubJob, svcDeploy}},
		{"pkg:npm/is-even@1.0.0", svcDeploy, []string{githubJob, webDeploy}},
	} {
		out, errs, code := run(t, "--db", db, "query", "--package", c.pkg)
		if code != exitOK {
			t.Fatalf("query --package %s exit %d: %s", c.pkg, code, errs)
		}
		if !strings.Contains(out, c.reach) {
			t.Errorf("%s does not reach %s:\n%s", c.pkg, c.reach, out)
		}
		for _, id := range c.notReach {
			if strings.Contains(out, id) {
				t.Errorf("%s reaches %s of another repository:\n%s", c.pkg, id, out)
			}
		}
	}
}

func TestGitLabProjectsOnTwoServersApart(t *testing.T) {
	// One project path on GitLab.com and on a self-managed server: two
	// projects, whose jobs run apart. Each lockfile's package runs in its
	// own project's job, whose job token clones that project only.
	dir := t.TempDir()
	job := "deploy:\n  script:\n    - npm ci\n"
	writeTree(t, dir, map[string]string{
		"com/.git/config":       "[remote \"origin\"]\n\turl = git@gitlab.com:acme/web.git\n",
		"com/.gitlab-ci.yml":    job,
		"com/package-lock.json": npmLock("is-odd", "3.0.1"),
		"sm/.git/config":        "[remote \"origin\"]\n\turl = https://gitlab.example.com/acme/web.git\n",
		"sm/.gitlab-ci.yml":     job,
		"sm/package-lock.json":  npmLock("is-number", "7.0.0"),
	})

	db := filepath.Join(dir, "graph.db")
	args := []string{"--db", db, "--log-level", "error", "ingest", filepath.Join(dir, "com"), filepath.Join(dir, "sm")}

	if out, errs, code := run(t, args...); code != exitOK {
		t.Fatalf("ingest exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}

	for _, c := range []struct{ pkg, own, other string }{
		{"pkg:npm/is-odd@3.0.1", "repo:gitlab.com/acme/web", "repo:gitlab.example.com/acme/web"},
		{"pkg:npm/is-number@7.0.0", "repo:gitlab.example.com/acme/web", "repo:gitlab.com/acme/web"},
	} {
		out, errs, code := run(t, "--db", db, "query", "--package", c.pkg)
		if code != exitOK {
			t.Fatalf("query --package %s exit %d: %s", c.pkg, code, errs)
		}
		if !strings.Contains(out, c.own+"\n") && !strings.Contains(out, c.own+" ") {
			t.Errorf("%s does not reach its own project %s:\n%s", c.pkg, c.own, out)
		}
		if strings.Contains(out, c.other+"\n") || strings.Contains(out, c.other+" ") {
			t.Errorf("%s reaches the other server's project %s:\n%s", c.pkg, c.other, out)
		}
	}
}

func TestCircleCIProjectsOnTwoForgesApart(t *testing.T) {
	// One repository path on GitHub and on Bitbucket: CircleCI builds
	// them as two projects, so each lockfile's package runs in the job of
	// its own project, and the two jobs and environment variables differ.
	dir := t.TempDir()
	config := "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/node:20.0\n    steps:\n      - checkout\n      - run: npm ci\nworkflows:\n  main:\n    jobs: [build]\n"
	writeTree(t, dir, map[string]string{
		"gh/.git/config":          "[remote \"origin\"]\n\turl = git@github.com:acme/app.git\n",
		"gh/.circleci/config.yml": config,
		"gh/package-lock.json":    npmLock("is-odd", "3.0.1"),
		"bb/.git/config":          "[remote \"origin\"]\n\turl = git@bitbucket.org:acme/app.git\n",
		"bb/.circleci/config.yml": config,
		"bb/package-lock.json":    npmLock("is-number", "7.0.0"),
	})

	db := filepath.Join(dir, "graph.db")
	args := []string{"--db", db, "--log-level", "error", "ingest", filepath.Join(dir, "gh"), filepath.Join(dir, "bb")}

	if out, errs, code := run(t, args...); code != exitOK {
		t.Fatalf("ingest exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	ran := map[string][]string{}
	for _, pkg := range []string{"pkg:npm/is-odd@3.0.1", "pkg:npm/is-number@7.0.0"} {
		out, errs, code := run(t, "--db", db, "query", "--package", pkg)
		if code != exitOK {
			t.Fatalf("query --package %s exit %d: %s", pkg, code, errs)
		}
		for _, f := range strings.Fields(out) {
			if strings.HasPrefix(f, "runtime:circleci:") || strings.HasPrefix(f, "secret:circleci:project:") {
				ran[pkg] = append(ran[pkg], f)
			}
		}
		slices.Sort(ran[pkg])
		ran[pkg] = slices.Compact(ran[pkg])
		if len(ran[pkg]) != 2 {
			t.Errorf("%s reaches circleci nodes %v, want its job and its project's variables", pkg, ran[pkg])
		}
	}
	for _, id := range ran["pkg:npm/is-odd@3.0.1"] {
		if slices.Contains(ran["pkg:npm/is-number@7.0.0"], id) {
			t.Errorf("the GitHub and the Bitbucket project share %s", id)
		}
	}
}

// A folder that contains both a GitHub workflow and a GitLab pipeline,
// with no origin remote, is named on GitHub. Its GitLab jobs still install
// its lockfile, and a GitLab release publishes the name its package.json
// gives. The same holds for a pipeline whose variables name a self-managed
// server that the clone's origin does not.
func TestGitLabJobsInstallTheirFolderLockfile(t *testing.T) {
	dir := t.TempDir()
	release := "release:\n  script:\n    - npm ci\n    - echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc\n    - npm publish\n"
	writeTree(t, dir, map[string]string{
		"both/.github/workflows/ci.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm ci\n",
		"both/.gitlab-ci.yml":           release,
		"both/package-lock.json":        npmLock("left-pad", "1.3.0"),
		"both/package.json":             `{"name": "both-app", "version": "1.0.0"}`,
		"sm/.git/config":                "[remote \"origin\"]\n\turl = git@gitlab.com:acme/sm.git\n",
		"sm/.gitlab-ci.yml":             "variables:\n  CI_SERVER_URL: https://gitlab.example.com\n" + release,
		"sm/package-lock.json":          npmLock("is-odd", "3.0.1"),
	})

	db := filepath.Join(dir, "graph.db")

	if out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "acme",
		filepath.Join(dir, "both"), filepath.Join(dir, "sm")); code != exitOK {
		t.Fatalf("ingest exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}

	for _, c := range []struct{ pkg, job string }{
		{"pkg:npm/left-pad@1.3.0", "runtime:gitlab:acme/both/.gitlab-ci.yml#release"},
		{"pkg:npm/left-pad@1.3.0", "runtime:gha:acme/both/.github/workflows/ci.yml#build"},
		{"pkg:npm/is-odd@3.0.1", "gitlab.example.com/acme/sm/.gitlab-ci.yml#release"},
	} {
		out, errs, code := run(t, "--db", db, "query", "--package", c.pkg)
		if code != exitOK {
			t.Fatalf("query --package %s exit %d: %s", c.pkg, code, errs)
		}
		if !strings.Contains(out, c.job) {
			t.Errorf("%s does not run in %s:\n%s", c.pkg, c.job, out)
		}
	}

	out, errs, code := run(t, "--db", db, "query", "--runtime", "runtime:gitlab:acme/both/.gitlab-ci.yml#release")
	if code != exitOK {
		t.Fatalf("query --runtime exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "pkg:npm/both-app") {
		t.Errorf("the GitLab release does not reach the package its folder's package.json names:\n%s", out)
	}
}
