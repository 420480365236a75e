import LakeKit
import Testing

@Suite struct SnappyTests {
    @Test(arguments: [0, 1, 3, 4, 59, 60, 61, 255, 256, 65_535, 65_536, 65_537, 300_000])
    func roundTripsAnySize(size: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let random = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
        // Within the room the compressor writes into: Snappy's worst case.
        #expect(Snappy.compress(random).count <= 32 + size + size / 6)
        #expect(try Snappy.decompress(Snappy.compress(random)) == random)
        let repetitive = (0..<size).map { UInt8(truncatingIfNeeded: ($0 / 7) % 13) }
        let compressed = Snappy.compress(repetitive)
        #expect(try Snappy.decompress(compressed) == repetitive)
        if size > 1000 { #expect(compressed.count < size / 4) }
    }

    /// Matches are extended eight bytes at a time: a match that ends at every position of an
    /// eight-byte word, and one that runs to a block's or the input's end, must stop on the
    /// byte that differs (a match one byte too long would decode to other bytes).
    @Test func matchesEndOnTheFirstDifferingByte() throws {
        let pattern = (0..<40).map { UInt8($0 * 7 % 251) }
        for cut in 0..<24 {
            var input = pattern + pattern
            input[pattern.count + 4 + cut] ^= 0xff
            input += pattern
            #expect(try Snappy.decompress(Snappy.compress(input)) == input, "a difference \(cut) bytes into the match")
        }
        for tail in 60..<80 {
            let input = Array((0..<(65_536 + tail)).map { UInt8(truncatingIfNeeded: $0 % 16) })
            #expect(try Snappy.decompress(Snappy.compress(input)) == input, "a match up to the end, \(tail) bytes past a block")
        }
    }

    @Test func rejectsCorruptInput() {
        #expect(throws: LakeError.self) { try Snappy.decompress([0x05, 0x09, 0xff]) }
        #expect(throws: LakeError.self) { try Snappy.decompress([0x80]) }
    }

    /// The decompressor allocates what the header says only when the input could hold it: a
    /// stream inflating as much as Snappy can (one literal, then copies of 64 bytes from 3
    /// bytes each, overlapping their own output) decodes; a header promising more is refused.
    @Test func theLargestInflationDecodesAndMoreIsRefused() throws {
        func varint(_ value: Int) -> [UInt8] {
            var bytes: [UInt8] = [], v = value
            while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
            return bytes + [UInt8(v)]
        }
        let copies = 5_000
        let body: [UInt8] = [0x00, 0x61] + Array([[UInt8]](repeating: [0xFE, 0x01, 0x00], count: copies).joined())
        let size = 1 + 64 * copies
        #expect(try Snappy.decompress(varint(size) + body) == [UInt8](repeating: 0x61, count: size))
        let promise = (varint(size).count + body.count) * 22 + 65
        #expect(throws: LakeError.self) { try Snappy.decompress(varint(promise) + body) }
        do {
            _ = try Snappy.decompress(varint(100_000_000) + [0x00, 0x61])
            Issue.record("a header of 100 MB over 2 bytes was taken")
        } catch let error as LakeError {
            #expect(error.message.contains("header says 100000000 bytes"), "\(error.message)")
        }
    }
}

@Suite struct GzipTests {
    @Test func roundTripsAndConcatenatesMembers() throws {
        let a = Array("first member\n".utf8), b = Array("second member\n".utf8)
        let joined = try Gzip.compress(a) + Gzip.compress(b)
        #expect(Gzip.isGzip(joined))
        #expect(try Gzip.decompress(joined) == a + b)
    }

    @Test func truncatedDataIsAnError() throws {
        let packed = try Gzip.compress(Array(repeating: 65, count: 10_000))
        #expect(throws: LakeError.self) { try Gzip.decompress(Array(packed.prefix(packed.count / 2))) }
    }
}
