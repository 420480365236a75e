// The processed tables read back into the analytics' row types: `report`, `releases impact` and
// `dashboard` show what the last transform (ours, Athena's, or any tool's that follows the
// contract) wrote, without recomputing it from raw. A reader of the whole lake reads it a span
// of artists at a time from files kept open (`ProcessedTableReader.OpenedTable`).

import LakeKit
import MomentumAnalytics
import MomentumText

/// A range of artist ids, compared byte-wise (as Parquet orders strings): one artist, or the
/// ids after one bound and up to another.
package struct ArtistSpan: Sendable, Hashable {
    /// The bound below: ids after it (or from it, when `includesLower`); nil for no bound.
    package var lower: String?
    package var includesLower: Bool
    /// The greatest id in the span; nil for no bound.
    package var upper: String?

    package init(after lower: String?, through upper: String?) {
        self.lower = lower
        includesLower = false
        self.upper = upper
    }

    /// The span of one artist.
    package static func only(_ artistID: String) -> ArtistSpan {
        var span = ArtistSpan(after: artistID, through: artistID)
        span.includesLower = true
        return span
    }

    package func contains(_ artistID: String) -> Bool {
        if let lower {
            if UTF8Order.less(artistID, lower) { return false }
            if !includesLower && UTF8Order.equal(artistID, lower) { return false }
        }
        if let upper, UTF8Order.less(upper, artistID) { return false }
        return true
    }

    /// The row groups that may hold the span's artists.
    var filter: ParquetFilter? {
        lower == nil && upper == nil ? nil : ParquetFilter(column: "artist_id", from: lower.map { .string($0) }, through: upper.map { .string($0) })
    }
}

/// Rows of the processed tables, read from Parquet.
package enum ProcessedTableReader {
    /// A processed file opened once and read span by span: the reader keeps the footer only and
    /// reads the column chunks of the row groups a span needs.
    package struct OpenedTable: Sendable {
        package let reader: ParquetReader
        package let file: String
    }

    package static func files(_ dataset: LakeDataset, in store: any ObjectStore) async throws -> [String] {
        try await store.list(prefix: dataset.prefix).map(\.key).filter(LakeLayout.isDataKey).filter { $0.hasSuffix(".parquet") }
    }

    /// Opens a processed file. `holdingBytes: false` keeps only its footer in memory.
    package static func open(_ key: String, in store: any ObjectStore, holdingBytes: Bool = true) async throws -> OpenedTable {
        let reader = try await ParquetReader.open(store, key: key, wholeFileLimit: holdingBytes ? ParquetReader.wholeFileLimit : 0)
        let file = "\(store.location)/\(key)"
        // The contract's types are all readable: a column of another type is the first thing wrong.
        if let (name, type) = reader.unreadableColumns.min(by: { $0.key < $1.key }) {
            throw LakeError.format("\(file): column '\(name)' is \(type), which the lake contract does not use (lake.md gives each column's type)")
        }
        return OpenedTable(reader: reader, file: file)
    }

    static func columns(_ table: OpenedTable, span: ArtistSpan?) async throws -> ProcessedColumns {
        ProcessedColumns(table: try await table.reader.read(filter: span?.filter), file: table.file)
    }

    /// Each file of `keys`, opened one at a time, read for the artists of `span` (every artist
    /// when nil). `holdingBytes: false` reads the footer and the row groups the span needs only.
    private static func rows<Row>(_ keys: [String], in store: any ObjectStore, span: ArtistSpan?, holdingBytes: Bool = true,
                                  _ decode: (ProcessedColumns, ArtistSpan?) throws -> [Row]) async throws -> [Row] {
        var rows: [Row] = []
        for key in keys {
            rows += try decode(try await columns(try await open(key, in: store, holdingBytes: holdingBytes), span: span), span)
        }
        return rows
    }

    package static func daily(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [ArtistDaily] {
        try await rows(keys, in: store, span: artistID.map(ArtistSpan.only), daily)
    }

    /// The rows of a span of artists, each file's row groups that may hold them only (a shard's read).
    package static func daily(_ keys: [String], in store: any ObjectStore, span: ArtistSpan) async throws -> [ArtistDaily] {
        try await rows(keys, in: store, span: span, holdingBytes: false, daily)
    }

    package static func audience(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [AudienceDaily] {
        try await rows(keys, in: store, span: artistID.map(ArtistSpan.only), audience)
    }

    /// As ``daily(_:in:span:)``.
    package static func audience(_ keys: [String], in store: any ObjectStore, span: ArtistSpan) async throws -> [AudienceDaily] {
        try await rows(keys, in: store, span: span, holdingBytes: false, audience)
    }

    package static func signals(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [ArtistSignal] {
        try await rows(keys, in: store, span: artistID.map(ArtistSpan.only), signals)
    }

    package static func impacts(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [ReleaseImpact] {
        try await rows(keys, in: store, span: artistID.map(ArtistSpan.only), impacts)
    }

    /// The rows of the span's artists (every row when nil) in columns read from a file.
    package static func daily(_ c: ProcessedColumns, span: ArtistSpan?) throws -> [ArtistDaily] {
        var rows: [ArtistDaily] = []
        let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("day")
        let followers = try c.int64s("followers"), popularity = try c.int32s("popularity"), prev = try c.days("prev_day")
        let gaps = try c.int32s("gap_days"), deltas = try c.int64s("follower_delta"), adds = try c.doubles("adds_per_day")
        let logs = try c.doubles("log_growth"), pcts = try c.doubles("pct_change"), g7 = try c.doubles("growth_7d")
        let g28 = try c.doubles("growth_28d"), pop7 = try c.int32s("popularity_change_7d")
        let releases = try c.int32s("release_count"), since = try c.int32s("days_since_release")
        // One artist's rows are consecutive: they share its id and name, not a copy each.
        var shared = SharedStrings()
        for row in 0..<c.table.rowCount {
            let id = shared.id(try c.required(ids, "artist_id", row))
            if let span, !span.contains(id) { continue }
            rows.append(ArtistDaily(
                artistID: id, artistName: shared.name(names[row] ?? id), day: try c.required(days, "day", row), followers: followers[row],
                popularity: popularity[row], prevDay: prev[row], gapDays: gaps[row], followerDelta: deltas[row],
                addsPerDay: adds[row], logGrowth: logs[row], pctChange: pcts[row], growth7d: g7[row], growth28d: g28[row],
                popularityChange7d: pop7[row], releaseCount: try c.required(releases, "release_count", row),
                daysSinceRelease: since[row]))
        }
        return rows
    }

    /// The rows of the span's artists (every row when nil) in columns read from a file.
    package static func audience(_ c: ProcessedColumns, span: ArtistSpan?) throws -> [AudienceDaily] {
        var rows: [AudienceDaily] = []
        let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), sources = try c.strings("source")
        let metrics = try c.strings("metric"), days = try c.days("day"), values = try c.int64s("value"), prev = try c.days("prev_day")
        let gaps = try c.int32s("gap_days"), deltas = try c.int64s("delta"), adds = try c.doubles("adds_per_day")
        let logs = try c.doubles("log_growth"), pcts = try c.doubles("pct_change"), g7 = try c.doubles("growth_7d")
        let g28 = try c.doubles("growth_28d")
        for row in 0..<c.table.rowCount {
            let id = try c.required(ids, "artist_id", row)
            if let span, !span.contains(id) { continue }
            rows.append(AudienceDaily(
                artistID: id, artistName: names[row] ?? id, source: try c.required(sources, "source", row),
                metric: try c.required(metrics, "metric", row), day: try c.required(days, "day", row), value: values[row],
                prevDay: prev[row], gapDays: gaps[row], delta: deltas[row], addsPerDay: adds[row], logGrowth: logs[row],
                pctChange: pcts[row], growth7d: g7[row], growth28d: g28[row]))
        }
        return rows
    }

    /// The rows of the span's artists (every row when nil) in columns read from a file.
    package static func signals(_ c: ProcessedColumns, span: ArtistSpan?) throws -> [ArtistSignal] {
        var rows: [ArtistSignal] = []
        let ids = try c.strings("artist_id"), days = try c.days("day"), adds = try c.doubles("adds_per_day")
        let z = try c.doubles("robust_z"), spikes = try c.booleans("is_spike"), drops = try c.booleans("is_drop")
        let series = try c.series()
        var shared = SharedStrings()
        for row in 0..<c.table.rowCount {
            let id = shared.id(try c.required(ids, "artist_id", row))
            if let span, !span.contains(id) { continue }
            rows.append(ArtistSignal(artistID: id, day: try c.required(days, "day", row), addsPerDay: try c.required(adds, "adds_per_day", row),
                                     robustZ: z[row], isSpike: try c.required(spikes, "is_spike", row), isDrop: try c.required(drops, "is_drop", row),
                                     series: try series(row)))
        }
        return rows
    }

    /// The rows of the span's artists (every row when nil) in columns read from a file.
    package static func impacts(_ c: ProcessedColumns, span: ArtistSpan?) throws -> [ReleaseImpact] {
        var rows: [ReleaseImpact] = []
        let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("event_day")
        let albumIDs = try c.strings("album_ids"), albumNames = try c.strings("album_names")
        let nBaseline = try c.int32s("n_baseline"), nWindow = try c.int32s("n_window"), statuses = try c.strings("status")
        let baseline = try c.doubles("baseline_growth"), spread = try c.doubles("spread"), abnormal = try c.doubles("abnormal_growth")
        let car = try c.doubles("car"), t = try c.doubles("t_stat"), uplift = try c.doubles("uplift"), contaminated = try c.booleans("contaminated")
        let series = try c.series()
        for row in 0..<c.table.rowCount {
            let id = try c.required(ids, "artist_id", row)
            if let span, !span.contains(id) { continue }
            let statusText = try c.required(statuses, "status", row)
            guard let status = ImpactStatus(rawValue: statusText) else {
                throw LakeError.format("\(c.file): column 'status', row \(row + 1): '\(statusText.prefix(40))' is not ok or insufficient_data")
            }
            rows.append(ReleaseImpact(
                artistID: id, artistName: names[row], eventDay: try c.required(days, "event_day", row),
                albumIDs: try c.required(albumIDs, "album_ids", row), albumNames: try c.required(albumNames, "album_names", row),
                nBaseline: try c.required(nBaseline, "n_baseline", row), nWindow: try c.required(nWindow, "n_window", row),
                status: status, baselineGrowth: baseline[row], spread: spread[row], abnormalGrowth: abnormal[row], car: car[row],
                tStat: t[row], uplift: uplift[row], contaminated: try c.required(contaminated, "contaminated", row),
                series: try series(row)))
        }
        return rows
    }

    package static func leaderboard(_ keys: [String], in store: any ObjectStore) async throws -> [MomentumRow] {
        var rows: [MomentumRow] = []
        for key in keys { rows += try leaderboard(try await columns(try await open(key, in: store), span: nil)) }
        return rows.sorted { $0.rank < $1.rank }
    }

    /// The leaderboard's rows in columns read from a file (or a row group of one), in their order.
    package static func leaderboard(_ c: ProcessedColumns) throws -> [MomentumRow] {
        var rows: [MomentumRow] = []
        do {
            let ranks = try c.int32s("rank"), ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("day")
            let followers = try c.int64s("followers"), g7 = try c.doubles("growth_7d"), g28 = try c.doubles("growth_28d")
            let acceleration = try c.doubles("acceleration_7d"), pop28 = try c.int32s("popularity_change_28d")
            let scores = try c.doubles("momentum_score"), spikes = try c.int32s("spikes_28d"), lastDays = try c.days("last_event_day")
            let lastUplift = try c.doubles("last_event_uplift"), lastCar = try c.doubles("last_event_car")
            let seriesNames = try c.strings("series", absentAs: AudienceSeries.spotifyFollowers.name)
            for row in 0..<c.table.rowCount {
                let id = try c.required(ids, "artist_id", row)
                let seriesName = try c.required(seriesNames, "series", row)
                guard let series = AudienceSeries(name: seriesName) else {
                    throw LakeError.format("\(c.file): column 'series', row \(row + 1): '\(seriesName.prefix(40))' is not source/metric")
                }
                rows.append(MomentumRow(
                    rank: try c.required(ranks, "rank", row), artistID: id, artistName: names[row] ?? id, day: try c.required(days, "day", row),
                    followers: followers[row], growth7d: g7[row], growth28d: g28[row], acceleration7d: acceleration[row],
                    popularityChange28d: pop28[row], momentumScore: scores[row], spikes28d: try c.required(spikes, "spikes_28d", row),
                    lastEventDay: lastDays[row], lastEventUplift: lastUplift[row], lastEventCar: lastCar[row], series: series))
            }
        }
        return rows
    }

    /// A day's stored leaderboard in rank order, a row group at a time, when it is one file whose
    /// row groups' ranks ascend (as both engines write it: the reader then holds one group, about
    /// 8,000 rows); otherwise every row at once, sorted. The rows in all.
    @discardableResult
    package static func forEachLeaderboardBatch(_ keys: [String], in store: any ObjectStore, _ body: ([MomentumRow]) async throws -> Void) async throws -> Int {
        if keys.count == 1 {
            let table = try await open(keys[0], in: store, holdingBytes: false)
            let ranges = try table.reader.rowGroupRanges(of: "rank")
            var previous: Int64?
            let ascending = ranges.allSatisfy { range in
                guard case .integer(let low)? = range.min, case .integer(let high)? = range.max, previous.map({ $0 < low }) ?? true else { return false }
                previous = high
                return true
            }
            if ascending {
                var count = 0
                for group in ranges.indices {
                    let rows = try leaderboard(ProcessedColumns(table: try await table.reader.read(rowGroups: [group]), file: table.file))
                    count += rows.count
                    try await body(rows)
                }
                return count
            }
        }
        let rows = try await leaderboard(keys, in: store)
        try await body(rows)
        return rows.count
    }
}

extension ProcessedColumns {
    /// The series of each row from `source` and `metric` (`spotify/followers` in tables written
    /// before contract v1.3 added them).
    func series() throws -> (Int) throws -> AudienceSeries {
        let sources = try strings("source", absentAs: AudienceSeries.spotifyFollowers.source)
        let metrics = try strings("metric", absentAs: AudienceSeries.spotifyFollowers.metric)
        return { row in
            AudienceSeries(source: try self.required(sources, "source", row), metric: try self.required(metrics, "metric", row))
        }
    }
}

/// The last id and name seen: a value equal to it is replaced by it, so that consecutive rows of
/// one artist hold one string, and each row's own copy is freed with the column it came from.
struct SharedStrings {
    private var lastID = "", lastName = ""

    mutating func id(_ value: String) -> String {
        if value == lastID { return lastID }
        lastID = value
        return value
    }

    mutating func name(_ value: String) -> String {
        if value == lastName { return lastName }
        lastName = value
        return value
    }
}
