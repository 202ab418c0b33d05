package registry

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunsImages(t *testing.T) {
	// The image of docker [GLOBAL OPTIONS] [container] run [OPTIONS] IMAGE
	// [COMMAND] is the first word after run that is no option or option
	// value. Other subcommands that take a run word (compose run) start
	// no image of that name.
	script := `docker --log-level debug run --network host -e A=1 -it ubuntu:22.04 bash
docker run --platform linux/amd64 --entrypoint sh Registry.Example.com/Team/App:V1 -c 'make test'
docker compose run web
docker run --rm \
  quay.io/skopeo/stable:v1.14 copy docker://a.example.org/x docker://b.example.org/x
A=1 sudo -u ci podman run $IMAGE
docker run $IMAGE
# docker run commented:1
docker image ls; podman container run docker.io/library/redis@sha256:abcd
`
	expand := func(s string) string {
		if s == "$IMAGE" {
			return "ghcr.io/example-org/runner:2"
		}
		return s
	}
	var got []string
	for _, r := range Runs(script, expand) {
		got = append(got, fmt.Sprintf("%s %s %d", r.Image.PURL(true), r.Image.Pinned(), r.Line))
	}
	want := []string{
		"pkg:docker/ubuntu@22.04 tag 1",
		"pkg:docker/team/app@V1?repository_url=registry.example.com tag 2",
		"pkg:docker/skopeo/stable@v1.14?repository_url=quay.io tag 4",
		"pkg:docker/example-org/runner@2?repository_url=ghcr.io tag 6",
		"pkg:docker/example-org/runner@2?repository_url=ghcr.io tag 7",
		"pkg:docker/redis@sha256:abcd digest 9",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Runs (-got +want):\n%s", diff)
	}
	if got := Runs("docker run $UNSET", nil); len(got) != 0 {
		t.Errorf("Runs of an unexpanded image = %v, want none", got)
	}
}

// A copy tool's image named in the command after the image, here the
// image that trivy scans, is an argument: the container runs trivy.
func TestRunsToolImageAsArgument(t *testing.T) {
	script := "docker run --rm aquasec/trivy:0.50.0 image gcr.io/kaniko-project/executor:v1.23.0\n" +
		"docker run --rm anchore/grype quay.io/skopeo/stable:v1.14\n"
	var got []string
	for _, r := range Runs(script, nil) {
		got = append(got, r.Image.PURL(true))
	}
	want := []string{"pkg:docker/aquasec/trivy@0.50.0", "pkg:docker/anchore/grype@latest"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Runs (-got +want):\n%s", diff)
	}
	words := []string{"docker", "run", "--rm", "aquasec/trivy:0.50.0", "image", "gcr.io/kaniko-project/executor:v1.23.0"}
	if cmd, _, ok := RunTool(words); ok {
		t.Errorf("RunTool(%q) = %q, want no copy tool", words, cmd)
	}
}

// A cluster of short options whose last letter takes a value (-dp in
// docker run -dp 3000:3000 IMAGE) takes the next word, as pflag reads it.
// A letter with more letters after it takes them as its value.
func TestRunsShortOptionCluster(t *testing.T) {
	script := "docker run -dp 127.0.0.1:3000:3000 getting-started\n" +
		"docker run -itv /src:/src alpine:3 sh\n" +
		"docker run -dp3000:3000 nginx:1.27\n"
	var got []string
	for _, r := range Runs(script, nil) {
		got = append(got, fmt.Sprintf("%s %d", r.Image.PURL(true), r.Line))
	}
	want := []string{
		"pkg:docker/getting-started@latest 1",
		"pkg:docker/alpine@3 2",
		"pkg:docker/nginx@1.27 3",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Runs (-got +want):\n%s", diff)
	}
}

// podman run's health check options take a value (podman-healthcheck(1)
// and Red Hat's "Monitoring containers", Podman 4.2 and later), so the
// word after one is no image.
func TestRunsPodmanHealthOptions(t *testing.T) {
	script := "podman run -d --health-cmd true --health-on-failure kill nginx:1.27\n" +
		"podman run --health-startup-cmd 'curl -f localhost' --health-startup-interval 2s --health-startup-retries 3 " +
		"--health-startup-success 1 --health-startup-timeout 5s redis:7\n"
	var got []string
	for _, r := range Runs(script, nil) {
		got = append(got, r.Image.PURL(true))
	}
	want := []string{"pkg:docker/nginx@1.27", "pkg:docker/redis@7"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Runs (-got +want):\n%s", diff)
	}
}

// Commands after a reserved word of sh are read as any other: if, then,
// do and ! come before the command in one list.
func TestScanAfterShellKeywords(t *testing.T) {
	script := `if docker login -u bot -p $QUAY_TOKEN quay.io; then docker push quay.io/example-org/api:1; fi
for tag in 1 2; do docker push quay.io/example-org/web:$tag; done
! docker run --rm alpine:3.20 true
while false; do podman run busybox:1.36; done
`
	logins, pushes := Scan(script, nil)
	if len(logins) != 1 || logins[0].Host != "quay.io" || !slices.Equal(logins[0].Vars, []string{"QUAY_TOKEN"}) {
		t.Errorf("logins %+v, want one to quay.io with QUAY_TOKEN", logins)
	}
	var pushed []string
	for _, p := range pushes {
		pushed = append(pushed, fmt.Sprintf("%s %d", p.Image.Name(), p.Line))
	}
	if diff := cmp.Diff([]string{"quay.io/example-org/api 1", "quay.io/example-org/web 2"}, pushed); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
	var ran []string
	for _, r := range Runs(script, nil) {
		ran = append(ran, fmt.Sprintf("%s %d", r.Image.PURL(true), r.Line))
	}
	if diff := cmp.Diff([]string{"pkg:docker/alpine@3.20 3", "pkg:docker/busybox@1.36 4"}, ran); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
}

// A shell's -c script runs in the job: its logins, pushes and container
// runs are the job's, at the line of the shell. A shell in that script is
// not read again.
func TestScanShellScriptOfJob(t *testing.T) {
	script := `bash -euo pipefail -c 'docker login -u bot -p "$QUAY_TOKEN" quay.io && docker push quay.io/example-org/api:1'
sh -c "docker run --rm alpine:3.20 true; sh -c 'docker push quay.io/example-org/hidden:1'"
`
	logins, pushes := Scan(script, nil)
	if len(logins) != 1 || logins[0].Host != "quay.io" || logins[0].Line != 1 || !slices.Equal(logins[0].Vars, []string{"QUAY_TOKEN"}) {
		t.Errorf("logins %+v, want one to quay.io with QUAY_TOKEN at line 1", logins)
	}
	var pushed []string
	for _, p := range pushes {
		pushed = append(pushed, fmt.Sprintf("%s %d", p.Image.Name(), p.Line))
	}
	if diff := cmp.Diff([]string{"quay.io/example-org/api 1"}, pushed); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
	var ran []string
	for _, r := range Runs(script, nil) {
		ran = append(ran, fmt.Sprintf("%s %d", r.Image.PURL(true), r.Line))
	}
	if diff := cmp.Diff([]string{"pkg:docker/alpine@3.20 2"}, ran); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
}
