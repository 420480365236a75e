// Month partitions with a day's new rows inserted after each artist's stored ones, stored row
// group by stored row group and column by column (`AppendedDays.swift` says when).

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// A month partition with the new rows after each artist's stored ones (artists in id order;
/// a new day comes after every stored one), merged column by column (no stored row is decoded
/// into its struct) one stored row group at a time, as the spans reach it, and cut into row
/// groups as a full rebuild cuts them.
final class PartitionAppender<Row: ArtistKeyed & Sendable>: @unchecked Sendable {  // one task at a time
    let key: String
    private let table: TableDefinition<Row>
    private let reader: ParquetReader?
    /// Each stored row group's greatest artist.
    private let groupEnds: [String]
    private var nextGroup = 0
    /// New rows not merged yet, in artist order.
    private var pending: [Row] = []
    private let buffer: MergeBuffer
    private var cutter: ArtistGroupCutter
    private var writer: ParquetWriter
    private(set) var rows = 0
    /// Stored rows from this day on give way to the new ones (computed again).
    private let replacingFrom: Int32
    /// Stored rows left out.
    private(set) var replaced = 0

    var stored: Bool { reader != nil }

    init(_ table: TableDefinition<Row>, month: Int32, engine: LocalEngine, replacingFrom: Day) async throws {
        self.table = table
        self.replacingFrom = replacingFrom.daysSinceEpoch
        key = LakeLayout.processedKey(table.dataset, partition: ("month", Day.monthString(ofMonthIndex: month)))
        buffer = MergeBuffer(empty: table.parquetColumns([]))
        cutter = ArtistGroupCutter(limit: engine.parquetOptions.rowGroupRows)
        writer = try ParquetWriter(schema: table.parquetSchema, options: engine.parquetOptions)
        guard try await engine.store.size(of: key) != nil else {
            reader = nil
            groupEnds = []
            return
        }
        let reader = try await ParquetReader.open(engine.store, key: key)
        guard reader.schema == table.parquetSchema, table.columnNames.first == "artist_id", table.columnNames.contains("day") else {
            throw AppendRefusal(description: "\(key) does not have the columns this version writes")
        }
        // Each row group's artists come after the previous group's: a batch holds whole artists.
        let ranges = try reader.rowGroupRanges(of: "artist_id")
        var ends: [String] = []
        for (index, range) in ranges.enumerated() {
            guard case .string(let low)? = range.min, case .string(let high)? = range.max,
                  ends.last.map({ UTF8Order.less($0, low) }) ?? true else {
                throw AppendRefusal(description: "\(key): row group \(index) has no artist range after the one before's")
            }
            ends.append(high)
        }
        self.reader = reader
        groupEnds = ends
    }

    /// New rows of artists up to `upper`, all of them: stored row groups that end there are merged.
    func add(_ rows: [Row], through upper: String) async throws {
        pending += rows
        while nextGroup < groupEnds.count, !UTF8Order.less(upper, groupEnds[nextGroup]) { try await mergeNextGroup() }
    }

    /// The file, every row merged.
    func finish() async throws -> [UInt8] {
        while nextGroup < groupEnds.count { try await mergeNextGroup() }
        try merge([], [], table.parquetColumns([]), through: nil)
        if buffer.held > 0 { try writer.append(try buffer.take(buffer.held)) }
        return writer.finish()
    }

    private func mergeNextGroup() async throws {
        guard let reader else { return }
        let read = try await reader.read(columns: table.columnNames, rowGroups: [nextGroup])
        let columns = try table.columnNames.map { name in
            guard let column = read.column(name) else { throw AppendRefusal(description: "\(key) has no column \(name)") }
            return column
        }
        guard case .string(let ids) = columns[0], let dayColumn = table.columnNames.firstIndex(of: "day"), case .date(let days) = columns[dayColumn] else {
            throw AppendRefusal(description: "\(key): artist_id is not a string column, or day not a date")
        }
        try merge(ids.map { $0 ?? "" }, days, columns, through: groupEnds[nextGroup])
        nextGroup += 1
    }

    /// Stored rows (`ids`, `days`, `columns`) and the pending new rows up to `upper` (all when
    /// nil), in artist order: each stored artist's rows before `replacingFrom`, then its new ones.
    private func merge(_ ids: [String], _ days: [Int32?], _ columns: [ParquetColumn], through upper: String?) throws {
        var order: [Int] = [], orderIDs: [String] = []
        var stored = 0, next = 0
        func takeNew() {
            order.append(~next)
            orderIDs.append(pending[next].artistID)
            next += 1
        }
        while stored < ids.count {
            while next < pending.count, UTF8Order.less(pending[next].artistID, ids[stored]) { takeNew() }
            let id = ids[stored]
            while stored < ids.count, ids[stored] == id {
                if let day = days[stored], day < replacingFrom {
                    order.append(stored)
                    orderIDs.append(id)
                } else {
                    replaced += 1
                }
                stored += 1
            }
            while next < pending.count, pending[next].artistID == id { takeNew() }
        }
        while next < pending.count, upper.map({ !UTF8Order.less($0, pending[next].artistID) }) ?? true { takeNew() }
        guard !order.isEmpty else { return }
        let added = table.parquetColumns(Array(pending[..<next]))
        // New rows are numbered from the front of `pending` here, so picks index `added`.
        buffer.append(try zip(columns, added).map { try $0.gathered($1, order) }, count: order.count)
        pending.removeFirst(next)
        rows += order.count
        // A batch holds whole artists: the groups are cut as a full rebuild cuts them.
        for size in cutter.add(runs: ArtistGroupCutter.runs(orderIDs) { $0 }) { try writer.append(try buffer.take(size)) }
    }
}

/// Merged rows waiting for their row group, batch by batch as merged (groups are taken from
/// the front; values are copied once, into the group).
final class MergeBuffer {
    private var batches: [(columns: [ParquetColumn], count: Int, taken: Int)] = []
    private let empty: [ParquetColumn]
    /// Rows held.
    private(set) var held = 0

    init(empty: [ParquetColumn]) { self.empty = empty }

    func append(_ columns: [ParquetColumn], count: Int) {
        batches.append((columns, count, 0))
        held += count
    }

    /// The first `count` rows, removed.
    func take(_ count: Int) throws -> [ParquetColumn] {
        var out = empty
        var left = count
        for index in batches.indices where left > 0 {
            let (columns, size, taken) = batches[index]
            let n = min(left, size - taken)
            let rows = Array(taken..<(taken + n))
            out = try zip(out, columns).map { try $0.appending($1, rows) }
            batches[index].taken += n
            left -= n
        }
        batches.removeAll { $0.taken == $0.count }
        held -= count
        return out
    }
}

/// A processed row's artist (the tables are in artist order).
protocol ArtistKeyed { var artistID: String { get } }
extension ArtistDaily: ArtistKeyed {}
extension ArtistSignal: ArtistKeyed {}

extension ParquetColumn {
    /// Values picked from this column (`n >= 0`) or from `other` (`~n`), of the same type.
    func gathered(_ other: ParquetColumn, _ picks: [Int]) throws -> ParquetColumn {
        func pick<T>(_ a: [T?], _ b: [T?]) -> [T?] { picks.map { $0 >= 0 ? a[$0] : b[~$0] } }
        switch (self, other) {
        case let (.string(a), .string(b)): return .string(pick(a, b))
        case let (.date(a), .date(b)): return .date(pick(a, b))
        case let (.int32(a), .int32(b)): return .int32(pick(a, b))
        case let (.int64(a), .int64(b)): return .int64(pick(a, b))
        case let (.double(a), .double(b)): return .double(pick(a, b))
        case let (.boolean(a), .boolean(b)): return .boolean(pick(a, b))
        default: throw AppendRefusal(description: "a stored column has another type")
        }
    }

    /// This column's values, then the values at `rows` of `other` (of the same type).
    func appending(_ other: ParquetColumn, _ rows: [Int]) throws -> ParquetColumn {
        try gathered(other, Array(0..<count) + rows.map { ~$0 })
    }
}
