// The Thrift compact protocol, write side only: enough to encode Parquet's page headers and
// file footer (parquet.thrift), which are the only Thrift a Parquet writer produces.

struct ThriftCompactWriter {
    enum FieldType: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
        case binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var enclosing: [Int16] = []

    // MARK: Fields

    mutating func field(_ id: Int16, i32 value: Int32) {
        header(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        header(id, .i64)
        varint(zigzag(value))
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        header(id, .binary)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ id: Int16, string value: String) {
        field(id, binary: Array(value.utf8))
    }

    mutating func field(_ id: Int16, bool value: Bool) {
        header(id, value ? .booleanTrue : .booleanFalse)
    }

    /// Opens a struct-valued field; close it with `endStruct()`.
    mutating func beginStruct(_ id: Int16) {
        header(id, .structure)
        enclosing.append(lastFieldID)
        lastFieldID = 0
    }

    mutating func endStruct() {
        bytes.append(0)
        lastFieldID = enclosing.popLast() ?? 0
    }

    /// Opens a list-valued field; write exactly `count` elements next.
    mutating func beginList(_ id: Int16, of type: FieldType, count: Int) {
        header(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
    }

    // MARK: List elements

    mutating func element(i32 value: Int32) { varint(zigzag(Int64(value))) }

    mutating func element(string value: String) {
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Opens a struct element of a list; close it with `endStruct()`.
    mutating func beginStructElement() {
        enclosing.append(lastFieldID)
        lastFieldID = 0
    }

    /// Closes the top-level struct being written.
    mutating func endMessage() {
        bytes.append(0)
    }

    // MARK: Encoding

    private mutating func header(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
