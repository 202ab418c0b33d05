resource "aws_iam_user" "auditor" {
  name = "auditor"
}
