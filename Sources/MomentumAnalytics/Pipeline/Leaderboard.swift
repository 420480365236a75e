// Section 6 of the metric contract: the momentum leaderboard as of a day.
//
// The leaderboard is the one place where artists meet: each artist contributes one small
// `LeaderboardEntry` (built from its own rows alone), and ranking happens over those entries.
// That keeps the per-artist work streaming and the cross-artist work tiny.

/// One artist's contribution to the leaderboard, before ranking.
public struct LeaderboardEntry: Sendable, Hashable {
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
    /// `spikes_28d`.
    public var spikes28d: Int32
    /// `last_event_day`.
    public var lastEventDay: Day?
    /// `last_event_uplift`.
    public var lastEventUplift: Double?
    /// `last_event_car`.
    public var lastEventCar: Double?
    /// `series`: the primary series the entry is computed from (section 8).
    public var series: AudienceSeries

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(
        artistID: String, artistName: String, day: Day, followers: Int64? = nil, growth7d: Double? = nil,
        growth28d: Double? = nil, acceleration7d: Double? = nil, popularityChange28d: Int32? = nil,
        spikes28d: Int32, lastEventDay: Day? = nil, lastEventUplift: Double? = nil,
        lastEventCar: Double? = nil, series: AudienceSeries = .spotifyFollowers
    ) {
        self.series = series
        self.artistID = artistID
        self.artistName = artistName
        self.day = day
        self.followers = followers
        self.growth7d = growth7d
        self.growth28d = growth28d
        self.acceleration7d = acceleration7d
        self.popularityChange28d = popularityChange28d
        self.spikes28d = spikes28d
        self.lastEventDay = lastEventDay
        self.lastEventUplift = lastEventUplift
        self.lastEventCar = lastEventCar
    }
}

/// Section 6: the momentum leaderboard.
public enum Leaderboard {
    /// How far back from `as_of` an artist's latest row may lie.
    public static let freshnessDays = 3

    /// Component weights of the momentum score.
    public static let weights = (growth28d: 0.4, growth7d: 0.3, acceleration7d: 0.2, popularityChange28d: 0.1)

    /// The default `as_of` (contract v1.3): the latest day on which some series of some artist
    /// has a count (followers, or an audience value), or the latest day of all when none has.
    /// A day of Development Mode rows (all null) then does not hide a history brought in with
    /// `import csv`, nor Deezer's or Last.fm's counts.
    public static func defaultAsOf<Analyses: Sequence>(_ analyses: Analyses) -> Day? where Analyses.Element == ArtistAnalysis {
        var latestCounted: Day?
        var latest: Day?
        func see(_ day: Day?, counted: Day?) {
            if let day, latest.map({ day > $0 }) ?? true { latest = day }
            if let counted, latestCounted.map({ counted > $0 }) ?? true { latestCounted = counted }
        }
        for analysis in analyses {
            see(analysis.daily.last?.day, counted: analysis.daily.last(where: { $0.followers != nil })?.day)
            for row in analysis.audience {
                see(row.day, counted: row.value == nil ? nil : row.day)
            }
        }
        return latestCounted ?? latest
    }

    /// The artist's `spotify/followers` entry as of `asOf`, or nil when it has no row in
    /// `[asOf - 3, asOf]`. All inputs are the artist's own, in day order.
    public static func entry(
        asOf: Day, daily: [ArtistDaily], signals: [ArtistSignal], impacts: [ReleaseImpact]
    ) -> LeaderboardEntry? {
        entry(asOf: asOf, rows: daily, daily: daily, signals: signals, impacts: impacts)
    }

    /// The artist's entry as of `asOf` computed from one series' `rows` (section 8: its primary
    /// series), or nil when that series has no row in `[asOf - 3, asOf]`. `daily` is the
    /// artist's `artist_daily` (popularity comes from it whatever the series); signals and
    /// impacts of other series are ignored. All inputs are the artist's own, in day order.
    public static func entry<Row: SeriesRow>(
        asOf: Day, rows: [Row], daily: [ArtistDaily], signals: [ArtistSignal], impacts: [ReleaseImpact]
    ) -> LeaderboardEntry? {
        let index = DayIndex(days: rows.map(\.day))
        guard let position = (0...freshnessDays).lazy.compactMap({ index.position(of: asOf - $0) }).first else {
            return nil
        }
        let row = rows[position]
        let series = row.series
        var entry = LeaderboardEntry(
            artistID: row.artistID, artistName: row.artistName, day: row.day, followers: row.count,
            growth7d: row.growth7d, growth28d: row.growth28d, spikes28d: 0, series: series
        )
        if let g = row.growth7d, let i = index.position(of: row.day - 7), let earlier = rows[i].growth7d {
            entry.acceleration7d = g - earlier
        }
        let popularity = DayIndex(days: daily.map(\.day))
        if let i = popularity.position(of: row.day), let p = daily[i].popularity,
           let j = popularity.position(of: row.day - 28), let earlier = daily[j].popularity {
            entry.popularityChange28d = p - earlier
        }
        let windowStart = row.day - 27
        entry.spikes28d = Int32(signals.lazy.filter { $0.isSpike && $0.day >= windowStart && $0.day <= row.day && $0.series == series }.count)
        if let last = impacts.filter({ $0.eventDay <= row.day && $0.series == series }).max(by: { $0.eventDay < $1.eventDay }) {
            entry.lastEventDay = last.eventDay
            entry.lastEventUplift = last.uplift
            entry.lastEventCar = last.car
        }
        return entry
    }

    /// Section 8: the artist's primary series as of `asOf`, the first of `primaryOrder` with a
    /// count in `[asOf - 3, asOf]`; `spotify/followers` when none has one. `audience` is the
    /// artist's `audience_daily` rows.
    public static func primarySeries(asOf: Day, daily: [ArtistDaily], audience: [AudienceDaily]) -> AudienceSeries {
        let window = (asOf - freshnessDays)...asOf
        for series in AudienceSeries.primaryOrder {
            let counted = series == .spotifyFollowers
                ? daily.contains { window.contains($0.day) && $0.followers != nil }
                : audience.contains { window.contains($0.day) && $0.value != nil && $0.series == series }
            if counted { return series }
        }
        return .spotifyFollowers
    }

    /// Scores and ranks the entries: by momentum score descending (nulls last), then artist id.
    public static func rank(_ entries: [LeaderboardEntry]) -> [MomentumRow] {
        let components: [(weight: Double, value: (LeaderboardEntry) -> Double?)] = [
            (weights.growth28d, { $0.growth28d }),
            (weights.growth7d, { $0.growth7d }),
            (weights.acceleration7d, { $0.acceleration7d }),
            (weights.popularityChange28d, { $0.popularityChange28d.map(Double.init) }),
        ]
        let rankers = components.map { PercentileRanker(entries.compactMap($0.value)) }

        var scored: [(entry: LeaderboardEntry, score: Double?)] = entries.map { entry in
            var weighted = 0.0
            var totalWeight = 0.0
            for (component, ranker) in zip(components, rankers) {
                guard let value = component.value(entry) else { continue }
                weighted += component.weight * ranker.rank(of: value)
                totalWeight += component.weight
            }
            return (entry, totalWeight > 0 ? 100 * weighted / totalWeight : nil)
        }
        scored.sort { a, b in
            switch (a.score, b.score) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.entry.artistID.utf8Less(than: b.entry.artistID)
            }
        }
        return scored.enumerated().map { offset, item in
            let e = item.entry
            return MomentumRow(
                rank: Int32(offset + 1), artistID: e.artistID, artistName: e.artistName, day: e.day,
                followers: e.followers, growth7d: e.growth7d, growth28d: e.growth28d,
                acceleration7d: e.acceleration7d, popularityChange28d: e.popularityChange28d,
                momentumScore: item.score, spikes28d: e.spikes28d, lastEventDay: e.lastEventDay,
                lastEventUplift: e.lastEventUplift, lastEventCar: e.lastEventCar, series: e.series
            )
        }
    }
}

/// Percentile rank among a population: `(less + 0.5 × (equal - 1)) / (n - 1)`, 0.5 when n = 1.
struct PercentileRanker {
    private let sorted: [Double]

    init(_ values: [Double]) {
        sorted = values.sorted()
    }

    /// The rank of `value`, which must be a member of the population.
    func rank(of value: Double) -> Double {
        let n = sorted.count
        guard n > 1 else { return 0.5 }
        let less = sorted.lowerBound(of: value)
        let equal = sorted.upperBound(of: value) - less
        return (Double(less) + 0.5 * Double(equal - 1)) / Double(n - 1)
    }
}
