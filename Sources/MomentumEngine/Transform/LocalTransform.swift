// The local transform: brings the processed tables up to date with raw, by the cheapest of a
// windowed increment, a month-scoped rebuild, a streaming rebuild in buckets or an in-memory
// one, and writes them atomically under the lake lock.

import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumAnalytics
import MomentumText

extension LocalEngine {
    // MARK: Writing

    /// What a transform wrote.
    package struct TransformSummary: Sendable {
        package var artists: Int
        package var dailyRows: Int
        /// `audience_daily` rows written (metrics.md section 8).
        package var audienceRows = 0
        package var signalRows: Int
        package var events: Int
        package var leaderboardRows: Int
        package var asOf: Day?
        package var objectsWritten: Int
        package var objectsRemoved: Int
        package var malformed: [MalformedLine]
        package var rawBytes: Int
        /// What was rebuilt.
        package var scope: TransformScope

        /// A transform that found nothing to do.
        static let upToDate = TransformSummary(artists: 0, dailyRows: 0, signalRows: 0, events: 0, leaderboardRows: 0, asOf: nil,
                                               objectsWritten: 0, objectsRemoved: 0, malformed: [], rawBytes: 0, scope: .upToDate)
    }

    /// Brings the processed tables up to date with raw: only the months new raw data can
    /// change (see ``TransformScope``), or all of them when `full` or when the lake's history
    /// cannot be trusted. Takes the lake lock.
    package func transform(full: Bool = false) async throws -> TransformSummary {
        try await LakeLock.withLock(store, command: "transform") { try await transformLocked(full: full) }
    }

    private func transformLocked(full: Bool) async throws -> TransformSummary {
        var clock = PhaseClock(logger: logger)
        let planning = try await planTransform(full: full)
        let (scope, listing) = (planning.scope, planning.rawListing)
        logger.debug("transform plan: \(scope.summary)")
        if scope == .upToDate { return TransformSummary.upToDate }
        /// A full rebuild in buckets when the lake's raw counts exceed one: bounded memory.
        func streamedInFull(because reason: String) async throws -> TransformSummary? {
            let rawBytes = listing.filter { !$0.key.hasPrefix(LakeDataset.releases.prefix) }.reduce(0) { $0 + $1.size }
            let buckets = LocalEngine.bucketCount(rawBytes: rawBytes, bucketBytes: streamingBucketBytes)
            guard buckets > 1 else { return nil }
            var summary = try await streamingTransform(buckets: buckets, rawListing: listing)
            summary.scope = .full(reason: reason)
            return summary
        }
        if case .full(let reason) = scope, let summary = try await streamedInFull(because: reason) { return summary }
        if case .incremental = scope {
            switch planning.appendable {
            case .success(let start):
                do {
                    return try await appendDays(newKeys: planning.newKeys, from: start, rawListing: listing)
                } catch let refusal as AppendRefusal {
                    logger.info("not appended from the carried state (\(refusal)): reading the window instead")
                }
            case .failure(let refusal):
                logger.debug("not appended from the carried state (\(refusal)): reading the window instead")
            }
        }
        if let reason = windowBeyondBucket(scope, listing: listing), let summary = try await streamedInFull(because: reason) { return summary }
        if case .incremental(let firstDay, let changedDays, _) = scope,
           let windowed = try await windowedAnalysis(firstDay: firstDay, changedDays: changedDays) {
            clock.lap("read and analysed the window from \(WindowedIncrement(firstDay: firstDay).windowStart) (\(windowed.lake.files) raw files of \(changedDays.count) day(s))")
            var summary = try await writeProcessedTablesLocked(windowed.analysis, from: windowed.lake, firstDay: firstDay,
                                                               otherImpacts: windowed.keptImpacts, snapshotsKnownFrom: WindowedIncrement(firstDay: firstDay).windowStart,
                                                               rawListing: listing, carriedFrom: windowed.untrimmed)
            summary.scope = scope
            return summary
        }
        let lake: RawLake
        if case .incremental(let firstDay, let changedDays, _) = scope {
            lake = try await loadIncrementalLake(changedDays: changedDays)
            clock.lap("read \(lake.files) raw files of \(changedDays.count) day(s) and the stored artist_daily, from \(firstDay)")
        } else {
            lake = try await loadRawLake()
            clock.lap("read \(lake.files) raw files (\(lake.bytes) bytes, \(lake.metricRecords + lake.releaseRecords) records)")
        }
        try LocalEngine.requireRecords(in: lake, at: store)
        let analysis = await analyze(lake)
        clock.lap("analysed \(analysis.analyses.count) artists")
        var summary = try await writeProcessedTablesLocked(analysis, from: lake, firstDay: scope.firstDay, rawListing: listing)
        summary.scope = scope
        return summary
    }

    /// Why an incremental scope that is not appended is rebuilt in full instead: what follows
    /// holds its window (or more) in memory, and a window larger than a streaming bucket is
    /// rebuilt in full, streaming (about as fast, in bounded memory). Nil when it fits.
    func windowBeyondBucket(_ scope: TransformScope, listing: [ObjectInfo]) -> String? {
        guard case .incremental(let firstDay, _, _) = scope else { return nil }
        let start = WindowedIncrement(firstDay: firstDay).windowStart
        let from = start.isoString
        // Raw counts (metrics, audience) captured from the window's start on.
        let bytes = listing.reduce(0) { total, object in
            guard !object.key.hasPrefix(LakeDataset.releases.prefix), let captured = LakeLayout.captureDay(ofRawKey: object.key), captured >= from else { return total }
            return total + object.size
        }
        guard bytes > streamingBucketBytes else { return nil }
        return "the rows from \(firstDay.monthString) on read back to \(start.isoString), \(bytes >> 20) MiB of raw counts, more than one streaming bucket (\(streamingBucketBytes >> 20) MiB) holds in memory"
    }

    /// Replaces the processed tables with an analysis already computed from `lake` (the demo
    /// renders its dashboard from the same analysis, so nothing is read or computed twice).
    package func writeProcessedTables(_ analysis: LakeAnalysis, from lake: RawLake) async throws -> TransformSummary {
        try await LakeLock.withLock(store, command: "transform") { try await writeProcessedTablesLocked(analysis, from: lake, firstDay: nil) }
    }

    /// Writes the tables; with `firstDay`, `artist_daily`, `audience_daily` and `artist_signals`
    /// only from that day's month on (earlier months are kept as they are).
    ///
    /// `otherImpacts` are `release_impact` rows of artists outside `analysis` (kept by an
    /// incremental run); leaderboard snapshots before `snapshotsKnownFrom` are kept whatever
    /// the lake's days (an incremental run does not see the days before its window).
    /// `carriedFrom`: the analyses the carried state is taken from, when not `analysis`'s own
    /// (a windowed run's, before its events were trimmed); the local engine writes one unless
    /// the lake has audience series, which are not appended.
    func writeProcessedTablesLocked(_ analysis: LakeAnalysis, from lake: RawLake, firstDay: Day?, otherImpacts: [ReleaseImpact] = [],
                                    snapshotsKnownFrom: Day? = nil, rawListing: [ObjectInfo]? = nil,
                                    carriedFrom: [ArtistAnalysis]? = nil) async throws -> TransformSummary {
        try LocalEngine.requireRecords(in: lake, at: store)
        // The last point a cancelled run stops at: what follows publishes, file by file.
        try Task.checkCancellation()
        var clock = PhaseClock(logger: logger)
        let analysed = analysis.analyses.flatMap(\.impacts)
        // In artist order, then event order, as a full rebuild writes them.
        let impacts = otherImpacts.isEmpty ? analysed : (analysed + otherImpacts).enumerated().sorted { a, b in
                a.element.artistID != b.element.artistID ? UTF8Order.less(a.element.artistID, b.element.artistID)
                    : a.element.eventDay != b.element.eventDay ? a.element.eventDay < b.element.eventDay : a.offset < b.offset
            }.map(\.element)
        let options = parquetOptions
        let firstMonth = firstDay?.monthIndex
        let kept: (Day) -> Bool = { day in firstMonth.map { day.monthIndex >= $0 } ?? true }
        let dailyRows = analysis.analyses.reduce(0) { $0 + $1.daily.count { kept($0.day) } }
        let audienceRows = analysis.analyses.reduce(0) { $0 + $1.audience.count { kept($0.day) } }
        let signalRows = analysis.analyses.reduce(0) { $0 + $1.signals.count { kept($0.day) } }

        // Every file to write, as a job; all of them are then encoded together on all cores.
        var jobs: [EncodeJob] = []
        jobs += LocalEngine.monthlyJobs(analysis.analyses.lazy.map { $0.daily.filter { kept($0.day) } }, table: Tables.artistDaily, options: options) { $0.day.monthIndex }
        jobs += LocalEngine.monthlyJobs(analysis.analyses.lazy.map { $0.audience.filter { kept($0.day) } }, table: Tables.audienceDaily, options: options) { $0.day.monthIndex }
        let signalJobs = LocalEngine.monthlyJobs(analysis.analyses.lazy.map { $0.signals.filter { kept($0.day) } }, table: Tables.artistSignals, options: options) { $0.day.monthIndex }
        jobs += signalJobs
        // Signals need a previous day: on a lake's first day there are none. The table still
        // exists, empty, with its schema, so readers and catalogs find it from day one.
        if signalJobs.isEmpty, firstDay == nil, let month = analysis.asOf?.monthIndex {
            jobs.append(EncodeJob(dataset: .artistSignals, key: LakeLayout.processedKey(.artistSignals, partition: ("month", Day.monthString(ofMonthIndex: month)))) {
                try Tables.artistSignals.parquetFile([], options: options)
            })
        }
        jobs.append(EncodeJob(dataset: .releaseImpact, key: LakeLayout.processedKey(.releaseImpact, partition: nil)) {
            try Tables.releaseImpact.parquetFile(impacts, options: options)
        })
        let report = progress
        let encoded = await LocalEngine.parallelMap(jobs, progress: { done, total in
            report?(EngineProgress(phase: .writing, completed: done, total: total))
        }) { job in Result { try job.encode() } }
        var files: [LakeDataset: [String: [UInt8]]] = [:]
        for (job, result) in zip(jobs, encoded) {
            files[job.dataset, default: [:]][job.key] = try result.get()
        }
        clock.lap("encoded Parquet")
        var written = 0
        var removed = 0
        for dataset in [LakeDataset.artistDaily, .audienceDaily, .artistSignals, .releaseImpact] {
            let result = try await replace(dataset, with: files[dataset] ?? [:], fromMonth: dataset == .releaseImpact ? nil : firstMonth)
            written += result.written
            removed += result.removed
        }
        let snapshots = try await writeLeaderboard(analysis.leaderboard, asOf: analysis.asOf, observedDays: lake.observedDays,
                                                   knownFrom: snapshotsKnownFrom)
        written += snapshots.written
        removed += snapshots.removed
        var carried: CarriedStateWriter.Written?
        if lake.audienceRecords == 0, let lastDay = lake.observedDays.max() {
            let state = try CarriedStateWriter(lastDay: lastDay, options: options)
            try state.add(carriedFrom ?? analysis.analyses)
            carried = try await state.publish(to: store)
        }
        try await recordTransform(engine: "local", rawListing: rawListing, unread: unreadKeys(lake.malformed), carried: carried)
        clock.lap("wrote \(written) files, removed \(removed)")
        return TransformSummary(
            artists: analysis.analyses.count, dailyRows: dailyRows, audienceRows: audienceRows, signalRows: signalRows, events: impacts.count,
            leaderboardRows: analysis.leaderboard.count, asOf: analysis.asOf, objectsWritten: written,
            objectsRemoved: removed, malformed: lake.malformed, rawBytes: lake.bytes, scope: .full(reason: "the analysis given")
        )
    }

    static func requireRecords(in lake: RawLake, at store: any ObjectStore) throws {
        guard lake.metricRecords + lake.releaseRecords + lake.audienceRecords > 0 else {
            throw EngineError.noData(
                "no raw records under \(store.location)/raw/ (expected \(LakeDataset.artistMetrics.prefix)dt=YYYY-MM-DD/*.jsonl): check --lake"
            )
        }
    }

    /// One Parquet file to build: where it goes and how to make it.
    struct EncodeJob: Sendable {
        var dataset: LakeDataset
        var key: String
        var encode: @Sendable () throws -> [UInt8]
    }

    /// One job per month partition. `artists` gives each artist's rows; they are grouped
    /// straight into their months, without an intermediate copy of the whole table.
    static func monthlyJobs<Row: Sendable>(
        _ artists: some Sequence<[Row]>, table: TableDefinition<Row>, options: ParquetWriter.Options,
        month: (Row) -> Int32
    ) -> [EncodeJob] {
        var byMonth: [Int32: [Row]] = [:]
        for rows in artists {
            for row in rows { byMonth[month(row), default: []].append(row) }
        }
        return byMonth.sorted { $0.key < $1.key }.map { index, rows in
            EncodeJob(dataset: table.dataset, key: LakeLayout.processedKey(table.dataset, partition: ("month", Day.monthString(ofMonthIndex: index)))) {
                try table.parquetFile(rows, options: options)
            }
        }
    }

    /// Replaces a dataset partition by partition: each new file is put atomically, then files
    /// the new version no longer has are removed. A reader sees, per partition, the old or the
    /// new file, never a mix.
    /// With `fromMonth`, only partitions of that month and later are replaced.
    func replace(_ dataset: LakeDataset, with files: [String: [UInt8]], fromMonth: Int32? = nil) async throws -> (written: Int, removed: Int) {
        for (key, bytes) in files.sorted(by: { $0.key < $1.key }) {
            try await store.put(key, bytes: bytes)
        }
        return (files.count, try await removeStale(dataset, keeping: Set(files.keys), fromMonth: fromMonth))
    }

    /// Removes the dataset's files a new version does not have (`keeping`), once that version
    /// is in place; with `fromMonth`, only partitions of that month and later. Returns how many.
    func removeStale(_ dataset: LakeDataset, keeping: Set<String>, fromMonth: Int32? = nil) async throws -> Int {
        var removed = 0
        for key in try await store.list(prefix: dataset.prefix).map(\.key).filter(LakeLayout.isDataKey) where !keeping.contains(key) {
            if let fromMonth, (LocalEngine.monthIndex(ofProcessedKey: key).map { $0 < fromMonth } ?? true) { continue }
            try await store.delete(key)
            removed += 1
        }
        return removed
    }
}

extension LocalEngine {
    /// The month of a `month=YYYY-MM` partition key.
    static func monthIndex(ofProcessedKey key: String) -> Int32? {
        guard let part = key.split(separator: "/").first(where: { $0.hasPrefix("month=") }),
              let day = Day(iso: part.dropFirst(6) + "-01") else { return nil }
        return day.monthIndex
    }
}
