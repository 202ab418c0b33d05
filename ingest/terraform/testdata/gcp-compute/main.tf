provider "google" {
  project = "example-prod"
  region  = "europe-west1"
  zone    = "europe-west1-b"
}

variable "boot_image" {
  type = string
}

resource "google_service_account" "web" {
  account_id = "web-vm"
}

# Container-Optimized OS runs the declared container. The token of web-vm
# reaches every API (cloud-platform).
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
    gce-container-declaration = <<-EOT
      spec:
        containers:
          - name: web
            image: gcr.io/example-prod/web:1.2
            env:
              - name: API_TOKEN
                value: tok-7f3a9c1e5b2d4680
        restartPolicy: Always
    EOT
  }

  service_account {
    email  = google_service_account.web.email
    scopes = ["cloud-platform"]
  }
}

# The boot image is a variable, so whether it is Container-Optimized OS is
# not known. The scopes cover Cloud Storage reads and logging only.
resource "google_compute_instance" "batch" {
  name         = "batch"
  machine_type = "e2-small"
  zone         = "europe-west1-c"

  boot_disk {
    initialize_params {
      image = var.boot_image
    }
  }

  network_interface {
    network = "default"
  }

  metadata = {
    "gce-container-declaration" = jsonencode({
      spec = {
        containers = [{ image = "europe-west1-docker.pkg.dev/example-prod/app/batch:3" }]
      }
    })
  }

  service_account {
    email  = "batch@example-prod.iam.gserviceaccount.com"
    scopes = ["storage-ro", "logging-write"]
  }
}

# No container declaration: the instance runs no declared image.
resource "google_compute_instance" "bastion" {
  name         = "bastion"
  machine_type = "e2-micro"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }

  metadata = {
    enable-oslogin = "TRUE"
  }

  service_account {
    email  = "bastion@example-prod.iam.gserviceaccount.com"
    scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }
}

# A service_account block without email attaches the Compute Engine
# default account, named by the project's number.
resource "google_compute_instance" "plain" {
  name         = "plain"
  machine_type = "e2-micro"

  boot_disk {
    initialize_params {
      image = "projects/cos-cloud/global/images/family/cos-stable"
    }
  }

  network_interface {
    network = "default"
  }

  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: gcr.io/example-prod/plain:1\n"
  }

  service_account {
    scopes = ["cloud-platform"]
  }
}

# The email "default" also names the Compute Engine default account.
resource "google_compute_instance" "dflt" {
  name         = "dflt"
  machine_type = "e2-micro"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }

  service_account {
    email  = "default"
    scopes = ["cloud-platform"]
  }
}

# The declaration is not YAML.
resource "google_compute_instance" "broken" {
  name         = "broken"
  machine_type = "e2-micro"

  boot_disk {
    initialize_params {
      image = "cos-cloud/cos-stable"
    }
  }

  network_interface {
    network = "default"
  }

  metadata = {
    gce-container-declaration = "spec: [containers"
  }

  service_account {
    email  = "broken@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

resource "google_compute_instance_template" "worker" {
  name         = "worker"
  machine_type = "e2-small"

  disk {
    source_image = "cos-cloud/cos-113-lts"
    boot         = true
  }

  network_interface {
    network = "default"
  }

  metadata = {
    gce-container-declaration = <<-EOT
      spec:
        containers:
          - image: us-docker.pkg.dev/example-prod/jobs/worker:5
          - image: us-docker.pkg.dev/example-prod/jobs/agent@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
    EOT
  }

  service_account {
    email  = "worker@example-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }
}

# A regional template in the provider's region, named by prefix, without a
# service account.
resource "google_compute_region_instance_template" "edge" {
  name_prefix  = "edge-"
  machine_type = "e2-small"

  disk {
    source_image = "cos-cloud/cos-stable"
  }

  network_interface {
    network = "default"
  }

  metadata = {
    gce-container-declaration = "spec:\n  containers:\n    - image: gcr.io/example-prod/edge:2\n"
  }
}
