provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

provider "github" {
  owner = "example-org"
}

variable "db_password" {
  default = "canary-tfvar-default-M1n3"
}

resource "aws_iam_user" "app" {
  name = "canary-app"
}

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = var.db_password
}

resource "aws_ssm_parameter" "token" {
  name  = "/app/token"
  type  = "SecureString"
  value = "canary-ssm-value-K2v8"
}

resource "aws_lambda_function" "fn" {
  function_name = "canary-fn"
  role          = "arn:aws:iam::111122223333:role/canary-fn"
  environment {
    variables = {
      STRIPE_KEY = "canary-lambda-env-H6w4"
    }
  }
}

resource "github_actions_secret" "api" {
  repository      = "repo"
  secret_name     = "API_KEY"
  plaintext_value = "canary-gh-plaintext-J9c3"
}

resource "aws_instance" "box" {
  ami       = "ami-12345678"
  user_data = "export AWS_SECRET_ACCESS_KEY=canary-userdata-N5b7"
}
