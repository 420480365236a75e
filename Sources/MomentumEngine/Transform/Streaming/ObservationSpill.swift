// Raw records spilled to local files by artist bucket, so a lake of any size is analysed a
// bucket of artists at a time. A compact binary form of our own: it is written and read back by
// the same process within one transform, and never leaves the scratch folder. Little-endian;
// strings are a u32 length and UTF-8; every record starts with its file index and position in
// the file (u32 each: together the read order that breaks ties).
//
// Metric record: captured_at i64, flags u8 (1: followers, 2: popularity), followers i64?,
// popularity i32?, artist id, artist name.
// Release record: flags u8 (1: album_group, 2: discovered_at), discovered_at i64?, artist id,
// album id, album name, album type, album group?, release date, precision.
// Audience record: captured_at i64, flags u8 (1: value), value i64?, artist id, artist name,
// source, source artist id, metric.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// Spilled metric records: their encoding and decoding.
package enum ObservationSpill {
    /// A raw line's fields (its strings as they are in the line, unescaped).
    static func encode(_ line: MetricLine, file: Int, position: Int, into files: BucketFiles, worker: Int, bucket: Int) throws {
        try line.artistID.withBytes { id in
            try (line.artistName ?? .raw(UnsafeBufferPointer(start: nil, count: 0))).withBytes { name in
                let size = 4 + 4 + 8 + 1 + (line.followers == nil ? 0 : 8) + (line.popularity == nil ? 0 : 4) + 4 + id.count + 4 + name.count
                try files.append(worker: worker, bucket: bucket, size: size) { record in
                    record.put(UInt32(truncatingIfNeeded: file))
                    record.put(UInt32(truncatingIfNeeded: position))
                    record.put(UInt64(bitPattern: line.capturedAt.nanosecondsSinceEpoch))
                    record.put(UInt8((line.followers == nil ? 0 : 1) | (line.popularity == nil ? 0 : 2)))
                    if let followers = line.followers { record.put(UInt64(bitPattern: followers)) }
                    if let popularity = line.popularity { record.put(UInt32(bitPattern: popularity)) }
                    record.put(id)
                    record.put(name)
                }
            }
        }
    }

    /// Decodes a spill file's bytes into each artist's list (by its id's number in
    /// `strings`); throws on a damaged file (a bug or a disk fault, never user input: the file
    /// was written by this process).
    static func decode(_ data: [UInt8], strings: inout StringInterner, into artists: inout ArtistRecords) throws {
        var reader = SpillBytes.Reader(data)
        while !reader.atEnd {
            let file = UInt64(try reader.take(UInt32.self)), position = UInt64(try reader.take(UInt32.self))
            let captured = Int64(bitPattern: try reader.take(UInt64.self))
            let flags = try reader.take(UInt8.self)
            let followers = flags & 1 != 0 ? Int64(bitPattern: try reader.take(UInt64.self)) : nil
            let popularity = flags & 2 != 0 ? Int32(bitPattern: try reader.take(UInt32.self)) : nil
            let (id, artist) = try reader.numberedString(&strings)
            let name = try reader.string(&strings)
            artists.append(MetricObservation(artistID: id, artistName: name, followers: followers, popularity: popularity,
                                             capturedAt: Instant(nanosecondsSinceEpoch: captured)),
                           order: file << 32 | position, artist: Int(artist))
        }
    }

    /// A bucket's records, each put straight into its artist's list as it is decoded (no
    /// record is copied again to be grouped), with its read order (file, then position).
    package struct ArtistRecords {
        private var observations: [[MetricObservation]] = []
        private var orders: [[UInt64]] = []

        /// Takes the observation (consuming: moved into the list, not copied, which would
        /// retain and then release its two strings once per record).
        mutating func append(_ observation: consuming MetricObservation, order: UInt64, artist: Int) {
            while observations.count <= artist {
                observations.append([])
                orders.append([])
            }
            observations[artist].append(observation)
            orders[artist].append(order)
        }

        /// Each artist's records in read order, by id. A spill file holds its worker's
        /// records in read order, so an artist's list is a few ascending runs (one per worker
        /// file): merged, not sorted.
        consuming func byArtist() -> [String: [MetricObservation]] {
            var grouped: [String: [MetricObservation]] = [:]
            grouped.reserveCapacity(observations.count)
            for artist in observations.indices where !observations[artist].isEmpty {
                var list: [MetricObservation] = []
                swap(&list, &observations[artist])
                let order = orders[artist]
                if !zip(order, order.dropFirst()).allSatisfy({ $0 < $1 }) {
                    list = ArtistRecords.mergedRuns(order).map { list[$0] }
                }
                grouped[list[0].artistID] = list
            }
            return grouped
        }

        /// The indices of `keys` in ascending key order, for keys made of ascending runs: the
        /// runs merged pairwise until one is left.
        package static func mergedRuns(_ keys: [UInt64]) -> [Int] {
            var runs: [[Int]] = []
            var current: [Int] = []
            for index in keys.indices {
                if let last = current.last, keys[index] < keys[last] {
                    runs.append(current)
                    current = []
                }
                current.append(index)
            }
            runs.append(current)
            while runs.count > 1 {
                var next: [[Int]] = []
                for pair in stride(from: 0, to: runs.count, by: 2) {
                    guard pair + 1 < runs.count else { next.append(runs[pair]); continue }
                    let (a, b) = (runs[pair], runs[pair + 1])
                    var merged: [Int] = []
                    merged.reserveCapacity(a.count + b.count)
                    var i = 0, j = 0
                    while i < a.count, j < b.count {
                        // Ties (never: read orders are unique) keep the earlier run's first.
                        if keys[b[j]] < keys[a[i]] { merged.append(b[j]); j += 1 } else { merged.append(a[i]); i += 1 }
                    }
                    merged += a[i...]
                    merged += b[j...]
                    next.append(merged)
                }
                runs = next
            }
            return runs[0]
        }
    }
}

/// Spilled release records: their encoding and decoding.
enum ReleaseSpill {
    struct Entry {
        var order: UInt64
        var record: ReleaseRecord
    }

    static func encode(_ record: ReleaseRecord, file: Int, position: Int, into files: BucketFiles, worker: Int, bucket: Int) throws {
        let texts = [record.artistID, record.albumID, record.albumName, record.albumType] + (record.albumGroup.map { [$0] } ?? [])
            + [record.releaseDate, record.releaseDatePrecision]
        let size = 4 + 4 + 1 + (record.discoveredAt == nil ? 0 : 8) + texts.reduce(0) { $0 + SpillBytes.size(of: $1) }
        try files.append(worker: worker, bucket: bucket, size: size) { out in
            out.put(UInt32(truncatingIfNeeded: file))
            out.put(UInt32(truncatingIfNeeded: position))
            out.put(UInt8((record.albumGroup == nil ? 0 : 1) | (record.discoveredAt == nil ? 0 : 2)))
            if let discovered = record.discoveredAt { out.put(UInt64(bitPattern: discovered.nanosecondsSinceEpoch)) }
            for text in texts { out.put(text) }
        }
    }

    static func decode(_ data: [UInt8], strings: inout StringInterner, into entries: inout [Entry]) throws {
        var reader = SpillBytes.Reader(data)
        while !reader.atEnd {
            let file = UInt64(try reader.take(UInt32.self)), position = UInt64(try reader.take(UInt32.self))
            let flags = try reader.take(UInt8.self)
            let discovered = flags & 2 != 0 ? Int64(bitPattern: try reader.take(UInt64.self)) : nil
            let artist = try reader.string(&strings), album = try reader.string(&strings), name = try reader.string(&strings)
            let type = try reader.string(&strings)
            let group = flags & 1 != 0 ? try reader.string(&strings) : nil
            let date = try reader.string(&strings), precision = try reader.string(&strings)
            entries.append(Entry(order: file << 32 | position, record: ReleaseRecord(
                artistID: artist, albumID: album, albumName: name, albumType: type, albumGroup: group, releaseDate: date,
                releaseDatePrecision: precision, discoveredAt: discovered.map(Instant.init(nanosecondsSinceEpoch:)))))
        }
    }
}

/// Spilled audience records (metrics.md section 8).
enum AudienceSpill {
    struct Entry {
        var order: UInt64
        var record: AudienceObservation
    }

    static func encode(_ record: AudienceObservation, file: Int, position: Int, into files: BucketFiles, worker: Int, bucket: Int) throws {
        let texts = [record.artistID, record.artistName, record.source, record.sourceArtistID, record.metric]
        let size = 4 + 4 + 8 + 1 + (record.value == nil ? 0 : 8) + texts.reduce(0) { $0 + SpillBytes.size(of: $1) }
        try files.append(worker: worker, bucket: bucket, size: size) { out in
            out.put(UInt32(truncatingIfNeeded: file))
            out.put(UInt32(truncatingIfNeeded: position))
            out.put(UInt64(bitPattern: record.capturedAt.nanosecondsSinceEpoch))
            out.put(UInt8(record.value == nil ? 0 : 1))
            if let value = record.value { out.put(UInt64(bitPattern: value)) }
            for text in texts { out.put(text) }
        }
    }

    static func decode(_ data: [UInt8], strings: inout StringInterner, into entries: inout [Entry]) throws {
        var reader = SpillBytes.Reader(data)
        while !reader.atEnd {
            let file = UInt64(try reader.take(UInt32.self)), position = UInt64(try reader.take(UInt32.self))
            let captured = Int64(bitPattern: try reader.take(UInt64.self))
            let flags = try reader.take(UInt8.self)
            let value = flags & 1 != 0 ? Int64(bitPattern: try reader.take(UInt64.self)) : nil
            let artist = try reader.string(&strings), name = try reader.string(&strings), source = try reader.string(&strings)
            let sourceID = try reader.string(&strings), metric = try reader.string(&strings)
            entries.append(Entry(order: file << 32 | position, record: AudienceObservation(
                artistID: artist, artistName: name, source: source, sourceArtistID: sourceID, metric: metric, value: value,
                capturedAt: Instant(nanosecondsSinceEpoch: captured))))
        }
    }
}

/// The primitives of the spill format.
enum SpillBytes {
    /// The bytes a string takes in a record.
    static func size(of string: String) -> Int { 4 + string.utf8.count }

    /// Lays out a record in a buffer sized for it.
    struct Writer {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            self.buffer = buffer
        }

        mutating func put<T: FixedWidthInteger>(_ value: T) {
            precondition(count + MemoryLayout<T>.size <= buffer.count, "a spill record is larger than its buffer")
            UnsafeMutableRawPointer(buffer.baseAddress! + count).storeBytes(of: value.littleEndian, as: T.self)
            count += MemoryLayout<T>.size
        }

        mutating func put(_ string: String) {
            UTF8Order.withBytes(of: string) { put($0) }
        }

        /// A string's UTF-8 bytes, after their count.
        mutating func put(_ utf8: UnsafeBufferPointer<UInt8>) {
            put(UInt32(truncatingIfNeeded: utf8.count))
            precondition(count + utf8.count <= buffer.count, "a spill record is larger than its buffer")
            if let base = utf8.baseAddress, utf8.count > 0 { (buffer.baseAddress! + count).update(from: base, count: utf8.count) }
            count += utf8.count
        }
    }

    /// Reads a spill file's bytes; throws on a damaged file (a bug or a disk fault, never user
    /// input: the file was written by this process).
    struct Reader {
        private let bytes: [UInt8]
        private var at = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var atEnd: Bool { at >= bytes.count }

        mutating func take<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let size = MemoryLayout<T>.size
            guard at + size <= bytes.count else { throw EngineError.invalidInput("a transform spill file is damaged (truncated record)") }
            let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
            at += size
            return T(littleEndian: value)
        }

        mutating func string(_ strings: inout StringInterner) throws -> String {
            try numbered(&strings).string
        }

        /// A string and its number in `strings`, which must number every string it meets.
        mutating func numberedString(_ strings: inout StringInterner) throws -> (String, Int32) {
            let (string, number) = try numbered(&strings)
            guard let number else { throw EngineError.invalidInput("a transform spill bucket has more distinct strings than its interner numbers") }
            return (string, Int32(number))
        }

        private mutating func numbered(_ strings: inout StringInterner) throws -> (string: String, number: Int?) {
            let length = Int(try take(UInt32.self))
            guard length <= bytes.count - at else { throw EngineError.invalidInput("a transform spill file is damaged (string length)") }
            defer { at += length }
            return bytes.withUnsafeBufferPointer { strings.numbered(UnsafeBufferPointer(rebasing: $0[at..<at + length])) }
        }
    }
}
