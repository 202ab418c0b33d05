# String functions keep an unresolved variable as it is written.

variable "env" {
  type = string
}

resource "aws_s3_bucket" "data" {
  bucket = "example-org-${replace(var.env, "_", "-")}-data"
}

resource "aws_iam_role" "app" {
  name = upper("app-${var.env}")
}

resource "aws_iam_user" "svc" {
  name = lower("SVC-${var.env}")
}

resource "aws_sqs_queue" "jobs" {
  name = replace("jobs.${var.env}.fifo", "/[^a-z0-9-]/", "_")
}
