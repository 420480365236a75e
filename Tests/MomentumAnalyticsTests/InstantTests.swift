// Time in the public API: ISO 8601 in and out, and bridges to Foundation's Date. Uses only
// the public API (no @testable), as a consumer would.

import Foundation
import MomentumAnalytics
import Testing

@Suite struct InstantTests {
    @Test func parsesISO8601AsTheLakeAndAPIsWriteIt() throws {
        #expect(Instant(iso: "1970-01-01T00:00:00Z")?.nanosecondsSinceEpoch == 0)
        #expect(Instant(iso: "2026-03-01T06:00:00Z")?.isoString == "2026-03-01T06:00:00Z")
        #expect(Instant(iso: "2026-03-01T06:00:00.5Z")?.nanosecondsSinceEpoch == Instant(iso: "2026-03-01T06:00:00Z").map { $0.nanosecondsSinceEpoch + 500_000_000 })
        #expect(Instant(iso: "2026-03-01T08:00:00+02:00") == Instant(iso: "2026-03-01T06:00:00Z"))
        #expect(Instant(iso: "2026-02-28T23:30:00-06:30")?.isoString == "2026-03-01T06:00:00Z")
        #expect(Instant(iso: "2026-03-01T06:00:00.123456789Z")?.isoString == "2026-03-01T06:00:00.123456789Z")
        #expect(Instant(iso: "1969-12-31T23:59:59.9Z")?.isoString == "1969-12-31T23:59:59.9Z")
        for bad in ["", "2026-03-01", "2026-03-01T06:00:00", "2026-02-30T00:00:00Z", "2026-03-01T24:00:00Z",
                    "2026-03-01T06:00:00.Z", "2026-03-01T06:00:00.1234567890Z", "2026-03-01T06:00:00+2:00", "9999-12-31T00:00:00Z",
                    "1600-01-01T00:00:00Z", "2026-03-01T06:00:00ZZ"] {
            #expect(Instant(iso: bad) == nil, "\(bad)")
        }
    }

    @Test func bridgesToAndFromDate() throws {
        let instant = try #require(Instant(iso: "2026-03-01T06:00:00.25Z"))
        #expect(instant.date == Date(timeIntervalSince1970: 1_772_344_800.25))
        #expect(Instant(instant.date) == instant)
        #expect(Day(instant.date) == Day(iso: "2026-03-01"))
        #expect(Instant(Date.distantFuture) == nil && Instant(Date(timeIntervalSince1970: .nan)) == nil)
        #expect(try #require(Day(iso: "2026-03-01")).start == Instant(iso: "2026-03-01T00:00:00Z"))
    }

    @Test func valuesAreBuiltFromTheirPartsWithoutTestable() throws {
        let day = try #require(Day(iso: "2026-03-01"))
        let row = ArtistDaily(artistID: "A", artistName: "Artist", day: day, followers: 10, releaseCount: 0)
        let entry = LeaderboardEntry(artistID: "A", artistName: "Artist", day: day, followers: 10, growth7d: 0.1, spikes28d: 0)
        let board = Leaderboard.rank([entry])
        #expect(row.month == "2026-03" && board.first?.rank == 1 && board.first?.momentumScore == 50)
        _ = ReleaseImpact(artistID: "A", artistName: "Artist", eventDay: day, albumIDs: "x", albumNames: "X", nBaseline: 0, nWindow: 0,
                          status: .insufficientData, contaminated: false)
        _ = ChangePoint(day: day, releaseAligned: true)
        _ = LagCorrelation(lag: 0, correlation: nil, pairs: 0)
    }
}
