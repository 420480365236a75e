// How much did a single lift an artist's growth? A hand-written follower series goes in, the
// event study of the metric contract comes out. No lake, no network: just MomentumAnalytics.

import MomentumAnalytics

let artistID = "0TnOYISbd1XYRBk9myaseg"
guard let start = Day(iso: "2026-09-01"), let releaseDay = Day(iso: "2026-10-10") else {
    fatalError("the example's dates are valid")
}

// 60 days of followers: about 150 a day, tripling for the two weeks after the release.
var followers: Int64 = 120_000
var observations: [MetricObservation] = []
for offset in 0..<60 {
    let day = start + offset
    let sinceRelease = day - releaseDay
    followers += (0..<14).contains(sinceRelease) ? 450 : 150 + Int64(offset % 3) * 10
    let capturedAt = Instant(nanosecondsSinceEpoch: (Int64(day.daysSinceEpoch) * 86_400 + 6 * 3600) * 1_000_000_000)
    observations.append(MetricObservation(
        artistID: artistID, artistName: "Example Artist", followers: followers, popularity: 60, capturedAt: capturedAt
    ))
}
let releases = [
    ReleaseRecord(artistID: artistID, albumID: "4aawyAB9vmqN3uQ7FjRGTy", albumName: "The Single",
                  albumType: "single", albumGroup: "single", releaseDate: releaseDay.isoString, releaseDatePrecision: "day"),
]

let analysis = ArtistAnalysis(artistID: artistID, observations: observations, releases: releases)
for impact in analysis.impacts {
    print("event \(impact.eventDay) (\(impact.albumNames)): status \(impact.status.rawValue)")
    print("  baseline log growth \(impact.baselineGrowth.map { "\($0)" } ?? "-"), CAR \(impact.car.map { "\($0)" } ?? "-")")
    print("  uplift in daily adds \(impact.uplift.map { "\(($0 * 100).rounded())%" } ?? "-"), t \(impact.tStat.map { "\($0)" } ?? "-")")
}
guard let impact = analysis.impacts.first, impact.status == .ok, let uplift = impact.uplift, uplift > 1.5 else {
    fatalError("expected a clear uplift from the release")
}
