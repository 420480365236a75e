// The one byte-wise order and equality of strings: the answers of comparing UTF-8 bytes one by
// one, for short (inline) and long strings, prefixes, bytes above 0x7F, and spellings Swift
// calls equal.

import MomentumText
import Testing

@Suite struct UTF8OrderTests {
    /// Short strings keep their bytes inline, long ones on the heap: both paths, crossed.
    static let samples: [String] = [
        "", "a", "ab", "abc", "b", "Z", "0", "é", "e\u{301}", "café", "cafe\u{301}", "坂本", "🎵",
        "4Z8W4fKeB5YxbusRsdQVPb", "4Z8W4fKeB5YxbusRsdQVPc", "4Z8W4fKeB5YxbusRsdQVP", "a long name past fifteen bytes",
        "a long name past fifteen bytes!", "\u{7F}", "\u{80}", "\u{FFFF}",
    ]

    @Test func ordersAndComparesAsTheBytesDo() {
        for a in Self.samples {
            for b in Self.samples {
                let bytesLess = Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
                let bytesEqual = Array(a.utf8) == Array(b.utf8)
                #expect(UTF8Order.less(a, b) == bytesLess, "\(a) < \(b)")
                #expect(UTF8Order.equal(a, b) == bytesEqual, "\(a) == \(b)")
                #expect(UTF8Order.compare(a, b).signum() == (bytesLess ? -1 : bytesEqual ? 0 : 1), "\(a) <=> \(b)")
                let bytes = Array(b.utf8)
                #expect(bytes.withUnsafeBufferPointer { UTF8Order.equal(a, $0) } == bytesEqual)
            }
            // A string's bytes read in place, and compared with themselves (the same memory).
            #expect(UTF8Order.withBytes(of: a) { Array($0) } == Array(a.utf8))
            #expect(UTF8Order.withBytes(of: a) { UTF8Order.equal(a, $0) })
            let copy = String(decoding: Array(a.utf8), as: UTF8.self)
            #expect(UTF8Order.equal(a, copy) && UTF8Order.compare(a, copy) == 0, "\(a) and a copy of it")
        }
    }

    /// One value (a copy of the same string) is recognised without reading its bytes; equal
    /// bytes in other storage are not one value, and are still equal.
    @Test func oneValueIsRecognisedByItsRepresentation() {
        for a in Self.samples {
            let same = a
            #expect(UTF8Order.sameRepresentation(a, same), "\(a)")
            let rebuilt = String(decoding: Array(a.utf8), as: UTF8.self)
            // A short string is its bytes: rebuilt, it is the same value; a long one is not.
            #expect(UTF8Order.sameRepresentation(a, rebuilt) == (a.utf8.count <= 15), "\(a)")
            #expect(UTF8Order.equal(a, rebuilt))
            for b in Self.samples where Array(a.utf8) != Array(b.utf8) {
                #expect(!UTF8Order.sameRepresentation(a, b), "\(a) and \(b)")
            }
        }
    }

    /// The same, read in place from a column's memory: one value and two nils are recognised;
    /// a nil is never a string, nor one string another.
    @Test func oneValueIsRecognisedInAColumnsMemory() {
        for a in Self.samples {
            let column: [String?] = [a, nil, a, String(decoding: Array(a.utf8), as: UTF8.self), nil]
            column.withUnsafeBufferPointer { values in
                #expect(UTF8Order.sameRepresentation(values, 0, 2), "\(a)")
                #expect(UTF8Order.sameRepresentation(values, 1, 4))
                #expect(!UTF8Order.sameRepresentation(values, 0, 1) && !UTF8Order.sameRepresentation(values, 4, 3), "\(a)")
                #expect(UTF8Order.sameRepresentation(values, 0, 3) == (a.utf8.count <= 15), "\(a)")
            }
            for b in Self.samples where Array(a.utf8) != Array(b.utf8) {
                [String?]([a, b]).withUnsafeBufferPointer { #expect(!UTF8Order.sameRepresentation($0, 0, 1), "\(a) and \(b)") }
            }
        }
    }

    /// Byte runs of every length up to 40 (eight-byte loads overlap below 16, `memcmp` goes on
    /// past 16): equal runs are equal, and a difference at any one position is seen.
    @Test func runsDifferingAtAnyPositionAreTold() {
        for count in 0...40 {
            let a = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            a.withUnsafeBufferPointer { x in
                let copy = Array(a)
                copy.withUnsafeBufferPointer { y in
                    #expect(count == 0 || UTF8Order.sameBytes(x.baseAddress!, y.baseAddress!, count: count), "\(count)")
                }
                for position in 0..<count {
                    var b = a
                    b[position] ^= 0x40
                    b.withUnsafeBufferPointer { y in
                        #expect(!UTF8Order.sameBytes(x.baseAddress!, y.baseAddress!, count: count), "\(count), at \(position)")
                    }
                }
            }
        }
    }

    /// Swift's `==` is canonical equivalence: an NFC and an NFD spelling are equal to it, not here.
    @Test func canonicallyEquivalentSpellingsDiffer() {
        #expect("é" == "e\u{301}")
        #expect(!UTF8Order.equal("é", "e\u{301}"))
        // "e" (0x65) before "é" (0xC3 0xA9): NFD's "e\u{301}" sorts before NFC's "é".
        #expect(UTF8Order.less("e\u{301}", "é"))
    }
}
