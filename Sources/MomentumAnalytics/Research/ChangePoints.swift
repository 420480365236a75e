// Section 7 of the metric contract: change points in an artist's log growth.
//
// Exact optimal partitioning with an L2 segment cost, a minimum segment length of 7 and the
// penalty β = 2σ²·ln n, where σ is a robust estimate of the noise taken from the first
// differences (a level shift moves only one difference, so it barely moves σ); when that is 0,
// the differences' standard deviation, and when that is 0 too there is no change point (v1.2).

/// Section 7: change points of log growth.
public enum ChangePointDetector {
    /// The shortest segment (7 days).
    public static let minimumSegmentLength = 7
    /// A change point this close to an event day counts as release-aligned.
    public static let alignmentDays = 3

    /// The change points of the artist's log-growth series. `daily` must be in day order.
    public static func changePoints(daily: [ArtistDaily], eventDays: [Day]) -> [ChangePoint] {
        let series = daily.compactMap { row in row.logGrowth.map { (row.day, $0) } }
        let starts = segmentStarts(series.map(\.1))
        return starts.map { start in
            let day = series[start].0
            return ChangePoint(day: day, releaseAligned: eventDays.contains { abs($0 - day) <= alignmentDays })
        }
    }

    /// Indices of the first value of every segment after the first.
    public static func segmentStarts(_ values: [Double]) -> [Int] {
        let n = values.count
        let minLength = minimumSegmentLength
        guard n >= 2 * minLength, let beta = penalty(values) else { return [] }

        // Centre the values before taking prefix sums, so a segment's cost does not come from
        // subtracting two large, nearly equal numbers.
        let centre = values.reduce(0, +) / Double(n)
        var sum = [Double](repeating: 0, count: n + 1)
        var sumSquares = [Double](repeating: 0, count: n + 1)
        for (i, value) in values.enumerated() {
            let y = value - centre
            sum[i + 1] = sum[i] + y
            sumSquares[i + 1] = sumSquares[i] + y * y
        }
        func cost(_ start: Int, _ end: Int) -> Double {
            let s = sum[end] - sum[start]
            let length = Double(end - start)
            return max(0, sumSquares[end] - sumSquares[start] - s * s / length)
        }

        // best[t]: the cheapest segmentation of values[0..<t]; ties go to fewer segments, then
        // to the earliest split, so the answer is unique. `tolerance` absorbs rounding noise
        // (a constant series must not split because of it).
        let scale = max(1, sumSquares[n])
        let tolerance = 1e-12 * scale
        var best = [Double](repeating: .infinity, count: n + 1)
        var segments = [Int](repeating: 0, count: n + 1)
        var lastStart = [Int](repeating: 0, count: n + 1)
        best[0] = -beta
        for t in stride(from: minLength, through: n, by: 1) {
            for s in stride(from: 0, through: t - minLength, by: 1) where s == 0 || s >= minLength {
                guard best[s].isFinite else { continue }
                let candidate = best[s] + cost(s, t) + beta
                let count = segments[s] + 1
                if candidate < best[t] - tolerance
                    || (abs(candidate - best[t]) <= tolerance && count < segments[t]) {
                    best[t] = candidate
                    segments[t] = count
                    lastStart[t] = s
                }
            }
        }
        var starts: [Int] = []
        var t = n
        while t > 0 {
            let s = lastStart[t]
            if s > 0 { starts.append(s) }
            t = s
        }
        return starts.reversed()
    }

    /// β = 2σ²·ln n with σ = 1.4826 · MAD(first differences) / √2.
    /// β; nil when the series has no noise at all (v1.2: then it has no change point, where
    /// β = 0 used to cut a clean series every 7 days).
    static func penalty(_ values: [Double]) -> Double? {
        let n = values.count
        let differences = zip(values.dropFirst(), values).map { $0 - $1 }
        guard let m = Statistics.median(differences),
              let mad = Statistics.medianAbsoluteDeviation(differences, from: m)
        else { return nil }
        var sigma = 1.4826 * mad / Statistics.squareRoot(2)
        if sigma == 0 {
            // Most differences equal (a hand-made series): the population standard deviation.
            let mean = differences.reduce(0, +) / Double(differences.count)
            let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(differences.count)
            sigma = Statistics.squareRoot(variance) / Statistics.squareRoot(2)
        }
        guard sigma > 0 else { return nil }
        return 2 * sigma * sigma * Statistics.naturalLog(Double(n))
    }
}
