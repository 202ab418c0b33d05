# Member account 444455556666 with a service control policy that denies
# joining groups and attaching policies, but not writing inline policies:
# the answer of the SCP case flips. The inline-policy writer becomes an
# administrator; the group joiner does not.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["444455556666"]
}

resource "aws_secretsmanager_secret" "db" {
  name = "dev/orders-db-password"
}

resource "aws_iam_group" "platform_admins" {
  name = "platform-admins"
}

resource "aws_iam_group_policy_attachment" "platform_admins" {
  group      = aws_iam_group.platform_admins.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "put_self" {
  name = "svc-put-self"
}

resource "aws_iam_user_policy" "put_self" {
  name = "self-edit"
  user = aws_iam_user.put_self.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PutUserPolicy", Resource = aws_iam_user.put_self.arn }]
  })
}

resource "aws_iam_user" "group_joiner" {
  name = "svc-group-joiner"
}

resource "aws_iam_user_policy" "group_joiner" {
  name = "join-admins"
  user = aws_iam_user.group_joiner.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:AddUserToGroup", Resource = aws_iam_group.platform_admins.arn }]
  })
}
