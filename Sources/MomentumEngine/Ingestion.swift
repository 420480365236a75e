// The daily and weekly jobs, and the CSV import: Spotify (through SpotifyKit) in, raw JSON
// Lines (through LakeKit) out. The demo runs these same functions against the simulator; only
// the transport and the clock differ.

import Foundation
import LakeKit
import Logging
import SpotifyKit

/// An artist that could not be fetched, and why.
public struct IngestFailure: Sendable, CustomStringConvertible {
    public var artistID: String
    public var artistName: String
    public var error: SpotifyError

    public var description: String { "\(artistName) (\(artistID)): \(error.message)" }
}

public struct IngestionJobs: Sendable {
    public let store: FileSystemObjectStore
    public let spotify: SpotifyClient
    public let logger: Logger
    /// The `source` written into raw records.
    public let source: String
    public let progress: (@Sendable (EngineProgress) -> Void)?

    public init(store: FileSystemObjectStore, spotify: SpotifyClient, logger: Logger, source: String = "spotify-web-api",
                progress: (@Sendable (EngineProgress) -> Void)? = nil) {
        self.store = store
        self.spotify = spotify
        self.logger = logger
        self.source = source
        self.progress = progress
    }

    // MARK: Daily metrics

    public struct MetricsReport: Sendable {
        public var key: String?
        public var recorded: Int
        public var withoutFollowers: Int
        public var failures: [IngestFailure]
        public var mode: SpotifyAPIMode
    }

    /// Fetches every tracked artist and appends one raw file.
    ///
    /// - Parameters:
    ///   - now: the capture time (the simulated clock in the demo).
    ///   - day: the capture day to file the records under, for back-fills; the records'
    ///     `captured_at` is that day at `now`'s time of day.
    public func ingestMetrics(now: Date, day: LakeDate? = nil) async throws -> MetricsReport {
        let tracked = try await TrackedArtists.load(from: store).artists
        guard !tracked.isEmpty else {
            throw EngineError.invalidInput("no tracked artists in \(store.location): add some with `momentum artists add`")
        }
        var captured = IngestionJobs.nanoseconds(now)
        if let day {
            let perDay: Int64 = 86_400_000_000_000
            let timeOfDay = ((captured % perDay) + perDay) % perDay
            captured = Int64(day.daysSinceEpoch) * perDay + timeOfDay
        }
        let ids = try tracked.map { try SpotifyID(parsing: $0.id, kind: .artist) }
        progress?(EngineProgress(phase: .fetching, completed: 0, total: ids.count))
        let results = await spotify.artists(ids)
        progress?(EngineProgress(phase: .fetching, completed: ids.count, total: ids.count))

        var records: [RawArtistMetric] = []
        var failures: [IngestFailure] = []
        for (entry, result) in zip(tracked, results) {
            switch result {
            case .success(let artist):
                records.append(RawArtistMetric(
                    artistID: artist.id, artistName: artist.name, followers: artist.followerCount.map(Int64.init),
                    popularity: artist.popularity.map(Int32.init), genres: artist.genres ?? [], capturedAt: captured, source: source))
            case .failure(let error):
                failures.append(IngestFailure(artistID: entry.id, artistName: entry.name, error: error))
            }
        }
        var key: String?
        if !records.isEmpty {
            let fileKey = LakeLayout.rawKey(.artistMetrics, day: LakeDate(nanosecondsSinceEpoch: captured), runID: IngestionJobs.runID(now))
            try await store.put(fileKey, bytes: JSONLines.encode(records))
            key = fileKey
        }
        return MetricsReport(key: key, recorded: records.count, withoutFollowers: records.filter { $0.followers == nil }.count,
                             failures: failures, mode: await spotify.apiMode)
    }

    // MARK: Weekly releases

    public struct ReleasesReport: Sendable {
        public var key: String?
        public var newAlbums: Int
        public var baselineAlbums: Int
        public var artistsScanned: Int
        public var failures: [IngestFailure]
    }

    /// Scans every tracked artist's discography. On an artist's first scan every album is
    /// written with `is_new = false` (the baseline); afterwards only albums missing from its
    /// state, with `is_new = true`. States are updated only after the raw file is written, so
    /// a crash in between repeats work but never loses a release.
    public func ingestReleases(now: Date) async throws -> ReleasesReport {
        let tracked = try await TrackedArtists.load(from: store).artists
        guard !tracked.isEmpty else {
            throw EngineError.invalidInput("no tracked artists in \(store.location): add some with `momentum artists add`")
        }
        let discovered = IngestionJobs.nanoseconds(now)
        let stamp = Timestamp.iso(nanoseconds: discovered)
        let total = tracked.count
        let report = progress
        let scans = await withTaskGroup(of: (Int, Result<[SimplifiedAlbum], SpotifyError>).self) { group in
            for (index, entry) in tracked.enumerated() {
                group.addTask { [spotify] in
                    do {
                        let id = try SpotifyID(parsing: entry.id, kind: .artist)
                        var albums: [SimplifiedAlbum] = []
                        for try await album in spotify.albums(of: id) { albums.append(album) }
                        return (index, .success(albums))
                    } catch let error as SpotifyError {
                        return (index, .failure(error))
                    } catch {
                        return (index, .failure(SpotifyError.unexpected("\(error)")))
                    }
                }
            }
            var results = [Result<[SimplifiedAlbum], SpotifyError>?](repeating: nil, count: total)
            var done = 0
            for await (index, result) in group {
                results[index] = result
                done += 1
                report?(EngineProgress(phase: .fetching, completed: done, total: total))
            }
            return results
        }

        var records: [RawRelease] = []
        var states: [DiscographyState] = []
        var failures: [IngestFailure] = []
        var baseline = 0
        for (entry, scan) in zip(tracked, scans) {
            guard let scan else { continue }
            switch scan {
            case .failure(let error):
                failures.append(IngestFailure(artistID: entry.id, artistName: entry.name, error: error))
            case .success(let albums):
                let previous = try await DiscographyState.load(artistID: entry.id, from: store)
                let known = Set(previous?.albumIDs ?? [])
                var seen = Set<String>()
                for album in albums where seen.insert(album.id).inserted && !known.contains(album.id) {
                    records.append(RawRelease(
                        artistID: entry.id, albumID: album.id, albumName: album.name, albumType: album.albumType ?? "",
                        albumGroup: album.albumGroup, releaseDate: album.releaseDate ?? "",
                        releaseDatePrecision: album.releaseDatePrecision ?? "", totalTracks: Int64(album.totalTracks ?? 0),
                        discoveredAt: discovered, isNew: previous != nil))
                    if previous == nil { baseline += 1 }
                }
                states.append(DiscographyState(
                    artistID: entry.id, albumIDs: known.union(seen).sorted(), firstScan: previous?.firstScan ?? stamp, lastScan: stamp))
            }
        }
        var key: String?
        if !records.isEmpty {
            let fileKey = LakeLayout.rawKey(.releases, day: LakeDate(nanosecondsSinceEpoch: discovered), runID: IngestionJobs.runID(now))
            try await store.put(fileKey, bytes: JSONLines.encode(records))
            key = fileKey
        }
        // Only now that the records are safe.
        for state in states { try await state.save(to: store) }
        return ReleasesReport(key: key, newAlbums: records.count - baseline, baselineAlbums: baseline,
                              artistsScanned: states.count, failures: failures)
    }

    // MARK: What is due

    public struct Due: Sendable {
        public var metrics: Bool
        public var releases: Bool
    }

    /// Daily metrics are due when today has no raw metrics file; releases when the last scan is
    /// 7 or more days old (or there was none).
    public static func due(in store: some ObjectStore, now: Date) async throws -> Due {
        let today = LakeDate(nanosecondsSinceEpoch: nanoseconds(now))
        let todays = try await store.list(prefix: "\(LakeDataset.artistMetrics.prefix)dt=\(today.isoString)/").contains { LakeLayout.isDataKey($0.key) }
        let scans = try await store.list(prefix: LakeDataset.releases.prefix).compactMap { LakeLayout.captureDay(ofRawKey: $0.key) }
        let releasesDue = scans.max().map { today.daysSinceEpoch - $0.daysSinceEpoch >= 7 } ?? true
        return Due(metrics: !todays, releases: releasesDue)
    }

    // MARK: Helpers

    static func nanoseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded()) * 1_000_000
    }

    static func runID(_ now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return LakeLayout.makeRunID(nanosecondsSinceEpoch: nanoseconds(now), using: &generator)
    }
}

/// Spotify for Artists style history: `date,followers[,popularity]` rows become raw records.
public enum CSVImport {
    public struct Report: Sendable {
        public var records: [RawArtistMetric]
        public var problems: [String]
    }

    /// Parses the CSV text. A header row is required; rows that do not parse are reported with
    /// their line numbers and left out.
    public static func parse(_ text: String, artistID: String, artistName: String) -> Report {
        // `isNewline` also matches "\r\n", which Swift treats as one character.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { return Report(records: [], problems: ["the file is empty"]) }
        let names = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let dateColumn = names.firstIndex(of: "date"), let followersColumn = names.firstIndex(of: "followers") else {
            return Report(records: [], problems: ["line 1: the header must name the columns date and followers (and optionally popularity)"])
        }
        let popularityColumn = names.firstIndex(of: "popularity")
        var records: [RawArtistMetric] = []
        var problems: [String] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let number = offset + 1
            guard cells.count > max(dateColumn, followersColumn), let day = LakeDate(iso: cells[dateColumn]) else {
                problems.append("line \(number): expected a date as YYYY-MM-DD in column \(dateColumn + 1)")
                continue
            }
            let followersText = cells[followersColumn].replacingOccurrences(of: "_", with: "")
            let followers: Int64?
            if followersText.isEmpty {
                followers = nil
            } else if let value = Int64(followersText), value >= 0 {
                followers = value
            } else {
                problems.append("line \(number): '\(cells[followersColumn])' is not a follower count")
                continue
            }
            var popularity: Int32?
            if let column = popularityColumn, column < cells.count, !cells[column].isEmpty {
                guard let value = Int32(cells[column]), (0...100).contains(value) else {
                    problems.append("line \(number): '\(cells[column])' is not a popularity from 0 to 100")
                    continue
                }
                popularity = value
            }
            records.append(RawArtistMetric(
                artistID: artistID, artistName: artistName, followers: followers, popularity: popularity,
                capturedAt: Int64(day.daysSinceEpoch) * 86_400_000_000_000, source: "csv-import"))
        }
        return Report(records: records, problems: problems)
    }

    /// Writes the records, one raw file per capture day, all under one run id.
    public static func write(_ records: [RawArtistMetric], to store: some ObjectStore, now: Date) async throws -> [String] {
        let runID = IngestionJobs.runID(now)
        var byDay: [LakeDate: [RawArtistMetric]] = [:]
        for record in records { byDay[LakeDate(nanosecondsSinceEpoch: record.capturedAt), default: []].append(record) }
        var keys: [String] = []
        for (day, dayRecords) in byDay.sorted(by: { $0.key < $1.key }) {
            let key = LakeLayout.rawKey(.artistMetrics, day: day, runID: runID)
            try await store.put(key, bytes: JSONLines.encode(dayRecords))
            keys.append(key)
        }
        return keys
    }
}
