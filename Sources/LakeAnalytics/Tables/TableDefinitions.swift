// The processed tables, each defined once: column names, Parquet types and how to read a
// value from an analytics row. Parquet files and printed reports both derive from these, so
// they cannot drift apart.

import LakeKit
import MomentumAnalytics

/// One value of a table cell.
package enum Cell: Sendable, Hashable {
    case null
    case string(String)
    case integer(Int64)
    case double(Double)
    case date(Day)
    case boolean(Bool)
}

/// A table of the metric contract.
package struct TableDefinition<Row>: Sendable {
    package let dataset: LakeDataset
    package let columns: [TableColumn<Row>]
    /// The artist of a row, for the tables kept in artist order: their row groups hold whole
    /// artists (see ``ArtistRowGroups``).
    package let artistOf: (@Sendable (Row) -> String)?

    /// A table whose rows are in no particular order.
    package init(dataset: LakeDataset, columns: [TableColumn<Row>]) {
        self.init(dataset: dataset, columns: columns, artistOf: nil)
    }

    /// A table whose rows are in artist order when `artistOf` is given.
    package init(dataset: LakeDataset, columns: [TableColumn<Row>], artistOf: (@Sendable (Row) -> String)?) {
        self.dataset = dataset
        self.columns = columns
        self.artistOf = artistOf
    }

    package var columnNames: [String] { columns.map(\.name) }

    package var parquetSchema: [ParquetField] {
        columns.map { ParquetField($0.name, $0.type, nullable: $0.nullable) }
    }

    /// The rows as printable cells, in column order.
    package func cells(_ rows: [Row]) -> [[Cell]] {
        rows.map { row in columns.map { $0.cell(row) } }
    }

    /// The rows as Parquet columns.
    package func parquetColumns(_ rows: [Row]) -> [ParquetColumn] {
        columns.map { $0.parquetColumn(rows) }
    }

    /// The table's columns with no values, for ``append(_:to:)``.
    package var emptyColumns: [ParquetColumn] { columns.map(\.emptyColumn) }

    /// The table's columns with no values and room for `rows` (a row group being filled:
    /// it grows to its size without copying itself on the way).
    package func emptyColumns(reserving rows: Int) -> [ParquetColumn] {
        columns.map { column in
            var empty = column.emptyColumn
            empty.reserveCapacity(rows)
            return empty
        }
    }

    /// Appends the rows' values to `columns` (the table's), in place.
    ///
    /// Specialised here for the tables a transform streams: its callers are in another module,
    /// where this would run unspecialised, looking up type metadata once per artist segment
    /// and column (2 % of a full transform).
    @_specialize(exported: true, where Row == ArtistDaily)
    @_specialize(exported: true, where Row == ArtistSignal)
    @_specialize(exported: true, where Row == AudienceDaily)
    @_specialize(exported: true, where Row == ReleaseImpact)
    package func append(_ rows: ArraySlice<Row>, to values: inout [ParquetColumn]) {
        // The rows' memory is reached once for all columns.
        rows.withUnsafeBufferPointer { buffer in
            for index in columns.indices { columns[index].append(buffer, to: &values[index]) }
        }
    }

    /// A Parquet file of the rows; a table in artist order gets the row groups of
    /// ``ArtistRowGroups``, whatever the caller's batches were.
    package func parquetFile(_ rows: [Row], options: ParquetWriter.Options = .init()) throws -> [UInt8] {
        var writer = try ParquetWriter(schema: parquetSchema, options: options)
        if let artistOf {
            var groups = ArtistRowGroups<Row>(limit: options.rowGroupRows, artistOf: artistOf)
            for group in groups.add(rows) + [groups.finish()] where !group.isEmpty { try writer.append(parquetColumns(group)) }
        } else {
            try writer.append(parquetColumns(rows))
        }
        return writer.finish()
    }
}

/// Row groups that depend on the rows alone, so that a full rebuild (in memory or streamed in
/// buckets of artists) and an incremental run write the same bytes for the same table: a
/// group takes whole artists, in order, while they fit in `limit` rows (the writer's
/// `rowGroupRows`); an artist with more rows than that has a group of its own, which the
/// writer cuts at that size. Rows must arrive in artist order, each artist's rows in one batch.
/// Groups of whole artists also keep each group's `artist_id` range narrow for readers of
/// one artist.
package struct ArtistRowGroups<Row> {
    private var cutter: ArtistGroupCutter
    private let artistOf: (Row) -> String
    private var pending: [Row] = []

    package init(limit: Int, artistOf: @escaping (Row) -> String) {
        cutter = ArtistGroupCutter(limit: limit)
        self.artistOf = artistOf
    }

    /// Adds a batch of whole artists; returns the groups it completed, in order.
    package mutating func add(_ rows: [Row]) -> [[Row]] {
        var done: [[Row]] = []
        var next = 0
        for size in cutter.add(runs: ArtistGroupCutter.runs(rows, artistOf)) {
            // A closed group starts with the rows held from earlier batches.
            let fromBatch = size - pending.count
            pending.append(contentsOf: rows[next..<(next + fromBatch)])
            next += fromBatch
            done.append(pending)
            pending = []
        }
        pending.append(contentsOf: rows[next...])
        return done
    }

    /// The last group (possibly empty).
    package mutating func finish() -> [Row] {
        defer { pending = [] }
        return pending
    }
}

/// The rule of ``ArtistRowGroups`` on row counts alone, for a writer that holds the rows
/// itself (a streaming transform keeps only the rows of an unfinished group between buckets).
package struct ArtistGroupCutter: Sendable {
    /// Rows per group at most (but for a single larger artist).
    package let limit: Int
    /// Rows of the group not yet closed.
    private var open = 0

    package init(limit: Int) { self.limit = max(1, limit) }

    /// Feeds a batch's artist runs (rows per artist, in order); returns the sizes of the
    /// groups they close, in order: the group before a run that would overflow it, and a
    /// group a run fills. Rows of earlier batches still open come first in the first one.
    package mutating func add(runs: [Int]) -> [Int] {
        var closed: [Int] = []
        for count in runs {
            if open > 0, open + count > limit {
                closed.append(open)
                open = 0
            }
            open += count
            if open >= limit {
                closed.append(open)
                open = 0
            }
        }
        return closed
    }

    /// The artist runs of rows in artist order.
    package static func runs<Row>(_ rows: [Row], _ artistOf: (Row) -> String) -> [Int] {
        var runs: [Int] = []
        var start = 0
        while start < rows.count {
            let artist = artistOf(rows[start])
            var end = start + 1
            while end < rows.count, artistOf(rows[end]) == artist { end += 1 }
            runs.append(end - start)
            start = end
        }
        return runs
    }
}

package enum Tables {
    package static let artistDaily = TableDefinition<ArtistDaily>(dataset: .artistDaily, columns: [
        .string("artist_id", nullable: false, \.artistID),
        .string("artist_name", \.artistName),
        .date("day", nullable: false, \.day),
        .int64("followers", \.followers),
        .int32("popularity", \.popularity),
        .date("prev_day", \.prevDay),
        .int32("gap_days", \.gapDays),
        .int64("follower_delta", \.followerDelta),
        .double("adds_per_day", \.addsPerDay),
        .double("log_growth", \.logGrowth),
        .double("pct_change", \.pctChange),
        .double("growth_7d", \.growth7d),
        .double("growth_28d", \.growth28d),
        .int32("popularity_change_7d", \.popularityChange7d),
        .int32("release_count", nullable: false, \.releaseCount),
        .int32("days_since_release", \.daysSinceRelease),
    ], artistOf: { $0.artistID })

    package static let artistSignals = TableDefinition<ArtistSignal>(dataset: .artistSignals, columns: [
        .string("artist_id", nullable: false, \.artistID),
        .date("day", nullable: false, \.day),
        .double("adds_per_day", nullable: false, \.addsPerDay),
        .double("robust_z", \.robustZ),
        .boolean("is_spike", nullable: false, \.isSpike),
        .boolean("is_drop", nullable: false, \.isDrop),
        .string("source", nullable: false, \.source),
        .string("metric", nullable: false, \.metric),
    ], artistOf: { $0.artistID })

    /// Section 8: the other sources' series, one row per artist, series and day.
    package static let audienceDaily = TableDefinition<AudienceDaily>(dataset: .audienceDaily, columns: [
        .string("artist_id", nullable: false, \.artistID),
        .string("artist_name", \.artistName),
        .string("source", nullable: false, \.source),
        .string("metric", nullable: false, \.metric),
        .date("day", nullable: false, \.day),
        .int64("value", \.value),
        .date("prev_day", \.prevDay),
        .int32("gap_days", \.gapDays),
        .int64("delta", \.delta),
        .double("adds_per_day", \.addsPerDay),
        .double("log_growth", \.logGrowth),
        .double("pct_change", \.pctChange),
        .double("growth_7d", \.growth7d),
        .double("growth_28d", \.growth28d),
    ], artistOf: { $0.artistID })

    package static let releaseImpact = TableDefinition<ReleaseImpact>(dataset: .releaseImpact, columns: [
        .string("artist_id", nullable: false, \.artistID),
        .string("artist_name", \.artistName),
        .date("event_day", nullable: false, \.eventDay),
        .string("album_ids", nullable: false, \.albumIDs),
        .string("album_names", nullable: false, \.albumNames),
        .int32("n_baseline", nullable: false, \.nBaseline),
        .int32("n_window", nullable: false, \.nWindow),
        .string("status", nullable: false) { $0.pointee.status.rawValue },
        .double("baseline_growth", \.baselineGrowth),
        .double("spread", \.spread),
        .double("abnormal_growth", \.abnormalGrowth),
        .double("car", \.car),
        .double("t_stat", \.tStat),
        .double("uplift", \.uplift),
        .boolean("contaminated", nullable: false, \.contaminated),
        .string("source", nullable: false, \.source),
        .string("metric", nullable: false, \.metric),
    ], artistOf: { $0.artistID })

    package static let momentum = TableDefinition<MomentumRow>(dataset: .momentum, columns: [
        .int32("rank", nullable: false, \.rank),
        .string("artist_id", nullable: false, \.artistID),
        .string("artist_name", \.artistName),
        .date("day", nullable: false, \.day),
        .int64("followers", \.followers),
        .double("growth_7d", \.growth7d),
        .double("growth_28d", \.growth28d),
        .double("acceleration_7d", \.acceleration7d),
        .int32("popularity_change_28d", \.popularityChange28d),
        .double("momentum_score", \.momentumScore),
        .int32("spikes_28d", nullable: false, \.spikes28d),
        .date("last_event_day", \.lastEventDay),
        .double("last_event_uplift", \.lastEventUplift),
        .double("last_event_car", \.lastEventCar),
        .string("series", nullable: false) { $0.pointee.series.name },
    ])
}
