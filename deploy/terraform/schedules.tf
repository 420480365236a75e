# EventBridge Scheduler: the daily metrics job and the weekly release scan, each an execution of
# the ingestion machine (ingest.tf), which starts the daily pipeline once the metrics are in. A
# start that fails every retry goes to the failed-invocations queue. Each gets the schedule's
# time: the metrics are filed under that day and the pipeline claims it, so a start retried
# after midnight is still that day's.

locals {
  schedules = {
    "daily-metrics"   = { expression = var.metrics_schedule, input = jsonencode({ job = "metrics", scheduled_time = "<aws.scheduler.scheduled-time>" }) }
    "weekly-releases" = { expression = var.releases_schedule, input = jsonencode({ job = "releases", scheduled_time = "<aws.scheduler.scheduled-time>" }) }
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
    arn      = aws_sfn_state_machine.ingest.arn
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
