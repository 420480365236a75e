// One processed table read a span of artists at a time, spans in ascending order, each row group
// of each file decoded once: a group is read at the first span that may hold its rows (its least
// id is within reach), and its rows of later spans wait, decoded, for those spans. In files
// written in artist order (the transform's) almost nothing waits; in a file whose row groups
// cover every id, its rows wait until their span, as reading the whole table would hold them.

import LakeKit
import MomentumAnalytics
import MomentumText

/// Reads `Row`s of one processed table span by span.
package struct ProcessedSpanReader<Row: Sendable>: Sendable {
    private let tables: [ProcessedTableReader.OpenedTable]
    private let decode: @Sendable (ProcessedColumns) throws -> [Row]
    private let artistID: @Sendable (Row) -> String
    /// Per file: the row groups not read yet, with their least id (nil: unknown, read first).
    private var unread: [[(group: Int, least: String?)]]
    /// Per file: rows read, of spans still to come, by row group.
    private var waiting: [[(group: Int, rows: [Row])]]
    /// Rows of ids up to this one are not wanted (a part of the roster that starts after it).
    private let after: String?

    /// A reader of `tables`, whose rows `decode` makes from a file's columns.
    package init(_ tables: [ProcessedTableReader.OpenedTable], artistID: @escaping @Sendable (Row) -> String,
                 decode: @escaping @Sendable (ProcessedColumns) throws -> [Row]) throws {
        try self.init(tables, after: nil, artistID: artistID, decode: decode)
    }

    /// A reader of `tables`, whose rows `decode` makes from a file's columns; with `after`, of
    /// the ids after it only (row groups wholly before it are not read).
    package init(_ tables: [ProcessedTableReader.OpenedTable], after: String?, artistID: @escaping @Sendable (Row) -> String,
                 decode: @escaping @Sendable (ProcessedColumns) throws -> [Row]) throws {
        self.tables = tables
        self.decode = decode
        self.artistID = artistID
        self.after = after
        // Rows read wait for their span: the whole file's declared rows are bounded by its
        // size first, as one read of every group would be.
        for table in tables { try table.reader.checkValueAllowance() }
        unread = try tables.map { table in
            try table.reader.rowGroupRanges(of: "artist_id").enumerated().compactMap { group, range in
                if let after, case .string(let greatest)? = range.max, !UTF8Order.less(after, greatest) { return nil }
                guard case .string(let least)? = range.min else { return (group, nil) }
                return (group, least)
            }
        }
        waiting = Array(repeating: [], count: tables.count)
    }

    /// The rows of artists after the previous call's bound and up to `upper` (every remaining
    /// row when nil), file by file in the tables' order, each file's in its row order.
    package mutating func rows(through upper: String?) async throws -> [Row] {
        func within(_ id: String) -> Bool { upper.map { !UTF8Order.less($0, id) } ?? true }
        var out: [Row] = []
        for file in tables.indices {
            let due = unread[file].filter { $0.least.map(within) ?? true }
            unread[file].removeAll { $0.least.map(within) ?? true }
            var groups = waiting[file]
            for (group, _) in due {
                let table = try await tables[file].reader.read(rowGroups: [group])
                var rows = try decode(ProcessedColumns(table: table, file: tables[file].file))
                if let after { rows.removeAll { !UTF8Order.less(after, artistID($0)) } }
                groups.append((group, rows))
            }
            groups.sort { $0.group < $1.group }
            waiting[file] = []
            for (group, rows) in groups {
                guard upper != nil, !rows.allSatisfy({ within(artistID($0)) }) else {
                    out += rows
                    continue
                }
                out += rows.filter { within(artistID($0)) }
                waiting[file].append((group, rows.filter { !within(artistID($0)) }))
            }
        }
        return out
    }
}
