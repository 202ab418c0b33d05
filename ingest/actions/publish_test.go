package actions

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

func TestPublishImages(t *testing.T) {
	res := parseFile(t, "publish.yml")
	tests := []struct {
		job  string
		want []string
		conf graph.Confidence
	}{
		{"image", []string{"pkg:docker/example-org/app?repository_url=ghcr.io"}, graph.Certain},
		{"conditional", []string{"pkg:docker/example-org/api?repository_url=ghcr.io"}, graph.Possible},
		{"shell", []string{"pkg:docker/example-org/worker?repository_url=ghcr.io"}, graph.Possible},
		{"pat", nil, ""},
		{"early", nil, ""},
		{"readonly", nil, ""},
		{"combined", []string{"pkg:docker/example-org/app/prod?repository_url=ghcr.io"}, graph.Possible},
		{"tagged", []string{
			"pkg:docker/example-org/app?repository_url=ghcr.io",
			"pkg:docker/example-org/cli?repository_url=ghcr.io",
			"pkg:docker/example-org/tool?repository_url=ghcr.io",
		}, graph.Certain},
		{"envcontext", []string{"pkg:docker/example-org/viaenv?repository_url=ghcr.io"}, graph.Certain},
		{"envprefix", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.job, func(t *testing.T) {
			ident := graph.GHATokenIdentityID(jobID("publish.yml", tt.job))
			got := targets(res, ident, graph.EdgeCanPublish)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Fatalf("CAN_PUBLISH targets (-got +want):\n%s", diff)
			}
			for _, to := range got {
				if e := findEdge(t, res, ident, graph.EdgeCanPublish, to); e.Confidence != tt.conf {
					t.Errorf("CAN_PUBLISH to %s has confidence %s, want %s", to, e.Confidence, tt.conf)
				}
				if n := findNode(t, res, to); n.Kind != graph.NodePackage {
					t.Errorf("%s is a %s, want a Package", to, n.Kind)
				}
			}
		})
	}
}

func TestPublishWithSecrets(t *testing.T) {
	res := parseFile(t, "publish-secrets.yml")
	account := func(host, secret string) string {
		return graph.RegistryAccountID(host, graph.GHASecretID("example-org/app", secret))
	}
	tests := []struct {
		account string
		want    []string
		conf    graph.Confidence
	}{
		// Docker Hub is the default registry of docker/login-action; the
		// quay.io tag has no login.
		{account("docker.io", "DOCKERHUB_TOKEN"), []string{"pkg:docker/example-org/app"}, graph.Certain},
		// The password comes through env; the push before the login and
		// the push to another registry publish nothing.
		{account("quay.io", "QUAY_ROBOT_TOKEN"), []string{"pkg:docker/example-org/worker?repository_url=quay.io"}, graph.Certain},
		// registry.hub.docker.com is Docker Hub; an expression decides the push.
		{account("docker.io", "HUB_TOKEN"), []string{"pkg:docker/example-org/cli"}, graph.Possible},
	}
	for _, tt := range tests {
		got := targets(res, tt.account, graph.EdgeCanPublish)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("CAN_PUBLISH from %s (-want +got):\n%s", tt.account, diff)
			continue
		}
		if e := findEdge(t, res, tt.account, graph.EdgeCanPublish, tt.want[0]); e.Confidence != tt.conf {
			t.Errorf("%s publishes as %s, want %s", tt.account, e.Confidence, tt.conf)
		}
	}
	secret := graph.GHASecretID("example-org/app", "DOCKERHUB_TOKEN")
	if e := findEdge(t, res, secret, graph.EdgeAuthenticatesAs, account("docker.io", "DOCKERHUB_TOKEN")); e.Confidence != graph.Certain {
		t.Errorf("DOCKERHUB_TOKEN authenticates as its account with %s, want certain", e.Confidence)
	}
}

func TestPublishUnnamedImages(t *testing.T) {
	// A called workflow logs in with the secret its caller passes and
	// pushes tags computed at run time: the account can push some images
	// to quay.io, whose names the input does not show.
	res := parseFile(t, "publish-called.yml")
	account := graph.RegistryAccountID("quay.io", graph.GHASecretID("example-org/app", "REGISTRY_PASSWORD"))
	scope := graph.RegistryScopeID("quay.io")
	if diff := cmp.Diff([]string{scope}, targets(res, account, graph.EdgeCanAccess)); diff != "" {
		t.Fatalf("CAN_ACCESS from the account (-want +got):\n%s", diff)
	}
	if e := findEdge(t, res, account, graph.EdgeCanAccess, scope); e.Confidence != graph.Certain || e.Attr(graph.AttrLevel) != "write" {
		t.Errorf("push scope edge is %s, level %q; want certain, write", e.Confidence, e.Attr(graph.AttrLevel))
	}
	if got := targets(res, account, graph.EdgeCanPublish); len(got) != 0 {
		t.Errorf("CAN_PUBLISH to named images %v, want none", got)
	}
	// The name is a parameter of the called workflow, not a secret of
	// its repository.
	if n := findNode(t, res, graph.GHASecretID("example-org/app", "REGISTRY_PASSWORD")); n.Attr("type") != "workflow-call-secret" {
		t.Errorf("REGISTRY_PASSWORD is a %q, want a workflow-call-secret", n.Attr("type"))
	}
}

func TestPublishLoginToQuay(t *testing.T) {
	tests := map[string]string{
		// --authfile's value is no registry: the login is to quay.io.
		"option value": `echo "${{ secrets.QUAY_TOKEN }}" | docker login --authfile /tmp/auth.json -u bot --password-stdin quay.io`,
		// The registry of the login is on the line the backslash continues.
		"continued line": "echo \"${{ secrets.QUAY_TOKEN }}\" | docker login -u bot --password-stdin \\\n            quay.io",
	}
	for name, login := range tests {
		t.Run(name, func(t *testing.T) {
			src := "on: push\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          " + login +
				"\n          docker push quay.io/example-org/app:1\n"
			res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			account := graph.RegistryAccountID("quay.io", graph.GHASecretID(testRepo, "QUAY_TOKEN"))
			if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=quay.io"}, targets(res, account, graph.EdgeCanPublish)); diff != "" {
				t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPublishWithCopyTools(t *testing.T) {
	// crane logs in with the job's token and pushes to its registry.
	// skopeo writes with the credentials of its own options, so the
	// secret of its source registry logs in nowhere.
	src := `on: push
permissions:
  packages: write
jobs:
  rel:
    runs-on: ubuntu-latest
    steps:
      - run: |
          crane auth login ghcr.io -u "${{ github.actor }}" -p "${{ secrets.GITHUB_TOKEN }}"
          crane push image.tar ghcr.io/example-org/app:1.0
      - run: >-
          skopeo copy --src-creds "reader:${{ secrets.SOURCE_TOKEN }}" --dest-creds "bot:${{ secrets.QUAY_TOKEN }}"
          docker://registry.example.org/app:1.0 docker://quay.io/example-org/app:1.0
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	token := graph.GHATokenIdentityID(jobID("rel.yml", "rel"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=ghcr.io"}, targets(res, token, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's token (-want +got):\n%s", diff)
	}
	quay := graph.RegistryAccountID("quay.io", graph.GHASecretID(testRepo, "QUAY_TOKEN"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=quay.io"}, targets(res, quay, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the quay.io account (-want +got):\n%s", diff)
	}
	source := graph.RegistryAccountID("quay.io", graph.GHASecretID(testRepo, "SOURCE_TOKEN"))
	if got := targets(res, source, graph.EdgeCanPublish); len(got) != 0 {
		t.Errorf("the source registry's secret publishes %v, want nothing", got)
	}
}

func TestPublishScriptSecretLogins(t *testing.T) {
	// Each script logs in with one secret, and the image it writes to
	// that registry is published by the secret's account.
	tests := []struct {
		name, script, secret, host, image string
	}{
		// A tool's global options before its subcommand, with or without
		// a value, leave the copy and the login that follow them.
		{"skopeo global option", `skopeo --insecure-policy copy --dest-creds "bot:${{ secrets.QUAY_TOKEN }}" docker://registry.example.org/app:1.0 docker://quay.io/example-org/app:1.0`,
			"QUAY_TOKEN", "quay.io", "pkg:docker/example-org/app?repository_url=quay.io"},
		{"crane global option", "crane --platform linux/amd64 auth login ghcr.io -u bot -p \"${{ secrets.GHCR_PAT }}\"\n          crane push image.tar ghcr.io/example-org/app:1.0",
			"GHCR_PAT", "ghcr.io", "pkg:docker/example-org/app?repository_url=ghcr.io"},
		// One secret that holds USER:PASSWORD, given whole to --dest-creds,
		// logs in to the destination registry.
		{"skopeo creds in one secret", `skopeo copy --dest-creds "${{ secrets.QUAY_CREDS }}" docker://registry.example.org/app:1.0 docker://quay.io/example-org/app:1.0`,
			"QUAY_CREDS", "quay.io", "pkg:docker/example-org/app?repository_url=quay.io"},
		// The secret piped into oras push --password-stdin logs in to the
		// registry it pushes to.
		{"oras password on stdin", `echo "${{ secrets.ZOT_TOKEN }}" | oras push -u bot --password-stdin zot.example.org/example-org/tool:1 tool.tgz`,
			"ZOT_TOKEN", "zot.example.org", "pkg:docker/example-org/tool?repository_url=zot.example.org"},
		// sudo -u USER runs the command after the user name.
		{"sudo user", `sudo -u runner skopeo copy --dest-creds "bot:${{ secrets.QUAY_TOKEN }}" docker://registry.example.org/app:1.0 docker://quay.io/example-org/app:1.0`,
			"QUAY_TOKEN", "quay.io", "pkg:docker/example-org/app?repository_url=quay.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "on: push\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          " + tt.script + "\n"
			res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			account := graph.RegistryAccountID(tt.host, graph.GHASecretID(testRepo, tt.secret))
			if diff := cmp.Diff([]string{tt.image}, targets(res, account, graph.EdgeCanPublish)); diff != "" {
				t.Errorf("CAN_PUBLISH from the %s account (-want +got):\n%s", tt.host, diff)
			}
		})
	}
}

func TestPublishWithSetupCrane(t *testing.T) {
	// imjasonh/setup-crane runs "crane login ghcr.io" with the job's
	// token, so a later crane copy to ghcr.io publishes with it.
	src := `on: push
permissions:
  packages: write
jobs:
  rel:
    runs-on: ubuntu-latest
    steps:
      - uses: imjasonh/setup-crane@v0.4
      - run: crane copy ubuntu ghcr.io/${{ github.repository }}/ubuntu-copy
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	token := graph.GHATokenIdentityID(jobID("rel.yml", "rel"))
	want := []string{"pkg:docker/" + testRepo + "/ubuntu-copy?repository_url=ghcr.io"}
	if diff := cmp.Diff(want, targets(res, token, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's token (-want +got):\n%s", diff)
	}
}

func TestPublishWithRedHatAndAzureActions(t *testing.T) {
	src := `on: push
permissions:
  packages: write
jobs:
  rel:
    runs-on: ubuntu-latest
    steps:
      - uses: redhat-actions/podman-login@v1
        with:
          registry: quay.io
          username: bot
          password: ${{ secrets.QUAY_TOKEN }}
      - run: podman push quay.io/example-org/api:1
      - uses: redhat-actions/push-to-registry@v2
        with:
          image: worker
          tags: latest v1
          registry: quay.io/example-org
      - uses: Azure/docker-login@v2
        with:
          login-server: acme.azurecr.io
          username: ci
          password: ${{ secrets.ACR_PASSWORD }}
      - uses: redhat-actions/push-to-registry@v2
        with:
          image: acme.azurecr.io/team/web
      - uses: redhat-actions/push-to-registry@v2
        with:
          image: tool
          registry: ghcr.io/example-org
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	quay := graph.RegistryAccountID("quay.io", graph.GHASecretID(testRepo, "QUAY_TOKEN"))
	wantQuay := []string{"pkg:docker/example-org/api?repository_url=quay.io", "pkg:docker/example-org/worker?repository_url=quay.io"}
	if diff := cmp.Diff(wantQuay, targets(res, quay, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the quay.io account (-want +got):\n%s", diff)
	}
	acr := graph.RegistryAccountID("acme.azurecr.io", graph.GHASecretID(testRepo, "ACR_PASSWORD"))
	if diff := cmp.Diff([]string{"pkg:docker/team/web?repository_url=acme.azurecr.io"}, targets(res, acr, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the ACR account (-want +got):\n%s", diff)
	}
	token := graph.GHATokenIdentityID(jobID("rel.yml", "rel"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/tool?repository_url=ghcr.io"}, targets(res, token, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's token (-want +got):\n%s", diff)
	}
}

// A password written into a docker login logs in to a registry account
// that can push the images the job pushes there afterwards. Global
// options of docker, with or without a value, may come before login and
// push.
func TestLiteralLoginPublishes(t *testing.T) {
	tests := map[string][2]string{
		"plain":          {"docker login -u acme-ci -p S3cr3t-Passw0rd ghcr.io", "docker push ghcr.io/example-org/app:latest"},
		"global options": {"docker --debug login -u acme-ci -p S3cr3t-Passw0rd ghcr.io", "docker --config /tmp/ci push ghcr.io/example-org/app:latest"},
	}
	for name, lines := range tests {
		t.Run(name, func(t *testing.T) {
			wf := strings.Join([]string{
				"on: push",
				"jobs:",
				"  build:",
				"    runs-on: ubuntu-latest",
				"    steps:",
				"      - run: " + lines[0], // 6
				"      - run: " + lines[1],
			}, "\n")

			res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", []byte(wf))
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, res)
			secret := graph.GHAInlineSecretID(jobID("ci.yml", "build"), "run@6")
			account := graph.RegistryAccountID("ghcr.io", secret)
			if diff := cmp.Diff([]string{account}, targets(res, secret, graph.EdgeAuthenticatesAs)); diff != "" {
				t.Errorf("the password logs in as (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=ghcr.io"}, targets(res, account, graph.EdgeCanPublish)); diff != "" {
				t.Errorf("the account publishes (-want +got):\n%s", diff)
			}

			resulttest.NoValues(t, res, "S3cr3t-Passw0rd")
		})
	}
}

func TestPublishCopyToolContainers(t *testing.T) {
	// A copy tool run from its image writes with the secrets of its own
	// options, or with the job's logins when their Docker config file is
	// mounted into the container.
	src := `on: push
jobs:
  rel:
    runs-on: ubuntu-latest
    steps:
      - run: docker run --rm quay.io/skopeo/stable copy --dest-creds "bot:${{ secrets.QUAY_TOKEN }}" docker://registry.example.org/app:1.0 docker://quay.io/example-org/app:1.0
      - run: |
          echo "${{ secrets.GHCR_PAT }}" | docker login ghcr.io -u bot --password-stdin
          docker run --rm -v "$HOME/.docker/config.json:/root/.docker/config.json:ro" gcr.io/go-containerregistry/crane copy registry.example.org/app:1.0 ghcr.io/example-org/app:1.0
          docker run --rm gcr.io/go-containerregistry/crane copy registry.example.org/app:1.0 ghcr.io/example-org/unmounted:1.0
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	quay := graph.RegistryAccountID("quay.io", graph.GHASecretID(testRepo, "QUAY_TOKEN"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=quay.io"}, targets(res, quay, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the quay.io account (-want +got):\n%s", diff)
	}
	ghcr := graph.RegistryAccountID("ghcr.io", graph.GHASecretID(testRepo, "GHCR_PAT"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=ghcr.io"}, targets(res, ghcr, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the ghcr.io account (-want +got):\n%s", diff)
	}
}

func TestPublishConfigFileLogin(t *testing.T) {
	// A Docker config file written by a run: script logs in to its first
	// registry with the secret or the token of the entry's password: the
	// auth value's part after the user name, or the password field.
	src := `on: push
permissions:
  packages: write
jobs:
  rel:
    runs-on: ubuntu-latest
    env:
      QUAY_PW: ${{ secrets.QUAY_ROBOT_TOKEN }}
    steps:
      - run: |
          mkdir -p /kaniko/.docker
          echo "{\"auths\":{\"ghcr.io\":{\"auth\":\"$(printf "%s:%s" "${{ github.actor }}" "${{ secrets.GITHUB_TOKEN }}" | base64 -w0)\"}}}" > /kaniko/.docker/config.json
          echo '{"auths":{"quay.io":{"username":"bot","password":"'"$QUAY_PW"'"}}}' > $HOME/.docker/config.json
          echo "{\"auths\":{\"hub.example.org\":{\"auth\":\"${{ secrets.HUB_AUTH }}\"}}}" > tsconfig.json
          /kaniko/executor --context . --destination ghcr.io/example-org/app:1 --destination quay.io/example-org/app:1 --destination hub.example.org/example-org/app:1
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	token := graph.GHATokenIdentityID(jobID("rel.yml", "rel"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=ghcr.io"}, targets(res, token, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's token (-want +got):\n%s", diff)
	}
	quay := graph.RegistryAccountID("quay.io", graph.GHASecretID(testRepo, "QUAY_ROBOT_TOKEN"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=quay.io"}, targets(res, quay, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the quay.io account (-want +got):\n%s", diff)
	}
	hub := graph.RegistryAccountID("hub.example.org", graph.GHASecretID(testRepo, "HUB_AUTH"))
	if got := targets(res, hub, graph.EdgeCanPublish); len(got) != 0 {
		t.Errorf("a secret written to tsconfig.json publishes %v, want nothing", got)
	}
}

func TestPublishContainerLoginsNeedMountedConfig(t *testing.T) {
	// A tool in a container gets the job's docker login only when the
	// Docker config is mounted into it, here through DOCKER_CONFIG and
	// the folder it names. Otherwise only the container's own
	// credentials push, and they log in to nothing outside it.
	src := `on: push
jobs:
  rel:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "${{ secrets.GHCR_PAT }}" | docker login ghcr.io -u bot --password-stdin
          docker run --rm quay.io/skopeo/stable copy --dest-creds "bot:${{ secrets.OWN_PAT }}" docker://registry.example.org/a:1 docker://ghcr.io/example-org/own:1
          docker run --rm -e DOCKER_CONFIG -v "$DOCKER_CONFIG:$DOCKER_CONFIG" gcr.io/go-containerregistry/crane copy registry.example.org/b:1 ghcr.io/example-org/env-config:1
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	host := graph.RegistryAccountID("ghcr.io", graph.GHASecretID(testRepo, "GHCR_PAT"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/env-config?repository_url=ghcr.io"}, targets(res, host, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's docker login (-want +got):\n%s", diff)
	}
	own := graph.RegistryAccountID("ghcr.io", graph.GHASecretID(testRepo, "OWN_PAT"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/own?repository_url=ghcr.io"}, targets(res, own, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the container's --dest-creds (-want +got):\n%s", diff)
	}
}

func TestPublishContainerShellScript(t *testing.T) {
	// The script of a container's sh -c is read as a script of its own.
	// Its docker login counts for its own pushes, and the job's login
	// counts for a container that mounts the Docker config.
	src := `on: push
jobs:
  rel:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "${{ secrets.HOST_PAT }}" | docker login ghcr.io -u bot --password-stdin
          docker run --rm --entrypoint sh alpine:3 -c "echo ${{ secrets.INNER_PAT }} | docker login ghcr.io -u bot --password-stdin && docker push ghcr.io/example-org/inner:1"
          docker run --rm -v "$HOME/.docker:/root/.docker" alpine:3 sh -c "crane push x.tar ghcr.io/example-org/mounted:1"
          docker run --rm alpine:3 sh -c "crane push x.tar ghcr.io/example-org/unmounted:1"
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	host := graph.RegistryAccountID("ghcr.io", graph.GHASecretID(testRepo, "HOST_PAT"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/mounted?repository_url=ghcr.io"}, targets(res, host, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's docker login (-want +got):\n%s", diff)
	}
	inner := graph.RegistryAccountID("ghcr.io", graph.GHASecretID(testRepo, "INNER_PAT"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/inner?repository_url=ghcr.io"}, targets(res, inner, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the container's docker login (-want +got):\n%s", diff)
	}
}

func TestPublishJobShellScript(t *testing.T) {
	// A run: step's own bash -c script runs in the job: its login and its
	// push are the job's, as they are without the shell.
	src := `on: push
jobs:
  rel:
    runs-on: ubuntu-latest
    steps:
      - run: bash -c 'docker login -u bot -p "$REG_TOKEN" registry.example.com && docker push registry.example.com/acme/app:1'
        env:
          REG_TOKEN: ${{ secrets.REG_TOKEN }}
`
	res, err := parseBytes(t, testRepo, ".github/workflows/rel.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	account := graph.RegistryAccountID("registry.example.com", graph.GHASecretID(testRepo, "REG_TOKEN"))
	if diff := cmp.Diff([]string{"pkg:docker/acme/app?repository_url=registry.example.com"}, targets(res, account, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the login in bash -c (-want +got):\n%s", diff)
	}
}

// The publish reader reads commands wherever bash runs them: a push in a
// command substitution or a group pushes, and a login whose pipeline is
// split over two lines reads its password from the stage before it. A
// push written inside a here-document is text.
func TestPublishShellStructure(t *testing.T) {
	const login = "docker login ghcr.io -u x -p ${{ secrets.GH }}\n"
	account := graph.RegistryAccountID("ghcr.io", graph.GHASecretID("example-org/app", "GH"))
	const app = "pkg:docker/example-org/app?repository_url=ghcr.io"
	tests := []struct {
		name, script, account string
		want                  []string
	}{
		{"substitution", login + "ID=$(docker push ghcr.io/example-org/app:1)", account, []string{app}},
		{"group", login + "{ docker push ghcr.io/example-org/app:1; }", account, []string{app}},
		{"pipeline over lines", "echo ${{ secrets.GH }} |\n  docker login ghcr.io -u x --password-stdin\ndocker push ghcr.io/example-org/app:1", account, []string{app}},
		{"here-document", login + "cat <<EOF > notes\ndocker push ghcr.io/example-org/app:1\nEOF", account, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := releaseInRepo(t, "      - run: |\n          "+strings.ReplaceAll(tt.script, "\n", "\n          ")+"\n", "")
			if diff := cmp.Diff(targets(res, tt.account, graph.EdgeCanPublish), tt.want); diff != "" {
				t.Errorf("CAN_PUBLISH from %s (-got +want):\n%s", tt.account, diff)
			}
		})
	}
}
