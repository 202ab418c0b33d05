# The google provider sets no project, and no block sets one: Terraform
# takes the project from the environment or the credentials.
provider "google" {
  region = "europe-west1"
  zone   = "europe-west1-b"
}

resource "google_service_account" "app" {
  account_id = "app"
}

resource "google_secret_manager_secret" "db" {
  secret_id = "db-password"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "db" {
  secret      = google_secret_manager_secret.db.id
  secret_data = "CANARY-terraform-gproj-4b1d"
}

resource "google_secret_manager_secret_iam_member" "app" {
  secret_id = google_secret_manager_secret.db.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.app.email}"
}

resource "google_cloud_run_v2_service" "api" {
  name = "api"
  template {
    service_account = google_service_account.app.email
    containers {
      image = "europe-west1-docker.pkg.dev/example-prod/app/api:1.0"
      env {
        name = "DB_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.db.secret_id
            version = "latest"
          }
        }
      }
    }
  }
}

resource "google_compute_instance" "web" {
  name         = "web"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
  service_account {
    email  = google_service_account.app.email
    scopes = ["cloud-platform"]
  }
}

resource "google_compute_instance_template" "worker" {
  name         = "worker"
  machine_type = "e2-small"
  disk {
    source_image = "debian-cloud/debian-12"
    boot         = true
  }
  network_interface {
    network = "default"
  }
}

# A project of its own: unchanged.
resource "google_compute_instance" "dev" {
  name         = "dev"
  project      = "example-dev"
  machine_type = "e2-small"
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
}
