// The one read policy of everything that shows results (`report`, `releases impact`,
// `dashboard`, the Lambda's dashboard job): the processed tables when there are any, whichever
// tool wrote them (with a warning when raw data has arrived since), otherwise the raw lake,
// analysed now. Commands ask questions of a reading; none of them chooses a source.

import LakeKit
import MomentumAnalytics

/// Results of a lake, from its processed tables or its raw records.
package struct LakeReading: Sendable {
    /// Where the results come from.
    package enum Source: Sendable {
        case processed(ProcessedLake)
        case raw(RawLake)
    }

    package let engine: LocalEngine
    package let source: Source
    /// Set when the processed tables are older than the raw data.
    package let staleWarning: String?

    /// Chooses the source: the processed tables when there are any, else the raw lake.
    package static func open(_ engine: LocalEngine) async throws -> LakeReading {
        let processed = try await engine.processedLake()
        if !processed.isEmpty {
            return LakeReading(engine: engine, source: .processed(processed),
                               staleWarning: try await engine.staleProcessedWarning(processed))
        }
        return LakeReading(engine: engine, source: .raw(try await engine.loadRawLake()), staleWarning: nil)
    }

    /// True when there is nothing to show: no processed tables and no raw record.
    package var isEmpty: Bool {
        if case .raw(let lake) = source { return lake.artists.isEmpty }
        return false
    }

    /// The raw lake when results come from it (its malformed lines are the reader's to report).
    package var rawLake: RawLake? {
        if case .raw(let lake) = source { return lake }
        return nil
    }

    /// What a missing artist is missing from, for messages.
    package var place: String {
        switch source {
        case .processed: return "the processed tables at \(engine.store.location)/processed"
        case .raw: return "the lake at \(engine.store.location)"
        }
    }

    /// Every artist's analysis and the leaderboard as of `asOf` (the contract's default day
    /// when nil).
    package func analysis(asOf: Day?) async throws -> LakeAnalysis {
        switch source {
        case .processed(let processed):
            let analyses = try await engine.processedAnalyses(processed)
            let (day, rows) = try await engine.processedLeaderboard(processed, asOf: asOf)
            return LakeAnalysis(analyses: analyses, asOf: day, leaderboard: rows)
        case .raw(let lake):
            return await engine.analyze(lake, asOf: asOf)
        }
    }

    /// One artist's analysis; nil when the artist is not there.
    package func artist(_ artistID: String) async throws -> ArtistAnalysis? {
        switch source {
        case .processed(let processed):
            return try await engine.processedAnalyses(processed, artistID: artistID).first
        case .raw(let lake):
            guard let input = lake.artists.first(where: { $0.artistID == artistID }) else { return nil }
            return ArtistAnalysis(artistID: input.artistID, observations: input.observations, releases: input.releases, audience: input.audience)
        }
    }

    /// A leaderboard and whom it could have listed.
    package struct Board: Sendable {
        /// The leaderboard's day.
        package var day: Day?
        package var rows: [MomentumRow]
        /// The latest day on which some artist has a follower count.
        package var latestWithData: Day?
        /// Every artist known to the lake (tracked, or ranked on some day).
        package var artists: Set<String>
    }

    /// The leaderboard as of `asOf` (the contract's default day when nil).
    package func leaderboard(asOf: Day?) async throws -> Board {
        switch source {
        case .processed(let processed):
            let (day, rows) = try await engine.processedLeaderboard(processed, asOf: asOf)
            var known = Set(try await TrackedArtists.load(from: engine.store).artists.map(\.id)).union(rows.map(\.artistID))
            if let latest = processed.latestLeaderboardDay, latest != day {
                known.formUnion(try await engine.processedLeaderboard(processed, asOf: latest).rows.map(\.artistID))
            }
            return Board(day: day, rows: rows, latestWithData: processed.latestLeaderboardDay, artists: known)
        case .raw(let lake):
            let analysis = await engine.analyze(lake, asOf: asOf)
            return Board(day: analysis.asOf, rows: analysis.leaderboard, latestWithData: Leaderboard.defaultAsOf(analysis.analyses),
                         artists: Set(analysis.analyses.map(\.artistID)))
        }
    }

    /// Every release event's impact, or one artist's; nil when that artist is not there.
    package func impacts(artistID: String?) async throws -> [ReleaseImpact]? {
        switch source {
        case .processed(let processed):
            // release_impact alone; artist_daily is read only to tell "no events" from "no such artist".
            let impacts = try await engine.processedImpacts(processed, artistID: artistID)
            if let artistID, impacts.isEmpty, try await engine.processedAnalyses(processed, artistID: artistID).isEmpty { return nil }
            return impacts
        case .raw(let lake):
            let subset = artistID.map { lake.only(artistID: $0) } ?? lake
            if artistID != nil, subset.artists.isEmpty { return nil }
            return await engine.analyze(subset).analyses.flatMap(\.impacts)
        }
    }
}
