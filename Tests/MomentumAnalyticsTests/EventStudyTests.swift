@testable import MomentumAnalytics
import MomentumTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Rows with chosen log growth and adds, one a day from `start` (the study reads only those).
func rows(from start: Day, growth: [Double?], adds: [Double?]) -> [ArtistDaily] {
    zip(growth, adds).enumerated().map { i, pair in
        ArtistDaily(artistID: artist, artistName: "Test Artist", day: start + i, followers: 1000, popularity: nil,
                    prevDay: pair.0 == nil ? nil : start + i - 1, gapDays: pair.0 == nil ? nil : 1,
                    followerDelta: nil, addsPerDay: pair.1, logGrowth: pair.0, pctChange: nil, growth7d: nil,
                    growth28d: nil, popularityChange7d: nil, releaseCount: 0, daysSinceRelease: nil)
    }
}

func event(_ day: Day, ids: [String] = ["x"]) -> ReleaseEvent {
    ReleaseEvent(artistID: artist, eventDay: day,
                 albums: ids.map { ReleaseEvent.Album(albumID: $0, albumName: "Album \($0)", releaseDay: day, group: "album") })
}

@Suite struct EventStudyTests {
    // Rows from r-35 to r+13. Estimation window (r-35 ... r-8): 14 rows of 0.01 then 14 of 0.03.
    // Event window (r ... r+13): 14 rows of 0.05. Days r-7 ... r-1 carry 0.9 (outside both).
    let start = day("2026-01-01")
    var r: Day { start + 35 }
    var growth: [Double?] { Array(repeating: 0.01, count: 14) + Array(repeating: 0.03, count: 14) + Array(repeating: 0.9, count: 7) + Array(repeating: 0.05, count: 14) }
    var adds: [Double?] { Array(repeating: 100, count: 14) + Array(repeating: 300, count: 14) + Array(repeating: 9999, count: 7) + Array(repeating: 500, count: 14) }

    @Test func handComputedImpact() {
        let impact = EventStudy.impacts(events: [event(r, ids: ["b", "a"])], daily: rows(from: start, growth: growth, adds: adds))[0]
        #expect(impact.status == .ok)
        #expect(impact.nBaseline == 28 && impact.nWindow == 14)
        expectClose(impact.baselineGrowth, 0.02)                 // median of an even count
        expectClose(impact.spread, 1.4826 * 0.01)                // every deviation is 0.01
        expectClose(impact.abnormalGrowth, 0.03)
        expectClose(impact.car, 14 * 0.03)
        expectClose(impact.tStat, 0.03 / (1.4826 * 0.01 / sqrt(14)))
        expectClose(impact.uplift, 500.0 / 200.0 - 1)           // median adds (100, 300) = 200
        #expect(impact.contaminated == false)
        #expect(impact.albumIDs == "b,a" && impact.albumNames == "Album b | Album a")
        #expect(impact.artistName == "Test Artist")
    }

    @Test func tooFewBaselineDaysIsInsufficient() {
        var g = growth
        for i in 0..<15 { g[i] = nil }  // 13 baseline rows left
        let impact = EventStudy.impacts(events: [event(r)], daily: rows(from: start, growth: g, adds: adds))[0]
        #expect(impact.status == .insufficientData)
        #expect(impact.nBaseline == 13 && impact.nWindow == 14)
        #expect(impact.baselineGrowth == nil && impact.spread == nil && impact.abnormalGrowth == nil)
        #expect(impact.car == nil && impact.tStat == nil && impact.uplift == nil)
    }

    @Test func tooFewWindowDaysIsInsufficient() {
        let g = Array(growth.prefix(35 + 6))  // 6 rows in the event window
        let impact = EventStudy.impacts(events: [event(r)], daily: rows(from: start, growth: g, adds: Array(adds.prefix(41))))[0]
        #expect(impact.status == .insufficientData && impact.nWindow == 6)
    }

    @Test func zeroSpreadHasNoTStat() {
        let flat: [Double?] = Array(repeating: 0.02, count: 35) + Array(repeating: 0.05, count: 14)
        let impact = EventStudy.impacts(events: [event(r)], daily: rows(from: start, growth: flat, adds: adds))[0]
        #expect(impact.status == .ok)
        expectClose(impact.spread, 0)
        #expect(impact.tStat == nil)
        expectClose(impact.abnormalGrowth, 0.03)
    }

    @Test func nonPositiveBaselineAddsHaveNoUplift() {
        let a: [Double?] = Array(repeating: -5, count: 35) + Array(repeating: 500, count: 14)
        let impact = EventStudy.impacts(events: [event(r)], daily: rows(from: start, growth: growth, adds: a))[0]
        #expect(impact.status == .ok && impact.uplift == nil)
    }

    @Test func anEarlierEventWithin35DaysContaminates() {
        let daily = rows(from: start, growth: growth + Array(repeating: 0.05, count: 30), adds: adds + Array(repeating: 500, count: 30))
        let impacts = EventStudy.impacts(events: [event(r), event(r + 35), event(r + 71)], daily: daily)
        #expect(impacts.map(\.contaminated) == [false, true, false])
    }

    @Test func eventWithoutAnyDailyRowsHasNoName() {
        let impact = EventStudy.impacts(events: [event(r)], daily: [])[0]
        #expect(impact.artistName == nil && impact.status == .insufficientData && impact.nBaseline == 0)
    }
}

@Suite struct SpikeDetectorTests {
    let start = day("2026-01-01")

    @Test func robustZAgainstTheLast28Days() {
        // 14 days of history alternating 10 and 12: median 11, MAD 1. Then 20 adds: z = 0.6745 × 9.
        let history: [Double?] = (0..<14).map { $0 % 2 == 0 ? 10 : 12 }
        let signals = SpikeDetector.signals(daily: rows(from: start, growth: Array(repeating: 0.01, count: 16), adds: history + [20, -20]))
        #expect(signals.count == 16)
        #expect(signals[13].robustZ == nil)  // only 13 earlier days
        expectClose(signals[14].robustZ, 0.6745 * 9)
        #expect(signals[14].isSpike && !signals[14].isDrop)
        // Day 15 sees 15 earlier days (7 × 10, 7 × 12, 20): median 12; deviations 7 × 2, 7 × 0, 8:
        // MAD 2 → z = 0.6745 × (-20 - 12) / 2.
        expectClose(signals[15].robustZ, 0.6745 * -32 / 2)
        #expect(signals[15].isDrop && !signals[15].isSpike)
    }

    @Test func zeroMADGivesNoScore() {
        let signals = SpikeDetector.signals(daily: rows(from: start, growth: Array(repeating: 0.01, count: 20), adds: Array(repeating: 7, count: 19) + [70]))
        #expect(signals.allSatisfy { $0.robustZ == nil && !$0.isSpike && !$0.isDrop })
    }

    @Test func theLookBackIsTwentyEightCalendarDays() {
        // 14 values 30+ days back are outside the window: no score.
        var adds: [Double?] = (0..<14).map { Double($0) }
        adds += Array(repeating: nil, count: 16)
        adds.append(100)
        let growth: [Double?] = adds.map { $0 == nil ? nil : 0.01 }
        let signals = SpikeDetector.signals(daily: rows(from: start, growth: growth, adds: adds))
        #expect(signals.last?.robustZ == nil)
    }
}

@Suite struct SortedWindowTests {
    /// Property: the sliding window's median and MAD equal those of a plain sort, exactly.
    @Test(arguments: [1, 2, 3, 4])
    func matchesSortingExactly(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        var window = SortedWindow()
        var plain: [Double] = []
        for step in 0..<400 {
            let value = Double(Int(rng.next() % 2000) - 500) / Double(1 + rng.next() % 7)
            if step % 3 == 2, !plain.isEmpty {
                let victim = plain.remove(at: Int(rng.next() % UInt64(plain.count)))
                window.remove(victim)
            } else {
                plain.append(value)
                window.insert(value)
            }
            guard !plain.isEmpty, let m = Statistics.median(plain) else { continue }
            #expect(window.median == m)
            #expect(window.medianAbsoluteDeviation(from: m) == Statistics.medianAbsoluteDeviation(plain, from: m))
            // Any center, on a value, between two, or beyond them all: the deviations then
            // come mostly or only from one side.
            let other = [plain[Int(rng.next() % UInt64(plain.count))], value + 0.25, -1e6, 1e6][step % 4]
            #expect(window.medianAbsoluteDeviation(from: other) == Statistics.medianAbsoluteDeviation(plain, from: other))
        }
    }
}
