# Every credential-like value here must stay out of facts and messages.

variable "deploy_token" {
  type = string
}

locals {
  db_password = "CANARY-terraform-7f3a-local"
}

resource "aws_db_instance" "orders" {
  identifier = "orders"
  password   = local.db_password
}

resource "aws_iam_policy" "broken" {
  name   = "broken"
  policy = "CANARY-terraform-7f3a-policy"
}

resource "aws_iam_role" "broken" {
  name               = "broken"
  assume_role_policy = "{\"CANARY-terraform-7f3a\": ["
}

resource "aws_iam_user" "decoded" {
  name = jsondecode("CANARY-terraform-7f3a-decode")
}

resource "github_actions_secret" "token" {
  repository      = "api"
  secret_name     = "DEPLOY_TOKEN"
  plaintext_value = var.deploy_token
}

resource "aws_secretsmanager_secret" "db" {
  name = "orders/db"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = local.db_password
}

resource "aws_lambda_function" "fn" {
  function_name = "canary-fn"
  role          = "arn:aws:iam::111122223333:role/fn"
  environment {
    variables = merge({ TOKEN = "CANARY-terraform-7f3a-env" }, { OTHER = local.db_password })
  }
}

resource "aws_instance" "box" {
  ami       = "ami-00000000000000000"
  user_data = base64encode("echo CANARY-terraform-7f3a; export AWS_ACCESS_KEY_ID=AKIACANARYTF7F3A0000 AWS_SECRET_ACCESS_KEY=CANARYterraform7f3a/ExampleSecretKey0000")
}
