# EventBridge Scheduler: the daily metrics job, the daily pipeline an hour later, the weekly
# release scan. A run that fails every retry goes to the failed-invocations queue. The pipeline
# gets the schedule's time: its first state claims that day, so a retried start is that day's.

locals {
  schedules = {
    "daily-metrics"   = { expression = var.metrics_schedule, target = aws_lambda_function.jobs.arn, input = jsonencode({ job = "metrics" }) }
    "daily-pipeline"  = { expression = var.pipeline_schedule, target = aws_sfn_state_machine.pipeline.arn, input = jsonencode({ scheduled_time = "<aws.scheduler.scheduled-time>" }) }
    "weekly-releases" = { expression = var.releases_schedule, target = aws_lambda_function.jobs.arn, input = jsonencode({ job = "releases" }) }
  }
}

resource "aws_scheduler_schedule_group" "momentum" {
  name = var.name
}

resource "aws_scheduler_schedule" "jobs" {
  for_each                     = local.schedules
  name                         = "${var.name}-${each.key}"
  group_name                   = aws_scheduler_schedule_group.momentum.name
  schedule_expression          = each.value.expression
  schedule_expression_timezone = var.schedule_timezone
  kms_key_arn                  = aws_kms_key.momentum.arn
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = each.value.target
    role_arn = aws_iam_role.scheduler.arn
    input    = each.value.input
    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
    dead_letter_config {
      arn = aws_sqs_queue.failed_invocations.arn
    }
  }
}
