// Section 5 of the metric contract: spikes and drops in daily adds, as robust z-scores
// against the previous 28 days (median and MAD resist the very outliers we look for).

/// Section 5: spikes and drops in daily adds.
public enum SpikeDetector {
    /// Minimum earlier days with adds in the 28-day look-back for a score.
    public static let minimumHistory = 14
    /// `|robust_z|` above this is a spike or a drop (3.5).
    public static let threshold = 3.5
    /// The look-back: days `t - 28 ... t - 1`.
    public static let lookBackDays = 28

    /// One signal per `artist_daily` row with `adds_per_day` (`spotify/followers`), in day
    /// order. `daily` must be one artist's rows in day order.
    public static func signals(daily: [ArtistDaily]) -> [ArtistSignal] {
        signals(series: daily)
    }

    /// One signal per row with `adds_per_day` of one series (an artist's `artist_daily`, or one
    /// series of its `audience_daily`), in day order; `daily` must be in day order.
    ///
    /// The look-back window slides along the rows as a sorted array, so each row costs a
    /// binary-search insert and removal plus a linear pass for the MAD, instead of two sorts.
    public static func signals<Row: SeriesRow>(series daily: [Row]) -> [ArtistSignal] {
        var signals: [ArtistSignal] = []
        signals.reserveCapacity(daily.count)
        var window = SortedWindow()
        var entered = 0  // rows before this index have entered the window (if they had adds)
        var left = 0     // rows before this index have left it
        // By index, not `for row in daily`: a row copied out of the array retains and
        // releases its strings, for each of millions of rows.
        for index in daily.indices {
            let day = daily[index].day
            while entered < daily.count, daily[entered].day < day {
                if let adds = daily[entered].addsPerDay { window.insert(adds) }
                entered += 1
            }
            while left < entered, daily[left].day < day - lookBackDays {
                if let adds = daily[left].addsPerDay { window.remove(adds) }
                left += 1
            }
            guard let adds = daily[index].addsPerDay else { continue }
            var z: Double?
            if window.count >= minimumHistory {
                let m = window.median
                let mad = window.medianAbsoluteDeviation(from: m)
                if mad > 0 { z = 0.6745 * (adds - m) / mad }
            }
            signals.append(ArtistSignal(
                artistID: daily[index].artistID, day: day, addsPerDay: adds, robustZ: z,
                isSpike: z.map { $0 > threshold } ?? false,
                isDrop: z.map { $0 < -threshold } ?? false, series: daily[index].series
            ))
        }
        return signals
    }
}

/// A multiset of values kept sorted, with the contract's median (mean of the two middle
/// values for an even count) and median absolute deviation.
struct SortedWindow {
    private(set) var values: [Double] = []

    var count: Int { values.count }

    mutating func insert(_ value: Double) {
        values.insert(value, at: values.lowerBound(of: value))
    }

    mutating func remove(_ value: Double) {
        let index = values.lowerBound(of: value)
        if index < values.count, values[index] == value { values.remove(at: index) }
    }

    var median: Double {
        let n = values.count, mid = n / 2
        return n % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2
    }

    /// The median of |x - center| over the values. The deviations are two ascending lists
    /// already (the values below `center` walking down, and those from it walking up), so the
    /// middle of their merge is found by bisecting how many of the nearest come from each
    /// side: logarithmic, and bit-for-bit the result of sorting the deviations, since each is
    /// the same subtraction and `a - b` is exactly `-(b - a)` in IEEE 754.
    func medianAbsoluteDeviation(from center: Double) -> Double {
        let n = values.count
        guard n > 0 else { return .infinity }  // as the merge gave: nothing is nearer
        let split = values.lowerBound(of: center)
        let belowCount = split, aboveCount = n - split
        // The i-th nearest deviation below the center, and above it (0: nearest).
        func below(_ i: Int) -> Double { center - values[split - 1 - i] }
        func above(_ j: Int) -> Double { values[split + j] - center }
        // The k + 1 smallest deviations (k = n / 2, the upper middle's rank): the fewest of
        // them taken from below such that the next one below is not nearer than the last
        // one taken from above.
        let k = n / 2
        var low = max(0, k + 1 - aboveCount), high = min(k + 1, belowCount)
        while low < high {
            let middle = (low + high) / 2
            if below(middle) < above(k - middle) { low = middle + 1 } else { high = middle }
        }
        let fromBelow = low, fromAbove = k + 1 - low
        // The largest of those is the k-th deviation; the second largest, the (k-1)-th.
        let lastBelow = fromBelow > 0 ? below(fromBelow - 1) : -Double.infinity
        let lastAbove = fromAbove > 0 ? above(fromAbove - 1) : -Double.infinity
        let current = Swift.max(lastBelow, lastAbove)
        guard n % 2 == 0 else { return current }
        let previous = lastBelow >= lastAbove
            ? Swift.max(fromBelow > 1 ? below(fromBelow - 2) : -Double.infinity, lastAbove)
            : Swift.max(lastBelow, fromAbove > 1 ? above(fromAbove - 2) : -Double.infinity)
        return (previous + current) / 2
    }
}
