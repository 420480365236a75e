// Sections 1 and 2 of the metric contract: raw observations become one row per artist-day
// with growth measures.

/// Builds `artist_daily` rows for one artist.
public enum DailyBuilder {
    /// One row per day with at least one observation, in day order.
    ///
    /// - Parameters:
    ///   - artistID: the artist.
    ///   - observations: the artist's raw observations, in the order they were read (the
    ///     last one read wins a complete tie).
    ///   - calendar: the artist's releases, for `release_count` and `days_since_release`.
    public static func build(
        artistID: String, observations: [MetricObservation], calendar: ReleaseCalendar
    ) -> [ArtistDaily] {
        // Positions, not copies: a copied observation retains and releases its strings.
        let chosen = latestPerDayPositions(days: observations.indices.map { observations[$0].capturedAt.day }) {
            wins(observations[$0], over: observations[$1])
        }
        guard !chosen.isEmpty else { return [] }
        let index = DayIndex(days: chosen.map { observations[$0].capturedAt.day })
        // Releases per day in day order, read with a cursor as the rows go (rows are by day).
        let counts = calendar.releaseCounts.sorted { $0.key < $1.key }
        var countCursor = 0
        let eventDays = calendar.eventDays

        var rows: [ArtistDaily] = []
        rows.reserveCapacity(chosen.count)
        var previous: (day: Day, count: Int64)?
        var eventCursor = 0
        for position in chosen {
            let day = observations[position].capturedAt.day
            let followers = observations[position].followers
            let popularity = observations[position].popularity
            while countCursor < counts.count, counts[countCursor].key < day { countCursor += 1 }
            var row = ArtistDaily(
                artistID: artistID, artistName: observations[position].artistName, day: day,
                followers: followers, popularity: popularity,
                releaseCount: countCursor < counts.count && counts[countCursor].key == day ? counts[countCursor].value : 0
            )
            let growth = CountGrowth(day: day, count: followers, previous: previous) { index.position(of: $0).flatMap { observations[chosen[$0]].followers } }
            row.prevDay = growth.prevDay
            row.gapDays = growth.gapDays
            row.followerDelta = growth.delta
            row.addsPerDay = growth.addsPerDay
            row.logGrowth = growth.logGrowth
            row.pctChange = growth.pctChange
            row.growth7d = growth.growth7d
            row.growth28d = growth.growth28d
            if let p = popularity, let i = index.position(of: day - 7), let old = observations[chosen[i]].popularity {
                row.popularityChange7d = p - old
            }
            while eventCursor < eventDays.count, eventDays[eventCursor] <= day { eventCursor += 1 }
            if eventCursor > 0 {
                row.daysSinceRelease = Int32(day - eventDays[eventCursor - 1])
            }
            if let f = followers { previous = (day, f) }
            rows.append(row)
        }
        return rows
    }

    /// Section 1's pick for any records (``latestPerDayPositions(days:wins:)``), the records
    /// themselves: section 8 picks audience records so.
    static func latestPerDay<Record>(_ records: [Record], day: (Record) -> Day, wins: (Record, Record) -> Bool) -> [Record] {
        latestPerDayPositions(days: records.map(day)) { wins(records[$0], records[$1]) }.map { records[$0] }
    }

    /// Section 1's pick: per day the record no later one `wins` over (so a full tie goes to the
    /// one read last), as positions among records on `days` (in read order), in day order;
    /// `wins` compares two records by position. For observations (`build`), `wins` is the
    /// greater `captured_at`, then the greater followers, then the greater popularity (null
    /// below any number). Positions, not records: a record copied retains and releases its
    /// strings, once per record of a lake.
    static func latestPerDayPositions(days: [Day], wins: (Int, Int) -> Bool) -> [Int] {
        // Records in read order, then by day (stable: read order within a day). A lake read in
        // key order is already by day, so the sort is usually skipped; no hashing of days.
        var order = Array(days.indices)
        if zip(days, days.dropFirst()).contains(where: { $0 > $1 }) {
            order.sort { days[$0] != days[$1] ? days[$0] < days[$1] : $0 < $1 }
        }
        var chosen: [Int] = []
        var start = 0
        while start < order.count {
            var best = order[start], next = start + 1
            while next < order.count, days[order[next]] == days[best] {
                // In read order, a record replaces the best so far unless the best wins.
                if !wins(best, order[next]) { best = order[next] }
                next += 1
            }
            chosen.append(best)
            start = next
        }
        return chosen
    }

    /// True when `a` strictly beats `b`; a full tie goes to the later read (the caller's `b`).
    static func wins(_ a: MetricObservation, over b: MetricObservation) -> Bool {
        if a.capturedAt != b.capturedAt { return a.capturedAt > b.capturedAt }
        if a.followers != b.followers { return greater(a.followers, than: b.followers) }
        if a.popularity != b.popularity { return greater(a.popularity, than: b.popularity) }
        return false
    }

    /// Ordering with null below any number.
    static func greater<T: Comparable>(_ a: T?, than b: T?) -> Bool {
        switch (a, b) {
        case let (x?, y?): return x > y
        case (_?, nil): return true
        case (nil, _): return false
        }
    }

}

/// Constant-time lookup of the row on an exact day, for the contract's "exactly day t-7".
/// Rows by day in O(1); also the dashboard's (package access).
package struct DayIndex: Sendable {
    private let first: Int32
    private let slots: [Int32]

    /// `days` must be strictly increasing.
    package init(days: [Day]) {
        guard let firstDay = days.first, let lastDay = days.last else {
            first = 0
            slots = []
            return
        }
        first = firstDay.daysSinceEpoch
        var slots = [Int32](repeating: -1, count: Int(lastDay.daysSinceEpoch - firstDay.daysSinceEpoch) + 1)
        for (i, day) in days.enumerated() { slots[Int(day.daysSinceEpoch - firstDay.daysSinceEpoch)] = Int32(i) }
        self.slots = slots
    }

    /// The position of the row on `day`, if there is one.
    package func position(of day: Day) -> Int? {
        let offset = Int(day.daysSinceEpoch) - Int(first)
        guard offset >= 0, offset < slots.count else { return nil }
        let slot = slots[offset]
        return slot < 0 ? nil : Int(slot)
    }

    /// Positions of the rows with `range.lowerBound <= day <= range.upperBound`, in day order.
    package func positions(from start: Day, through end: Day) -> [Int] {
        guard !slots.isEmpty, start <= end else { return [] }
        let lo = max(0, Int(start.daysSinceEpoch) - Int(first))
        let hi = min(slots.count - 1, Int(end.daysSinceEpoch) - Int(first))
        guard lo <= hi else { return [] }
        var result: [Int] = []
        for offset in lo...hi where slots[offset] >= 0 { result.append(Int(slots[offset])) }
        return result
    }
}
