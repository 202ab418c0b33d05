# Account 111122223333. The allow is the user's own policy; the fence is a
# Deny in the user's permissions boundary, not in a group.

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

resource "aws_iam_policy" "boundary" {
  name = "analyst-boundary"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadOnlyCeiling"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = "*"
      },
      {
        Sid      = "NoLedger"
        Effect   = "Deny"
        Action   = "s3:*"
        Resource = [aws_s3_bucket.ledger.arn, "${aws_s3_bucket.ledger.arn}/*"]
      },
    ]
  })
}

resource "aws_iam_user" "analyst" {
  name                 = "quinn-analyst"
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_user_policy" "analyst_read_everything" {
  name = "read-all-buckets"
  user = aws_iam_user.analyst.name
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
