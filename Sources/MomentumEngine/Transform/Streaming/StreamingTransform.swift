// A full transform in bounded memory. Pass 1 reads the raw metric files on every core and
// spills each line's fields (no record is made of them) into its artist's bucket (a range of
// ids: BucketRanges) on local disk. Pass 2 takes
// the buckets one by one: a bucket's artists are analysed on every core and their rows are
// appended to the tables as Parquet row groups, written to local files as they fill. Memory
// holds one bucket's artists and one file being put, whatever the size of the lake.
//
// The tables hold the same rows as the in-memory engine's, in the same artist order (buckets
// are ranges of ids, taken in order); row groups follow the buckets, so their artist_id
// statistics are narrow and a reader of one artist skips all but a few. The leaderboard's day is known only once every artist is
// analysed; it is predicted in pass 1 (the latest day any record has followers) and, in the
// rare lake where that day's kept records all lack them, the leaderboard is computed again.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

extension LocalEngine {
    /// The buckets a full transform of `rawBytes` of raw metrics uses (1: all in memory).
    static func bucketCount(rawBytes: Int, bucketBytes: Int) -> Int {
        let size = max(1, bucketBytes)
        return max(1, min(4096, rawBytes / size + (rawBytes % size == 0 ? 0 : 1)))
    }

    func streamingTransform(buckets: Int, rawListing: [ObjectInfo]? = nil) async throws -> TransformSummary {
        var clock = PhaseClock(logger: logger)
        let scratch = try ScratchFolder.make(logger: logger)
        defer { try? FileManager.default.removeItem(at: scratch) }

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let ranges = try await BucketRanges.sampled(buckets: buckets, from: store, listing: rawListing)
        let spill = SpillWriters(folder: scratch, ranges: ranges, workers: cores)
        let buckets = ranges.count
        let report = progress
        // Every long loop checks for cancellation (a Lambda deadline, Ctrl-C): nothing is
        // published before the last check, so a cancelled run leaves the lake as it was.
        let read = try await RawLakeReader.forEachObject(dataset: .artistMetrics, from: store, parallelism: cores) { worker, object in
            try Task.checkCancellation()
            let done = try spill.addMetrics(object, worker: worker)
            report?(EngineProgress(phase: .reading, completed: done, total: object.filesInAll))
        }
        try spill.finishMetrics()
        // The first bucket's metric records are decoded while the releases and audience records
        // are spilled: alone, each left a core idle (a twentieth of a small transform).
        async let firstObservations = buckets > 0 ? spill.observations(bucket: 0) : [:]
        // Releases are spilled by the same buckets: only one bucket's are ever in memory.
        let releaseRead = try await RawLakeReader.forEachFile(ReleaseRecord.self, dataset: .releases, from: store, parallelism: cores) { worker, file in
            try Task.checkCancellation()
            try spill.add(file, worker: worker)
        }
        // Audience records (metrics.md section 8) likewise.
        let audienceRead = try await RawLakeReader.forEachFile(AudienceObservation.self, dataset: .audience, from: store, parallelism: cores) { worker, file in
            try Task.checkCancellation()
            try spill.add(file, worker: worker)
        }
        try spill.finishReleasesAndAudience()
        let malformed = read.problems + spill.malformed + releaseRead.problems + spill.releaseMalformed + audienceRead.problems + spill.audienceMalformed
        for line in malformed { logger.debug("skipped a malformed line", metadata: ["line": "\(line)"]) }
        guard spill.records + spill.releaseRecords + spill.audienceRecords > 0 else {
            throw EngineError.noData("no raw records under \(store.location)/raw/ (expected \(LakeDataset.artistMetrics.prefix)dt=YYYY-MM-DD/*.jsonl): check --lake")
        }
        clock.lap("spilled \(spill.records) records of \(read.files) files into \(buckets) buckets")

        // A local lake's table files are made durable (fsync) when published: their writeback
        // starts as they are written. An S3 lake's are read, put and removed: never written back.
        let writeback = store is FileSystemObjectStore
        let daily = TableStream(Tables.artistDaily, options: parquetOptions, folder: scratch, startsWriteback: writeback)
        let audience = TableStream(Tables.audienceDaily, options: parquetOptions, folder: scratch, startsWriteback: writeback)
        let signals = TableStream(Tables.artistSignals, options: parquetOptions, folder: scratch, startsWriteback: writeback)
        let impacts = TableStream(Tables.releaseImpact, options: parquetOptions, folder: scratch, startsWriteback: writeback)
        try impacts.touch("")
        // The carried state of the next run (none for a lake with audience series: they are
        // not appended).
        let carried = try spill.audienceRecords > 0 ? nil
            : spill.observedDays.max().map { try CarriedStateWriter(lastDay: $0, options: parquetOptions, scratch: scratch) }
        let predicted = spill.latestCounted
        var entries: [LeaderboardEntry] = []
        var latestCounted: Day?
        var latestDay: Day?
        var artists = 0
        // The next bucket is analysed while this one's rows are encoded: each step alone leaves
        // a core idle part of the time (reading a bucket's spill, cutting and writing groups).
        var analysed = buckets > 0 ? try await analyseBucket(0, spill: spill, observations: try await firstObservations) : []
        for bucket in 0..<buckets {
            try Task.checkCancellation()
            let analyses = analysed
            async let following = bucket + 1 < buckets ? analyseBucket(bucket + 1, spill: spill) : []
            artists += analyses.count
            try carried?.add(analyses)
            var dailyRows: [Int32: [ArraySlice<ArtistDaily>]] = [:], signalRows: [Int32: [ArraySlice<ArtistSignal>]] = [:]
            var audienceRows: [Int32: [ArraySlice<AudienceDaily>]] = [:]
            for analysis in analyses {
                // Daily rows are in day order: the last ones tell.
                if let counted = analysis.daily.last(where: { $0.followers != nil })?.day, counted > latestCounted ?? Day.earliest { latestCounted = counted }
                if let last = analysis.daily.last?.day, last > latestDay ?? Day.earliest { latestDay = last }
                for row in analysis.audience {
                    if row.value != nil, row.day > latestCounted ?? Day.earliest { latestCounted = row.day }
                    if row.day > latestDay ?? Day.earliest { latestDay = row.day }
                }
                LocalEngine.addByMonth(analysis.daily, to: &dailyRows, day: \.day)
                LocalEngine.addByMonth(analysis.audience, to: &audienceRows, day: \.day)
                LocalEngine.addByMonth(analysis.signals, to: &signalRows, day: \.day)
                if let predicted, let entry = analysis.leaderboardEntry(asOf: predicted) { entries.append(entry) }
            }
            try await daily.append(LocalEngine.byMonthString(dailyRows))
            try await audience.append(LocalEngine.byMonthString(audienceRows))
            try await signals.append(LocalEngine.byMonthString(signalRows))
            try await impacts.append(["": analyses.map { $0.impacts[...] }])
            report?(EngineProgress(phase: .analysing, completed: bucket + 1, total: buckets))
            analysed = try await following
        }
        clock.lap("analysed \(artists) artists bucket by bucket")

        // The contract's day: the latest with a count in some series, else the latest of all.
        let asOf = latestCounted ?? latestDay
        if let asOf, asOf != predicted {
            entries = []
            for bucket in 0..<buckets {
                try Task.checkCancellation()
                let analyses = try await analyseBucket(bucket, spill: spill)
                entries += analyses.compactMap { $0.leaderboardEntry(asOf: asOf) }
            }
        }
        if signals.rows == 0, let asOf { try signals.touch(asOf.monthString) }
        // The last check: from here the tables are published, each file atomically.
        try Task.checkCancellation()
        // All at once: each publish waits on its files reaching the disk part of the time, and
        // the leaderboard and the state are encoded meanwhile. The transform record, which
        // names the state and the tables' fingerprints, comes after all of them: a run killed
        // before it leaves a lake the next run sees as changed, and rebuilds.
        let asOfDay = asOf, observedDays = spill.observedDays, finalEntries = entries
        async let dailyPublished = daily.publish(to: self)
        async let audiencePublished = audience.publish(to: self)
        async let signalsPublished = signals.publish(to: self)
        async let impactsPublished = impacts.publish(to: self)
        async let leaderboardPublished = { () async throws -> (rows: Int, written: Int, removed: Int) in
            let leaderboard = Leaderboard.rank(finalEntries)
            let snapshots = try await writeLeaderboard(leaderboard, asOf: asOfDay, observedDays: observedDays)
            return (leaderboard.count, snapshots.written, snapshots.removed)
        }()
        async let statePublished = carried?.publish(to: store)
        var written = 0, removed = 0
        for result in try await [dailyPublished, audiencePublished, signalsPublished, impactsPublished] {
            written += result.written
            removed += result.removed
        }
        let snapshots = try await leaderboardPublished
        written += snapshots.written
        removed += snapshots.removed
        let state = try await statePublished
        try await recordTransform(engine: "local", rawListing: rawListing, unread: unreadKeys(malformed), carried: state)
        clock.lap("wrote \(written) files, removed \(removed)")
        return TransformSummary(
            artists: artists, dailyRows: daily.rows, audienceRows: audience.rows, signalRows: signals.rows, events: impacts.rows, leaderboardRows: snapshots.rows,
            asOf: asOf, objectsWritten: written, objectsRemoved: removed, malformed: malformed, rawBytes: read.bytes + releaseRead.bytes + audienceRead.bytes,
            scope: .full(reason: "streamed in \(buckets) buckets"))
    }

    /// One bucket's artists, analysed on every core, in id order. (Its spill files stay until
    /// the transform ends: a second leaderboard pass may read them again.)
    private func analyseBucket(_ bucket: Int, spill: SpillWriters, observations decoded: [String: [MetricObservation]]? = nil) async throws -> [ArtistAnalysis] {
        let observations = try decoded ?? spill.observations(bucket: bucket)
        let releases = try spill.releases(bucket: bucket)
        let audience = try spill.audience(bucket: bucket)
        let ids = Set(observations.keys).union(releases.keys).union(audience.keys).sorted { UTF8Order.less($0, $1) }
        let inputs = ids.map { id in (id, observations[id] ?? [], releases[id] ?? [], audience[id] ?? []) }
        return await LocalEngine.parallelMap(inputs) { id, observations, releases, audience in
            ArtistAnalysis(artistID: id, observations: observations, releases: releases, audience: audience)
        }
    }

    /// Adds an artist's rows to their months' segments a run of one month at a time (its
    /// rows come in day order, series by series): one lookup per run, and no row copied.
    static func addByMonth<Row>(_ rows: [Row], to months: inout [Int32: [ArraySlice<Row>]], day: (Row) -> Day) {
        var start = 0
        while start < rows.count {
            let first = day(rows[start])
            let month = first.monthIndex
            // The month's first and last day, found once per run: a calendar conversion per
            // row cost more than the rest of this loop. (A run of one series can be followed
            // by another series' earlier days: both ends are checked.)
            let (year, monthOfYear, dayOfMonth) = first.civil
            let monthStart = first - (dayOfMonth - 1)
            let next = Day(year: monthOfYear == 12 ? year + 1 : year, month: monthOfYear == 12 ? 1 : monthOfYear + 1, day: 1)
            var end = start + 1
            while end < rows.count {
                let current = day(rows[end])
                guard monthStart <= current, next.map({ current < $0 }) ?? true else { break }
                end += 1
            }
            months[month, default: []].append(rows[start..<end])
            start = end
        }
    }

    /// Rows keyed by their month partition's value (`YYYY-MM`).
    static func byMonthString<Row>(_ months: [Int32: [Row]]) -> [String: [Row]] {
        Dictionary(uniqueKeysWithValues: months.map { (Day.monthString(ofMonthIndex: $0.key), $0.value) })
    }

    /// Writes the leaderboard snapshot of `asOf` and removes snapshots of days the data no
    /// longer has (a future `--date` since removed); other days' snapshots stay.
    /// With `knownFrom`, snapshots of earlier days are kept (the caller did not see them).
    func writeLeaderboard(_ rows: [MomentumRow], asOf: Day?, observedDays: Set<Day>, knownFrom: Day? = nil) async throws -> (written: Int, removed: Int) {
        var written = 0, removed = 0
        if let asOf {
            try await store.put(LakeLayout.processedKey(.momentum, partition: ("as_of", asOf.isoString)),
                                bytes: try Tables.momentum.parquetFile(rows, options: parquetOptions))
            written += 1
        }
        for info in try await store.list(prefix: LakeDataset.momentum.prefix) where LakeLayout.isDataKey(info.key) {
            guard let partition = info.key.split(separator: "/").first(where: { $0.hasPrefix("as_of=") }) else { continue }
            // A partition that is no day (past 2262, or not a date) is no day of the data either.
            guard let snapshotDay = Day(iso: String(partition.dropFirst(6))) else {
                try await store.delete(info.key)
                removed += 1
                continue
            }
            if snapshotDay >= knownFrom ?? snapshotDay, !observedDays.contains(snapshotDay), snapshotDay != asOf {
                try await store.delete(info.key)
                removed += 1
            }
        }
        return (written, removed)
    }
}
