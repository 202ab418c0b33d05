provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

# Anyone may sign up: admin_create_user_config is left at its default.
resource "aws_cognito_user_pool" "customers" {
  name = "example-customers"
}

# Only administrators create users here.
resource "aws_cognito_user_pool" "staff" {
  name = "example-staff"
  admin_create_user_config {
    allow_admin_create_user_only = true
  }
}

resource "aws_cognito_user_pool_client" "customers" {
  name         = "example-customers-web"
  user_pool_id = aws_cognito_user_pool.customers.id
}

resource "aws_cognito_identity_pool" "customers" {
  identity_pool_name               = "example_customers"
  allow_unauthenticated_identities = true
  cognito_identity_providers {
    client_id     = aws_cognito_user_pool_client.customers.id
    provider_name = aws_cognito_user_pool.customers.endpoint
  }
}

resource "aws_cognito_identity_pool" "staff" {
  identity_pool_name = "example_staff"
  cognito_identity_providers {
    provider_name = aws_cognito_user_pool.staff.endpoint
  }
}

data "aws_iam_policy_document" "customers" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.customers.id]
    }
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["authenticated"]
    }
  }
}

data "aws_iam_policy_document" "guests" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.customers.id]
    }
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["unauthenticated"]
    }
  }
}

data "aws_iam_policy_document" "staff" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.staff.id]
    }
  }
}

resource "aws_iam_role" "customers" {
  name               = "example-customers"
  assume_role_policy = data.aws_iam_policy_document.customers.json
}

resource "aws_iam_role" "guests" {
  name               = "example-guests"
  assume_role_policy = data.aws_iam_policy_document.guests.json
}

resource "aws_iam_role" "staff" {
  name               = "example-staff"
  assume_role_policy = data.aws_iam_policy_document.staff.json
}

resource "aws_cognito_identity_pool_roles_attachment" "customers" {
  identity_pool_id = aws_cognito_identity_pool.customers.id
  roles = {
    authenticated   = aws_iam_role.customers.arn
    unauthenticated = aws_iam_role.guests.arn
  }
}

resource "aws_cognito_identity_pool_roles_attachment" "staff" {
  identity_pool_id = aws_cognito_identity_pool.staff.id
  roles = {
    authenticated = aws_iam_role.staff.arn
  }
}
