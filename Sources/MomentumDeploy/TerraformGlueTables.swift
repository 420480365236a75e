// The Glue tables of lake.md as Terraform (`deploy/terraform/glue_tables.tf`), generated from
// the definitions `catalog sync` creates them from, so the two never differ. The lake's root and
// the projections' first day become Terraform expressions; the state machine's GlueSync step
// later moves each projection's start to the lake's first day, which Terraform leaves alone.

import LakeKit
import MomentumAnalytics
import MomentumEngine

/// Writes the Terraform of the lake's Glue tables.
package enum TerraformGlueTables {
    /// Where the file is committed, from the package root.
    package static let path = "deploy/terraform/glue_tables.tf"

    private static let rootToken = "s3://ROOT-TOKEN"
    private static let firstDayToken = Day(iso: "1999-12-31") ?? Day.epoch

    /// The file's text.
    package static func text() -> String {
        var lines = [
            "# Generated from the table definitions of `momentum catalog sync` (LakeCatalog);",
            "# do not edit by hand: `MOMENTUM_UPDATE_DEPLOY=1 swift test --filter TerraformTests` writes it.",
        ]
        let tables = LakeCatalog.tables(root: rootToken, firstDay: firstDayToken)
        for table in tables {
            lines.append("")
            lines.append(contentsOf: resource(table))
        }
        lines.append("")
        lines.append("# The columns QuickSight's datasets read (quicksight.tf), partition columns last.")
        lines.append("locals {")
        lines.append("  quicksight_columns = {")
        for table in tables where ["artist_daily", "release_impact"].contains(table.Name) {
            lines.append("    \(table.Name) = [")
            for column in (table.StorageDescriptor?.Columns ?? []) + (table.PartitionKeys ?? []) {
                lines.append("      { name = \(string(column.Name)), type = \(string(quickSightType(column.Type ?? "string"))) },")
            }
            lines.append("    ]")
        }
        lines.append("  }")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// QuickSight's input column type of a Hive type.
    static func quickSightType(_ hive: String) -> String {
        switch hive {
        case "int", "bigint": "INTEGER"
        case "double": "DECIMAL"
        case "date": "DATETIME"
        case "boolean": "BOOLEAN"
        default: "STRING"
        }
    }

    static func resource(_ table: GlueTableInput) -> [String] {
        var lines = ["resource \"aws_glue_catalog_table\" \"\(table.Name)\" {",
                     "  name          = \(string(table.Name))",
                     "  database_name = aws_glue_catalog_database.lake.name",
                     "  table_type    = \"EXTERNAL_TABLE\""]
        let parameters = table.Parameters ?? [:]
        lines.append(contentsOf: map("parameters", parameters, indent: "  "))
        for key in table.PartitionKeys ?? [] {
            lines.append("  partition_keys {")
            lines.append("    name = \(string(key.Name))")
            lines.append("    type = \(string(key.Type ?? "string"))")
            lines.append("  }")
        }
        if let storage = table.StorageDescriptor {
            lines.append("  storage_descriptor {")
            lines.append("    location      = \(string(storage.Location ?? ""))")
            lines.append("    input_format  = \(string(storage.InputFormat ?? ""))")
            lines.append("    output_format = \(string(storage.OutputFormat ?? ""))")
            if let serde = storage.SerdeInfo {
                lines.append("    ser_de_info {")
                lines.append("      serialization_library = \(string(serde.SerializationLibrary ?? ""))")
                if let serdeParameters = serde.Parameters, !serdeParameters.isEmpty {
                    lines.append(contentsOf: map("parameters", serdeParameters, indent: "      "))
                }
                lines.append("    }")
            }
            for column in storage.Columns ?? [] {
                lines.append("    columns {")
                lines.append("      name = \(string(column.Name))")
                lines.append("      type = \(string(column.Type ?? "string"))")
                lines.append("    }")
            }
            lines.append("  }")
        }
        let ranges = parameters.keys.filter { $0.hasPrefix("projection.") && $0.hasSuffix(".range") }.sorted()
        if !ranges.isEmpty {
            lines.append("  lifecycle {")
            lines.append("    # The pipeline's GlueSync step starts each projection on the lake's first day.")
            lines.append("    ignore_changes = [\(ranges.map { "parameters[\"\($0)\"]" }.joined(separator: ", "))]")
            lines.append("  }")
        }
        lines.append("}")
        return lines
    }

    /// A map attribute, keys sorted and quoted, the `=` aligned as `terraform fmt` aligns them.
    static func map(_ name: String, _ values: [String: String], indent: String) -> [String] {
        let width = values.keys.map { $0.utf8.count + 2 }.max() ?? 0
        let entries = values.keys.sorted().map { key in
            let quoted = "\"\(key)\""
            return "\(indent)  \(quoted)\(String(repeating: " ", count: width - quoted.utf8.count)) = \(string(values[key] ?? ""))"
        }
        return ["\(indent)\(name) = {"] + entries + ["\(indent)}"]
    }

    /// A quoted HCL string: Terraform's own `${` escaped, then the tokens made expressions.
    static func string(_ value: String) -> String {
        var text = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "${", with: "$${").replacingOccurrences(of: "%{", with: "%%{")
        text = text.replacingOccurrences(of: rootToken, with: "${local.lake_root}")
            .replacingOccurrences(of: firstDayToken.isoString, with: "${var.history_start}")
            .replacingOccurrences(of: firstDayToken.monthString, with: "${substr(var.history_start, 0, 7)}")
        return "\"\(text)\""
    }
}
