provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

# Settings left to variables without a default: the input does not show
# whether anyone may sign up or get a guest identity.
variable "admin_only" {
  type = bool
}

variable "guests" {
  type = bool
}

# A null default leaves the setting at the provider's default (false).
variable "classic" {
  type    = bool
  default = null
}

resource "aws_cognito_user_pool" "members" {
  name = "example-members"
  admin_create_user_config {
    allow_admin_create_user_only = var.admin_only
  }
}

resource "aws_cognito_user_pool_client" "members" {
  name         = "example-members-web"
  user_pool_id = aws_cognito_user_pool.members.id
}

resource "aws_cognito_identity_pool" "members" {
  identity_pool_name               = "example_members"
  allow_unauthenticated_identities = var.guests
  allow_classic_flow               = var.classic
  cognito_identity_providers {
    client_id     = aws_cognito_user_pool_client.members.id
    provider_name = aws_cognito_user_pool.members.endpoint
  }
}

data "aws_iam_policy_document" "members" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.members.id]
    }
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["authenticated"]
    }
  }
}

data "aws_iam_policy_document" "visitors" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.members.id]
    }
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["unauthenticated"]
    }
  }
}

resource "aws_iam_role" "members" {
  name               = "example-members"
  assume_role_policy = data.aws_iam_policy_document.members.json
}

resource "aws_iam_role" "visitors" {
  name               = "example-visitors"
  assume_role_policy = data.aws_iam_policy_document.visitors.json
}

resource "aws_cognito_identity_pool_roles_attachment" "members" {
  identity_pool_id = aws_cognito_identity_pool.members.id
  roles = {
    authenticated   = aws_iam_role.members.arn
    unauthenticated = aws_iam_role.visitors.arn
  }
}
