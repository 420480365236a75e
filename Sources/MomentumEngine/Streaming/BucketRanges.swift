// Which bucket an artist's records go to in a streaming transform: a range of artist ids, so
// buckets taken in turn write the tables in artist order (as the in-memory engine does) and
// each row group's artist_id statistics cover a narrow range, which a reader of one artist
// uses to skip the others. The ranges are quantiles of a sample of the lake's ids (its largest
// and latest metric files, where a daily job lists every tracked artist), so buckets are even
// whatever the ids look like; an artist outside the sample still falls in exactly one range.
// (Ids that share their first eight bytes share a bucket: Spotify ids are random, so they
// do not, but a hand-made lake of such ids gathers in one.)

import Foundation
import LakeKit

package struct BucketRanges: Sendable {
    /// The first id key of every bucket but the first, ascending.
    private let starts: [UInt64]

    package var count: Int { starts.count + 1 }

    /// `buckets` ranges split at quantiles of `sample` (fewer when the sample has fewer keys).
    package init(buckets: Int, sample: some Sequence<String>) {
        let keys = Array(Set(sample.map(BucketRanges.key))).sorted()
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
        let key = BucketRanges.key(artistID)
        var low = 0, high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The id's first eight bytes, big-endian: ordering keys orders ids (byte-wise).
    package static func key(_ artistID: String) -> UInt64 {
        var key: UInt64 = 0
        var taken = 0
        for byte in artistID.utf8.prefix(8) {
            key = key << 8 | UInt64(byte)
            taken += 1
        }
        return taken == 8 ? key : key << UInt64(8 * (8 - taken))
    }

    /// Ranges for `buckets` buckets from a sample of the lake's metric files: the two largest
    /// and the latest (at most three files are decoded).
    static func sampled(buckets: Int, from store: any ObjectStore) async throws -> BucketRanges {
        guard buckets > 1 else { return BucketRanges(buckets: 1, sample: []) }
        let files = try await store.list(prefix: LakeDataset.artistMetrics.prefix).filter { LakeLayout.isDataKey($0.key) }
        var chosen = Array(files.sorted { $0.size > $1.size }.prefix(2).map(\.key))
        if let latest = files.map(\.key).max(), !chosen.contains(latest) { chosen.append(latest) }
        var ids: [String] = []
        for key in chosen {
            let decoded = try JSONLines.decode(RawArtistMetric.self, from: try await store.get(key), source: key)
            ids += decoded.records.map(\.artistID)
        }
        return BucketRanges(buckets: buckets, sample: ids)
    }
}
