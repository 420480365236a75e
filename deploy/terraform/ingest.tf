# The ingestion state machine: the daily metrics job and the weekly release scan, each invoked
# until done (a large roster takes many 15-minute invocations), then, after the metrics, the
# daily pipeline for the same day. Its alarm is the failure topic: a job stopped at the cap of
# invocations with artists left, or failed, is told there.

resource "aws_cloudwatch_log_group" "ingest" {
  name              = "/aws/vendedlogs/states/${local.ingest_machine}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.momentum.arn
}

resource "aws_sfn_state_machine" "ingest" {
  name     = local.ingest_machine
  role_arn = aws_iam_role.ingest.arn
  type     = "STANDARD"
  definition = templatefile("${path.module}/../state-machine/ingest.asl.json", {
    function_arn      = aws_lambda_function.jobs.arn
    failure_topic_arn = aws_sns_topic.failures.arn
    pipeline_arn      = aws_sfn_state_machine.pipeline.arn
  })

  logging_configuration {
    log_destination = "${aws_cloudwatch_log_group.ingest.arn}:*"
    # Inputs and outputs are job names, days and counts: no credential ever passes through.
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  depends_on = [aws_iam_role_policy.ingest]
}

resource "aws_iam_role" "ingest" {
  name               = "${var.name}-ingest"
  assume_role_policy = data.aws_iam_policy_document.trust["states"].json
}

data "aws_iam_policy_document" "ingest" {
  source_policy_documents = [data.aws_iam_policy_document.state_machines.json]
  statement {
    sid       = "StartThePipeline"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.pipeline.arn]
  }
}

resource "aws_iam_role_policy" "ingest" {
  name   = "momentum-ingest"
  role   = aws_iam_role.ingest.id
  policy = data.aws_iam_policy_document.ingest.json
}
