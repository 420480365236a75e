import MomentumAnalytics
import MomentumTestSupport
import Testing

@Suite struct ChangePointTests {
    @Test func aConstantSeriesHasNoChangePoint() {
        #expect(ChangePointDetector.segmentStarts(Array(repeating: 0.013, count: 60)).isEmpty)
    }

    @Test func aCleanStepIsFoundExactly() {
        let values = Array(repeating: 0.0, count: 20) + Array(repeating: 1.0, count: 20)
        #expect(ChangePointDetector.segmentStarts(values) == [20])
    }

    @Test func noisyStepsAreFound() {
        var rng = SplitMix(seed: 42)
        func noise() -> Double { Double(rng.next() % 1000) / 1_000_000 - 0.0005 }
        let values = (0..<30).map { _ in 0.01 + noise() } + (0..<30).map { _ in 0.05 + noise() } + (0..<30).map { _ in 0.02 + noise() }
        #expect(ChangePointDetector.segmentStarts(values) == [30, 60])
    }

    @Test func aNoiseFreeSeriesWithOneBoostCutsOnlyAtTheBoost() {
        // Most differences are 0, so the robust σ is 0: v1.2 takes the differences' standard
        // deviation instead (β = 0 cut such a series every 7 days).
        let values = Array(repeating: 0.01, count: 30) + Array(repeating: 0.05, count: 10) + Array(repeating: 0.01, count: 30)
        #expect(ChangePointDetector.segmentStarts(values) == [30, 40])
        // Differences all equal (a straight line): no noise, no change point.
        #expect(ChangePointDetector.segmentStarts((0..<60).map { 0.5 * Double($0) }).isEmpty)
    }

    @Test func segmentsAreAtLeastSevenLong() {
        // 13 values cannot hold two segments of 7.
        #expect(ChangePointDetector.segmentStarts(Array(repeating: 0.0, count: 12) + [5]).isEmpty)
        let values = Array(repeating: 0.0, count: 7) + Array(repeating: 1.0, count: 7)
        #expect(ChangePointDetector.segmentStarts(values) == [7])
    }

    @Test func alignmentWithEventsWithinThreeDays() {
        let start = day("2026-01-01")
        let g: [Double?] = Array(repeating: 0.0, count: 20) + Array(repeating: 1.0, count: 20)
        let daily = rows(from: start, growth: g, adds: g)
        #expect(ChangePointDetector.changePoints(daily: daily, eventDays: [start + 17]) == [ChangePoint(day: start + 20, releaseAligned: true)])
        #expect(ChangePointDetector.changePoints(daily: daily, eventDays: [start + 16]) == [ChangePoint(day: start + 20, releaseAligned: false)])
    }
}

@Suite struct CrossCorrelationTests {
    @Test func growthTwoDaysAfterEveryReleasePeaksAtLagTwo() {
        let start = day("2026-01-01")
        let events = [start + 5, start + 25, start + 45]
        let g: [Double?] = (0..<60).map { i in events.contains(start + i - 2) ? 0.05 : 0.01 }
        let result = CrossCorrelation.correlations(daily: rows(from: start, growth: g, adds: g), eventDays: events)
        #expect(result.count == 43)
        expectClose(result.first { $0.lag == 2 }?.correlation, 1)
        #expect(result.first { $0.lag == 2 }?.pairs == 58)
        #expect((result.first { $0.lag == 0 }?.correlation ?? 1) < 0)
    }

    @Test func noVarianceOrTooFewPairsIsNull() {
        let start = day("2026-01-01")
        let flat: [Double?] = Array(repeating: 0.01, count: 30)
        let result = CrossCorrelation.correlations(daily: rows(from: start, growth: flat, adds: flat), eventDays: [start + 3])
        #expect(result.allSatisfy { $0.correlation == nil })
        let short: [Double?] = [0.01, 0.02]
        #expect(CrossCorrelation.correlations(daily: rows(from: start, growth: short, adds: short), eventDays: [start]).allSatisfy { $0.correlation == nil })
    }
}
