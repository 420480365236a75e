# One function runs every job: the `momentum` binary as a custom runtime (`momentum lambda`),
# packaged by scripts/package-lambda. Spotify's credentials come from the secret at run time,
# never from the environment.

resource "aws_secretsmanager_secret" "spotify" {
  #checkov:skip=CKV2_AWS_57:A Spotify client secret is rotated in Spotify's developer dashboard, not by a rotation Lambda; Docs/Deploying-on-AWS.md says how.
  name        = "${var.name}/spotify"
  description = "Spotify app credentials for Momentum: {\"client_id\": \"...\", \"client_secret\": \"...\"}. Set with `aws secretsmanager put-secret-value`."
  kms_key_id  = aws_kms_key.momentum.arn
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${local.function}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.momentum.arn
}

# Invocations that failed every retry (schedules and asynchronous calls) land here.
resource "aws_sqs_queue" "failed_invocations" {
  name                      = "${var.name}-failed-invocations"
  kms_master_key_id         = aws_kms_key.momentum.arn
  message_retention_seconds = 1209600
}

resource "aws_lambda_function" "jobs" {
  #checkov:skip=CKV_AWS_117:The jobs call Spotify's public API; a VPC would need a NAT gateway (about $32 a month) for no gain: the function reaches AWS over TLS with its role.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile the build machine holds; the zip's SHA-256 is pinned by source_code_hash instead.
  #checkov:skip=CKV_AWS_115:New accounts have a concurrency quota of 10 and Lambda refuses a reservation leaving fewer than 10 unreserved; the schedules start at most two invocations at once.
  function_name    = local.function
  description      = "Momentum jobs: metrics, releases, transform, analytics, dashboard and the daily pipeline's steps"
  role             = aws_iam_role.function.arn
  filename         = var.lambda_zip
  source_code_hash = filebase64sha256(var.lambda_zip)
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_mb
  timeout          = 900
  kms_key_arn      = aws_kms_key.momentum.arn

  # The promotion sorts a month of more than a million rows in runs spilled here.
  ephemeral_storage {
    size = var.lambda_tmp_mb
  }

  environment {
    variables = {
      MOMENTUM_LAKE              = local.lake_root
      MOMENTUM_DATABASE          = aws_glue_catalog_database.lake.name
      MOMENTUM_WORKGROUP         = aws_athena_workgroup.momentum.name
      MOMENTUM_ATHENA_OUTPUT     = local.results_root
      SPOTIFY_SECRET_ARN         = aws_secretsmanager_secret.spotify.arn
      SPOTIFY_MARKET             = var.spotify_market
      MOMENTUM_CONFIG            = "s3://${aws_s3_bucket.lake.id}/${aws_s3_object.config.key}"
      MOMENTUM_ALERTS_TOPIC_ARN  = aws_sns_topic.alerts.arn
      MOMENTUM_SHARD_CONCURRENCY = tostring(var.shard_concurrency)
    }
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.failed_invocations.arn
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function.name
  }

  depends_on = [aws_iam_role_policy.function, aws_cloudwatch_log_group.function]
}

# The function's momentum.json (alert rules and destinations, the dashboard's address): no
# secret lives in it; webhook URLs and signing secrets go in the Spotify secret's "alerts".
resource "aws_s3_object" "config" {
  bucket       = aws_s3_bucket.lake.id
  key          = "${local.key_prefix}_config/momentum.json"
  content      = var.momentum_config
  content_type = "application/json"
  kms_key_id   = aws_kms_key.momentum.arn
}

# The artists of var.artists, added as `momentum artists add` adds them (the secret must hold
# Spotify's credentials first: the names are looked up).
resource "aws_lambda_invocation" "track_artists" {
  count         = length(var.artists) > 0 ? 1 : 0
  function_name = aws_lambda_function.jobs.function_name
  input         = jsonencode({ job = "artists_add", ids = var.artists })
}
