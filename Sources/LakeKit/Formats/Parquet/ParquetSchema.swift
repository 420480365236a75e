// The subset of Parquet's type system the lake contract uses, and column data to write.

/// A column type of the lake contract, with its Parquet physical and logical type.
public enum ParquetType: Sendable, Hashable {
    /// BYTE_ARRAY with the STRING logical type.
    case string
    /// INT32 with the DATE logical type (days since 1970-01-01).
    case date
    case int32
    case int64
    case double
    case boolean
}

/// One column of a flat schema.
public struct ParquetField: Sendable, Hashable {
    public var name: String
    public var type: ParquetType
    /// OPTIONAL (may hold nulls) or REQUIRED.
    public var nullable: Bool

    public init(_ name: String, _ type: ParquetType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// The values of one column, null as nil.
public enum ParquetColumn: Sendable {
    case string([String?])
    /// Days since 1970-01-01.
    case date([Int32?])
    case int32([Int32?])
    case int64([Int64?])
    case double([Double?])
    case boolean([Bool?])

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
    case uncompressed
    case snappy
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
