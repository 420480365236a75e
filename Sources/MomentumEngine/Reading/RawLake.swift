// The raw lake read whole and analysed in memory: what a first transform of a small lake, the
// demo and the read commands without processed tables compute from. Larger lakes stream
// (Transform/Streaming); daily runs read a window (Transform/Incremental).

import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumAnalytics
import MomentumText

/// The raw lake, decoded and grouped by artist.
package struct RawLake: Sendable {
    /// Artists in id order, each with its observations and releases in read order.
    package var artists: [ArtistInput]
    package var malformed: [MalformedLine]
    package var files: Int
    package var bytes: Int
    package var metricRecords: Int
    package var releaseRecords: Int
    /// Raw audience records (metrics.md section 8).
    package var audienceRecords = 0

    package struct ArtistInput: Sendable {
        package var artistID: String
        package var observations: [MetricObservation]
        package var releases: [ReleaseRecord]
        /// The artist's raw audience records, in read order.
        package var audience: [AudienceObservation] = []
    }

    /// The same lake restricted to one artist.
    package func only(artistID: String) -> RawLake {
        var copy = self
        copy.artists = artists.filter { $0.artistID == artistID }
        return copy
    }

    /// Every day with an observation, of Spotify or of another source.
    package var observedDays: Set<Day> {
        var days = Set<Day>()
        for artist in artists {
            for observation in artist.observations { days.insert(observation.capturedAt.day) }
            for observation in artist.audience { days.insert(observation.capturedAt.day) }
        }
        return days
    }

}

/// Everything the engine computes from one lake.
package struct LakeAnalysis: Sendable {
    package var analyses: [ArtistAnalysis]
    package var asOf: Day?
    package var leaderboard: [MomentumRow]

    package init(analyses: [ArtistAnalysis], asOf: Day?, leaderboard: [MomentumRow]) {
        self.analyses = analyses
        self.asOf = asOf
        self.leaderboard = leaderboard
    }
}

extension LocalEngine {
    // MARK: Reading

    /// Reads and groups every raw record of the lake.
    package func loadRawLake() async throws -> RawLake {
        let report = progress
        async let metricsRead = RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store) { done, total in
            report?(EngineProgress(phase: .reading, completed: done, total: total))
        }
        async let releasesRead = RawLakeReader.read(ReleaseRecord.self, dataset: .releases, from: store)
        async let audienceRead = RawLakeReader.read(AudienceObservation.self, dataset: .audience, from: store)
        let metrics = try await metricsRead
        let releases = try await releasesRead
        let audience = try await audienceRead

        var observations: [String: [MetricObservation]] = [:]
        LocalEngine.appendObservations(metrics, to: &observations)
        let releaseRecords = LocalEngine.releasesByArtist(releases)
        let audienceRecords = LocalEngine.byArtist(audience)
        let ids = Set(observations.keys).union(releaseRecords.keys).union(audienceRecords.keys).sorted { UTF8Order.less($0, $1) }
        let artists = ids.map {
            RawLake.ArtistInput(artistID: $0, observations: observations[$0] ?? [], releases: releaseRecords[$0] ?? [],
                                audience: audienceRecords[$0] ?? [])
        }
        let malformed = metrics.malformed + releases.malformed + audience.malformed
        for line in malformed {
            logger.debug("skipped a malformed line", metadata: ["line": "\(line)"])
        }
        var lake = RawLake(
            artists: artists, malformed: malformed, files: metrics.files + releases.files + audience.files,
            bytes: metrics.bytes + releases.bytes + audience.bytes, metricRecords: metrics.recordCount,
            releaseRecords: releases.recordCount
        )
        lake.audienceRecords = audience.recordCount
        return lake
    }

    /// Appends the records, in read order, to their artists' observations.
    static func appendObservations(_ metrics: RawReadResult<MetricObservation>, to observations: inout [String: [MetricObservation]]) {
        for record in metrics.recordsByFile.joined() { observations[record.artistID, default: []].append(record) }
    }

    /// The release records by artist, in read order.
    static func releasesByArtist(_ releases: RawReadResult<ReleaseRecord>) -> [String: [ReleaseRecord]] {
        var byArtist: [String: [ReleaseRecord]] = [:]
        for record in releases.recordsByFile.joined() { byArtist[record.artistID, default: []].append(record) }
        return byArtist
    }

    /// The audience records by artist, in read order.
    static func byArtist(_ audience: RawReadResult<AudienceObservation>) -> [String: [AudienceObservation]] {
        var byArtist: [String: [AudienceObservation]] = [:]
        for record in audience.recordsByFile.joined() { byArtist[record.artistID, default: []].append(record) }
        return byArtist
    }

    // MARK: Computing

    /// Runs the analytics for every artist (in parallel) and ranks the leaderboard.
    ///
    /// - Parameter asOf: the leaderboard day; when nil, the contract's default (the latest day
    ///   on which some series of some artist has a count).
    package func analyze(_ lake: RawLake, asOf: Day? = nil) async -> LakeAnalysis {
        let report = progress
        let analyses = await LocalEngine.parallelMap(lake.artists, progress: { done, total in
            report?(EngineProgress(phase: .analysing, completed: done, total: total))
        }) {
            ArtistAnalysis(artistID: $0.artistID, observations: $0.observations, releases: $0.releases, audience: $0.audience)
        }
        let day = asOf ?? Leaderboard.defaultAsOf(analyses)
        let entries = day.map { day in analyses.compactMap { $0.leaderboardEntry(asOf: day) } } ?? []
        return LakeAnalysis(analyses: analyses, asOf: day, leaderboard: Leaderboard.rank(entries))
    }

    /// Maps `items` on all cores, keeping their order; `progress` hears (items done, items).
    static func parallelMap<T: Sendable, R: Sendable>(
        _ items: [T], progress: ((Int, Int) -> Void)? = nil, _ transform: @escaping @Sendable (T) -> R
    ) async -> [R] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, items.count))
        guard workers > 1 else {
            defer { progress?(items.count, items.count) }
            return items.map(transform)
        }
        let chunk = (items.count + workers * 4 - 1) / (workers * 4)
        return await withTaskGroup(of: (Int, [R]).self) { group in
            for start in stride(from: 0, to: items.count, by: chunk) {
                let slice = Array(items[start..<min(start + chunk, items.count)])
                group.addTask { (start, slice.map(transform)) }
            }
            var parts: [(Int, [R])] = []
            var done = 0
            for await part in group {
                parts.append(part)
                done += part.1.count
                progress?(done, items.count)
            }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
