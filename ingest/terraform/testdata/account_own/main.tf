# The trust policy names a user this module declares: its account is the
# module's. The foreign root and the partner's role do not count.

resource "aws_iam_user" "deployer" {
  name = "deployer"
  path = "/ci/"
}

resource "aws_iam_role" "release" {
  name = "release"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = ["arn:aws:iam::111122223333:user/ci/deployer", "arn:aws:iam::444455556666:root"] }
    }]
  })
}

resource "aws_iam_role_policy" "release" {
  name = "hop"
  role = aws_iam_role.release.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:aws:iam::777788889999:role/partner-audit"
    }]
  })
}
