// Section 7 of the metric contract: does growth follow releases? The Pearson correlation of a
// release-day indicator with log growth k days later, for k from -14 to 28.

/// Section 7: release/growth cross-correlation.
public enum CrossCorrelation {
    /// The lags computed, -14 to 28 days.
    public static let lags = -14...28

    /// One correlation per lag. `daily` must be in day order.
    public static func correlations(daily: [ArtistDaily], eventDays: [Day], lags: ClosedRange<Int> = lags) -> [LagCorrelation] {
        guard let first = daily.first?.day, let last = daily.last?.day else {
            return lags.map { LagCorrelation(lag: $0, correlation: nil, pairs: 0) }
        }
        let index = DayIndex(days: daily.map(\.day))
        let events = Set(eventDays)
        return lags.map { lag in
            var xs: [Double] = []
            var ys: [Double] = []
            var t = first
            while t <= last {
                if let position = index.position(of: t + lag), let growth = daily[position].logGrowth {
                    xs.append(events.contains(t) ? 1 : 0)
                    ys.append(growth)
                }
                t = t + 1
            }
            return LagCorrelation(lag: lag, correlation: pearson(xs, ys), pairs: xs.count)
        }
    }

    /// Pearson's r; nil with fewer than 3 pairs or when either side has no variance.
    static func pearson(_ xs: [Double], _ ys: [Double]) -> Double? {
        // Zero variance is decided on the values themselves: the sum of squares of a constant
        // series can come out a hair above zero in floating point.
        guard xs.count >= 3, let x0 = xs.first, let y0 = ys.first,
              xs.contains(where: { $0 != x0 }), ys.contains(where: { $0 != y0 }),
              let mx = Statistics.mean(xs), let my = Statistics.mean(ys)
        else { return nil }
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
            syy += (y - my) * (y - my)
        }
        return sxy / Statistics.squareRoot(sxx * syy)
    }
}
