// Section 8 of the metric contract: audience series beyond Spotify. Hand-made series whose
// expected values are worked out in the comments.

import Foundation
import MomentumAnalytics
import Testing

func audience(_ iso: String, _ value: Int64?, source: String = "deezer", metric: String = "fans", hour: Int = 7,
              name: String = "Deezer Name") -> AudienceObservation {
    AudienceObservation(artistID: artist, artistName: name, source: source, sourceArtistID: "42", metric: metric, value: value,
                        capturedAt: instant(iso, hour: hour))
}

/// One audience record a day from `start`.
func audienceSeries(from start: String, _ values: [Int64?], source: String = "deezer", metric: String = "fans") -> [AudienceObservation] {
    values.enumerated().map { i, value in audience((day(start) + i).isoString, value, source: source, metric: metric) }
}

@Suite struct AudienceTests {
    @Test func aDayKeepsTheLatestRecordThenTheGreaterValue() {
        let rows = AudienceDailyBuilder.build(artistID: artist, observations: [
            audience("2026-03-01", 100, hour: 7),
            audience("2026-03-01", 90, hour: 9),   // later: wins
            audience("2026-03-02", nil, hour: 7),
            audience("2026-03-02", 120, hour: 7),  // same instant, a number beats null
            audience("2026-03-03", 130, hour: 7, name: "First"),
            audience("2026-03-03", 130, hour: 7, name: "Read last"),  // a full tie: the one read last
        ])
        #expect(rows.map(\.value) == [90, 120, 130])
        #expect(rows[2].artistName == "Read last")
        // 120 after 90, one day: delta 30, growth ln(120/90).
        #expect(rows[1].prevDay == day("2026-03-01") && rows[1].gapDays == 1 && rows[1].delta == 30)
        expectClose(rows[1].addsPerDay, 30)
        expectClose(rows[1].logGrowth, log(120.0 / 90.0))
        expectClose(rows[1].pctChange, 30.0 / 90.0)
    }

    @Test func seriesAreSeparateAndOrderedBySourceThenMetric() {
        let records = audienceSeries(from: "2026-03-01", [10, 20], source: "lastfm", metric: "playcount")
            + audienceSeries(from: "2026-03-01", [5, nil, 7], source: "lastfm", metric: "listeners")
            + audienceSeries(from: "2026-03-01", [1, 2], source: "deezer", metric: "fans")
        let rows = AudienceDailyBuilder.build(artistID: artist, observations: records)
        #expect(rows.map(\.series.name) == ["deezer/fans", "deezer/fans", "lastfm/listeners", "lastfm/listeners", "lastfm/listeners",
                                            "lastfm/playcount", "lastfm/playcount"])
        // listeners: a null day in between; the third row's previous count is two days back.
        let third = rows[4]
        #expect(third.value == 7 && third.prevDay == day("2026-03-01") && third.gapDays == 2 && third.delta == 2)
        expectClose(third.addsPerDay, 1)
        #expect(rows[3].prevDay == nil && rows[3].delta == nil)
    }

    @Test func growthLooksBackExactlySevenAndTwentyEightDays() {
        let values: [Int64?] = (0..<29).map { 1000 + Int64($0) * 10 }
        let rows = AudienceDailyBuilder.build(artistID: artist, observations: audienceSeries(from: "2026-01-01", values))
        expectClose(rows[7].growth7d, 1070.0 / 1000.0 - 1)
        expectClose(rows[28].growth28d, 1280.0 / 1000.0 - 1)
        #expect(rows[6].growth7d == nil && rows[27].growth28d == nil)
    }

    @Test func thePrimarySeriesIsSpotifyThenDeezerThenLastfmListeners() {
        let start = "2026-01-01"
        let asOf = day(start) + 39
        let nullSpotify = series(from: start, Array(repeating: nil, count: 40))
        let deezer = audienceSeries(from: start, (0..<40).map { 500 + Int64($0 * $0) })
        let listeners = audienceSeries(from: start, (0..<40).map { 900 + Int64($0) }, source: "lastfm", metric: "listeners")
        let plays = audienceSeries(from: start, (0..<40).map { 9000 + Int64($0) }, source: "lastfm", metric: "playcount")

        let counted = ArtistAnalysis(artistID: artist, observations: series(from: start, (0..<40).map { 100 + Int64($0) }),
                                     releases: [], audience: deezer + listeners)
        #expect(counted.leaderboardEntry(asOf: asOf)?.series == .spotifyFollowers)

        let development = ArtistAnalysis(artistID: artist, observations: nullSpotify, releases: [], audience: listeners + deezer + plays)
        let entry = development.leaderboardEntry(asOf: asOf)
        #expect(entry?.series == .deezerFans && entry?.followers == 500 + 39 * 39 && entry?.artistName == "Deezer Name")
        let deezerRows = development.audience(of: .deezerFans)
        expectClose(entry?.growth7d, deezerRows[39].growth7d)
        expectClose(entry?.acceleration7d, deezerRows[39].growth7d! - deezerRows[32].growth7d!)

        let noDeezer = ArtistAnalysis(artistID: artist, observations: nullSpotify, releases: [], audience: listeners + plays)
        #expect(noDeezer.leaderboardEntry(asOf: asOf)?.series == .lastfmListeners)

        // Plays count plays, not people: never primary. Only null counts: Spotify's row, unscored.
        let playsOnly = ArtistAnalysis(artistID: artist, observations: nullSpotify, releases: [], audience: plays)
        let unranked = playsOnly.leaderboardEntry(asOf: asOf)
        #expect(unranked?.series == .spotifyFollowers && unranked?.followers == nil && unranked?.growth7d == nil)

        // A series whose counts are older than three days does not rank the artist.
        let staleDeezer = audienceSeries(from: start, (0..<30).map { 500 + Int64($0) })
        let stale = ArtistAnalysis(artistID: artist, observations: nullSpotify, releases: [], audience: staleDeezer + listeners)
        #expect(stale.leaderboardEntry(asOf: asOf)?.series == .lastfmListeners)
    }

    @Test func popularityStillComesFromArtistDaily() {
        let start = "2026-01-01"
        let spotify = series(from: start, Array(repeating: nil, count: 40), popularity: (0..<40).map { Int32(20 + $0 / 4) })
        let analysis = ArtistAnalysis(artistID: artist, observations: spotify, releases: [],
                                      audience: audienceSeries(from: start, (0..<40).map { 500 + Int64($0) }))
        let entry = analysis.leaderboardEntry(asOf: day(start) + 39)
        // Day 39: popularity 20 + 9 = 29; day 11: 20 + 2 = 22.
        #expect(entry?.series == .deezerFans && entry?.popularityChange28d == 7)
    }

    @Test func signalsAndImpactsArePerSeries() {
        let start = "2026-01-01"
        let growing: [Int64?] = (0..<80).map { Int64(1000.0 * exp(0.01 * Double($0))) + ($0 % 3 == 0 ? 3 : 0) }
        let analysis = ArtistAnalysis(
            artistID: artist, observations: series(from: start, growing), releases: [release("a1", "Album", (day(start) + 50).isoString)],
            audience: audienceSeries(from: start, growing.map { $0.map { $0 * 2 } }))
        let bySeries = Dictionary(grouping: analysis.signals, by: \.series)
        #expect(bySeries[.spotifyFollowers]?.count == 79 && bySeries[.deezerFans]?.count == 79)
        #expect(analysis.signals.first?.series == .spotifyFollowers && analysis.signals.last?.series == .deezerFans)
        #expect(analysis.impacts.map(\.series) == [.spotifyFollowers, .deezerFans])
        #expect(analysis.impacts.allSatisfy { $0.eventDay == day(start) + 50 && $0.status == .ok })
        #expect(analysis.impacts[1].artistName == "Deezer Name" && analysis.impacts[0].artistName == "Test Artist")

        // Rebuilt from the tables, the calendar and the series come back.
        let stored = ArtistAnalysis(artistID: artist, daily: analysis.daily, signals: analysis.signals.reversed(),
                                    impacts: analysis.impacts.reversed(), audience: analysis.audience.reversed())
        #expect(stored.signals == analysis.signals && stored.impacts == analysis.impacts && stored.audience == analysis.audience)
        #expect(stored.calendar.eventDays == [day(start) + 50])
        // And from daily rows another engine computed, signals and impacts again.
        let recomputed = ArtistAnalysis(artistID: artist, daily: analysis.daily, audience: analysis.audience,
                                        releases: [release("a1", "Album", (day(start) + 50).isoString)])
        #expect(recomputed.signals == analysis.signals && recomputed.impacts == analysis.impacts)
    }

    @Test func theDefaultDayCountsEverySeries() {
        let spotify = ArtistAnalysis(artistID: "a", observations: series(from: "2026-01-01", [1, 2, nil, nil, nil]), releases: [])
        let deezer = ArtistAnalysis(artistID: "b", observations: [], releases: [],
                                    audience: audienceSeries(from: "2026-01-01", [1, 2, 3, 4, nil]))
        // Spotify's last count is on day 1, Deezer's on day 3; day 4 has only nulls.
        #expect(Leaderboard.defaultAsOf([spotify, deezer]) == day("2026-01-04"))
        #expect(Leaderboard.defaultAsOf([spotify]) == day("2026-01-02"))
    }

    @Test func seriesNamesParse() {
        #expect(AudienceSeries(name: "lastfm/listeners") == .lastfmListeners)
        #expect(AudienceSeries(name: "deezer") == nil && AudienceSeries(name: "/fans") == nil && AudienceSeries(name: "deezer/") == nil)
        #expect(AudienceSeries.spotifyFollowers.name == "spotify/followers")
    }
}
