// Which bucket an artist's records go to in a streaming transform: a range of artist ids, so
// buckets taken in turn write the tables in artist order (as the in-memory engine does) and
// each row group's artist_id statistics cover a narrow range, which a reader of one artist
// uses to skip the others. The ranges are quantiles of the lake's ids (the tracked artists and a
// sample of metric files), so buckets are even whatever the ids look like; an artist outside the
// sample still falls in exactly one range. (Ids that share their first eight bytes share a
// bucket: Spotify ids are random, so they do not, but a hand-made lake of such ids gathers in
// one.)

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

package struct BucketRanges: Sendable {
    /// The first id key of every bucket but the first, ascending.
    private let starts: [UInt64]

    package var count: Int { starts.count + 1 }

    /// `buckets` ranges split at quantiles of `sample` (fewer when the sample has fewer keys).
    package init(buckets: Int, sample: some Sequence<String>) {
        self.init(buckets: buckets, keys: Set(sample.map(BucketRanges.key)))
    }

    /// `buckets` ranges split at quantiles of the distinct id keys of a sample.
    init(buckets: Int, keys distinct: Set<UInt64>) {
        let keys = distinct.sorted()
        let wanted = max(1, buckets)
        var starts: [UInt64] = []
        if wanted > 1, !keys.isEmpty {
            for index in 1..<wanted {
                let start = keys[min(keys.count - 1, index * keys.count / wanted)]
                if start > (starts.last ?? 0) { starts.append(start) }
            }
        }
        self.starts = starts
    }

    /// The bucket of an artist: how many range starts are at or below its key.
    package func bucket(of artistID: String) -> Int {
        bucket(ofKey: BucketRanges.key(artistID))
    }

    /// The bucket of an artist id's UTF-8 bytes.
    package func bucket(ofUTF8 artistID: UnsafeBufferPointer<UInt8>) -> Int {
        bucket(ofKey: BucketRanges.key(artistID))
    }

    private func bucket(ofKey key: UInt64) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The id's first eight bytes, big-endian: ordering keys orders ids (byte-wise).
    package static func key(_ artistID: String) -> UInt64 {
        key(utf8: artistID.utf8)
    }

    static func key(_ artistID: UnsafeBufferPointer<UInt8>) -> UInt64 {
        key(utf8: artistID)
    }

    private static func key(utf8: some Collection<UInt8>) -> UInt64 {
        var key: UInt64 = 0
        var taken = 0
        for byte in utf8.prefix(8) {
            key = key << 8 | UInt64(byte)
            taken += 1
        }
        return taken == 8 ? key : key << UInt64(8 * (8 - taken))
    }

    /// Ranges for `buckets` buckets from the lake's ids: every tracked artist (the roster,
    /// which lists whom the daily job fetches), and the ids of 24 metric files picked by a hash
    /// of their keys (the same every run), for artists imported or no longer tracked.
    /// `listing`, when the caller has listed the raw lake already (the transform's plan has),
    /// spares a second walk of every day's folder.
    package static func sampled(buckets: Int, from store: any ObjectStore, listing: [ObjectInfo]? = nil) async throws -> BucketRanges {
        guard buckets > 1 else { return BucketRanges(buckets: 1, sample: []) }
        var keys = Set<UInt64>()
        if let roster = try? await TrackedArtists.load(from: store) {
            for entry in roster.artists { keys.insert(BucketRanges.key(entry.id)) }
        }
        func hash(_ key: String) -> UInt64 {
            key.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        }
        let listed: [ObjectInfo]
        if let listing { listed = listing } else { listed = try await store.list(prefix: LakeDataset.artistMetrics.prefix) }
        let files = listed.map(\.key).filter { $0.hasPrefix(LakeDataset.artistMetrics.prefix) && LakeLayout.isDataKey($0) }
        let chosen = files.map { (hash($0), $0) }.sorted { $0 < $1 }.prefix(24).map(\.1)
        // Only the ids, read in place, on every core (this runs before the transform's first
        // pass, when nothing else does), one file per core at a time so that memory holds
        // as many files as there are cores.
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        try await withThrowingTaskGroup(of: [UInt64].self) { group in
            var pending = chosen[...]
            func start() {
                guard let key = pending.popFirst() else { return }
                group.addTask {
                    var found: [UInt64] = []
                    _ = try JSONLines.readLines(of: try await store.get(key), source: key) { line in
                        let fields = try MetricLine(jsonLine: line, keepingGenres: false)
                        found.append(fields.artistID.withBytes { BucketRanges.key($0) })
                    }
                    return found
                }
            }
            for _ in 0..<cores { start() }
            while let found = try await group.next() {
                keys.formUnion(found)
                start()
            }
        }
        return BucketRanges(buckets: buckets, keys: keys)
    }
}
