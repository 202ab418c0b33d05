package registry

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// built lists what PushedBuilds gives for a script as
// "image <- dockerfile (context) line".
func built(script, dir string) []string {
	var out []string
	for _, b := range PushedBuilds(ScanBuilds(script, dir, ImageRef(nil))) {
		out = append(out, b.Image.Name()+" <- "+b.Build.Dockerfile+" ("+b.Build.Context+") "+strconv.Itoa(b.Line))
	}
	return out
}

func TestPushedBuilds(t *testing.T) {
	for _, tt := range []struct {
		name, script, dir string
		want              []string
	}{
		{"build then push", "docker build -t ghcr.io/example-org/api:$TAG .\ndocker push ghcr.io/example-org/api:$TAG\n", ".",
			[]string{"ghcr.io/example-org/api <- Dockerfile (.) 2"}},
		{"buildx push with file", "docker buildx build --push -f docker/Dockerfile.prod --tag=ghcr.io/example-org/api:1 services/api", ".",
			[]string{"ghcr.io/example-org/api <- docker/Dockerfile.prod (services/api) 1"}},
		{"folder of the command", "cd services/api && podman build --file Containerfile -t quay.io/example-org/api . && podman push quay.io/example-org/api", ".",
			[]string{"quay.io/example-org/api <- services/api/Containerfile (services/api) 1"}},
		{"buildah bud", "buildah bud -t registry.example.com/team/app:2 -f build/Dockerfile .\nbuildah push registry.example.com/team/app:2", ".",
			[]string{"registry.example.com/team/app <- build/Dockerfile (.) 2"}},
		{"kaniko", `/kaniko/executor --context "${CI_PROJECT_DIR}/app" --dockerfile "${CI_PROJECT_DIR}/app/Dockerfile" --destination "registry.gitlab.com/example-org/api:${CI_COMMIT_TAG}"`, ".",
			[]string{"registry.gitlab.com/example-org/api <- app/Dockerfile (app) 1"}},
		{"kaniko relative dockerfile", `/kaniko/executor --context dir://$CI_PROJECT_DIR --dockerfile docker/Dockerfile --destination registry.gitlab.com/example-org/api`, ".",
			[]string{"registry.gitlab.com/example-org/api <- docker/Dockerfile (.) 1"}},
		{"kaniko without push", `/kaniko/executor --context . --no-push --destination registry.gitlab.com/example-org/api`, ".", nil},
		{"built, not pushed", "docker build -t ghcr.io/example-org/api .\ndocker push ghcr.io/example-org/other", ".", nil},
		{"push before the build", "docker push ghcr.io/example-org/api\ndocker build -t ghcr.io/example-org/api .", ".", nil},
		{"remote context", "docker build --push -t ghcr.io/example-org/api https://github.com/example-org/api.git", ".", nil},
		{"computed context", "docker build --push -t ghcr.io/example-org/api $CONTEXT", ".", nil},
		{"outside the repository", "docker build --push -t ghcr.io/example-org/api /tmp/build", ".", nil},
		{"tagged, then pushed", "docker build -t app:local .\ndocker tag app:local ghcr.io/example-org/api:$TAG\ndocker push ghcr.io/example-org/api:$TAG", ".",
			[]string{"ghcr.io/example-org/api <- Dockerfile (.) 3"}},
		{"image tag, then pushed", "docker build -t app -f web/Dockerfile web\ndocker image tag app:latest ghcr.io/example-org/web\ndocker push ghcr.io/example-org/web", ".",
			[]string{"ghcr.io/example-org/web <- web/Dockerfile (web) 3"}},
		{"podman tags twice", "podman build -t app .\npodman tag app quay.io/example-org/a quay.io/example-org/b\npodman push quay.io/example-org/b", ".",
			[]string{"quay.io/example-org/b <- Dockerfile (.) 3"}},
		{"buildx stage left uncached", "docker buildx build --no-cache-filter deps --push -t ghcr.io/example-org/api services/api", ".",
			[]string{"ghcr.io/example-org/api <- services/api/Dockerfile (services/api) 1"}},
		{"podman options with values", "podman build --dns 10.0.0.2 --ignorefile .ci/ignore --retry 3 -t quay.io/example-org/api:2 services/api\npodman push quay.io/example-org/api:2", ".",
			[]string{"quay.io/example-org/api <- services/api/Dockerfile (services/api) 2"}},
		{"podman without a context", "podman build -f services/api/Containerfile -t quay.io/example-org/api\npodman push quay.io/example-org/api", ".",
			[]string{"quay.io/example-org/api <- services/api/Containerfile (services/api) 2"}},
		{"podman in its folder", "cd services/api && podman build -t quay.io/example-org/api && podman push quay.io/example-org/api", ".",
			[]string{"quay.io/example-org/api <- services/api/Dockerfile (services/api) 1"}},
		{"tag of an image not built", "docker pull nginx\ndocker tag nginx ghcr.io/example-org/web\ndocker push ghcr.io/example-org/web", ".", nil},
	} {
		if diff := cmp.Diff(tt.want, built(tt.script, tt.dir)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestRepoPath(t *testing.T) {
	for _, tt := range []struct {
		p, dir, want string
		ok           bool
	}{
		{".", ".", ".", true},
		{"./docker/Dockerfile", "services", "services/docker/Dockerfile", true},
		{"${GITHUB_WORKSPACE}/api", "sub", "api", true},
		{"$CI_PROJECT_DIR", "sub", ".", true},
		{"${{ github.workspace }}/Dockerfile", ".", "Dockerfile", true},
		{"../other", ".", "", false},
		{"/abs/path", ".", "", false},
		{"$DIR/x", ".", "", false},
	} {
		got, ok := RepoPath(tt.p, tt.dir)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RepoPath(%q, %q) = %q, %v; want %q, %v", tt.p, tt.dir, got, ok, tt.want, tt.ok)
		}
	}
}

// TestBuildTarget checks the stage that each build form names with
// --target: a literal name is kept lower-cased, and a variable leaves the
// stage unknown.
func TestBuildTarget(t *testing.T) {
	for _, tt := range []struct {
		name, script string
		target       string
		unknown      bool
	}{
		{"no target", "docker build --push -t ghcr.io/example-org/api .", "", false},
		{"docker build", "docker build --target test -t ghcr.io/example-org/api .", "test", false},
		{"buildx with equals", "docker buildx build --push --target=Builder -t ghcr.io/example-org/ci .", "builder", false},
		{"podman", "podman build --target runtime -t quay.io/example-org/api .", "runtime", false},
		{"the last target counts", "docker build --target deps --target test -t ghcr.io/example-org/api .", "test", false},
		{"kaniko", "/kaniko/executor --context . --target builder --destination registry.gitlab.com/example-org/ci", "builder", false},
		{"kaniko with equals", "/kaniko/executor --context=. --target=test --destination=registry.gitlab.com/example-org/ci", "test", false},
		{"variable", "docker build --target \"$TARGET\" -t ghcr.io/example-org/api .", "", true},
		{"kaniko variable", "/kaniko/executor --context . --target ${STAGE} --destination registry.gitlab.com/example-org/ci", "", true},
	} {
		steps := ScanBuilds(tt.script, ".", ImageRef(nil))
		if len(steps) != 1 || steps[0].Build == nil {
			t.Errorf("%s: got %d steps, want one build", tt.name, len(steps))
			continue
		}
		b := steps[0].Build
		if b.Target != tt.target || b.TargetUnknown != tt.unknown {
			t.Errorf("%s: target %q unknown %v, want %q %v", tt.name, b.Target, b.TargetUnknown, tt.target, tt.unknown)
		}
	}
}

// TestPushedBuildsByTarget checks that two builds of one Dockerfile that
// push the same image name from other stages stay two images.
func TestPushedBuildsByTarget(t *testing.T) {
	script := "docker build --push --target test -t ghcr.io/example-org/api:test .\ndocker build --push -t ghcr.io/example-org/api:prod .\n"
	got := PushedBuilds(ScanBuilds(script, ".", ImageRef(nil)))
	var targets []string
	for _, b := range got {
		targets = append(targets, b.Image.Name()+" "+b.Build.Target)
	}
	want := []string{"ghcr.io/example-org/api test", "ghcr.io/example-org/api "}
	if diff := cmp.Diff(want, targets); diff != "" {
		t.Errorf("pushed builds (-want +got):\n%s", diff)
	}
}
