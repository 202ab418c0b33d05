variable "password" {
  sensitive = true
}

variable "label" {}

resource "github_actions_secret" "password" {
  repository      = "app"
  secret_name     = "VAULT_PASSWORD"
  plaintext_value = var.password
}

resource "aws_ssm_parameter" "label" {
  name  = "/vault/${var.label}"
  type  = "SecureString"
  value = var.password
}

output "token" {
  value     = "CANARY-module-output"
  sensitive = true
}

output "password" {
  value     = var.password
  sensitive = true
}
