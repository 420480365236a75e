// The daily job: Spotify (through SpotifyKit) in, raw JSON Lines (through LakeKit) out. It is
// idempotent per artist and day: artists that already have a record for the day are not asked
// for again, so a rerun after a kill or a failure fetches exactly what is missing.

import Foundation
import LakeKit
import Logging
import SpotifyKit

/// An artist that could not be fetched, scanned or read, and why.
package struct IngestFailure: Sendable, CustomStringConvertible {
    package var artistID: String
    package var artistName: String
    package var error: any Error & Sendable

    package init(artistID: String, artistName: String, error: any Error & Sendable) {
        self.artistID = artistID
        self.artistName = artistName
        self.error = error
    }

    /// True when Spotify refused or could not be reached (worth retrying later).
    package var isServiceFailure: Bool { (error as? SpotifyError)?.isServiceFailure == true }

    package var description: String {
        let shownID = artistID.count > 40 ? String(artistID.prefix(40)) + "…" : artistID
        return "\(TerminalText.sanitized(artistName)) (\(TerminalText.sanitized(shownID))): \(error)"
    }
}

package struct IngestionJobs: Sendable {
    package let store: any ObjectStore
    package let spotify: SpotifyClient
    package let logger: Logger
    /// The `source` written into raw records.
    package let source: String
    package let progress: (@Sendable (EngineProgress) -> Void)?

    package init(store: any ObjectStore, spotify: SpotifyClient, logger: Logger, source: String = "spotify-web-api",
                progress: (@Sendable (EngineProgress) -> Void)? = nil) {
        self.store = store
        self.spotify = spotify
        self.logger = logger
        self.source = source
        self.progress = progress
    }

    // MARK: Daily metrics

    package struct MetricsReport: Sendable {
        package var key: String?
        package var day: LakeDate
        package var recorded: Int
        /// Artists that already had a record for the day and were not fetched again.
        package var alreadyRecorded: Int
        package var withoutFollowers: Int
        package var failures: [IngestFailure]
        package var mode: SpotifyAPIMode
    }

    /// Fetches every tracked artist that has no record for the day yet and appends one raw
    /// file. Takes the lake lock.
    ///
    /// - Parameters:
    ///   - now: the capture time (the simulated clock in the demo).
    ///   - day: the capture day to file the records under, for back-fills; the records'
    ///     `captured_at` is that day at `now`'s time of day. A day after `now`'s is refused.
    package func ingestMetrics(now: Date, day: LakeDate? = nil) async throws -> MetricsReport {
        try await LakeLock.withLock(store, command: "ingest metrics") {
            try await ingestMetricsLocked(now: now, day: day)
        }
    }

    private func ingestMetricsLocked(now: Date, day requested: LakeDate?) async throws -> MetricsReport {
        let nowNanoseconds = try IngestionJobs.nanoseconds(now)
        let today = LakeDate(nanosecondsSinceEpoch: nowNanoseconds)
        let day = requested ?? today
        guard day <= today else {
            throw EngineError.invalidInput("the capture day \(day) is in the future (today is \(today) UTC): metrics can only be recorded for days that have begun")
        }
        let perDay: Int64 = 86_400_000_000_000
        guard let dayStart = day.startNanoseconds else {
            throw EngineError.invalidInput("the capture day \(day) is outside the years 1678 to 2261 that timestamps can hold")
        }
        let captured = dayStart + ((nowNanoseconds % perDay) + perDay) % perDay

        let roster = try await TrackedArtists.load(from: store)
        guard !roster.artists.isEmpty else {
            throw EngineError.invalidInput("no tracked artists in \(store.location): add some with `momentum artists add`")
        }
        var failures = roster.invalidEntryFailures
        let recordedAlready = try await IngestionJobs.artistsRecorded(on: day, in: store)
        let due = roster.validEntries.filter { !recordedAlready.contains($0.id.rawValue) }
        guard !due.isEmpty else {
            return MetricsReport(key: nil, day: day, recorded: 0, alreadyRecorded: roster.validEntries.count, withoutFollowers: 0,
                                 failures: failures, mode: await spotify.apiMode)
        }
        progress?(EngineProgress(phase: .fetching, completed: 0, total: due.count))
        let results = await spotify.artists(due.map(\.id))
        progress?(EngineProgress(phase: .fetching, completed: due.count, total: due.count))

        var records: [RawArtistMetric] = []
        for (entry, result) in zip(due, results) {
            switch result {
            case .success(let artist):
                // SpotifyKit checked the id and ranges; the conversions below cannot fail.
                records.append(RawArtistMetric(
                    artistID: entry.id.rawValue, artistName: artist.name, followers: artist.followerCount.map(Int64.init),
                    popularity: artist.popularity.flatMap(Int32.init(exactly:)), genres: artist.genres ?? [],
                    capturedAt: captured, source: source))
            case .failure(let error):
                failures.append(IngestFailure(artistID: entry.id.rawValue, artistName: entry.name, error: error))
            }
        }
        var key: String?
        if !records.isEmpty {
            let fileKey = LakeLayout.rawKey(.artistMetrics, day: day, runID: try IngestionJobs.runID(now))
            try await store.put(fileKey, bytes: JSONLines.encode(records))
            key = fileKey
        }
        return MetricsReport(key: key, day: day, recorded: records.count, alreadyRecorded: recordedAlready.count,
                             withoutFollowers: records.filter { $0.followers == nil }.count,
                             failures: failures, mode: await spotify.apiMode)
    }

    /// The artists with at least one readable record filed under `day`.
    package static func artistsRecorded(on day: LakeDate, in store: any ObjectStore) async throws -> Set<String> {
        var recorded = Set<String>()
        let prefix = "\(LakeDataset.artistMetrics.prefix)dt=\(day.isoString)/"
        for info in try await store.list(prefix: prefix) where LakeLayout.isDataKey(info.key) {
            let file = try JSONLines.decode(RawArtistMetric.self, from: try await store.get(info.key), source: info.key, partitionDay: day)
            for record in file.records { recorded.insert(record.artistID) }
        }
        return recorded
    }

    // MARK: What is due

    package struct Due: Sendable {
        /// Tracked artists without a record today.
        package var metricsArtists: Int
        /// Tracked artists whose last completed scan is 7 or more days old (or missing).
        package var releaseArtists: Int
        package var metrics: Bool { metricsArtists > 0 }
        package var releases: Bool { releaseArtists > 0 }
    }

    /// What `run` has to do, artist by artist: daily metrics for artists without today's
    /// record, releases for artists whose last completed scan is `scanInterval` days old.
    package static func due(in store: any ObjectStore, now: Date, scanInterval: Int = 7) async throws -> Due {
        let today = LakeDate(nanosecondsSinceEpoch: try nanoseconds(now))
        let roster = try await TrackedArtists.load(from: store)
        let recorded = try await artistsRecorded(on: today, in: store)
        var scans = 0
        for entry in roster.validEntries {
            let state = try? await DiscographyState.load(artistID: entry.id.rawValue, from: store)
            if ReleaseScan.isDue(state ?? nil, today: today, interval: scanInterval) { scans += 1 }
        }
        return Due(metricsArtists: roster.validEntries.filter { !recorded.contains($0.id.rawValue) }.count, releaseArtists: scans)
    }

    // MARK: Helpers

    /// `date` in nanoseconds since the epoch, at millisecond precision; throws outside the
    /// years 64-bit nanoseconds can hold.
    static func nanoseconds(_ date: Date) throws -> Int64 {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard let whole = Int64(exactly: milliseconds), case let (value, false) = whole.multipliedReportingOverflow(by: 1_000_000) else {
            throw EngineError.invalidInput("the time \(date) is outside the years 1678 to 2261")
        }
        return value
    }

    package static func runID(_ now: Date) throws -> String {
        var generator = SystemRandomNumberGenerator()
        return LakeLayout.makeRunID(nanosecondsSinceEpoch: try nanoseconds(now), using: &generator)
    }
}
