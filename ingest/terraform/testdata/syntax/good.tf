resource "aws_iam_user" "ok" {
  name = "ok"
}

resource "aws_iam_user_policy_attachment" "ok" {
  user       = aws_iam_user.ok.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
