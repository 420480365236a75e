// Section 8 of the metric contract: raw audience records become `audience_daily`, one row per
// artist, series and day, with the growth columns of section 2 computed from the value.

/// Builds `audience_daily` rows for one artist.
public enum AudienceDailyBuilder {
    /// The artist's rows: series in source-then-metric order, each in day order.
    ///
    /// - Parameters:
    ///   - artistID: the artist.
    ///   - observations: the artist's raw audience records, in the order read (the last one
    ///     read wins a complete tie).
    public static func build(artistID: String, observations: [AudienceObservation]) -> [AudienceDaily] {
        guard !observations.isEmpty else { return [] }
        var bySeries: [AudienceSeries: [AudienceObservation]] = [:]
        for observation in observations { bySeries[observation.series, default: []].append(observation) }
        var rows: [AudienceDaily] = []
        rows.reserveCapacity(observations.count)
        for series in bySeries.keys.sorted() {
            rows += seriesRows(artistID: artistID, series: series, observations: bySeries[series] ?? [])
        }
        return rows
    }

    private static func seriesRows(artistID: String, series: AudienceSeries, observations: [AudienceObservation]) -> [AudienceDaily] {
        let chosen = latestPerDay(observations)
        let index = DayIndex(days: chosen.map { $0.capturedAt.day })
        var previous: (day: Day, count: Int64)?
        return chosen.map { observation in
            let day = observation.capturedAt.day
            let growth = CountGrowth(day: day, count: observation.value, previous: previous) { index.position(of: $0).flatMap { chosen[$0].value } }
            if let value = observation.value { previous = (day, value) }
            return AudienceDaily(
                artistID: artistID, artistName: observation.artistName, source: series.source, metric: series.metric, day: day,
                value: observation.value, prevDay: growth.prevDay, gapDays: growth.gapDays, delta: growth.delta,
                addsPerDay: growth.addsPerDay, logGrowth: growth.logGrowth, pctChange: growth.pctChange,
                growth7d: growth.growth7d, growth28d: growth.growth28d)
        }
    }

    /// Section 1 for one series: per day the greatest `captured_at`, then the greater value
    /// (null below any number), then the one read last. Sorted by day.
    static func latestPerDay(_ observations: [AudienceObservation]) -> [AudienceObservation] {
        DailyBuilder.latestPerDay(observations, day: { $0.capturedAt.day }) { a, b in
            a.capturedAt != b.capturedAt ? a.capturedAt > b.capturedAt : DailyBuilder.greater(a.value, than: b.value)
        }
    }
}
