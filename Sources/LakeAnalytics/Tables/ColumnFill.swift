// How a table's rows become Parquet column values, appended in place (`TableColumn` says why
// stored properties are read straight from memory).

import LakeKit
import MomentumAnalytics

/// Where a stored property sits in a row, and whether it is optional.
struct StoredField: Sendable {
    let offset: Int
    let optional: Bool

    /// Appends the property's values (of type `T`, or `T?`) of `count` rows, `stride` bytes
    /// apart from `base`. A stored property sits at the same offset in every row, so a column
    /// is one strided load per row; nothing here is generic over the row type, so each loop
    /// is compiled for its value type.
    @inline(__always)
    func gather<T>(_ base: UnsafeRawPointer, _ count: Int, _ stride: Int, into values: inout [T?]) {
        let first = base + offset
        if optional {
            for index in 0..<count { values.append(first.load(fromByteOffset: index * stride, as: T?.self)) }
        } else {
            for index in 0..<count { values.append(first.load(fromByteOffset: index * stride, as: T.self)) }
        }
    }

    /// Dates, as Parquet stores them (days since 1970-01-01).
    func gatherDays(_ base: UnsafeRawPointer, _ count: Int, _ stride: Int, into values: inout [Int32?]) {
        let first = base + offset
        if optional {
            for index in 0..<count { values.append(first.load(fromByteOffset: index * stride, as: Day?.self)?.daysSinceEpoch) }
        } else {
            for index in 0..<count { values.append(first.load(fromByteOffset: index * stride, as: Day.self).daysSinceEpoch) }
        }
    }
}

extension ParquetColumn {
    /// Runs `body` on the column's values, which `unwrap` reads (nil: a column of another
    /// type, a programming error) and `wrap` puts back. The values are taken out and an empty
    /// column left while `body` runs, so the array is not shared and grows in place (a copy
    /// of the column, held by a `switch` on it for instance, would copy every value on each
    /// append). Room for `count` more values is reserved only when the array must grow
    /// anyway, and then at least doubled, so that a column filled segment by segment still
    /// grows geometrically.
    @inline(__always)
    mutating func fill<T>(count: Int, column name: String, _ unwrap: (ParquetColumn) -> [T]?, _ wrap: ([T]) -> ParquetColumn,
                          _ body: (inout [T]) -> Void) {
        guard var values = unwrap(self) else { preconditionFailure("column \(name) appended to a column of another type") }
        self = wrap([])
        if values.capacity < values.count + count { values.reserveCapacity(Swift.max(values.count + count, 2 * values.capacity)) }
        body(&values)
        self = wrap(values)
    }

    /// Room for `count` more values.
    mutating func reserveCapacity(_ count: Int) {
        switch self {
        case .string: fill(count: count, column: "", \.strings, ParquetColumn.string) { _ in }
        case .date: fill(count: count, column: "", \.dates, ParquetColumn.date) { _ in }
        case .int32: fill(count: count, column: "", \.int32s, ParquetColumn.int32) { _ in }
        case .int64: fill(count: count, column: "", \.int64s, ParquetColumn.int64) { _ in }
        case .double: fill(count: count, column: "", \.doubles, ParquetColumn.double) { _ in }
        case .boolean: fill(count: count, column: "", \.booleans, ParquetColumn.boolean) { _ in }
        }
    }

    var strings: [String?]? { if case .string(let values) = self { values } else { nil } }
    var dates: [Int32?]? { if case .date(let values) = self { values } else { nil } }
    var int32s: [Int32?]? { if case .int32(let values) = self { values } else { nil } }
    var int64s: [Int64?]? { if case .int64(let values) = self { values } else { nil } }
    var doubles: [Double?]? { if case .double(let values) = self { values } else { nil } }
    var booleans: [Bool?]? { if case .boolean(let values) = self { values } else { nil } }
}
