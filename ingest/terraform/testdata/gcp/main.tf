provider "google" {
  project = "example-prod"
}

provider "google" {
  alias   = "dev"
  project = "example-dev"
}

resource "google_service_account" "deployer" {
  account_id = "deployer"
}

resource "google_service_account" "app" {
  account_id = "app"
}

resource "google_service_account" "tester" {
  provider   = google.dev
  account_id = "tester"
}

resource "google_storage_bucket" "artifacts" {
  name     = "example-org-artifacts"
  location = "EU"
}

resource "google_storage_bucket_iam_member" "deployer_reads" {
  bucket = google_storage_bucket.artifacts.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.deployer.email}"
}

resource "google_iam_workload_identity_pool" "github" {
  workload_identity_pool_id = "github"
}

resource "google_iam_workload_identity_pool_provider" "actions" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "actions"
  attribute_condition                = "assertion.repository_owner == \"example-org\""
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
  }
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account_iam_member" "github_deploys" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/attribute.repository/example-org/app"
}

resource "google_service_account_key" "deployer" {
  service_account_id = google_service_account.deployer.name
}

resource "google_secret_manager_secret" "db" {
  secret_id = "db-password"
  replication {
    auto {}
  }
}

data "google_iam_policy" "db_readers" {
  binding {
    role    = "roles/secretmanager.secretAccessor"
    members = ["serviceAccount:${google_service_account.app.email}"]
  }
}

resource "google_secret_manager_secret_iam_policy" "db" {
  secret_id   = google_secret_manager_secret.db.id
  policy_data = data.google_iam_policy.db_readers.policy_data
}

resource "google_project_iam_binding" "testers" {
  provider = google.dev
  role     = "roles/iam.serviceAccountTokenCreator"
  members  = ["user:erin@example.com"]
  condition {
    title      = "from 2020"
    expression = "request.time > timestamp(\"2020-01-01T00:00:00Z\")"
  }
}

resource "google_container_cluster" "prod" {
  name     = "prod"
  location = "europe-west1"
  workload_identity_config {
    workload_pool = "example-prod.svc.id.goog"
  }
}

resource "google_service_account_iam_member" "api_is_app" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:example-prod.svc.id.goog[shop/api]"
}

resource "kubernetes_service_account" "api" {
  metadata {
    name      = "api"
    namespace = "shop"
    annotations = {
      "iam.gke.io/gcp-service-account" = google_service_account.app.email
    }
  }
}

resource "google_secret_manager_secret_version" "db" {
  secret      = google_secret_manager_secret.db.id
  secret_data = "CANARY-terraform-gcp-7f3a"
}
