output "lake" {
  description = "The lake: pass it as --lake (or MOMENTUM_LAKE) to the momentum CLI."
  value       = local.lake_root
}

output "bucket" {
  description = "The lake bucket."
  value       = aws_s3_bucket.lake.id
}

output "function_name" {
  description = "The Lambda function that runs every job."
  value       = aws_lambda_function.jobs.function_name
}

output "state_machine_arn" {
  description = "The daily pipeline's state machine."
  value       = aws_sfn_state_machine.pipeline.arn
}

output "ingest_state_machine_arn" {
  description = "The ingestion state machine: start it with {\"job\": \"metrics\"} or {\"job\": \"releases\"}."
  value       = aws_sfn_state_machine.ingest.arn
}

output "spotify_secret_arn" {
  description = "Put Spotify's credentials here: aws secretsmanager put-secret-value --secret-id <arn> --secret-string '{\"client_id\":\"...\",\"client_secret\":\"...\"}'."
  value       = aws_secretsmanager_secret.spotify.arn
}

output "failure_topic_arn" {
  description = "SNS topic told when the pipeline fails."
  value       = aws_sns_topic.failures.arn
}

output "dashboard" {
  description = "The dashboard the pipeline writes every day: the single page (a notice beyond 20,000 artists) and its page in the S3 console (for the account's users), the site for any roster, and the command that prints a link anyone can open (up to 7 days; the site's when there is one)."
  value = {
    object       = "${local.lake_root}/dashboard.html"
    console      = "https://${var.region}.console.aws.amazon.com/s3/object/${aws_s3_bucket.lake.id}?region=${var.region}&prefix=${local.key_prefix}dashboard.html"
    site         = "${local.lake_root}/dashboard/index.html"
    share_by_url = "momentum dashboard --lake ${local.lake_root} --link --expires 7d"
  }
}

output "alerts_topic_arn" {
  description = "The alerts' SNS topic: subscribe more addresses or endpoints to it."
  value       = aws_sns_topic.alerts.arn
}
