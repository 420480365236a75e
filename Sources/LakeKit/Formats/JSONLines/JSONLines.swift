// JSON Lines: one record a line, `\n`-separated, optionally gzip-compressed as a whole file.
// Reading is streaming (chunks in, complete lines out) and forgiving: a malformed line is
// reported with its file and line number and skipped, and the rest of the file still counts.

/// A line that could not be decoded.
public struct MalformedLine: Sendable, Hashable, CustomStringConvertible {
    /// The object key or file path.
    public var source: String
    /// 1-based line number.
    public var line: Int
    public var reason: String

    public var description: String { "\(source):\(line): \(reason)" }
}

/// Splits a byte stream into lines, across chunk boundaries.
public struct JSONLinesSplitter {
    private var pending: [UInt8] = []
    /// The number of the next line, 1-based.
    public private(set) var lineNumber = 1

    public init() {}

    /// Hands every complete line in `chunk` (without its `\n` or `\r\n`) to `body`.
    public mutating func feed(
        _ chunk: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        var start = 0
        var i = 0
        let count = chunk.count
        while i < count {
            if chunk[i] == 0x0a {
                let piece = UnsafeBufferPointer(rebasing: chunk[start..<i])
                if pending.isEmpty {
                    try emit(piece, body)
                } else {
                    pending.append(contentsOf: piece)
                    let line = pending
                    pending.removeAll(keepingCapacity: true)
                    try line.withUnsafeBufferPointer { try emit($0, body) }
                }
                start = i + 1
            }
            i += 1
        }
        if start < count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<count])) }
    }

    /// Hands a last line without a trailing newline to `body`.
    public mutating func finish(_ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
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
    /// Decodes every line of a file's bytes (gzip is detected by its magic number).
    ///
    /// - Returns: the records in file order and the lines that could not be decoded.
    public static func decode<Record: JSONLineRecord>(
        _ type: Record.Type, from bytes: [UInt8], source: String
    ) throws -> (records: [Record], malformed: [MalformedLine]) {
        var strings = StringInterner()
        return try decode(type, from: bytes, source: source, strings: &strings)
    }

    /// The same, sharing strings with other files through `strings`.
    public static func decode<Record: JSONLineRecord>(
        _ type: Record.Type, from bytes: [UInt8], source: String, strings: inout StringInterner
    ) throws -> (records: [Record], malformed: [MalformedLine]) {
        var records: [Record] = []
        var malformed: [MalformedLine] = []
        var lastLine = 0
        do {
            try forEachLine(in: bytes, source: source) { number, line in
                lastLine = number
                do {
                    records.append(try Record(jsonLine: line, strings: &strings))
                } catch let error as LakeError {
                    malformed.append(MalformedLine(source: source, line: number, reason: error.message))
                }
            }
        } catch let error as LakeError where error.isKind(of: .compressionKind) {
            // A damaged gzip file: keep every line before the damage, and say where it is.
            malformed.append(MalformedLine(source: source, line: lastLine + 1,
                                           reason: "\(error.message); the rest of the file cannot be read"))
        }
        return (records, malformed)
    }

    /// Calls `body` with every non-blank line and its 1-based number.
    public static func forEachLine(
        in bytes: [UInt8], source: String, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        var splitter = JSONLinesSplitter()
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
    }

    /// Encodes records as JSON Lines, gzip-compressed when asked.
    public static func encode<Record: JSONLineRecord>(_ records: [Record], gzip: Bool = false) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(records.count * 200)
        for record in records {
            record.appendJSON(to: &output)
            output.append(0x0a)
        }
        return gzip ? try Gzip.compress(output) : output
    }
}
