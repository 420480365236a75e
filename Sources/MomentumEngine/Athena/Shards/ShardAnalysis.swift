// One shard of a run's analytics: its artists' stored rows (`artist_daily`, `audience_daily`;
// row group statistics skip the rest) and raw releases (every release file is read, a file at a
// time, and only the shard's records kept), analysed as the local engine analyses them, then
// its parts written into the run's staging: `artist_signals` by month, `release_impact`, and
// its artists' leaderboard entries for the plan's day. A marker written last says the shard is
// done: the publish step takes only done shards, and a shard run again writes the same parts.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// What a shard did, as its marker records it.
package struct ShardOutcome: Codable, Sendable, Equatable {
    package var artists: Int
    package var dailyRows: Int
    package var audienceRows: Int
    package var signalRows: Int
    package var events: Int
    /// Bytes of `artist_daily` and `audience_daily` the shard read (column chunks and footers).
    package var bytesRead: Int
    /// Bytes of raw release files read: every shard reads them all, keeping its artists'.
    package var releaseBytesRead: Int
    /// Signal months written, `YYYY-MM`.
    package var signalMonths: [String]
    /// The days of the shard's daily and audience rows, `YYYY-MM-DD` (the leaderboard keeps a
    /// snapshot of a day the data has).
    package var observedDays: [String]
    /// Raw release lines skipped, and files that could not be read (line 0): every shard reads
    /// every release file, so every shard finds the same; at most `maximumMalformed`.
    package var malformed: [Skipped]

    package struct Skipped: Codable, Sendable, Equatable {
        package var source: String
        package var line: Int
        package var reason: String
    }

    static let maximumMalformed = 1_000

    /// The outcomes of every shard, summed: their days and signal months united, the malformed
    /// lines the first shard's (every shard finds the same).
    static func summed(_ outcomes: [ShardOutcome]) -> ShardOutcome {
        func sum(_ value: (ShardOutcome) -> Int) -> Int { outcomes.reduce(0) { $0 + value($1) } }
        return ShardOutcome(artists: sum(\.artists), dailyRows: sum(\.dailyRows), audienceRows: sum(\.audienceRows), signalRows: sum(\.signalRows),
                            events: sum(\.events), bytesRead: sum(\.bytesRead), releaseBytesRead: sum(\.releaseBytesRead),
                            signalMonths: Set(outcomes.flatMap(\.signalMonths)).sorted(), observedDays: Set(outcomes.flatMap(\.observedDays)).sorted(),
                            malformed: outcomes.first?.malformed ?? [])
    }

    enum CodingKeys: String, CodingKey {
        case artists, events, malformed
        case dailyRows = "daily_rows", audienceRows = "audience_rows", signalRows = "signal_rows"
        case bytesRead = "bytes_read", releaseBytesRead = "release_bytes_read", signalMonths = "signal_months", observedDays = "observed_days"
    }
}

extension LocalEngine {
    /// The staging folder of one shard.
    static func shardPrefix(_ plan: AnalyticsShardPlan, _ index: Int) -> String {
        AnalyticsShardPlan.prefix(runID: plan.runID) + "\(index)/"
    }

    static func shardMarker(_ plan: AnalyticsShardPlan, _ index: Int) -> String {
        shardPrefix(plan, index) + "_done.json"
    }

    /// Analyses shard `index` of `plan` and writes its parts.
    package func analyseShard(_ handed: AnalyticsShardPlan, index: Int) async throws -> ShardOutcome {
        let plan = try handed.validated()
        guard plan.shards.indices.contains(index) else { throw EngineError.invalidInput("run \(plan.runID) has no shard \(index)") }
        let span = plan.shards[index].span
        let counting = ByteCountingStore(base: store)
        var daily = Dictionary(grouping: try await ProcessedTableReader.daily(try await ProcessedTableReader.files(.artistDaily, in: store).sorted(),
                                                                             in: counting, span: span), by: \.artistID)
        var audience = Dictionary(grouping: try await ProcessedTableReader.audience(try await ProcessedTableReader.files(.audienceDaily, in: store).sorted(),
                                                                                   in: counting, span: span), by: \.artistID)
        let (releases, malformed, releaseBytes) = try await shardReleases(span)
        let ids = Set(daily.keys).union(audience.keys).union(releases.keys).sorted { UTF8Order.less($0, $1) }
        let inputs = ids.map { id in
            (id, (daily[id] ?? []).sorted { $0.day < $1.day },
             (audience[id] ?? []).sorted { $0.series != $1.series ? $0.series < $1.series : $0.day < $1.day }, releases[id] ?? [])
        }
        daily = [:]
        audience = [:]
        let analyses = await LocalEngine.parallelMap(inputs) { id, rows, audience, releases in
            ArtistAnalysis(artistID: id, daily: rows, audience: audience, releases: releases)
        }
        return try await writeShard(plan, index: index, analyses: analyses, bytesRead: (counting.bytes, releaseBytes), malformed: malformed)
    }

    /// The shard's raw release records by artist, in the order "read last" refers to (key order).
    private func shardReleases(_ span: ArtistSpan) async throws -> ([String: [ReleaseRecord]], [MalformedLine], Int) {
        let kept = ShardFiles<ReleaseRecord>()
        let summary = try await RawLakeReader.forEachFile(ReleaseRecord.self, dataset: .releases, from: store) { _, file in
            kept.add(file.index, file.records.filter { span.contains($0.artistID) }, malformed: file.malformed)
        }
        var byArtist: [String: [ReleaseRecord]] = [:]
        for record in kept.inKeyOrder() { byArtist[record.artistID, default: []].append(record) }
        return (byArtist, summary.problems + kept.malformed(), summary.bytes)
    }

    private func writeShard(_ plan: AnalyticsShardPlan, index: Int, analyses: [ArtistAnalysis], bytesRead: (tables: Int, releases: Int),
                            malformed: [MalformedLine]) async throws -> ShardOutcome {
        let prefix = Self.shardPrefix(plan, index)
        let firstMonth = plan.firstDay.flatMap { Day(iso: $0) }?.monthIndex
        var signals: [Int32: [ArtistSignal]] = [:]
        for analysis in analyses {
            for row in analysis.signals where firstMonth.map({ row.day.monthIndex >= $0 }) ?? true { signals[row.day.monthIndex, default: []].append(row) }
        }
        let options = parquetOptions
        for (month, rows) in signals {
            try await store.put(prefix + "artist_signals/\(Day.monthString(ofMonthIndex: month)).parquet", bytes: try Tables.artistSignals.parquetFile(rows, options: options))
        }
        let impacts = analyses.flatMap(\.impacts)
        try await store.put(prefix + "release_impact.parquet", bytes: try Tables.releaseImpact.parquetFile(impacts, options: options))
        let asOf = plan.asOf.flatMap { Day(iso: $0) }
        let entries = asOf.map { day in analyses.compactMap { $0.leaderboardEntry(asOf: day) } } ?? []
        try await store.put(prefix + "entries.parquet", bytes: try Tables.momentum.parquetFile(entries.map(StagedEntries.row), options: options))
        var days = Set<Day>()
        for analysis in analyses {
            for row in analysis.daily { days.insert(row.day) }
            for row in analysis.audience { days.insert(row.day) }
        }
        let outcome = ShardOutcome(artists: analyses.count, dailyRows: analyses.reduce(0) { $0 + $1.daily.count },
                                   audienceRows: analyses.reduce(0) { $0 + $1.audience.count }, signalRows: signals.values.reduce(0) { $0 + $1.count },
                                   events: impacts.count, bytesRead: bytesRead.tables, releaseBytesRead: bytesRead.releases,
                                   signalMonths: signals.keys.sorted().map { Day.monthString(ofMonthIndex: $0) },
                                   observedDays: days.sorted().map(\.isoString),
                                   malformed: malformed.prefix(ShardOutcome.maximumMalformed).map { .init(source: $0.source, line: $0.line, reason: $0.reason) })
        try await store.put(Self.shardMarker(plan, index), bytes: Array(try JSONEncoder().encode(outcome)))
        return outcome
    }
}

/// Files decoded on several workers, kept with their place in key order.
final class ShardFiles<Record: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [(index: Int, records: [Record])] = []
    private var skipped: [(index: Int, lines: [MalformedLine])] = []

    func add(_ index: Int, _ records: [Record], malformed: [MalformedLine]) {
        lock.withLock {
            if !records.isEmpty { files.append((index, records)) }
            if !malformed.isEmpty { skipped.append((index, malformed)) }
        }
    }

    func malformed() -> [MalformedLine] {
        lock.withLock { skipped.sorted { $0.index < $1.index }.flatMap(\.lines) }
    }

    func inKeyOrder() -> [Record] {
        lock.withLock { files.sorted { $0.index < $1.index }.flatMap(\.records) }
    }
}

/// A store that counts the bytes its reads return: what a shard read of the tables.
final class ByteCountingStore: ObjectStore, @unchecked Sendable {
    private let base: any ObjectStore
    private let lock = NSLock()
    private var counted = 0

    init(base: any ObjectStore) { self.base = base }

    var bytes: Int { lock.withLock { counted } }
    private func count(_ bytes: [UInt8]) -> [UInt8] {
        lock.withLock { counted += bytes.count }
        return bytes
    }

    var location: String { base.location }
    func list(prefix: String) async throws -> [ObjectInfo] { try await base.list(prefix: prefix) }
    func listing(prefix: String) async throws -> ObjectListing { try await base.listing(prefix: prefix) }
    func get(_ key: String) async throws -> [UInt8] { count(try await base.get(key)) }
    func get(_ key: String, range: Range<Int>) async throws -> [UInt8] { count(try await base.get(key, range: range)) }
    func put(_ key: String, bytes: [UInt8]) async throws { try await base.put(key, bytes: bytes) }
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool { try await base.create(key, bytes: bytes) }
    func delete(_ key: String) async throws { try await base.delete(key) }
    func delete(_ key: String, ifContentIs expected: [UInt8]) async throws -> Bool { try await base.delete(key, ifContentIs: expected) }
    func size(of key: String) async throws -> Int? { try await base.size(of: key) }
    func put(_ key: String, movingFileAt file: URL) async throws { try await base.put(key, movingFileAt: file) }
    func copy(_ source: String, to destination: String) async throws { try await base.copy(source, to: destination) }
}

/// Leaderboard entries as a shard stages them: rows of the `momentum` table without their rank
/// and score, which need every artist (rank 0, no score); the publish reads them back as entries.
enum StagedEntries {
    static func row(_ entry: LeaderboardEntry) -> MomentumRow {
        MomentumRow(rank: 0, artistID: entry.artistID, artistName: entry.artistName, day: entry.day, followers: entry.followers,
                    growth7d: entry.growth7d, growth28d: entry.growth28d, acceleration7d: entry.acceleration7d,
                    popularityChange28d: entry.popularityChange28d, spikes28d: entry.spikes28d, lastEventDay: entry.lastEventDay,
                    lastEventUplift: entry.lastEventUplift, lastEventCar: entry.lastEventCar, series: entry.series)
    }

    static func entry(_ row: MomentumRow) -> LeaderboardEntry {
        LeaderboardEntry(artistID: row.artistID, artistName: row.artistName, day: row.day, followers: row.followers,
                         growth7d: row.growth7d, growth28d: row.growth28d, acceleration7d: row.acceleration7d,
                         popularityChange28d: row.popularityChange28d, spikes28d: row.spikes28d, lastEventDay: row.lastEventDay,
                         lastEventUplift: row.lastEventUplift, lastEventCar: row.lastEventCar, series: row.series)
    }
}
