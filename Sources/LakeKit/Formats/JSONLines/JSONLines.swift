// JSON Lines: one record a line, `\n`-separated, optionally gzip-compressed as a whole file.
// Reading is streaming (chunks in, complete lines out) and forgiving: a malformed line is
// reported with its file and line number and skipped, and the rest of the file still counts.

import Foundation

/// A line that could not be decoded.
public struct MalformedLine: Sendable, Hashable, CustomStringConvertible {
    /// The object key or file path.
    public var source: String
    /// 1-based line number.
    public var line: Int
    /// Why the line was skipped.
    public var reason: String

    public var description: String { line > 0 ? "\(source):\(line): \(reason)" : "\(source): \(reason)" }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(source: String, line: Int, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }
}

/// Splits a byte stream into lines, across chunk boundaries. A line longer than
/// `maximumLineLength` is not buffered: it is skipped and its number recorded, so a file that
/// inflates to gigabytes without a newline costs no more memory than the cap.
struct JSONLinesSplitter {
    private var pending: [UInt8] = []
    /// The number of the next line, 1-based.
    private(set) var lineNumber = 1
    let maximumLineLength: Int
    /// Lines skipped for being longer than the cap.
    private(set) var overlongLines: [Int] = []
    private var skippingOverlong = false

    init(maximumLineLength: Int = JSONLines.maximumLineLength) {
        self.maximumLineLength = maximumLineLength
    }

    /// Hands every complete line in `chunk` (without its `\n` or `\r\n`) to `body`.
    mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        var start = 0
        let count = chunk.count
        // memchr finds each newline many bytes at a time (a loop over the bytes was a sixth of
        // the decoding).
        while start < count, let base = chunk.baseAddress, let found = memchr(base + start, 0x0a, count - start) {
            let i = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            let piece = UnsafeBufferPointer(rebasing: chunk[start..<i])
            if skippingOverlong || pending.count + piece.count > maximumLineLength {
                overlongLines.append(lineNumber)
                lineNumber += 1
                skippingOverlong = false
                pending.removeAll(keepingCapacity: false)
            } else if pending.isEmpty {
                try emit(piece, body)
            } else {
                pending.append(contentsOf: piece)
                let line = pending
                pending.removeAll(keepingCapacity: true)
                try line.withUnsafeBufferPointer { try emit($0, body) }
            }
            start = i + 1
        }
        if start < count, !skippingOverlong {
            if pending.count + (count - start) > maximumLineLength {
                skippingOverlong = true
                pending.removeAll(keepingCapacity: false)
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<count]))
            }
        }
    }

    /// Hands a last line without a trailing newline to `body`.
    mutating func finish(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        if skippingOverlong {
            overlongLines.append(lineNumber)
            lineNumber += 1
            skippingOverlong = false
            return
        }
        guard !pending.isEmpty else { return }
        let line = pending
        pending.removeAll()
        try line.withUnsafeBufferPointer { try emit($0, body) }
    }

    private mutating func emit(
        _ raw: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        let number = lineNumber
        lineNumber += 1
        var end = raw.count
        if end > 0, raw[end - 1] == 0x0d { end -= 1 }
        // Blank lines carry no record; they are not errors.
        var blank = true
        for k in 0..<end where raw[k] != 0x20 && raw[k] != 0x09 {
            blank = false
            break
        }
        if blank { return }
        try body(number, UnsafeBufferPointer(rebasing: raw[0..<end]))
    }
}

/// Reading and writing whole JSON Lines objects.
public enum JSONLines {
    /// The longest line a reader accepts (1 MiB); a raw record is a few hundred bytes.
    public static let maximumLineLength = 1 << 20

    /// Decodes every line of a file's bytes (gzip is detected by its magic number).
    ///
    /// - Returns: the records in file order and the lines that could not be decoded.
    ///
    /// - Parameters:
    ///   - type: the record type of the file.
    ///   - bytes: the file's bytes, plain or gzip.
    ///   - source: how the file is named in messages (its key).
    ///   - partitionDay: the `dt=` day of the file, when it has one: records whose own day
    ///     differs are out of contract and reported.
    public static func decode<Record: JSONLineRecord>(
        _ type: Record.Type, from bytes: [UInt8], source: String, partitionDay: String? = nil
    ) throws -> (records: [Record], malformed: [MalformedLine]) {
        var strings = StringInterner()
        return try decode(type, from: bytes, source: source, partitionDay: partitionDay, strings: &strings)
    }

    /// The same, sharing strings with other files through `strings`.
    public static func decode<Record: JSONLineRecord>(
        _ type: Record.Type, from bytes: [UInt8], source: String, partitionDay: String? = nil, strings: inout StringInterner
    ) throws -> (records: [Record], malformed: [MalformedLine]) {
        var records: [Record] = []
        let malformed = try readLines(of: bytes, source: source) { line in
            let record = try Record(jsonLine: line, strings: &strings)
            if let violation = record.contractViolation(partitionDay: partitionDay) { throw LakeError.format(violation) }
            records.append(record)
        }
        return (records, malformed)
    }

    /// Hands every line of a file's bytes (plain or gzip) to `read`, which reads it as a
    /// record or throws `LakeError` with the reason: such a line is skipped and named, as are
    /// lines that are not UTF-8 or longer than ``maximumLineLength``, and a gzip file's damage
    /// (every line before it is read). A reader that does not keep records (a transform's
    /// spill) takes each line's fields straight from its bytes.
    ///
    /// - Returns: the lines skipped, in line order.
    package static func readLines(
        of bytes: [UInt8], source: String, _ read: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> [MalformedLine] {
        var malformed: [MalformedLine] = []
        var lastLine = 0
        do {
            let overlong = try forEachLine(in: bytes, source: source) { number, line in
                lastLine = number
                do {
                    guard JSONLines.isValidUTF8(line) else { throw LakeError.format("the line is not valid UTF-8") }
                    try read(line)
                } catch let error as LakeError {
                    malformed.append(MalformedLine(source: source, line: number, reason: error.message))
                }
            }
            for number in overlong {
                malformed.append(MalformedLine(source: source, line: number, reason: "the line is longer than \(maximumLineLength) bytes"))
            }
            malformed.sort { $0.line < $1.line }
        } catch let error as LakeError where error.isKind(of: .compressionKind) {
            // A damaged gzip file: keep every line before the damage, and say where it is.
            malformed.append(MalformedLine(source: source, line: lastLine + 1,
                                           reason: "\(error.message); the rest of the file cannot be read"))
        }
        return malformed
    }

    /// Calls `body` with every non-blank line and its 1-based number; returns the numbers of
    /// lines skipped for being longer than `maximumLineLength`.
    @discardableResult
    static func forEachLine(
        in bytes: [UInt8], source: String, maximumLineLength: Int = JSONLines.maximumLineLength,
        _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> [Int] {
        var splitter = JSONLinesSplitter(maximumLineLength: maximumLineLength)
        if Gzip.isGzip(bytes) {
            let decoder = try GzipDecoder()
            try decoder.feed(bytes) { chunk in
                try chunk.withUnsafeBufferPointer { try splitter.feed($0, body) }
            }
            try decoder.finish()
        } else {
            try bytes.withUnsafeBufferPointer { try splitter.feed($0, body) }
        }
        try splitter.finish(body)
        return splitter.overlongLines
    }

    /// Whether the bytes are UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
    /// U+10FFFF). ASCII is checked eight bytes at a time; other characters byte by byte, in
    /// place (the standard library's check makes a string of the line: an allocation and a
    /// copy for every line with a name like "Björk").
    static func isValidUTF8(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return true }
        let count = line.count
        var i = 0
        @inline(__always) func continuation(_ k: Int) -> Bool { k < count && base[k] & 0xC0 == 0x80 }
        while i < count {
            while i + 8 <= count, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
            guard i < count else { return true }
            let lead = base[i]
            switch lead {
            case 0x00..<0x80:
                i += 1
            case 0xC2..<0xE0:
                guard continuation(i + 1) else { return false }
                i += 2
            case 0xE0..<0xF0:
                guard continuation(i + 1), continuation(i + 2) else { return false }
                let second = base[i + 1]
                // E0 needs A0 or more (shorter forms are overlong); ED below A0 (above: surrogates).
                if lead == 0xE0, second < 0xA0 { return false }
                if lead == 0xED, second >= 0xA0 { return false }
                i += 3
            case 0xF0..<0xF5:
                guard continuation(i + 1), continuation(i + 2), continuation(i + 3) else { return false }
                let second = base[i + 1]
                // F0 needs 90 or more (overlong below); F4 below 90 (above: past U+10FFFF).
                if lead == 0xF0, second < 0x90 { return false }
                if lead == 0xF4, second >= 0x90 { return false }
                i += 4
            default:
                // A continuation byte first, C0/C1 (overlong) or F5 and above.
                return false
            }
        }
        return true
    }

    /// Encodes records as JSON Lines, gzip-compressed when asked.
    public static func encode<Record: JSONLineRecord>(_ records: [Record], gzip: Bool = false) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(records.count * 200)
        for record in records {
            appendLine(record, to: &output)
        }
        return gzip ? try Gzip.compress(output) : output
    }

    /// Appends one record's line (its JSON and a newline), as `encode` writes each: a writer
    /// that encodes records as they arrive puts the same bytes as `encode` of them all.
    public static func appendLine<Record: JSONLineRecord>(_ record: Record, to output: inout [UInt8]) {
        record.appendJSON(to: &output)
        output.append(0x0a)
    }
}
