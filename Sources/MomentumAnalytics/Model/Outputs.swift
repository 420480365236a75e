// The outputs of the analytics, one type per processed table, with the columns of the
// metric contract. Field names are the Swift spelling of the contract's column names.

/// One row of `artist_daily`: an artist on a day.
public struct ArtistDaily: Sendable, Hashable {
    public var artistID: String
    public var artistName: String
    public var day: Day
    public var followers: Int64?
    public var popularity: Int32?
    public var prevDay: Day?
    public var gapDays: Int32?
    public var followerDelta: Int64?
    public var addsPerDay: Double?
    public var logGrowth: Double?
    public var pctChange: Double?
    public var growth7d: Double?
    public var growth28d: Double?
    public var popularityChange7d: Int32?
    public var releaseCount: Int32
    public var daysSinceRelease: Int32?

    /// The partition value, `YYYY-MM` of `day`.
    public var month: String { day.monthString }
}

/// A release event: a cluster of release dates no more than 7 days apart.
public struct ReleaseEvent: Sendable, Hashable {
    public var artistID: String
    /// The first release date of the cluster.
    public var eventDay: Day
    /// The de-duplicated albums of the cluster, in date-then-id order.
    public var albums: [Album]

    public struct Album: Sendable, Hashable {
        public var albumID: String
        public var albumName: String
        public var releaseDay: Day
        /// `album` or `single` (the album group, or the album type when the group is missing).
        public var group: String

        public init(albumID: String, albumName: String, releaseDay: Day, group: String) {
            self.albumID = albumID
            self.albumName = albumName
            self.releaseDay = releaseDay
            self.group = group
        }
    }
}

/// Whether an event has enough data around it for the event study.
public enum ImpactStatus: String, Sendable, Hashable {
    case ok
    case insufficientData = "insufficient_data"
}

/// One row of `release_impact`: the event study of one release event.
public struct ReleaseImpact: Sendable, Hashable {
    public var artistID: String
    public var artistName: String?
    public var eventDay: Day
    /// Album ids joined by `,` in date-then-id order.
    public var albumIDs: String
    /// Album names joined by ` | ` in the same order.
    public var albumNames: String
    public var nBaseline: Int32
    public var nWindow: Int32
    public var status: ImpactStatus
    public var baselineGrowth: Double?
    public var spread: Double?
    public var abnormalGrowth: Double?
    public var car: Double?
    public var tStat: Double?
    public var uplift: Double?
    public var contaminated: Bool
}

/// One row of `artist_signals`: the robust z-score of a day's adds.
public struct ArtistSignal: Sendable, Hashable {
    public var artistID: String
    public var day: Day
    public var addsPerDay: Double
    public var robustZ: Double?
    public var isSpike: Bool
    public var isDrop: Bool

    public var month: String { day.monthString }
}

/// One row of the `momentum` leaderboard.
public struct MomentumRow: Sendable, Hashable {
    public var rank: Int32
    public var artistID: String
    public var artistName: String
    public var day: Day
    public var followers: Int64?
    public var growth7d: Double?
    public var growth28d: Double?
    public var acceleration7d: Double?
    public var popularityChange28d: Int32?
    public var momentumScore: Double?
    public var spikes28d: Int32
    public var lastEventDay: Day?
    public var lastEventUplift: Double?
    public var lastEventCar: Double?
}

/// A change in an artist's growth regime.
public struct ChangePoint: Sendable, Hashable {
    /// The first day of the new segment.
    public var day: Day
    /// True when a release event lies within 3 days of it.
    public var releaseAligned: Bool
}

/// The correlation between release days and log growth `lag` days later.
public struct LagCorrelation: Sendable, Hashable {
    public var lag: Int
    /// Nil when either side has no variance or there are fewer than 3 pairs.
    public var correlation: Double?
    public var pairs: Int
}
