// The processed tables, each defined once: column names, Parquet types and how to read a
// value from an analytics row. Parquet files and printed reports both derive from these, so
// they cannot drift apart.

import LakeKit
import MomentumAnalytics

/// One value of a table cell.
public enum Cell: Sendable, Hashable {
    case null
    case string(String)
    case integer(Int64)
    case double(Double)
    case date(Day)
    case boolean(Bool)
}

/// A column: its contract name, its Parquet type and how to read it from a row.
public struct TableColumn<Row>: Sendable {
    public let name: String
    public let type: ParquetType
    public let nullable: Bool
    let value: @Sendable (Row) -> Cell

    init(_ name: String, _ type: ParquetType, nullable: Bool = true, _ value: @escaping @Sendable (Row) -> Cell) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.value = value
    }
}

/// A table of the metric contract.
public struct TableDefinition<Row>: Sendable {
    public let dataset: LakeDataset
    public let columns: [TableColumn<Row>]

    public var columnNames: [String] { columns.map(\.name) }

    public var parquetSchema: [ParquetField] {
        columns.map { ParquetField($0.name, $0.type, nullable: $0.nullable) }
    }

    /// The rows as printable cells, column by column order.
    public func cells(_ rows: [Row]) -> [[Cell]] {
        rows.map { row in columns.map { $0.value(row) } }
    }

    /// The rows as Parquet columns.
    public func parquetColumns(_ rows: [Row]) -> [ParquetColumn] {
        columns.map { column in
            let cells = rows.map(column.value)
            switch column.type {
            case .string: return .string(cells.map { if case .string(let v) = $0 { v } else { nil } })
            case .date: return .date(cells.map { if case .date(let v) = $0 { v.daysSinceEpoch } else { nil } })
            case .int32: return .int32(cells.map { if case .integer(let v) = $0 { Int32(truncatingIfNeeded: v) } else { nil } })
            case .int64: return .int64(cells.map { if case .integer(let v) = $0 { v } else { nil } })
            case .double: return .double(cells.map { if case .double(let v) = $0 { v } else { nil } })
            case .boolean: return .boolean(cells.map { if case .boolean(let v) = $0 { v } else { nil } })
            }
        }
    }

    /// A Parquet file of the rows.
    public func parquetFile(_ rows: [Row], options: ParquetWriter.Options = .init()) throws -> [UInt8] {
        var writer = try ParquetWriter(schema: parquetSchema, options: options)
        try writer.append(parquetColumns(rows))
        return writer.finish()
    }
}

private func cell(_ value: String?) -> Cell { value.map(Cell.string) ?? .null }
private func cell(_ value: Int64?) -> Cell { value.map(Cell.integer) ?? .null }
private func cell(_ value: Int32?) -> Cell { value.map { Cell.integer(Int64($0)) } ?? .null }
private func cell(_ value: Double?) -> Cell { value.map(Cell.double) ?? .null }
private func cell(_ value: Day?) -> Cell { value.map(Cell.date) ?? .null }

public enum Tables {
    public static let artistDaily = TableDefinition<ArtistDaily>(dataset: .artistDaily, columns: [
        TableColumn("artist_id", .string, nullable: false) { .string($0.artistID) },
        TableColumn("artist_name", .string) { cell($0.artistName) },
        TableColumn("day", .date, nullable: false) { .date($0.day) },
        TableColumn("followers", .int64) { cell($0.followers) },
        TableColumn("popularity", .int32) { cell($0.popularity) },
        TableColumn("prev_day", .date) { cell($0.prevDay) },
        TableColumn("gap_days", .int32) { cell($0.gapDays) },
        TableColumn("follower_delta", .int64) { cell($0.followerDelta) },
        TableColumn("adds_per_day", .double) { cell($0.addsPerDay) },
        TableColumn("log_growth", .double) { cell($0.logGrowth) },
        TableColumn("pct_change", .double) { cell($0.pctChange) },
        TableColumn("growth_7d", .double) { cell($0.growth7d) },
        TableColumn("growth_28d", .double) { cell($0.growth28d) },
        TableColumn("popularity_change_7d", .int32) { cell($0.popularityChange7d) },
        TableColumn("release_count", .int32, nullable: false) { cell($0.releaseCount) },
        TableColumn("days_since_release", .int32) { cell($0.daysSinceRelease) },
    ])

    public static let artistSignals = TableDefinition<ArtistSignal>(dataset: .artistSignals, columns: [
        TableColumn("artist_id", .string, nullable: false) { .string($0.artistID) },
        TableColumn("day", .date, nullable: false) { .date($0.day) },
        TableColumn("adds_per_day", .double, nullable: false) { .double($0.addsPerDay) },
        TableColumn("robust_z", .double) { cell($0.robustZ) },
        TableColumn("is_spike", .boolean, nullable: false) { .boolean($0.isSpike) },
        TableColumn("is_drop", .boolean, nullable: false) { .boolean($0.isDrop) },
    ])

    public static let releaseImpact = TableDefinition<ReleaseImpact>(dataset: .releaseImpact, columns: [
        TableColumn("artist_id", .string, nullable: false) { .string($0.artistID) },
        TableColumn("artist_name", .string) { cell($0.artistName) },
        TableColumn("event_day", .date, nullable: false) { .date($0.eventDay) },
        TableColumn("album_ids", .string, nullable: false) { .string($0.albumIDs) },
        TableColumn("album_names", .string, nullable: false) { .string($0.albumNames) },
        TableColumn("n_baseline", .int32, nullable: false) { cell($0.nBaseline) },
        TableColumn("n_window", .int32, nullable: false) { cell($0.nWindow) },
        TableColumn("status", .string, nullable: false) { .string($0.status.rawValue) },
        TableColumn("baseline_growth", .double) { cell($0.baselineGrowth) },
        TableColumn("spread", .double) { cell($0.spread) },
        TableColumn("abnormal_growth", .double) { cell($0.abnormalGrowth) },
        TableColumn("car", .double) { cell($0.car) },
        TableColumn("t_stat", .double) { cell($0.tStat) },
        TableColumn("uplift", .double) { cell($0.uplift) },
        TableColumn("contaminated", .boolean, nullable: false) { .boolean($0.contaminated) },
    ])

    public static let momentum = TableDefinition<MomentumRow>(dataset: .momentum, columns: [
        TableColumn("rank", .int32, nullable: false) { cell($0.rank) },
        TableColumn("artist_id", .string, nullable: false) { .string($0.artistID) },
        TableColumn("artist_name", .string) { cell($0.artistName) },
        TableColumn("day", .date, nullable: false) { .date($0.day) },
        TableColumn("followers", .int64) { cell($0.followers) },
        TableColumn("growth_7d", .double) { cell($0.growth7d) },
        TableColumn("growth_28d", .double) { cell($0.growth28d) },
        TableColumn("acceleration_7d", .double) { cell($0.acceleration7d) },
        TableColumn("popularity_change_28d", .int32) { cell($0.popularityChange28d) },
        TableColumn("momentum_score", .double) { cell($0.momentumScore) },
        TableColumn("spikes_28d", .int32, nullable: false) { cell($0.spikes28d) },
        TableColumn("last_event_day", .date) { cell($0.lastEventDay) },
        TableColumn("last_event_uplift", .double) { cell($0.lastEventUplift) },
        TableColumn("last_event_car", .double) { cell($0.lastEventCar) },
    ])
}

/// One day of one artist as `momentum report --artist` shows it: the daily row, its spike
/// signal and whether a change point starts there.
public struct ArtistDayReport: Sendable {
    public var daily: ArtistDaily
    public var signal: ArtistSignal?
    public var changePoint: ChangePoint?

    /// The days of one analysed artist, in day order.
    public static func rows(of analysis: ArtistAnalysis) -> [ArtistDayReport] {
        let signals = Dictionary(analysis.signals.map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        let changePoints = Dictionary(analysis.changePoints().map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        return analysis.daily.map { ArtistDayReport(daily: $0, signal: signals[$0.day], changePoint: changePoints[$0.day]) }
    }
}

extension Tables {
    /// `artist_daily` columns plus the day's signal and change point.
    public static let artistDays = TableDefinition<ArtistDayReport>(
        dataset: .artistDaily,
        columns: artistDaily.columns.map { column in
            TableColumn(column.name, column.type, nullable: column.nullable) { column.value($0.daily) }
        } + [
            TableColumn("robust_z", .double) { cell($0.signal?.robustZ) },
            TableColumn("is_spike", .boolean, nullable: false) { .boolean($0.signal?.isSpike ?? false) },
            TableColumn("is_drop", .boolean, nullable: false) { .boolean($0.signal?.isDrop ?? false) },
            TableColumn("change_point", .boolean, nullable: false) { .boolean($0.changePoint != nil) },
            TableColumn("change_point_release_aligned", .boolean, nullable: false) {
                .boolean($0.changePoint?.releaseAligned ?? false)
            },
        ]
    )
}
