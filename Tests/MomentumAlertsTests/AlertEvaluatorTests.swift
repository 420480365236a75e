// The rules' meaning on hand-made rows: each kind fires on the day Docs/Alerts.md says, once,
// from the rule's first day on, reading earlier rows only as history.

import Foundation
import MomentumAlerts
import MomentumAnalytics
import Testing

func day(_ text: String) -> Day { Day(iso: text)! }

/// An artist whose Deezer fans follow `counts`, one a day from 2026-01-01.
func analysis(_ id: String, name: String = "Artist", counts: [Int64?], signals: [ArtistSignal] = [], impacts: [ReleaseImpact] = []) -> ArtistAnalysis {
    let observations = counts.enumerated().map { index, count in
        AudienceObservation(artistID: id, artistName: name, source: "deezer", sourceArtistID: "d\(id)", metric: "fans", value: count,
                            capturedAt: (day("2026-01-01") + index).start)
    }
    let built = ArtistAnalysis(artistID: id, observations: [], releases: [], audience: observations)
    return ArtistAnalysis(artistID: id, daily: built.daily, signals: signals.isEmpty ? built.signals : signals,
                          impacts: impacts.isEmpty ? built.impacts : impacts, audience: built.audience)
}

@Suite struct AlertEvaluatorTests {
    @Test func growthFiresOnTheDayItCrossesAndNotWhileItStaysAbove() {
        // Flat for 10 days, then +1,000 a day on 10,000: 7-day growth passes 5 % on day 15.
        let counts: [Int64?] = (0..<10).map { _ in 10_000 } + (1...20).map { 10_000 + Int64($0) * 1_000 }
        let artist = analysis("a1", counts: counts)
        let rule = AlertRule(id: "g", kind: .growth, threshold: 0.5, destinations: ["x"])
        let alerts = AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        let crossing = artist.audience.first { ($0.growth7d ?? 0) >= 0.5 }!
        #expect(alerts.map(\.day) == [crossing.day])
        #expect(alerts.first?.series == .deezerFans && alerts.first?.facts.growth == crossing.growth7d)
        // From a later day the same crossing is history: nothing fires.
        #expect(AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [artist]), from: crossing.day + 1).isEmpty)
    }

    @Test func aMilestoneFiresOnceWhenReachedEvenIfTheCountDipsAndComesBack() {
        let artist = analysis("a1", counts: [9_990, 9_995, nil, 10_010, 9_990, 10_020, 100_500])
        let rule = AlertRule(id: "m", kind: .milestone, destinations: ["x"])
        let alerts = AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        #expect(alerts.map { "\($0.facts.milestone!) \($0.day)" } == ["10000 2026-01-04", "100000 2026-01-07"])
        #expect(Set(alerts.map(\.id)).count == 2)
        // The first count of a series has nothing to have crossed from.
        let fresh = analysis("a2", counts: [20_000, 20_100])
        #expect(AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [fresh]), from: day("2026-01-01")).isEmpty)
    }

    @Test func spikesAndDropsComeFromTheSignalsOfEverySeriesAboveTheThreshold() {
        let signals = [
            ArtistSignal(artistID: "a1", day: day("2026-01-05"), addsPerDay: 900, robustZ: 6, isSpike: true, isDrop: false, series: .deezerFans),
            ArtistSignal(artistID: "a1", day: day("2026-01-06"), addsPerDay: 500, robustZ: 4, isSpike: true, isDrop: false, series: .lastfmListeners),
            ArtistSignal(artistID: "a1", day: day("2026-01-07"), addsPerDay: -50, robustZ: -5, isSpike: false, isDrop: true, series: .deezerFans),
        ]
        let artist = analysis("a1", counts: Array(repeating: 1_000, count: 10), signals: signals)
        let spikes = AlertEvaluator.alerts(for: AlertRule(id: "s", kind: .spike, destinations: ["x"]), in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        #expect(spikes.map(\.day).sorted() == [day("2026-01-05"), day("2026-01-06")])
        let strong = AlertEvaluator.alerts(for: AlertRule(id: "s", kind: .spike, threshold: 5, destinations: ["x"]), in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        #expect(strong.map(\.day) == [day("2026-01-05")])
        let deezerOnly = AlertRule(id: "s", kind: .spike, series: [.lastfmListeners], destinations: ["x"])
        #expect(AlertEvaluator.alerts(for: deezerOnly, in: AlertInputs(analyses: [artist]), from: day("2026-01-01")).map(\.day) == [day("2026-01-06")])
        let drops = AlertEvaluator.alerts(for: AlertRule(id: "d", kind: .drop, destinations: ["x"]), in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        #expect(drops.map(\.day) == [day("2026-01-07")] && drops[0].facts.robustZ == -5)
        #expect(AlertEvaluator.alerts(for: AlertRule(id: "s", kind: .spike, artists: ["other"], destinations: ["x"]),
                                      in: AlertInputs(analyses: [artist]), from: day("2026-01-01")).isEmpty)
    }

    @Test func aReleaseImpactFiresWhenItsWindowHasClosed() {
        let impact = ReleaseImpact(artistID: "a1", eventDay: day("2026-01-05"), albumIDs: "al1", albumNames: "First", nBaseline: 20, nWindow: 14,
                                   status: .ok, car: 0.2, tStat: 3.1, uplift: 0.5, contaminated: false, series: .deezerFans)
        let rule = AlertRule(id: "i", kind: .releaseImpact, destinations: ["x"])
        // Rows up to the 17th: the window [5th, 18th] is still open.
        let open = analysis("a1", counts: Array(repeating: 1_000, count: 17), impacts: [impact])
        #expect(AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [open]), from: day("2026-01-01")).isEmpty)
        let closed = analysis("a1", counts: Array(repeating: 1_000, count: 18), impacts: [impact])
        let alerts = AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [closed]), from: day("2026-01-01"))
        #expect(alerts.map(\.day) == [day("2026-01-18")] && alerts[0].facts.tStat == 3.1 && alerts[0].facts.eventDay == day("2026-01-05"))
        #expect(AlertEvaluator.alerts(for: AlertRule(id: "i", kind: .releaseImpact, threshold: 4, destinations: ["x"]),
                                      in: AlertInputs(analyses: [closed]), from: day("2026-01-01")).isEmpty)
    }

    @Test func theLeaderboardComparesEachSnapshotWithTheOneBefore() {
        func row(_ rank: Int32, _ id: String) -> MomentumRow {
            MomentumRow(rank: rank, artistID: id, artistName: id.uppercased(), day: day("2026-01-01"), spikes28d: 0)
        }
        let snapshots: [Day: [MomentumRow]] = [
            day("2026-01-01"): [row(1, "a"), row(2, "b"), row(3, "c")],
            day("2026-01-02"): [row(1, "a"), row(2, "c"), row(3, "b")],
            day("2026-01-04"): [row(1, "c"), row(2, "a"), row(3, "b")],
        ]
        let rule = AlertRule(id: "top", kind: .leaderboard, top: 2, destinations: ["x"])
        let alerts = AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [], leaderboards: snapshots), from: day("2026-01-02"))
        #expect(Set(alerts.map { "\($0.day) \($0.artistID) \($0.facts.entered!) \($0.facts.rank!)" })
                == ["2026-01-02 c true 2", "2026-01-02 b false 3"])
        #expect(AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [], leaderboards: snapshots), from: day("2026-01-03")).isEmpty)
    }

    @Test func aNewReleaseFiresOnceForTheDayItWasFirstFound() {
        let releases = [
            AlertInputs.NewRelease(artistID: "a1", albumID: "x", albumName: "X", albumType: "single", releaseDate: "2026-01-02", discovered: day("2026-01-03")),
            AlertInputs.NewRelease(artistID: "a1", albumID: "x", albumName: "X", albumType: "single", releaseDate: "2026-01-02", discovered: day("2026-01-10")),
            AlertInputs.NewRelease(artistID: "a1", albumID: "y", albumName: "Y", albumType: "album", releaseDate: "2025-12-30", discovered: day("2025-12-31")),
        ]
        let alerts = AlertEvaluator.alerts(for: AlertRule(id: "r", kind: .newRelease, destinations: ["x"]),
                                           in: AlertInputs(analyses: [], newReleases: releases), from: day("2026-01-01"))
        #expect(alerts.map { "\($0.key) \($0.day)" } == ["album/x 2026-01-03"])
    }

    @Test func idsAreStableAndDifferByRuleArtistAndKey() {
        let artist = analysis("a1", counts: [9_000, 10_500, 100_200])
        let rule = AlertRule(id: "m", kind: .milestone, destinations: ["x"])
        let first = AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        let again = AlertEvaluator.alerts(for: rule, in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        #expect(first.map(\.id) == again.map(\.id))
        let renamed = AlertEvaluator.alerts(for: AlertRule(id: "m2", kind: .milestone, destinations: ["x"]), in: AlertInputs(analyses: [artist]), from: day("2026-01-01"))
        #expect(Set(first.map(\.id)).isDisjoint(with: renamed.map(\.id)))
        #expect(first.allSatisfy { $0.id.hasPrefix("alert_") && $0.id.count == 38 })
    }
}
