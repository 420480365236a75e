// What a transform must recompute. A transform records the raw files it read and the
// `artist_daily` files it left (`state/transform.json`); the next one compares them with the
// lake. Raw data is append-only, so new files are the only change an incremental run accepts:
// anything else (a file removed or rewritten, processed files changed by hand, no record)
// means a full rebuild.
//
// New metric files change the rows of their days and of days after them (growth windows,
// `prev_day`); new release records change `release_count` and `days_since_release` from
// their release day on. So every row from the first such day on is recomputed, by whole
// month partitions; earlier months are kept. Both engines share this plan.

import Foundation
import LakeKit
import MomentumAnalytics

/// What a transform read and wrote, to plan the next one.
struct TransformRecord: Codable, Sendable {
    static let key = "state/transform.json"
    static let currentVersion = 2

    var version: Int?
    var engine: String?
    var rawFiles: Int
    var rawFingerprint: String
    var latestRawDay: String?
    /// Every raw file read, with its size (version 2).
    var files: [File]?
    /// The fingerprint of `processed/artist_daily/` as this transform left it (version 2).
    var dailyFingerprint: String?

    struct File: Codable, Sendable, Hashable {
        var key: String
        var size: Int
    }

    enum CodingKeys: String, CodingKey {
        case version, engine, files
        case rawFiles = "raw_files", rawFingerprint = "raw_fingerprint", latestRawDay = "latest_raw_day"
        case dailyFingerprint = "daily_fingerprint"
    }
}

/// The part of the processed tables a transform rebuilds.
package enum TransformScope: Sendable, Equatable {
    /// Everything, for the reason given.
    case full(reason: String)
    /// Months from `firstDay`'s on; `changedDays` are the capture days of the new metric files.
    case incremental(firstDay: Day, changedDays: Set<Day>, newFiles: Int)
    /// Nothing has changed since the last transform.
    case upToDate

    /// The first day recomputed; nil for a full rebuild.
    package var firstDay: Day? {
        if case .incremental(let day, _, _) = self { return day }
        return nil
    }

    /// A sentence for the user.
    package var summary: String {
        switch self {
        case .full(let reason): "full rebuild: \(reason)"
        case .incremental(let day, _, let files): "incremental: \(files) new raw file(s); months from \(day.monthString) recomputed, earlier ones kept"
        case .upToDate: "up to date: no raw file has changed since the last transform"
        }
    }
}

extension LocalEngine {
    /// Plans a transform: what has changed in raw since the last one.
    ///
    /// - Parameter full: force a full rebuild (`--full`).
    package func transformScope(full: Bool) async throws -> TransformScope {
        try await planTransform(full: full).scope
    }

    /// The plan, and the raw releases when planning read them (an incremental run needs them
    /// again: they are read once).
    func planTransform(full: Bool) async throws -> (scope: TransformScope, releases: RawReadResult<RawRelease>?) {
        if full { return (.full(reason: "--full"), nil) }
        guard let bytes = try? await store.get(TransformRecord.key),
              let record = try? JSONDecoder().decode(TransformRecord.self, from: Data(bytes)),
              record.version == TransformRecord.currentVersion, let previous = record.files, let dailyPrint = record.dailyFingerprint
        else { return (.full(reason: "no record of an earlier transform of this version (\(TransformRecord.key))"), nil) }
        let daily = try await store.list(prefix: LakeDataset.artistDaily.prefix).filter { LakeLayout.isDataKey($0.key) }
        guard !daily.isEmpty, LocalEngine.fingerprint(daily) == dailyPrint else {
            return (.full(reason: "\(LakeDataset.artistDaily.prefix) has changed since the last transform"), nil)
        }
        let now = Dictionary(try await rawFiles().map { ($0.key, $0.size) }, uniquingKeysWith: { first, _ in first })
        var added: [String] = []
        for file in previous {
            guard let size = now[file.key] else { return (.full(reason: "raw file \(file.key) was removed"), nil) }
            guard size == file.size else { return (.full(reason: "raw file \(file.key) was rewritten (\(file.size) → \(size) bytes)"), nil) }
        }
        let known = Set(previous.map(\.key))
        added = now.keys.filter { !known.contains($0) }.sorted()
        guard !added.isEmpty else { return (.upToDate, nil) }

        let newMetrics = added.filter { $0.hasPrefix(LakeDataset.artistMetrics.prefix) }
        let changedDays = Set(newMetrics.compactMap { LakeLayout.captureDay(ofRawKey: $0).map { Day(daysSinceEpoch: Int32($0.daysSinceEpoch)) } })
        var first = changedDays.min()
        let newReleases = Set(added.filter { $0.hasPrefix(LakeDataset.releases.prefix) })
        var releases: RawReadResult<RawRelease>?
        if !newReleases.isEmpty {
            let (all, releaseDay) = try await firstReleaseDayChanged(by: newReleases)
            releases = all
            if let releaseDay { first = min(first ?? releaseDay, releaseDay) }
        }
        guard let first else {
            // New release files with no dated album or single: no row changes, but the record
            // must learn of them; a rebuild of the latest month does it cheaply and exactly.
            let latest = changedDays.max() ?? Day(iso: record.latestRawDay ?? "") ?? Day(daysSinceEpoch: 0)
            return (.incremental(firstDay: latest.firstOfMonth, changedDays: changedDays, newFiles: added.count), releases)
        }
        return (.incremental(firstDay: first.firstOfMonth, changedDays: changedDays, newFiles: added.count), releases)
    }

    /// Every raw release, and the earliest release day the new release files can change: the
    /// release days of their albums, and of every other record of those albums (one record
    /// per album is kept, so a new record can move an album to another day).
    private func firstReleaseDayChanged(by newFiles: Set<String>) async throws -> (RawReadResult<RawRelease>, Day?) {
        let files = FileCollector<RawRelease>()
        let summary = try await RawLakeReader.forEachFile(RawRelease.self, dataset: .releases, from: store) { _, file in files.add(file) }
        let read = files.sorted()
        var albums = Set<String>()
        for file in read where newFiles.contains(file.key) {
            for record in file.records { albums.insert("\(record.artistID)\t\(record.albumID)") }
        }
        let all = RawReadResult(recordsByFile: read.map(\.records), malformed: summary.problems + read.flatMap(\.malformed),
                                files: summary.files, bytes: summary.bytes)
        guard !albums.isEmpty else { return (all, nil) }
        let day = all.recordsByFile.joined()
            .filter { albums.contains("\($0.artistID)\t\($0.albumID)") && $0.releaseDatePrecision == "day" }
            .compactMap { Day(iso: $0.releaseDate) }
            .min()
        return (all, day)
    }

    /// Records what a transform read and left (written after its tables, so a kill in between
    /// leaves the tables marked out of date, never the other way round).
    func recordTransform(engine: String) async throws {
        let raw = try await rawFiles()
        let daily = try await store.list(prefix: LakeDataset.artistDaily.prefix).filter { LakeLayout.isDataKey($0.key) }
        let latest = raw.compactMap { LakeLayout.captureDay(ofRawKey: $0.key) }.max()
        let record = TransformRecord(
            version: TransformRecord.currentVersion, engine: engine, rawFiles: raw.count, rawFingerprint: LocalEngine.fingerprint(raw),
            latestRawDay: latest?.isoString, files: raw.map { TransformRecord.File(key: $0.key, size: $0.size) },
            dailyFingerprint: LocalEngine.fingerprint(daily))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await store.put(TransformRecord.key, bytes: Array(try encoder.encode(record)))
    }
}

extension Day {
    /// The first day of the day's month.
    package var firstOfMonth: Day {
        let (year, month, _) = civil
        return Day(year: year, month: month, day: 1) ?? self
    }
}

/// Decoded files gathered from the reader's workers, then put in key order.
final class FileCollector<Record: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [RawFile<Record>] = []

    func add(_ file: RawFile<Record>) { lock.withLock { files.append(file) } }
    func sorted() -> [RawFile<Record>] { lock.withLock { files.sorted { $0.index < $1.index } } }
}
