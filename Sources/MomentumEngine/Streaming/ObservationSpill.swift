// Raw metric records spilled to local files by artist bucket, so a lake of any size is analysed
// a bucket of artists at a time. A compact binary form of our own: it is written and read back
// by the same process within one transform, and never leaves the scratch folder.
//
// Record: file index u32, position in the file u32 (together the read order that breaks ties),
// captured_at i64, flags u8 (1: followers, 2: popularity), followers i64?, popularity i32?,
// artist id and name as u32 length + UTF-8. Little-endian.

import Foundation
import LakeKit
import MomentumAnalytics

/// A buffer of spilled records, and their decoding.
struct ObservationSpill {
    private(set) var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func append(_ record: RawArtistMetric, file: Int, position: Int) {
        append(UInt32(truncatingIfNeeded: file))
        append(UInt32(truncatingIfNeeded: position))
        append(UInt64(bitPattern: record.capturedAt))
        bytes.append((record.followers == nil ? 0 : 1) | (record.popularity == nil ? 0 : 2))
        if let followers = record.followers { append(UInt64(bitPattern: followers)) }
        if let popularity = record.popularity { append(UInt32(bitPattern: popularity)) }
        appendString(record.artistID)
        appendString(record.artistName)
    }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            append(UInt32(truncatingIfNeeded: utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// One decoded record with its read order.
    struct Entry {
        var order: UInt64
        var observation: MetricObservation
    }

    /// Decodes a spill file's bytes; throws on a damaged file (a bug or a disk fault, never
    /// user input: the file was written by this process).
    static func decode(_ data: [UInt8], strings: inout StringInterner, into entries: inout [Entry]) throws {
        try data.withUnsafeBufferPointer { buffer in
            var at = 0
            func take<T: FixedWidthInteger>(_: T.Type) throws -> T {
                let size = MemoryLayout<T>.size
                guard at + size <= buffer.count else { throw EngineError.invalidInput("a transform spill file is damaged (truncated record)") }
                let value = UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: at, as: T.self)
                at += size
                return T(littleEndian: value)
            }
            func string() throws -> String {
                let length = Int(try take(UInt32.self))
                guard length <= buffer.count - at else { throw EngineError.invalidInput("a transform spill file is damaged (string length)") }
                defer { at += length }
                return strings.intern(UnsafeBufferPointer(rebasing: buffer[at..<at + length]))
            }
            while at < buffer.count {
                let file = UInt64(try take(UInt32.self)), position = UInt64(try take(UInt32.self))
                let captured = Int64(bitPattern: try take(UInt64.self))
                let flags = try take(UInt8.self)
                let followers = flags & 1 != 0 ? Int64(bitPattern: try take(UInt64.self)) : nil
                let popularity = flags & 2 != 0 ? Int32(bitPattern: try take(UInt32.self)) : nil
                let id = try string(), name = try string()
                entries.append(Entry(order: file << 32 | position, observation: MetricObservation(
                    artistID: id, artistName: name, followers: followers, popularity: popularity,
                    capturedAt: Instant(nanosecondsSinceEpoch: captured))))
            }
        }
    }

    /// The bucket of an artist: FNV-1a of its id, so a bucket holds the same artists in every run.
    static func bucket(of artistID: String, buckets: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in artistID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(max(1, buckets)))
    }
}
