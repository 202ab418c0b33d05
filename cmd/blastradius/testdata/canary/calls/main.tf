provider "aws" {
  allowed_account_ids = ["111122223333"]
}

module "vault" {
  source   = "../modules/vault"
  password = "canary-module-arg-C3x6"
}

resource "aws_iam_user" "token" {
  name = "svc-${module.vault.token}"
}

resource "aws_iam_user" "password" {
  name = "svc-${module.vault.password}"
}

resource "github_actions_secret" "each" {
  for_each        = { EACH_TOKEN = "canary-for-each-A8f2" }
  repository      = "repo"
  secret_name     = each.key
  plaintext_value = each.value
}
