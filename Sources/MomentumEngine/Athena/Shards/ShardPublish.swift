// The publish step of a sharded analytics: every shard's parts assembled into the lake.md
// tables. A month of `artist_signals` is its shards' parts one after the other (shards are
// ranges of ids in order, each part in artist order), re-encoded as it is read into one file laid
// out as the local engine lays it out, and put whole: a reader sees each partition old or new.
// `release_impact` the same; the leaderboard is ranked from the shards' entries (one per artist);
// then the transform record. Stale partitions are removed only once every new one is in place.
// Run again (killed, or its answer lost), it publishes the same files; once it has recorded the
// run, it answers what it did without touching anything.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

/// What a publish did, recorded before the shards' staging is dropped.
package struct ShardsPublished: Codable, Sendable, Equatable {
    package var written: Int
    package var removed: Int
    package var leaderboardRows: Int
    /// The leaderboard's day, `YYYY-MM-DD`.
    package var asOf: String?
    /// The shards' outcomes, summed (their malformed lines: the first shard's, which every
    /// shard finds).
    package var total: ShardOutcome

    enum CodingKeys: String, CodingKey {
        case written, removed, total
        case leaderboardRows = "leaderboard_rows", asOf = "as_of"
    }
}

extension LocalEngine {
    static func publishedMarker(runID: String) -> String {
        AnalyticsShardPlan.prefix(runID: runID) + "_published.json"
    }

    /// The shards' outcomes, in shard order; an error naming the first shard not done.
    package func shardOutcomes(_ plan: AnalyticsShardPlan) async throws -> [ShardOutcome] {
        var outcomes: [ShardOutcome] = []
        for shard in plan.shards {
            guard let outcome = try await LakeStateJSON.load(ShardOutcome.self, key: Self.shardMarker(plan, shard.index), from: store,
                                                              what: "shard \(shard.index) of run \(plan.runID)") else {
                throw EngineError.noData("shard \(shard.index) of run \(plan.runID) has not finished (no \(Self.shardMarker(plan, shard.index))): the tables are left as they were")
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Publishes the shards' parts into the lake's tables and records the run (`engine` names
    /// who computed `artist_daily`).
    package func publishShards(_ handed: AnalyticsShardPlan, engine: String) async throws -> ShardsPublished {
        let plan = try handed.validated()
        let marker = Self.publishedMarker(runID: plan.runID)
        if let done = try await LakeStateJSON.load(ShardsPublished.self, key: marker, from: store, what: "record of run \(plan.runID)'s publish") {
            return done
        }
        let outcomes = try await shardOutcomes(plan)
        let scratch = try ScratchFolder.make(logger: logger)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let options = parquetOptions
        var written = Set<String>()

        // artist_signals, month by month; the table exists from the lake's first day, empty.
        let firstMonth = plan.firstDay.flatMap { Day(iso: $0) }?.monthIndex
        let months = Set(outcomes.flatMap(\.signalMonths)).sorted()
        for month in months {
            let parts = plan.shards.indices.filter { outcomes[$0].signalMonths.contains(month) }
                .map { Self.shardPrefix(plan, $0) + "artist_signals/\(month).parquet" }
            let file = try await ArtistOrderRewrite.artistSignals(options: options).concatenate(parts, in: store, month: month, scratch: scratch)
            let key = LakeLayout.processedKey(.artistSignals, partition: ("month", month))
            try await store.put(key, movingFileAt: file.file)
            written.insert(key)
        }
        if months.isEmpty, firstMonth == nil, let asOf = plan.asOf.flatMap({ Day(iso: $0) }) {
            let key = LakeLayout.processedKey(.artistSignals, partition: ("month", asOf.monthString))
            try await store.put(key, bytes: try Tables.artistSignals.parquetFile([], options: options))
            written.insert(key)
        }
        // release_impact: one file, every shard's events.
        let impacts = try await ArtistOrderRewrite.releaseImpact(options: options)
            .concatenate(plan.shards.map { Self.shardPrefix(plan, $0.index) + "release_impact.parquet" }, in: store, month: "", scratch: scratch)
        let impactKey = LakeLayout.processedKey(.releaseImpact, partition: nil)
        try await store.put(impactKey, movingFileAt: impacts.file)
        written.insert(impactKey)

        // The leaderboard, ranked over every shard's entries.
        let entries = try await ProcessedTableReader.leaderboard(plan.shards.map { Self.shardPrefix(plan, $0.index) + "entries.parquet" }, in: store)
            .map(StagedEntries.entry)
        let leaderboard = Leaderboard.rank(entries)
        let observed = Set(outcomes.flatMap(\.observedDays).compactMap { Day(iso: $0) })
        let snapshots = try await writeLeaderboard(leaderboard, asOf: plan.asOf.flatMap { Day(iso: $0) }, observedDays: observed)

        // Stale files go once every new one is in place.
        let removed = try await snapshots.removed + removeStale(.artistSignals, keeping: written, fromMonth: firstMonth)
            + removeStale(.releaseImpact, keeping: written)
        let unread = Set((outcomes.first?.malformed ?? []).filter { $0.line == 0 }.map(\.source))
        try await recordTransform(engine: engine, unread: unread)
        let total = ShardOutcome.summed(outcomes)
        let published = ShardsPublished(written: written.count + snapshots.written, removed: removed, leaderboardRows: leaderboard.count, asOf: plan.asOf, total: total)
        try await store.put(marker, bytes: Array(try JSONEncoder().encode(published)))
        return published
    }

    /// Drops a run's shard parts (after its publish, or of a run that failed). The publish
    /// record stays while a retried publish task may still come (`keepingRecord`; the
    /// pipeline's last task drops it); without it, a late retry finds no shard done and
    /// changes nothing.
    package func dropShardParts(runID: String, keepingRecord: Bool) async {
        let prefix = AnalyticsShardPlan.prefix(runID: runID)
        let record = Self.publishedMarker(runID: runID)
        for object in (try? await store.list(prefix: prefix)) ?? [] where !keepingRecord || object.key != record {
            do { try await store.delete(object.key) } catch { logger.warning("could not delete \(object.key): \(error)") }
        }
    }
}
