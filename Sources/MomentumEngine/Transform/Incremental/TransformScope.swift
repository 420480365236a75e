// What a transform must recompute. A transform records the raw files it read (each with its
// content version: S3's ETag, a file's modification time and inode) and the fingerprint of every
// processed table it left (`state/transform.json`); the next one compares them with the lake.
// Raw data is append-only, so new files are the only change an incremental run accepts:
// anything else (a file removed or rewritten, even at the same size; a processed table changed
// or removed by hand; no record, or one of another version) means a full rebuild, and the plan
// says which. A file that could not be read is not recorded, so the next run reads it again.
//
// New metric files change the rows of their days and of days after them (growth windows,
// `prev_day`); new release records that change an artist's release calendar change
// `release_count` and `days_since_release` from the changed album's release day on. So every
// row from the first such day on is recomputed, by whole month partitions; earlier months are
// kept. Both engines share this plan.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

/// What a transform read and wrote, to plan the next one.
struct TransformRecord: Codable, Sendable {
    static let key = "state/transform.json"
    // 4: contract v1.3 (audience_daily; source, metric and series columns).
    // 5: row groups of whole artists (`ArtistRowGroups`): tables an older version left are cut
    // otherwise, so one full rebuild makes every month what a rebuild writes.
    // 6: Snappy skips incompressible runs as the reference does: the same values in other
    // bytes, so months an older version wrote are rewritten once, as for 5.
    static let currentVersion = 6

    var version: Int?
    var engine: String?
    var rawFiles: Int
    var rawFingerprint: String
    var latestRawDay: String?
    /// Every raw file read, with its size and content version.
    var files: [File]?
    /// The fingerprint of each processed table (by prefix) as this transform left it.
    var processed: [String: String]?
    /// The carried state this transform left (`CarriedState`), if it left one.
    var carried: Carried?

    struct Carried: Codable, Sendable, Hashable {
        var fingerprint: String
        /// The state's last day: its window ends there.
        var lastDay: String
        /// SHA-256 of the file's bytes, hex: its listing fingerprint (size, time, inode or
        /// ETag) does not see a rewrite in place whose time was put back; its content does.
        var sha256: String

        enum CodingKeys: String, CodingKey {
            case fingerprint, sha256, lastDay = "last_day"
        }
    }

    struct File: Codable, Sendable, Hashable {
        var key: String
        var size: Int
        var version: String?
    }

    enum CodingKeys: String, CodingKey {
        case version, engine, files, processed, carried
        case rawFiles = "raw_files", rawFingerprint = "raw_fingerprint", latestRawDay = "latest_raw_day"
    }

    /// The processed tables a record fingerprints: all of them.
    static let processedDatasets: [LakeDataset] = [.artistDaily, .audienceDaily, .artistSignals, .releaseImpact, .momentum]
}

/// What planning found: the scope and the raw files listed (the record names those of them
/// that were read).
struct TransformPlanning: Sendable {
    var scope: TransformScope
    var rawListing: [ObjectInfo]
    /// The raw files new since the last transform.
    var newKeys: Set<String> = []
    /// The carried state to append from, when the new files are metric files of days after
    /// its last one and release files it can settle, and it is the state the record names;
    /// otherwise why not.
    var appendable: Result<AppendStart, AppendRefusal> = .failure(AppendRefusal(description: "not an incremental run"))
}

/// The part of the processed tables a transform rebuilds.
package enum TransformScope: Sendable, Equatable {
    /// Everything, for the reason given.
    case full(reason: String)
    /// Months from `firstDay`'s on; `changedDays` are the capture days of the new metric files.
    case incremental(firstDay: Day, changedDays: Set<Day>, newFiles: Int)
    /// Days after the last one appended from the carried state: what a local transform did or
    /// would do (`localTransformScope`). The plan the Athena engine sees is `incremental`.
    /// `recomputedFrom`: the first stored day computed again, when new releases change
    /// events the carried state reaches.
    case appended(days: [Day], newFiles: Int, recomputedFrom: Day? = nil)
    /// Nothing has changed since the last transform.
    case upToDate

    /// The first day recomputed; nil for a full rebuild.
    package var firstDay: Day? {
        if case .incremental(let day, _, _) = self { return day }
        if case .appended(let days, _, let recomputed) = self { return recomputed ?? days.first }
        return nil
    }

    /// A sentence for the user.
    package var summary: String {
        switch self {
        case .full(let reason): "full rebuild: \(reason)"
        case .incremental(let day, _, let files): "incremental: \(files) new raw file(s); months from \(day.monthString) recomputed, earlier ones kept"
        case .appended(let days, let files, let recomputed):
            "incremental: \(files) new raw file(s); \(days.count == 1 ? "day \(days[0].isoString)" : "\(days.count) days from \(days.first?.isoString ?? "")") appended from the carried state, "
                + (recomputed.map { "stored rows from \($0.isoString) computed again (new releases)" } ?? "stored rows kept")
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

    /// What a local transform would do: as ``transformScope(full:)``, but new days after the
    /// carried state's are `appended` (the Athena engine has no carried state: it plans months),
    /// and months whose window is larger than a streaming bucket are rebuilt in full.
    package func localTransformScope(full: Bool) async throws -> TransformScope {
        let planning = try await planTransform(full: full)
        guard case .incremental(_, let days, let files) = planning.scope else { return planning.scope }
        guard case .success(let start) = planning.appendable else {
            return windowBeyondBucket(planning.scope, listing: planning.rawListing).map { .full(reason: $0) } ?? planning.scope
        }
        return .appended(days: days.sorted(), newFiles: files, recomputedFrom: start.recomputedFrom)
    }

    /// The plan: what has changed in raw since the last transform, and what the run can start from.
    func planTransform(full: Bool) async throws -> TransformPlanning {
        let raw = try await rawFiles()
        func plan(_ scope: TransformScope) -> TransformPlanning {
            TransformPlanning(scope: scope, rawListing: raw)
        }
        if full { return plan(.full(reason: "--full")) }
        guard let bytes = try? await store.get(TransformRecord.key),
              let record = try? JSONDecoder().decode(TransformRecord.self, from: Data(bytes)),
              record.version == TransformRecord.currentVersion, let previous = record.files, let processed = record.processed
        else { return plan(.full(reason: "no record of an earlier transform of this version (\(TransformRecord.key))")) }
        for dataset in TransformRecord.processedDatasets {
            let now = try await processedFiles(dataset)
            guard dataset != .artistDaily || !now.isEmpty, processed[dataset.prefix] == LocalEngine.fingerprint(now) else {
                return plan(.full(reason: "\(dataset.prefix) has changed since the last transform"))
            }
        }
        let now = Dictionary(raw.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for file in previous {
            guard let current = now[file.key] else { return plan(.full(reason: "raw file \(file.key) was removed")) }
            guard current.size == file.size else { return plan(.full(reason: "raw file \(file.key) was rewritten (\(file.size) → \(current.size) bytes)")) }
            guard current.version == file.version else { return plan(.full(reason: "raw file \(file.key) was rewritten (same size, new content version)")) }
        }
        let known = Set(previous.map(\.key))
        let added = now.keys.filter { !known.contains($0) }.sorted()
        guard !added.isEmpty else { return plan(.upToDate) }
        // The windowed increment reads back artist_daily alone; the audience series (metrics.md
        // section 8) are not carried through it yet, so a lake that has them is rebuilt.
        if raw.contains(where: { $0.key.hasPrefix(LakeDataset.audience.prefix) }) {
            return plan(.full(reason: "the lake has audience series (\(LakeDataset.audience.prefix)): they are rebuilt in full, not incrementally"))
        }

        let newMetrics = added.filter { $0.hasPrefix(LakeDataset.artistMetrics.prefix) }
        let changedDays = Set(newMetrics.compactMap { LakeLayout.captureDay(ofRawKey: $0).flatMap { Day(iso: $0) } })
        var first = changedDays.min()
        let newReleases = Set(added.filter { $0.hasPrefix(LakeDataset.releases.prefix) })
        var calendars = CalendarChanges()
        // A new release file with a line that could not be read is left to a run that reports it.
        var readWhole = true
        if !newReleases.isEmpty {
            (calendars, readWhole) = try await calendarChanges(by: newReleases)
            if let releaseDay = calendars.firstAlbumDay { first = min(first ?? releaseDay, releaseDay) }
        }
        let appendable = try await appendable(record.carried, added: added, newMetrics: newMetrics, changedDays: changedDays,
                                              releaseFiles: readWhole ? newReleases.count : 0, calendars: calendars)
        guard let first else {
            // New release files with no dated album or single: no row changes, but the record
            // must learn of them; a rebuild of the latest month does it cheaply and exactly.
            let latest = changedDays.max() ?? Day(iso: record.latestRawDay ?? "") ?? Day.epoch
            return plan(.incremental(firstDay: latest.firstOfMonth, changedDays: changedDays, newFiles: added.count))
        }
        var planning = plan(.incremental(firstDay: first.firstOfMonth, changedDays: changedDays, newFiles: added.count))
        planning.newKeys = Set(added)
        planning.appendable = appendable
        return planning
    }

    /// What an appending run starts from, when the new files can be appended: metric files of
    /// days after the carried state's last one, and release files (`releaseFiles` of them,
    /// read whole) whose calendar changes the state's window reaches, only; and the state the
    /// record names.
    private func appendable(_ carried: TransformRecord.Carried?, added: [String], newMetrics: [String], changedDays: Set<Day>,
                            releaseFiles: Int, calendars: CalendarChanges) async throws -> Result<AppendStart, AppendRefusal> {
        guard let carried, let lastDay = Day(iso: carried.lastDay) else {
            return .failure(AppendRefusal(description: "the last transform left no carried state"))
        }
        guard newMetrics.count + releaseFiles == added.count else {
            return .failure(AppendRefusal(description: "new files other than metrics and release files read whole"))
        }
        guard newMetrics.allSatisfy({ LakeLayout.captureDay(ofRawKey: $0).flatMap { Day(iso: $0) } != nil }), let first = changedDays.min(), first > lastDay else {
            return .failure(AppendRefusal(description: "new files of days up to \(lastDay.isoString), the last day the state holds"))
        }
        if let changed = calendars.firstEventDay, changed < AppendStart.earliestEventRecomputed(lastDay: lastDay) {
            return .failure(AppendRefusal(description: "new releases change events from \(changed.isoString), before the carried state's window reaches"))
        }
        guard LocalEngine.fingerprint(try await store.list(prefix: CarriedState.key)) == carried.fingerprint else {
            return .failure(AppendRefusal(description: "\(CarriedState.key) is not the state the last transform left"))
        }
        return .success(AppendStart(carried: CarriedStateWriter.Written(lastDay: lastDay, sha256: carried.sha256), calendars: calendars))
    }

    /// Records what a transform read and left (written after its tables, so a kill in between
    /// leaves the tables marked out of date, never the other way round). `rawListing` is the
    /// listing the run planned from (listed again when nil); `unread` the keys that could not be
    /// read, left out so that the next run reads them.
    ///
    /// `carried`: the carried state written just before; nil when the transform left none
    /// (the next run then reads the window).
    func recordTransform(engine: String, rawListing: [ObjectInfo]? = nil, unread: Set<String> = [], carried written: CarriedStateWriter.Written? = nil) async throws {
        let listed: [ObjectInfo]
        if let rawListing { listed = rawListing } else { listed = try await rawFiles() }
        let raw = listed.filter { !unread.contains($0.key) }
        // The tables listed at once: a local listing is a folder read and a stat per file,
        // each a short wait on the file system (a few milliseconds per table at the very end
        // of every transform).
        let processed = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for dataset in TransformRecord.processedDatasets {
                group.addTask { (dataset.prefix, LocalEngine.fingerprint(try await self.processedFiles(dataset))) }
            }
            return try await group.reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
        }
        let latest = raw.compactMap { LakeLayout.captureDay(ofRawKey: $0.key) }.max()
        var record = TransformRecord(
            version: TransformRecord.currentVersion, engine: engine, rawFiles: raw.count, rawFingerprint: LocalEngine.fingerprint(raw),
            latestRawDay: latest, files: raw.map { TransformRecord.File(key: $0.key, size: $0.size, version: $0.version) },
            processed: processed)
        if let written {
            record.carried = TransformRecord.Carried(fingerprint: LocalEngine.fingerprint(try await store.list(prefix: CarriedState.key)),
                                                     lastDay: written.lastDay.isoString, sha256: written.sha256)
        } else if try await store.size(of: CarriedState.key) != nil {
            // A state no record names is never used; it goes, so that nobody mistakes it.
            try await store.delete(CarriedState.key)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await store.put(TransformRecord.key, bytes: Array(try encoder.encode(record)))
    }

    /// The data files of a processed table.
    func processedFiles(_ dataset: LakeDataset) async throws -> [ObjectInfo] {
        try await store.list(prefix: dataset.prefix).filter { LakeLayout.isDataKey($0.key) }
    }
}

/// The raw keys a run could not read (line 0 of the malformed lines names them).
func unreadKeys(_ malformed: [MalformedLine]) -> Set<String> {
    Set(malformed.filter { $0.line == 0 }.map(\.source))
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
