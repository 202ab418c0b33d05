provider "google" {
  project = "example-prod"
}

resource "google_service_account" "etl" {
  account_id = "etl"
}

resource "google_service_account_key" "etl" {
  service_account_id = google_service_account.etl.name
}

variable "deploy_token" {
  type      = string
  sensitive = true
}

# Only pipelines on protected branches and tags receive it.
resource "gitlab_project_variable" "key" {
  project   = "acme/data-pipeline"
  key       = "GCP_SA_KEY_B64"
  value     = google_service_account_key.etl.private_key
  protected = true
  masked    = true
}

# Only jobs of the production environment receive it, as a file.
resource "gitlab_project_variable" "deploy" {
  project           = "acme/data-pipeline"
  key               = "DEPLOY_TOKEN"
  value             = var.deploy_token
  environment_scope = "production"
  variable_type     = "file"
}

# Every project of the group receives it.
resource "gitlab_group_variable" "shared" {
  group = "acme"
  key   = "SHARED_GCP_KEY"
  value = google_service_account_key.etl.private_key
}

# A numeric project id names no path the jobs can be matched with.
resource "gitlab_project_variable" "by_id" {
  project = "1234"
  key     = "OTHER"
  value   = var.deploy_token
}
