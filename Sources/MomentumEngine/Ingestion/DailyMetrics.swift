// The daily job: Spotify (through SpotifyKit) in, raw JSON Lines (through LakeKit) out. It is
// idempotent per artist and day: artists that already have a record for the day are not asked
// for again, so a rerun after a kill or a failure fetches exactly what is missing.

import AudienceKit
import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
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

    /// True when Spotify or an audience source refused or could not be reached (worth
    /// retrying later).
    package var isServiceFailure: Bool {
        (error as? SpotifyError)?.isServiceFailure == true || (error as? AudienceError)?.isServiceFailure == true
    }

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
    /// Records per raw file of the daily job: the most answers a kill can lose, and what it
    /// holds in memory.
    package var metricsPerFile = 10_000

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
        /// The raw files written, in order: one per `metricsPerFile` records.
        package var keys: [String]
        package var day: Day
        package var recorded: Int
        /// Artists that already had a record for the day and were not fetched again.
        package var alreadyRecorded: Int
        package var withoutFollowers: Int
        package var failures: [IngestFailure]
        package var mode: SpotifyAPIMode
    }

    /// Fetches every tracked artist that has no record for the day yet and appends raw files
    /// as the answers come in. Takes the lake lock.
    ///
    /// - Parameters:
    ///   - now: the capture time (the simulated clock in the demo).
    ///   - day: the capture day to file the records under, for back-fills; the records'
    ///     `captured_at` is that day at `now`'s time of day. A day after `now`'s is refused.
    package func ingestMetrics(now: Date, day: Day? = nil) async throws -> MetricsReport {
        try await LakeLock.withLock(store, command: "ingest metrics") {
            try await ingestMetricsLocked(now: now, day: day)
        }
    }

    private func ingestMetricsLocked(now: Date, day requested: Day?) async throws -> MetricsReport {
        let (day, captured) = try IngestionJobs.captureTime(now: now, day: requested, what: "metrics")
        // The token's round trip overlaps reading the roster, the day's records and the
        // remembered mode (a run with nothing to fetch spends one token request on it).
        async let tokenFetched: Void = spotify.prefetchToken()

        let roster = try await TrackedArtists.load(from: store)
        guard !roster.artists.isEmpty else {
            throw EngineError.invalidInput("no tracked artists in \(store.location): add some with `momentum artists add`")
        }
        var failures = roster.invalidEntryFailures
        let recordedAlready = try await IngestionJobs.artistsRecorded(on: day, in: store)
        let due = roster.validEntries.filter { !recordedAlready.contains($0.id.rawValue) }
        guard !due.isEmpty else {
            await tokenFetched
            return MetricsReport(keys: [], day: day, recorded: 0, alreadyRecorded: roster.validEntries.count, withoutFollowers: 0,
                                 failures: failures, mode: await spotify.apiMode)
        }
        // The app's access is what it is now, whatever day the records are filed under.
        let today = Instant(nanosecondsSinceEpoch: try IngestionJobs.nanoseconds(now)).day
        let remembered = await SpotifyModeRecord.load(from: store, on: today, logger: logger)
        if let remembered { await spotify.assume(remembered.mode) }
        await tokenFetched
        progress?(EngineProgress(phase: .fetching, completed: 0, total: due.count))
        var output = MetricsOutput(store: store, day: day, now: now, flushAt: metricsPerFile)
        var completed = 0
        // Batches of 50 (one request each in extended quota), a few more in flight than the
        // client's 4 concurrent requests so it never idles; answers are filed as they arrive,
        // a file every `metricsPerFile` records, so memory holds one file's records and a kill
        // loses at most that many answers (the rerun asks only for artists not yet filed).
        let batches = stride(from: 0, to: due.count, by: SpotifyClient.artistBatchSize).map {
            Array(due[$0..<min($0 + SpotifyClient.artistBatchSize, due.count)])
        }
        var next = 0
        if remembered == nil, let first = batches.first {
            // The first batch alone tells SpotifyKit whether the batch endpoint exists for this
            // app, so the others do not all try it (a remembered mode says it already).
            next = 1
            try await output.add(first, await spotify.artists(first.map(\.id)), captured: captured, source: source, failures: &failures)
            completed += first.count
            progress?(EngineProgress(phase: .fetching, completed: completed, total: due.count))
        }
        try await withThrowingTaskGroup(of: ([TrackedArtists.ValidEntry], [Result<Artist, SpotifyError>]).self) { group in
            func startNext() {
                guard next < batches.count else { return }
                let batch = batches[next]
                group.addTask { (batch, await spotify.artists(batch.map(\.id))) }
                next += 1
            }
            for _ in 0..<8 { startNext() }
            while let (batch, results) = try await group.next() {
                startNext()
                try await output.add(batch, results, captured: captured, source: source, failures: &failures)
                completed += batch.count
                progress?(EngineProgress(phase: .fetching, completed: completed, total: due.count))
                if Task.isCancelled {
                    // Stopped (a deadline, a signal): keep what has arrived, so the rerun
                    // asks only for the rest.
                    try await output.flush()
                    throw CancellationError()
                }
            }
        }
        try await output.flush()
        let mode = await spotify.apiMode
        try await SpotifyModeRecord.update(in: store, on: today, remembered: remembered, seen: mode, asked: output.recorded > 0)
        return MetricsReport(keys: output.keys, day: day, recorded: output.recorded, alreadyRecorded: recordedAlready.count,
                             withoutFollowers: output.withoutFollowers, failures: failures, mode: mode)
    }

    /// The artists with at least one readable record filed under `day`.
    package static func artistsRecorded(on day: Day, in store: any ObjectStore) async throws -> Set<String> {
        var recorded = Set<String>()
        let prefix = "\(LakeDataset.artistMetrics.prefix)dt=\(day.isoString)/"
        for info in try await store.list(prefix: prefix) where LakeLayout.isDataKey(info.key) {
            let file = try JSONLines.decode(MetricObservation.self, from: try await store.get(info.key), source: info.key, partitionDay: day.isoString)
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
        let today = Instant(nanosecondsSinceEpoch: try nanoseconds(now)).day
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

    /// The day records are filed under (`requested`, else `now`'s) and their capture time: that
    /// day at `now`'s time of day. A day after `now`'s is refused.
    static func captureTime(now: Date, day requested: Day?, what: String) throws -> (day: Day, captured: Int64) {
        let nowNanoseconds = try nanoseconds(now)
        let today = Instant(nanosecondsSinceEpoch: nowNanoseconds).day
        let day = requested ?? today
        guard day <= today else {
            throw EngineError.invalidInput("the capture day \(day) is in the future (today is \(today) UTC): \(what) can only be recorded for days that have begun")
        }
        let perDay: Int64 = 86_400_000_000_000
        return (day, day.start.nanosecondsSinceEpoch + ((nowNanoseconds % perDay) + perDay) % perDay)
    }

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

/// Raw records buffered up to a file's worth, then put atomically under a run id of their own
/// (lake.md: raw files are append-only, one per run id): a kill loses at most the buffer, and
/// a rerun asks only for what no file holds.
struct RawFileOutput<Record: JSONLineRecord> {
    let store: any ObjectStore
    let dataset: LakeDataset
    let day: Day
    let now: Date
    let flushAt: Int
    /// The next file's lines, encoded as records arrive (between answers, while requests are
    /// in flight), so that the last file's put does not wait for its encoding.
    private var lines: [UInt8] = []
    private var buffered = 0
    private(set) var keys: [String] = []
    private(set) var recorded = 0

    init(store: any ObjectStore, dataset: LakeDataset, day: Day, now: Date, flushAt: Int) {
        self.store = store
        self.dataset = dataset
        self.day = day
        self.now = now
        self.flushAt = max(1, flushAt)
    }

    /// Adds a record, as `JSONLines.encode` writes it.
    mutating func append(_ record: Record) {
        JSONLines.appendLine(record, to: &lines)
        buffered += 1
        recorded += 1
    }

    /// Puts the buffer once it holds a file's worth (called between answers, so that one
    /// answer's records stay in one file).
    mutating func flushIfFull() async throws {
        if buffered >= flushAt { try await flush() }
    }

    mutating func flush() async throws {
        guard buffered > 0 else { return }
        let key = LakeLayout.rawKey(dataset, day: day.isoString, runID: try IngestionJobs.runID(now))
        try await store.put(key, bytes: lines)
        keys.append(key)
        lines.removeAll(keepingCapacity: true)
        buffered = 0
    }
}

/// The daily job's raw output: Spotify's answers as raw metric records.
struct MetricsOutput {
    private var output: RawFileOutput<MetricObservation>
    private(set) var withoutFollowers = 0
    var keys: [String] { output.keys }
    var recorded: Int { output.recorded }

    init(store: any ObjectStore, day: Day, now: Date, flushAt: Int) {
        output = RawFileOutput(store: store, dataset: .artistMetrics, day: day, now: now, flushAt: flushAt)
    }

    mutating func add(_ batch: [TrackedArtists.ValidEntry], _ results: [Result<Artist, SpotifyError>], captured: Int64, source: String,
                      failures: inout [IngestFailure]) async throws {
        for (entry, result) in zip(batch, results) {
            switch result {
            case .success(let artist):
                // SpotifyKit checked the id and ranges; the conversions below cannot fail.
                output.append(MetricObservation(
                    artistID: entry.id.rawValue, artistName: artist.name, followers: artist.followerCount.map(Int64.init),
                    popularity: artist.popularity.flatMap(Int32.init(exactly:)), genres: artist.genres ?? [],
                    capturedAt: Instant(nanosecondsSinceEpoch: captured), source: source))
                if artist.followerCount == nil { withoutFollowers += 1 }
            case .failure(let error):
                failures.append(IngestFailure(artistID: entry.id.rawValue, artistName: entry.name, error: error))
            }
        }
        try await output.flushIfFull()
    }

    mutating func flush() async throws {
        try await output.flush()
    }
}
