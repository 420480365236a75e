# Three roles, each allowed only what its work needs, on this deployment's resources: the
# function's, the pipeline's (Athena runs its statements with it) and the scheduler's. The
# ingestion machine's is beside it, in ingest.tf.

locals {
  lake_objects  = "${aws_s3_bucket.lake.arn}/${local.key_prefix}*"
  glue_catalog  = "arn:${local.partition}:glue:${var.region}:${local.account_id}:catalog"
  glue_database = "arn:${local.partition}:glue:${var.region}:${local.account_id}:database/${var.glue_database}"
  glue_tables   = "arn:${local.partition}:glue:${var.region}:${local.account_id}:table/${var.glue_database}/*"
  workgroup_arn = "arn:${local.partition}:athena:${var.region}:${local.account_id}:workgroup/${aws_athena_workgroup.momentum.name}"
}

# Each role is assumed by its service, for this account only.
data "aws_iam_policy_document" "trust" {
  for_each = toset(["lambda", "states", "scheduler"])
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["${each.key}.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# MARK: the function

resource "aws_iam_role" "function" {
  name               = "${var.name}-function"
  assume_role_policy = data.aws_iam_policy_document.trust["lambda"].json
}

data "aws_iam_policy_document" "function" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }
  statement {
    sid       = "ListTheLake"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.key_prefix}*"]
    }
  }
  statement {
    sid       = "ReadAndWriteTheLake"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [local.lake_objects]
  }
  statement {
    sid       = "UseTheKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.momentum.arn]
  }
  statement {
    sid       = "PublishAlerts"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
  }
  statement {
    sid       = "ReadTheSpotifySecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.spotify.arn]
  }
  statement {
    sid = "KeepTheCatalog"
    actions = ["glue:GetDatabase", "glue:CreateDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable",
    "glue:UpdateTable", "glue:DeleteTable", "glue:GetPartitions"]
    resources = [local.glue_catalog, local.glue_database, local.glue_tables]
  }
  statement {
    sid       = "RunAthenaForTransformJobs"
    actions   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"]
    resources = [local.workgroup_arn]
  }
  statement {
    sid       = "FailedInvocations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed_invocations.arn]
  }
  statement {
    sid = "Tracing"
    # X-Ray's write actions have no resource-level permissions.
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "momentum-jobs"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

# MARK: the state machine

resource "aws_iam_role" "pipeline" {
  name               = "${var.name}-pipeline"
  assume_role_policy = data.aws_iam_policy_document.trust["states"].json
}

# What both state machines (the pipeline and the ingestion, ingest.tf) need: the function, the
# key, the failure topic, their logs and traces.
data "aws_iam_policy_document" "state_machines" {
  statement {
    sid       = "InvokeTheFunction"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.jobs.arn, "${aws_lambda_function.jobs.arn}:*"]
  }
  statement {
    sid       = "UseTheKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.momentum.arn]
  }
  statement {
    sid       = "NotifyFailures"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.failures.arn]
  }
  statement {
    sid = "DeliverLogs"
    # CloudWatch Logs' delivery actions have no resource-level permissions.
    actions = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]
    resources = ["*"]
  }
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "pipeline" {
  source_policy_documents = [data.aws_iam_policy_document.state_machines.json]
  statement {
    sid       = "RunTheStatements"
    actions   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution", "athena:GetWorkGroup"]
    resources = [local.workgroup_arn]
  }
  # Athena reads and writes with the caller's permissions: the raw data, the stored months,
  # the staging of the run and the query results.
  statement {
    sid       = "AthenaListsTheLake"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [aws_s3_bucket.lake.arn]
  }
  statement {
    sid       = "AthenaReadsTheLake"
    actions   = ["s3:GetObject"]
    resources = [local.lake_objects]
  }
  statement {
    sid     = "AthenaWritesStagingAndResults"
    actions = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = ["${aws_s3_bucket.lake.arn}/${local.key_prefix}_athena/staging/*",
    "${aws_s3_bucket.lake.arn}/${local.key_prefix}_athena/results/*"]
  }
  statement {
    sid = "AthenaUsesTheCatalog"
    actions = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions",
    "glue:CreateTable", "glue:BatchCreatePartition", "glue:CreatePartition"]
    resources = [local.glue_catalog, local.glue_database, local.glue_tables]
  }
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "momentum-pipeline"
  role   = aws_iam_role.pipeline.id
  policy = data.aws_iam_policy_document.pipeline.json
}

# MARK: the scheduler

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-scheduler"
  assume_role_policy = data.aws_iam_policy_document.trust["scheduler"].json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "StartTheIngestion"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.ingest.arn]
  }
  statement {
    sid       = "FailedInvocations"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed_invocations.arn]
  }
  statement {
    sid       = "UseTheKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.momentum.arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "momentum-scheduler"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}
