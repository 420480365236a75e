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
        var malformed: [MalformedLine] = []
        var lastLine = 0
        do {
            let overlong = try forEachLine(in: bytes, source: source) { number, line in
                lastLine = number
                do {
                    guard JSONLines.isValidUTF8(line) else { throw LakeError.format("the line is not valid UTF-8") }
                    let record = try Record(jsonLine: line, strings: &strings)
                    if let violation = record.contractViolation(partitionDay: partitionDay) { throw LakeError.format(violation) }
                    records.append(record)
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
        return (records, malformed)
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

    /// ASCII is checked eight bytes at a time; anything else by the standard library.
    static func isValidUTF8(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return true }
        var i = 0
        let count = line.count
        while i + 8 <= count {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < count, line[i] < 0x80 { i += 1 }
        if i == count { return true }
        return String(validating: UnsafeBufferPointer(rebasing: line[i...]), as: UTF8.self) != nil
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
