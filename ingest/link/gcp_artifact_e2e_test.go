package link

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam"
	"github.com/blastradius-dev/blastradius/ingest/kubernetes"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
)

// arTerraform declares two Docker repositories of example-prod, the
// second with immutable tags, and grants on them: a writer and a reader
// on app, a writer on app at night only, and a writer on tools.
const arTerraform = `
provider "google" {
  project = "example-prod"
}

resource "google_artifact_registry_repository" "app" {
  location      = "us-central1"
  repository_id = "app"
  format        = "DOCKER"
}

resource "google_artifact_registry_repository" "tools" {
  location      = "us-central1"
  repository_id = "tools"
  format        = "DOCKER"
  docker_config {
    immutable_tags = true
  }
}

resource "google_service_account" "pusher" {
  account_id = "ci-pusher"
}

resource "google_service_account" "puller" {
  account_id = "puller"
}

resource "google_service_account" "nightly" {
  account_id = "nightly"
}

resource "google_service_account" "tooler" {
  account_id = "tooler"
}

resource "google_artifact_registry_repository_iam_member" "push" {
  location   = google_artifact_registry_repository.app.location
  repository = google_artifact_registry_repository.app.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.pusher.member
}

resource "google_artifact_registry_repository_iam_member" "pull" {
  location   = "us-central1"
  repository = "app"
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${google_service_account.puller.email}"
}

resource "google_artifact_registry_repository_iam_binding" "nightly" {
  location   = "us-central1"
  repository = google_artifact_registry_repository.app.id
  role       = "roles/artifactregistry.writer"
  members    = ["serviceAccount:${google_service_account.nightly.email}"]
  condition {
    title      = "nights"
    expression = "request.time.getHours(\"UTC\") >= 22"
  }
}

resource "google_artifact_registry_repository_iam_member" "tools" {
  repository = google_artifact_registry_repository.tools.id
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.tooler.member
}
`

// arManifest runs an image of each repository on GKE.
const arManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: api
          image: us-central1-docker.pkg.dev/example-prod/app/api:1.4
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cli
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: cli
          image: us-central1-docker.pkg.dev/example-prod/tools/cli:2.0
`

// arAssets is a Cloud Asset Inventory export of a third repository,
// ops, whose tags are immutable, with its allow policy: a writer.
const arAssets = `{"name":"//artifactregistry.googleapis.com/projects/example-prod/locations/us-central1/repositories/ops","asset_type":"artifactregistry.googleapis.com/Repository","resource":{"data":{"name":"projects/example-prod/locations/us-central1/repositories/ops","format":"DOCKER","mode":"STANDARD_REPOSITORY","dockerConfig":{"immutableTags":true}}},"iam_policy":{"bindings":[{"role":"roles/artifactregistry.writer","members":["user:olga@example.com"]}]}}
`

const arOpsManifest = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
  namespace: ops
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: us-central1-docker.pkg.dev/example-prod/ops/backup:7
`

// ingestInput is one file for ingestFiles: its name, its text and the
// parser that reads it.
type ingestInput struct {
	name, data string
	p          ingest.Parser
}

// ingestFiles parses each file with its parser and links the facts.
func ingestFiles(t *testing.T, files []ingestInput) *memstore.Store {
	t.Helper()
	return ingestFilesLog(t, files, nil)
}

// ingestFilesLog is ingestFiles with the linker logging to log.
func ingestFilesLog(t *testing.T, files []ingestInput, log *slog.Logger) *memstore.Store {
	t.Helper()
	dir := t.TempDir()
	b := &graph.Batch{Time: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(f.data), 0o600); err != nil {
			t.Fatal(err)
		}
		data := []byte(f.data)
		in := &ingest.File{Path: path, RelPath: f.name, Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		if !f.p.Detect(in) {
			t.Fatalf("%s: not detected", f.name)
		}
		var res ingest.Result
		if err := f.p.Parse(context.Background(), in, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, &res); err != nil {
			t.Fatalf("parse %s: %v", f.name, err)
		}
		for _, d := range res.Diags {
			t.Logf("%s: %s", f.name, d.Msg)
		}
		b.Nodes = append(b.Nodes, res.Nodes...)
		b.Edges = append(b.Edges, res.Edges...)
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, (&Linker{Logger: log}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// arStore ingests the Terraform configuration, the manifests and the
// asset export with their parsers and links them.
func arStore(t *testing.T) *memstore.Store {
	t.Helper()
	return ingestFiles(t, []ingestInput{
		{"main.tf", arTerraform, terraform.New()},
		{"deploy.yaml", arManifest, kubernetes.New()},
		{"ops.yaml", arOpsManifest, kubernetes.New()},
		{"assets.json", arAssets, gcpiam.New()},
	})
}

// TestGCPArtifactRegistryEndToEnd follows a writer on an Artifact Registry
// repository to the GKE workload that runs an image of it.
func TestGCPArtifactRegistryEndToEnd(t *testing.T) {
	withNow(t)
	s := arStore(t)
	sa := func(name string) string {
		return graph.GCPServiceAccountID(name + "@example-prod.iam.gserviceaccount.com")
	}
	const (
		api    = "pkg:docker/example-prod/app/api?repository_url=us-central1-docker.pkg.dev"
		cli    = "pkg:docker/example-prod/tools/cli?repository_url=us-central1-docker.pkg.dev"
		backup = "pkg:docker/example-prod/ops/backup?repository_url=us-central1-docker.pkg.dev"
	)
	want := []string{
		sa("ci-pusher") + " -> " + api + " (certain)",
		// The condition holds from 22:00 UTC, which the input cannot tell.
		sa("nightly") + " -> " + api + " (possible)",
		// tools and ops take new tags only.
		sa("tooler") + " -> " + cli + " (possible)",
		graph.GCPUserID("olga@example.com") + " -> " + backup + " (possible)",
		// puller only reads app.
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, derivedOf(t, s, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}

	deployment := graph.K8sWorkloadID("prod", "Deployment", "api")
	if ns, err := s.Nodes(context.Background(), []string{deployment}); err != nil || len(ns) != 1 {
		t.Fatalf("no runtime %s: %v", deployment, err)
	}
	if !reaches(t, s, sa("ci-pusher"), deployment) {
		t.Errorf("the blast radius of ci-pusher misses %s, which runs the image it can push", deployment)
	}
	if reaches(t, s, sa("puller"), deployment) {
		t.Errorf("the blast radius of puller, which can only pull, holds %s", deployment)
	}
	if reaches(t, s, sa("tooler"), deployment) {
		t.Errorf("the blast radius of tooler, a writer on another repository, holds %s", deployment)
	}
}

// gcrTerraform grants upload access on example-prod, on the folder above
// it and on other-prod, and read access on example-prod. A Cloud Run
// service of example-prod runs an image under gcr.io. The input declares
// no gcr.io repository: Google creates them when a project moves from
// Container Registry.
const gcrTerraform = `
provider "google" {
  project = "example-prod"
  region  = "us-central1"
}

resource "google_project" "prod" {
  project_id = "example-prod"
  folder_id  = "folders/42"
}

resource "google_service_account" "pusher" {
  account_id = "ci-pusher"
}

resource "google_service_account" "puller" {
  account_id = "puller"
}

resource "google_service_account" "outsider" {
  account_id = "outsider"
}

resource "google_service_account" "runner" {
  account_id = "runner"
}

resource "google_project_iam_member" "push" {
  role   = "roles/artifactregistry.writer"
  member = google_service_account.pusher.member
}

resource "google_project_iam_member" "pull" {
  role   = "roles/artifactregistry.reader"
  member = google_service_account.puller.member
}

resource "google_project_iam_member" "other" {
  project = "other-prod"
  role    = "roles/artifactregistry.writer"
  member  = google_service_account.outsider.member
}

resource "google_folder_iam_member" "platform" {
  folder = "folders/42"
  role   = "roles/artifactregistry.writer"
  member = "user:fay@example.com"
}

resource "google_cloud_run_v2_service" "app" {
  name     = "app"
  location = "us-central1"
  template {
    service_account = google_service_account.runner.email
    containers {
      image = "gcr.io/example-prod/app:1.0"
    }
  }
}
`

// gcrManifest runs an image under eu.gcr.io on GKE.
const gcrManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: api
          image: eu.gcr.io/example-prod/api:2.1
`

// TestGCPArtifactRegistryGCREndToEnd follows a writer on a project to the
// Cloud Run service and the GKE workload that run images of the project
// under gcr.io hosts, and to the service account of the Cloud Run service.
func TestGCPArtifactRegistryGCREndToEnd(t *testing.T) {
	withNow(t)
	s := ingestFiles(t, []ingestInput{
		{"main.tf", gcrTerraform, terraform.New()},
		{"deploy.yaml", gcrManifest, kubernetes.New()},
	})
	sa := func(name string) string {
		return graph.GCPServiceAccountID(name + "@example-prod.iam.gserviceaccount.com")
	}
	const (
		app = "pkg:docker/example-prod/app?repository_url=gcr.io"
		api = "pkg:docker/example-prod/api?repository_url=eu.gcr.io"
	)
	fay := graph.GCPUserID("fay@example.com")
	// The repositories are not declared: possible. puller only reads,
	// and outsider writes to another project.
	want := []string{
		sa("ci-pusher") + " -> " + api + " (possible)",
		sa("ci-pusher") + " -> " + app + " (possible)",
		fay + " -> " + api + " (possible)",
		fay + " -> " + app + " (possible)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, derivedOf(t, s, graph.EdgeCanPublish)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}

	cloudRun := graph.GCPCloudRunID("example-prod", "us-central1", "app")
	deployment := graph.K8sWorkloadID("prod", "Deployment", "api")
	for _, target := range []string{cloudRun, deployment, sa("runner")} {
		if !reaches(t, s, sa("ci-pusher"), target) {
			t.Errorf("the blast radius of ci-pusher misses %s", target)
		}
		if !reaches(t, s, fay, target) {
			t.Errorf("the blast radius of fay misses %s", target)
		}
		for _, other := range []string{sa("puller"), sa("outsider")} {
			if reaches(t, s, other, target) {
				t.Errorf("the blast radius of %s holds %s", other, target)
			}
		}
	}
}

// computedTagTerraform runs images whose tags a variable sets: a Cloud Run
// service and an ECS task, beside a writer on the project of the first.
const computedTagTerraform = `
provider "google" {
  project = "example-prod"
  region  = "europe-west1"
}

variable "tag" {}

resource "google_service_account" "runner" {
  account_id = "runner"
}

resource "google_project_iam_member" "pusher" {
  project = "example-prod"
  role    = "roles/artifactregistry.writer"
  member  = "serviceAccount:ci-pusher@example-prod.iam.gserviceaccount.com"
}

resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "europe-west1"
  template {
    service_account = google_service_account.runner.email
    containers {
      image = "europe-west1-docker.pkg.dev/example-prod/images/api:${var.tag}"
    }
  }
}

resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name  = "web"
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/web:${var.tag}"
  }])
}
`

// TestComputedImageTagEndToEnd follows a writer to a workload whose image
// tag a variable sets. The workload runs some tag of the image, so it
// executes the image's name, possibly, and the writer reaches it and the
// service account it runs as.
func TestComputedImageTagEndToEnd(t *testing.T) {
	withNow(t)
	s := ingestFiles(t, []ingestInput{{"main.tf", computedTagTerraform, terraform.New()}})
	cloudRun := graph.GCPCloudRunID("example-prod", "europe-west1", "api")
	for _, tt := range []struct{ runtime, image string }{
		{cloudRun, "pkg:docker/example-prod/images/api?repository_url=europe-west1-docker.pkg.dev"},
		{"runtime:aws:ecs-task:web", "pkg:docker/web?repository_url=111122223333.dkr.ecr.us-east-1.amazonaws.com"},
	} {
		es, err := s.Expand(context.Background(), []string{tt.runtime}, graph.Out, graph.EdgeExecutes)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].To != tt.image || es[0].Confidence != graph.Possible {
			t.Errorf("%s executes %+v, want only %s, possible", tt.runtime, es, tt.image)
		}
	}
	pusher := graph.GCPServiceAccountID("ci-pusher@example-prod.iam.gserviceaccount.com")
	for _, target := range []string{cloudRun, graph.GCPServiceAccountID("runner@example-prod.iam.gserviceaccount.com")} {
		if !reaches(t, s, pusher, target) {
			t.Errorf("the blast radius of ci-pusher misses %s", target)
		}
	}
}
