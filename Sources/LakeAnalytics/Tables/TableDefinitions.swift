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

/// A column: its contract name, its Parquet type and how to read it from a row. The reader is
/// typed, so Parquet columns are filled without going through `Cell`, and it reads through a
/// pointer: passing rows by value to a stored generic closure copies each row (and retains each
/// of its strings) once per column, which dominated the cost of writing a table.
package struct TableColumn<Row>: Sendable {
    package let name: String
    package let nullable: Bool
    let read: Reader
    /// The column of many rows, made where the table is defined: that is where the row type is
    /// known, so the loop that runs once per row and column is specialised for it (a generic
    /// encoder called from another module would run unspecialised).
    private let encode: @Sendable ([Row]) -> ParquetColumn
    /// Appends rows' values to a column of this type, made here for the same reason.
    private let appendValues: @Sendable (ArraySlice<Row>, inout ParquetColumn) -> Void

    private init(name: String, nullable: Bool, read: Reader) {
        self.name = name
        self.nullable = nullable
        self.read = read
        switch read {
        case .string(let f):
            encode = { .string(Self.extract($0, f)) }
            appendValues = Self.appender(name, f, wrap: ParquetColumn.string) { if case .string(let values) = $0 { values } else { nil } }
        case .date(let f):
            encode = { .date(Self.extract($0) { f($0)?.daysSinceEpoch }) }
            appendValues = Self.appender(name, { f($0)?.daysSinceEpoch }, wrap: ParquetColumn.date) { if case .date(let values) = $0 { values } else { nil } }
        case .int32(let f):
            encode = { .int32(Self.extract($0, f)) }
            appendValues = Self.appender(name, f, wrap: ParquetColumn.int32) { if case .int32(let values) = $0 { values } else { nil } }
        case .int64(let f):
            encode = { .int64(Self.extract($0, f)) }
            appendValues = Self.appender(name, f, wrap: ParquetColumn.int64) { if case .int64(let values) = $0 { values } else { nil } }
        case .double(let f):
            encode = { .double(Self.extract($0, f)) }
            appendValues = Self.appender(name, f, wrap: ParquetColumn.double) { if case .double(let values) = $0 { values } else { nil } }
        case .boolean(let f):
            encode = { .boolean(Self.extract($0, f)) }
            appendValues = Self.appender(name, f, wrap: ParquetColumn.boolean) { if case .boolean(let values) = $0 { values } else { nil } }
        }
    }

    /// Appends rows' values to a column whose values `wrap` makes a column of and `unwrap`
    /// reads back (nil for a column of another type).
    private static func appender<T>(
        _ name: String, _ read: @escaping @Sendable (UnsafePointer<Row>) -> T,
        wrap: @escaping @Sendable ([T]) -> ParquetColumn, unwrap: @escaping @Sendable (ParquetColumn) -> [T]?
    ) -> @Sendable (ArraySlice<Row>, inout ParquetColumn) -> Void {
        { rows, column in
            guard var values = unwrap(column) else { preconditionFailure("column \(name) appended to a column of another type") }
            // Taken out and an empty column left, so the array is not shared while it grows.
            column = wrap([])
            append(rows, read, to: &values)
            column = wrap(values)
        }
    }

    enum Reader: Sendable {
        case string(@Sendable (UnsafePointer<Row>) -> String?)
        case date(@Sendable (UnsafePointer<Row>) -> Day?)
        case int32(@Sendable (UnsafePointer<Row>) -> Int32?)
        case int64(@Sendable (UnsafePointer<Row>) -> Int64?)
        case double(@Sendable (UnsafePointer<Row>) -> Double?)
        case boolean(@Sendable (UnsafePointer<Row>) -> Bool?)
    }

    package var type: ParquetType {
        switch read {
        case .string: return .string
        case .date: return .date
        case .int32: return .int32
        case .int64: return .int64
        case .double: return .double
        case .boolean: return .boolean
        }
    }

    package static func string(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> String?) -> Self { Self(name: name, nullable: nullable, read: .string(read)) }
    package static func date(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Day?) -> Self { Self(name: name, nullable: nullable, read: .date(read)) }
    package static func int32(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Int32?) -> Self { Self(name: name, nullable: nullable, read: .int32(read)) }
    package static func int64(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Int64?) -> Self { Self(name: name, nullable: nullable, read: .int64(read)) }
    package static func double(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Double?) -> Self { Self(name: name, nullable: nullable, read: .double(read)) }
    package static func boolean(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Bool?) -> Self { Self(name: name, nullable: nullable, read: .boolean(read)) }

    /// The same column read from a part of another row type.
    package func pulled<Other>(back part: KeyPath<Other, Row> & Sendable) -> TableColumn<Other> {
        func through<T>(_ f: @escaping @Sendable (UnsafePointer<Row>) -> T) -> @Sendable (UnsafePointer<Other>) -> T {
            { pointer in withUnsafePointer(to: pointer.pointee[keyPath: part]) { f($0) } }
        }
        switch read {
        case .string(let f): return .string(name, nullable: nullable, through(f))
        case .date(let f): return .date(name, nullable: nullable, through(f))
        case .int32(let f): return .int32(name, nullable: nullable, through(f))
        case .int64(let f): return .int64(name, nullable: nullable, through(f))
        case .double(let f): return .double(name, nullable: nullable, through(f))
        case .boolean(let f): return .boolean(name, nullable: nullable, through(f))
        }
    }

    package func cell(_ row: Row) -> Cell {
        withUnsafePointer(to: row) { cell(at: $0) }
    }

    private func cell(at row: UnsafePointer<Row>) -> Cell {
        switch read {
        case .string(let f): return f(row).map(Cell.string) ?? .null
        case .date(let f): return f(row).map(Cell.date) ?? .null
        case .int32(let f): return f(row).map { Cell.integer(Int64($0)) } ?? .null
        case .int64(let f): return f(row).map(Cell.integer) ?? .null
        case .double(let f): return f(row).map(Cell.double) ?? .null
        case .boolean(let f): return f(row).map(Cell.boolean) ?? .null
        }
    }

    package func parquetColumn(_ rows: [Row]) -> ParquetColumn {
        encode(rows)
    }

    /// A column of this type with no values, for ``append(_:to:)``.
    package var emptyColumn: ParquetColumn {
        switch read {
        case .string: return .string([])
        case .date: return .date([])
        case .int32: return .int32([])
        case .int64: return .int64([])
        case .double: return .double([])
        case .boolean: return .boolean([])
        }
    }

    /// Appends the rows' values to `column`, a column of this type, in place: a writer that
    /// fills a row group bucket by bucket keeps values, not copies of rows.
    package func append(_ rows: ArraySlice<Row>, to column: inout ParquetColumn) {
        appendValues(rows, &column)
    }

    private static func append<T>(_ rows: ArraySlice<Row>, _ read: (UnsafePointer<Row>) -> T, to values: inout [T]) {
        rows.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            // No reserveCapacity: reserving exactly, segment by segment, would reallocate each
            // time; appends grow the array geometrically.
            for index in buffer.indices { values.append(read(base + index)) }
        }
    }

    private static func extract<T>(_ rows: [Row], _ read: (UnsafePointer<Row>) -> T) -> [T] {
        var values: [T] = []
        values.reserveCapacity(rows.count)
        append(rows[...], read, to: &values)
        return values
    }
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

    /// Appends the rows' values to `columns` (the table's), in place.
    package func append(_ rows: ArraySlice<Row>, to values: inout [ParquetColumn]) {
        for index in columns.indices { columns[index].append(rows, to: &values[index]) }
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
        .string("artist_id", nullable: false) { $0.pointee.artistID },
        .string("artist_name") { $0.pointee.artistName },
        .date("day", nullable: false) { $0.pointee.day },
        .int64("followers") { $0.pointee.followers },
        .int32("popularity") { $0.pointee.popularity },
        .date("prev_day") { $0.pointee.prevDay },
        .int32("gap_days") { $0.pointee.gapDays },
        .int64("follower_delta") { $0.pointee.followerDelta },
        .double("adds_per_day") { $0.pointee.addsPerDay },
        .double("log_growth") { $0.pointee.logGrowth },
        .double("pct_change") { $0.pointee.pctChange },
        .double("growth_7d") { $0.pointee.growth7d },
        .double("growth_28d") { $0.pointee.growth28d },
        .int32("popularity_change_7d") { $0.pointee.popularityChange7d },
        .int32("release_count", nullable: false) { $0.pointee.releaseCount },
        .int32("days_since_release") { $0.pointee.daysSinceRelease },
    ], artistOf: { $0.artistID })

    package static let artistSignals = TableDefinition<ArtistSignal>(dataset: .artistSignals, columns: [
        .string("artist_id", nullable: false) { $0.pointee.artistID },
        .date("day", nullable: false) { $0.pointee.day },
        .double("adds_per_day", nullable: false) { $0.pointee.addsPerDay },
        .double("robust_z") { $0.pointee.robustZ },
        .boolean("is_spike", nullable: false) { $0.pointee.isSpike },
        .boolean("is_drop", nullable: false) { $0.pointee.isDrop },
        .string("source", nullable: false) { $0.pointee.source },
        .string("metric", nullable: false) { $0.pointee.metric },
    ], artistOf: { $0.artistID })

    /// Section 8: the other sources' series, one row per artist, series and day.
    package static let audienceDaily = TableDefinition<AudienceDaily>(dataset: .audienceDaily, columns: [
        .string("artist_id", nullable: false) { $0.pointee.artistID },
        .string("artist_name") { $0.pointee.artistName },
        .string("source", nullable: false) { $0.pointee.source },
        .string("metric", nullable: false) { $0.pointee.metric },
        .date("day", nullable: false) { $0.pointee.day },
        .int64("value") { $0.pointee.value },
        .date("prev_day") { $0.pointee.prevDay },
        .int32("gap_days") { $0.pointee.gapDays },
        .int64("delta") { $0.pointee.delta },
        .double("adds_per_day") { $0.pointee.addsPerDay },
        .double("log_growth") { $0.pointee.logGrowth },
        .double("pct_change") { $0.pointee.pctChange },
        .double("growth_7d") { $0.pointee.growth7d },
        .double("growth_28d") { $0.pointee.growth28d },
    ], artistOf: { $0.artistID })

    package static let releaseImpact = TableDefinition<ReleaseImpact>(dataset: .releaseImpact, columns: [
        .string("artist_id", nullable: false) { $0.pointee.artistID },
        .string("artist_name") { $0.pointee.artistName },
        .date("event_day", nullable: false) { $0.pointee.eventDay },
        .string("album_ids", nullable: false) { $0.pointee.albumIDs },
        .string("album_names", nullable: false) { $0.pointee.albumNames },
        .int32("n_baseline", nullable: false) { $0.pointee.nBaseline },
        .int32("n_window", nullable: false) { $0.pointee.nWindow },
        .string("status", nullable: false) { $0.pointee.status.rawValue },
        .double("baseline_growth") { $0.pointee.baselineGrowth },
        .double("spread") { $0.pointee.spread },
        .double("abnormal_growth") { $0.pointee.abnormalGrowth },
        .double("car") { $0.pointee.car },
        .double("t_stat") { $0.pointee.tStat },
        .double("uplift") { $0.pointee.uplift },
        .boolean("contaminated", nullable: false) { $0.pointee.contaminated },
        .string("source", nullable: false) { $0.pointee.source },
        .string("metric", nullable: false) { $0.pointee.metric },
    ], artistOf: { $0.artistID })

    package static let momentum = TableDefinition<MomentumRow>(dataset: .momentum, columns: [
        .int32("rank", nullable: false) { $0.pointee.rank },
        .string("artist_id", nullable: false) { $0.pointee.artistID },
        .string("artist_name") { $0.pointee.artistName },
        .date("day", nullable: false) { $0.pointee.day },
        .int64("followers") { $0.pointee.followers },
        .double("growth_7d") { $0.pointee.growth7d },
        .double("growth_28d") { $0.pointee.growth28d },
        .double("acceleration_7d") { $0.pointee.acceleration7d },
        .int32("popularity_change_28d") { $0.pointee.popularityChange28d },
        .double("momentum_score") { $0.pointee.momentumScore },
        .int32("spikes_28d", nullable: false) { $0.pointee.spikes28d },
        .date("last_event_day") { $0.pointee.lastEventDay },
        .double("last_event_uplift") { $0.pointee.lastEventUplift },
        .double("last_event_car") { $0.pointee.lastEventCar },
        .string("series", nullable: false) { $0.pointee.series.name },
    ])
}
