# Account 111122223333. The allow is a managed policy attached to the user;
# the fence is a Deny in a customer managed policy attached to a group that
# the user joins through aws_iam_group_membership.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_s3_bucket" "ledger" {
  bucket = "example-org-ledger-prod"
}

resource "aws_s3_bucket" "reports" {
  bucket = "example-org-reports"
}

resource "aws_iam_user" "analyst" {
  name = "quinn-analyst"
}

resource "aws_iam_policy" "read" {
  name = "read-all-buckets"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadAnyBucket"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:ListBucket"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "read" {
  user       = aws_iam_user.analyst.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_group" "no_ledger" {
  name = "no-ledger-access"
}

resource "aws_iam_policy" "fence" {
  name = "fence-off-ledger"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "FenceLedger"
      Effect   = "Deny"
      Action   = "s3:*"
      Resource = [aws_s3_bucket.ledger.arn, "${aws_s3_bucket.ledger.arn}/*"]
    }]
  })
}

resource "aws_iam_group_policy_attachment" "fence" {
  group      = aws_iam_group.no_ledger.name
  policy_arn = aws_iam_policy.fence.arn
}

resource "aws_iam_group_membership" "no_ledger" {
  name  = "no-ledger-members"
  group = aws_iam_group.no_ledger.name
  users = [aws_iam_user.analyst.name]
}
