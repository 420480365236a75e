# Optional, for teams already on QuickSight: an Athena data source and SPICE datasets of
# artist_daily and release_impact, refreshed daily after the pipeline. Off by default: the
# dashboard Momentum writes into the lake needs no QuickSight and no per-reader price.

locals {
  quicksight_tables = var.enable_quicksight ? local.quicksight_columns : {}
  quicksight_actions = {
    data_source = ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"]
    data_set = ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet",
    "quicksight:DescribeIngestion", "quicksight:ListIngestions", "quicksight:CreateIngestion"]
  }
}

resource "aws_quicksight_data_source" "athena" {
  count          = var.enable_quicksight ? 1 : 0
  data_source_id = "${var.name}-athena"
  name           = "Momentum (${var.name})"
  type           = "ATHENA"
  parameters {
    athena {
      work_group = aws_athena_workgroup.momentum.name
    }
  }
  ssl_properties {
    disable_ssl = false
  }
  permission {
    principal = var.quicksight_principal_arn
    actions   = local.quicksight_actions.data_source
  }
  lifecycle {
    precondition {
      condition     = var.quicksight_principal_arn != ""
      error_message = "enable_quicksight needs quicksight_principal_arn (the QuickSight user or group given the datasets)."
    }
  }
}

resource "aws_quicksight_data_set" "tables" {
  for_each    = local.quicksight_tables
  data_set_id = "${var.name}-${replace(each.key, "_", "-")}"
  name        = "Momentum ${each.key}"
  import_mode = "SPICE"
  physical_table_map {
    physical_table_map_id = each.key
    relational_table {
      data_source_arn = aws_quicksight_data_source.athena[0].arn
      catalog         = "AwsDataCatalog"
      schema          = aws_glue_catalog_database.lake.name
      name            = each.key
      dynamic "input_columns" {
        for_each = each.value
        content {
          name = input_columns.value.name
          type = input_columns.value.type
        }
      }
    }
  }
  permissions {
    principal = var.quicksight_principal_arn
    actions   = local.quicksight_actions.data_set
  }
}

resource "aws_quicksight_refresh_schedule" "daily" {
  for_each    = aws_quicksight_data_set.tables
  data_set_id = each.value.data_set_id
  schedule_id = "${var.name}-${replace(each.key, "_", "-")}-daily"
  schedule {
    refresh_type = "FULL_REFRESH"
    schedule_frequency {
      interval        = "DAILY"
      time_of_the_day = "09:00"
      timezone        = var.schedule_timezone
    }
  }
}
