// `momentum transform`: build the processed tables from the raw lake, in process or on Athena;
// only the months new raw data can change, unless --full.

import ArgumentParser
import Foundation
import LakeKit
import MomentumEngine

struct Transform: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build artist_daily, artist_signals, release_impact and momentum from the raw lake.",
        discussion: """
        A run after new raw data recomputes only the months that data can change (from the \
        first changed day's month on) and keeps the rest; the result equals a full rebuild. \
        --full rebuilds everything. With --engine athena (an s3:// lake), Athena computes \
        artist_daily into _athena/staging/<run>/ and each partition is copied to its key; \
        Glue and Athena are reached as the AWS CLI reaches them (AWS_REGION, \
        AWS_ENDPOINT_URL_ATHENA, AWS_ENDPOINT_URL_GLUE, credentials). --dry-run prints the plan \
        and runs nothing: a SQL script (every line that is not a statement is a comment), or \
        JSON with --format json. See Docs/Scaling-on-AWS.md. A full rebuild of a large lake \
        runs in bounded memory, a bucket of artists at a time (MOMENTUM_TRANSFORM_BUCKET_MB: \
        megabytes of raw metrics per bucket, default 16), spilling to TMPDIR.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Engine: local (in process) or athena.")
    var engine: Engine = .local

    @Flag(help: "Rebuild every partition, not only those new raw data changes.")
    var full = false

    @Flag(help: "Print the plan and run nothing.")
    var dryRun = false

    @Option(help: "The plan's form with --dry-run: text (a SQL script) or json.")
    var format: PlanFormat = .text

    @Option(help: "Parquet compression of the tables written in process: snappy, gzip or none.")
    var compression: Compression = .snappy

    @Option(help: "Glue database (default: \"database\" in momentum.json, else momentum).")
    var database: String?

    @Option(help: "Athena workgroup (default: \"workgroup\" in momentum.json, else primary).")
    var workgroup: String?

    @Option(help: "Where Athena writes query results, s3://... (default: \"athena_output\" in momentum.json, else <lake>/_athena/results/).")
    var athenaOutput: String?

    func validate() throws {
        if format == .json, !dryRun { throw ValidationError("--format json goes with --dry-run (it prints the plan as JSON)") }
        if engine == .local, database != nil || workgroup != nil || athenaOutput != nil {
            throw ValidationError("--database, --workgroup and --athena-output go with --engine athena")
        }
    }

    func run() async throws {
        let settings = try await Settings.resolve(global)
        let store = try settings.existingStore()
        let codec = compression.codec
        let bar = ProgressBar.forCommand(quiet: global.quiet || dryRun)
        var local = LocalEngine(store: store, logger: settings.logger, parquetOptions: .init(codec: codec, rowGroupRows: LocalEngine.processedRowGroupRows), progress: bar.update)
        if let text = settings.environment["MOMENTUM_TRANSFORM_BUCKET_MB"] {
            guard let megabytes = Int(text), (1...65_536).contains(megabytes) else {
                throw CommandFailure.usage("MOMENTUM_TRANSFORM_BUCKET_MB must be a whole number of megabytes from 1 to 65536, got '\(TerminalText.sanitized(text))'")
            }
            local.streamingBucketBytes = megabytes << 20
        }
        defer { bar.finish() }
        if engine == .athena {
            try await runOnAthena(local, settings: settings)
            return
        }
        if dryRun {
            let scope = try await local.localTransformScope(full: full)
            if format == .json {
                print(try Transform.json(["engine": "local", "mode": scope.mode, "reason": scope.summary, "first_day": scope.firstDay?.isoString]))
            } else {
                print("local engine: \(scope.summary) (nothing was run)")
            }
            return
        }
        let started = Date()
        let summary = try await settings.withLakeLock(store, command: "momentum transform") { try await local.transform(full: full) }
        bar.finish()
        try report(summary, seconds: Date().timeIntervalSince(started), location: store.location)
    }

    private func runOnAthena(_ local: LocalEngine, settings: Settings) async throws {
        let athenaSettings = try settings.athenaSettings(local.store, database: database, workgroup: workgroup, athenaOutput: athenaOutput)
        let runID = try IngestionJobs.runID(Date())
        if dryRun {
            let plan = try await athenaSettings.plan(local, full: full, runID: runID)
            if format == .json {
                print(String(decoding: try Transform.planJSON(plan, pretty: true), as: UTF8.self))
            } else {
                print(plan.script, terminator: "")
            }
            return
        }
        let athena = try await settings.athenaEngine(local, settings: athenaSettings)
        let started = Date()
        let quiet = global.quiet
        let summary = try await settings.withLakeLock(local.store, command: "momentum transform --engine athena") {
            try await athena.transform(full: full, runID: runID) { line in if !quiet { Console.note(line) } }
        }
        if !global.quiet, !summary.queries.isEmpty {
            Console.note("Athena scanned \(AthenaEngine.bytes(summary.scannedBytes)) in \(summary.queries.count) statement(s)")
        }
        try report(summary.tables, seconds: Date().timeIntervalSince(started), location: local.store.location)
    }

    private func report(_ summary: LocalEngine.TransformSummary, seconds: TimeInterval, location: String) throws {
        if !global.quiet {
            if summary.scope == .upToDate {
                Console.note("the processed tables are up to date: no raw file has changed since the last transform (--full rebuilds them)")
            } else {
                Console.note("""
                transformed \(summary.artists) artists in \(String(format: "%.2f", seconds)) s (\(summary.scope.summary)): \
                \(summary.dailyRows) artist_daily rows, \
                \(summary.audienceRows > 0 ? "\(summary.audienceRows) audience_daily rows, " : "")\
                \(summary.signalRows) artist_signals rows, \
                \(summary.events) release events, \(summary.leaderboardRows) leaderboard rows\
                \(summary.asOf.map { " as of \($0)" } ?? ""); \(summary.objectsWritten) files written to \(location)/processed
                """)
            }
        }
        if !summary.malformed.isEmpty {
            for line in summary.malformed { Console.error("malformed record skipped: \(line)") }
            throw CommandFailure.partial("\(summary.malformed.count) malformed raw line(s) were skipped; everything else was transformed")
        }
    }

    /// The plan as `--dry-run --format json` prints it (and the Lambda `transform_plan` job answers).
    static func planJSON(_ plan: AthenaTransformPlan, pretty: Bool) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(plan))
    }

    static func json(_ object: [String: String?]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    }
}

extension Transform {
    /// Where the tables are computed.
    enum Engine: String, ExpressibleByArgument, CaseIterable {
        case local, athena
    }

    /// How `--dry-run` prints the plan; `table` is `text` (the config file's default format).
    enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
        case text, table, json
    }

    /// The Parquet compression of the tables written in process.
    enum Compression: String, ExpressibleByArgument, CaseIterable {
        case snappy, gzip, none

        var codec: ParquetCodec {
            switch self {
            case .snappy: .snappy
            case .gzip: .gzip
            case .none: .uncompressed
            }
        }
    }
}
