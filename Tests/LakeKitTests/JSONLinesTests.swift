@testable import LakeKit
import Testing

@Suite struct JSONLinesTests {
    @Test func linesSplitAcrossChunks() {
        var splitter = JSONLinesSplitter()
        var lines: [String] = []
        for chunk in ["{\"a\":", "1}\n{\"b\"", ":2}\n\n{\"c\":3}"] {
            Array(chunk.utf8).withUnsafeBufferPointer { buffer in
                splitter.feed(buffer) { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
            }
        }
        splitter.finish { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }

    /// The line check agrees with the standard library's UTF-8 validation on every one- and
    /// two-byte sequence, every three-byte sequence with a lead from E0 to EF, and random
    /// sequences of up to 12 bytes mixing ASCII, leads and continuations (boundaries: overlong
    /// forms, surrogates, past U+10FFFF, truncation).
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        func agree(_ bytes: [UInt8]) -> Bool {
            let ours = bytes.withUnsafeBufferPointer { JSONLines.isValidUTF8($0) }
            let standard = String(validating: bytes, as: UTF8.self) != nil
            return ours == standard
        }
        var disagreements: [[UInt8]] = []
        for first in 0...255 {
            if !agree([UInt8(first)]) { disagreements.append([UInt8(first)]) }
            for second in 0...255 where !agree([UInt8(first), UInt8(second)]) { disagreements.append([UInt8(first), UInt8(second)]) }
        }
        for lead in 0xE0...0xEF {
            for second in 0x70...0xC5 {
                for third in [0x30, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0] where !agree([UInt8(lead), UInt8(second), UInt8(third)]) {
                    disagreements.append([UInt8(lead), UInt8(second), UInt8(third)])
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        let pieces: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<200_000 {
            // Eight ASCII bytes first now and then, so the word-at-a-time path runs too.
            var bytes: [UInt8] = Bool.random(using: &generator) ? Array("abcdefgh".utf8) : []
            for _ in 0..<Int.random(in: 1...12, using: &generator) { bytes.append(pieces.randomElement(using: &generator)!) }
            if !agree(bytes) { disagreements.append(bytes) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
