locals {
  line = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
  page = join("", [for i in range(1000) : local.line])
  book = <<-EOT
  %{for i in range(1000)}${local.page}%{endfor}
  EOT
}

resource "aws_iam_user" "reader" {
  name = "reader-${length(local.book)}"
}
