// The Athena transform as a plan: every step in order, each Athena statement with its output
// location. `transform --engine athena --dry-run` prints it (as a SQL script whose other lines
// are comments, or as JSON for a state machine); the engine runs the same plan.
//
// `artist_daily` is written by CTAS into a staging prefix of its own run, then by INSERT INTO
// when more than 100 month partitions are written (Athena's limit per statement), one file per
// partition (`bucket_count = 1`); each partition is then copied on the server to its lake.md key.

import Foundation
import LakeKit
import MomentumAnalytics

/// What `transform --engine athena` does, step by step.
package struct AthenaTransformPlan: Sendable, Codable {
    package var engine = "athena"
    package var runID: String
    /// `full`, `incremental` or `up_to_date`.
    package var mode: String
    package var reason: String
    package var lake: String
    package var database: String
    package var workgroup: String
    package var athenaOutput: String
    package var stagingTable: String
    package var stagingLocation: String
    /// The `artist_daily` month partitions written.
    package var months: [String]
    /// The first raw `dt` read (incremental runs); nil when every partition is read.
    package var rawFrom: String?
    /// The first day recomputed (incremental runs).
    package var firstDay: String?
    /// Raw files new since the last transform (incremental runs).
    package var newFiles: Int?
    package var steps: [Step]

    /// One step.
    package struct Step: Sendable, Codable {
        /// `glue_sync`, `athena_query`, `promote_partitions`, `remove_stale_partitions`,
        /// `drop_staging`, `analytics` or `record`.
        package var kind: String
        package var description: String
        /// The whole statement (athena_query).
        package var sql: String?
        /// The query alone, without the CTAS/INSERT wrapper: runs as it is on DuckDB too.
        package var query: String?
        package var outputLocation: String?
        package var months: [String]?
        package var clientRequestToken: String?
    }

    enum CodingKeys: String, CodingKey {
        case engine, mode, reason, lake, database, workgroup, months, steps
        case runID = "run_id", athenaOutput = "athena_output", stagingTable = "staging_table", stagingLocation = "staging_location"
        case rawFrom = "raw_from", firstDay = "first_day", newFiles = "new_files"
    }

    /// The Athena statements, in order.
    package var statements: [Step] { steps.filter { $0.kind == "athena_query" } }

    /// Athena writes at most this many partitions per statement.
    package static let partitionsPerStatement = 100

    /// The plan for `scope` over the lake at `root` (`s3://bucket/prefix`), writing `months`.
    package static func make(scope: TransformScope, months: [String], root: String, runID: String, database: String,
                             workgroup: String, athenaOutput: String) throws -> AthenaTransformPlan {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        let staging = "momentum_staging_" + String(runID.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        let stagingLocation = "\(base)/\(stagingPrefix(runID: runID))"
        let stagingName = "\(try ArtistDailySQL.identifier(database)).\(try ArtistDailySQL.identifier(staging))"
        let window = scope.firstDay.map(ArtistDailySQL.Window.init(firstDay:))
        let select = try ArtistDailySQL.select(database: database, window: window)
        var plan = AthenaTransformPlan(
            runID: runID, mode: scope.mode, reason: scope.summary, lake: base, database: database, workgroup: workgroup,
            athenaOutput: athenaOutput, stagingTable: staging, stagingLocation: stagingLocation, months: months,
            rawFrom: window?.lookBackDay.isoString, firstDay: window?.firstDay.isoString, newFiles: scope.newFiles, steps: [])
        guard scope != .upToDate, !months.isEmpty else { return plan }

        plan.steps.append(Step(kind: "glue_sync", description: "Glue: create or update database \(database) and the tables of lake.md (partition projection)"))
        let batches = stride(from: 0, to: months.count, by: partitionsPerStatement).map { Array(months[$0..<min($0 + partitionsPerStatement, months.count)]) }
        for (index, batch) in batches.enumerated() {
            guard let first = batch.first, let last = batch.last else { continue }
            let query = "SELECT * FROM (\n\(select)\n) daily\nWHERE month BETWEEN '\(first)' AND '\(last)'"
            let sql: String
            if index == 0 {
                sql = """
                CREATE TABLE \(stagingName)
                WITH (
                  format = 'PARQUET',
                  write_compression = 'SNAPPY',
                  external_location = '\(stagingLocation)',
                  partitioned_by = ARRAY['month'],
                  bucketed_by = ARRAY['artist_id'],
                  bucket_count = 1
                ) AS
                \(query)
                """
            } else {
                sql = "INSERT INTO \(stagingName)\n\(query)"
            }
            let what = index == 0 ? "CTAS" : "INSERT INTO"
            plan.steps.append(Step(
                kind: "athena_query",
                description: "Athena \(what): artist_daily months \(first) to \(last) (\(batch.count)) into \(stagingLocation)"
                    + (window.map { "; raw dt >= \($0.lookBackDay.isoString)" } ?? ""),
                sql: sql, query: query, outputLocation: athenaOutput, months: batch,
                clientRequestToken: "momentum-transform-\(runID)-statement-\(index + 1)"))
        }
        plan.steps.append(Step(kind: "promote_partitions",
                               description: "S3: copy each staged partition to processed/artist_daily/month=YYYY-MM/part-0.parquet (server-side, one object per partition)",
                               months: months))
        plan.steps.append(Step(kind: "remove_stale_partitions",
                               description: scope.firstDay.map { "S3: remove artist_daily partitions from \($0.monthString) on that were not written" }
                                   ?? "S3: remove artist_daily partitions that were not written"))
        plan.steps.append(Step(kind: "drop_staging", description: "Glue: delete table \(staging); S3: delete \(stagingLocation)"))
        plan.steps.append(Step(kind: "analytics",
                               description: "MomentumAnalytics: artist_signals\(scope.firstDay.map { " (from \($0.monthString))" } ?? ""), release_impact and momentum from artist_daily read back from S3"))
        plan.steps.append(Step(kind: "record", description: "S3: \(TransformRecord.key), what this run read, for the next incremental run"))
        return plan
    }

    /// The plan itself when it is one `make` writes for its own mode, first day and months;
    /// otherwise an error naming what is wrong. A plan handed back by a state machine is an
    /// event anyone allowed to invoke the function can send: it is rebuilt and compared whole
    /// before any object is copied or removed.
    package func validated() throws -> AthenaTransformPlan {
        func refuse(_ why: String) -> EngineError { EngineError.invalidInput("the transform plan of run '\(TerminalText.sanitized(String(runID.prefix(80))))' is not one this version makes: \(why)") }
        let scope: TransformScope
        switch mode {
        case "full":
            guard firstDay == nil else { throw refuse("a full plan with a first day") }
            scope = .full(reason: reason)
        case "incremental":
            guard let firstDay, let day = Day(iso: firstDay), day == day.firstOfMonth else { throw refuse("an incremental plan without a month's first day") }
            scope = .incremental(firstDay: day, changedDays: [], newFiles: newFiles ?? 0)
        default:
            throw refuse("mode '\(TerminalText.sanitized(String(mode.prefix(20))))' has nothing to promote")
        }
        guard !months.isEmpty else { throw refuse("no months") }
        guard months.allSatisfy({ Day(iso: $0 + "-01")?.monthString == $0 }), months == months.sorted(), Set(months).count == months.count else {
            throw refuse("months must be distinct YYYY-MM in order")
        }
        if let first = scope.firstDay, months.contains(where: { $0 < first.monthString }) { throw refuse("a month before its first day") }
        var rebuilt = try AthenaTransformPlan.make(scope: scope, months: months, root: lake, runID: runID, database: database,
                                                   workgroup: workgroup, athenaOutput: athenaOutput)
        rebuilt.reason = reason
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard try encoder.encode(rebuilt) == encoder.encode(self) else { throw refuse("its steps, names or locations differ from the plan rebuilt from it") }
        return self
    }

    /// The staging prefix of a run, outside `raw/`, `state/` and `processed/`.
    package static func stagingPrefix(runID: String) -> String { "_athena/staging/\(runID)/" }

    /// The plan as a SQL script: statements as Athena runs them, every other line a comment.
    package var script: String {
        var lines = ["-- momentum transform --engine athena: the plan (nothing was run)",
                     "-- lake \(lake); database \(database); workgroup \(workgroup); query results to \(athenaOutput)",
                     "-- \(reason)"]
        if steps.isEmpty { lines.append("-- nothing to do") }
        for (index, step) in steps.enumerated() {
            lines.append("-- \(index + 1). \(step.description)" + (step.outputLocation.map { " (results: \($0))" } ?? ""))
            if let sql = step.sql { lines.append(sql + ";") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension TransformScope {
    /// Raw files new since the last transform; nil unless incremental.
    package var newFiles: Int? {
        if case .incremental(_, _, let files) = self { return files }
        return nil
    }

    /// `full`, `incremental` or `up_to_date`.
    package var mode: String {
        switch self {
        case .full: "full"
        case .incremental: "incremental"
        case .upToDate: "up_to_date"
        }
    }
}
