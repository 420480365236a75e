// The Glue tables of lake.md: the raw JSON Lines tables (OpenX JSON SerDe) and the processed
// Parquet tables, each partitioned as its keys are and with partition projection, so that
// Athena finds every partition without a crawler or an ALTER TABLE. The processed tables'
// columns come from `Tables`, the same definitions the Parquet files are written from.

import LakeAnalytics
import LakeKit
import MomentumAnalytics

package enum LakeCatalog {
    package static let defaultDatabase = "momentum"

    static let jsonSerDe = "org.openx.data.jsonserde.JsonSerDe"
    static let textInput = "org.apache.hadoop.mapred.TextInputFormat"
    static let textOutput = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    static let parquetSerDe = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    static let parquetInput = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    static let parquetOutput = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    static let rawMetricColumns = [
        GlueColumn("artist_id", "string"), GlueColumn("artist_name", "string"), GlueColumn("followers", "bigint"),
        GlueColumn("popularity", "int"), GlueColumn("genres", "array<string>"), GlueColumn("captured_at", "string"),
        GlueColumn("source", "string"),
    ]

    static let rawReleaseColumns = [
        GlueColumn("artist_id", "string"), GlueColumn("album_id", "string"), GlueColumn("album_name", "string"),
        GlueColumn("album_type", "string"), GlueColumn("album_group", "string"), GlueColumn("release_date", "string"),
        GlueColumn("release_date_precision", "string"), GlueColumn("total_tracks", "int"), GlueColumn("discovered_at", "string"),
        GlueColumn("is_new", "boolean"),
    ]

    /// `raw/audience` (lake.md v1.1).
    static let rawAudienceColumns = [
        GlueColumn("artist_id", "string"), GlueColumn("artist_name", "string"), GlueColumn("source", "string"),
        GlueColumn("source_artist_id", "string"), GlueColumn("metric", "string"), GlueColumn("value", "bigint"),
        GlueColumn("captured_at", "string"),
    ]

    /// Every table of the lake at `root` (`s3://bucket/prefix`), projections starting on
    /// `firstDay` (the lake's first raw day).
    package static func tables(root: String, firstDay: Day) -> [GlueTableInput] {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        func location(_ dataset: LakeDataset) -> String { "\(base)/\(dataset.prefix)" }
        func raw(_ dataset: LakeDataset, _ columns: [GlueColumn]) -> GlueTableInput {
            GlueTableInput(
                name: dataset.tableName,
                parameters: [
                    "classification": "json", "EXTERNAL": "TRUE",
                    "projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd",
                    "projection.dt.range": "\(firstDay.isoString),NOW", "projection.dt.interval": "1", "projection.dt.interval.unit": "DAYS",
                    "storage.location.template": "\(location(dataset))dt=${dt}/",
                ],
                partitionKeys: [GlueColumn("dt", "string")],
                storage: GlueStorageDescriptor(columns: columns, location: location(dataset), inputFormat: textInput, outputFormat: textOutput,
                                               serde: GlueSerDeInfo(library: jsonSerDe, parameters: ["ignore.malformed.json": "true", "case.insensitive": "false"])))
        }
        func processed<Row>(_ table: TableDefinition<Row>, partition: (name: String, format: String, unit: String, first: String)?) -> GlueTableInput {
            var parameters = ["classification": "parquet", "EXTERNAL": "TRUE"]
            if let partition {
                parameters["projection.enabled"] = "true"
                parameters["projection.\(partition.name).type"] = "date"
                parameters["projection.\(partition.name).format"] = partition.format
                parameters["projection.\(partition.name).range"] = "\(partition.first),NOW"
                parameters["projection.\(partition.name).interval"] = "1"
                parameters["projection.\(partition.name).interval.unit"] = partition.unit
                parameters["storage.location.template"] = "\(location(table.dataset))\(partition.name)=${\(partition.name)}/"
            }
            let columns = table.parquetSchema.map { GlueColumn($0.name, hiveType($0.type)) }
            return GlueTableInput(
                name: table.dataset.tableName, parameters: parameters,
                partitionKeys: partition.map { [GlueColumn($0.name, "string")] } ?? [],
                storage: GlueStorageDescriptor(columns: columns, location: location(table.dataset), inputFormat: parquetInput,
                                               outputFormat: parquetOutput, serde: GlueSerDeInfo(library: parquetSerDe)))
        }
        let month = ("month", "yyyy-MM", "MONTHS", firstDay.monthString)
        return [
            raw(.artistMetrics, rawMetricColumns),
            raw(.releases, rawReleaseColumns),
            raw(.audience, rawAudienceColumns),
            processed(Tables.artistDaily, partition: month),
            processed(Tables.audienceDaily, partition: month),
            processed(Tables.artistSignals, partition: month),
            processed(Tables.releaseImpact, partition: nil),
            processed(Tables.momentum, partition: ("as_of", "yyyy-MM-dd", "DAYS", firstDay.isoString)),
        ]
    }

    static func hiveType(_ type: ParquetType) -> String {
        switch type {
        case .string: return "string"
        case .date: return "date"
        case .int32: return "int"
        case .int64: return "bigint"
        case .double: return "double"
        case .boolean: return "boolean"
        }
    }

    /// Glue's rule for database names (lower-case letters, digits, underscores), checked
    /// before they reach a request or, later, SQL.
    package static func validateDatabase(_ name: String) throws {
        guard (1...255).contains(name.utf8.count),
              name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
            throw EngineError.invalidInput("'\(name.prefix(60))' is not a Glue database name: lower-case letters, digits and '_' only")
        }
    }
}
