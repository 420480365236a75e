// The input of an incremental local run. A stored `artist_daily` row holds its day's kept
// record (metric contract section 1: name, followers, popularity), so every day without new raw
// data is fed back to the analytics as one observation; only the raw files of changed days are
// read again, whole (old and new files of those days, so the day's record is chosen among all
// of them, in read order). The analytics then produce exactly what a full rebuild would.

import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

extension LocalEngine {
    /// The raw lake as the analytics need it after `changedDays` received new files.
    func loadIncrementalLake(changedDays: Set<Day>) async throws -> RawLake {
        let dailyKeys = try await ProcessedTableReader.files(.artistDaily, in: store)
        let stored = try await ProcessedTableReader.storedDays(dailyKeys, in: store)
        let dayStrings = Set(changedDays.map(\.isoString))
        let metrics = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store, including: { key in
            LakeLayout.captureDay(ofRawKey: key).map { dayStrings.contains($0) } ?? false
        })
        let releases = try await RawLakeReader.read(ReleaseRecord.self, dataset: .releases, from: store)

        var observations: [String: [MetricObservation]] = [:]
        for row in stored where !changedDays.contains(row.day) {
            observations[row.artistID, default: []].append(MetricObservation(
                artistID: row.artistID, artistName: row.artistName, followers: row.followers, popularity: row.popularity, capturedAt: row.day.start))
        }
        LocalEngine.appendObservations(metrics, to: &observations)
        let releaseRecords = LocalEngine.releasesByArtist(releases)
        let ids = Set(observations.keys).union(releaseRecords.keys).sorted { UTF8Order.less($0, $1) }
        let malformed = metrics.malformed + releases.malformed
        for line in malformed {
            logger.debug("skipped a malformed line", metadata: ["line": "\(line)"])
        }
        return RawLake(
            artists: ids.map { RawLake.ArtistInput(artistID: $0, observations: observations[$0] ?? [], releases: releaseRecords[$0] ?? []) },
            malformed: malformed, files: metrics.files + releases.files, bytes: metrics.bytes + releases.bytes,
            metricRecords: metrics.recordCount + stored.count, releaseRecords: releases.recordCount)
    }
}

/// One stored day: the kept record of an artist's day.
struct StoredDay: Sendable {
    var artistID: String
    var artistName: String
    var day: Day
    var followers: Int64?
    var popularity: Int32?
}

extension ProcessedTableReader {
    /// The kept record of every stored `artist_daily` row (five columns read, not sixteen).
    static func storedDays(_ keys: [String], in store: any ObjectStore) async throws -> [StoredDay] {
        var rows: [StoredDay] = []
        for key in keys {
            try Task.checkCancellation()
            let reader = try await ParquetReader.open(store, key: key)
            let c = ProcessedColumns(table: try await reader.read(columns: ["artist_id", "artist_name", "day", "followers", "popularity"]),
                                     file: "\(store.location)/\(key)")
            let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("day")
            let followers = try c.int64s("followers"), popularity = try c.int32s("popularity")
            rows.reserveCapacity(rows.count + c.table.rowCount)
            for row in 0..<c.table.rowCount {
                let id = try c.required(ids, "artist_id", row)
                rows.append(StoredDay(artistID: id, artistName: try c.required(names, "artist_name", row), day: try c.required(days, "day", row),
                                      followers: followers[row], popularity: popularity[row]))
            }
        }
        return rows
    }
}
