// Section 4 of the metric contract: how a release event moved an artist's growth.
//
// A classic event study: the estimation window (35 to 8 days before the event) gives the
// artist's normal growth and its robust spread; the event window (the event day and the 13
// days after it) is compared with it.

/// Section 4: the impact of each release event on growth.
public enum EventStudy {
    /// Minimum rows with log growth in the estimation window for a result.
    public static let minimumBaselineDays = 14
    /// Minimum rows with log growth in the event window for a result.
    public static let minimumWindowDays = 7

    /// The impact of every event of one artist on its `spotify/followers` series. `daily` must
    /// be the artist's `artist_daily` rows in day order.
    public static func impacts(events: [ReleaseEvent], daily: [ArtistDaily]) -> [ReleaseImpact] {
        impacts(events: events, series: daily)
    }

    /// The impact of every event of one artist on one series. `daily` must be that series' rows
    /// in day order: the artist's `artist_daily` (`spotify/followers`) or one series of its
    /// `audience_daily` (section 8). With no rows, the series is `spotify/followers`.
    public static func impacts<Row: SeriesRow>(events: [ReleaseEvent], series daily: [Row]) -> [ReleaseImpact] {
        let index = DayIndex(days: daily.map(\.day))
        let eventDays = events.map(\.eventDay)
        let artistName = daily.last?.artistName
        let series = daily.first?.series ?? .spotifyFollowers
        return events.map { impact(of: $0, artistName: artistName, daily: daily, index: index, allEventDays: eventDays, series: series) }
    }

    static func impact<Row: SeriesRow>(
        of event: ReleaseEvent, artistName: String?, daily: [Row], index: DayIndex, allEventDays: [Day], series: AudienceSeries
    ) -> ReleaseImpact {
        let r = event.eventDay
        let estimation = index.positions(from: r - 35, through: r - 8).filter { daily[$0].logGrowth != nil }
        let window = index.positions(from: r, through: r + 13).filter { daily[$0].logGrowth != nil }
        let contaminated = allEventDays.contains { $0 >= r - 35 && $0 <= r - 1 }

        var result = ReleaseImpact(
            artistID: event.artistID, artistName: artistName, eventDay: r,
            albumIDs: event.albums.map(\.albumID).joined(separator: ","),
            albumNames: event.albums.map(\.albumName).joined(separator: " | "),
            nBaseline: Int32(estimation.count), nWindow: Int32(window.count),
            status: .insufficientData, contaminated: contaminated, series: series
        )
        guard estimation.count >= minimumBaselineDays, window.count >= minimumWindowDays else { return result }

        // Rows with log growth always have adds_per_day (both need a previous day).
        let baselineGrowth = estimation.compactMap { daily[$0].logGrowth }
        let windowGrowth = window.compactMap { daily[$0].logGrowth }
        guard let baseline = Statistics.median(baselineGrowth),
              let mad = Statistics.medianAbsoluteDeviation(baselineGrowth, from: baseline),
              let windowMean = Statistics.mean(windowGrowth)
        else { return result }
        let spread = 1.4826 * mad
        let abnormal = windowMean - baseline
        result.status = .ok
        result.baselineGrowth = baseline
        result.spread = spread
        result.abnormalGrowth = abnormal
        result.car = 14 * abnormal
        if spread > 0 {
            result.tStat = abnormal / (spread / Statistics.squareRoot(Double(window.count)))
        }
        if let baselineAdds = Statistics.median(estimation.compactMap { daily[$0].addsPerDay }), baselineAdds > 0,
           let windowAdds = Statistics.mean(window.compactMap { daily[$0].addsPerDay }) {
            result.uplift = windowAdds / baselineAdds - 1
        }
        return result
    }
}
