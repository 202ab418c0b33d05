provider "aws" {
  alias               = "mgmt"
  allowed_account_ids = ["999988887777"]
}

resource "aws_organizations_organization" "org" {
  provider    = aws.mgmt
  feature_set = "ALL"
}

resource "aws_iam_role" "auditor" {
  provider           = aws.mgmt
  name               = "auditor"
  assume_role_policy = "{}"
}
