# Account 111122223333. ci-builder holds ec2:RunInstances and iam:PassRole
# in two policies, but may pass only the build-worker role. It reaches
# build-worker through a new instance, and so the artifacts bucket, never
# ops-admin.

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_role" "builder" {
  name = "ci-builder"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "launch" {
  name = "ci-launch-instances"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Launch", Effect = "Allow", Action = "ec2:RunInstances", Resource = "*" }]
  })
}

resource "aws_iam_policy" "pass_worker" {
  name = "ci-pass-worker"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "PassWorker", Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.worker.arn }]
  })
}

resource "aws_iam_role_policy_attachment" "launch" {
  role       = aws_iam_role.builder.name
  policy_arn = aws_iam_policy.launch.arn
}

resource "aws_iam_role_policy_attachment" "pass_worker" {
  role       = aws_iam_role.builder.name
  policy_arn = aws_iam_policy.pass_worker.arn
}

resource "aws_iam_role" "worker" {
  name = "build-worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "worker" {
  name = "read-artifacts"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Artifacts", Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.artifacts.arn}/*" }]
  })
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "example-org-build-artifacts"
}

resource "aws_iam_instance_profile" "worker" {
  name = "build-worker-profile"
  role = aws_iam_role.worker.name
}

resource "aws_iam_role" "ops_admin" {
  name = "ops-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "ops_admin" {
  role       = aws_iam_role.ops_admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_instance_profile" "ops_admin" {
  name = "ops-admin-profile"
  role = aws_iam_role.ops_admin.name
}
