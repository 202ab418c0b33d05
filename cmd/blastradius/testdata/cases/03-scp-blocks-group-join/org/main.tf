# Management account 111122223333: owns the organization and its policies.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_organizations_policy" "no_group_changes" {
  name = "no-group-changes"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "BlockGroupChanges"
      Effect   = "Deny"
      Action   = ["iam:AddUserToGroup", "iam:Attach*"]
      Resource = "*"
    }]
  })
}

resource "aws_organizations_policy_attachment" "dev" {
  policy_id = aws_organizations_policy.no_group_changes.id
  target_id = "444455556666"
}
