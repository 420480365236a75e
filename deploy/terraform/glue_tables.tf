# Generated from the table definitions of `momentum catalog sync` (LakeCatalog);
# do not edit by hand: `MOMENTUM_UPDATE_DEPLOY=1 swift test --filter TerraformTests` writes it.

resource "aws_glue_catalog_table" "raw_artist_metrics" {
  name          = "raw_artist_metrics"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"                    = "TRUE"
    "classification"              = "json"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "projection.dt.range"         = "${var.history_start},NOW"
    "projection.dt.type"          = "date"
    "projection.enabled"          = "true"
    "storage.location.template"   = "${local.lake_root}/raw/artist_metrics/dt=$${dt}/"
  }
  partition_keys {
    name = "dt"
    type = "string"
  }
  storage_descriptor {
    location      = "${local.lake_root}/raw/artist_metrics/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "case.insensitive"      = "false"
        "ignore.malformed.json" = "true"
      }
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "artist_name"
      type = "string"
    }
    columns {
      name = "followers"
      type = "bigint"
    }
    columns {
      name = "popularity"
      type = "int"
    }
    columns {
      name = "genres"
      type = "array<string>"
    }
    columns {
      name = "captured_at"
      type = "string"
    }
    columns {
      name = "source"
      type = "string"
    }
  }
  lifecycle {
    # The pipeline's GlueSync step starts each projection on the lake's first day.
    ignore_changes = [parameters["projection.dt.range"]]
  }
}

resource "aws_glue_catalog_table" "raw_releases" {
  name          = "raw_releases"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"                    = "TRUE"
    "classification"              = "json"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "projection.dt.range"         = "${var.history_start},NOW"
    "projection.dt.type"          = "date"
    "projection.enabled"          = "true"
    "storage.location.template"   = "${local.lake_root}/raw/releases/dt=$${dt}/"
  }
  partition_keys {
    name = "dt"
    type = "string"
  }
  storage_descriptor {
    location      = "${local.lake_root}/raw/releases/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "case.insensitive"      = "false"
        "ignore.malformed.json" = "true"
      }
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "album_id"
      type = "string"
    }
    columns {
      name = "album_name"
      type = "string"
    }
    columns {
      name = "album_type"
      type = "string"
    }
    columns {
      name = "album_group"
      type = "string"
    }
    columns {
      name = "release_date"
      type = "string"
    }
    columns {
      name = "release_date_precision"
      type = "string"
    }
    columns {
      name = "total_tracks"
      type = "int"
    }
    columns {
      name = "discovered_at"
      type = "string"
    }
    columns {
      name = "is_new"
      type = "boolean"
    }
  }
  lifecycle {
    # The pipeline's GlueSync step starts each projection on the lake's first day.
    ignore_changes = [parameters["projection.dt.range"]]
  }
}

resource "aws_glue_catalog_table" "raw_audience" {
  name          = "raw_audience"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"                    = "TRUE"
    "classification"              = "json"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "projection.dt.range"         = "${var.history_start},NOW"
    "projection.dt.type"          = "date"
    "projection.enabled"          = "true"
    "storage.location.template"   = "${local.lake_root}/raw/audience/dt=$${dt}/"
  }
  partition_keys {
    name = "dt"
    type = "string"
  }
  storage_descriptor {
    location      = "${local.lake_root}/raw/audience/"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    ser_de_info {
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "case.insensitive"      = "false"
        "ignore.malformed.json" = "true"
      }
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "artist_name"
      type = "string"
    }
    columns {
      name = "source"
      type = "string"
    }
    columns {
      name = "source_artist_id"
      type = "string"
    }
    columns {
      name = "metric"
      type = "string"
    }
    columns {
      name = "value"
      type = "bigint"
    }
    columns {
      name = "captured_at"
      type = "string"
    }
  }
  lifecycle {
    # The pipeline's GlueSync step starts each projection on the lake's first day.
    ignore_changes = [parameters["projection.dt.range"]]
  }
}

resource "aws_glue_catalog_table" "artist_daily" {
  name          = "artist_daily"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"                       = "TRUE"
    "classification"                 = "parquet"
    "projection.enabled"             = "true"
    "projection.month.format"        = "yyyy-MM"
    "projection.month.interval"      = "1"
    "projection.month.interval.unit" = "MONTHS"
    "projection.month.range"         = "${substr(var.history_start, 0, 7)},NOW"
    "projection.month.type"          = "date"
    "storage.location.template"      = "${local.lake_root}/processed/artist_daily/month=$${month}/"
  }
  partition_keys {
    name = "month"
    type = "string"
  }
  storage_descriptor {
    location      = "${local.lake_root}/processed/artist_daily/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "artist_name"
      type = "string"
    }
    columns {
      name = "day"
      type = "date"
    }
    columns {
      name = "followers"
      type = "bigint"
    }
    columns {
      name = "popularity"
      type = "int"
    }
    columns {
      name = "prev_day"
      type = "date"
    }
    columns {
      name = "gap_days"
      type = "int"
    }
    columns {
      name = "follower_delta"
      type = "bigint"
    }
    columns {
      name = "adds_per_day"
      type = "double"
    }
    columns {
      name = "log_growth"
      type = "double"
    }
    columns {
      name = "pct_change"
      type = "double"
    }
    columns {
      name = "growth_7d"
      type = "double"
    }
    columns {
      name = "growth_28d"
      type = "double"
    }
    columns {
      name = "popularity_change_7d"
      type = "int"
    }
    columns {
      name = "release_count"
      type = "int"
    }
    columns {
      name = "days_since_release"
      type = "int"
    }
  }
  lifecycle {
    # The pipeline's GlueSync step starts each projection on the lake's first day.
    ignore_changes = [parameters["projection.month.range"]]
  }
}

resource "aws_glue_catalog_table" "audience_daily" {
  name          = "audience_daily"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"                       = "TRUE"
    "classification"                 = "parquet"
    "projection.enabled"             = "true"
    "projection.month.format"        = "yyyy-MM"
    "projection.month.interval"      = "1"
    "projection.month.interval.unit" = "MONTHS"
    "projection.month.range"         = "${substr(var.history_start, 0, 7)},NOW"
    "projection.month.type"          = "date"
    "storage.location.template"      = "${local.lake_root}/processed/audience_daily/month=$${month}/"
  }
  partition_keys {
    name = "month"
    type = "string"
  }
  storage_descriptor {
    location      = "${local.lake_root}/processed/audience_daily/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "artist_name"
      type = "string"
    }
    columns {
      name = "source"
      type = "string"
    }
    columns {
      name = "metric"
      type = "string"
    }
    columns {
      name = "day"
      type = "date"
    }
    columns {
      name = "value"
      type = "bigint"
    }
    columns {
      name = "prev_day"
      type = "date"
    }
    columns {
      name = "gap_days"
      type = "int"
    }
    columns {
      name = "delta"
      type = "bigint"
    }
    columns {
      name = "adds_per_day"
      type = "double"
    }
    columns {
      name = "log_growth"
      type = "double"
    }
    columns {
      name = "pct_change"
      type = "double"
    }
    columns {
      name = "growth_7d"
      type = "double"
    }
    columns {
      name = "growth_28d"
      type = "double"
    }
  }
  lifecycle {
    # The pipeline's GlueSync step starts each projection on the lake's first day.
    ignore_changes = [parameters["projection.month.range"]]
  }
}

resource "aws_glue_catalog_table" "artist_signals" {
  name          = "artist_signals"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"                       = "TRUE"
    "classification"                 = "parquet"
    "projection.enabled"             = "true"
    "projection.month.format"        = "yyyy-MM"
    "projection.month.interval"      = "1"
    "projection.month.interval.unit" = "MONTHS"
    "projection.month.range"         = "${substr(var.history_start, 0, 7)},NOW"
    "projection.month.type"          = "date"
    "storage.location.template"      = "${local.lake_root}/processed/artist_signals/month=$${month}/"
  }
  partition_keys {
    name = "month"
    type = "string"
  }
  storage_descriptor {
    location      = "${local.lake_root}/processed/artist_signals/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "day"
      type = "date"
    }
    columns {
      name = "adds_per_day"
      type = "double"
    }
    columns {
      name = "robust_z"
      type = "double"
    }
    columns {
      name = "is_spike"
      type = "boolean"
    }
    columns {
      name = "is_drop"
      type = "boolean"
    }
    columns {
      name = "source"
      type = "string"
    }
    columns {
      name = "metric"
      type = "string"
    }
  }
  lifecycle {
    # The pipeline's GlueSync step starts each projection on the lake's first day.
    ignore_changes = [parameters["projection.month.range"]]
  }
}

resource "aws_glue_catalog_table" "release_impact" {
  name          = "release_impact"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"       = "TRUE"
    "classification" = "parquet"
  }
  storage_descriptor {
    location      = "${local.lake_root}/processed/release_impact/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "artist_name"
      type = "string"
    }
    columns {
      name = "event_day"
      type = "date"
    }
    columns {
      name = "album_ids"
      type = "string"
    }
    columns {
      name = "album_names"
      type = "string"
    }
    columns {
      name = "n_baseline"
      type = "int"
    }
    columns {
      name = "n_window"
      type = "int"
    }
    columns {
      name = "status"
      type = "string"
    }
    columns {
      name = "baseline_growth"
      type = "double"
    }
    columns {
      name = "spread"
      type = "double"
    }
    columns {
      name = "abnormal_growth"
      type = "double"
    }
    columns {
      name = "car"
      type = "double"
    }
    columns {
      name = "t_stat"
      type = "double"
    }
    columns {
      name = "uplift"
      type = "double"
    }
    columns {
      name = "contaminated"
      type = "boolean"
    }
    columns {
      name = "source"
      type = "string"
    }
    columns {
      name = "metric"
      type = "string"
    }
  }
}

resource "aws_glue_catalog_table" "momentum" {
  name          = "momentum"
  database_name = aws_glue_catalog_database.lake.name
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    "EXTERNAL"                       = "TRUE"
    "classification"                 = "parquet"
    "projection.as_of.format"        = "yyyy-MM-dd"
    "projection.as_of.interval"      = "1"
    "projection.as_of.interval.unit" = "DAYS"
    "projection.as_of.range"         = "${var.history_start},NOW"
    "projection.as_of.type"          = "date"
    "projection.enabled"             = "true"
    "storage.location.template"      = "${local.lake_root}/processed/momentum/as_of=$${as_of}/"
  }
  partition_keys {
    name = "as_of"
    type = "string"
  }
  storage_descriptor {
    location      = "${local.lake_root}/processed/momentum/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }
    columns {
      name = "rank"
      type = "int"
    }
    columns {
      name = "artist_id"
      type = "string"
    }
    columns {
      name = "artist_name"
      type = "string"
    }
    columns {
      name = "day"
      type = "date"
    }
    columns {
      name = "followers"
      type = "bigint"
    }
    columns {
      name = "growth_7d"
      type = "double"
    }
    columns {
      name = "growth_28d"
      type = "double"
    }
    columns {
      name = "acceleration_7d"
      type = "double"
    }
    columns {
      name = "popularity_change_28d"
      type = "int"
    }
    columns {
      name = "momentum_score"
      type = "double"
    }
    columns {
      name = "spikes_28d"
      type = "int"
    }
    columns {
      name = "last_event_day"
      type = "date"
    }
    columns {
      name = "last_event_uplift"
      type = "double"
    }
    columns {
      name = "last_event_car"
      type = "double"
    }
    columns {
      name = "series"
      type = "string"
    }
  }
  lifecycle {
    # The pipeline's GlueSync step starts each projection on the lake's first day.
    ignore_changes = [parameters["projection.as_of.range"]]
  }
}

# The columns QuickSight's datasets read (quicksight.tf), partition columns last.
locals {
  quicksight_columns = {
    artist_daily = [
      { name = "artist_id", type = "STRING" },
      { name = "artist_name", type = "STRING" },
      { name = "day", type = "DATETIME" },
      { name = "followers", type = "INTEGER" },
      { name = "popularity", type = "INTEGER" },
      { name = "prev_day", type = "DATETIME" },
      { name = "gap_days", type = "INTEGER" },
      { name = "follower_delta", type = "INTEGER" },
      { name = "adds_per_day", type = "DECIMAL" },
      { name = "log_growth", type = "DECIMAL" },
      { name = "pct_change", type = "DECIMAL" },
      { name = "growth_7d", type = "DECIMAL" },
      { name = "growth_28d", type = "DECIMAL" },
      { name = "popularity_change_7d", type = "INTEGER" },
      { name = "release_count", type = "INTEGER" },
      { name = "days_since_release", type = "INTEGER" },
      { name = "month", type = "STRING" },
    ]
    release_impact = [
      { name = "artist_id", type = "STRING" },
      { name = "artist_name", type = "STRING" },
      { name = "event_day", type = "DATETIME" },
      { name = "album_ids", type = "STRING" },
      { name = "album_names", type = "STRING" },
      { name = "n_baseline", type = "INTEGER" },
      { name = "n_window", type = "INTEGER" },
      { name = "status", type = "STRING" },
      { name = "baseline_growth", type = "DECIMAL" },
      { name = "spread", type = "DECIMAL" },
      { name = "abnormal_growth", type = "DECIMAL" },
      { name = "car", type = "DECIMAL" },
      { name = "t_stat", type = "DECIMAL" },
      { name = "uplift", type = "DECIMAL" },
      { name = "contaminated", type = "BOOLEAN" },
      { name = "source", type = "STRING" },
      { name = "metric", type = "STRING" },
    ]
  }
}
