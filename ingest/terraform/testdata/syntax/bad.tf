resource "aws_iam_role" "broken" {
  name = "CANARY-terraform-7f3a" "extra"
}
