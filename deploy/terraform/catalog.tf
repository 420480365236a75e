# The Glue database; its tables are in glue_tables.tf (generated from the definitions
# `momentum catalog sync` uses) and Athena's workgroup, with a per-query scan limit.

resource "aws_glue_catalog_database" "lake" {
  name        = var.glue_database
  description = "Momentum lake at ${local.lake_root}"
}

resource "aws_athena_workgroup" "momentum" {
  name          = var.name
  force_destroy = true
  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff
    result_configuration {
      output_location = local.results_root
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = aws_kms_key.momentum.arn
      }
    }
  }
}
