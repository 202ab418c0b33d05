provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}

variable "legacy_db_password" {
  type    = string
  default = "CANARY-terraform-7f3a-dbvar"
}

resource "aws_iam_user" "backup" {
  name = "backup"
}

resource "aws_iam_access_key" "backup" {
  user = aws_iam_user.backup.name
}

resource "aws_s3_bucket" "vault" {
  bucket = "example-org-vault"
}

resource "aws_s3_object" "credentials" {
  bucket  = aws_s3_bucket.vault.id
  key     = "backup/credentials"
  content = <<-EOT
    [default]
    aws_access_key_id = ${aws_iam_access_key.backup.id}
    aws_secret_access_key = ${aws_iam_access_key.backup.secret}
  EOT
}

resource "aws_s3_object" "legacy" {
  bucket  = aws_s3_bucket.vault.id
  key     = "legacy.env"
  content = "AWS_ACCESS_KEY_ID=AKIACANARYTF7F3A0001"
}

resource "aws_s3_bucket_object" "deploy_key" {
  bucket = aws_s3_bucket.vault.id
  key    = "deploy.pem"
  source = "assets/deploy.pem"
}

resource "aws_s3_object" "readme" {
  bucket  = aws_s3_bucket.vault.id
  key     = "README.txt"
  content = "nothing to see here"
}

resource "aws_dynamodb_table" "config" {
  name     = "config"
  hash_key = "pk"

  attribute {
    name = "pk"
    type = "S"
  }
}

resource "aws_dynamodb_table_item" "backup_key" {
  table_name = aws_dynamodb_table.config.name
  hash_key   = aws_dynamodb_table.config.hash_key
  item = jsonencode({
    pk    = { S = "backup-key" }
    value = { S = aws_iam_access_key.backup.secret }
  })
}

resource "random_password" "orders" {
  length = 32
}

resource "aws_db_instance" "orders" {
  identifier = "orders"
  password   = random_password.orders.result
}

resource "aws_secretsmanager_secret" "orders" {
  name = "orders/db"
}

resource "aws_secretsmanager_secret_version" "orders" {
  secret_id     = aws_secretsmanager_secret.orders.id
  secret_string = jsonencode({ password = random_password.orders.result })
}

data "aws_secretsmanager_secret_version" "reports" {
  secret_id = "reports/db"
}

resource "aws_rds_cluster" "reports" {
  cluster_identifier = "reports"
  master_password    = data.aws_secretsmanager_secret_version.reports.secret_string
}

resource "aws_db_instance" "legacy" {
  identifier = "legacy"
  password   = var.legacy_db_password
}

resource "aws_instance" "migrator" {
  ami       = "ami-00000000000000000"
  user_data = "psql postgres://admin:${var.legacy_db_password}@legacy.internal.example/db"
}

resource "aws_api_gateway_api_key" "partner" {
  name  = "partner"
  value = "CANARY-terraform-7f3a-apikey0000"
}
