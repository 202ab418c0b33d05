provider "aws" {
  allowed_account_ids = ["111122223333"]
}

module "vault" {
  source   = "./vault"
  password = "CANARY-module-argument"
  label    = sensitive("CANARY-module-sensitive")
}

resource "aws_iam_user" "token" {
  name = "svc-${module.vault.token}"
}

resource "aws_iam_user" "password" {
  name = "svc-${module.vault.password}"
}

resource "github_actions_secret" "each" {
  for_each        = { TOKEN = "CANARY-for-each-value" }
  repository      = "app"
  secret_name     = each.key
  plaintext_value = each.value
}
