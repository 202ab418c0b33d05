package link

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
)

// computeTerraform grants upload access on example-prod to ci-pusher. A
// Container-Optimized OS instance and an instance template run images of
// the project as their service accounts. A third instance declares no
// container.
const computeTerraform = `
provider "google" {
  project = "example-prod"
  zone    = "europe-west1-b"
}

resource "google_service_account" "pusher" {
  account_id = "ci-pusher"
}

resource "google_project_iam_member" "push" {
  role   = "roles/artifactregistry.writer"
  member = google_service_account.pusher.member
}

resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "cos-cloud/cos-stable"
    }
  }
  network_interface {
    network = "default"
  }
  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: gcr.io/example-prod/web:1.2\n"
  }
  service_account {
    email  = "web-vm@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

resource "google_compute_instance_template" "worker" {
  name         = "worker"
  machine_type = "e2-small"
  disk {
    source_image = "cos-cloud/cos-stable"
  }
  network_interface {
    network = "default"
  }
  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: europe-west1-docker.pkg.dev/example-prod/jobs/worker:5\n"
  }
  service_account {
    email  = "worker@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

resource "google_compute_instance" "bastion" {
  name         = "bastion"
  machine_type = "e2-micro"
  boot_disk {
    initialize_params {
      image = "cos-cloud/cos-stable"
    }
  }
  network_interface {
    network = "default"
  }
  service_account {
    email  = "bastion@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}
`

// TestGCPComputeImagePushEndToEnd follows a writer on the project from
// the images it can push to the instance and the template that run them,
// and on to their service accounts.
func TestGCPComputeImagePushEndToEnd(t *testing.T) {
	withNow(t)
	s := ingestFiles(t, []ingestInput{{"main.tf", computeTerraform, terraform.New()}})
	sa := func(name string) string {
		return graph.GCPServiceAccountID(name + "@example-prod.iam.gserviceaccount.com")
	}
	pusher := sa("ci-pusher")
	web := graph.GCPComputeInstanceID("example-prod", "europe-west1-b", "web")
	worker := graph.GCPInstanceTemplateID("example-prod", "", "worker")
	bastion := graph.GCPComputeInstanceID("example-prod", "europe-west1-b", "bastion")
	for _, target := range []string{web, sa("web-vm"), worker, sa("worker")} {
		if !reaches(t, s, pusher, target) {
			t.Errorf("the blast radius of ci-pusher misses %s", target)
		}
	}
	// bastion runs no image that ci-pusher can push.
	for _, target := range []string{bastion, sa("bastion")} {
		if reaches(t, s, pusher, target) {
			t.Errorf("the blast radius of ci-pusher holds %s", target)
		}
	}
}

// TestGCPComputeUnnamedTemplate follows a writer on the project to an
// instance template without name or name_prefix, whose name the provider
// generates, and on to its service account.
func TestGCPComputeUnnamedTemplate(t *testing.T) {
	withNow(t)
	const src = `
provider "google" {
  project = "example-prod"
}

resource "google_project_iam_member" "push" {
  role   = "roles/artifactregistry.writer"
  member = "serviceAccount:ci-pusher@example-prod.iam.gserviceaccount.com"
}

resource "google_compute_instance_template" "app" {
  machine_type = "e2-small"
  disk {
    source_image = "cos-cloud/cos-stable"
  }
  network_interface {
    network = "default"
  }
  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: gcr.io/example-prod/app:1\n"
  }
  service_account {
    email  = "app-vm@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
  lifecycle {
    create_before_destroy = true
  }
}
`
	s := ingestFiles(t, []ingestInput{{"main.tf", src, terraform.New()}})
	pusher := graph.GCPServiceAccountID("ci-pusher@example-prod.iam.gserviceaccount.com")
	vm := graph.GCPServiceAccountID("app-vm@example-prod.iam.gserviceaccount.com")
	if !reaches(t, s, pusher, vm) {
		t.Errorf("the blast radius of ci-pusher misses %s", vm)
	}
}

// TestGCPComputeUnnamedTemplatesApart keeps apart two templates without a
// name in two folders that declare them at the same address. The provider
// gives each a name of its own, so a writer of the api image reaches the
// api template's account and not the worker's.
func TestGCPComputeUnnamedTemplatesApart(t *testing.T) {
	withNow(t)
	template := func(image, email string) string {
		return `
provider "google" {
  project = "example-prod"
}

resource "google_compute_instance_template" "this" {
  machine_type = "e2-small"
  disk {
    source_image = "cos-cloud/cos-stable"
  }
  network_interface {
    network = "default"
  }
  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: ` + image + `\n"
  }
  service_account {
    email  = "` + email + `"
    scopes = ["cloud-platform"]
  }
}
`
	}
	const grant = `
resource "google_artifact_registry_repository_iam_member" "push" {
  project    = "example-prod"
  location   = "europe-west1"
  repository = "api"
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:api-pusher@example-prod.iam.gserviceaccount.com"
}
`
	s := ingestFiles(t, []ingestInput{
		{"api/main.tf", template("europe-west1-docker.pkg.dev/example-prod/api/api:1", "api-vm@example-prod.iam.gserviceaccount.com"), terraform.New()},
		{"worker/main.tf", template("europe-west1-docker.pkg.dev/example-prod/worker/worker:1", "worker-vm@example-prod.iam.gserviceaccount.com"), terraform.New()},
		{"iam/main.tf", grant, terraform.New()},
	})
	pusher := graph.GCPServiceAccountID("api-pusher@example-prod.iam.gserviceaccount.com")
	if api := graph.GCPServiceAccountID("api-vm@example-prod.iam.gserviceaccount.com"); !reaches(t, s, pusher, api) {
		t.Errorf("the blast radius of api-pusher misses %s", api)
	}
	if worker := graph.GCPServiceAccountID("worker-vm@example-prod.iam.gserviceaccount.com"); reaches(t, s, pusher, worker) {
		t.Errorf("the blast radius of api-pusher holds %s", worker)
	}
}
