# The daily pipeline: the committed state machine, its logs, the failure topic and the alerts' topic.

resource "aws_sns_topic" "failures" {
  name              = "${var.name}-pipeline-failures"
  kms_master_key_id = aws_kms_key.momentum.arn
}

resource "aws_sns_topic_subscription" "failures_email" {
  count     = var.alert_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.failures.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

# The alerts' topic: `{"type": "sns"}` destinations of var.momentum_config publish here
# (MOMENTUM_ALERTS_TOPIC_ARN), and var.alert_email reads them.
resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = aws_kms_key.momentum.arn
}

resource "aws_sns_topic_subscription" "alerts_email" {
  count     = var.alert_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

resource "aws_cloudwatch_log_group" "pipeline" {
  name              = "/aws/vendedlogs/states/${local.machine}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.momentum.arn
}

resource "aws_sfn_state_machine" "pipeline" {
  name     = local.machine
  role_arn = aws_iam_role.pipeline.arn
  type     = "STANDARD"
  definition = templatefile("${path.module}/../state-machine/pipeline.asl.json", {
    function_arn      = aws_lambda_function.jobs.arn
    failure_topic_arn = aws_sns_topic.failures.arn
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.pipeline.arn}:*"
    # Inputs and outputs are plans and job summaries: no credential ever passes through.
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  depends_on = [aws_iam_role_policy.pipeline]
}
