// Month partitions with a day's new rows inserted after each artist's stored ones, stored row
// group by stored row group and column by column (`AppendedDays.swift` says when).

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

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
    private var groups: ArtistRowGroups<Int>
    private var writer: ParquetWriter

    var stored: Bool { reader != nil }
    var rows: Int { buffer.total }

    init(_ table: TableDefinition<Row>, month: Int32, engine: LocalEngine) async throws {
        self.table = table
        key = LakeLayout.processedKey(table.dataset, partition: ("month", Day.monthString(ofMonthIndex: month)))
        let buffer = MergeBuffer(empty: table.parquetColumns([]))
        self.buffer = buffer
        groups = ArtistRowGroups(limit: engine.parquetOptions.rowGroupRows) { buffer.artist(at: $0) }
        writer = try ParquetWriter(schema: table.parquetSchema, options: engine.parquetOptions)
        guard try await engine.store.size(of: key) != nil else {
            reader = nil
            groupEnds = []
            return
        }
        let reader = try await ParquetReader.open(engine.store, key: key)
        guard reader.schema == table.parquetSchema, table.columnNames.first == "artist_id" else {
            throw AppendRefusal(description: "\(key) does not have the columns this version writes")
        }
        // Each row group's artists come after the previous group's: a batch holds whole artists.
        let ranges = try reader.rowGroupRanges(of: "artist_id")
        var ends: [String] = []
        for (index, range) in ranges.enumerated() {
            guard case .string(let low)? = range.min, case .string(let high)? = range.max,
                  ends.last.map({ $0.utf8.lexicographicallyPrecedes(low.utf8) }) ?? true else {
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
        while nextGroup < groupEnds.count, !upper.utf8.lexicographicallyPrecedes(groupEnds[nextGroup].utf8) { try await mergeNextGroup() }
    }

    /// The file, every row merged.
    func finish() async throws -> [UInt8] {
        while nextGroup < groupEnds.count { try await mergeNextGroup() }
        try merge([], table.parquetColumns([]), through: nil)
        let rest = groups.finish()
        if !rest.isEmpty { try writer.append(try buffer.take(rest.count)) }
        return writer.finish()
    }

    private func mergeNextGroup() async throws {
        guard let reader else { return }
        let read = try await reader.read(columns: table.columnNames, rowGroups: [nextGroup])
        let columns = try table.columnNames.map { name in
            guard let column = read.column(name) else { throw AppendRefusal(description: "\(key) has no column \(name)") }
            return column
        }
        guard case .string(let ids) = columns[0] else { throw AppendRefusal(description: "\(key): artist_id is not a string column") }
        try merge(ids.map { $0 ?? "" }, columns, through: groupEnds[nextGroup])
        nextGroup += 1
    }

    /// Stored rows (`ids`, `columns`) and the pending new rows up to `upper` (all when nil), in
    /// artist order: each stored artist's rows, then its new ones.
    private func merge(_ ids: [String], _ columns: [ParquetColumn], through upper: String?) throws {
        var order: [Int] = [], orderIDs: [String] = []
        var stored = 0, next = 0
        func takeNew() {
            order.append(~next)
            orderIDs.append(pending[next].artistID)
            next += 1
        }
        while stored < ids.count {
            while next < pending.count, pending[next].artistID.utf8.lexicographicallyPrecedes(ids[stored].utf8) { takeNew() }
            let id = ids[stored]
            while stored < ids.count, ids[stored] == id {
                order.append(stored)
                orderIDs.append(id)
                stored += 1
            }
            while next < pending.count, pending[next].artistID == id { takeNew() }
        }
        while next < pending.count, upper.map({ !$0.utf8.lexicographicallyPrecedes(pending[next].artistID.utf8) }) ?? true { takeNew() }
        guard !order.isEmpty else { return }
        let added = table.parquetColumns(Array(pending[..<next]))
        // New rows are numbered from the front of `pending` here, so picks index `added`.
        let batch = buffer.append(try zip(columns, added).map { try $0.gathered($1, order) }, ids: orderIDs)
        pending.removeFirst(next)
        for group in groups.add(Array(batch)) { try writer.append(try buffer.take(group.count)) }
    }
}

/// Merged rows waiting for their row group, batch by batch as merged, and each row's artist
/// by its number among all rows merged (groups are taken from the front; values are copied
/// once, into the group).
final class MergeBuffer {
    private var batches: [(columns: [ParquetColumn], ids: [String], taken: Int)] = []
    private let empty: [ParquetColumn]
    /// The number of the first row still held.
    private var start = 0
    private(set) var total = 0

    init(empty: [ParquetColumn]) { self.empty = empty }

    /// Adds rows; returns their numbers.
    func append(_ columns: [ParquetColumn], ids: [String]) -> Range<Int> {
        batches.append((columns, ids, 0))
        total += ids.count
        return (total - ids.count)..<total
    }

    func artist(at number: Int) -> String {
        var offset = number - start
        for batch in batches {
            let held = batch.ids.count - batch.taken
            if offset < held { return batch.ids[batch.taken + offset] }
            offset -= held
        }
        return ""
    }

    /// The first `count` rows, removed.
    func take(_ count: Int) throws -> [ParquetColumn] {
        var picks: [[Int]] = []
        var left = count
        for index in batches.indices where left > 0 {
            let n = min(left, batches[index].ids.count - batches[index].taken)
            picks.append(Array(batches[index].taken..<(batches[index].taken + n)))
            batches[index].taken += n
            left -= n
        }
        var out = empty
        for (batch, rows) in zip(batches, picks) {
            out = try zip(out, batch.columns).map { try $0.appending($1, rows) }
        }
        batches.removeAll { $0.taken == $0.ids.count }
        start += count
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
