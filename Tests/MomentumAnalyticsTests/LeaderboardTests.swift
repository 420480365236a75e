import MomentumAnalytics
import Testing

func entry(_ id: String, g28: Double? = nil, g7: Double? = nil, accel: Double? = nil, pop: Int32? = nil) -> LeaderboardEntry {
    LeaderboardEntry(artistID: id, artistName: id, day: day("2026-03-01"), followers: 1, growth7d: g7, growth28d: g28,
                     acceleration7d: accel, popularityChange28d: pop, spikes28d: 0)
}

@Suite struct LeaderboardTests {
    @Test func percentileRanksWithTies() {
        let ranked = Leaderboard.rank([entry("c", g28: 0.2), entry("a", g28: 0.1), entry("b", g28: 0.2)])
        // 0.1: (0 + 0.5 × 0) / 2 = 0. 0.2: (1 + 0.5 × 1) / 2 = 0.75 for both; ties by artist id.
        #expect(ranked.map(\.artistID) == ["b", "c", "a"])
        expectClose(ranked[0].momentumScore, 75)
        expectClose(ranked[1].momentumScore, 75)
        expectClose(ranked[2].momentumScore, 0)
        #expect(ranked.map(\.rank) == [1, 2, 3])
    }

    @Test func weightsOnlyTheComponentsAnArtistHas() {
        let ranked = Leaderboard.rank([
            entry("a", g28: 0.3, g7: 0.1, accel: 0.0, pop: 5),
            entry("b", g28: 0.1, g7: 0.2, accel: nil, pop: 1),
            entry("c"),
        ])
        // a: g28 rank 1, g7 rank 0, accel n=1 → 0.5, pop rank 1: (0.4 + 0 + 0.1 + 0.1) / 1.0 = 0.6.
        // b: g28 0, g7 1, pop 0, no accel: 0.3 / 0.8.
        expectClose(ranked.first { $0.artistID == "a" }?.momentumScore, 60)
        expectClose(ranked.first { $0.artistID == "b" }?.momentumScore, 100 * 0.3 / 0.8)
        #expect(ranked.last?.artistID == "c" && ranked.last?.momentumScore == nil)
    }

    @Test func aSingleArtistRanksInTheMiddle() {
        expectClose(Leaderboard.rank([entry("a", g7: -0.5)])[0].momentumScore, 50)
    }

    @Test func entryTakesTheLatestRowWithinThreeDays() {
        let start = day("2026-01-01")
        let followers: [Int64?] = (0..<40).map { 1000 + Int64($0 * $0) }
        let observations = series(from: start.isoString, followers)
        let analysis = ArtistAnalysis(artistID: artist, observations: observations, releases: [])
        let asOf = start + 42  // last row is start+39: three days earlier, still fresh
        let e = analysis.leaderboardEntry(asOf: asOf)
        #expect(e?.day == start + 39)
        expectClose(e?.acceleration7d, analysis.daily[39].growth7d! - analysis.daily[32].growth7d!)
        #expect(analysis.leaderboardEntry(asOf: start + 43) == nil)
    }
}
