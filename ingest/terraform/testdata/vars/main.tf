provider "aws" {
  region = var.region
}

resource "aws_iam_role" "app" {
  name = "app-${var.env}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = concat(var.extra_principals, ["arn:aws:iam::${var.account_id}:root"]) }
    }]
  })
}

resource "aws_iam_user" "team" {
  name = "${var.team}-bot"
}

resource "aws_iam_policy_attachment" "readers" {
  name       = "readers"
  users      = var.readers
  roles      = [aws_iam_role.app.name]
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_dynamodb_table" "orders" {
  name = "orders-${var.env}"
}
