provider "google" {
  project = "example-prod"
  region  = "europe-west1"
}

resource "google_service_account" "fn" {
  account_id = "thumbnailer"
}

# 1st gen, with its own account, a secret in the environment, one in a
# volume and one in another project, and a literal token.
resource "google_cloudfunctions_function" "thumbs" {
  name                  = "thumbs"
  runtime               = "nodejs20"
  service_account_email = google_service_account.fn.email

  environment_variables = {
    LOG_LEVEL     = "info"
    UPLOAD_TOKEN  = "ghp_canaryZ0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4"
  }

  secret_environment_variables {
    key     = "DB_PASSWORD"
    secret  = "thumbs-db"
    version = "latest"
  }

  secret_environment_variables {
    key        = "SHARED_KEY"
    project_id = "example-shared"
    secret     = "signing-key"
    version    = "3"
  }

  secret_volumes {
    mount_path = "/etc/thumbs"
    secret     = "thumbs-config"
  }
}

# 1st gen without an account: the App Engine default account of its
# project, in the provider's region.
resource "google_cloudfunctions_function" "legacy" {
  name    = "legacy"
  runtime = "python312"
}

# 2nd gen: the account and secrets sit in service_config.
resource "google_cloudfunctions2_function" "resize" {
  name     = "resize"
  location = "us-central1"

  service_config {
    service_account_email = "resizer@example-prod.iam.gserviceaccount.com"

    secret_environment_variables {
      key        = "API_KEY"
      project_id = "example-prod"
      secret     = "resize-api"
      version    = "latest"
    }
  }
}

# 2nd gen without an account runs as the Compute Engine default account,
# named by the project's number, which the configuration does not show.
resource "google_cloudfunctions2_function" "plain" {
  name     = "plain"
  location = "us-central1"
}

variable "worker_sa" {}

# An account the input does not resolve: its credentials are possible.
resource "google_cloudfunctions_function" "worker" {
  name                  = "worker"
  service_account_email = var.worker_sa
}
