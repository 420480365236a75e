// The subset of Parquet's type system the lake contract uses, and column data to write.

/// A column type of the lake contract, with its Parquet physical and logical type.
public enum ParquetType: Sendable, Hashable {
    /// BYTE_ARRAY with the STRING logical type.
    case string
    /// INT32 with the DATE logical type (days since 1970-01-01).
    case date
    /// INT32.
    case int32
    /// INT64.
    case int64
    /// DOUBLE.
    case double
    /// BOOLEAN.
    case boolean
}

/// One column of a flat schema.
public struct ParquetField: Sendable, Hashable {
    /// The column name.
    public var name: String
    /// The column type.
    public var type: ParquetType
    /// OPTIONAL (may hold nulls) or REQUIRED.
    public var nullable: Bool

    /// A column; nullable columns are OPTIONAL.
    public init(_ name: String, _ type: ParquetType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// The values of one column, null as nil.
public enum ParquetColumn: Sendable {
    /// UTF-8 strings, nil for null.
    case string([String?])
    /// Days since 1970-01-01.
    case date([Int32?])
    /// 32-bit integers, nil for null.
    case int32([Int32?])
    /// 64-bit integers, nil for null.
    case int64([Int64?])
    /// Doubles, nil for null.
    case double([Double?])
    /// Booleans, nil for null.
    case boolean([Bool?])

    /// Values in the column.
    public var count: Int {
        switch self {
        case .string(let v): return v.count
        case .date(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .double(let v): return v.count
        case .boolean(let v): return v.count
        }
    }

    func matches(_ type: ParquetType) -> Bool {
        switch (self, type) {
        case (.string, .string), (.date, .date), (.int32, .int32), (.int64, .int64), (.double, .double), (.boolean, .boolean):
            return true
        default:
            return false
        }
    }
}

/// Compression of data pages.
public enum ParquetCodec: Sendable, Hashable, CaseIterable {
    /// No compression.
    case uncompressed
    /// Snappy (the default; fast).
    case snappy
    /// GZIP (smaller; what Athena writes by default).
    case gzip

    var thriftValue: Int32 {
        switch self {
        case .uncompressed: return 0
        case .snappy: return 1
        case .gzip: return 2
        }
    }

    func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        switch self {
        case .uncompressed: return bytes
        case .snappy: return Snappy.compress(bytes)
        case .gzip: return try Gzip.compress(bytes)
        }
    }
}
