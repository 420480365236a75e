// Builders for hand-written series.

import MomentumAnalytics
import Testing

let artist = "0TnOYISbd1XYRBk9myaseg"

func day(_ iso: String) -> Day {
    guard let day = Day(iso: iso) else { fatalError("bad test date \(iso)") }
    return day
}

func instant(_ iso: String, hour: Int = 6, second: Int = 0) -> Instant {
    let seconds = Int64(day(iso).daysSinceEpoch) * 86_400 + Int64(hour * 3600 + second)
    return Instant(nanosecondsSinceEpoch: seconds * 1_000_000_000)
}

func observation(_ iso: String, _ followers: Int64?, popularity: Int32? = nil, hour: Int = 6, second: Int = 0,
                 name: String = "Test Artist") -> MetricObservation {
    MetricObservation(artistID: artist, artistName: name, followers: followers, popularity: popularity,
                      capturedAt: instant(iso, hour: hour, second: second))
}

/// One observation a day from `start`, skipping days whose value is `.skip`.
func series(from start: String, _ followers: [Int64?], popularity: [Int32?]? = nil) -> [MetricObservation] {
    followers.enumerated().map { i, f in
        observation((day(start) + i).isoString, f, popularity: popularity?[i])
    }
}

func release(_ id: String, _ name: String, _ date: String, type: String = "album", group: String? = "album",
             precision: String = "day") -> ReleaseRecord {
    ReleaseRecord(artistID: artist, albumID: id, albumName: name, albumType: type, albumGroup: group,
                  releaseDate: date, releaseDatePrecision: precision)
}

func daily(_ observations: [MetricObservation], releases: [ReleaseRecord] = []) -> [ArtistDaily] {
    DailyBuilder.build(artistID: artist, observations: observations,
                       calendar: ReleaseCalendar(artistID: artist, releases: releases))
}

func expectClose(_ actual: Double?, _ expected: Double?, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    switch (actual, expected) {
    case (nil, nil):
        return
    case let (a?, e?):
        let tolerance = 1e-12 * max(1, abs(e))
        #expect(abs(a - e) <= tolerance, "\(a) != \(e) \(comment?.description ?? "")", sourceLocation: sourceLocation)
    default:
        Issue.record("expected \(String(describing: expected)), got \(String(describing: actual)) \(comment?.description ?? "")",
                     sourceLocation: sourceLocation)
    }
}
