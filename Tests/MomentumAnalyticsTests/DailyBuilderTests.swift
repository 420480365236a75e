import MomentumAnalytics
import MomentumTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct DailyBuilderTests {
    @Test func latestCaptureOfADayWins() {
        let rows = daily([
            observation("2026-03-01", 200, hour: 18),
            observation("2026-03-01", 100, hour: 6),
        ])
        #expect(rows.count == 1)
        #expect(rows[0].followers == 200)
    }

    @Test func tiesOnCaptureTimeGoToMoreFollowersThenPopularityThenLastRead() {
        // Same captured_at: more followers wins; null is below any number.
        #expect(daily([observation("2026-03-01", 300), observation("2026-03-01", nil)])[0].followers == 300)
        #expect(daily([observation("2026-03-01", nil), observation("2026-03-01", 5)])[0].followers == 5)
        #expect(daily([observation("2026-03-01", 9), observation("2026-03-01", 5)])[0].followers == 9)
        // Same followers: greater popularity.
        #expect(daily([observation("2026-03-01", 5, popularity: 40), observation("2026-03-01", 5, popularity: nil)])[0].popularity == 40)
        // Complete tie: the one read last.
        let last = daily([observation("2026-03-01", 5, popularity: 1, name: "First"),
                          observation("2026-03-01", 5, popularity: 1, name: "Second")])
        #expect(last[0].artistName == "Second")
    }

    @Test func growthOverOneDay() {
        let rows = daily(series(from: "2026-03-01", [1000, 1100]))
        let r = rows[1]
        #expect(r.prevDay == day("2026-03-01"))
        #expect(r.gapDays == 1)
        #expect(r.followerDelta == 100)
        expectClose(r.addsPerDay, 100)
        expectClose(r.logGrowth, log(1100.0 / 1000.0))
        expectClose(r.pctChange, 0.1)
        #expect(rows[0].prevDay == nil && rows[0].addsPerDay == nil && rows[0].logGrowth == nil)
    }

    @Test func gapsDivideByTheDaysBetween() {
        let rows = daily([observation("2026-03-01", 1000), observation("2026-03-04", 1300)])
        #expect(rows.count == 2)
        #expect(rows[1].gapDays == 3)
        #expect(rows[1].followerDelta == 300)
        expectClose(rows[1].addsPerDay, 100)
        expectClose(rows[1].logGrowth, (log(1300.0) - log(1000.0)) / 3)
        expectClose(rows[1].pctChange, 0.3)
    }

    @Test func nullFollowersKeepTheDayButBreakNothing() {
        let rows = daily(series(from: "2026-03-01", [1000, nil, 1200]))
        #expect(rows.count == 3)
        // A day whose followers are null has no previous day.
        #expect(rows[1].followers == nil && rows[1].prevDay == nil && rows[1].gapDays == nil)
        // The next day reaches back over it to the last non-null day.
        #expect(rows[2].prevDay == day("2026-03-01") && rows[2].gapDays == 2)
        expectClose(rows[2].addsPerDay, 100)
    }

    @Test func zeroFollowersHaveNoLogGrowthOrPercentChange() {
        let rows = daily(series(from: "2026-03-01", [0, 50, 0]))
        #expect(rows[1].followerDelta == 50)
        expectClose(rows[1].addsPerDay, 50)
        #expect(rows[1].logGrowth == nil)
        #expect(rows[1].pctChange == nil)
        #expect(rows[2].logGrowth == nil)
        expectClose(rows[2].pctChange, -1)
    }

    @Test func sevenAndTwentyEightDayGrowthNeedTheExactDay() {
        var followers: [Int64?] = (0..<29).map { 1000 + Int64($0) * 10 }
        let full = daily(series(from: "2026-03-01", followers))
        expectClose(full[7].growth7d, 1070.0 / 1000.0 - 1)
        expectClose(full[28].growth28d, 1280.0 / 1000.0 - 1)
        #expect(full[6].growth7d == nil)
        #expect(full[27].growth28d == nil)
        // Remove day 0: day 7 has no row exactly 7 days earlier, even though day 1 exists.
        let missingStart = daily(Array(series(from: "2026-03-01", followers).dropFirst()))
        #expect(missingStart.first { $0.day == day("2026-03-08") }?.growth7d == nil)
        // A null (or zero) value on day t-7 gives no growth either.
        followers[0] = nil
        #expect(daily(series(from: "2026-03-01", followers))[7].growth7d == nil)
        followers[0] = 0
        #expect(daily(series(from: "2026-03-01", followers))[7].growth7d == nil)
    }

    @Test func popularityChangeNeedsBothExactDays() {
        let popularity: [Int32?] = [40, 41, 42, 43, 44, 45, 46, 50, nil]
        let rows = daily(series(from: "2026-03-01", Array(repeating: 100, count: 9), popularity: popularity))
        #expect(rows[7].popularityChange7d == 10)
        #expect(rows[8].popularityChange7d == nil)
        #expect(rows[6].popularityChange7d == nil)
    }

    @Test func releaseCountAndDaysSinceRelease() {
        let releases = [
            release("a1", "One", "2026-03-02"),
            release("a2", "Two", "2026-03-02", type: "single", group: "single"),
            release("a3", "Three", "2026-03-06"),  // same cluster: event day stays 03-02
            release("a4", "Four", "2026-03-20"),   // new event
        ]
        let rows = daily(series(from: "2026-03-01", Array(repeating: 100, count: 25)), releases: releases)
        #expect(rows[0].releaseCount == 0 && rows[0].daysSinceRelease == nil)
        #expect(rows[1].releaseCount == 2 && rows[1].daysSinceRelease == 0)
        #expect(rows[5].releaseCount == 1 && rows[5].daysSinceRelease == 4)
        #expect(rows[18].daysSinceRelease == 17)
        #expect(rows[19].releaseCount == 1 && rows[19].daysSinceRelease == 0)
        #expect(rows[24].daysSinceRelease == 5)
    }

    /// Property: over any span, Σ log_growth × gap_days = ln(F_last / F_first).
    @Test(arguments: [1, 2, 3, 4, 5])
    func logGrowthAddsUpOverGaps(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        var observations: [MetricObservation] = []
        var followers = Int64(1000 + rng.next() % 100_000)
        var current = day("2026-01-01")
        for _ in 0..<120 {
            current = current + Int(1 + rng.next() % 4)
            followers = max(1, followers + Int64(rng.next() % 2001) - 800)
            observations.append(observation(current.isoString, followers))
        }
        let rows = daily(observations)
        let total = rows.compactMap { row in row.logGrowth.map { $0 * Double(row.gapDays ?? 0) } }.reduce(0, +)
        guard let first = rows.first?.followers, let last = rows.last?.followers else {
            Issue.record("no rows")
            return
        }
        #expect(abs(total - log(Double(last) / Double(first))) < 1e-9)
    }
}

