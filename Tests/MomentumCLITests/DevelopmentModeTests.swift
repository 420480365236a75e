// A Spotify app in Development Mode (no follower counts since February 2026), as a new user
// meets it: `demo --mode development` ranks every artist the other sources know on its primary
// series, its tables equal the independent implementation of the metric contract (section 8
// included), and the dashboard charts the series.

import Foundation
import MomentumTestSupport
import SpotifySimulator
import Testing

@Suite struct DevelopmentModeTests {
    @Test(.tags(.outsideTools))
    func theDemoInDevelopmentModeRanksEveryArtistTheSourcesKnow() async throws {
        let work = try Repository.temporaryFolder("development-demo")
        defer { try? FileManager.default.removeItem(at: work) }
        let demo = try await momentum(["demo", "--dir", work.path, "--mode", "development", "--artists", "16", "--days", "90", "--seed", "1"])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stderr.contains("Deezer and Last.fm rows"), "\(demo.stderr)")
        let lake = work.appendingPathComponent("lake")
        let report = try await momentum(["report", "--lake", lake.path, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
        let directory = SpotifySimulator(options: .init(artists: 16, seed: 1)).artistDirectory
        #expect(rows.count == 16)
        for (index, artist) in directory.enumerated() {
            let row = try #require(rows.first { $0["artist_id"] as? String == artist.id }, "artist \(index)")
            // Known to a source: on Deezer (index % 8 != 6), or matched on Last.fm (in MusicBrainz,
            // or by a name no other artist has).
            let onDeezer = index % 8 != 6, onLastFM = index % 6 != 2
            let expected = onDeezer ? "deezer/fans" : onLastFM ? "lastfm/listeners" : "spotify/followers"
            #expect(row["series"] as? String == expected, "artist \(index): \(row)")
            if expected != "spotify/followers" {
                #expect(row["momentum_score"] as? Double != nil && row["followers"] as? Int != nil, "artist \(index) unranked: \(row)")
            }
        }
        let check = try await OutsideTools.runScript("reference_metrics.py", [lake.path])
        #expect(check.status == 0 && check.stdout.contains("audience_daily: "), "\(check.stdout)\(check.stderr)")
        let page = try String(contentsOf: work.appendingPathComponent("dashboard.html"), encoding: .utf8)
        #expect(page.contains("deezer/fans") && page.contains("lastfm/listeners"))
    }
}
