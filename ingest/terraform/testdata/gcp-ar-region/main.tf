provider "google" {
  project = "example-prod"
  region  = "europe-west1"
}

# No location: the provider's region.
resource "google_artifact_registry_repository" "app" {
  repository_id = "app"
  format        = "DOCKER"
}

resource "google_artifact_registry_repository_iam_member" "push" {
  repository = google_artifact_registry_repository.app.name
  role       = "roles/artifactregistry.writer"
  member     = "user:wendy@example.com"
}

resource "google_artifact_registry_repository_iam_member" "by_id" {
  repository = google_artifact_registry_repository.app.id
  role       = "roles/artifactregistry.reader"
  member     = "user:reed@example.com"
}
