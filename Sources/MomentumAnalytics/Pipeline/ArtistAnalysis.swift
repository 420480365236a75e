// The whole per-artist pipeline in one call. Work is artist by artist: memory grows with one
// artist's history, and artists can be analysed in parallel.

/// Everything the metric contract derives from one artist's raw data.
public struct ArtistAnalysis: Sendable {
    /// The artist.
    public let artistID: String
    /// Its release events (section 3).
    public let calendar: ReleaseCalendar
    /// Its `artist_daily` rows, in day order.
    public let daily: [ArtistDaily]
    /// Its `audience_daily` rows (section 8): series in source-then-metric order, each in day order.
    public let audience: [AudienceDaily]
    /// Its `artist_signals` rows: `spotify/followers` first, then the audience series in order.
    public let signals: [ArtistSignal]
    /// Its `release_impact` rows, one per event and series, in the same series order.
    public let impacts: [ReleaseImpact]

    /// Runs sections 1 to 5 and 8 of the contract for one artist.
    ///
    /// - Parameters:
    ///   - artistID: the artist.
    ///   - observations: the artist's raw metric observations, in the order read.
    ///   - releases: the artist's raw release records, in the order read.
    ///   - audience: the artist's raw audience records (section 8), in the order read.
    public init(artistID: String, observations: [MetricObservation], releases: [ReleaseRecord], audience: [AudienceObservation] = []) {
        self.artistID = artistID
        calendar = ReleaseCalendar(artistID: artistID, releases: releases)
        daily = DailyBuilder.build(artistID: artistID, observations: observations, calendar: calendar)
        self.audience = AudienceDailyBuilder.build(artistID: artistID, observations: audience)
        (signals, impacts) = ArtistAnalysis.signalsAndImpacts(calendar: calendar, daily: daily, audience: self.audience)
    }

    /// Sections 3 to 5 and 8 from daily rows another engine computed (the SQL twin on Athena
    /// writes `artist_daily` and `audience_daily`): signals and impacts of every series.
    ///
    /// - Parameters:
    ///   - artistID: the artist.
    ///   - daily: the artist's `artist_daily` rows, in day order.
    ///   - audience: its `audience_daily` rows, in series-then-day order.
    ///   - releases: its raw release records, in the order read.
    public init(artistID: String, daily: [ArtistDaily], audience: [AudienceDaily], releases: [ReleaseRecord]) {
        self.artistID = artistID
        calendar = ReleaseCalendar(artistID: artistID, releases: releases)
        self.daily = daily
        self.audience = audience
        (signals, impacts) = ArtistAnalysis.signalsAndImpacts(calendar: calendar, daily: daily, audience: audience)
    }

    private static func signalsAndImpacts(
        calendar: ReleaseCalendar, daily: [ArtistDaily], audience: [AudienceDaily]
    ) -> ([ArtistSignal], [ReleaseImpact]) {
        var signals = SpikeDetector.signals(daily: daily)
        var impacts = EventStudy.impacts(events: calendar.events, daily: daily)
        for rows in seriesRuns(audience) {
            signals += SpikeDetector.signals(series: rows)
            impacts += EventStudy.impacts(events: calendar.events, series: rows)
        }
        return (signals, impacts)
    }

    /// The rows of each series, in order (`audience` must be in series-then-day order).
    static func seriesRuns(_ audience: [AudienceDaily]) -> [[AudienceDaily]] {
        var runs: [[AudienceDaily]] = []
        var start = 0
        for end in audience.indices where end + 1 == audience.count || audience[end + 1].series != audience[start].series {
            runs.append(Array(audience[start...end]))
            start = end + 1
        }
        return runs
    }

    /// An analysis from tables already computed (the processed tables, whichever engine wrote
    /// them): nothing is recomputed. The calendar is rebuilt from the impacts' events; the
    /// tables do not carry each album's own release day or group, so every album of an event
    /// is dated on the event's day and its group is empty.
    public init(
        artistID: String, daily: [ArtistDaily], signals: [ArtistSignal], impacts: [ReleaseImpact], audience: [AudienceDaily] = []
    ) {
        self.artistID = artistID
        self.daily = daily.sorted { $0.day < $1.day }
        self.audience = audience.sorted { $0.series != $1.series ? $0.series < $1.series : $0.day < $1.day }
        func seriesOrder(_ a: AudienceSeries, _ b: AudienceSeries) -> Bool {
            a == .spotifyFollowers ? b != .spotifyFollowers : b == .spotifyFollowers ? false : a < b
        }
        self.signals = signals.sorted { $0.series != $1.series ? seriesOrder($0.series, $1.series) : $0.day < $1.day }
        self.impacts = impacts.sorted { $0.series != $1.series ? seriesOrder($0.series, $1.series) : $0.eventDay < $1.eventDay }
        // Every series has the same events: the calendar is read from the first one's.
        let firstSeries = self.impacts.first?.series
        calendar = ReleaseCalendar(events: self.impacts.filter { $0.series == firstSeries }.map { impact in
            let ids = impact.albumIDs.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let names = impact.albumNames.components(separatedBy: " | ")
            let albums = ids.enumerated().map { index, id in
                ReleaseEvent.Album(albumID: id, albumName: index < names.count ? names[index] : "", releaseDay: impact.eventDay, group: "")
            }
            return ReleaseEvent(artistID: artistID, eventDay: impact.eventDay, albums: albums)
        })
    }

    /// The artist's leaderboard entry as of a day (sections 6 and 8: from its primary series),
    /// nil when that series has no row in the last days.
    public func leaderboardEntry(asOf: Day) -> LeaderboardEntry? {
        let primary = Leaderboard.primarySeries(asOf: asOf, daily: daily, audience: audience)
        if primary == .spotifyFollowers {
            return Leaderboard.entry(asOf: asOf, daily: daily, signals: signals, impacts: impacts)
        }
        return Leaderboard.entry(asOf: asOf, rows: audience.filter { $0.series == primary }, daily: daily, signals: signals, impacts: impacts)
    }

    /// The signals of one series (section 8), in day order.
    public func signals(of series: AudienceSeries) -> [ArtistSignal] {
        signals.filter { $0.series == series }
    }

    /// The impacts of one series (section 8), in event order.
    public func impacts(of series: AudienceSeries) -> [ReleaseImpact] {
        impacts.filter { $0.series == series }
    }

    /// The rows of one audience series (section 8), in day order.
    public func audience(of series: AudienceSeries) -> [AudienceDaily] {
        audience.filter { $0.series == series }
    }

    /// The series the artist has counts of: `spotify/followers` when some `artist_daily` row
    /// has followers, then its audience series in order.
    public var countedSeries: [AudienceSeries] {
        var series: [AudienceSeries] = daily.contains { $0.followers != nil } ? [.spotifyFollowers] : []
        for run in ArtistAnalysis.seriesRuns(audience) where run.contains(where: { $0.value != nil }) { series.append(run[0].series) }
        return series
    }

    /// Change points of the log-growth series (section 7).
    public func changePoints() -> [ChangePoint] {
        ChangePointDetector.changePoints(daily: daily, eventDays: calendar.eventDays)
    }

    /// Release/growth cross-correlation at lags -14…28 (section 7).
    public func crossCorrelations() -> [LagCorrelation] {
        CrossCorrelation.correlations(daily: daily, eventDays: calendar.eventDays)
    }
}
