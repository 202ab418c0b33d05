# Account 111122223333. The fence is a Deny in a group policy, but the user
# may take itself out of that group: the ledger is then reachable in two
# steps (remove the membership, then read).

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_s3_bucket" "ledger" {
  bucket = "example-org-ledger-prod"
}

resource "aws_iam_user" "analyst" {
  name = "quinn-analyst"
}

resource "aws_iam_user_policy" "analyst" {
  name = "read-and-leave"
  user = aws_iam_user.analyst.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadAnyBucket"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = "*"
      },
      {
        Sid      = "LeaveFence"
        Effect   = "Allow"
        Action   = "iam:RemoveUserFromGroup"
        Resource = aws_iam_group.no_ledger.arn
      },
    ]
  })
}

resource "aws_iam_group" "no_ledger" {
  name = "no-ledger-access"
}

resource "aws_iam_group_policy" "no_ledger" {
  name  = "fence-off-ledger"
  group = aws_iam_group.no_ledger.name
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

resource "aws_iam_user_group_membership" "analyst" {
  user   = aws_iam_user.analyst.name
  groups = [aws_iam_group.no_ledger.name]
}
