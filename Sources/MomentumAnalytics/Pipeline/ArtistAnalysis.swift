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
    /// Its `artist_signals` rows.
    public let signals: [ArtistSignal]
    /// Its `release_impact` rows, one per event.
    public let impacts: [ReleaseImpact]

    /// Runs sections 1 to 5 of the contract for one artist.
    ///
    /// - Parameters:
    ///   - artistID: the artist.
    ///   - observations: the artist's raw metric observations, in the order read.
    ///   - releases: the artist's raw release records, in the order read.
    public init(artistID: String, observations: [MetricObservation], releases: [ReleaseRecord]) {
        self.artistID = artistID
        calendar = ReleaseCalendar(artistID: artistID, releases: releases)
        daily = DailyBuilder.build(artistID: artistID, observations: observations, calendar: calendar)
        signals = SpikeDetector.signals(daily: daily)
        impacts = EventStudy.impacts(events: calendar.events, daily: daily)
    }

    /// An analysis from tables already computed (the processed tables, whichever engine wrote
    /// them): nothing is recomputed. The calendar is rebuilt from the impacts' events; the
    /// tables do not carry each album's own release day or group, so every album of an event
    /// is dated on the event's day and its group is empty.
    public init(artistID: String, daily: [ArtistDaily], signals: [ArtistSignal], impacts: [ReleaseImpact]) {
        self.artistID = artistID
        self.daily = daily.sorted { $0.day < $1.day }
        self.signals = signals.sorted { $0.day < $1.day }
        self.impacts = impacts.sorted { $0.eventDay < $1.eventDay }
        calendar = ReleaseCalendar(events: self.impacts.map { impact in
            let ids = impact.albumIDs.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let names = impact.albumNames.components(separatedBy: " | ")
            let albums = ids.enumerated().map { index, id in
                ReleaseEvent.Album(albumID: id, albumName: index < names.count ? names[index] : "", releaseDay: impact.eventDay, group: "")
            }
            return ReleaseEvent(artistID: artistID, eventDay: impact.eventDay, albums: albums)
        })
    }

    /// The artist's leaderboard entry as of a day (section 6), nil when its data is stale.
    public func leaderboardEntry(asOf: Day) -> LeaderboardEntry? {
        Leaderboard.entry(asOf: asOf, daily: daily, signals: signals, impacts: impacts)
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
