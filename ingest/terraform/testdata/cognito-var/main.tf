provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

# The names hold a variable without a default, as a module's inputs do.
variable "suffix" {
  type = string
}

resource "aws_cognito_user_pool" "customers" {
  name = "example-customers-${var.suffix}"
}

resource "aws_cognito_identity_pool" "customers" {
  identity_pool_name = "example_customers_${var.suffix}"
  cognito_identity_providers {
    provider_name = aws_cognito_user_pool.customers.endpoint
  }
}

resource "aws_iam_role" "customers" {
  name = "example-customers-${var.suffix}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "cognito-identity.amazonaws.com:aud" = aws_cognito_identity_pool.customers.id }
      }
    }]
  })
}

resource "aws_cognito_identity_pool_roles_attachment" "customers" {
  identity_pool_id = aws_cognito_identity_pool.customers.id
  roles = {
    authenticated = aws_iam_role.customers.arn
  }
}
