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
