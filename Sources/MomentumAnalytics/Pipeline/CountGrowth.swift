// Section 2's columns that depend on the count alone: `artist_daily` computes them from followers
// and `audience_daily` (section 8) from each series' value. One implementation for both.

/// The growth columns of one row of a count series.
struct CountGrowth {
    var prevDay: Day?
    var gapDays: Int32?
    var delta: Int64?
    var addsPerDay: Double?
    var logGrowth: Double?
    var pctChange: Double?
    var growth7d: Double?
    var growth28d: Double?

    /// The columns of the row on `day` with `count`.
    ///
    /// - Parameters:
    ///   - previous: the latest earlier day with a count, and that count.
    ///   - countOn: the count of the row on exactly a given day; nil when there is no row or
    ///     its count is null.
    init(day: Day, count: Int64?, previous: (day: Day, count: Int64)?, countOn: (Day) -> Int64?) {
        guard let count else { return }
        if let previous {
            let gap = day - previous.day
            prevDay = previous.day
            gapDays = Int32(gap)
            delta = count - previous.count
            addsPerDay = Double(count - previous.count) / Double(gap)
            if count > 0, previous.count > 0 {
                logGrowth = (Statistics.naturalLog(Double(count)) - Statistics.naturalLog(Double(previous.count))) / Double(gap)
            }
            if previous.count > 0 {
                pctChange = Double(count - previous.count) / Double(previous.count)
            }
        }
        if let old = countOn(day - 7), old > 0 { growth7d = Double(count) / Double(old) - 1 }
        if let old = countOn(day - 28), old > 0 { growth28d = Double(count) / Double(old) - 1 }
    }
}
