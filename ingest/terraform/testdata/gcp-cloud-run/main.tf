provider "google" {
  project = "example-prod"
  region  = "europe-west1"
}

resource "google_service_account" "run" {
  account_id = "api-runner"
}

resource "google_cloud_run_v2_service" "api" {
  name     = "api"
  location = "europe-west1"

  template {
    service_account = google_service_account.run.email
    containers {
      name  = "api"
      image = "europe-west1-docker.pkg.dev/example-prod/app/api:1.4.0"
      env {
        name  = "LOG_LEVEL"
        value = "debug"
      }
      env {
        name  = "PAYMENTS_API_KEY"
        value = "pk-canary-5e2a9c7d1b3f4086"
      }
    }
    containers {
      image = "europe-west1-docker.pkg.dev/example-prod/app/sidecar@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
      env {
        name  = "KEY_ID"
        value = "AKIAIOSFODNN7CANARY1"
      }
    }
  }
}

resource "google_cloud_run_v2_job" "report" {
  name = "report"

  template {
    template {
      service_account = "reporter@example-prod.iam.gserviceaccount.com"
      containers {
        image = "europe-west1-docker.pkg.dev/example-prod/app/report:2"
      }
    }
  }
}

resource "google_cloud_run_v2_service" "default_account" {
  name     = "plain"
  location = "europe-west1"

  template {
    containers {
      image = "europe-west1-docker.pkg.dev/example-prod/app/plain:1"
    }
  }
}

resource "google_cloud_run_service" "legacy" {
  name     = "legacy"
  location = "europe-west1"

  template {
    spec {
      service_account_name = "legacy-runner@example-prod.iam.gserviceaccount.com"
      containers {
        image = "europe-west1-docker.pkg.dev/example-prod/app/legacy:3"
      }
    }
  }
}
