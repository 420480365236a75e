// The analytics of a run, split into shards: contiguous ranges of artist ids, each analysed by a
// task of its own from its artists' rows of `artist_daily` and `audience_daily` (row group
// statistics skip the others: the tables are in artist order, whoever wrote them) and its
// artists' raw releases. The ranges are cut at quantiles of the ids of the latest month, so
// that shards hold about as many artists; an artist of an earlier month only still falls in
// exactly one range (the first has no lower bound, the last no upper one).
//
// The leaderboard's day is the contract's (section 7: the latest day with a count in any series,
// else the latest day), computed here from the latest months, so that every shard computes its
// artists' entries for the same day.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// The shards of one run's analytics.
package struct AnalyticsShardPlan: Codable, Sendable, Equatable {
    /// One shard: the ids after `after` (none when nil) up to `through` (no bound when nil).
    package struct Shard: Codable, Sendable, Equatable {
        package var index: Int
        package var after: String?
        package var through: String?

        var span: ArtistSpan { ArtistSpan(after: after, through: through) }
    }

    package var runID: String
    /// The leaderboard's day, `YYYY-MM-DD`; nil for a lake without daily rows.
    package var asOf: String?
    /// `artist_signals` is written from this day's month on (an incremental run's first day).
    package var firstDay: String?
    package var shards: [Shard]

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", asOf = "as_of", firstDay = "first_day", shards
    }

    /// Daily rows per shard when the count is not given. A shard task's peak is about 620 bytes
    /// per daily row (measured at 100,000 artists × 365 days: 1.47 million rows, 888 to 959 MiB;
    /// `Benchmarks/shards`), so 750,000 rows stay near 500 MiB: a 1,769 MB function holds one
    /// with room to spare.
    package static let rowsPerShard = 750_000
    /// Shards at most: their parts are published by one task.
    package static let maximumShards = 1_000

    /// Where a run's shards keep their parts (hidden, inside the run's staging).
    package static func prefix(runID: String) -> String {
        AthenaTransformPlan.stagingPrefix(runID: runID) + "_shards/"
    }

    /// Checks a plan handed back by the state machine: its run id and shards.
    package func validated() throws -> AnalyticsShardPlan {
        try AthenaSettings.validateRunID(runID)
        guard (1...AnalyticsShardPlan.maximumShards).contains(shards.count),
              shards.enumerated().allSatisfy({ $0.offset == $0.element.index }) else {
            throw EngineError.invalidInput("the shard plan of run \(runID) names \(shards.count) shards, or numbers them out of order")
        }
        guard shards.first?.after == nil, shards.last?.through == nil,
              zip(shards, shards.dropFirst()).allSatisfy({ previous, next in
                  guard let through = previous.through, let after = next.after else { return false }
                  return UTF8Order.equal(through, after)
              }) else {
            throw EngineError.invalidInput("the shards of run \(runID) do not cover every artist once")
        }
        if let asOf, Day(iso: asOf) == nil { throw EngineError.invalidInput("the shard plan's as_of '\(asOf.prefix(20))' is not a day") }
        if let firstDay, Day(iso: firstDay) == nil { throw EngineError.invalidInput("the shard plan's first_day '\(firstDay.prefix(20))' is not a day") }
        return self
    }
}

extension LocalEngine {
    /// The shards of run `runID`'s analytics over the stored tables: `count` of them, or as many
    /// as hold `AnalyticsShardPlan.rowsPerShard` daily rows each.
    package func shardPlan(runID: String, firstDay: String?, count: Int? = nil) async throws -> AnalyticsShardPlan {
        let dailyKeys = try await ProcessedTableReader.files(.artistDaily, in: store).sorted()
        let audienceKeys = try await ProcessedTableReader.files(.audienceDaily, in: store).sorted()
        var rows = 0
        for key in dailyKeys { rows += try await ProcessedTableReader.open(key, in: store, holdingBytes: false).reader.rowCount }
        let wanted = min(AnalyticsShardPlan.maximumShards, max(1, count ?? (rows + AnalyticsShardPlan.rowsPerShard - 1) / AnalyticsShardPlan.rowsPerShard))
        // The ids of the latest month, in order: the shards' bounds are their quantiles.
        var distinct = Set<String>()
        for key in Self.keysByMonth(dailyKeys).max(by: { $0.key < $1.key })?.value ?? [] {
            let table = try await ProcessedTableReader.open(key, in: store, holdingBytes: false)
            // A row group at a time: the plan holds the distinct ids, not the month's rows.
            for group in 0..<table.reader.rowGroupCount {
                let ids = try await table.reader.read(columns: ["artist_id"], rowGroups: [group])
                distinct.formUnion(try ProcessedColumns(table: ids, file: table.file).strings("artist_id").compactMap { $0 })
            }
        }
        let ids = distinct.sorted { UTF8Order.less($0, $1) }
        let count = min(wanted, ids.count)
        // Distinct ids, so the bounds are distinct and ascending.
        let bounds = count < 2 ? [] : (1..<count).map { ids[$0 * ids.count / count - 1] }
        var shards: [AnalyticsShardPlan.Shard] = []
        for index in 0...bounds.count {
            shards.append(.init(index: index, after: index == 0 ? nil : bounds[index - 1], through: index < bounds.count ? bounds[index] : nil))
        }
        let asOf = try await leaderboardDay(dailyKeys: dailyKeys, audienceKeys: audienceKeys)
        return AnalyticsShardPlan(runID: runID, asOf: asOf?.isoString, firstDay: firstDay, shards: shards)
    }

    /// The keys of each month partition, by month (a key outside any month is left out).
    static func keysByMonth(_ keys: [String]) -> [Int32: [String]] {
        var months: [Int32: [String]] = [:]
        for key in keys { if let month = monthIndex(ofProcessedKey: key) { months[month, default: []].append(key) } }
        return months
    }

    /// The contract's leaderboard day: the latest day with a count in some series (followers in
    /// `artist_daily`, a value in `audience_daily`), else the latest day; read month by month
    /// from the latest, two columns each.
    func leaderboardDay(dailyKeys: [String], audienceKeys: [String]) async throws -> Day? {
        var latest: Day?
        /// The latest day of the files, and the latest whose `counted` column has a value.
        func latestDays(_ keys: [String], counted column: String) async throws -> (any: Day?, counted: Day?) {
            var any: Day?, counted: Day?
            for key in keys {
                let table = try await ProcessedTableReader.open(key, in: store, holdingBytes: false)
                // A row group at a time: a month of a million artists is 31 million rows.
                for group in 0..<table.reader.rowGroupCount {
                    let columns = ProcessedColumns(table: try await table.reader.read(columns: ["day", column], rowGroups: [group]), file: table.file)
                    let days = try columns.days("day"), values = try columns.int64s(column)
                    for (row, day) in days.enumerated() {
                        guard let day else { continue }
                        if day > any ?? Day.earliest { any = day }
                        if values[row] != nil, day > counted ?? Day.earliest { counted = day }
                    }
                }
            }
            return (any, counted)
        }
        // Months from the latest: the first month with a count holds the latest count.
        let dailyMonths = Self.keysByMonth(dailyKeys), audienceMonths = Self.keysByMonth(audienceKeys)
        for month in Set(dailyMonths.keys).union(audienceMonths.keys).sorted(by: >) {
            let daily = try await latestDays(dailyMonths[month] ?? [], counted: "followers")
            let audience = try await latestDays(audienceMonths[month] ?? [], counted: "value")
            if latest == nil { latest = [daily.any, audience.any].compactMap { $0 }.max() }
            if let counted = [daily.counted, audience.counted].compactMap({ $0 }).max() { return counted }
        }
        return latest
    }
}

extension LocalEngine {
    /// Refuses a lake with nothing to analyse: no stored daily or audience rows and no raw
    /// release file.
    package func requireStoredRows() async throws {
        let stored = try await ProcessedTableReader.files(.artistDaily, in: store) + ProcessedTableReader.files(.audienceDaily, in: store)
        guard stored.isEmpty else { return }
        guard try await store.list(prefix: LakeDataset.releases.prefix).contains(where: { LakeLayout.isDataKey($0.key) }) else {
            throw EngineError.noData("no artist_daily rows under \(store.location)/\(LakeDataset.artistDaily.prefix) and no raw releases: check --lake")
        }
    }
}
