// The interner behind the readers' shared strings and the spill's artist numbers: one number
// per distinct byte sequence, in the order first seen, whatever the lengths (its hash reads
// eight bytes at a time and pads the last word), and nothing new remembered past its capacity.

import LakeKit
import Testing

@Suite struct StringInternerTests {
    @Test func equalBytesShareANumberAndDistinctOnesDoNot() {
        var interner = StringInterner(capacity: 10_000)
        // Lengths 0 to 40 (every tail of a word), prefixes of one another, and bytes that
        // differ only past the first word or only in the padded tail.
        var words: [String] = []
        for length in 0...40 {
            words.append(String(repeating: "a", count: length))
            words.append(String(repeating: "a", count: max(0, length - 1)) + "b")
        }
        words += (0..<3_000).map { "4Z8W4fKeB5Yx\($0)" } + ["é", "e\u{301}", "\u{0}", "\u{0}\u{0}"]
        var expected: [[UInt8]: Int] = [:]
        for word in words + words.reversed() {
            let bytes = Array(word.utf8)
            let (string, number) = bytes.withUnsafeBufferPointer { interner.numbered($0) }
            #expect(Array(string.utf8) == bytes)
            let first = expected[bytes] ?? expected.count
            expected[bytes] = first
            #expect(number == first, "\(word)")
        }
        #expect(interner.count == expected.count)
    }

    @Test func pastItsCapacityNothingNewIsNumbered() {
        var interner = StringInterner(capacity: 2)
        let numbers = ["x", "y", "z", "x"].map { word in Array(word.utf8).withUnsafeBufferPointer { interner.numbered($0).number } }
        #expect(numbers == [0, 1, nil, 0])
    }
}
