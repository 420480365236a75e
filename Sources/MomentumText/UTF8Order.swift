// Strings compared by their UTF-8 bytes: the order SQL engines, Parquet statistics and the lake's
// tables use for ids and keys, and exact equality (Swift's `==` and `<` are Unicode canonical
// equivalence and order, under which an NFC and an NFD spelling of one name are equal).
// `memcmp` over the bytes in place; a short string's inline bytes are read from a copy on the
// stack. `utf8.lexicographicallyPrecedes` gave the same answers a byte at a time, through
// generic code, on every row of a transform.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise order and equality of strings.
package enum UTF8Order {
    /// Whether `a`'s UTF-8 bytes sort before `b`'s (a prefix first).
    @inlinable package static func less(_ a: String, _ b: String) -> Bool {
        compare(a, b) < 0
    }

    /// Whether the two strings have the same UTF-8 bytes.
    @inlinable package static func equal(_ a: String, _ b: String) -> Bool {
        sameRepresentation(a, b) || withBytes(of: b) { equal(a, $0) }
    }

    /// Whether two strings are one value, bit for bit: the same storage and count, or the same
    /// inline bytes of a short string; then their bytes are the same. A table's rows share
    /// their artist's id and name (interned as they were read), so most comparisons of a
    /// column's neighbours end here, without reaching the bytes.
    @inlinable @inline(__always) package static func sameRepresentation(_ a: String, _ b: String) -> Bool {
        guard MemoryLayout<String>.size == 16 else { return false }
        return unsafeBitCast(a, to: (UInt64, UInt64).self) == unsafeBitCast(b, to: (UInt64, UInt64).self)
    }

    /// Whether the optional strings at `i` and `j` of `values` are one value bit for bit (as
    /// ``sameRepresentation(_:_:)``; two nils too), read where they are: a string copied out
    /// of an array is a retain and a release, for every row of a column.
    @inlinable @inline(__always) package static func sameRepresentation(_ values: UnsafeBufferPointer<String?>, _ i: Int, _ j: Int) -> Bool {
        guard MemoryLayout<String?>.size == 16, let base = values.baseAddress else { return false }
        let raw = UnsafeRawPointer(base), stride = MemoryLayout<String?>.stride
        return raw.loadUnaligned(fromByteOffset: i &* stride, as: (UInt64, UInt64).self)
            == raw.loadUnaligned(fromByteOffset: j &* stride, as: (UInt64, UInt64).self)
    }

    /// Whether `string`'s UTF-8 bytes are `bytes`.
    @inlinable package static func equal(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withBytes(of: string) { stored in
            guard stored.count == bytes.count else { return false }
            guard let x = stored.baseAddress, let y = bytes.baseAddress, x != y else { return true }
            return sameBytes(x, y, count: stored.count)
        }
    }

    /// Whether `count` bytes at `a` and at `b` are the same. Keys and ids are short: up to 16
    /// bytes this is two eight-byte loads from each side (overlapping below 16), not a call
    /// into the C library; longer runs go on with `memcmp`.
    @inlinable @inline(__always) package static func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        if count >= 8 {
            let (x, y) = (UnsafeRawPointer(a), UnsafeRawPointer(b))
            guard x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self),
                  x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            else { return false }
            return count <= 16 || memcmp(a + 8, b + 8, count - 16) == 0
        }
        for k in 0..<count where a[k] != b[k] { return false }
        return true
    }

    /// Negative, zero or positive as `a`'s bytes sort before, equal or after `b`'s.
    @inlinable package static func compare(_ a: String, _ b: String) -> Int {
        if sameRepresentation(a, b) { return 0 }
        return withBytes(of: a) { x in
            withBytes(of: b) { y in
                let common = min(x.count, y.count)
                if common > 0, let p = x.baseAddress, let q = y.baseAddress, p != q {
                    let order = memcmp(p, q, common)
                    if order != 0 { return Int(order) }
                }
                return x.count - y.count
            }
        }
    }

    /// The string's UTF-8 bytes in place: read without copying the string (a native or short
    /// string has them contiguous; `withUTF8` would need a mutable copy, a retain and a release
    /// per comparison), else from a contiguous copy (a string bridged from elsewhere).
    /// Always inlined: called unspecialised from another module, it looked up type metadata
    /// on every call (a hash of every dictionary-encoded value).
    @inlinable @inline(__always) package static func withBytes<T>(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }
}
