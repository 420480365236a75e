// Decoding of Parquet's value and level encodings: PLAIN, the RLE/bit-packed hybrid (levels,
// dictionary indices, RLE booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Every read is bounds-checked; bad data throws.

import Foundation

/// Decoded non-null values of one page or dictionary, by physical type.
enum ParquetValues {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case double([Double])
    case bytes([String])

    var count: Int {
        switch self {
        case .boolean(let v): return v.count
        case .int32(let v): return v.count
        case .int64(let v): return v.count
        case .double(let v): return v.count
        case .bytes(let v): return v.count
        }
    }
}

struct ParquetDecodingError: Error { var reason: String }

/// A cursor over a page's bytes.
struct ByteCursor {
    let bytes: [UInt8]
    var index: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.index = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { max(0, end - index) }

    mutating func take(_ count: Int) throws -> Range<Int> {
        guard count >= 0, count <= remaining else { throw ParquetDecodingError(reason: "a value runs past the end of its page") }
        defer { index += count }
        return index..<(index + count)
    }

    mutating func byte() throws -> UInt8 { bytes[try take(1).lowerBound] }

    mutating func uint32() throws -> UInt32 {
        let range = try take(4)
        return UInt32(bytes[range.lowerBound]) | UInt32(bytes[range.lowerBound + 1]) << 8
            | UInt32(bytes[range.lowerBound + 2]) << 16 | UInt32(bytes[range.lowerBound + 3]) << 24
    }

    mutating func uint64() throws -> UInt64 {
        let low = UInt64(try uint32())
        return low | UInt64(try uint32()) << 32
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try self.byte()
            guard shift < 64 else { throw ParquetDecodingError(reason: "a varint longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }
}

enum ParquetValueDecoding {
    // Physical types of parquet.thrift.
    static let boolean: Int32 = 0, int32: Int32 = 1, int64: Int32 = 2, int96: Int32 = 3, float: Int32 = 4, double: Int32 = 5
    static let byteArray: Int32 = 6, fixedLengthByteArray: Int32 = 7

    static let encodingNames: [Int32: String] = [0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
                                                 6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY", 9: "BYTE_STREAM_SPLIT"]

    /// `count` PLAIN values of the physical type.
    static func plain(_ cursor: inout ByteCursor, type: Int32, count: Int) throws -> ParquetValues {
        switch type {
        case boolean:
            let bytes = try cursor.take((count + 7) / 8)
            return .boolean((0..<count).map { cursor.bytes[bytes.lowerBound + $0 / 8] >> UInt8($0 % 8) & 1 == 1 })
        case int32:
            guard count <= cursor.remaining / 4 else { throw ParquetDecodingError(reason: "fewer INT32 bytes than values") }
            return .int32(try (0..<count).map { _ in Int32(bitPattern: try cursor.uint32()) })
        case int64:
            guard count <= cursor.remaining / 8 else { throw ParquetDecodingError(reason: "fewer INT64 bytes than values") }
            return .int64(try (0..<count).map { _ in Int64(bitPattern: try cursor.uint64()) })
        case float:
            guard count <= cursor.remaining / 4 else { throw ParquetDecodingError(reason: "fewer FLOAT bytes than values") }
            return .double(try (0..<count).map { _ in Double(Float(bitPattern: try cursor.uint32())) })
        case double:
            guard count <= cursor.remaining / 8 else { throw ParquetDecodingError(reason: "fewer DOUBLE bytes than values") }
            return .double(try (0..<count).map { _ in Double(bitPattern: try cursor.uint64()) })
        case byteArray:
            guard count <= cursor.remaining / 4 else { throw ParquetDecodingError(reason: "fewer BYTE_ARRAY bytes than values") }
            var strings: [String] = []
            strings.reserveCapacity(count)
            for _ in 0..<count {
                let length = Int(try cursor.uint32())
                let range = try cursor.take(length)
                strings.append(String(decoding: cursor.bytes[range], as: UTF8.self))
            }
            return .bytes(strings)
        default:
            throw ParquetDecodingError(reason: "physical type \(type) is not supported (INT96 and FIXED_LEN_BYTE_ARRAY are not read)")
        }
    }

    /// `count` values of the RLE/bit-packed hybrid with `bitWidth` bits each.
    static func hybrid(_ cursor: inout ByteCursor, bitWidth: Int, count: Int) throws -> [UInt32] {
        guard (0...32).contains(bitWidth) else { throw ParquetDecodingError(reason: "a bit width of \(bitWidth)") }
        var out: [UInt32] = []
        out.reserveCapacity(count)
        let valueBytes = (bitWidth + 7) / 8
        while out.count < count {
            let header = try cursor.varint()
            if header & 1 == 0 {
                let run = header >> 1
                var value: UInt32 = 0
                let range = try cursor.take(valueBytes)
                for (k, byte) in cursor.bytes[range].enumerated() { value |= UInt32(byte) << (8 * UInt32(k)) }
                let take = Int(min(UInt64(count - out.count), run))
                out.append(contentsOf: repeatElement(value, count: take))
            } else {
                let groups = header >> 1
                guard groups <= UInt64(cursor.remaining), groups > 0 || bitWidth == 0 else {
                    throw ParquetDecodingError(reason: "a bit-packed run past the end of its page")
                }
                let range = try cursor.take(Int(groups) * bitWidth)
                let values = Int(groups) * 8
                let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
                var bit = 0
                for _ in 0..<min(values, count - out.count) {
                    var value: UInt64 = 0
                    var got = 0
                    while got < bitWidth {
                        let byte = UInt64(cursor.bytes[range.lowerBound + bit / 8])
                        let offset = bit % 8
                        let take = min(8 - offset, bitWidth - got)
                        value |= ((byte >> UInt64(offset)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
                        got += take
                        bit += take
                    }
                    out.append(UInt32(value & mask))
                }
            }
            if cursor.remaining == 0 && out.count < count && bitWidth > 0 {
                throw ParquetDecodingError(reason: "levels or indices end before their values")
            }
        }
        return out
    }

    /// DELTA_BINARY_PACKED integers; at most `expected` (the page's value count), so that a
    /// header cannot make the reader allocate more than the page announces.
    static func deltaBinaryPacked(_ cursor: inout ByteCursor, count expected: Int) throws -> [Int64] {
        let blockSize = try cursor.varint()
        let miniblocks = try cursor.varint()
        let total = try cursor.varint()
        var previous = try cursor.zigzag()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 16, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else { throw ParquetDecodingError(reason: "a malformed DELTA_BINARY_PACKED header") }
        guard total <= UInt64(max(0, expected)) else {
            throw ParquetDecodingError(reason: "DELTA_BINARY_PACKED announces more values than its page holds")
        }
        var out: [Int64] = []
        guard total > 0 else { return out }
        out.reserveCapacity(Int(total))
        out.append(previous)
        let perMiniblock = Int(blockSize / miniblocks)
        while out.count < Int(total) {
            let minimumDelta = try cursor.zigzag()
            let widths = try cursor.take(Int(miniblocks)).map { cursor.bytes[$0] }
            for width in widths {
                guard out.count < Int(total) else { break }
                guard width <= 64 else { throw ParquetDecodingError(reason: "a miniblock bit width of \(width)") }
                let range = try cursor.take(perMiniblock * Int(width) / 8)
                var bit = 0
                for _ in 0..<perMiniblock {
                    var value: UInt64 = 0
                    var got = 0
                    while got < Int(width) {
                        let byte = UInt64(cursor.bytes[range.lowerBound + bit / 8])
                        let offset = bit % 8
                        let take = min(8 - offset, Int(width) - got)
                        value |= ((byte >> UInt64(offset)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
                        got += take
                        bit += take
                    }
                    guard out.count < Int(total) else { continue }
                    previous = previous &+ minimumDelta &+ Int64(bitPattern: value)
                    out.append(previous)
                }
            }
        }
        return out
    }

    /// Non-null values of a data page in `encoding`, `dictionary` for the dictionary encodings.
    static func values(_ cursor: inout ByteCursor, encoding: Int32, type: Int32, count: Int, dictionary: ParquetValues?) throws -> ParquetValues {
        switch encoding {
        case 0:
            return try plain(&cursor, type: type, count: count)
        case 2, 8:
            guard let dictionary else { throw ParquetDecodingError(reason: "dictionary-encoded values without a dictionary page") }
            let width = Int(try cursor.byte())
            let indices = try hybrid(&cursor, bitWidth: width, count: count)
            guard indices.allSatisfy({ Int($0) < dictionary.count }) else { throw ParquetDecodingError(reason: "a dictionary index past the dictionary") }
            switch dictionary {
            case .boolean(let d): return .boolean(indices.map { d[Int($0)] })
            case .int32(let d): return .int32(indices.map { d[Int($0)] })
            case .int64(let d): return .int64(indices.map { d[Int($0)] })
            case .double(let d): return .double(indices.map { d[Int($0)] })
            case .bytes(let d): return .bytes(indices.map { d[Int($0)] })
            }
        case 3 where type == boolean:
            let length = Int(try cursor.uint32())
            var inner = ByteCursor(cursor.bytes, from: cursor.index, to: cursor.index + length)
            _ = try cursor.take(length)
            return .boolean(try hybrid(&inner, bitWidth: 1, count: count).map { $0 == 1 })
        case 5 where type == int32 || type == int64:
            let values = try deltaBinaryPacked(&cursor, count: count)
            guard values.count == count else { throw ParquetDecodingError(reason: "DELTA_BINARY_PACKED holds \(values.count) values, not \(count)") }
            if type == int64 { return .int64(values) }
            return .int32(try values.map { guard let v = Int32(exactly: $0) else { throw ParquetDecodingError(reason: "an INT32 delta out of range") }; return v })
        case 6 where type == byteArray:
            let lengths = try deltaBinaryPacked(&cursor, count: count)
            return .bytes(try lengths.map { length in
                guard length >= 0, length <= Int64(cursor.remaining) else { throw ParquetDecodingError(reason: "a string length past the page") }
                return String(decoding: cursor.bytes[try cursor.take(Int(length))], as: UTF8.self)
            })
        case 7 where type == byteArray:
            let prefixes = try deltaBinaryPacked(&cursor, count: count)
            let suffixLengths = try deltaBinaryPacked(&cursor, count: count)
            guard prefixes.count == suffixLengths.count else { throw ParquetDecodingError(reason: "DELTA_BYTE_ARRAY prefix and suffix counts differ") }
            var previous: [UInt8] = []
            var out: [String] = []
            for (prefix, suffix) in zip(prefixes, suffixLengths) {
                guard prefix >= 0, prefix <= Int64(previous.count), suffix >= 0, suffix <= Int64(cursor.remaining) else {
                    throw ParquetDecodingError(reason: "a DELTA_BYTE_ARRAY prefix or suffix out of range")
                }
                previous = Array(previous[0..<Int(prefix)]) + cursor.bytes[try cursor.take(Int(suffix))]
                out.append(String(decoding: previous, as: UTF8.self))
            }
            return .bytes(out)
        case 9 where type == float || type == double || type == int32 || type == int64:
            let width = (type == float || type == int32) ? 4 : 8
            guard count <= cursor.remaining / width else { throw ParquetDecodingError(reason: "fewer BYTE_STREAM_SPLIT bytes than values") }
            let base = try cursor.take(count * width).lowerBound
            var words = [UInt64](repeating: 0, count: count)
            for k in 0..<width {
                for i in 0..<count { words[i] |= UInt64(cursor.bytes[base + k * count + i]) << (8 * UInt64(k)) }
            }
            switch type {
            case float: return .double(words.map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) })
            case double: return .double(words.map { Double(bitPattern: $0) })
            case int32: return .int32(words.map { Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) })
            default: return .int64(words.map { Int64(bitPattern: $0) })
            }
        default:
            throw ParquetDecodingError(reason: "the \(encodingNames[encoding] ?? "encoding \(encoding)") encoding of physical type \(type) is not supported")
        }
    }
}
