// The daily job for the other audience sources (`momentum ingest audience`): Deezer's fans and
// Last.fm's listeners and plays of every tracked artist matched there, appended as raw audience
// files (lake.md v1.1), one per batch of answers. Idempotent per artist, source and day: a rerun
// after a kill or a failure asks only for the artist-sources that have no record for the day.
// Artists not matched yet are matched first, a bounded number per run (IdentityMatcher).

import AudienceKit
import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

extension IngestionJobs {
    package struct AudienceReport: Sendable {
        /// The raw files written, in order.
        package var keys: [String]
        package var day: Day
        package var sources: [AudienceSourceName]
        /// Records written (Last.fm gives two per artist: listeners and plays).
        package var recorded: Int
        /// Artist-sources asked and stored.
        package var stored: Int
        /// Artist-sources that already had records for the day.
        package var alreadyRecorded: Int
        /// Artists without a match, by source.
        package var unmatched: [AudienceSourceName: Int]
        /// Matches made or improved by this run.
        package var matched: [IdentityMatcher.Outcome]
        package var failures: [IngestFailure]
        /// Sources that refused or could not be reached for every artist asked of them.
        package var unreachable: [AudienceSourceName]
    }

    /// Artists matched per run, at most, when they have no match yet (matching costs a few
    /// requests per artist; the rest wait for the next runs).
    package static let matchesPerRun = 25

    /// Records the day's audience of every tracked artist on `sources`. Takes the lake lock.
    ///
    /// - Parameters:
    ///   - now: the capture time.
    ///   - day: the day to file the records under (a back-fill); not after `now`'s day.
    ///   - matchBudget: artists matched at most before the counts are asked.
    package func ingestAudience(sources: AudienceSources, now: Date, day: Day? = nil,
                                matchBudget: Int = IngestionJobs.matchesPerRun) async throws -> AudienceReport {
        try await LakeLock.withLock(store, command: "ingest audience") {
            try await ingestAudienceLocked(sources: sources, now: now, day: day, matchBudget: matchBudget)
        }
    }

    private func ingestAudienceLocked(sources: AudienceSources, now: Date, day requested: Day?, matchBudget: Int) async throws -> AudienceReport {
        let (day, captured) = try IngestionJobs.captureTime(now: now, day: requested, what: "audience counts")
        let roster = try await TrackedArtists.load(from: store)
        guard !roster.artists.isEmpty else {
            throw EngineError.invalidInput("no tracked artists in \(store.location): add some with `momentum artists add`")
        }
        var failures = roster.invalidEntryFailures
        let artists = roster.validEntries

        // Identity: the artists without a match (or matched by name only), a budget a run.
        let matcher = IdentityMatcher(store: store, spotify: spotify, sources: sources, logger: logger)
        var states: [String: IdentityState] = [:]
        // Read once, here: an artist without a document gets an empty one (what the matcher
        // would start from), so that the matcher need not read any again.
        for artist in artists {
            let id = artist.id.rawValue
            states[id] = try await IdentityState.load(artistID: id, from: store) ?? IdentityState(artistID: id)
        }
        let needing = artists.filter { artist in sources.enabled.contains { matcher.isDue(states[artist.id.rawValue], $0, now: now, force: false) } }
        var matched: [IdentityMatcher.Outcome] = []
        if !needing.isEmpty, matchBudget > 0 {
            progress?(EngineProgress(phase: .matching, completed: 0, total: min(matchBudget, needing.count)))
            for outcome in try await matcher.match(Array(needing.prefix(matchBudget)), roster: artists, now: now, known: states) {
                states[outcome.artistID] = outcome.state
                failures += outcome.failures
                if !outcome.changed.isEmpty { matched.append(outcome) }
            }
        }

        // What is due: each matched artist-source without a record for the day.
        let recorded = try await IngestionJobs.audienceRecorded(on: day, in: store)
        var due: [(artist: TrackedArtists.ValidEntry, source: AudienceSourceName, match: IdentityState.SourceMatch)] = []
        var unmatched: [AudienceSourceName: Int] = [:]
        var already = 0
        for source in sources.enabled {
            for artist in artists {
                guard let match = states[artist.id.rawValue]?.sources[source] else {
                    unmatched[source, default: 0] += 1
                    continue
                }
                if recorded.contains(AudienceKey(artistID: artist.id.rawValue, source: source.rawValue)) { already += 1 } else { due.append((artist, source, match)) }
            }
        }
        var output = RawFileOutput<AudienceObservation>(store: store, dataset: .audience, day: day, now: now, flushAt: metricsPerFile)
        var asked: [AudienceSourceName: (asked: Int, failed: Int)] = [:]
        var stored = 0
        progress?(EngineProgress(phase: .fetchingAudience, completed: 0, total: due.count))
        let at = Instant(nanosecondsSinceEpoch: captured)
        let work = due
        try await withThrowingTaskGroup(of: AudienceAnswer.self) { group in
            // The clients pace themselves to each source's rate; a few requests in flight keep
            // each busy without a burst.
            var next = 0
            while next < min(4, work.count) {
                group.addTask(operation: IngestionJobs.fetching(work[next], index: next, sources: sources, at: at))
                next += 1
            }
            var completed = 0
            while let answer = try await group.next() {
                if next < work.count {
                    group.addTask(operation: IngestionJobs.fetching(work[next], index: next, sources: sources, at: at))
                    next += 1
                }
                let artist = work[answer.index].artist, source = work[answer.index].source
                asked[source, default: (0, 0)].asked += 1
                switch answer.result {
                case .success(let records):
                    for record in records { output.append(record) }
                    stored += 1
                case .failure(let error as CancellationError):
                    throw error
                case .failure(let error):
                    asked[source, default: (0, 0)].failed += (error as? AudienceError)?.isServiceFailure == true ? 1 : 0
                    failures.append(IngestFailure(artistID: artist.id.rawValue, artistName: artist.name, error: error))
                }
                try await output.flushIfFull()
                completed += 1
                progress?(EngineProgress(phase: .fetchingAudience, completed: completed, total: work.count))
                if Task.isCancelled {
                    // Stopped (a deadline, a signal): keep what has arrived; the rerun asks for the rest.
                    try await output.flush()
                    throw CancellationError()
                }
            }
        }
        try await output.flush()
        let unreachable = asked.filter { $0.value.asked > 0 && $0.value.failed == $0.value.asked }.map(\.key).sorted()
        return AudienceReport(keys: output.keys, day: day, sources: sources.enabled, recorded: output.recorded, stored: stored,
                              alreadyRecorded: already, unmatched: unmatched, matched: matched, failures: failures, unreachable: unreachable)
    }

    /// The work the audience job has today on `sources`: artist-sources matched but without a
    /// record for the day, and artists due for matching (none when no source is on).
    package static func audienceDue(in store: any ObjectStore, now: Date, sources: AudienceSources) async throws -> Int {
        guard !sources.enabled.isEmpty else { return 0 }
        let (day, _) = try captureTime(now: now, day: nil, what: "audience counts")
        let recorded = try await audienceRecorded(on: day, in: store)
        var due = 0
        for artist in try await TrackedArtists.load(from: store).validEntries {
            let state = try await IdentityState.load(artistID: artist.id.rawValue, from: store)
            for source in sources.enabled {
                let unrecorded = state?.sources[source] != nil && !recorded.contains(AudienceKey(artistID: artist.id.rawValue, source: source.rawValue))
                if unrecorded || IdentityMatcher.isDue(state, source, now: now, force: false) { due += 1 }
            }
        }
        return due
    }

    /// One artist-source's answer, by its place in the job's list.
    struct AudienceAnswer: Sendable {
        var index: Int
        var result: Result<[AudienceObservation], any Error>
    }

    /// The work of one child task: the counts of one artist-source, never throwing.
    static func fetching(_ item: (artist: TrackedArtists.ValidEntry, source: AudienceSourceName, match: IdentityState.SourceMatch), index: Int,
                         sources: AudienceSources, at captured: Instant) -> @Sendable () async -> AudienceAnswer {
        let (artistID, source, match) = (item.artist.id.rawValue, item.source, item.match)
        return {
            do {
                return AudienceAnswer(index: index, result: .success(try await counts(of: artistID, on: source, match: match, sources: sources, at: captured)))
            } catch {
                return AudienceAnswer(index: index, result: .failure(error))
            }
        }
    }

    /// One artist's counts on one source, as raw records.
    static func counts(of artistID: String, on source: AudienceSourceName, match: IdentityState.SourceMatch, sources: AudienceSources,
                       at captured: Instant) async throws -> [AudienceObservation] {
        switch source {
        case .deezer:
            guard let deezer = sources.deezer else { return [] }
            guard let deezerID = Int64(match.id) else {
                throw EngineError.invalidInput("the Deezer match '\(TerminalText.sanitized(String(match.id.prefix(40))))' is not a Deezer artist id; set it with `momentum artists link`")
            }
            guard let artist = try await deezer.artist(id: deezerID) else {
                throw EngineError.invalidInput("Deezer has no artist \(deezerID) any more; match it again with `momentum artists link`")
            }
            return [AudienceObservation(artistID: artistID, artistName: artist.name, source: source.rawValue, sourceArtistID: match.id,
                                        metric: "fans", value: artist.fans, capturedAt: captured)]
        case .lastfm:
            guard let lastFM = sources.lastFM else { return [] }
            let found = IngestionJobs.isMBID(match.id) ? try await lastFM.artist(mbid: match.id) : try await lastFM.artist(named: match.id)
            guard let artist = found else {
                throw EngineError.invalidInput("Last.fm does not know '\(TerminalText.sanitized(String(match.id.prefix(60))))' any more; match it again with `momentum artists link`")
            }
            return [
                AudienceObservation(artistID: artistID, artistName: artist.name, source: source.rawValue, sourceArtistID: match.id,
                                    metric: "listeners", value: artist.listeners, capturedAt: captured),
                AudienceObservation(artistID: artistID, artistName: artist.name, source: source.rawValue, sourceArtistID: match.id,
                                    metric: "playcount", value: artist.playcount, capturedAt: captured),
            ]
        }
    }

    /// A MusicBrainz id: 36 characters, hexadecimal in groups of 8-4-4-4-12.
    static func isMBID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// An artist on a source.
    struct AudienceKey: Hashable {
        var artistID: String
        var source: String
    }

    /// The artist-sources with at least one readable record filed under `day`.
    static func audienceRecorded(on day: Day, in store: any ObjectStore) async throws -> Set<AudienceKey> {
        var recorded = Set<AudienceKey>()
        let prefix = "\(LakeDataset.audience.prefix)dt=\(day.isoString)/"
        for info in try await store.list(prefix: prefix) where LakeLayout.isDataKey(info.key) {
            let file = try JSONLines.decode(AudienceObservation.self, from: try await store.get(info.key), source: info.key, partitionDay: day.isoString)
            for record in file.records { recorded.insert(AudienceKey(artistID: record.artistID, source: record.source)) }
        }
        return recorded
    }
}
