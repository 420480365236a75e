import LakeKit
import Testing

@Suite struct SnappyTests {
    @Test(arguments: [0, 1, 3, 4, 59, 60, 61, 255, 256, 65_535, 65_536, 65_537, 300_000])
    func roundTripsAnySize(size: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let random = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
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
