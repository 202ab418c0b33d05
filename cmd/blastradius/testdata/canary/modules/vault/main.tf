variable "password" {
  sensitive = true
}

resource "github_actions_secret" "password" {
  repository      = "repo"
  secret_name     = "VAULT_PASSWORD"
  plaintext_value = var.password
}

output "token" {
  value     = "canary-module-output-E5k9"
  sensitive = true
}

output "password" {
  value     = var.password
  sensitive = true
}
