// Typed access to the columns of a processed table read back from Parquet, whichever tool wrote
// it: integer widths are converted when the value fits, and a missing column, a column of the
// wrong type or a null in a required column is an error naming the file, the column and the row.

import LakeKit
import MomentumAnalytics

package struct ProcessedColumns {
    package let table: ParquetTable
    package let file: String

    package init(table: ParquetTable, file: String) {
        self.table = table
        self.file = file
    }

    private func column(_ name: String) throws -> ParquetColumn {
        guard let column = table.column(name) else {
            throw LakeError.format("\(file): no column '\(name)' (the processed tables' columns are those of the metric contract)")
        }
        return column
    }

    private func wrongType(_ name: String, _ wanted: String) -> LakeError {
        LakeError.format("\(file): column '\(name)' is not \(wanted)")
    }

    package func strings(_ name: String) throws -> [String?] {
        guard case .string(let values) = try column(name) else { throw wrongType(name, "a string") }
        return values
    }

    /// A string column that tables written before it existed lack (contract v1.3's `source`,
    /// `metric` and `series`): read as `value` on every row when absent.
    package func strings(_ name: String, absentAs value: String) throws -> [String?] {
        guard table.column(name) != nil else { return Array(repeating: value, count: table.rowCount) }
        return try strings(name)
    }

    package func days(_ name: String) throws -> [Day?] {
        guard case .date(let values) = try column(name) else { throw wrongType(name, "a DATE") }
        return try values.map { value in
            try value.map { days in
                guard let day = Day(daysSinceEpoch: days) else {
                    throw LakeError.format("\(file): column '\(name)' holds \(days) days since 1970, outside \(Day.earliest)...\(Day.latest)")
                }
                return day
            }
        }
    }

    package func int64s(_ name: String) throws -> [Int64?] {
        switch try column(name) {
        case .int64(let values): return values
        case .int32(let values): return values.map { $0.map(Int64.init) }
        default: throw wrongType(name, "an integer")
        }
    }

    package func int32s(_ name: String) throws -> [Int32?] {
        switch try column(name) {
        case .int32(let values): return values
        case .int64(let values):
            return try values.enumerated().map { row, value in
                guard let value else { return nil }
                guard let narrow = Int32(exactly: value) else {
                    throw LakeError.format("\(file): column '\(name)', row \(row + 1): \(value) does not fit in 32 bits")
                }
                return narrow
            }
        default: throw wrongType(name, "an integer")
        }
    }

    package func doubles(_ name: String) throws -> [Double?] {
        switch try column(name) {
        case .double(let values): return values
        case .int64(let values): return values.map { $0.map(Double.init) }
        case .int32(let values): return values.map { $0.map(Double.init) }
        default: throw wrongType(name, "a number")
        }
    }

    package func booleans(_ name: String) throws -> [Bool?] {
        guard case .boolean(let values) = try column(name) else { throw wrongType(name, "a boolean") }
        return values
    }

    /// The value of a required column at a row.
    package func required<T>(_ values: [T?], _ name: String, _ row: Int) throws -> T {
        guard let value = values[row] else {
            throw LakeError.format("\(file): column '\(name)', row \(row + 1): null in a required column")
        }
        return value
    }
}
