variable "name" {
  description = "Prefix of every resource's name (letters, digits and '-')."
  type        = string
  default     = "momentum"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name: 2 to 31 lower-case letters, digits and '-', starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the deployment."
  type        = string
  default     = "us-east-1"
}

variable "lake_bucket_name" {
  description = "The lake bucket's name; empty for <name>-lake-<account id>."
  type        = string
  default     = ""
}

variable "lake_prefix" {
  description = "The lake's prefix inside the bucket (no leading or trailing '/'); empty for the bucket's root."
  type        = string
  default     = "lake"
  validation {
    condition     = var.lake_prefix == "" || can(regex("^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$", var.lake_prefix))
    error_message = "lake_prefix: path segments of letters, digits, '_' and '-', separated by '/'."
  }
}

variable "glue_database" {
  description = "Glue database of the lake's tables."
  type        = string
  default     = "momentum"
  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.glue_database))
    error_message = "glue_database: lower-case letters, digits and '_'."
  }
}

variable "history_start" {
  description = "First day the tables' partition projections cover (YYYY-MM-DD); the pipeline moves it to the lake's first day."
  type        = string
  default     = "2020-01-01"
  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.history_start))
    error_message = "history_start: YYYY-MM-DD."
  }
}

variable "lambda_zip" {
  description = "The function's package, as built by scripts/package-lambda."
  type        = string
  default     = "../../build/lambda/momentum-lambda-x86_64.zip"
}

variable "lambda_architecture" {
  description = "x86_64 or arm64 (the zip must be built for it)."
  type        = string
  default     = "x86_64"
  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture: x86_64 or arm64."
  }
}

variable "lambda_memory_mb" {
  description = "The function's memory (and so its CPU share)."
  type        = number
  default     = 2048
}

variable "lambda_tmp_mb" {
  description = "The function's /tmp, 512 to 10240 MB: the promotion sorts a month of more than a million rows (about 32,000 artists) in runs spilled there, about two compressed copies of the month."
  type        = number
  default     = 2048
  validation {
    condition     = var.lambda_tmp_mb >= 512 && var.lambda_tmp_mb <= 10240
    error_message = "lambda_tmp_mb: 512 to 10240."
  }
}

variable "spotify_market" {
  description = "Spotify market of the release scans (ISO 3166-1 alpha-2)."
  type        = string
  default     = "US"
}

variable "artists" {
  description = "Spotify artist ids to track; added once the Spotify secret has a value (see Docs/Deploying-on-AWS.md). Empty to manage them with `momentum artists add --lake s3://...`."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for id in var.artists : can(regex("^[0-9A-Za-z]{22}$", id))])
    error_message = "artists: Spotify artist ids, 22 letters and digits each."
  }
}

variable "metrics_schedule" {
  description = "When the daily metrics job runs (EventBridge Scheduler expression)."
  type        = string
  default     = "cron(0 6 * * ? *)"
}

variable "releases_schedule" {
  description = "When the weekly release scan runs."
  type        = string
  default     = "cron(0 5 ? * MON *)"
}

variable "schedule_timezone" {
  description = "Time zone of the schedules (IANA name)."
  type        = string
  default     = "UTC"
}

variable "athena_bytes_scanned_cutoff" {
  description = "Largest scan of one Athena query, in bytes (Athena cancels a query that reads more); at least 10 MB."
  type        = number
  default     = 10737418240
  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10000000
    error_message = "athena_bytes_scanned_cutoff: at least 10,000,000 bytes (Athena's minimum)."
  }
}

variable "athena_results_retention_days" {
  description = "Days Athena's query results are kept."
  type        = number
  default     = 7
}

variable "log_retention_days" {
  description = "Days the CloudWatch logs of the function and the state machine are kept."
  type        = number
  default     = 365
}

variable "alert_email" {
  description = "E-mail address told when the pipeline fails, and sent the alerts of sns destinations (it must confirm both subscriptions); empty for none."
  type        = string
  default     = ""
}

variable "enable_quicksight" {
  description = "Also create a QuickSight Athena data source and SPICE datasets of artist_daily and release_impact, refreshed daily (for teams already on QuickSight)."
  type        = bool
  default     = false
}

variable "quicksight_principal_arn" {
  description = "QuickSight user or group ARN given the data source and datasets (with enable_quicksight)."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}

variable "momentum_config" {
  description = "The function's momentum.json: \"alerts\", \"alert_destinations\" and \"dashboard_url\" (Docs/Alerts.md). No secrets: webhook URLs and signing secrets go in the Spotify secret's \"alerts\" field."
  type        = string
  default     = "{}"

  validation {
    condition     = can(jsondecode(var.momentum_config))
    error_message = "momentum_config must be a JSON object."
  }
}

variable "shard_concurrency" {
  description = "How many analytics shard tasks, and dashboard part tasks, the pipeline runs at once (each one Lambda invocation; the account's concurrency quota bounds it)."
  type        = number
  default     = 10
  validation {
    condition     = var.shard_concurrency >= 1 && var.shard_concurrency <= 1000
    error_message = "shard_concurrency: 1 to 1000."
  }
}
