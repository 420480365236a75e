// What rules are evaluated on: the processed tables as MomentumAnalytics' types (each artist's
// daily, audience, signal and impact rows), the stored leaderboard snapshots, and the releases
// the weekly scans found new.

import MomentumAnalytics

/// The tables a set of rules reads.
public struct AlertInputs: Sendable {
    /// Each artist's rows (the months the evaluation needs, at least).
    public var analyses: [ArtistAnalysis]
    /// The stored leaderboard snapshots (`momentum`, one per `as_of`).
    public var leaderboards: [Day: [MomentumRow]]
    /// The releases the scans found new (`is_new`).
    public var newReleases: [NewRelease]

    /// A release a scan found new.
    public struct NewRelease: Sendable, Hashable {
        /// The tracked artist.
        public var artistID: String
        /// The Spotify album id.
        public var albumID: String
        /// The album's name.
        public var albumName: String
        /// `album`, `single` or `compilation`.
        public var albumType: String
        /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as Spotify gives it.
        public var releaseDate: String
        /// The UTC day of `discovered_at`.
        public var discovered: Day

        /// A release from its parts.
        public init(artistID: String, albumID: String, albumName: String, albumType: String, releaseDate: String, discovered: Day) {
            self.artistID = artistID
            self.albumID = albumID
            self.albumName = albumName
            self.albumType = albumType
            self.releaseDate = releaseDate
            self.discovered = discovered
        }
    }

    /// Inputs from their parts.
    public init(analyses: [ArtistAnalysis], leaderboards: [Day: [MomentumRow]] = [:], newReleases: [NewRelease] = []) {
        self.analyses = analyses
        self.leaderboards = leaderboards
        self.newReleases = newReleases
    }

    /// The latest day with a row in any table: the day a new rule starts from.
    public var latestDay: Day? {
        let rows = analyses.compactMap { analysis in
            [analysis.daily.last?.day, analysis.audience.map(\.day).max()].compactMap { $0 }.max()
        }
        return (rows + Array(leaderboards.keys) + newReleases.map(\.discovered)).max()
    }
}
