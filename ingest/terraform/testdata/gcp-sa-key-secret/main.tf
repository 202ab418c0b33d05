provider "google" {
  project = "example-prod"
}

resource "google_service_account" "pusher" {
  account_id = "pusher"
}

resource "google_service_account_key" "ci" {
  service_account_id = google_service_account.pusher.name
}

resource "github_actions_secret" "key" {
  repository      = "api"
  secret_name     = "GCP_SA_KEY"
  plaintext_value = google_service_account_key.ci.private_key
}

resource "github_actions_secret" "decoded" {
  repository      = "api"
  secret_name     = "GCP_SA_JSON"
  plaintext_value = base64decode(google_service_account_key.ci.private_key)
}

# The public key does not authenticate as the account.
resource "github_actions_secret" "public" {
  repository      = "api"
  secret_name     = "GCP_SA_PUBLIC"
  plaintext_value = google_service_account_key.ci.public_key
}
