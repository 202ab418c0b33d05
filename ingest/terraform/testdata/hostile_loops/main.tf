resource "aws_iam_user" "ops" {
  name = "ops"
}

locals {
  grid = [for i in range(1000) : [for j in range(1000) : "${i}-${j}"]]
}

resource "aws_iam_user" "grid" {
  name = "grid-${length(local.grid)}"
}
