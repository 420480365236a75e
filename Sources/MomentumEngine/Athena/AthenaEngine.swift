// `transform --engine athena`: the Step Functions job of the original platform, as code. Athena
// computes `artist_daily` (the SQL twin) into a staging prefix; each partition is then copied to
// its lake.md key, so every reader finds one layout whoever wrote it; MomentumAnalytics computes
// the other tables from `artist_daily` read back. A failed run deletes its staging table and
// prefix and leaves the processed tables as they were (a failure while partitions are copied
// leaves each partition old or new, and the next run recomputes them: the record is not written).

import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumAnalytics
import MomentumText

/// Where Athena works: the Glue database, the workgroup and the query result location.
package struct AthenaSettings: Sendable {
    package let database: String
    package let workgroup: String
    package let athenaOutput: String

    /// Checked settings for the lake at `lake`; the output defaults to `<lake>/_athena/results/`.
    package init(lake: String, database: String, workgroup: String, athenaOutput: String?) throws {
        try LakeCatalog.validateDatabase(database)
        guard !workgroup.isEmpty, workgroup.utf8.count <= 128,
              workgroup.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw EngineError.invalidInput("'\(workgroup.prefix(60))' is not an Athena workgroup name: letters, digits, '.', '_' and '-' only")
        }
        // Each reaches SQL (locations in CTAS, names in comments of the printed script): a
        // quote ends a string, a newline ends a comment. Each option is named for its own.
        try AthenaSettings.refuseInSQL(lake, option: "--lake")
        if let athenaOutput { try AthenaSettings.refuseInSQL(athenaOutput, option: "--athena-output") }
        let output = athenaOutput ?? "\(lake)/_athena/results/"
        if athenaOutput != nil || lake.hasPrefix("s3://") {
            guard output.hasPrefix("s3://"), S3ObjectStore.parse(output) != nil, !output.contains("'") else {
                throw EngineError.invalidInput("--athena-output must be an s3:// location, got '\(output.prefix(100))'")
            }
        }
        self.database = database
        self.workgroup = workgroup
        self.athenaOutput = output.hasSuffix("/") ? output : output + "/"
    }

    /// Refuses a quote or a control character (a newline, an escape) in a location that
    /// reaches SQL.
    static func refuseInSQL(_ value: String, option: String) throws {
        if value.contains("'") {
            throw EngineError.invalidInput("\(option) '\(TerminalText.sanitized(String(value.prefix(100))))' contains a quote, which an Athena location cannot")
        }
        if TerminalText.hasControlCharacters(value) {
            throw EngineError.invalidInput("\(option) '\(TerminalText.sanitized(String(value.prefix(100))))' contains a control character (a newline, a tab, an escape), which no location reaching SQL may")
        }
    }

    /// The plan of a run over `local`'s lake (reads its listings and state only; a folder lake
    /// gets a plan too, to read or to run elsewhere).
    package func plan(_ local: LocalEngine, full: Bool, runID: String) async throws -> AthenaTransformPlan {
        try AthenaSettings.refuseInSQL(local.store.location, option: "the lake location")
        let scope = try await local.transformScope(full: full)
        var months = Set<String>()
        for object in try await local.store.list(prefix: LakeDataset.artistMetrics.prefix) where LakeLayout.isDataKey(object.key) {
            guard let day = LakeLayout.captureDay(ofRawKey: object.key).flatMap({ Day(iso: $0) }) else { continue }
            if let first = scope.firstDay, day < first { continue }
            months.insert(day.monthString)
        }
        // Audience series are rebuilt in full (TransformScope): every month of raw/audience.
        var audienceMonths = Set<String>()
        if scope.firstDay == nil {
            for object in try await local.store.list(prefix: LakeDataset.audience.prefix) where LakeLayout.isDataKey(object.key) {
                guard let day = LakeLayout.captureDay(ofRawKey: object.key).flatMap({ Day(iso: $0) }) else { continue }
                audienceMonths.insert(day.monthString)
            }
        }
        return try AthenaTransformPlan.make(scope: scope, months: months.sorted(), audienceMonths: audienceMonths.sorted(), root: local.store.location,
                                            runID: runID, database: database, workgroup: workgroup, athenaOutput: athenaOutput)
    }
}

/// Runs the transform on Athena.
package struct AthenaEngine: Sendable {
    package let local: LocalEngine
    package let glue: GlueClient
    package let athena: AthenaClient
    package let settings: AthenaSettings
    /// The longest one statement may run before it is stopped.
    package let queryTimeout: Duration

    package var database: String { settings.database }
    package var workgroup: String { settings.workgroup }

    package init(local: LocalEngine, glue: GlueClient, athena: AthenaClient, settings: AthenaSettings,
                 queryTimeout: Duration = .seconds(3600)) throws {
        guard local.store.location.hasPrefix("s3://") else {
            throw EngineError.invalidInput("Athena reads S3: the lake at \(local.store.location) is a folder; use --lake s3://bucket/prefix")
        }
        self.local = local
        self.glue = glue
        self.athena = athena
        self.settings = settings
        self.queryTimeout = queryTimeout
    }

    /// The plan of a run.
    package func plan(full: Bool, runID: String) async throws -> AthenaTransformPlan {
        try await settings.plan(local, full: full, runID: runID)
    }

    /// What a run did.
    package struct Summary: Sendable {
        package var plan: AthenaTransformPlan
        /// Each statement: query id and bytes scanned.
        package var queries: [(id: String, scannedBytes: Int64)]
        package var scannedBytes: Int64 { queries.reduce(0) { $0 + $1.scannedBytes } }
        package var partitionsCopied: Int
        package var tables: LocalEngine.TransformSummary
    }

    /// Plans and runs the transform under the lake lock; `report` hears each finished step.
    package func transform(full: Bool, runID: String, report: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Summary {
        try await LakeLock.withLock(local.store, command: "transform --engine athena") {
            let plan = try await plan(full: full, runID: runID)
            guard !plan.steps.isEmpty else {
                return Summary(plan: plan, queries: [], partitionsCopied: 0, tables: .upToDate)
            }
            do {
                return try await run(plan, report: report)
            } catch {
                // In a task of its own: a cancelled run's requests end at once, and its staging
                // must go all the same.
                await Task { await dropStaging(plan) }.value
                throw error
            }
        }
    }

    private func run(_ plan: AthenaTransformPlan, report: @escaping @Sendable (String) -> Void) async throws -> Summary {
        try await syncCatalog()
        report("Glue: database \(database) and the lake's tables are in place")
        await removeLeftovers(of: plan)
        let queries = try await runStatements(plan, report: report)
        let promoted = try await promote(plan, report: report)
        let tables = try await analyse(plan, promoted: promoted)
        return Summary(plan: plan, queries: queries, partitionsCopied: promoted.written, tables: tables)
    }

    // The steps of a run, one by one: the CLI runs them in turn, the state machine of
    // `deploy/` runs each as its own task (the statements as Athena tasks of its own).

    /// `glue_sync`: the Glue database and the lake's tables, as `catalog sync` makes them.
    package func syncCatalog() async throws {
        _ = try await local.syncCatalog(glue: glue, database: database, today: Day(Date()) ?? Day.epoch)
    }

    /// `athena_query` steps, in order, each awaited: query ids and bytes scanned.
    package func runStatements(_ plan: AthenaTransformPlan, report: @escaping @Sendable (String) -> Void) async throws -> [(id: String, scannedBytes: Int64)] {
        var queries: [(id: String, scannedBytes: Int64)] = []
        for (index, step) in plan.statements.enumerated() {
            guard let sql = step.sql, let token = step.clientRequestToken else { continue }
            let query = AthenaClient.Query(sql: sql, database: database, workGroup: workgroup, outputLocation: step.outputLocation,
                                           clientRequestToken: token)
            let execution = try await athena.run(query, timeout: queryTimeout)
            queries.append((execution.id, execution.dataScannedBytes))
            report("Athena statement \(index + 1) of \(plan.statements.count) (query \(execution.id)): \(step.months?.count ?? 0) month(s), \(AthenaEngine.bytes(execution.dataScannedBytes)) scanned")
        }
        return queries
    }

    /// What `promote` did.
    package struct Promotion: Sendable, Equatable, Codable {
        /// Partition files copied into `processed/artist_daily/`.
        package var written: Int
        /// Stale partition files removed.
        package var removed: Int

        package init(written: Int, removed: Int) {
            self.written = written
            self.removed = removed
        }
    }

    /// `promote_partitions`, `remove_stale_partitions` and `drop_staging`: each staged partition
    /// copied to its key (a partition of several files keeps them as part-<n>), the partitions
    /// of the plan's months not written removed, the staging dropped.
    ///
    /// Idempotent: a promotion leaves a marker in the run's staging prefix before dropping the
    /// rest, so a retried promotion (a task whose answer was lost) answers what the first did
    /// instead of finding nothing staged and removing every partition. With nothing staged and
    /// no marker it stops, removing nothing. The plan is checked whole first (``AthenaTransformPlan/validated()``),
    /// and a partition is removed only when this run staged its month anew (a part it no longer
    /// has) or when no raw metric file of its month is left: a plan that names too few months
    /// leaves the others as they were.
    package func promote(_ handed: AthenaTransformPlan, report: @escaping @Sendable (String) -> Void) async throws -> Promotion {
        let plan = try handed.validated()
        let store = local.store
        let stagingPrefix = AthenaTransformPlan.stagingPrefix(runID: plan.runID)
        let marker = AthenaEngine.promotedMarker(runID: plan.runID)
        if let promotion = try await LakeStateJSON.load(Promotion.self, key: marker, from: store, what: "record of run \(plan.runID)'s promotion") {
            report("S3: run \(plan.runID) was promoted already (\(promotion.written) file(s) copied); nothing to do again")
            await dropStaging(plan, keepingMarker: true)
            return promotion
        }
        let listed = try await store.list(prefix: stagingPrefix).map(\.key)
        let scratch = try ScratchFolder.make(logger: local.logger)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let daily = try await promoteStaged(.artistDaily, staged: listed, under: stagingPrefix, months: plan.months, raw: .artistMetrics,
                                            firstDay: plan.firstDay, runID: plan.runID, scratch: scratch, report: report)
        var written = daily.written, removed = daily.removed
        if let audienceMonths = plan.audienceMonths {
            let audience = try await promoteStaged(.audienceDaily, staged: listed, under: stagingPrefix + AthenaTransformPlan.audienceStagingFolder,
                                                   months: audienceMonths, raw: .audience, firstDay: nil, runID: plan.runID, scratch: scratch, report: report)
            written += audience.written
            removed += audience.removed
        }
        let promotion = Promotion(written: written, removed: removed)
        try await store.put(marker, bytes: Array(try JSONEncoder().encode(promotion)))
        await dropStaging(plan, keepingMarker: true)
        return promotion
    }

    /// One table's staged partitions (the keys under `prefix` of the form `month=YYYY-MM/<file>`)
    /// rewritten in artist order (`ArtistOrderRewrite`) to their lake.md keys, one file a month
    /// put whole, then its stale partitions removed: a part of a month this run staged anew
    /// that it no longer has, or a month without raw data left. A promotion stopped half way
    /// (its deadline) and retried skips the months it had published (`promotedMonthsKey`).
    private func promoteStaged(_ dataset: LakeDataset, staged listed: [String], under prefix: String, months: [String], raw: LakeDataset,
                               firstDay: String?, runID: String, scratch: URL,
                               report: @escaping @Sendable (String) -> Void) async throws -> (written: Int, removed: Int) {
        let store = local.store
        let table = dataset.tableName
        var staged: [String: [String]] = [:]
        for key in listed where key.hasPrefix(prefix) {
            let parts = key.dropFirst(prefix.count).split(separator: "/")
            guard parts.count == 2, parts[0].hasPrefix("month="), !ObjectKey.isHidden(String(parts[1])), !parts[1].hasSuffix("$folder$") else { continue }
            staged[String(parts[0].dropFirst(6)), default: []].append(key)
        }
        if let foreign = staged.keys.sorted().first(where: { !months.contains($0) }) {
            throw EngineError.invalidInput("run \(runID) staged \(table) month \(TerminalText.sanitized(String(foreign.prefix(20)))), which its plan does not name; \(table) is left as it was")
        }
        if staged.isEmpty, !months.isEmpty {
            throw EngineError.noData("nothing is staged under \(store.location)/\(prefix) for run \(runID): its Athena statements did not run (or wrote no rows); \(table) is left as it was")
        }
        let existing = try await store.list(prefix: dataset.prefix).map(\.key).filter(LakeLayout.isDataKey)
        var written = Set<String>()
        let progressKey = AthenaEngine.promotedMonthsKey(runID: runID, dataset: dataset)
        var done = try await LakeStateJSON.load([String].self, key: progressKey, from: store, what: "months of run \(runID)'s promotion") ?? []
        var rows = 0
        var runs = 0
        for month in months {
            let sources = (staged[month] ?? []).sorted()
            guard !sources.isEmpty else { continue }
            let key = LakeLayout.processedKey(dataset, partition: ("month", month), part: 0)
            written.insert(key)
            if done.contains(month) { continue }
            let rewritten: (file: URL, rows: Int, runs: Int)
            switch dataset {
            case .audienceDaily:
                let result = try await ArtistOrderRewrite.audienceDaily(options: local.parquetOptions).rewrite(sources, in: store, month: month, scratch: scratch)
                rewritten = (result.file, result.rows, result.runs)
            default:
                let result = try await ArtistOrderRewrite.artistDaily(options: local.parquetOptions).rewrite(sources, in: store, month: month, scratch: scratch)
                rewritten = (result.file, result.rows, result.runs)
            }
            try await store.put(key, movingFileAt: rewritten.file)
            rows += rewritten.rows
            runs += rewritten.runs
            done.append(month)
            try await store.put(progressKey, bytes: Array(try JSONEncoder().encode(done)))
        }
        report("S3: \(written.count) \(table) partition file(s) rewritten in artist order into \(dataset.prefix) (\(rows) rows\(runs > 0 ? ", sorted in \(runs) runs" : ""))")
        let firstMonth = firstDay.flatMap { Day(iso: $0) }?.monthIndex
        let stagedMonths = Set(staged.keys.compactMap { Day(iso: $0 + "-01")?.monthIndex })
        let rawMonths = Set(try await store.list(prefix: raw.prefix).compactMap {
            LakeLayout.captureDay(ofRawKey: $0.key).flatMap { Day(iso: $0)?.monthIndex }
        })
        var removed = 0
        for key in existing where !written.contains(key) {
            guard let month = LocalEngine.monthIndex(ofProcessedKey: key) else { continue }
            if let firstMonth, month < firstMonth { continue }
            // Only a part of a partition this run replaced, or a month without raw data left.
            guard stagedMonths.contains(month) || !rawMonths.contains(month) else { continue }
            try await store.delete(key)
            removed += 1
        }
        if removed > 0 { report("S3: \(removed) stale \(table) file(s) removed") }
        return (written.count, removed)
    }

    /// The months of `dataset` a run's promotion has published so far: hidden, inside its staging prefix.
    static func promotedMonthsKey(runID: String, dataset: LakeDataset) -> String {
        AthenaTransformPlan.stagingPrefix(runID: runID) + "_promoted-\(dataset.tableName)-months.json"
    }

    /// Where a run's promotion is recorded: hidden, inside its staging prefix (the bucket's
    /// lifecycle rule and the next run's clean-up remove it).
    package static func promotedMarker(runID: String) -> String {
        AthenaTransformPlan.stagingPrefix(runID: runID) + "_promoted.json"
    }

    /// `analytics` and `record`: the other tables from `artist_daily` as stored, then the
    /// transform record (what the next incremental run starts from). In shards
    /// (`AnalyticsShardPlan`), one after another: memory holds one shard's artists, whatever
    /// the roster; the state machine runs the same shards as tasks of their own.
    package func analyse(_ plan: AthenaTransformPlan, promoted: Promotion, shards: Int? = nil) async throws -> LocalEngine.TransformSummary {
        try await local.requireStoredRows()
        let shardPlan = try await local.shardPlan(runID: plan.runID, firstDay: plan.firstDay, count: shards)
        for shard in shardPlan.shards {
            try Task.checkCancellation()
            _ = try await local.analyseShard(shardPlan, index: shard.index)
        }
        let published = try await local.publishShards(shardPlan, engine: "athena")
        await local.dropShardParts(runID: shardPlan.runID, keepingRecord: false)
        return await finishAnalytics(plan, published: published, promoted: promoted)
    }

    /// The run's summary once its shards are published; the promotion's marker goes (the run
    /// is recorded: its promotion will not be retried).
    package func finishAnalytics(_ plan: AthenaTransformPlan, published: ShardsPublished, promoted: Promotion) async -> LocalEngine.TransformSummary {
        do { try await local.store.delete(AthenaEngine.promotedMarker(runID: plan.runID)) } catch {
            local.logger.warning("could not delete \(AthenaEngine.promotedMarker(runID: plan.runID)): \(error)")
        }
        let today = Day(Date()) ?? Day.epoch
        let total = published.total
        var summary = LocalEngine.TransformSummary(
            artists: total.artists, dailyRows: total.dailyRows, signalRows: total.signalRows, events: total.events,
            leaderboardRows: published.leaderboardRows, asOf: published.asOf.flatMap { Day(iso: $0) }, objectsWritten: published.written + promoted.written,
            objectsRemoved: published.removed + promoted.removed, malformed: total.malformed.map { MalformedLine(source: $0.source, line: $0.line, reason: $0.reason) },
            rawBytes: total.releaseBytesRead, scope: plan.mode == "full" ? .full(reason: plan.reason)
                : .incremental(firstDay: Day(iso: plan.firstDay ?? "") ?? today, changedDays: [], newFiles: plan.newFiles ?? 0))
        summary.audienceRows = total.audienceRows
        return summary
    }

    /// Deletes the run's staging table and objects; failures are logged (a later run's
    /// staging is its own, so leftovers never mix with it).
    package func dropStaging(_ plan: AthenaTransformPlan, keepingMarker: Bool = false) async {
        for table in plan.audienceMonths == nil ? [plan.stagingTable] : [plan.stagingTable, plan.audienceStagingTable] {
            do {
                try await glue.deleteTable(database: database, name: table)
            } catch {
                local.logger.warning("could not delete the staging table \(database).\(table): \(error)")
            }
        }
        do {
            let marker = AthenaEngine.promotedMarker(runID: plan.runID)
            let keys = try await local.store.list(prefix: AthenaTransformPlan.stagingPrefix(runID: plan.runID)).map(\.key)
                .filter { !keepingMarker || $0 != marker }
            if let s3 = local.store as? S3ObjectStore {
                try await s3.delete(keys: keys)
            } else {
                for key in keys { try await local.store.delete(key) }
            }
        } catch {
            local.logger.warning("could not delete the staging objects under \(plan.stagingLocation): \(error)")
        }
    }

    /// Staging left by runs that were killed before their clean-up: under the lake lock no
    /// other run is using it. Failures are logged, not fatal.
    private func removeLeftovers(of plan: AthenaTransformPlan) async {
        do {
            for table in try await glue.tables(database: database)
            where table.Name.hasPrefix("momentum_staging_") && table.Name != plan.stagingTable && table.Name != plan.audienceStagingTable {
                try await glue.deleteTable(database: database, name: table.Name)
                local.logger.notice("deleted the staging table \(table.Name) of an interrupted run")
            }
            let current = AthenaTransformPlan.stagingPrefix(runID: plan.runID)
            let stale = try await local.store.list(prefix: "_athena/staging/").map(\.key).filter { !$0.hasPrefix(current) }
            if let s3 = local.store as? S3ObjectStore { try await s3.delete(keys: stale) } else { for key in stale { try await local.store.delete(key) } }
        } catch {
            local.logger.warning("could not remove the staging of interrupted runs: \(error)")
        }
    }

    /// Bytes for people: `12.3 MB`.
    package static func bytes(_ count: Int64) -> String {
        count < 1_000_000 ? "\(count) bytes" : String(format: "%.1f MB", Double(count) / 1_000_000)
    }
}
