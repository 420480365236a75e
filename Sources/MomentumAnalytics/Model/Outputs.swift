// The outputs of the analytics, one type per processed table, with the columns of the
// metric contract. Field names are the Swift spelling of the contract's column names.

/// One row of `artist_daily`: an artist on a day.
public struct ArtistDaily: Sendable, Hashable {
    /// `artist_id`.
    public var artistID: String
    /// `artist_name`: the latest name seen.
    public var artistName: String
    /// `day` (UTC).
    public var day: Day
    /// `followers`; nil in Development Mode.
    public var followers: Int64?
    /// `popularity` (0 to 100); nil in Development Mode.
    public var popularity: Int32?
    /// `prev_day`: the previous day with followers.
    public var prevDay: Day?
    /// `gap_days` since `prev_day`.
    public var gapDays: Int32?
    /// `follower_delta` since `prev_day`.
    public var followerDelta: Int64?
    /// `adds_per_day`: `follower_delta / gap_days`.
    public var addsPerDay: Double?
    /// `log_growth`: `ln(F / F_prev) / gap_days`.
    public var logGrowth: Double?
    /// `pct_change` since `prev_day`.
    public var pctChange: Double?
    /// `growth_7d`: growth over 7 days, a fraction.
    public var growth7d: Double?
    /// `growth_28d`: growth over 28 days, a fraction.
    public var growth28d: Double?
    /// `popularity_change_7d`.
    public var popularityChange7d: Int32?
    /// `release_count`: releases on the day.
    public var releaseCount: Int32
    /// `days_since_release`.
    public var daysSinceRelease: Int32?

    /// The partition value, `YYYY-MM` of `day`.
    public var month: String { day.monthString }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(
        artistID: String, artistName: String, day: Day, followers: Int64? = nil, popularity: Int32? = nil,
        prevDay: Day? = nil, gapDays: Int32? = nil, followerDelta: Int64? = nil, addsPerDay: Double? = nil,
        logGrowth: Double? = nil, pctChange: Double? = nil, growth7d: Double? = nil, growth28d: Double? = nil,
        popularityChange7d: Int32? = nil, releaseCount: Int32, daysSinceRelease: Int32? = nil
    ) {
        self.artistID = artistID
        self.artistName = artistName
        self.day = day
        self.followers = followers
        self.popularity = popularity
        self.prevDay = prevDay
        self.gapDays = gapDays
        self.followerDelta = followerDelta
        self.addsPerDay = addsPerDay
        self.logGrowth = logGrowth
        self.pctChange = pctChange
        self.growth7d = growth7d
        self.growth28d = growth28d
        self.popularityChange7d = popularityChange7d
        self.releaseCount = releaseCount
        self.daysSinceRelease = daysSinceRelease
    }
}

/// One row of `audience_daily` (section 8): an artist's count on another source on a day, with
/// the growth columns `artist_daily` computes from followers.
public struct AudienceDaily: Sendable, Hashable {
    /// `artist_id`: the tracked artist's Spotify id.
    public var artistID: String
    /// `artist_name`: as the source named it in the day's kept record.
    public var artistName: String
    /// `source`: `deezer`, `lastfm`.
    public var source: String
    /// `metric`: `fans`, `listeners`, `playcount`.
    public var metric: String
    /// `day` (UTC).
    public var day: Day
    /// `value`: the count; nil when the source did not return it.
    public var value: Int64?
    /// `prev_day`: the previous day with a value.
    public var prevDay: Day?
    /// `gap_days` since `prev_day`.
    public var gapDays: Int32?
    /// `delta` since `prev_day` (`artist_daily`'s `follower_delta`).
    public var delta: Int64?
    /// `adds_per_day`: `delta / gap_days`.
    public var addsPerDay: Double?
    /// `log_growth`: `ln(V / V_prev) / gap_days`.
    public var logGrowth: Double?
    /// `pct_change` since `prev_day`.
    public var pctChange: Double?
    /// `growth_7d`: growth over 7 days, a fraction.
    public var growth7d: Double?
    /// `growth_28d`: growth over 28 days, a fraction.
    public var growth28d: Double?

    /// The series of the row.
    public var series: AudienceSeries { AudienceSeries(source: source, metric: metric) }

    /// The partition value, `YYYY-MM` of `day`.
    public var month: String { day.monthString }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(
        artistID: String, artistName: String, source: String, metric: String, day: Day, value: Int64? = nil,
        prevDay: Day? = nil, gapDays: Int32? = nil, delta: Int64? = nil, addsPerDay: Double? = nil,
        logGrowth: Double? = nil, pctChange: Double? = nil, growth7d: Double? = nil, growth28d: Double? = nil
    ) {
        self.artistID = artistID
        self.artistName = artistName
        self.source = source
        self.metric = metric
        self.day = day
        self.value = value
        self.prevDay = prevDay
        self.gapDays = gapDays
        self.delta = delta
        self.addsPerDay = addsPerDay
        self.logGrowth = logGrowth
        self.pctChange = pctChange
        self.growth7d = growth7d
        self.growth28d = growth28d
    }
}

/// A release event: a cluster of release dates no more than 7 days apart.
public struct ReleaseEvent: Sendable, Hashable {
    /// The artist.
    public var artistID: String
    /// The first release date of the cluster.
    public var eventDay: Day
    /// The de-duplicated albums of the cluster, in date-then-id order.
    public var albums: [Album]

    /// One album of an event.
    public struct Album: Sendable, Hashable {
        /// The album's id.
        public var albumID: String
        /// The album's name.
        public var albumName: String
        /// Its release day.
        public var releaseDay: Day
        /// `album` or `single` (the album group, or the album type when the group is missing).
        public var group: String

        /// An album of an event.
        public init(albumID: String, albumName: String, releaseDay: Day, group: String) {
            self.albumID = albumID
            self.albumName = albumName
            self.releaseDay = releaseDay
            self.group = group
        }
    }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(artistID: String, eventDay: Day, albums: [Album]) {
        self.artistID = artistID
        self.eventDay = eventDay
        self.albums = albums
    }
}

/// Whether an event has enough data around it for the event study.
public enum ImpactStatus: String, Sendable, Hashable {
    /// Enough days before and after the event.
    case ok
    /// Too few baseline or window days: no impact figures.
    case insufficientData = "insufficient_data"
}

/// One row of `release_impact`: the event study of one release event.
public struct ReleaseImpact: Sendable, Hashable {
    /// `artist_id`.
    public var artistID: String
    /// `artist_name`: the latest name seen.
    public var artistName: String?
    /// `event_day`.
    public var eventDay: Day
    /// Album ids joined by `,` in date-then-id order.
    public var albumIDs: String
    /// Album names joined by ` | ` in the same order.
    public var albumNames: String
    /// `n_baseline`: baseline days with growth.
    public var nBaseline: Int32
    /// `n_window`: window days with growth.
    public var nWindow: Int32
    /// `status`.
    public var status: ImpactStatus
    /// `baseline_growth`: median baseline log growth.
    public var baselineGrowth: Double?
    /// `spread`: 1.4826 × MAD of baseline log growth.
    public var spread: Double?
    /// `abnormal_growth`: mean window log growth minus the baseline.
    public var abnormalGrowth: Double?
    /// `car`: cumulative abnormal growth over 14 days.
    public var car: Double?
    /// `t_stat`.
    public var tStat: Double?
    /// `uplift`: window adds per day over baseline adds per day, minus 1.
    public var uplift: Double?
    /// `contaminated`: another event falls in the window.
    public var contaminated: Bool
    /// `source` of the series the impact is measured on (section 8): `spotify` for `artist_daily`.
    public var source: String
    /// `metric` of that series: `followers` for `artist_daily`.
    public var metric: String

    /// The series the impact is measured on.
    public var series: AudienceSeries { AudienceSeries(source: source, metric: metric) }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(
        artistID: String, artistName: String? = nil, eventDay: Day, albumIDs: String, albumNames: String,
        nBaseline: Int32, nWindow: Int32, status: ImpactStatus, baselineGrowth: Double? = nil,
        spread: Double? = nil, abnormalGrowth: Double? = nil, car: Double? = nil, tStat: Double? = nil,
        uplift: Double? = nil, contaminated: Bool, series: AudienceSeries = .spotifyFollowers
    ) {
        self.source = series.source
        self.metric = series.metric
        self.artistID = artistID
        self.artistName = artistName
        self.eventDay = eventDay
        self.albumIDs = albumIDs
        self.albumNames = albumNames
        self.nBaseline = nBaseline
        self.nWindow = nWindow
        self.status = status
        self.baselineGrowth = baselineGrowth
        self.spread = spread
        self.abnormalGrowth = abnormalGrowth
        self.car = car
        self.tStat = tStat
        self.uplift = uplift
        self.contaminated = contaminated
    }
}

/// One row of `artist_signals`: the robust z-score of a day's adds.
public struct ArtistSignal: Sendable, Hashable {
    /// `artist_id`.
    public var artistID: String
    /// `day` (UTC).
    public var day: Day
    /// `adds_per_day`: `follower_delta / gap_days`.
    public var addsPerDay: Double
    /// `robust_z` of `adds_per_day`.
    public var robustZ: Double?
    /// `is_spike`.
    public var isSpike: Bool
    /// `is_drop`.
    public var isDrop: Bool
    /// `source` of the series (section 8): `spotify` for `artist_daily`.
    public var source: String
    /// `metric` of the series: `followers` for `artist_daily`.
    public var metric: String

    /// The series the signal is measured on.
    public var series: AudienceSeries { AudienceSeries(source: source, metric: metric) }

    /// The partition value, `YYYY-MM` of `day`.
    public var month: String { day.monthString }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(artistID: String, day: Day, addsPerDay: Double, robustZ: Double? = nil, isSpike: Bool, isDrop: Bool,
                series: AudienceSeries = .spotifyFollowers) {
        self.source = series.source
        self.metric = series.metric
        self.artistID = artistID
        self.day = day
        self.addsPerDay = addsPerDay
        self.robustZ = robustZ
        self.isSpike = isSpike
        self.isDrop = isDrop
    }
}

/// One row of the `momentum` leaderboard.
public struct MomentumRow: Sendable, Hashable {
    /// `rank`, 1-based.
    public var rank: Int32
    /// `artist_id`.
    public var artistID: String
    /// `artist_name`: the latest name seen.
    public var artistName: String
    /// `day` (UTC).
    public var day: Day
    /// `followers`; nil in Development Mode.
    public var followers: Int64?
    /// `growth_7d`: growth over 7 days, a fraction.
    public var growth7d: Double?
    /// `growth_28d`: growth over 28 days, a fraction.
    public var growth28d: Double?
    /// `acceleration_7d`.
    public var acceleration7d: Double?
    /// `popularity_change_28d`.
    public var popularityChange28d: Int32?
    /// `momentum_score`, 0 to 100; nil when no component is known.
    public var momentumScore: Double?
    /// `spikes_28d`.
    public var spikes28d: Int32
    /// `last_event_day`.
    public var lastEventDay: Day?
    /// `last_event_uplift`.
    public var lastEventUplift: Double?
    /// `last_event_car`.
    public var lastEventCar: Double?
    /// `series`: the artist's primary series that ranks it (section 8), e.g. `deezer/fans`;
    /// `followers` is that series' count.
    public var series: AudienceSeries

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(
        rank: Int32, artistID: String, artistName: String, day: Day, followers: Int64? = nil,
        growth7d: Double? = nil, growth28d: Double? = nil, acceleration7d: Double? = nil,
        popularityChange28d: Int32? = nil, momentumScore: Double? = nil, spikes28d: Int32,
        lastEventDay: Day? = nil, lastEventUplift: Double? = nil, lastEventCar: Double? = nil,
        series: AudienceSeries = .spotifyFollowers
    ) {
        self.series = series
        self.rank = rank
        self.artistID = artistID
        self.artistName = artistName
        self.day = day
        self.followers = followers
        self.growth7d = growth7d
        self.growth28d = growth28d
        self.acceleration7d = acceleration7d
        self.popularityChange28d = popularityChange28d
        self.momentumScore = momentumScore
        self.spikes28d = spikes28d
        self.lastEventDay = lastEventDay
        self.lastEventUplift = lastEventUplift
        self.lastEventCar = lastEventCar
    }
}

/// A change in an artist's growth regime.
public struct ChangePoint: Sendable, Hashable {
    /// The first day of the new segment.
    public var day: Day
    /// True when a release event lies within 3 days of it.
    public var releaseAligned: Bool

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(day: Day, releaseAligned: Bool) {
        self.day = day
        self.releaseAligned = releaseAligned
    }
}

/// The correlation between release days and log growth `lag` days later.
public struct LagCorrelation: Sendable, Hashable {
    /// Days from a release to the growth it is paired with.
    public var lag: Int
    /// Nil when either side has no variance or there are fewer than 3 pairs.
    public var correlation: Double?
    /// Pairs the correlation is over.
    public var pairs: Int

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(lag: Int, correlation: Double? = nil, pairs: Int) {
        self.lag = lag
        self.correlation = correlation
        self.pairs = pairs
    }
}
