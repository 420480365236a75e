// The Thrift compact protocol, read side: enough to decode Parquet's footer and page headers.
// Hostile input never traps: every length is checked against what is left, nesting is capped,
// and unknown fields are skipped by type.

struct ThriftCompactReader {
    private let bytes: [UInt8]
    private(set) var index: Int
    private var depth = 0
    static let maximumDepth = 24

    init(_ bytes: [UInt8], at index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    struct Failure: Error { var reason: String }

    /// A field header: (id, type); type 0 is the struct's end.
    mutating func fieldHeader(last: inout Int16) throws -> (id: Int16, type: UInt8) {
        let byte = try readByte()
        if byte == 0 { return (0, 0) }
        let type = byte & 0x0F
        let delta = Int16(byte >> 4)
        let id: Int16
        if delta == 0 {
            let raw = try zigzagDecode(varint())
            guard let narrow = Int16(exactly: raw) else { throw Failure(reason: "field id \(raw) out of range") }
            id = narrow
        } else {
            id = last &+ delta
        }
        last = id
        return (id, type)
    }

    mutating func readByte() throws -> UInt8 {
        guard index < bytes.count else { throw Failure(reason: "truncated") }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw Failure(reason: "varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    func zigzagDecode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    mutating func i32() throws -> Int32 {
        let value = zigzagDecode(try varint())
        guard let narrow = Int32(exactly: value) else { throw Failure(reason: "i32 value \(value) out of range") }
        return narrow
    }

    mutating func i64() throws -> Int64 { zigzagDecode(try varint()) }

    mutating func binary() throws -> [UInt8] {
        let length = try varint()
        guard length <= UInt64(bytes.count - index) else { throw Failure(reason: "a length of \(length) bytes past the end") }
        defer { index += Int(length) }
        return Array(bytes[index..<(index + Int(length))])
    }

    mutating func string() throws -> String { String(decoding: try binary(), as: UTF8.self) }

    /// A list header: element type and count (the count checked against the bytes left).
    mutating func listHeader() throws -> (type: UInt8, count: Int) {
        let byte = try readByte()
        var count = UInt64(byte >> 4)
        if count == 15 { count = try varint() }
        guard count <= UInt64(bytes.count - index) else { throw Failure(reason: "a list of \(count) elements past the end") }
        return (byte & 0x0F, Int(count))
    }

    /// Reads a struct, handing each field to `field`, which must consume it or call `skip`.
    mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, UInt8) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= ThriftCompactReader.maximumDepth else { throw Failure(reason: "nested too deep") }
        var last: Int16 = 0
        while true {
            let (id, type) = try fieldHeader(last: &last)
            if type == 0 { return }
            try field(&self, id, type)
        }
    }

    /// Reads a list of structs.
    mutating func readList<T>(_ element: (inout ThriftCompactReader) throws -> T) throws -> [T] {
        let (_, count) = try listHeader()
        var out: [T] = []
        out.reserveCapacity(min(count, 4096))
        for _ in 0..<count { out.append(try element(&self)) }
        return out
    }

    /// Skips a value of the type (containers count towards the nesting cap, so that a hostile
    /// footer of lists within lists cannot exhaust the stack).
    mutating func skip(_ type: UInt8) throws {
        if type >= 9 && type <= 11 {
            depth += 1
            defer { depth -= 1 }
            guard depth <= ThriftCompactReader.maximumDepth else { throw Failure(reason: "nested too deep") }
            try skipContainer(type)
            return
        }
        try skipValue(type)
    }

    private mutating func skipContainer(_ type: UInt8) throws {
        switch type {
        case 9, 10:
            let (elementType, count) = try listHeader()
            for _ in 0..<count { try skipElement(elementType) }
        default:
            let count = try varint()
            guard count <= UInt64(bytes.count - index) else { throw Failure(reason: "a map past the end") }
            if count > 0 {
                let types = try readByte()
                for _ in 0..<count { try skipElement(types >> 4); try skipElement(types & 0x0F) }
            }
        }
    }

    private mutating func skipValue(_ type: UInt8) throws {
        switch type {
        case 1, 2: return   // booleans live in the header
        case 3: _ = try readByte()
        case 4, 5, 6: _ = try varint()
        case 7: guard bytes.count - index >= 8 else { throw Failure(reason: "truncated") }; index += 8
        case 8: _ = try binary()
        case 12: try readStruct { reader, _, type in try reader.skip(type) }
        default: throw Failure(reason: "unknown Thrift type \(type)")
        }
    }

    private mutating func skipElement(_ type: UInt8) throws {
        // In lists, booleans take a byte each.
        if type == 1 || type == 2 { _ = try readByte() } else { try skip(type) }
    }
}
