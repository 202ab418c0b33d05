# Account 111122223333. The auditor may only read the vault-reader role
# (iam:GetRole): it cannot pass, assume or change it, so it never acts as
# the role and never reads the vault bucket.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_iam_user" "auditor" {
  name = "auditor"
}
resource "aws_iam_user_policy" "auditor" {
  name = "look-at-role"
  user = aws_iam_user.auditor.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "GetRole", Effect = "Allow", Action = "iam:GetRole", Resource = aws_iam_role.vault.arn }]
  })
}
resource "aws_iam_role" "vault" {
  name = "vault-reader"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy" "vault" {
  name = "read-vault"
  role = aws_iam_role.vault.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Vault", Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.vault.arn}/*" }]
  })
}
resource "aws_s3_bucket" "vault" {
  bucket = "example-org-vault"
}
