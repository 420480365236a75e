// A purpose-built JSON scanner for the lake's flat records. Raw records are one flat object a
// line with a handful of string, number, null, boolean and string-array fields; a general JSON
// decoder spends most of its time building a tree we immediately throw away. This scanner walks
// the bytes once, hands each key to the caller as raw bytes, and decodes only the value asked
// for. Anything unexpected is a clear `LakeError.format`, never a crash.

import Foundation
import MomentumText

package struct JSONFieldScanner: ~Copyable {
    // Usable from inline: the record readers of other modules (`MetricLine` and the rest) call
    // the hot paths below a dozen times a line, and a call across a module boundary that cannot
    // be inlined cost more than the scanning it does.
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let end: Int
    @usableFromInline var position = 0
    /// Whether `nextKey` has read the opening brace.
    @usableFromInline var started = false

    package init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no base address; point at a static byte instead.
        base = buffer.baseAddress ?? JSONFieldScanner.emptyBase
        end = buffer.count
    }

    nonisolated(unsafe) private static let emptyBase: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    // MARK: Structure

    /// The next field's name, its value the next thing to read (the caller reads or skips it);
    /// nil after the object's closing brace. A loop over fields, not a closure per field: the
    /// record types that call it live in other modules, and a call per field across a module
    /// boundary costs less than a closure that cannot be specialised.
    package mutating func nextKey() throws -> FieldKey? {
        guard try toNextKey() else { return nil }
        let key = try stringBytes()
        try toValue()
        return key
    }

    /// The next field's number among `names` (`.other` for a field they do not have), or
    /// `.end` after the closing brace; its value is the next thing to read. The name numbered
    /// `expected` is compared with the line's bytes first: a writer keeps one order of fields,
    /// so the key is almost always that one, and is then neither scanned nor looked up.
    @inlinable @inline(__always) package mutating func nextField(in names: FieldNames, expected: Int) throws -> NextField {
        guard try toNextKey() else { return .end }
        if let length = names.matches(expected, at: base + position + 1, available: end - position - 1) {
            position += length + 2
            try toValue()
            return .field(expected)
        }
        let key = try stringBytes()
        try toValue()
        return names.index(of: key).map(NextField.field) ?? .other
    }

    /// What ``nextField(in:expected:)`` found.
    package enum NextField: Equatable {
        case field(Int)
        case other
        case end
    }

    /// Moves to the opening quote of the next key; false after the object's closing brace.
    @inlinable @inline(__always) mutating func toNextKey() throws -> Bool {
        skipWhitespace()
        if !started {
            started = true
            try expect(UInt8(ascii: "{"), "a record must be a JSON object")
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                position += 1
                try expectEnd()
                return false
            }
        } else {
            guard let next = peek() else { throw error("the object is not closed") }
            position += 1
            if next == UInt8(ascii: "}") {
                try expectEnd()
                return false
            }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}' after a value") }
            skipWhitespace()
        }
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a field name in quotes") }
        return true
    }

    /// Moves past the colon after a key, to its value.
    @inlinable @inline(__always) mutating func toValue() throws {
        skipWhitespace()
        try expect(UInt8(ascii: ":"), "expected ':' after a field name")
        skipWhitespace()
    }

    @inlinable mutating func expectEnd() throws {
        skipWhitespace()
        guard position == end else { throw error("unexpected text after the object") }
    }

    // MARK: Values

    @inlinable @inline(__always) package mutating func isNull() -> Bool {
        if matchLiteral("null") { return true }
        return false
    }

    package mutating func string() throws -> String {
        try stringValue().string
    }

    /// A string value's bytes, unescaped, without making a `String` of them.
    package mutating func withStringBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        try stringValue().withBytes(body)
    }

    package mutating func optionalString() throws -> String? {
        isNull() ? nil : try string()
    }

    /// A string shared with earlier equal ones: raw files repeat the same ids, names and
    /// labels on every line, and one copy of each saves an allocation per field.
    package mutating func string(interning strings: inout StringInterner) throws -> String {
        try stringValue().withBytes { strings.intern($0) }
    }

    package mutating func optionalString(interning strings: inout StringInterner) throws -> String? {
        isNull() ? nil : try string(interning: &strings)
    }

    /// An integer; a number with a fraction or out of range is an error.
    @inlinable @inline(__always) package mutating func integer() throws -> Int64 {
        let start = position
        var negative = false
        if peek() == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var value: Int64 = 0
        var digits = 0
        while position < end, base[position] >= 48, base[position] <= 57 {
            let digit = Int64(base[position] - 48)
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !o1, !o2 else { throw error("the number is too large") }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else {
            position = start
            throw error("expected a number")
        }
        if let next = peek(), next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            // Accept integral values written as 1200.0 or 1.2e3; reject real fractions.
            position = start
            let number = try self.number()
            guard number == number.rounded(), abs(number) < 9.0e15 else { throw error("expected an integer, found \(number)") }
            return Int64(number)
        }
        return value
    }

    @inlinable @inline(__always) package mutating func optionalInteger() throws -> Int64? {
        isNull() ? nil : try integer()
    }

    package mutating func boolean() throws -> Bool {
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw error("expected true or false")
    }

    /// An array of strings; `null` reads as empty.
    package mutating func stringArray() throws -> [String] {
        var result: [String] = []
        try stringArray { result.append($0.string) }
        return result
    }

    /// Hands each string of an array of strings to `element` (`null` has none): a reader that
    /// does not keep them checks them without allocating.
    @inlinable package mutating func stringArray(_ element: (FieldKey) throws -> Void) throws {
        if isNull() { return }
        try expect(UInt8(ascii: "["), "expected an array")
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            try element(try stringValue())
            skipWhitespace()
            guard let next = peek() else { throw error("the array is not closed") }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']' in an array") }
        }
    }

    /// A string value's bytes, unescaped: a view into the line when it had no escapes (valid
    /// while the line is).
    @inlinable @inline(__always) package mutating func stringValue() throws -> FieldKey {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        return try stringBytes()
    }

    /// A string value or `null`, as ``stringValue()``.
    @inlinable @inline(__always) package mutating func optionalStringValue() throws -> FieldKey? {
        isNull() ? nil : try stringValue()
    }

    /// Skips any JSON value (used for fields this schema does not know).
    package mutating func skipValue(depth: Int = 0) throws {
        guard depth < 64 else { throw error("nesting is too deep") }
        skipWhitespace()
        guard let byte = peek() else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try stringBytes()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipWhitespace()
            if peek() == close {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                if close == UInt8(ascii: "}") {
                    _ = try stringBytes()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':' after a field name")
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let next = peek() else { throw error("a nested value is not closed") }
                position += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw error("expected ',' in a nested value") }
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try boolean()
        case UInt8(ascii: "n"):
            guard isNull() else { throw error("expected null") }
        default:
            _ = try number()
        }
    }

    @usableFromInline mutating func number() throws -> Double {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        var sawDigit = false
        while let b = peek(), (b >= 48 && b <= 57) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e")
                || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
            if b >= 48 && b <= 57 { sawDigit = true }
            position += 1
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        guard sawDigit, let value = Double(text), value.isFinite else {
            position = start
            throw error("expected a number")
        }
        return value
    }

    // MARK: Helpers

    @inlinable @inline(__always) func peek() -> UInt8? {
        position < end ? base[position] : nil
    }

    @inlinable @inline(__always) mutating func skipWhitespace() {
        while position < end {
            let b = base[position]
            guard b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d else { return }
            position += 1
        }
    }

    @inlinable @inline(__always) mutating func expect(_ byte: UInt8, _ message: String) throws {
        guard peek() == byte else { throw error(message) }
        position += 1
    }

    @inlinable @inline(__always) mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= end else { return false }
        let pointer = literal.utf8Start
        for k in 0..<count where base[position + k] != pointer[k] { return false }
        position += count
        return true
    }

    /// A string's bytes between the quotes: a view into the line when it has no escapes,
    /// decoded otherwise.
    @inlinable @inline(__always) mutating func stringBytes() throws -> FieldKey {
        position += 1
        let start = position
        // Eight bytes at a time up to the first quote, backslash or control character (a
        // word has one when a byte of it, or of it xor the quote or the backslash, is below
        // 0x20 or zero: the classic has-less-than test); then byte by byte.
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            if special & highs != 0 { break }
            position += 8
        }
        while position < end {
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return .raw(UnsafeBufferPointer(start: base + start, count: position - 1 - start))
            }
            if byte == UInt8(ascii: "\\") {
                var bytes = [UInt8](UnsafeBufferPointer(start: base + start, count: position - start))
                try continueEscapedString(into: &bytes)
                return .decoded(bytes)
            }
            if byte < 0x20 { throw error("control character inside a string") }
            position += 1
        }
        throw error("a string is not closed")
    }

    /// The field names a record type reads, looked up once per field: a record compares each
    /// key with its names here, in one call, rather than name by name across a module boundary.
    package struct FieldNames: Sendable {
        /// The names' bytes end to end, and where each starts (one more entry: the end). Flat,
        /// so a lookup per field of every line touches one buffer and retains nothing.
        @usableFromInline let bytes: [UInt8]
        @usableFromInline let starts: [Int]

        /// The names, in the order `index(of:)` numbers them.
        package init(_ names: [String]) {
            bytes = names.flatMap { Array($0.utf8) }
            starts = names.reduce(into: [0]) { $0.append($0.last! + $1.utf8.count) }
        }

        /// The length of the name numbered `index` when `bytes` start with it and a closing
        /// quote (so the key is that name, written without escapes); nil otherwise.
        @inlinable @inline(__always) package func matches(_ index: Int, at bytes: UnsafePointer<UInt8>, available: Int) -> Int? {
            guard index >= 0, index < starts.count - 1 else { return nil }
            let length = starts[index + 1] - starts[index]
            guard length < available, bytes[length] == UInt8(ascii: "\"") else { return nil }
            return self.bytes.withUnsafeBufferPointer { names in
                length == 0 || UTF8Order.sameBytes(names.baseAddress! + starts[index], bytes, count: length) ? length : nil
            }
        }

        /// The position of `key` among the names; nil for a field the record does not read.
        @usableFromInline package func index(of key: FieldKey) -> Int? {
            key.withBytes { index(of: $0) }
        }

        private func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
            bytes.withUnsafeBufferPointer { names in
                for position in 0..<(starts.count - 1) where starts[position + 1] - starts[position] == key.count {
                    guard key.count > 0, let name = names.baseAddress, let wanted = key.baseAddress else { return position }
                    if UTF8Order.sameBytes(name + starts[position], wanted, count: key.count) { return position }
                }
                return nil
            }
        }
    }

    /// A string's bytes: a view into the line, or decoded when it had escapes.
    package enum FieldKey {
        case raw(UnsafeBufferPointer<UInt8>)
        case decoded([UInt8])

        /// Calls `body` with the bytes.
        @inlinable package func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
            switch self {
            case .raw(let bytes): return try body(bytes)
            case .decoded(let bytes): return try bytes.withUnsafeBufferPointer(body)
            }
        }

        /// The bytes as a new string.
        package var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }
    }

    @usableFromInline mutating func continueEscapedString(into bytes: inout [UInt8]) throws {
        while position < end {
            let byte = base[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { throw error("a string is not closed") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0c)
                case UInt8(ascii: "n"): bytes.append(0x0a)
                case UInt8(ascii: "r"): bytes.append(0x0d)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard matchLiteral("\\u") else { throw error("unpaired surrogate in a string") }
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate in a string")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    bytes.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
                default:
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))'")
                }
            default:
                guard byte >= 0x20 else { throw error("control character inside a string") }
                bytes.append(byte)
            }
        }
        throw error("a string is not closed")
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= end else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = base[position]
            let digit: UInt32
            switch b {
            case 48...57: digit = UInt32(b - 48)
            case 65...70: digit = UInt32(b - 55)
            case 97...102: digit = UInt32(b - 87)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    @usableFromInline package func error(_ message: String) -> LakeError {
        LakeError.format("\(message) (at byte \(position + 1))")
    }
}

/// Hands out one `String` per distinct byte sequence. Bounded: past `capacity` distinct
/// strings it stops remembering new ones (it never fails).
///
/// An open-addressed table of flat arrays: a transform interns two strings per raw record,
/// millions of times, and a dictionary of arrays paid a hash, a retain and an array copy for
/// each.
public struct StringInterner {
    private var strings: [String] = []
    private var hashes: [UInt64] = []
    /// Index + 1 into `strings` per slot (0: empty); the count is a power of two.
    private var slots = [Int32](repeating: 0, count: 64)
    private let capacity: Int

    /// An interner expecting about `capacity` distinct strings; 0 shares nothing (every call
    /// makes a new string, with no lookup).
    public init(capacity: Int = 200_000) {
        self.capacity = max(0, min(capacity, Int(Int32.max / 2)))
    }

    /// The string for these UTF-8 bytes, shared with earlier equal ones.
    public mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        numbered(bytes).string
    }

    /// The string for these bytes and its number: distinct strings are numbered 0, 1, … as
    /// first seen (nil past `capacity`), so a caller groups by a number, not by hashing the
    /// string again.
    package mutating func numbered(_ bytes: UnsafeBufferPointer<UInt8>) -> (string: String, number: Int?) {
        if capacity == 0 { return (String(decoding: bytes, as: UTF8.self), nil) }
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if hashes[entry - 1] == hash, UTF8Order.equal(strings[entry - 1], bytes) { return (strings[entry - 1], entry - 1) }
            slot = (slot + 1) & mask
        }
        let string = String(decoding: bytes, as: UTF8.self)
        guard strings.count < capacity else { return (string, nil) }
        strings.append(string)
        hashes.append(hash)
        slots[slot] = Int32(strings.count)
        // At most half full, so probe runs stay short.
        if strings.count * 2 > slots.count { grow() }
        return (string, strings.count - 1)
    }

    /// How many distinct strings have numbers.
    package var count: Int { strings.count }

    /// A hash of the bytes eight at a time (a multiply and a shift per word; the last word
    /// padded with zeros, the length mixed in first): a byte-at-a-time hash was a chain of 22
    /// multiplications per artist id, twice per spilled record.
    @inline(__always) static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        @inline(__always) func mix(_ word: UInt64) {
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
        }
        while offset + 8 <= bytes.count {
            mix(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        if offset < bytes.count {
            var last: UInt64 = 0
            for k in offset..<bytes.count { last |= UInt64(base[k]) << (8 * UInt64(k - offset)) }
            mix(last)
        }
        return hash
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }
}
