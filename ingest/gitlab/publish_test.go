package gitlab

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestRegistryPublish(t *testing.T) {
	src := `release:
  script:
    - docker push quay.io/example-org/early:1.0
    - echo "$QUAY_TOKEN" | docker login -u bot --password-stdin quay.io
    - docker push quay.io/example-org/api:$CI_COMMIT_TAG
    - ./tools/pusher quay.io/example-org/worker
    - docker push ghcr.io/example-org/api:1.0
  after_script:
    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
    - docker push "$CI_REGISTRY_IMAGE/cache"
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	job := jobID(".gitlab-ci.yml", "release")
	quay := graph.RegistryAccountID("quay.io", graph.GitLabVariableID(testProject, "QUAY_TOKEN"))
	if e := findEdge(t, res, graph.GitLabVariableID(testProject, "QUAY_TOKEN"), graph.EdgeAuthenticatesAs, quay); e.Confidence != graph.Certain {
		t.Errorf("QUAY_TOKEN -> account is %s, want certain", e.Confidence)
	}
	// The push before the login and the push to a registry without a
	// login publish nothing.
	want := []string{"pkg:docker/example-org/api?repository_url=quay.io", "pkg:docker/example-org/worker?repository_url=quay.io"}
	if diff := cmp.Diff(want, targets(res, quay, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the quay.io account (-want +got):\n%s", diff)
	}
	if e := findEdge(t, res, quay, graph.EdgeCanPublish, want[1]); e.Confidence != graph.Possible {
		t.Errorf("a tool that only names the image publishes it as %s, want possible", e.Confidence)
	}
	// CI_REGISTRY_PASSWORD is the job token, which pushes to the project's
	// own registry: to the image the job pushes, and possibly to the
	// project's own image, which every job's token can push when the
	// project's registry is on.
	token := graph.GitLabJobTokenIdentityID(job)
	cache := "pkg:docker/example-org/app/cache?repository_url=registry.gitlab.com"
	own := "pkg:docker/example-org/app?repository_url=registry.gitlab.com"
	if diff := cmp.Diff([]string{cache, own}, targets(res, token, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job token (-want +got):\n%s", diff)
	}
	if e := findEdge(t, res, token, graph.EdgeCanPublish, own); e.Confidence != graph.Possible {
		t.Errorf("the job token publishes the project's image with %s, want possible", e.Confidence)
	}
}

func TestKanikoAndCopyToolsPublish(t *testing.T) {
	// The Kaniko job of GitLab's documentation writes the job's registry
	// credentials into Kaniko's config file. skopeo and crane log in and
	// write images with their own commands.
	src := `build:
  image:
    name: gcr.io/kaniko-project/executor:v1.23.2-debug
    entrypoint: [""]
  script:
    - echo "{\"auths\":{\"${CI_REGISTRY}\":{\"auth\":\"$(printf "%s:%s" "${CI_REGISTRY_USER}" "${CI_REGISTRY_PASSWORD}" | base64 | tr -d '\n')\"}}}" > /kaniko/.docker/config.json
    - /kaniko/executor --context "${CI_PROJECT_DIR}" --dockerfile "${CI_PROJECT_DIR}/Dockerfile" --destination "${CI_REGISTRY_IMAGE}:${CI_COMMIT_TAG}"
mirror:
  image: quay.io/skopeo/stable
  script:
    - skopeo copy --dest-creds "bot:$QUAY_TOKEN" docker://registry.example.org/app:1.0 docker://quay.io/example-org/app:1.0
crane:
  script:
    - crane auth login ghcr.io -u bot -p "$GHCR_TOKEN"
    - crane push image.tar ghcr.io/example-org/app:1.0
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	token := graph.GitLabJobTokenIdentityID(jobID(".gitlab-ci.yml", "build"))
	own := "pkg:docker/example-org/app?repository_url=registry.gitlab.com"
	if e := findEdge(t, res, token, graph.EdgeCanPublish, own); e.Confidence != graph.Certain {
		t.Errorf("the Kaniko job's token publishes the project's image with %s, want certain", e.Confidence)
	}
	quay := graph.RegistryAccountID("quay.io", graph.GitLabVariableID(testProject, "QUAY_TOKEN"))
	findEdge(t, res, graph.GitLabVariableID(testProject, "QUAY_TOKEN"), graph.EdgeAuthenticatesAs, quay)
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=quay.io"}, targets(res, quay, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the quay.io account (-want +got):\n%s", diff)
	}
	ghcr := graph.RegistryAccountID("ghcr.io", graph.GitLabVariableID(testProject, "GHCR_TOKEN"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=ghcr.io"}, targets(res, ghcr, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the ghcr.io account (-want +got):\n%s", diff)
	}
}

func TestAWSCredentialsOfVariables(t *testing.T) {
	src := `release s3:
  environment:
    name: stable/s3
    url: https://downloads-example.s3.amazonaws.com/${CI_COMMIT_REF_NAME}/index.html
  script:
    - make release_s3
images:
  environment:
    name: review
    url: https://review.example.org/
  script:
    - aws --region us-east-1 ecr-public get-login-password | docker login --username AWS --password-stdin public.ecr.aws/example-org
    - ./pusher public.ecr.aws/example-org/app
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	all := graph.GitLabAllVariablesID(testProject)
	aws := graph.CIAWSIdentityID(all)
	if e := findEdge(t, res, all, graph.EdgeAuthenticatesAs, aws); e.Confidence != graph.Possible {
		t.Errorf("the variables act as their AWS identity with %s, want possible", e.Confidence)
	}
	// The environment URL of the first job is the bucket's address; the
	// second job's is not a bucket.
	if diff := cmp.Diff([]string{"arn:aws:s3:::downloads-example"}, targets(res, aws, graph.EdgeCanAccess)); diff != "" {
		t.Errorf("CAN_ACCESS from the AWS identity (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"pkg:docker/example-org/app?repository_url=public.ecr.aws"}, targets(res, aws, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the AWS identity (-want +got):\n%s", diff)
	}
}

func TestSelfManagedJobTokenPublishesNothing(t *testing.T) {
	// The file names a server other than GitLab.com, whose registry host
	// the input does not show: the job token gets no CAN_PUBLISH to an
	// image on registry.gitlab.com, and the ID token's issuer is that
	// server. The project's repository is named on that server, without
	// the port, as a clone's origin host is.
	for _, c := range []struct{ variable, value, issuer, repo string }{
		{"CI_SERVER_HOST", "gitlab.example.com", "https://gitlab.example.com", "repo:gitlab.example.com/example-org/app"},
		{"CI_SERVER_FQDN", "gitlab.example.com:8443", "https://gitlab.example.com:8443", "repo:gitlab.example.com/example-org/app"},
		{"CI_SERVER_URL", "http://gitlab.internal", "http://gitlab.internal", "repo:gitlab.internal/example-org/app"},
	} {
		src := "variables:\n  " + c.variable + ": " + c.value + "\n\n" + `test:
  id_tokens:
    AWS_TOKEN:
      aud: sts.amazonaws.com
  script:
    - npm ci
`
		res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		host, _, _ := strings.Cut(strings.TrimPrefix(c.repo, "repo:"), "/")
		job := serverJobID(host, ".gitlab-ci.yml", "test")
		if got := targets(res, graph.GitLabJobTokenIdentityID(job), graph.EdgeCanPublish); len(got) != 0 {
			t.Errorf("%s: the job token publishes %v, want nothing", c.variable, got)
		}
		n := findNode(t, res, graph.GitLabOIDCSubjectID(job, "AWS_TOKEN"))
		if got := n.Attr("issuer"); got != c.issuer {
			t.Errorf("%s: issuer %q, want %q", c.variable, got, c.issuer)
		}
		if got := sources(res, job, graph.EdgeDefines); !slices.Equal(got, []string{c.repo}) {
			t.Errorf("%s: job defined by %v, want %s", c.variable, got, c.repo)
		}
	}
}

func TestRemoteHostNamesServer(t *testing.T) {
	// A clone whose origin remote is on a self-managed server: the job
	// token pushes to that server's registry, whose host the input does
	// not show, and ID tokens are issued by that server, which also names
	// the project's repository. A remote on gitlab.com, an ssh alias
	// without a dot, or another forge (a GitHub repository that GitLab CI
	// builds) is GitLab.com.
	src := []byte("test:\n  id_tokens:\n    AWS_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n    - npm ci\n")
	own := "pkg:docker/example-org/app?repository_url=registry.gitlab.com"
	for _, c := range []struct {
		host, issuer, server, repo string
		publish                    []string
	}{
		{"gitlab.example.com", "https://gitlab.example.com", "gitlab.example.com", "gitlab.example.com", nil},
		{"gitlab.com", "https://gitlab.com", "", "gitlab.com", []string{own}},
		{"gitlab-work", "https://gitlab.com", "", "gitlab.com", []string{own}},
		{"github.com", "https://gitlab.com", "", "gitlab.com", []string{own}},
		{"10.20.0.5", "https://10.20.0.5", "10.20.0.5", "10.20.0.5", nil},
		{"fd00::5", "https://[fd00::5]", "[fd00::5]", "fd00::5", nil},
		{"", "https://gitlab.com", "", "gitlab.com", []string{own}},
	} {
		f := &ingest.File{
			Path:     "in/.gitlab-ci.yml",
			RelPath:  ".gitlab-ci.yml",
			Repo:     testProject,
			RepoHost: c.host,
			Head:     src,
			Size:     int64(len(src)),
			Open:     func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(src)), nil },
		}
		res := &ingest.Result{}
		env := &ingest.Env{Fingerprint: func(v string) string { return "fp" }}
		if err := New().Parse(context.Background(), f, env, res); err != nil {
			t.Fatal(err)
		}
		job := jobID(".gitlab-ci.yml", "test")
		if c.repo != "gitlab.com" {
			job = serverJobID(c.repo, ".gitlab-ci.yml", "test")
		}
		if diff := cmp.Diff(c.publish, targets(res, graph.GitLabJobTokenIdentityID(job), graph.EdgeCanPublish)); diff != "" {
			t.Errorf("remote host %q: CAN_PUBLISH from the job token (-want +got):\n%s", c.host, diff)
		}
		n := findNode(t, res, graph.GitLabOIDCSubjectID(job, "AWS_TOKEN"))
		if got := n.Attr("issuer"); got != c.issuer {
			t.Errorf("remote host %q: issuer %q, want %q", c.host, got, c.issuer)
		}
		if got := findNode(t, res, job).Attr("server"); got != c.server {
			t.Errorf("remote host %q: job's server %q, want %q", c.host, got, c.server)
		}
		repo := "repo:" + c.repo + "/example-org/app"
		if got := sources(res, job, graph.EdgeDefines); !slices.Equal(got, []string{repo}) {
			t.Errorf("remote host %q: job defined by %v, want %s", c.host, got, repo)
		}
		if got := findNode(t, res, job).Attr(graph.AttrRepositoryHost); got != c.repo {
			t.Errorf("remote host %q: job's repository host %q, want %q", c.host, got, c.repo)
		}
	}
}

func TestContainerLoginsNeedMountedConfig(t *testing.T) {
	// A tool in a container gets the job's docker login only when the
	// Docker config is mounted into it, here through DOCKER_CONFIG and
	// the folder it names. Otherwise only the container's own
	// credentials push, and they log in to nothing outside it.
	src := `mirror:
  script:
    - echo "$GHCR_PW" | docker login -u bot --password-stdin ghcr.io
    - docker run --rm quay.io/skopeo/stable copy --dest-creds "bot:$OWN_PW" docker://registry.example.org/a:1 docker://ghcr.io/example-org/own:1
    - docker run --rm -e DOCKER_CONFIG=/cfg -v "$DOCKER_CONFIG:/cfg" gcr.io/go-containerregistry/crane copy registry.example.org/b:1 ghcr.io/example-org/env-config:1
    - docker run --rm -e DOCKER_CONFIG=/cfg gcr.io/go-containerregistry/crane copy registry.example.org/c:1 ghcr.io/example-org/unmounted:1
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	host := graph.RegistryAccountID("ghcr.io", graph.GitLabVariableID(testProject, "GHCR_PW"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/env-config?repository_url=ghcr.io"}, targets(res, host, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's docker login (-want +got):\n%s", diff)
	}
	own := graph.RegistryAccountID("ghcr.io", graph.GitLabVariableID(testProject, "OWN_PW"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/own?repository_url=ghcr.io"}, targets(res, own, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the container's --dest-creds (-want +got):\n%s", diff)
	}
}

func TestContainerShellScriptPublish(t *testing.T) {
	// The script of a container's sh -c is read as a script of its own.
	// Its docker login counts for its own pushes, and the job's login
	// counts for a container that mounts the Docker config.
	src := `mirror:
  script:
    - echo "$HOST_PW" | docker login -u bot --password-stdin ghcr.io
    - docker run --rm --entrypoint sh alpine:3 -c "echo \"$INNER_PW\" | docker login -u bot --password-stdin ghcr.io && docker push ghcr.io/example-org/inner:1"
    - docker run --rm -v "$HOME/.docker:/root/.docker" alpine:3 sh -c "skopeo copy docker://registry.example.org/a:1 docker://ghcr.io/example-org/mounted:1"
    - docker run --rm alpine:3 sh -c "crane push x.tar ghcr.io/example-org/unmounted:1"
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	host := graph.RegistryAccountID("ghcr.io", graph.GitLabVariableID(testProject, "HOST_PW"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/mounted?repository_url=ghcr.io"}, targets(res, host, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the job's docker login (-want +got):\n%s", diff)
	}
	inner := graph.RegistryAccountID("ghcr.io", graph.GitLabVariableID(testProject, "INNER_PW"))
	if diff := cmp.Diff([]string{"pkg:docker/example-org/inner?repository_url=ghcr.io"}, targets(res, inner, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the container's docker login (-want +got):\n%s", diff)
	}
}

// gcloud logs Docker in to Google's registries with the job's Google Cloud
// credentials: as its credential helper after gcloud auth configure-docker,
// or with gcloud auth print-access-token fed to docker login. Which CI/CD
// variables hold those credentials, and whose they are, is not in the
// input, so the push is credited to the variables' Google Cloud identity,
// possibly, as for AWS. A push to a host configure-docker did not name
// credits nothing.
func TestGoogleCredentialsOfVariables(t *testing.T) {
	src := `helper:
  script:
    - gcloud auth configure-docker europe-west1-docker.pkg.dev --quiet
    - docker push europe-west1-docker.pkg.dev/example-proj/images/app:1
    - docker push us-docker.pkg.dev/example-proj/images/other:1
token:
  script:
    - gcloud auth print-access-token | docker login -u oauth2accesstoken --password-stdin https://us-docker.pkg.dev
    - docker push us-docker.pkg.dev/example-proj/images/tool:2
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	all := graph.GitLabAllVariablesID(testProject)
	gcp := graph.CIGCPIdentityID(all)
	if e := findEdge(t, res, all, graph.EdgeAuthenticatesAs, gcp); e.Confidence != graph.Possible {
		t.Errorf("the variables act as their Google Cloud identity with %s, want possible", e.Confidence)
	}
	want := []string{
		"pkg:docker/example-proj/images/app?repository_url=europe-west1-docker.pkg.dev",
		"pkg:docker/example-proj/images/tool?repository_url=us-docker.pkg.dev",
	}
	if diff := cmp.Diff(want, targets(res, gcp, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH from the Google Cloud identity (-want +got):\n%s", diff)
	}
}
