// The Athena transform as a plan: every step in order, each Athena statement with its output
// location. `transform --engine athena --dry-run` prints it (as a SQL script whose other lines
// are comments, or as JSON for a state machine); the engine runs the same plan.
//
// `artist_daily` is written by CTAS into a staging prefix of its own run, then by INSERT INTO
// when more than 100 month partitions are written (Athena's limit per statement), one file per
// partition (`bucket_count = 1`); each partition is then rewritten in artist order to its lake.md key
// (`ArtistOrderRewrite`).

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
    /// The `audience_daily` month partitions written (metrics.md section 8; a lake with audience
    /// series is rebuilt in full, so these are every month of `raw/audience`); nil when there
    /// are none, so that a plan without audience reads as it did before they existed.
    package var audienceMonths: [String]?
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
        case audienceMonths = "audience_months"
        case rawFrom = "raw_from", firstDay = "first_day", newFiles = "new_files"
    }

    /// The Athena statements, in order.
    package var statements: [Step] { steps.filter { $0.kind == "athena_query" } }

    /// Athena writes at most this many partitions per statement.
    package static let partitionsPerStatement = 100

    /// The staging table of `audience_daily`, beside the run's `artist_daily` one.
    package var audienceStagingTable: String { stagingTable + "_audience" }
    /// Where `audience_daily` is staged: inside the run's staging prefix, so that its clean-up
    /// and the next run's remove it with the rest.
    package var audienceStagingLocation: String { stagingLocation + AthenaTransformPlan.audienceStagingFolder }
    static let audienceStagingFolder = "audience_daily/"

    /// The plan for `scope` over the lake at `root` (`s3://bucket/prefix`), writing `months` of
    /// `artist_daily` and `audienceMonths` of `audience_daily`.
    package static func make(scope: TransformScope, months: [String], audienceMonths: [String] = [], root: String, runID: String,
                             database: String, workgroup: String, athenaOutput: String) throws -> AthenaTransformPlan {
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
        plan.audienceMonths = audienceMonths.isEmpty ? nil : audienceMonths
        guard scope != .upToDate, !months.isEmpty || !audienceMonths.isEmpty else { return plan }

        plan.steps.append(Step(kind: "glue_sync", description: "Glue: create or update database \(database) and the tables of lake.md (partition projection)"))
        plan.steps += try statements(table: "artist_daily", select: select, months: months, into: stagingName, at: stagingLocation,
                                     runID: runID, athenaOutput: athenaOutput, firstNumber: 1,
                                     rawNote: window.map { "; raw dt >= \($0.lookBackDay.isoString)" } ?? "")
        if !audienceMonths.isEmpty {
            let audienceName = "\(try ArtistDailySQL.identifier(database)).\(try ArtistDailySQL.identifier(plan.audienceStagingTable))"
            plan.steps += try statements(table: "audience_daily", select: try AudienceDailySQL.select(database: database), months: audienceMonths,
                                         into: audienceName, at: plan.audienceStagingLocation, runID: runID, athenaOutput: athenaOutput,
                                         firstNumber: plan.statements.count + 1, rawNote: "")
        }
        let tables = audienceMonths.isEmpty ? "artist_daily" : "artist_daily and audience_daily"
        plan.steps.append(Step(kind: "promote_partitions",
                               description: "S3: copy each staged partition to processed/<table>/month=YYYY-MM/part-0.parquet (\(tables); server-side, one object per partition)",
                               months: months))
        plan.steps.append(Step(kind: "remove_stale_partitions",
                               description: scope.firstDay.map { "S3: remove \(tables) partitions from \($0.monthString) on that were not written" }
                                   ?? "S3: remove \(tables) partitions that were not written"))
        let stagingTables = audienceMonths.isEmpty ? staging : "\(staging) and \(plan.audienceStagingTable)"
        plan.steps.append(Step(kind: "drop_staging", description: "Glue: delete table \(stagingTables); S3: delete \(stagingLocation)"))
        plan.steps.append(Step(kind: "analytics",
                               description: "MomentumAnalytics: artist_signals\(scope.firstDay.map { " (from \($0.monthString))" } ?? ""), release_impact and momentum from \(tables) read back from S3"))
        plan.steps.append(Step(kind: "record", description: "S3: \(TransformRecord.key), what this run read, for the next incremental run"))
        return plan
    }

    /// The CTAS, then INSERT INTO statements of one table's months, at most 100 partitions each.
    private static func statements(table: String, select: String, months: [String], into name: String, at location: String, runID: String,
                                   athenaOutput: String, firstNumber: Int, rawNote: String) throws -> [Step] {
        let batches = stride(from: 0, to: months.count, by: partitionsPerStatement).map { Array(months[$0..<min($0 + partitionsPerStatement, months.count)]) }
        return batches.enumerated().compactMap { index, batch in
            guard let first = batch.first, let last = batch.last else { return nil }
            let query = "SELECT * FROM (\n\(select)\n) daily\nWHERE month BETWEEN '\(first)' AND '\(last)'"
            let sql: String
            if index == 0 {
                sql = """
                CREATE TABLE \(name)
                WITH (
                  format = 'PARQUET',
                  write_compression = 'SNAPPY',
                  external_location = '\(location)',
                  partitioned_by = ARRAY['month'],
                  bucketed_by = ARRAY['artist_id'],
                  bucket_count = 1
                ) AS
                \(query)
                """
            } else {
                sql = "INSERT INTO \(name)\n\(query)"
            }
            let what = index == 0 ? "CTAS" : "INSERT INTO"
            return Step(
                kind: "athena_query",
                description: "Athena \(what): \(table) months \(first) to \(last) (\(batch.count)) into \(location)\(rawNote)",
                sql: sql, query: query, outputLocation: athenaOutput, months: batch,
                clientRequestToken: "momentum-transform-\(runID)-statement-\(firstNumber + index)")
        }
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
        let audienceMonths = self.audienceMonths ?? []
        guard !months.isEmpty || !audienceMonths.isEmpty else { throw refuse("no months") }
        guard self.audienceMonths != [] else { throw refuse("an empty list of audience months") }
        for list in [months, audienceMonths] {
            guard list.allSatisfy({ Day(iso: $0 + "-01")?.monthString == $0 }), list == list.sorted(), Set(list).count == list.count else {
                throw refuse("months must be distinct YYYY-MM in order")
            }
        }
        guard audienceMonths.isEmpty || scope.firstDay == nil else { throw refuse("audience months in an incremental plan") }
        if let first = scope.firstDay, months.contains(where: { $0 < first.monthString }) { throw refuse("a month before its first day") }
        var rebuilt = try AthenaTransformPlan.make(scope: scope, months: months, audienceMonths: audienceMonths, root: lake, runID: runID, database: database,
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
        if case .appended(_, let files, _) = self { return files }
        return nil
    }

    /// `full`, `incremental` or `up_to_date`.
    package var mode: String {
        switch self {
        case .full: "full"
        case .incremental, .appended: "incremental"
        case .upToDate: "up_to_date"
        }
    }
}
