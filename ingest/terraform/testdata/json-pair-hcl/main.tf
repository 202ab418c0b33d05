# The same module as ../json-pair-json, written in HCL. Their facts must
# be equal, positions aside.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

provider "google" {
  project = "example-prod"
}

variable "role_name" {
  type    = string
  default = "deploy"
}

variable "secret_name" {
  type    = string
  default = "orders/db-default"
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "CANARY-tfjson-default"
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:example-org/app:*"]
    }
  }
}

data "aws_iam_policy_document" "read" {
  dynamic "statement" {
    for_each = { db = aws_secretsmanager_secret.db.arn }
    iterator = s
    content {
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [s.value]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = var.role_name
  assume_role_policy = data.aws_iam_policy_document.trust.json

  inline_policy {
    name   = "read-${var.role_name}"
    policy = data.aws_iam_policy_document.read.json
  }
}

resource "aws_secretsmanager_secret" "db" {
  name = var.secret_name
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = var.db_password
}

resource "google_project_iam_member" "ci" {
  project = "example-prod"
  role    = "roles/secretmanager.secretAccessor"
  member  = "serviceAccount:ci@example-prod.iam.gserviceaccount.com"

  condition {
    title      = "office-hours"
    expression = "request.time.getHours(\"Europe/Berlin\") < 18"
  }
}
