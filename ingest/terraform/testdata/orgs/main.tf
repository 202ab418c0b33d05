resource "aws_organizations_organizational_unit" "prod" {
  name      = "prod"
  parent_id = "r-ab12"
}

resource "aws_organizations_account" "payments" {
  name      = "payments"
  email     = "payments@example.org"
  parent_id = aws_organizations_organizational_unit.prod.id
}

resource "aws_organizations_policy" "deny_leave" {
  name = "deny-leave"
  content = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "organizations:LeaveOrganization", Resource = "*" }]
  })
}

resource "aws_organizations_policy" "tags" {
  name    = "cost-center-tags"
  type    = "TAG_POLICY"
  content = jsonencode({ tags = { CostCenter = { tag_key = { "@@assign" = "CostCenter" } } } })
}

resource "aws_organizations_policy_attachment" "prod" {
  policy_id = aws_organizations_policy.deny_leave.id
  target_id = aws_organizations_organizational_unit.prod.id
}

resource "aws_organizations_policy_attachment" "payments_full" {
  policy_id = "p-FullAWSAccess"
  target_id = aws_organizations_account.payments.id
}

resource "aws_organizations_policy_attachment" "legacy" {
  policy_id = aws_organizations_policy.deny_leave.id
  target_id = "111122223333"
}
