resource "aws_iam_user" "builder" {
  name = "builder"
  path = "/ci/"
}

resource "aws_iam_user_policy" "builder" {
  name   = "push-images"
  user   = aws_iam_user.builder.name
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ecr:PutImage", "ecr:InitiateLayerUpload"],
      "Resource": "${aws_ecr_repository.app.arn}"
    }
  ]
}
EOF
}

resource "aws_iam_role" "runner" {
  name               = "runner"
  assume_role_policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "${aws_iam_user.builder.arn}"},
        "Action": "sts:AssumeRole"
      }]
    }
  POLICY
}

resource "aws_iam_role_policy" "runner" {
  name   = "bad"
  role   = aws_iam_role.runner.id
  policy = <<EOF
{ "Version": "2012-10-17", "Statement": [
EOF
}

resource "aws_ecr_repository" "app" {
  name = "example-org/app"
}
