// Section 5 of the metric contract: spikes and drops in daily adds, as robust z-scores
// against the previous 28 days (median and MAD resist the very outliers we look for).

public enum SpikeDetector {
    /// Minimum earlier days with adds in the 28-day look-back for a score.
    public static let minimumHistory = 14
    public static let threshold = 3.5

    /// One signal per row with `adds_per_day`, in day order. `daily` must be in day order.
    public static func signals(daily: [ArtistDaily]) -> [ArtistSignal] {
        let index = DayIndex(days: daily.map(\.day))
        var signals: [ArtistSignal] = []
        signals.reserveCapacity(daily.count)
        var history: [Double] = []
        var deviations: [Double] = []
        history.reserveCapacity(28)
        deviations.reserveCapacity(28)
        for row in daily {
            guard let adds = row.addsPerDay else { continue }
            history.removeAll(keepingCapacity: true)
            for position in index.positions(from: row.day - 28, through: row.day - 1) {
                if let earlier = daily[position].addsPerDay { history.append(earlier) }
            }
            var z: Double?
            if history.count >= minimumHistory, let m = Statistics.medianSortingInPlace(&history) {
                deviations.removeAll(keepingCapacity: true)
                for value in history { deviations.append(abs(value - m)) }
                if let mad = Statistics.medianSortingInPlace(&deviations), mad > 0 {
                    z = 0.6745 * (adds - m) / mad
                }
            }
            signals.append(ArtistSignal(
                artistID: row.artistID, day: row.day, addsPerDay: adds, robustZ: z,
                isSpike: z.map { $0 > threshold } ?? false,
                isDrop: z.map { $0 < -threshold } ?? false
            ))
        }
        return signals
    }
}
