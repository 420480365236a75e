# Momentum on AWS: the lake in S3, its tables in Glue, Athena for the transform, one Lambda
# function (the `momentum` binary as a custom runtime) for every job, EventBridge Scheduler for
# the daily and weekly runs, and the daily pipeline as a Step Functions state machine
# (../state-machine/pipeline.asl.json, generated from the transform's plan).

provider "aws" {
  region = var.region
  default_tags {
    tags = merge({ "momentum:deployment" = var.name }, var.tags)
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  bucket_name    = var.lake_bucket_name != "" ? var.lake_bucket_name : "${var.name}-lake-${local.account_id}"
  lake_root      = var.lake_prefix == "" ? "s3://${aws_s3_bucket.lake.id}" : "s3://${aws_s3_bucket.lake.id}/${var.lake_prefix}"
  key_prefix     = var.lake_prefix == "" ? "" : "${var.lake_prefix}/"
  results_root   = "${local.lake_root}/_athena/results/"
  function       = "${var.name}-jobs"
  machine        = "${var.name}-daily-pipeline"
  ingest_machine = "${var.name}-ingest"
}

# One customer-managed key for the lake, the logs, the secret, the topic and the queue.
resource "aws_kms_key" "momentum" {
  description             = "Momentum (${var.name}): lake, logs, Spotify secret, notifications"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "momentum" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.momentum.key_id
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource is the key itself; the account's administration of it is AWS's default key policy.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself, not every resource.
  #checkov:skip=CKV_AWS_109:Only the account root (administration through IAM, AWS's default) and CloudWatch Logs for this deployment's log groups.
  # The account administers the key through IAM, as AWS's default key policy does.
  statement {
    sid       = "AccountAdministersTheKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
  # CloudWatch Logs encrypts the function's and the state machine's log groups with it.
  statement {
    sid       = "CloudWatchLogsUseTheKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*${var.name}*"]
    }
  }
}
