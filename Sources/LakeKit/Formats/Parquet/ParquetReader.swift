// Reads flat Parquet files, whoever wrote them (LakeKit, pyarrow, DuckDB, Athena): PLAIN and
// dictionary encodings, the delta and byte-stream-split encodings, data pages v1 and v2, any
// number of row groups, UNCOMPRESSED, SNAPPY and GZIP. Only the requested columns are fetched
// (ranged reads on S3), and row groups whose statistics exclude a filter are skipped. A damaged
// file is an error that names it, never a crash.

import Foundation
import MomentumText

/// A value to compare with column statistics.
public enum ParquetScalar: Sendable, Hashable {
    /// A string (compared byte-wise, as Parquet orders them).
    case string(String)
    /// An INT32 or INT64 value.
    case integer(Int64)
    /// A FLOAT or DOUBLE value.
    case double(Double)
    /// A DATE, in days since 1970-01-01.
    case date(Int32)
}

/// Row groups to read: those whose `column` may hold a value within the bounds. Rows of a group
/// that is read are not filtered; the caller still checks each row.
public struct ParquetFilter: Sendable, Hashable {
    /// The column whose statistics decide.
    public var column: String
    /// The least value wanted; nil for no lower bound.
    public var lowerBound: ParquetScalar?
    /// The greatest value wanted; nil for no upper bound.
    public var upperBound: ParquetScalar?

    /// A filter on a range of values.
    public init(column: String, from lowerBound: ParquetScalar?, through upperBound: ParquetScalar?) {
        self.column = column
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    /// A filter on one value.
    public static func equals(_ column: String, _ value: ParquetScalar) -> ParquetFilter {
        ParquetFilter(column: column, from: value, through: value)
    }
}

/// Columns read from a Parquet file.
public struct ParquetTable: Sendable {
    /// The columns read, in the order asked.
    public var schema: [ParquetField]
    /// Their values, in the same order.
    public var columns: [ParquetColumn]
    /// Rows read.
    public var rowCount: Int
    /// Row groups read, and skipped by the filter.
    public var rowGroupsRead: Int, rowGroupsSkipped: Int

    /// The values of a column by name.
    public func column(_ name: String) -> ParquetColumn? {
        schema.firstIndex { $0.name == name }.map { columns[$0] }
    }
}

/// A Parquet file opened for reading: its footer is read; columns are read on demand.
public struct ParquetReader: Sendable {
    /// The file's name in messages (its key or path).
    public let name: String
    /// The readable columns (flat; types as the lake contract names them).
    public let schema: [ParquetField]
    /// Rows in the file.
    public let rowCount: Int
    /// Columns the file has but this reader does not read, with their physical type
    /// (`INT96`, `FIXED_LEN_BYTE_ARRAY`): a caller can say "column 'day' is INT96", not "no column".
    public var unreadableColumns: [String: String] {
        var out: [String: String] = [:]
        for (name, leaf) in leaves where leaf.type == nil {
            out[name] = leaf.physicalType == ParquetValueDecoding.int96 ? "INT96" : leaf.physicalType == ParquetValueDecoding.fixedLengthByteArray ? "FIXED_LEN_BYTE_ARRAY" : "physical type \(leaf.physicalType)"
        }
        return out
    }
    /// Row groups in the file.
    public var rowGroupCount: Int { footer.rowGroups.count }

    let footer: ParquetFooter
    let fileSize: Int
    let fetch: @Sendable (Range<Int>) async throws -> [UInt8]
    /// Per schema leaf: physical type, whether OPTIONAL, and the contract type (nil: unreadable).
    let leaves: [String: Leaf]

    struct Leaf: Sendable {
        var index: Int
        var physicalType: Int32
        var optional: Bool
        var type: ParquetType?
    }

    /// Files up to this size are fetched whole; larger ones column chunk by column chunk.
    public static let wholeFileLimit = 8 << 20
    /// The largest footer accepted.
    public static let maximumFooterBytes = 64 << 20
    /// Values (rows times columns read) any file may produce, however small it is.
    public static let minimumValueAllowance = 1 << 20
    /// Values a file may produce per byte of its length beyond that allowance. A run-length
    /// run or a bit width of 0 encodes any count in a few bytes, so what a file declares is
    /// bounded by what it can plausibly hold before anything is allocated: a few hundred bytes
    /// cannot make a reader allocate gigabytes. Real tables stay far below this ratio.
    public static let maximumValuesPerByte = 64

    /// The most values a file of `size` bytes is allowed to produce.
    public static func valueAllowance(fileSize size: Int) -> Int {
        max(minimumValueAllowance, size.multipliedReportingOverflow(by: maximumValuesPerByte).partialValue)
    }

    /// Opens a file in a store (a folder, S3) by reading its footer. A file up to
    /// `wholeFileLimit` bytes is fetched whole and held by the reader; a larger one is read
    /// column chunk by column chunk (pass 0 to keep a reader that holds its footer only, as a
    /// caller that keeps many files open across reads does).
    public static func open(_ store: any ObjectStore, key: String, wholeFileLimit: Int = ParquetReader.wholeFileLimit) async throws -> ParquetReader {
        let name = "\(store.location)/\(key)"
        guard let size = try await store.size(of: key) else { throw LakeError.notFound(key, in: store.location) }
        if size <= wholeFileLimit {
            return try await open(bytes: try await store.get(key), name: name)
        }
        return try await open(size: size, name: name) { range in try await store.get(key, range: range) }
    }

    /// Opens a file held in memory.
    public static func open(bytes: [UInt8], name: String) async throws -> ParquetReader {
        try await open(size: bytes.count, name: name) { range in
            guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw ParquetDecodingError(reason: "a range past the end of the file") }
            return Array(bytes[range])
        }
    }

    static func open(size: Int, name: String, fetch: @escaping @Sendable (Range<Int>) async throws -> [UInt8]) async throws -> ParquetReader {
        func damaged(_ reason: String) -> LakeError { LakeError.format("\(name) is not a readable Parquet file: \(reason)") }
        guard size >= 12 else { throw damaged("\(size) bytes is too short") }
        let tail = try await fetch((size - 8)..<size)
        guard tail.count == 8, Array(tail[4...]) == Array("PAR1".utf8) else {
            throw damaged(Array(tail.suffix(4)) == Array("PARE".utf8) ? "it is encrypted" : "no PAR1 magic at its end")
        }
        let footerLength = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard footerLength > 0, footerLength <= size - 12, footerLength <= maximumFooterBytes else {
            throw damaged("a footer length of \(footerLength) bytes in a file of \(size)")
        }
        let footer: ParquetFooter
        do {
            footer = try ParquetFooter.decode(try await fetch((size - 8 - footerLength)..<(size - 8)))
        } catch let failure as ThriftCompactReader.Failure {
            throw damaged("its footer does not decode (\(failure.reason))")
        }
        var leaves: [String: Leaf] = [:]
        var schema: [ParquetField] = []
        guard let root = footer.schema.first else { throw damaged("an empty schema") }
        let children = footer.schema.dropFirst()
        guard Int(root.childCount ?? 0) == children.count, children.allSatisfy({ ($0.childCount ?? 0) == 0 }) else {
            throw damaged("a nested schema (only flat tables are read)")
        }
        for (index, element) in children.enumerated() {
            guard let physical = element.physicalType else { throw damaged("column '\(element.name)' has no type") }
            if element.repetition == 2 { throw damaged("column '\(element.name)' is REPEATED (only flat tables are read)") }
            let type: ParquetType?
            switch physical {
            case ParquetValueDecoding.boolean: type = .boolean
            case ParquetValueDecoding.int32: type = (element.isDateLogical || element.convertedType == 6) ? .date : .int32
            case ParquetValueDecoding.int64: type = .int64
            case ParquetValueDecoding.float, ParquetValueDecoding.double: type = .double
            case ParquetValueDecoding.byteArray: type = .string
            default: type = nil
            }
            leaves[element.name] = Leaf(index: index, physicalType: physical, optional: element.repetition != 0, type: type)
            if let type { schema.append(ParquetField(element.name, type, nullable: element.repetition != 0)) }
        }
        for (number, group) in footer.rowGroups.enumerated() where group.columns.count != children.count {
            throw damaged("row group \(number) has \(group.columns.count) column chunks for \(children.count) columns")
        }
        guard footer.rowCount >= 0, footer.rowCount <= Int64(Int32.max) else { throw damaged("a row count of \(footer.rowCount)") }
        var groupRows: Int64 = 0
        for (number, group) in footer.rowGroups.enumerated() {
            guard group.rowCount >= 0, group.rowCount <= footer.rowCount - groupRows else {
                throw damaged("row group \(number) declares \(group.rowCount) rows, past the file's \(footer.rowCount)")
            }
            groupRows += group.rowCount
        }
        guard groupRows == footer.rowCount else { throw damaged("its row groups hold \(groupRows) rows, its footer says \(footer.rowCount)") }
        guard footer.rowCount <= Int64(valueAllowance(fileSize: size)) else {
            throw damaged("\(footer.rowCount) rows declared in \(size) bytes (at most \(valueAllowance(fileSize: size)) values are read from a file of that size)")
        }
        return ParquetReader(name: name, schema: schema, rowCount: Int(footer.rowCount), footer: footer, fileSize: size, fetch: fetch, leaves: leaves)
    }

    /// Reads `columns` (every readable column when nil) from the row groups `filter` keeps.
    public func read(columns wanted: [String]? = nil, filter: ParquetFilter? = nil) async throws -> ParquetTable {
        let fields = try fields(wanted)
        // Which row groups the filter keeps, decided once: their rows are bounded before any is read.
        let kept = try footer.rowGroups.map { group in try filter.map { try mayContain(group, $0) } ?? true }
        return try await read(fields, rowGroups: kept)
    }

    /// Reads `columns` (every readable column when nil) from the row groups numbered in
    /// `rowGroups` (0-based, as `rowGroupRanges(of:)` lists them), in the file's order.
    public func read(columns wanted: [String]? = nil, rowGroups: [Int]) async throws -> ParquetTable {
        let chosen = Set(rowGroups)
        guard chosen.allSatisfy(footer.rowGroups.indices.contains) else {
            throw LakeError.format("\(name) has \(footer.rowGroups.count) row groups; asked for \(rowGroups.sorted())")
        }
        return try await read(try fields(wanted), rowGroups: footer.rowGroups.indices.map(chosen.contains))
    }

    private func fields(_ wanted: [String]?) throws -> [ParquetField] {
        let names = wanted ?? schema.map(\.name)
        var fields: [ParquetField] = []
        for name in names {
            guard let field = schema.first(where: { $0.name == name }) else {
                let why = leaves[name] == nil ? "has no column '\(name)'" : "column '\(name)' is of a type this reader does not read (INT96 or FIXED_LEN_BYTE_ARRAY)"
                throw LakeError.format("\(self.name) \(why)")
            }
            fields.append(field)
        }
        return fields
    }

    /// Throws, naming the file, when reading `columns` (every readable column when nil) of
    /// every row group would produce more values than the file's size allows. `read` checks the
    /// groups it reads; a caller that reads a file a row group at a time, keeping what it read,
    /// checks the whole file first.
    public func checkValueAllowance(columns wanted: [String]? = nil) throws {
        try checkValueAllowance(try fields(wanted), rowGroups: footer.rowGroups.map { _ in true })
    }

    /// The rows the chosen groups declare times the columns, against the file's allowance.
    /// (`open` checked every group's rows: not negative, and summing to the footer's count,
    /// at most `Int32.max`.)
    private func checkValueAllowance(_ fields: [ParquetField], rowGroups kept: [Bool]) throws {
        let allowance = ParquetReader.valueAllowance(fileSize: fileSize)
        let keptRows = zip(footer.rowGroups, kept).reduce(0) { $0 + ($1.1 ? Int($1.0.rowCount) : 0) }
        let values = keptRows.multipliedReportingOverflow(by: max(1, fields.count))
        guard !values.overflow, values.partialValue <= allowance else {
            throw LakeError.format("\(name): \(keptRows) rows of \(fields.count) columns is more than the \(allowance) values read from a file of \(fileSize) bytes")
        }
    }

    private func read(_ fields: [ParquetField], rowGroups kept: [Bool]) async throws -> ParquetTable {
        try checkValueAllowance(fields, rowGroups: kept)
        var builders = fields.map { ColumnBuilder(type: $0.type) }
        var read = 0, skipped = 0, rows = 0
        for (number, group) in footer.rowGroups.enumerated() {
            if !kept[number] {
                skipped += 1
                continue
            }
            read += 1
            guard let groupRows = Int(exactly: group.rowCount), groupRows >= 0 else { throw LakeError.format("\(name): row group \(number) has a bad row count") }
            rows += groupRows
            for (position, field) in fields.enumerated() {
                guard let leaf = leaves[field.name] else { continue }
                let chunk = group.columns[leaf.index]
                do {
                    try await decode(chunk, leaf: leaf, rows: groupRows, into: &builders[position])
                } catch let failure as ParquetDecodingError {
                    throw LakeError.format("\(name): column '\(field.name)', row group \(number): \(failure.reason)")
                } catch let failure as ThriftCompactReader.Failure {
                    throw LakeError.format("\(name): column '\(field.name)', row group \(number): a page header does not decode (\(failure.reason))")
                }
            }
        }
        return ParquetTable(schema: fields, columns: builders.map { $0.column }, rowCount: rows, rowGroupsRead: read, rowGroupsSkipped: skipped)
    }

    // MARK: Column chunks

    private func decode(_ chunk: ParquetFooter.ColumnChunk, leaf: Leaf, rows: Int, into builder: inout ColumnBuilder) async throws {
        let codec = try ParquetReader.codec(chunk.codec, column: leaf, name: name, in: chunk)
        let start = chunk.start
        guard start >= 4, chunk.compressedSize >= 0, start <= Int64(fileSize), chunk.compressedSize <= Int64(fileSize) - start else {
            throw ParquetDecodingError(reason: "the column chunk lies outside the file")
        }
        guard chunk.valueCount == Int64(rows) else {
            throw ParquetDecodingError(reason: "\(chunk.valueCount) values for \(rows) rows")
        }
        let bytes = try await fetch(Int(start)..<Int(start + chunk.compressedSize))
        var position = 0
        var dictionary: ParquetValues?
        var values = 0
        while values < rows {
            var reader = ThriftCompactReader(bytes, at: position)
            let header = try ParquetFooter.pageHeader(&reader)
            position = reader.index
            guard header.compressedSize >= 0, Int(header.compressedSize) <= bytes.count - position, header.uncompressedSize >= 0,
                  Int(header.uncompressedSize) <= codec.largestExpansion(of: Int(header.compressedSize)) else {
                throw ParquetDecodingError(reason: "a page of \(header.compressedSize) bytes in a column chunk of \(bytes.count) that declares \(header.uncompressedSize) bytes uncompressed")
            }
            let body = Array(bytes[position..<(position + Int(header.compressedSize))])
            position += Int(header.compressedSize)
            switch header.type {
            case 2:
                let plain = try decompress(body, codec: codec, size: Int(header.uncompressedSize))
                var cursor = ByteCursor(plain)
                guard header.valueCount >= 0 else { throw ParquetDecodingError(reason: "a negative dictionary size") }
                dictionary = try ParquetValueDecoding.plain(&cursor, type: leaf.physicalType, count: Int(header.valueCount))
            case 0, 3:
                let count = Int(header.valueCount)
                guard count >= 0, count <= rows - values else { throw ParquetDecodingError(reason: "more values in pages than rows") }
                var present: [UInt32]
                var cursor: ByteCursor
                if header.type == 0 {
                    cursor = ByteCursor(try decompress(body, codec: codec, size: Int(header.uncompressedSize)))
                    if leaf.optional {
                        let length = Int(try cursor.uint32())
                        var levels = ByteCursor(cursor.bytes, from: cursor.index, to: cursor.index + length)
                        _ = try cursor.take(length)
                        present = try ParquetValueDecoding.hybrid(&levels, bitWidth: 1, count: count)
                    } else {
                        present = []
                    }
                } else {
                    let repetition = Int(header.repetitionLevelsLength), definition = Int(header.definitionLevelsLength)
                    guard repetition >= 0, definition >= 0, repetition + definition <= body.count else {
                        throw ParquetDecodingError(reason: "level lengths past the page")
                    }
                    var levels = ByteCursor(body, from: repetition, to: repetition + definition)
                    present = leaf.optional ? try ParquetValueDecoding.hybrid(&levels, bitWidth: 1, count: count) : []
                    let rest = Array(body[(repetition + definition)...])
                    let restSize = Int(header.uncompressedSize) - repetition - definition
                    cursor = ByteCursor(header.isCompressed ? try decompress(rest, codec: codec, size: restSize) : rest)
                }
                let nonNull = leaf.optional ? present.reduce(0) { $0 + Int($1 & 1) } : count
                let decoded = try ParquetValueDecoding.values(&cursor, encoding: header.encoding, type: leaf.physicalType, count: nonNull,
                                                              dictionary: dictionary)
                guard decoded.count == nonNull else { throw ParquetDecodingError(reason: "\(decoded.count) values for \(nonNull) present") }
                try builder.append(decoded, present: leaf.optional ? present : nil, count: count)
                values += count
            default:
                continue   // index pages and unknown pages carry no values
            }
            if position >= bytes.count && values < rows { throw ParquetDecodingError(reason: "the column chunk ends after \(values) of \(rows) values") }
        }
    }

    enum Codec {
        case none, snappy, gzip

        /// The most bytes `compressed` bytes can decode to: Snappy's longest copy is 64 bytes
        /// from a 3-byte tag, deflate's best ratio is 1032:1. A page header announcing more is
        /// lying, and is refused before anything is decompressed.
        func largestExpansion(of compressed: Int) -> Int {
            switch self {
            case .none: return compressed
            case .snappy: return compressed * 22 + 16
            case .gzip: return compressed * 1032 + 64
            }
        }
    }

    static func codec(_ value: Int32, column: Leaf, name: String, in chunk: ParquetFooter.ColumnChunk) throws -> Codec {
        switch value {
        case 0: return .none
        case 1: return .snappy
        case 2: return .gzip
        default:
            let names: [Int32: String] = [3: "LZO", 4: "BROTLI", 5: "LZ4", 6: "ZSTD", 7: "LZ4_RAW"]
            throw LakeError.format("\(name): column '\(chunk.path.joined(separator: "."))' is compressed with \(names[value] ?? "codec \(value)"), which this reader does not decode; write the file with SNAPPY, GZIP or no compression")
        }
    }

    private func decompress(_ body: [UInt8], codec: Codec, size: Int) throws -> [UInt8] {
        let out: [UInt8]
        do {
            switch codec {
            case .none: out = body
            case .snappy: out = try Snappy.decompress(body)
            case .gzip: out = try Gzip.decompress(body, limit: size)
            }
        } catch {
            throw ParquetDecodingError(reason: "a page does not decompress (\(error))")
        }
        guard out.count == size else { throw ParquetDecodingError(reason: "a page decompresses to \(out.count) bytes, not the \(size) announced") }
        return out
    }

    // MARK: Statistics

    /// One row group's rows and the least and greatest value of a column in it.
    public struct RowGroupRange: Sendable, Hashable {
        /// Rows in the group.
        public var rowCount: Int
        /// The least value; nil when the file gives no (trustworthy) statistics for the column.
        public var min: ParquetScalar?
        /// The greatest value; nil as for `min`.
        public var max: ParquetScalar?
    }

    /// Each row group's range of `column`, from the footer's statistics (nothing is read).
    public func rowGroupRanges(of column: String) throws -> [RowGroupRange] {
        guard let leaf = leaves[column] else { throw LakeError.format("\(name) has no column '\(column)'") }
        return footer.rowGroups.map { group in
            var range = RowGroupRange(rowCount: Int(clamping: group.rowCount), min: nil, max: nil)
            if let stats = group.columns[leaf.index].statistics, let low = stats.min, let high = stats.max,
               !(stats.legacy && leaf.physicalType == ParquetValueDecoding.byteArray) {
                range.min = ParquetReader.scalar(low, leaf)
                range.max = ParquetReader.scalar(high, leaf)
            }
            return range
        }
    }

    private func mayContain(_ group: ParquetFooter.RowGroup, _ filter: ParquetFilter) throws -> Bool {
        guard let leaf = leaves[filter.column] else { throw LakeError.format("\(name) has no column '\(filter.column)' to filter on") }
        guard let stats = group.columns[leaf.index].statistics, let minBytes = stats.min, let maxBytes = stats.max else { return true }
        if stats.legacy && leaf.physicalType == ParquetValueDecoding.byteArray { return true }
        guard let low = ParquetReader.scalar(minBytes, leaf), let high = ParquetReader.scalar(maxBytes, leaf) else { return true }
        if let lower = filter.lowerBound, let order = ParquetReader.compare(high, lower), order < 0 { return false }
        if let upper = filter.upperBound, let order = ParquetReader.compare(low, upper), order > 0 { return false }
        return true
    }

    static func scalar(_ bytes: [UInt8], _ leaf: Leaf) -> ParquetScalar? {
        var cursor = ByteCursor(bytes)
        switch leaf.physicalType {
        case ParquetValueDecoding.int32 where bytes.count == 4:
            guard let value = try? Int32(bitPattern: cursor.uint32()) else { return nil }
            return leaf.type == .date ? .date(value) : .integer(Int64(value))
        case ParquetValueDecoding.int64 where bytes.count == 8:
            return (try? cursor.uint64()).map { .integer(Int64(bitPattern: $0)) }
        case ParquetValueDecoding.double where bytes.count == 8:
            return (try? cursor.uint64()).map { .double(Double(bitPattern: $0)) }
        case ParquetValueDecoding.float where bytes.count == 4:
            return (try? cursor.uint32()).map { .double(Double(Float(bitPattern: $0))) }
        case ParquetValueDecoding.byteArray:
            return .string(String(decoding: bytes, as: UTF8.self))
        default:
            return nil
        }
    }

    /// -1, 0 or 1; nil when the two cannot be compared.
    static func compare(_ a: ParquetScalar, _ b: ParquetScalar) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x > y ? 1 : 0 }
        switch (a, b) {
        case let (.string(x), .string(y)): return UTF8Order.compare(x, y).signum()
        case let (.integer(x), .integer(y)): return sign(x, y)
        case let (.double(x), .double(y)): return x.isNaN || y.isNaN ? nil : sign(x, y)
        case let (.integer(x), .double(y)): return y.isNaN ? nil : sign(Double(x), y)
        case let (.double(x), .integer(y)): return x.isNaN ? nil : sign(x, Double(y))
        case let (.date(x), .date(y)): return sign(x, y)
        default: return nil
        }
    }
}

/// Gathers one column's values across pages and row groups, nulls where levels say so.
struct ColumnBuilder {
    let type: ParquetType
    private var strings: [String?] = [], int32s: [Int32?] = [], int64s: [Int64?] = [], doubles: [Double?] = [], booleans: [Bool?] = []

    init(type: ParquetType) {
        self.type = type
    }

    var column: ParquetColumn {
        switch type {
        case .string: return .string(strings)
        case .date: return .date(int32s)
        case .int32: return .int32(int32s)
        case .int64: return .int64(int64s)
        case .double: return .double(doubles)
        case .boolean: return .boolean(booleans)
        }
    }

    mutating func append(_ values: ParquetValues, present: [UInt32]?, count: Int) throws {
        func spread<T>(_ values: [T], into out: inout [T?]) {
            guard let present else { out.append(contentsOf: values.lazy.map { $0 }); return }
            // Grown geometrically: reserving the exact size page after page copies the whole
            // column again for every page.
            if out.capacity < out.count + count { out.reserveCapacity(max(out.count + count, out.capacity * 2)) }
            var next = 0
            for level in present {
                if level & 1 == 1 { out.append(values[next]); next += 1 } else { out.append(nil) }
            }
        }
        switch (type, values) {
        case (.string, .bytes(let v)): spread(v, into: &strings)
        case (.date, .int32(let v)), (.int32, .int32(let v)): spread(v, into: &int32s)
        case (.int64, .int64(let v)): spread(v, into: &int64s)
        case (.double, .double(let v)): spread(v, into: &doubles)
        case (.boolean, .boolean(let v)): spread(v, into: &booleans)
        default: throw ParquetDecodingError(reason: "values of another physical type than the column's")
        }
    }
}
