package link_test

import (
	"bytes"
	"context"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/formats"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/query"
)

// placeholderRun declares the Cloud Run service api in project p with
// Google's sample image, which CI replaces (ignore_changes), run as
// api-sa, which reads the objects of bucket api-data.
const placeholderRun = `
provider "google" {
  project = "p"
}

resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "europe-west1"
  template {
    service_account = "api-sa@p.iam.gserviceaccount.com"
    containers {
      image = "us-docker.pkg.dev/cloudrun/container/hello"
    }
  }
  lifecycle {
    ignore_changes = [template[0].containers[0].image]
  }
}

resource "google_storage_bucket_iam_member" "read" {
  bucket = "api-data"
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:api-sa@p.iam.gserviceaccount.com"
}
`

// appDockerfile installs the lockfile's packages without development
// ones.
const appDockerfile = `FROM node:20
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
`

// buildAndDeploy is a workflow that builds image, pushes it tagged with
// the commit's hash, and then runs deploy.
func buildAndDeploy(image, deploy string) string {
	return `name: release
on: push
permissions:
  id-token: write
  contents: read
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/gh
          service_account: deployer@p.iam.gserviceaccount.com
      - run: gcloud auth configure-docker europe-west1-docker.pkg.dev
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ` + image + `:${{ github.sha }}
      - run: ` + deploy + `
`
}

const arImage = "europe-west1-docker.pkg.dev/p/r/api"

// runRepos is repository api: Terraform with the placeholder service,
// the Dockerfile and lockfile of the image, and the workflow that builds
// the image and runs deploy.
func runRepos(deploy string) map[string]map[string]string {
	return map[string]map[string]string{"api": {
		"infra/main.tf":                 placeholderRun,
		"Dockerfile":                    appDockerfile,
		"package-lock.json":             imageLock,
		".github/workflows/release.yml": buildAndDeploy(arImage, deploy),
	}}
}

var (
	apiService = graph.GCPCloudRunID("p", "europe-west1", "api")
	apiSA      = graph.GCPServiceAccountID("api-sa@p.iam.gserviceaccount.com")
	apiData    = graph.GCPBucketID("api-data")
)

// A package that the lockfile pins, which the Dockerfile installs into
// the image that the job pushes and then deploys to the Cloud Run
// service, reaches the service, its service account and the bucket the
// account reads. The service's Terraform names only the placeholder.
func TestDeployedImageReachesCloudRun(t *testing.T) {
	repos := runRepos("gcloud run deploy api --image " + arImage + ":${{ github.sha }} --region europe-west1")
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "dockerfile:", "gcp:", "runtime:gcp:", "pkg:docker/")
	want := []string{
		"dockerfile:github.com/o/api/Dockerfile (certain)",
		apiData + " (certain)",
		apiSA + " (certain)",
		"pkg:docker/p/r/api?repository_url=europe-west1-docker.pkg.dev (certain)",
		apiService + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}

// The deploy adds to what Terraform declares: the placeholder image still
// reaches the service, and the base image of the deployed one does too.
func TestDeployedImageKeepsPlaceholder(t *testing.T) {
	repos := runRepos("gcloud run deploy api --image " + arImage + ":${{ github.sha }} --region europe-west1")
	for _, purl := range []string{
		"pkg:docker/cloudrun/container/hello@latest?repository_url=us-docker.pkg.dev",
		"pkg:docker/node@20",
	} {
		if diff := cmp.Diff([]string{apiService + " (certain)"}, reachedIn(t, repos, purl, "runtime:gcp:")); diff != "" {
			t.Errorf("%s reaches (-want +got):\n%s", purl, diff)
		}
	}
}

// A deploy to a service that no input declares makes no edge, and the
// linker warns once.
func TestDeployedImageNeedsDeclaredService(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := ingestRepos(t, runRepos("gcloud run deploy ghost --image "+arImage+":${{ github.sha }} --region europe-west1"), log)
	if got := imageDeployEdges(t, s); len(got) != 0 {
		t.Errorf("deploy edges %q, want none", got)
	}
	res, err := query.Run(context.Background(), s, query.Start{Packages: []string{"pkg:npm/event-stream@3.3.6"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Reached {
		if r.Node.ID == apiService || r.Node.ID == apiSA {
			t.Errorf("reaches %s, which the job does not deploy to", r.Node.ID)
		}
	}
	if !strings.Contains(logs.String(), "image deploys link to no runtime") || !strings.Contains(logs.String(), "count=1") {
		t.Errorf("log %q, want the warning for one deploy", logs.String())
	}
}

// k8sPlaceholder declares Deployment api in namespace prod and
// Deployment api in namespace staging, both running nginx until CI sets
// their image, each reading a Secret.
const k8sPlaceholder = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: api
          image: nginx:latest
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: staging
spec:
  template:
    spec:
      containers:
        - name: api
          image: nginx:latest
          imagePullPolicy: IfNotPresent
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-db
                  key: password
`

// kubectl set image makes the Deployment it names, in the namespace it
// names, run the pushed image: the package reaches it and its Secret,
// and not the Deployment of the same name in another namespace. Without
// -n the command may target either. A fixed tag gives an edge to the
// image's version, with the workload's pull policy (the API server's
// default for nginx:latest, Always, which set image keeps).
func TestDeployedImageReachesWorkload(t *testing.T) {
	const ghcr = "ghcr.io/o/api"
	prod := graph.K8sWorkloadID("prod", "Deployment", "api")
	staging := graph.K8sWorkloadID("staging", "Deployment", "api")
	tests := []struct {
		name, deploy string
		want         []string
		edges        []string
	}{
		{"namespace", "kubectl set image deployment/api api=" + ghcr + ":${{ github.sha }} -n prod",
			[]string{prod + " (certain)", "secret:k8s:prod/api-db (certain)"},
			[]string{prod + " -> pkg:docker/o/api?repository_url=ghcr.io certain computed Always"}},
		{"no namespace", "kubectl set image deploy api api=" + ghcr + ":${{ github.sha }}",
			[]string{prod + " (possible)", staging + " (possible)", "secret:k8s:prod/api-db (possible)", "secret:k8s:staging/api-db (possible)"},
			[]string{
				prod + " -> pkg:docker/o/api?repository_url=ghcr.io possible computed Always",
				staging + " -> pkg:docker/o/api?repository_url=ghcr.io possible computed IfNotPresent",
			}},
		{"fixed tag", "kubectl set image deployment/api api=" + ghcr + ":1.4 -n prod",
			[]string{prod + " (certain)", "secret:k8s:prod/api-db (certain)"},
			[]string{prod + " -> pkg:docker/o/api@1.4?repository_url=ghcr.io certain tag Always"}},
		{"fixed tag staging", "kubectl -n staging set image deployment/api api=" + ghcr + ":1.4",
			[]string{staging + " (certain)", "secret:k8s:staging/api-db (certain)"},
			[]string{staging + " -> pkg:docker/o/api@1.4?repository_url=ghcr.io certain tag IfNotPresent"}},
	}
	for _, tt := range tests {
		repos := map[string]map[string]string{"api": {
			"k8s/api.yaml":                  k8sPlaceholder,
			"Dockerfile":                    appDockerfile,
			"package-lock.json":             imageLock,
			".github/workflows/release.yml": strings.Replace(buildAndDeploy(ghcr, tt.deploy), ":${{ github.sha }}\n", ":${{ github.sha }},"+ghcr+":1.4\n", 1),
		}}
		got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:prod/", "secret:k8s:staging/")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", tt.name, diff)
		}
		if diff := cmp.Diff(tt.edges, imageDeployEdges(t, ingestRepos(t, repos, nil))); diff != "" {
			t.Errorf("%s: deploy edges (-want +got):\n%s", tt.name, diff)
		}
	}
}

// The kubeconfig's context picks the namespace of a kubectl set image
// without -n, and it may name a namespace the input does not show. So a
// Deployment api declared in namespace prod alone is still only a
// possible target, as are its Secret and the edge to the image.
func TestDeployedImageNoNamespaceOneWorkload(t *testing.T) {
	const ghcr = "ghcr.io/o/api"
	prod := graph.K8sWorkloadID("prod", "Deployment", "api")
	onlyProd, _, _ := strings.Cut(k8sPlaceholder, "---")
	repos := map[string]map[string]string{"api": {
		"k8s/api.yaml":                  onlyProd,
		"Dockerfile":                    appDockerfile,
		"package-lock.json":             imageLock,
		".github/workflows/release.yml": buildAndDeploy(ghcr, "kubectl set image deployment/api api="+ghcr+":${{ github.sha }}"),
	}}
	got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:prod/")
	want := []string{prod + " (possible)", "secret:k8s:prod/api-db (possible)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
	edges := []string{prod + " -> pkg:docker/o/api?repository_url=ghcr.io possible computed Always"}
	if diff := cmp.Diff(edges, imageDeployEdges(t, ingestRepos(t, repos, nil))); diff != "" {
		t.Errorf("deploy edges (-want +got):\n%s", diff)
	}
}

// kubectl set image fails on a workload without a container of the name
// it gives, and changes nothing. Deployment api has only container api,
// so setting the image of container worker deploys nowhere.
func TestDeployedImageUnknownContainer(t *testing.T) {
	const ghcr = "ghcr.io/o/api"
	repos := map[string]map[string]string{"api": {
		"k8s/api.yaml":                  k8sPlaceholder,
		"Dockerfile":                    appDockerfile,
		"package-lock.json":             imageLock,
		".github/workflows/release.yml": buildAndDeploy(ghcr, "kubectl set image deployment/api worker="+ghcr+":${{ github.sha }} -n prod"),
	}}
	if got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:"); len(got) != 0 {
		t.Errorf("reached %v, want no workload and no Secret", got)
	}
	if got := imageDeployEdges(t, ingestRepos(t, repos, nil)); len(got) != 0 {
		t.Errorf("deploy edges %v, want none", got)
	}
}

// ecsTerraform declares task definition api, run by service api, with a
// placeholder image, whose task role reads bucket api-data.
const ecsTerraform = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_role" "task" {
  name = "api-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "read" {
  name = "read"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::api-data/*" }]
  })
}

resource "aws_ecs_task_definition" "api" {
  family        = "api"
  task_role_arn = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "api", image = "nginx:latest" }])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
  lifecycle {
    ignore_changes = [task_definition]
  }
}
`

// ecsWorkflow builds and pushes the image to ECR, renders the task
// definition file with it and deploys that to service svc.
func ecsWorkflow(svc string) string {
	return `name: release
on: push
permissions:
  id-token: write
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/deployer
          aws-region: us-east-1
      - uses: aws-actions/amazon-ecr-login@v2
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: 111122223333.dkr.ecr.us-east-1.amazonaws.com/api:${{ github.sha }}
      - id: render
        uses: aws-actions/amazon-ecs-render-task-definition@v1
        with:
          task-definition: .aws/task-definition.json
          container-name: api
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/api:${{ github.sha }}
      - uses: aws-actions/amazon-ecs-deploy-task-definition@v2
        with:
          task-definition: ${{ steps.render.outputs.task-definition }}
          service: ` + svc + `
          cluster: prod
`
}

// The render and deploy actions make the ECS service's task run the
// pushed image: the package reaches the task, its role and the bucket
// the role reads. A deploy to another service reaches none of them.
func TestDeployedImageReachesECS(t *testing.T) {
	const task = "runtime:aws:ecs-task:api"
	const role = "arn:aws:iam::111122223333:role/api-task"
	const bucket = "arn:aws:s3:::api-data/*"
	for _, tt := range []struct {
		service string
		want    []string
	}{
		{"api", []string{role + " (certain)", bucket + " (certain)", task + " (certain)"}},
		{"worker", nil},
	} {
		repos := map[string]map[string]string{"api": {
			"infra/main.tf":                 ecsTerraform,
			"Dockerfile":                    appDockerfile,
			"package-lock.json":             imageLock,
			".github/workflows/release.yml": ecsWorkflow(tt.service),
		}}
		got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "runtime:aws:ecs-task:", role, bucket)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("service %s: reached (-want +got):\n%s", tt.service, diff)
		}
	}
}

// ingestRepos ingests repos as reachedIn does, with the linker logging
// to log.
func ingestRepos(t *testing.T, repos map[string]map[string]string, log *slog.Logger) *memstore.Store {
	t.Helper()
	dir := t.TempDir()
	writeRepos(t, dir, repos)
	s := memstore.New()
	p := &ingest.Pipeline{
		Parsers: formats.All(),
		Store:   s,
		Derive:  (&link.Linker{Logger: log}).Derive,
		Org:     "o",
		Env:     &ingest.Env{Fingerprint: func(string) string { return "fp" }},
		Now:     func() time.Time { return time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC) },
	}
	if _, err := p.Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	return s
}

// imageDeployEdges lists the EXECUTES edges that deploys derive, as
// "runtime -> image confidence pinned pull_policy", sorted.
func imageDeployEdges(t *testing.T, s *memstore.Store) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.Attr(graph.AttrVia) == "deploy" {
			out = append(out, e.From+" -> "+e.To+" "+string(e.Confidence)+" "+e.Attr("pinned")+" "+e.Attr(graph.AttrPullPolicy))
		}
	}
	sort.Strings(out)
	return out
}

// lambdaImageTerraform declares the image function api with a
// placeholder image of another repository than the one CI pushes (a
// repository of the same name would link through its name node
// already), whose role reads bucket api-data.
const lambdaImageTerraform = `
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_role" "api" {
  name = "api-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "read" {
  name = "read"
  role = aws_iam_role.api.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::api-data/*" }]
  })
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = aws_iam_role.api.arn
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/bootstrap:latest"
  lifecycle {
    ignore_changes = [image_uri]
  }
}
`

// A GitLab job and a CircleCI job build and push the image and update
// the function's code to it, through the command code the CI readers
// share: the package reaches the function, its role and the bucket.
func TestDeployedImageReachesLambda(t *testing.T) {
	const ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/api"
	const fn = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"
	const role = "arn:aws:iam::111122223333:role/api-role"
	const bucket = "arn:aws:s3:::api-data/*"
	script := []string{
		"docker build -t " + ecr + ":$SHA .",
		"docker push " + ecr + ":$SHA",
		"aws lambda update-function-code --function-name api --image-uri " + ecr + ":$SHA --region us-east-1",
	}
	for _, tt := range []struct{ name, file, text string }{
		{"gitlab", ".gitlab-ci.yml", "release:\n  variables:\n    SHA: $CI_COMMIT_SHA\n  script:\n    - " + strings.Join(script, "\n    - ") + "\n"},
		{"circleci", ".circleci/config.yml", `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/base:2024.01
    steps:
      - checkout
      - setup_remote_docker
      - run: |
          ` + strings.Join(script, "\n          ") + `
workflows:
  main:
    jobs: [release]
`},
	} {
		repos := map[string]map[string]string{"api": {
			"infra/main.tf":     lambdaImageTerraform,
			"Dockerfile":        appDockerfile,
			"package-lock.json": imageLock,
			tt.file:             tt.text,
		}}
		got := reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "runtime:aws:", role, bucket)
		want := []string{role + " (certain)", bucket + " (certain)", fn + " (certain)"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: reached (-want +got):\n%s", tt.name, diff)
		}
	}
}

// A GitLab job that builds and pushes $CI_REGISTRY_IMAGE and sets it as
// the Deployment's image makes the Deployment run the project's image on
// GitLab.com's registry: the package reaches it and its Secret.
func TestDeployedImageGitLabRegistry(t *testing.T) {
	prod := graph.K8sWorkloadID("prod", "Deployment", "api")
	repos := map[string]map[string]string{"api": {
		"k8s/api.yaml":      k8sPlaceholder,
		"Dockerfile":        appDockerfile,
		"package-lock.json": imageLock,
		".gitlab-ci.yml": `release:
  script:
    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
    - docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .
    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"
    - kubectl set image deployment/api "api=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" -n prod
`,
	}}
	want := []string{prod + " (certain)", "secret:k8s:prod/api-db (certain)"}
	if diff := cmp.Diff(want, reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "k8s:workload:", "secret:k8s:prod/")); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
	edges := []string{prod + " -> pkg:docker/o/api?repository_url=registry.gitlab.com certain computed Always"}
	if diff := cmp.Diff(edges, imageDeployEdges(t, ingestRepos(t, repos, nil))); diff != "" {
		t.Errorf("deploy edges (-want +got):\n%s", diff)
	}
}

// placeholderJob declares Cloud Run job nightly with a placeholder image,
// run as a service account that reads a bucket.
const placeholderJob = `
provider "google" {
  project = "p"
}

resource "google_cloud_run_v2_job" "nightly" {
  name     = "nightly"
  location = "europe-west1"
  template {
    template {
      service_account = "nightly-sa@p.iam.gserviceaccount.com"
      containers {
        image = "us-docker.pkg.dev/cloudrun/container/job"
      }
    }
  }
}

resource "google_storage_bucket_iam_member" "read" {
  bucket = "nightly-data"
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:nightly-sa@p.iam.gserviceaccount.com"
}
`

// A Cloud Run job that the workflow points at the image it built runs the
// image's packages at its next execution. The package reaches the job, its
// service account and the bucket. The edge carries no pull policy, because
// a job resolves the tag each time it runs.
func TestDeployedImageReachesCloudRunJob(t *testing.T) {
	repos := map[string]map[string]string{"api": {
		"infra/main.tf":                 placeholderJob,
		"Dockerfile":                    appDockerfile,
		"package-lock.json":             imageLock,
		".github/workflows/release.yml": buildAndDeploy(arImage, "gcloud run jobs deploy nightly --image "+arImage+":${{ github.sha }} --region europe-west1"),
	}}
	job := graph.GCPCloudRunID("p", "europe-west1", "nightly")
	want := []string{
		graph.GCPBucketID("nightly-data") + " (certain)",
		graph.GCPServiceAccountID("nightly-sa@p.iam.gserviceaccount.com") + " (certain)",
		job + " (certain)",
	}
	if diff := cmp.Diff(want, reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "gcp:", "runtime:gcp:")); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
	s := ingestRepos(t, repos, nil)
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		if e.From == job && e.Attr(graph.AttrVia) == "deploy" {
			found = true
			if p := e.Attr(graph.AttrPullPolicy); p != "" {
				t.Errorf("deploy edge pull policy %q, want none", p)
			}
		}
	}
	if !found {
		t.Errorf("no deploy edge from %s", job)
	}
}

// A deploy that names its image through a variable of the workflow's env,
// holding the registry and path, links as one that writes it out: the
// package reaches the service and its service account.
func TestDeployedImageFromEnvVariable(t *testing.T) {
	repos := runRepos(`gcloud run deploy api --image "$IMAGE:${{ github.sha }}" --region europe-west1`)
	wf := repos["api"][".github/workflows/release.yml"]
	repos["api"][".github/workflows/release.yml"] = strings.Replace(wf, "jobs:\n", "env:\n  IMAGE: "+arImage+"\njobs:\n", 1)
	want := []string{apiSA + " (certain)", apiService + " (certain)"}
	if diff := cmp.Diff(want, reachedIn(t, repos, "pkg:npm/event-stream@3.3.6", "gcp:sa:", "runtime:gcp:")); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
}
