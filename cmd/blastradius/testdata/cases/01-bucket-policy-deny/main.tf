# Account 111122223333. The allow is the user's own policy; the fence is a
# Deny for the user in the ledger bucket's own policy.

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

resource "aws_s3_bucket_policy" "ledger" {
  bucket = aws_s3_bucket.ledger.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "NoAnalysts"
      Effect    = "Deny"
      Principal = { AWS = aws_iam_user.analyst.arn }
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.ledger.arn, "${aws_s3_bucket.ledger.arn}/*"]
    }]
  })
}
