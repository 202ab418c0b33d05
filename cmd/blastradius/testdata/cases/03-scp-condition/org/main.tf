# Management account 111122223333: owns the organization and its policies.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_organizations_policy" "iam_writes_breakglass_only" {
  name = "iam-writes-breakglass-only"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "OnlyBreakglassEditsIdentities"
      Effect   = "Deny"
      Action   = ["iam:Put*", "iam:Attach*"]
      Resource = "*"
      Condition = {
        ArnNotLike = { "aws:PrincipalARN" = "arn:aws:iam::*:role/breakglass-*" }
      }
    }]
  })
}

resource "aws_organizations_policy_attachment" "dev" {
  policy_id = aws_organizations_policy.iam_writes_breakglass_only.id
  target_id = "444455556666"
}
