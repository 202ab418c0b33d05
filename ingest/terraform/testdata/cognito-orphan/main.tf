resource "aws_cognito_identity_pool_roles_attachment" "orphan" {
  identity_pool_id = aws_cognito_identity_pool.missing.id
  roles = { authenticated = "arn:aws:iam::111122223333:role/x" }
}
