// A column of a processed table: its contract name, its Parquet type and how to read its value
// from an analytics row.

import LakeKit
import MomentumAnalytics

/// A column: its contract name, its Parquet type and how to read it from a row.
///
/// A column that is a stored property of the row (most are) is declared by its key path and
/// read straight from the rows' memory at the property's offset (``StoredField``): one tight
/// loop per column, no call per row. Filling Parquet columns row by row through a closure
/// (a call, a reabstraction thunk and generic metadata per row and column) cost a tenth of a
/// full transform. A computed column (an enum's raw value, a nested optional) keeps a closure.
package struct TableColumn<Row>: Sendable {
    package let name: String
    package let nullable: Bool
    let read: Reader
    /// Where the value is stored in a row, when it is a stored property.
    let stored: StoredField?

    private init(name: String, nullable: Bool, read: Reader, stored: StoredField?) {
        self.name = name
        self.nullable = nullable
        self.read = read
        self.stored = stored
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

    // Computed columns: a closure per row.
    package static func string(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> String?) -> Self { Self(name: name, nullable: nullable, read: .string(read), stored: nil) }
    package static func date(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Day?) -> Self { Self(name: name, nullable: nullable, read: .date(read), stored: nil) }
    package static func int32(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Int32?) -> Self { Self(name: name, nullable: nullable, read: .int32(read), stored: nil) }
    package static func int64(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Int64?) -> Self { Self(name: name, nullable: nullable, read: .int64(read), stored: nil) }
    package static func double(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Double?) -> Self { Self(name: name, nullable: nullable, read: .double(read), stored: nil) }
    package static func boolean(_ name: String, nullable: Bool = true, _ read: @escaping @Sendable (UnsafePointer<Row>) -> Bool?) -> Self { Self(name: name, nullable: nullable, read: .boolean(read), stored: nil) }

    // Stored columns: the property's key path, optional or not (the overload says which).
    package static func string(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, String?> & Sendable) -> Self { Self(name, nullable, path, optional: true, Reader.string) }
    package static func string(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, String> & Sendable) -> Self { Self(name, nullable, path, optional: false) { f in .string { f($0) } } }
    package static func date(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Day?> & Sendable) -> Self { Self(name, nullable, path, optional: true, Reader.date) }
    package static func date(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Day> & Sendable) -> Self { Self(name, nullable, path, optional: false) { f in .date { f($0) } } }
    package static func int32(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Int32?> & Sendable) -> Self { Self(name, nullable, path, optional: true, Reader.int32) }
    package static func int32(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Int32> & Sendable) -> Self { Self(name, nullable, path, optional: false) { f in .int32 { f($0) } } }
    package static func int64(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Int64?> & Sendable) -> Self { Self(name, nullable, path, optional: true, Reader.int64) }
    package static func int64(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Int64> & Sendable) -> Self { Self(name, nullable, path, optional: false) { f in .int64 { f($0) } } }
    package static func double(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Double?> & Sendable) -> Self { Self(name, nullable, path, optional: true, Reader.double) }
    package static func double(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Double> & Sendable) -> Self { Self(name, nullable, path, optional: false) { f in .double { f($0) } } }
    package static func boolean(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Bool?> & Sendable) -> Self { Self(name, nullable, path, optional: true, Reader.boolean) }
    package static func boolean(_ name: String, nullable: Bool = true, _ path: KeyPath<Row, Bool> & Sendable) -> Self { Self(name, nullable, path, optional: false) { f in .boolean { f($0) } } }

    /// A column of a property: read at its offset when it is stored (a key path to a
    /// computed property has none, and is read through the key path).
    private init<Value>(_ name: String, _ nullable: Bool, _ path: KeyPath<Row, Value> & Sendable, optional: Bool,
                        _ reader: (@escaping @Sendable (UnsafePointer<Row>) -> Value) -> Reader) {
        let stored = MemoryLayout<Row>.offset(of: path).map { StoredField(offset: $0, optional: optional) }
        self.init(name: name, nullable: nullable, read: reader { $0.pointee[keyPath: path] }, stored: stored)
    }

    /// The same column read from a part of another row type.
    package func pulled<Other>(back part: KeyPath<Other, Row> & Sendable) -> TableColumn<Other> {
        func through<T>(_ f: @escaping @Sendable (UnsafePointer<Row>) -> T) -> @Sendable (UnsafePointer<Other>) -> T {
            { pointer in withUnsafePointer(to: pointer.pointee[keyPath: part]) { f($0) } }
        }
        let read: TableColumn<Other>.Reader
        switch self.read {
        case .string(let f): read = .string(through(f))
        case .date(let f): read = .date(through(f))
        case .int32(let f): read = .int32(through(f))
        case .int64(let f): read = .int64(through(f))
        case .double(let f): read = .double(through(f))
        case .boolean(let f): read = .boolean(through(f))
        }
        // A stored property of a stored part is stored in the whole, further in.
        let stored = self.stored.flatMap { field in
            MemoryLayout<Other>.offset(of: part).map { StoredField(offset: $0 + field.offset, optional: field.optional) }
        }
        return TableColumn<Other>(name: name, nullable: nullable, read: read, stored: stored)
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
        var column = emptyColumn
        rows.withUnsafeBufferPointer { append($0, to: &column) }
        return column
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
    ///
    /// The cases are written out, not folded into one generic helper: in this generic type a
    /// helper generic over the value type looks up type metadata on every call (once per
    /// artist segment and column), which measured 1 % of a full transform.
    package func append(_ buffer: UnsafeBufferPointer<Row>, to column: inout ParquetColumn) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        let (count, raw, stride, stored) = (buffer.count, UnsafeRawPointer(base), MemoryLayout<Row>.stride, stored)
        switch read {
        case .string(let f):
            column.fill(count: count, column: name, \.strings, ParquetColumn.string) { values in
                if let stored { stored.gather(raw, count, stride, into: &values) } else { Self.append(base, count, f, to: &values) }
            }
        case .date(let f):
            column.fill(count: count, column: name, \.dates, ParquetColumn.date) { values in
                if let stored { stored.gatherDays(raw, count, stride, into: &values) } else { Self.append(base, count, { f($0)?.daysSinceEpoch }, to: &values) }
            }
        case .int32(let f):
            column.fill(count: count, column: name, \.int32s, ParquetColumn.int32) { values in
                if let stored { stored.gather(raw, count, stride, into: &values) } else { Self.append(base, count, f, to: &values) }
            }
        case .int64(let f):
            column.fill(count: count, column: name, \.int64s, ParquetColumn.int64) { values in
                if let stored { stored.gather(raw, count, stride, into: &values) } else { Self.append(base, count, f, to: &values) }
            }
        case .double(let f):
            column.fill(count: count, column: name, \.doubles, ParquetColumn.double) { values in
                if let stored { stored.gather(raw, count, stride, into: &values) } else { Self.append(base, count, f, to: &values) }
            }
        case .boolean(let f):
            column.fill(count: count, column: name, \.booleans, ParquetColumn.boolean) { values in
                if let stored { stored.gather(raw, count, stride, into: &values) } else { Self.append(base, count, f, to: &values) }
            }
        }
    }

    /// A computed column's values, one call per row.
    private static func append<T>(_ base: UnsafePointer<Row>, _ count: Int, _ read: (UnsafePointer<Row>) -> T, to values: inout [T]) {
        for index in 0..<count { values.append(read(base + index)) }
    }
}
