# Expressions that would take time or memory out of proportion.
locals {
  huge    = 1e100000
  product = setproduct(range(100), range(100))
  padded  = indent(100000000, "a\nb")
  wide    = format("%0100000000d", 1)
  chunk   = join("", [for i in range(1000) : "0123456789"])
  joined  = join(local.chunk, [for i in range(1000) : "x"])
}

resource "aws_iam_user" "bounded" {
  name = "user-${length(local.chunk)}"
}
