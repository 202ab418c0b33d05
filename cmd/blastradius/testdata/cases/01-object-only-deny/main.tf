# Account 111122223333. The group's Deny covers reading the ledger's
# objects (s3:Get* on its objects) but not listing the bucket, so the user
# can still list the ledger's object keys and read none of them. Listing
# alone is not counted as reaching the bucket.

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

resource "aws_iam_group" "no_ledger" {
  name = "no-ledger-objects"
}

resource "aws_iam_group_policy" "no_ledger" {
  name  = "fence-off-ledger-objects"
  group = aws_iam_group.no_ledger.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "FenceObjects"
      Effect   = "Deny"
      Action   = "s3:Get*"
      Resource = "${aws_s3_bucket.ledger.arn}/*"
    }]
  })
}

resource "aws_iam_user_group_membership" "analyst" {
  user   = aws_iam_user.analyst.name
  groups = [aws_iam_group.no_ledger.name]
}
