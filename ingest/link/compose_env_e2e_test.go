package link_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// The step's env sets COMPOSE_FILE to compose.yaml and compose.ci.yaml,
// so docker compose build web reads both, as -f would: web's build gets
// build argument NPM_TOKEN from NODE_AUTH, which the step sets from
// secret NPM_TOKEN. esbuild's install script runs in web's build at the
// step's line (7) and reaches the secret, certain.
func TestComposeFileFromStepEnv(t *testing.T) {
	files := composeShopFiles(`on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: docker compose build web
        env:
          COMPOSE_FILE: compose.yaml:compose.ci.yaml
          NODE_AUTH: ${{ secrets.NPM_TOKEN }}
`)
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	want := []string{
		graph.ComposeBuildID(job, 7, "web") + " (certain)",
		"secret:gha:o/shop/NPM_TOKEN (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// A GitLab job exports COMPOSE_FILE on one script line, and the build and
// the push on the later lines read it: both use compose.yaml and
// compose.ci.yaml, whose web names image shop-web-ci. So the job pushes
// shop-web-ci, built from the root's Dockerfile, certain; shop-web of
// compose.yaml alone is not pushed and stays possible, as worker's
// image does.
func TestComposeFileExportedPush(t *testing.T) {
	files := composeShopFiles("")
	delete(files, ".github/workflows/image.yml")
	files["compose.ci.yaml"] = `services:
  web:
    image: ghcr.io/o/shop-web-ci:1
`
	files[".gitlab-ci.yml"] = `image-build:
  image: docker:27
  script:
    - export COMPOSE_FILE=compose.yaml:compose.ci.yaml
    - docker compose build web
    - docker compose push web
`
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "pkg:docker/")
	want := []string{
		"pkg:docker/o/shop-web-ci?repository_url=ghcr.io (certain)",
		"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
		"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// On CircleCI the job's environment sets COMPOSE_FILE, so the run step's
// build and push read compose.ci.yaml too, as on GitLab above.
func TestComposeFileCircleCIEnvironment(t *testing.T) {
	files := composeShopFiles("")
	delete(files, ".github/workflows/image.yml")
	files["compose.ci.yaml"] = `services:
  web:
    image: ghcr.io/o/shop-web-ci:1
`
	files[".circleci/config.yml"] = `version: 2.1
jobs:
  image:
    docker:
      - image: cimg/base:stable
    environment:
      COMPOSE_FILE: compose.yaml:compose.ci.yaml
    steps:
      - checkout
      - run: docker compose build web && docker compose push web
workflows:
  main:
    jobs:
      - image
`
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "pkg:docker/")
	want := []string{
		"pkg:docker/o/shop-web-ci?repository_url=ghcr.io (certain)",
		"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
		"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// Service worker has profile tools. Compose ignores it unless a command
// names it or enables tools (--profile, COMPOSE_PROFILES, or '*'). So
// only those commands build it. Web, without profiles, is always built.
// Both Dockerfiles run npm ci, so esbuild reaches each build.
func TestComposeProfiles(t *testing.T) {
	for script, want := range map[string][]string{
		"docker compose build":                        {"web"},
		"docker compose --profile tools build":        {"web", "worker"},
		"COMPOSE_PROFILES=tools docker compose build": {"web", "worker"},
		"docker compose --profile '*' build":          {"web", "worker"},
		"docker compose build worker":                 {"worker"},
		"docker compose --profile other build":        {"web"},
	} {
		files := composeShopFiles(composeShopStep(script))
		files["compose.yaml"] = strings.Replace(files["compose.yaml"], "    image: ghcr.io/o/shop-worker:1\n",
			"    image: ghcr.io/o/shop-worker:1\n    profiles: [tools]\n", 1)
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "runtime:")
		job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
		var wantIDs []string
		for _, svc := range want {
			if name, ok := strings.CutSuffix(svc, "?"); ok {
				wantIDs = append(wantIDs, graph.ComposeBuildID(job, 7, name)+" (possible)")
				continue
			}
			wantIDs = append(wantIDs, graph.ComposeBuildID(job, 7, svc)+" (certain)")
		}
		if diff := cmp.Diff(wantIDs, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", script, diff)
		}
	}
}

// compose.yaml includes worker/compose.yaml, whose build . is worker/,
// its own project directory. So docker compose build builds worker's
// image too, from worker/Dockerfile, and the push after it links the
// image to that Dockerfile, certain. Without the include, worker's image
// would be linked only by its own file, possibly. The root's Dockerfile
// installs nothing, so web's build and image are not reached. A build of
// worker placed in the root would not be reached either.
func TestComposeIncludedServicePushed(t *testing.T) {
	files := composeShopFiles(composeShopStep("docker compose build && docker compose push"))
	files["Dockerfile"] = "FROM alpine:3.20\n"
	files["compose.yaml"] = `include:
  - worker/compose.yaml
services:
  web:
    build: .
    image: ghcr.io/o/shop-web:1
`
	files["worker/compose.yaml"] = `services:
  worker:
    build: .
    image: ghcr.io/o/shop-worker:1
`
	delete(files, "compose.ci.yaml")
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "pkg:docker/", "runtime:")
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	want := []string{
		"pkg:docker/o/shop-worker?repository_url=ghcr.io (certain)",
		graph.ComposeBuildID(job, 7, "worker") + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// Service web depends on worker. up and run start worker with web, so
// with --build they build it too, unless --no-deps; build builds it only
// with --with-dependencies. Without --build, up and run build an image
// the runner does not have, as a fresh runner does not: possible builds.
// --no-build builds nothing. Both Dockerfiles run npm ci, so esbuild
// reaches each build.
func TestComposeDependencies(t *testing.T) {
	for script, want := range map[string][]string{
		"docker compose up --build -d web":             {"web", "worker"},
		"docker compose run --build --rm web npm test": {"web", "worker"},
		"docker compose run --build --no-deps web sh":  {"web"},
		"docker compose build web":                     {"web"},
		"docker compose build --with-dependencies web": {"web", "worker"},
		"docker compose run --rm web npm test":         {"web?", "worker?"},
		"docker compose up -d":                         {"web?", "worker?"},
		"docker compose up --no-build -d":              nil,
	} {
		files := composeShopFiles(composeShopStep(script))
		files["compose.yaml"] = strings.Replace(files["compose.yaml"], "    image: ghcr.io/o/shop-web:1\n",
			"    image: ghcr.io/o/shop-web:1\n    depends_on:\n      worker:\n        condition: service_started\n", 1)
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "runtime:")
		job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
		var wantIDs []string
		for _, svc := range want {
			if name, ok := strings.CutSuffix(svc, "?"); ok {
				wantIDs = append(wantIDs, graph.ComposeBuildID(job, 7, name)+" (possible)")
				continue
			}
			wantIDs = append(wantIDs, graph.ComposeBuildID(job, 7, svc)+" (certain)")
		}
		if diff := cmp.Diff(wantIDs, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", script, diff)
		}
	}
}

// The repository's .env sets COMPOSE_FILE to compose.yaml and
// compose.ci.yaml, so docker compose build web reads both, as with the
// variable in the step's env: web's build argument NPM_TOKEN comes from
// NODE_AUTH, the secret NPM_TOKEN. With --env-file Compose reads that
// file instead of .env, so only compose.yaml counts, whose web has no
// build argument, and the secret is not reached.
func TestComposeFileFromDotenv(t *testing.T) {
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	for script, want := range map[string][]string{
		"docker compose build web": {
			graph.ComposeBuildID(job, 7, "web") + " (certain)",
			"secret:gha:o/shop/NPM_TOKEN (certain)",
		},
		"docker compose --env-file ci.env build web": {
			graph.ComposeBuildID(job, 7, "web") + " (certain)",
		},
	} {
		files := composeShopFiles(composeShopStep(script))
		files[".env"] = "COMPOSE_FILE=compose.yaml:compose.ci.yaml\n"
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "secret:", "runtime:")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", script, diff)
		}
	}
}

// Service worker sets pull_policy: build, with which Compose builds the
// image on every up or run, even one the runner has. So up without
// --build builds worker certainly, while web, without a pull policy, is
// built only when the runner lacks its image: possible.
func TestComposeUpPullPolicyBuild(t *testing.T) {
	files := composeShopFiles(composeShopStep("docker compose up -d"))
	files["compose.yaml"] = strings.Replace(files["compose.yaml"], "    image: ghcr.io/o/shop-worker:1\n",
		"    image: ghcr.io/o/shop-worker:1\n    pull_policy: build\n", 1)
	got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "runtime:")
	job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
	want := []string{graph.ComposeBuildID(job, 7, "web") + " (possible)", graph.ComposeBuildID(job, 7, "worker") + " (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// Compose merges an override file's profiles into those of the service
// it overrides, as it appends every list. compose.yaml gives worker
// profile tools and compose.ci.yaml adds profile ci, so worker has both:
// --profile tools and --profile ci each build it, with web. An override
// that sets only profiles, with no build or image, adds them the same
// way.
func TestComposeOverrideProfilesAdd(t *testing.T) {
	overrides := map[string]string{
		"with build": "  worker:\n    build: worker\n    profiles: [ci]\n",
		"alone":      "  worker:\n    profiles: [ci]\n",
	}
	for name, override := range overrides {
		for _, profile := range []string{"tools", "ci"} {
			files := composeShopFiles(composeShopStep("docker compose -f compose.yaml -f compose.ci.yaml --profile " + profile + " build"))
			files["compose.yaml"] = strings.Replace(files["compose.yaml"], "    image: ghcr.io/o/shop-worker:1\n",
				"    image: ghcr.io/o/shop-worker:1\n    profiles: [tools]\n", 1)
			files["compose.ci.yaml"] += override
			got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "runtime:")
			job := graph.GHAJobID("o/shop", ".github/workflows/image.yml", "image")
			want := []string{graph.ComposeBuildID(job, 7, "web") + " (certain)", graph.ComposeBuildID(job, 7, "worker") + " (certain)"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s, --profile %s: reached (-want +got):\n%s", name, profile, diff)
			}
		}
	}
}

// composeCircleCIParam is the CircleCI configuration of a job whose
// environment names its second Compose file by parameter env, which the
// workflow's entry sets to value, or leaves to the pipeline parameter
// stage, which has no default, when value is "".
func composeCircleCIParam(value string) string {
	arg := "<< pipeline.parameters.stage >>"
	if value != "" {
		arg = value
	}
	return `version: 2.1
parameters:
  stage:
    type: string
jobs:
  image:
    parameters:
      env:
        type: string
    docker:
      - image: cimg/base:stable
    environment:
      COMPOSE_FILE: compose.yaml:compose.<< parameters.env >>.yaml
    steps:
      - checkout
      - run: docker compose build web && docker compose push web
workflows:
  main:
    jobs:
      - image:
          env: ` + arg + `
`
}

// A CircleCI parameter in COMPOSE_FILE takes the value the job runs
// with: env ci names compose.ci.yaml, whose web names image shop-web-ci,
// so the job pushes that image, built from the root's Dockerfile,
// certain. A parameter whose value the file does not give may name any
// compose.*.yaml of the folder: compose.ci.yaml is the only one, so the
// build and push of its web are possible. shop-web of compose.yaml alone
// stays possible either way.
func TestComposeFileCircleCIParameter(t *testing.T) {
	for value, want := range map[string][]string{
		"ci": {
			"pkg:docker/o/shop-web-ci?repository_url=ghcr.io (certain)",
			"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		},
		"": {
			"pkg:docker/o/shop-web-ci?repository_url=ghcr.io (possible)",
			"pkg:docker/o/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		},
	} {
		files := composeShopFiles("")
		delete(files, ".github/workflows/image.yml")
		files["compose.ci.yaml"] = `services:
  web:
    image: ghcr.io/o/shop-web-ci:1
`
		files[".circleci/config.yml"] = composeCircleCIParam(value)
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "pkg:docker/")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("env %q: reached (-want +got):\n%s", value, diff)
		}
	}
}

// Compose takes a variable of its environment over the .env file's. Web's
// image is ghcr.io/${OWNER:-o-qa}/shop-web and the project's .env sets
// OWNER to o-dev, but the step's env sets it to o. So the job builds and
// pushes ghcr.io/o/shop-web, from the root's Dockerfile, certain.
// ghcr.io/o-dev/shop-web, which the files alone name, is not pushed and
// stays possible. A step env that sets OWNER empty gives the default,
// o-qa. Without the step's OWNER the job pushes the .env's
// name. With --env-file Compose does not read .env (ci.env is not in the
// input), so the name takes the default, o-qa.
func TestComposeEnvOverDotenv(t *testing.T) {
	for _, c := range []struct {
		name, env, script string
		want              []string
	}{
		{"step env", "          OWNER: o\n", "docker compose build web && docker compose push web", []string{
			"pkg:docker/o-dev/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o/shop-web?repository_url=ghcr.io (certain)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		}},
		// OWNER set and empty: ${OWNER:-o-qa} takes its default, and the
		// .env does not apply.
		{"empty env", "          OWNER: \"\"\n", "docker compose build web && docker compose push web", []string{
			"pkg:docker/o-dev/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o-qa/shop-web?repository_url=ghcr.io (certain)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		}},
		{"no env", "", "docker compose build web && docker compose push web", []string{
			"pkg:docker/o-dev/shop-web?repository_url=ghcr.io (certain)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		}},
		{"env file", "", "docker compose --env-file ci.env build web && docker compose --env-file ci.env push web", []string{
			"pkg:docker/o-dev/shop-web?repository_url=ghcr.io (possible)",
			"pkg:docker/o-qa/shop-web?repository_url=ghcr.io (certain)",
			"pkg:docker/o/shop-worker?repository_url=ghcr.io (possible)",
		}},
	} {
		files := composeShopFiles(`on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ` + c.script + `
        env:
          NODE_AUTH: ${{ secrets.NPM_TOKEN }}
` + c.env)
		files["compose.yaml"] = strings.Replace(files["compose.yaml"], "ghcr.io/o/shop-web:1", "ghcr.io/${OWNER:-o-qa}/shop-web:1", 1)
		files[".env"] = "OWNER=o-dev\n"
		got := reachedIn(t, map[string]map[string]string{"shop": files}, "pkg:npm/esbuild@0.21.5", "pkg:docker/")
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", c.name, diff)
		}
	}
}
