# GitHub provider, owner example-org. Secret values come from variables.

variable "chat_bot_token" {
  type      = string
  sensitive = true
}

variable "npm_publish_token" {
  type      = string
  sensitive = true
}

resource "github_actions_secret" "chat_bot_token" {
  repository      = "app"
  secret_name     = "CHAT_BOT_TOKEN"
  plaintext_value = var.chat_bot_token
}

resource "github_actions_secret" "npm_publish_token" {
  repository      = "app"
  secret_name     = "NPM_PUBLISH_TOKEN"
  plaintext_value = var.npm_publish_token
}
