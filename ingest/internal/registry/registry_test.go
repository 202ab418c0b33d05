package registry

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestScan(t *testing.T) {
	script := `echo "${CI_REGISTRY_PASSWORD}" | docker login --username "${CI_REGISTRY_USER}" --password-stdin "${CI_REGISTRY}"
echo "${DOCKER_HUB_PASSWORD}" | docker login --username "${DOCKER_HUB_USER}" --password-stdin "registry.hub.docker.com/gitlab"
aws --region us-east-1 ecr-public get-login-password | docker login --username "AWS" --password-stdin "public.ecr.aws/gitlab"
# docker push commented.example.org/skip/me
(cd scripts/pusher && ./pusher runner-images.json "public.ecr.aws/gitlab/gitlab-runner" $tags)
docker push registry.gitlab.com/example-org/app:$TAG && echo done
docker buildx build --push -t ghcr.io/example-org/web:1.2 \
  --tag=ghcr.io/example-org/web:latest .
docker login -u bot -p $QUAY_TOKEN quay.io
podman image push quay.io/example-org/api
docker build -t local-only .
./release.sh app-without-host:1.0 https://files.example.org/x/y
docker login ${COMPUTED_REGISTRY} -u x -p $SOME_TOKEN`
	expand := func(s string) string {
		if s == "${CI_REGISTRY}" {
			return "registry.gitlab.com"
		}
		return s
	}
	logins, pushes := Scan(script, expand)
	wantLogins := []Login{
		{Host: "registry.gitlab.com", Vars: []string{"CI_REGISTRY_PASSWORD"}, Line: 1},
		{Host: DockerHub, Vars: []string{"DOCKER_HUB_PASSWORD"}, Line: 2},
		{Host: "public.ecr.aws", AWS: true, Line: 3},
		{Host: "quay.io", Vars: []string{"QUAY_TOKEN"}, Line: 9},
	}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	var got []string
	for _, p := range pushes {
		kind := "named"
		if p.Direct {
			kind = "push"
		}
		got = append(got, fmt.Sprintf("%s %s %d", p.Image.Name(), kind, p.Line))
	}
	// A tag set by a variable leaves the name; a continued line keeps the
	// number of its first line.
	want := []string{
		"public.ecr.aws/gitlab/gitlab-runner named 5",
		"registry.gitlab.com/example-org/app push 6",
		"ghcr.io/example-org/web push 7",
		"ghcr.io/example-org/web push 7",
		"quay.io/example-org/api push 10",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestNormalHost(t *testing.T) {
	for in, want := range map[string]string{
		"":                               DockerHub,
		"registry.hub.docker.com/gitlab": DockerHub,
		"https://index.docker.io/v1/":    DockerHub,
		"Public.ECR.aws/gitlab":          "public.ecr.aws",
		"localhost:5000":                 "localhost:5000",
	} {
		if got := NormalHost(in); got != want {
			t.Errorf("NormalHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScanLoginSources(t *testing.T) {
	// Each login's password comes from the variables listed, and from
	// nothing else the line reads: the region of an ECR login and a
	// command before the pipeline are no passwords.
	script := `aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin 111122223333.dkr.ecr.us-east-1.amazonaws.com
echo "$UNRELATED" > /tmp/x; echo "$QUAY_TOKEN" | docker login -u bot --password-stdin quay.io && echo "$LATER" | wc -c
docker login -u bot --password-stdin ghcr.io <<< "$GHCR_TOKEN"
sudo -E docker login -u bot -p "$SUDO_PW" sudo.example.org
DOCKER_CONFIG=/tmp/d command docker login -u bot --password-stdin env.example.org < /run/secrets/pw`
	logins, _ := Scan(script, nil)
	want := []Login{
		{Host: "111122223333.dkr.ecr.us-east-1.amazonaws.com", AWS: true, Line: 1},
		{Host: "quay.io", Vars: []string{"QUAY_TOKEN"}, Line: 2},
		{Host: "ghcr.io", Vars: []string{"GHCR_TOKEN"}, Line: 3},
		{Host: "sudo.example.org", Vars: []string{"SUDO_PW"}, Line: 4},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

// FuzzScan checks that any script scans without a panic and that every
// login and push names a line of the script.
func FuzzScan(f *testing.F) {
	f.Add("echo \"$PW\" | docker login -u x --password-stdin quay.io && docker push quay.io/a/b:$T")
	f.Add("aws ecr get-login-password | docker login --password-stdin <<< \"$X\" r.example.org\ndocker buildx build --push -t r.example.org/a .")
	f.Add("sudo -E podman login -p $P\\\n r.example.org; (cd x && ./tool r.example.org/a)")
	f.Fuzz(func(t *testing.T, script string) {
		logins, pushes := Scan(script, func(s string) string { return s })
		lines := strings.Count(script, "\n") + 1
		for _, l := range logins {
			if l.Line < 1 || l.Line > lines {
				t.Errorf("login at line %d of %d", l.Line, lines)
			}
		}
		for _, p := range pushes {
			if p.Line < 1 || p.Line > lines {
				t.Errorf("push at line %d of %d", p.Line, lines)
			}
		}
	})
}

func TestScanOptionValues(t *testing.T) {
	// Options that take a value, before the subcommand or among the login
	// arguments, name no registry and hide no subcommand.
	script := `docker --config "$HOME/.docker-ci" login -u bot -p "$CFG_PW" cfg.example.org
podman login --authfile /tmp/auth.json -u bot -p "$AUTH_PW" auth.example.org
docker -H tcp://127.0.0.1:2375 push cfg.example.org/team/app:1
podman --root /var/lib/ci push auth.example.org/team/app:1`
	logins, pushes := Scan(script, nil)
	want := []Login{
		{Host: "cfg.example.org", Vars: []string{"CFG_PW"}, Line: 1},
		{Host: "auth.example.org", Vars: []string{"AUTH_PW"}, Line: 2},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	wantPushes := []string{"cfg.example.org/team/app true 3", "auth.example.org/team/app true 4"}
	if diff := cmp.Diff(wantPushes, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanBuildOutputs(t *testing.T) {
	// Each build pushes its tag to the registry: buildx exports to a
	// registry with --push, or with an output of type registry or an
	// image output with push=true, however the option is spelled.
	script := `docker buildx build -o type=registry -t r.example.org/a/one:1 .
docker buildx build --output type=image,push=true --tag r.example.org/a/two:1 .
docker buildx build --output=type=image,name=r.example.org/a/x,push=true -t r.example.org/a/three .
docker buildx build --output type=docker -t r.example.org/a/local .`
	_, pushes := Scan(script, nil)
	var got []string
	for _, p := range pushes {
		got = append(got, p.Image.Name())
	}
	want := []string{"r.example.org/a/one", "r.example.org/a/two", "r.example.org/a/three"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestLoginHost(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-u", "bot", "--password-stdin", "quay.io"}, "quay.io"},
		{[]string{"--authfile", "/tmp/auth.json", "-u", "bot", "ghcr.io"}, "ghcr.io"},
		{[]string{"-u", "bot", "<<<", "$TOKEN", "quay.io"}, "quay.io"},
		{[]string{"-u", "bot", "--password-stdin"}, ""},
	} {
		if got := LoginHost(tt.args); got != tt.want {
			t.Errorf("LoginHost(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestScanCopyTools(t *testing.T) {
	// Each tool's destination is the image it writes; its sources, the
	// files it reads and the values of its options are not.
	script := `skopeo login -u bot -p "$QUAY_PASSWORD" quay.io
skopeo copy --all --src-creds "reader:$SRC_PW" docker://src.example.org/team/app:1.0 docker://quay.io/acme/app:1.0
skopeo copy -a --dest-creds "bot:$DEST_PW" docker://src.example.org/team/app:1.0 docker://dest.example.org/acme/app:1.0
skopeo copy --dest-registry-token "$REG_TOKEN" docker://src.example.org/a:1 docker://tok.example.org/acme/a:1
skopeo copy docker://src.example.org/team/app:1.0 oci:local-dir:1.0
crane auth login ghcr.io -u bot -p "$GHCR_TOKEN"
crane push image.tar ghcr.io/acme/app:1.0
crane copy src.example.org/team/app:1.0 ghcr.io/acme/copy:1.0
crane tag ghcr.io/acme/app:1.0 latest
crane append --platform linux/amd64 -f layer.tar -b src.example.org/base:1 -t ghcr.io/acme/appended:1
crane digest ghcr.io/acme/read-only:1
echo "$ORAS_PW" | oras login --password-stdin -u bot zot.example.org
oras push zot.example.org/acme/artifact:v1 --artifact-type application/x-tool ./dist/tool.tgz
oras cp --to-password "$TO_PW" --to-username bot src.example.org/a:1 cp.example.org/acme/a:1
regctl registry login reg.example.org -u bot --pass "$REGCTL_PW"
regctl image copy src.example.org/a:1 reg.example.org/acme/a:1
/kaniko/executor --context "$CI_PROJECT_DIR" --dockerfile Dockerfile --destination kaniko.example.org/acme/app:1 -d=kaniko.example.org/acme/app:latest
/kaniko/executor --context . --destination kaniko.example.org/acme/not-pushed:1 --no-push`
	logins, pushes := Scan(script, nil)
	wantLogins := []Login{
		{Host: "quay.io", Vars: []string{"QUAY_PASSWORD"}, Line: 1},
		{Host: "dest.example.org", Vars: []string{"DEST_PW"}, Line: 3},
		{Host: "tok.example.org", Vars: []string{"REG_TOKEN"}, Line: 4},
		{Host: "ghcr.io", Vars: []string{"GHCR_TOKEN"}, Line: 6},
		{Host: "zot.example.org", Vars: []string{"ORAS_PW"}, Line: 12},
		{Host: "cp.example.org", Vars: []string{"TO_PW"}, Line: 14},
		{Host: "reg.example.org", Vars: []string{"REGCTL_PW"}, Line: 15},
	}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	want := []string{
		"quay.io/acme/app true 2",
		"dest.example.org/acme/app true 3",
		"tok.example.org/acme/a true 4",
		"ghcr.io/acme/app true 7",
		"ghcr.io/acme/copy true 8",
		"ghcr.io/acme/app true 9",
		"ghcr.io/acme/appended true 10",
		"zot.example.org/acme/artifact true 13",
		"cp.example.org/acme/a true 14",
		"reg.example.org/acme/a true 16",
		"kaniko.example.org/acme/app true 17",
		"kaniko.example.org/acme/app true 17",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanConfigFileLogin(t *testing.T) {
	// A Docker config file written by the script logs in to its first
	// registry with the password part of the entry: the second variable of
	// an auth value that joins user and password, or the password field.
	script := `mkdir -p /kaniko/.docker
echo "{\"auths\":{\"${CI_REGISTRY}\":{\"auth\":\"$(printf "%s:%s" "${CI_REGISTRY_USER}" "${CI_REGISTRY_PASSWORD}" | base64 | tr -d '\n')\"}}}" > /kaniko/.docker/config.json
echo '{"auths": {"quay.io": {"username": "bot", "password": "'"$QUAY_PW"'"}}}' > $DOCKER_CONFIG/config.json
echo "{\"auths\":{\"ghcr.io\":{\"auth\":\"$GHCR_AUTH\"}}}" | tee /root/.docker/config.json
echo "{\"auths\":{\"$OTHER_REGISTRY\":{\"auth\":\"$X\"}}}" > /kaniko/.docker/config.json
echo "{\"auths\":{\"unwritten.example.org\":{\"auth\":\"$Y\"}}}"`
	expand := func(s string) string {
		return strings.ReplaceAll(s, "${CI_REGISTRY}", "registry.gitlab.com")
	}
	logins, _ := Scan(script, expand)
	want := []Login{
		{Host: "registry.gitlab.com", Vars: []string{"CI_REGISTRY_PASSWORD"}, Line: 2},
		{Host: "quay.io", Vars: []string{"QUAY_PW"}, Line: 3},
		{Host: "ghcr.io", Vars: []string{"GHCR_AUTH"}, Line: 4},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

// pushLines describes each push as "image direct line".
func pushLines(pushes []Push) []string {
	var out []string
	for _, p := range pushes {
		out = append(out, fmt.Sprintf("%s %v %d", p.Image.Name(), p.Direct, p.Line))
	}
	return out
}

func TestScanKanikoBooleanOptions(t *testing.T) {
	// Kaniko's --no-push and --log-timestamp are boolean options: an
	// explicit value goes after "=", and the next word is never theirs.
	script := `/kaniko/executor --context . --destination k.example.org/acme/a:1 --no-push=true
/kaniko/executor --context . --destination k.example.org/acme/b:1 --no-push=false
/kaniko/executor --log-timestamp --destination k.example.org/acme/c:1`
	_, pushes := Scan(script, nil)
	want := []string{"k.example.org/acme/b true 2", "k.example.org/acme/c true 3"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanQuotedWords(t *testing.T) {
	// The shell removes quotes inside a word and keeps a quoted blank in
	// its word, so a quoted option value is one whole word.
	script := `/kaniko/executor --context . --destination="k.example.org/acme/app:$TAG"
oras push --annotation-file "release notes.json" zot.example.org/acme/artifact:v1 tool.tgz`
	_, pushes := Scan(script, nil)
	want := []string{"k.example.org/acme/app true 1", "zot.example.org/acme/artifact true 2"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanRegctlCopyOptions(t *testing.T) {
	// regctl image copy's --digest-tags takes no value, and its -p
	// (--platform) does: each copy writes its second image.
	script := `regctl image copy --digest-tags src.example.org/a:1 reg.example.org/acme/a:1
regctl image copy -p linux/amd64 src.example.org/b:1 reg.example.org/acme/b:1`
	_, pushes := Scan(script, nil)
	want := []string{"reg.example.org/acme/a true 1", "reg.example.org/acme/b true 2"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanRegctlLoginUser(t *testing.T) {
	// regctl names its user option --user, whose value is no registry.
	script := `regctl registry login --user bot --pass "$REGCTL_PW" reg.example.org`
	logins, _ := Scan(script, nil)
	want := []Login{{Host: "reg.example.org", Vars: []string{"REGCTL_PW"}, Line: 1}}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestScanOrasLoginOptions(t *testing.T) {
	// The value of oras login --ca-file is a file, not the registry, and
	// an identity token read from stdin is the password of its login.
	script := `oras login --ca-file /certs/ca.crt -u bot -p "$ORAS_PW" zot.example.org
echo "$ORAS_TOKEN" | oras login --identity-token-stdin tok.example.org`
	logins, _ := Scan(script, nil)
	want := []Login{
		{Host: "zot.example.org", Vars: []string{"ORAS_PW"}, Line: 1},
		{Host: "tok.example.org", Vars: []string{"ORAS_TOKEN"}, Line: 2},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestScanOrasOptionValues(t *testing.T) {
	// The values of oras's options are no images: each command writes the
	// reference after them, and the cp destination logs in with
	// --to-password.
	script := `oras push --annotation "org.opencontainers.image.title=tool" zot.example.org/acme/a:1 tool.tgz
oras push --format json zot.example.org/acme/b:1 tool.tgz
oras cp --to-ca-file /certs/ca.crt --to-password "$TO_PW" src.example.org/a:1 cp.example.org/acme/c:1`
	logins, pushes := Scan(script, nil)
	wantLogins := []Login{{Host: "cp.example.org", Vars: []string{"TO_PW"}, Line: 3}}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	want := []string{"zot.example.org/acme/a true 1", "zot.example.org/acme/b true 2", "cp.example.org/acme/c true 3"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanOrasLayoutTargets(t *testing.T) {
	// An oras target that is an OCI image layout on disk is written to
	// no registry: push --oci-layout and cp --to-oci-layout write files,
	// and cp --from-oci-layout writes its registry destination.
	script := `oras push --oci-layout layout-dir:v1 tool.tgz
oras push --oci-layout-path ./layout v1 tool.tgz
oras cp --to-oci-layout src.example.org/a:1 layout-dir:v1
oras cp --from-oci-layout layout-dir:v1 dst.example.org/acme/a:1`
	_, pushes := Scan(script, nil)
	want := []string{"dst.example.org/acme/a true 4"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanCranePushImageRefs(t *testing.T) {
	// crane push --image-refs takes a file to write, so the tarball and
	// the image are the two words after it.
	script := `crane push --image-refs refs.txt image.tar ghcr.io/acme/app:1`
	_, pushes := Scan(script, nil)
	want := []string{"ghcr.io/acme/app true 1"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanCraneAppendBaseAnnotations(t *testing.T) {
	// crane append's --set-base-image-annotations is a boolean option, so
	// the -t after it still names the image the append pushes.
	script := `crane append --set-base-image-annotations -t ghcr.io/acme/appended:1 -b src.example.org/base:1 -f layer.tar`
	_, pushes := Scan(script, nil)
	want := []string{"ghcr.io/acme/appended true 1"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanCraneOutputFile(t *testing.T) {
	// With -o (--output), crane append and mutate save the image to a
	// tarball in place of pushing it.
	script := `crane append -f layer.tar -t ghcr.io/acme/app:3 -o out.tar
crane mutate ghcr.io/acme/app:1 -t ghcr.io/acme/app:2 --output=out.tar`
	_, pushes := Scan(script, nil)
	if got := pushLines(pushes); len(got) != 0 {
		t.Errorf("pushes = %q, want none", got)
	}
}

func TestScanCraneMutateRebaseTargets(t *testing.T) {
	// Without a tag, crane mutate pushes over each image it is given, or
	// to the repository of -r (--repo), and crane rebase over its image,
	// positional or --original. --rebased is rebase's older name for -t.
	script := `crane mutate ghcr.io/acme/app:1 --label org.example.x=y -u 1000
crane mutate -r ghcr.io/acme/other ghcr.io/acme/app:1 -e A=b
crane rebase ghcr.io/acme/base-app:1 --old_base src.example.org/b:1 --new_base src.example.org/b:2
crane rebase --original ghcr.io/acme/orig:1 --old_base src.example.org/b:1 --new_base src.example.org/b:2
crane rebase ghcr.io/acme/app:1 --rebased ghcr.io/acme/rebased:1`
	_, pushes := Scan(script, nil)
	want := []string{
		"ghcr.io/acme/app true 1",
		"ghcr.io/acme/other true 2",
		"ghcr.io/acme/base-app true 3",
		"ghcr.io/acme/orig true 4",
		"ghcr.io/acme/rebased true 5",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanSkopeoUserOptions(t *testing.T) {
	// skopeo copy's --dest-password logs in to the destination registry,
	// and the user and password options of either side take a value, even
	// after the images.
	script := `skopeo copy --dest-username bot --dest-password "$SKOPEO_PW" docker://src.example.org/a:1 docker://dst.example.org/acme/a:1
skopeo copy docker://src.example.org/a:1 docker://dst.example.org/acme/b:1 --src-username reader --src-password "$SRC_PW"`
	logins, pushes := Scan(script, nil)
	wantLogins := []Login{{Host: "dst.example.org", Vars: []string{"SKOPEO_PW"}, Line: 1}}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	want := []string{"dst.example.org/acme/a true 1", "dst.example.org/acme/b true 2"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanGlobalOptionValues(t *testing.T) {
	// skopeo's and crane's global options that take a value come before
	// the subcommand and hide none of it.
	script := `skopeo --override-arch arm64 copy docker://src.example.org/a:1 docker://dst.example.org/acme/a:1
skopeo --policy /etc/ci/policy.json copy docker://src.example.org/a:1 docker://dst.example.org/acme/b:1
crane --platform linux/amd64 copy src.example.org/a:1 ghcr.io/acme/c:1`
	_, pushes := Scan(script, nil)
	want := []string{"dst.example.org/acme/a true 1", "dst.example.org/acme/b true 2", "ghcr.io/acme/c true 3"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanCommandPrefixes(t *testing.T) {
	// env and sudo run the command after their options, whose values
	// (sudo -u USER) are no command.
	script := `env DOCKER_CONFIG=/tmp/d crane copy src.example.org/a:1 ghcr.io/acme/a:1
sudo -u ci skopeo copy docker://src.example.org/a:1 docker://dst.example.org/acme/b:1`
	_, pushes := Scan(script, nil)
	want := []string{"ghcr.io/acme/a true 1", "dst.example.org/acme/b true 2"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanConfigFileEntries(t *testing.T) {
	// The login to the first registry of a config file takes its
	// password from that registry's entry, not from the entries after it.
	script := `echo "{\"auths\":{\"a.example.org\":{\"auth\":\"$A_AUTH\"},\"b.example.org\":{\"auth\":\"$B_AUTH\"}}}" > /kaniko/.docker/config.json
echo "{\"auths\":{\"c.example.org\":{\"auth\":\"$C_AUTH\"},\"d.example.org\":{\"username\":\"bot\",\"password\":\"$D_PW\"}}}" > /kaniko/.docker/config.json`
	logins, _ := Scan(script, nil)
	want := []Login{
		{Host: "a.example.org", Vars: []string{"A_AUTH"}, Line: 1},
		{Host: "c.example.org", Vars: []string{"C_AUTH"}, Line: 2},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestScanSkopeoCredsVariable(t *testing.T) {
	// The shell expands --dest-creds "$DEST_CREDS" before skopeo splits
	// it at its first colon, so a value that is one variable holds the
	// user and the password.
	script := `skopeo copy --dest-creds "$DEST_CREDS" docker://src.example.org/a:1 docker://dst.example.org/acme/a:1`
	logins, _ := Scan(script, nil)
	want := []Login{{Host: "dst.example.org", Vars: []string{"DEST_CREDS"}, Line: 1}}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestScanOrasPushPasswordStdin(t *testing.T) {
	// oras push --password-stdin reads the password from the stages piped
	// into it, and logs in to the registry it pushes to.
	script := `echo "$ORAS_PW" | oras push -u bot --password-stdin zot.example.org/acme/a:1 tool.tgz`
	logins, pushes := Scan(script, nil)
	want := []Login{{Host: "zot.example.org", Vars: []string{"ORAS_PW"}, Line: 1}}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"zot.example.org/acme/a true 1"}, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanConfigFilePrintf(t *testing.T) {
	// printf writes its arguments in place of the format's conversions,
	// so the registry and the password are the arguments of the
	// conversions in the "auths" object.
	script := `printf '{"auths":{"%s":{"auth":"%s"}}}' "$CI_REGISTRY" "$(printf '%s:%s' "$CI_REGISTRY_USER" "$CI_REGISTRY_PASSWORD" | base64)" > /kaniko/.docker/config.json
printf '{"auths":{"%s":{"username":"%s","password":"%s"}}}' quay.io bot "$QUAY_PW" | tee /root/.docker/config.json`
	expand := func(s string) string {
		return strings.ReplaceAll(s, "$CI_REGISTRY", "registry.gitlab.com")
	}
	logins, _ := Scan(script, expand)
	want := []Login{
		{Host: "registry.gitlab.com", Vars: []string{"CI_REGISTRY_PASSWORD"}, Line: 1},
		{Host: "quay.io", Vars: []string{"QUAY_PW"}, Line: 2},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestScanCraneLoginAlias(t *testing.T) {
	// crane login is an alias of crane auth login.
	logins, _ := Scan(`echo "$GHCR_TOKEN" | crane login ghcr.io --username bot --password-stdin`, nil)
	want := []Login{{Host: "ghcr.io", Vars: []string{"GHCR_TOKEN"}, Line: 1}}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestScanConfigFileName(t *testing.T) {
	// Docker reads its credentials from a file named config.json, so a
	// write to a file whose name only contains it is no login.
	script := `echo "{\"auths\":{\"bak.example.org\":{\"auth\":\"$BAK_AUTH\"}}}" > /kaniko/.docker/config.json.bak
echo "{\"auths\":{\"ts.example.org\":{\"auth\":\"$TS_AUTH\"}}}" > tsconfig.json
echo "{\"auths\":{\"dir.example.org\":{\"auth\":\"$DIR_AUTH\"}}}" | tee -a "$HOME/.docker/config.json"
echo "{\"auths\":{\"bare.example.org\":{\"auth\":\"$BARE_AUTH\"}}}" >config.json`
	logins, _ := Scan(script, nil)
	want := []Login{
		{Host: "dir.example.org", Vars: []string{"DIR_AUTH"}, Line: 3},
		{Host: "bare.example.org", Vars: []string{"BARE_AUTH"}, Line: 4},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
}

func TestScanOrasPushHereString(t *testing.T) {
	// bash feeds a here-string (<<<) to the command's standard input, so
	// oras push --password-stdin reads its password from it. The
	// here-string and a redirection's file are no arguments of oras.
	script := `oras push --password-stdin -u bot zot.example.org/acme/a:1 tool.tgz <<< "$ORAS_TOKEN"
oras push -u bot --password-stdin <<<"$OTHER_TOKEN" zot.example.org/acme/b:1 tool.tgz 2>/dev/null`
	logins, pushes := Scan(script, nil)
	want := []Login{
		{Host: "zot.example.org", Vars: []string{"ORAS_TOKEN"}, Line: 1},
		{Host: "zot.example.org", Vars: []string{"OTHER_TOKEN"}, Line: 2},
	}
	if diff := cmp.Diff(want, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	wantPushes := []string{"zot.example.org/acme/a true 1", "zot.example.org/acme/b true 2"}
	if diff := cmp.Diff(wantPushes, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanOrasAttachTag(t *testing.T) {
	// oras attach pushes an artifact that refers to REF into REF's
	// repository, and oras tag adds tags in REF's repository. Both take
	// the push command's credentials and write no registry with
	// --oci-layout.
	script := `oras attach --artifact-type doc/example -p "$ATTACH_PW" zot.example.org/acme/app:v1 sbom.json
oras tag zot.example.org/acme/tool:v1.0.1 v1.0.2 latest
echo "$TAG_PW" | oras tag --password-stdin -u bot reg.example.org/acme/cli:1 stable
oras attach --oci-layout --artifact-type doc/example layout-dir:v1 hi.txt
oras tag --oci-layout layout-dir:v1 v2`
	logins, pushes := Scan(script, nil)
	wantLogins := []Login{
		{Host: "zot.example.org", Vars: []string{"ATTACH_PW"}, Line: 1},
		{Host: "reg.example.org", Vars: []string{"TAG_PW"}, Line: 3},
	}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	want := []string{"zot.example.org/acme/app true 1", "zot.example.org/acme/tool true 2", "reg.example.org/acme/cli true 3"}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanRegctlWrites(t *testing.T) {
	// regctl image mod pushes to --create (a tag of REF's repository when
	// it names no repository) or else to REF's repository, image import
	// and artifact put to REF, and artifact put without REF to its
	// --subject. The values of their options are no images.
	script := `regctl image mod reg.example.org/acme/a:1 --label org.example.x=y --create v1-mod
regctl image mod src.example.org/alpine:3.5 --to-oci --create reg.example.org/acme/alpine:3.5
regctl image mod --time "set=2021-02-03T04:05:06Z" reg.example.org/acme/b:1 --replace
regctl image import reg.example.org/acme/c:1 image.tar
regctl artifact put --artifact-type application/x-sbom -f sbom.json reg.example.org/acme/d:sbom
regctl artifact put --annotation a=b --file-media-type text/plain -f notes.txt --subject reg.example.org/acme/e:1
regctl image inspect reg.example.org/acme/read-only:1`
	_, pushes := Scan(script, nil)
	want := []string{
		"reg.example.org/acme/a true 1",
		"reg.example.org/acme/alpine true 2",
		"reg.example.org/acme/b true 3",
		"reg.example.org/acme/c true 4",
		"reg.example.org/acme/d true 5",
		"reg.example.org/acme/e true 6",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanSkopeoSync(t *testing.T) {
	// skopeo sync from docker to docker copies SRC's repository to DEST
	// joined with the repository's last path element, or with its full
	// name (registry included) under --scoped. It logs in with the
	// destination's credential options, as copy does.
	script := `skopeo sync --src docker --dest docker --dest-creds "bot:$MIRROR_PW" registry.example.com/team/busybox mirror.example.org/acme
skopeo sync --scoped --src docker --dest docker registry.example.com/team/busybox:1.36 mirror.example.org/acme
skopeo sync -s docker -d docker alpine mirror.example.org/hub --scoped
skopeo sync --src docker --dest docker --append-suffix -mirror registry.example.com/team/app mirror.example.org/acme
skopeo sync --src docker --dest dir registry.example.com/team/busybox /media/usb
skopeo sync --dry-run --src docker --dest docker registry.example.com/team/busybox mirror.example.org/dry
skopeo sync --src yaml --dest docker sync.yml mirror.example.org/from-yaml`
	logins, pushes := Scan(script, nil)
	wantLogins := []Login{{Host: "mirror.example.org", Vars: []string{"MIRROR_PW"}, Line: 1}}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	// The images a yaml source names are in its file, which is not read,
	// and the destination alone is no image.
	want := []string{
		"mirror.example.org/acme/busybox true 1",
		"mirror.example.org/acme/registry.example.com/team/busybox true 2",
		"mirror.example.org/hub/docker.io/library/alpine true 3",
		"mirror.example.org/acme/app true 4",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanCopyToolContainers(t *testing.T) {
	// A copy tool run from its image writes like the tool itself, with
	// the credentials of its own options or of a Docker or containers
	// auth file mounted into the container. Without either, the job's
	// logins are not available in the container. Another entrypoint runs
	// no copy tool, and the tool's name after the image is the tool, not
	// its argument.
	script := `docker run --rm quay.io/skopeo/stable:v1.16 copy --dest-creds "bot:$QUAY_PW" docker://src.example.org/a:1 docker://quay.io/acme/a:1
docker login -u bot -p "$GHCR_PW" ghcr.io
docker run --rm -v "$HOME/.docker/config.json:/root/.docker/config.json:ro" gcr.io/go-containerregistry/crane:debug copy src.example.org/b:1 ghcr.io/acme/b:1
podman run --rm --mount type=bind,source=/run/user/1000/containers/auth.json,target=/auth.json registry.redhat.io/rhel8/skopeo skopeo copy docker://src.example.org/c:1 docker://ghcr.io/acme/c:1
docker run -v $HOME/.docker/config.json:/kaniko/.docker/config.json:ro -v $PWD:/workspace gcr.io/kaniko-project/executor:latest --dockerfile /workspace/Dockerfile --destination ghcr.io/acme/d:1
docker container run --rm --volume=/home/ci/.docker:/root/.docker gcr.io/go-containerregistry/crane push image.tar ghcr.io/acme/e:1
docker run --rm gcr.io/go-containerregistry/crane copy src.example.org/f:1 ghcr.io/acme/no-creds:1
docker run --rm -v "$HOME/.docker:/root/.docker" --entrypoint cat gcr.io/go-containerregistry/crane:debug copy src.example.org/g:1 ghcr.io/acme/not-crane:1
docker run --rm -v "$HOME/.docker:/root/.docker" quay.io/skopeo/stable inspect docker://ghcr.io/acme/read-only:1`
	logins, pushes := Scan(script, nil)
	// The container's --dest-creds log in inside the container, for its
	// own push alone.
	wantLogins := []Login{{Host: "ghcr.io", Vars: []string{"GHCR_PW"}, Line: 2}}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	want := []string{
		"quay.io/acme/a true 1",
		"ghcr.io/acme/b true 3",
		"ghcr.io/acme/c true 4",
		"ghcr.io/acme/d true 5",
		"ghcr.io/acme/e true 6",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
	wantContainers := []string{
		"quay.io/acme/a isolated [quay.io QUAY_PW]",
		"ghcr.io/acme/b job []",
		"ghcr.io/acme/c job []",
		"ghcr.io/acme/d job []",
		"ghcr.io/acme/e job []",
	}
	if diff := cmp.Diff(wantContainers, containerLines(pushes)); diff != "" {
		t.Errorf("the logins that count for each push (-want +got):\n%s", diff)
	}
}

// containerLines describes each push as "image logins [own logins]":
// "isolated" when only its own logins count, "job" when the job's count
// too.
func containerLines(pushes []Push) []string {
	var out []string
	for _, p := range pushes {
		scope := "job"
		if p.Isolated {
			scope = "isolated"
		}
		var own []string
		for _, l := range p.Logins {
			own = append(own, l.Host+" "+strings.Join(l.Vars, ","))
		}
		out = append(out, fmt.Sprintf("%s %s [%s]", p.Image.Name(), scope, strings.Join(own, "; ")))
	}
	return out
}

func TestScanContainerDockerConfig(t *testing.T) {
	// The job's logins reach a container through DOCKER_CONFIG only when
	// -e passes the variable in and a mount puts a folder at the path it
	// names. A mount of the job's $DOCKER_CONFIG elsewhere, with no
	// DOCKER_CONFIG passed in, is not where the tool looks.
	script := `docker run --rm -e DOCKER_CONFIG=/cfg -v "$DOCKER_CONFIG:/cfg" gcr.io/go-containerregistry/crane copy src.example.org/a:1 ghcr.io/acme/a:1
docker run --rm --env DOCKER_CONFIG -v "${DOCKER_CONFIG}:$DOCKER_CONFIG/" gcr.io/go-containerregistry/crane copy src.example.org/b:1 ghcr.io/acme/b:1
podman run --rm --env=DOCKER_CONFIG=/cfg --mount type=bind,src=/tmp/docker-ci,dst=/cfg gcr.io/go-containerregistry/crane copy src.example.org/c:1 ghcr.io/acme/c:1
docker run --rm -e DOCKER_CONFIG=/cfg -v "$PWD:/workspace" gcr.io/go-containerregistry/crane copy src.example.org/d:1 ghcr.io/acme/d:1
docker run --rm -v "$DOCKER_CONFIG:/cfg" gcr.io/go-containerregistry/crane copy src.example.org/e:1 ghcr.io/acme/e:1`
	_, pushes := Scan(script, nil)
	want := []string{"ghcr.io/acme/a job []", "ghcr.io/acme/b job []", "ghcr.io/acme/c job []"}
	if diff := cmp.Diff(want, containerLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanKanikoCacheRepo(t *testing.T) {
	// With --cache=true, Kaniko pushes cache layers to --cache-repo, or
	// else to the first destination's repository with /cache appended,
	// also with --no-push. --no-push-cache and an oci: cache repository
	// push no cache.
	script := `/kaniko/executor --context . --cache=true --cache-repo k.example.org/acme/build-cache --destination k.example.org/acme/a:1
/kaniko/executor --context . --cache --destination k.example.org/acme/b:1 -d k.example.org/acme/b2:1
/kaniko/executor --context . --cache=true --no-push --destination k.example.org/acme/c:1
/kaniko/executor --context . --cache=true --no-push-cache --destination k.example.org/acme/d:1
/kaniko/executor --context . --cache=true --cache-repo oci:/cache/layout --destination k.example.org/acme/e:1
/kaniko/executor --context . --cache=false --destination k.example.org/acme/f:1`
	_, pushes := Scan(script, nil)
	want := []string{
		"k.example.org/acme/a true 1",
		"k.example.org/acme/build-cache true 1",
		"k.example.org/acme/b true 2",
		"k.example.org/acme/b2 true 2",
		"k.example.org/acme/b/cache true 2",
		"k.example.org/acme/c/cache true 3",
		"k.example.org/acme/d true 4",
		"k.example.org/acme/e true 5",
		"k.example.org/acme/f true 6",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanManifestBlobTagWrites(t *testing.T) {
	// oras manifest push REF FILE and oras blob push REF FILE push to
	// REF's repository, whose tag list may name several tags after a
	// comma. regctl manifest put (alias push), tag delete (alias rm),
	// index create and index add write REF's repository, and the images
	// of index's --ref are sources. Commands that only read write nothing.
	script := `oras manifest push zot.example.org/acme/m:v1 manifest.json
oras manifest push --media-type application/vnd.oci.image.manifest.v1+json zot.example.org/acme/n:v1,latest manifest.json
echo "$BLOB_PW" | oras blob push -u bot --password-stdin zot.example.org/acme/b layer.tar
oras blob push --size 12 zot.example.org/acme/c@sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5 -
oras blob push --oci-layout layout-dir hi.txt
oras manifest fetch zot.example.org/acme/read-only:v1
regctl manifest put --content-type application/vnd.oci.image.manifest.v1+json reg.example.org/acme/m:v1 < manifest.json
regctl manifest push -t application/vnd.oci.image.index.v1+json reg.example.org/acme/p:v1 <index.json
regctl tag delete reg.example.org/acme/t:old
regctl tag rm reg.example.org/acme/t2:old
regctl index create --ref src.example.org/alpine:3 --platform linux/amd64 reg.example.org/acme/i:v1
regctl index add reg.example.org/acme/j:v1 --ref reg.example.org/acme/j:arm64 --digest sha256:9a201d228ebd966211f7d1131be19f152be428bd373a92071c71d8deaf83b3e5
regctl manifest get reg.example.org/acme/read-only:v1
regctl tag ls reg.example.org/acme/read-only`
	logins, pushes := Scan(script, nil)
	wantLogins := []Login{{Host: "zot.example.org", Vars: []string{"BLOB_PW"}, Line: 3}}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	want := []string{
		"zot.example.org/acme/m true 1",
		"zot.example.org/acme/n true 2",
		"zot.example.org/acme/b true 3",
		"zot.example.org/acme/c true 4",
		"reg.example.org/acme/m true 7",
		"reg.example.org/acme/p true 8",
		"reg.example.org/acme/t true 9",
		"reg.example.org/acme/t2 true 10",
		"reg.example.org/acme/i true 11",
		"reg.example.org/acme/j true 12",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanKanikoTarPath(t *testing.T) {
	// Since v1.6.0, Kaniko writes the tarball of --tar-path (or its
	// deprecated spelling --tarPath) and then still pushes to each
	// destination unless --no-push is set (pkg/executor/push.go, DoPush).
	script := `/kaniko/executor --context . --tar-path /workspace/image.tar --destination k.example.org/acme/a:1
/kaniko/executor --context . --tar-path=/workspace/image.tar -d k.example.org/acme/b:1 -d k.example.org/acme/b:latest
/kaniko/executor --context . --tar-path /workspace/image.tar --destination k.example.org/acme/c:1 --no-push
/kaniko/executor --context . --tarPath /workspace/image.tar --destination k.example.org/acme/d:1
/kaniko/executor --context . --tarPath=/workspace/image.tar --destination k.example.org/acme/e:1 --no-push`
	_, pushes := Scan(script, nil)
	want := []string{
		"k.example.org/acme/a true 1",
		"k.example.org/acme/b true 2",
		"k.example.org/acme/b true 2",
		"k.example.org/acme/d true 4",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

func TestScanContainerShellScripts(t *testing.T) {
	// The script of a container's sh -c or bash -c, as the entrypoint's
	// arguments or as the command after the image, is read as a script
	// of its own. Its logins are made inside the container, so they count
	// for its pushes alone, and the job's logins count only when the
	// Docker config is mounted. A shell's script file, and a sh -c inside
	// that script, are not read.
	script := `docker run --rm --entrypoint sh quay.io/skopeo/stable:latest -c "skopeo copy --dest-creds bot:$SKOPEO_PW docker://src.example.org/a:1 docker://registry.example.com/x:1"
docker run --rm -v "$HOME/.docker:/root/.docker" alpine:3 sh -c "crane push x.tar registry.example.com/y:1"
docker run --rm -w /src alpine:3 sh -c 'echo "$PW" | docker login -u bot --password-stdin registry.example.com && docker push registry.example.com/z:1'
docker run --rm -e DOCKER_CONFIG=/cfg -v "$DOCKER_CONFIG:/cfg" --entrypoint=/bin/bash alpine:3 -euo pipefail -c "crane copy src.example.org/w:1 registry.example.com/w:1"
docker run --rm -v ~/.docker:/root/.docker alpine:3 sh -c "echo \$Q_PW | docker login -u bot --password-stdin quay.io; docker push quay.io/acme/q:1"
docker run --rm -v ~/.docker:/root/.docker alpine:3 sh -c "docker run --rm alpine:3 sh -c 'docker push registry.example.com/nested:1'"
docker run --rm -v ~/.docker:/root/.docker alpine:3 sh ./push.sh registry.example.com/file:1`
	logins, pushes := Scan(script, nil)
	if len(logins) != 0 {
		t.Errorf("logins = %v, want none: the containers' logins stay in them", logins)
	}
	want := []string{
		"registry.example.com/x true 1",
		"registry.example.com/y true 2",
		"registry.example.com/z true 3",
		"registry.example.com/w true 4",
		"quay.io/acme/q true 5",
	}
	if diff := cmp.Diff(want, pushLines(pushes)); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
	wantContainers := []string{
		"registry.example.com/x isolated [registry.example.com SKOPEO_PW]",
		"registry.example.com/y job []",
		"registry.example.com/z isolated [registry.example.com PW]",
		"registry.example.com/w job []",
		"quay.io/acme/q job [quay.io Q_PW]",
	}
	if diff := cmp.Diff(wantContainers, containerLines(pushes)); diff != "" {
		t.Errorf("the logins that count for each push (-want +got):\n%s", diff)
	}
}

// Commands are read wherever bash runs them: in a substitution, a group
// or an if, over several lines. The lines of a here-document are text.
func TestScanShellStructure(t *testing.T) {
	script := `ID=$(docker push registry.example.com/app:1)
if [ -n "$PW" ]; then
  echo "$PW" |
    docker login -u bot --password-stdin quay.io
fi
{ docker push quay.io/example-org/api:2; }
cat <<EOF > notes.txt
docker push ghcr.io/example-org/ignored:3
EOF
echo "$(docker push ghcr.io/example-org/web:4)"`
	logins, pushes := Scan(script, nil)
	wantLogins := []Login{{Host: "quay.io", Vars: []string{"PW"}, Line: 4}}
	if diff := cmp.Diff(wantLogins, logins, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("logins (-want +got):\n%s", diff)
	}
	var got []string
	for _, p := range pushes {
		got = append(got, fmt.Sprintf("%s %v %d", p.Image.Name(), p.Direct, p.Line))
	}
	want := []string{
		"registry.example.com/app true 1",
		"quay.io/example-org/api true 6",
		"ghcr.io/example-org/web true 10",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pushes (-want +got):\n%s", diff)
	}
}

// MayWriteImages is true for every script that logs in or writes an
// image, and false for scripts that name none of the tools.
func TestMayWriteImages(t *testing.T) {
	for _, script := range []string{
		"docker push ghcr.io/o/a:1", "podman login -u u -p $PW quay.io", "buildah push quay.io/o/a", "skopeo copy a docker://b",
		"crane push t ghcr.io/o/a", "oras push ghcr.io/o/a:1 f", "regctl image copy a b",
		"/kaniko/executor --destination ghcr.io/o/a", "gcloud auth configure-docker",
		`echo '{"auths":{"ghcr.io":{"auth":"'"$A"'"}}}' > $HOME/cfg/config.json`,
	} {
		if !MayWriteImages(script) {
			t.Errorf("MayWriteImages(%q) = false", script)
		}
		if logins, pushes := Scan(script, nil); len(logins)+len(pushes) == 0 {
			t.Errorf("Scan(%q) finds no login or push: the case tests nothing", script)
		}
	}
	for _, script := range []string{"npm ci", "go test ./...", "echo lint app", "aws s3 sync ./dist s3://b/"} {
		if MayWriteImages(script) {
			t.Errorf("MayWriteImages(%q) = true", script)
		}
	}
}
