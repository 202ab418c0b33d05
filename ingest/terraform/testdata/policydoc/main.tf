provider "aws" {
  region = "us-east-2"
}

variable "account_id" {
  default = "111122223333"
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "queue" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]

  statement {
    sid       = "Send"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
    principals {
      type = "AWS"
      identifiers = [
        "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
        "arn:aws:iam::444455556666:root",
      ]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }

  statement {
    sid           = "DenyOthers"
    effect        = "Deny"
    not_actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
    not_resources = ["arn:aws:sqs:${data.aws_region.current.name}:111122223333:other"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Send"
    actions   = ["sqs:GetQueueUrl"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
  statement {
    sid       = "Audit"
    actions   = ["sqs:GetQueueAttributes"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/auditor"]
    }
  }
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}

resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy    = data.aws_iam_policy_document.queue.json
}

resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

resource "aws_kms_key" "jobs" {
  description = "jobs"
  policy      = data.aws_iam_policy_document.missing.json
}
