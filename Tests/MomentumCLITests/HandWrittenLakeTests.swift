// A raw lake written by hand to the lake contract (Tests/Fixtures/hand-lake), with answers
// worked out by hand: ties within a day, a null follower day, a missing day, an escaped name,
// an offset timestamp, unknown fields, files to ignore, market duplicates and a release cluster.

import Foundation
import MomentumTestSupport
import Testing

@Suite struct HandWrittenLakeTests {
    static func lake() throws -> URL {
        let source = Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake")
        let copy = try Repository.temporaryFolder("hand-lake").appendingPathComponent("lake")
        try FileManager.default.copyItem(at: source, to: copy)
        return copy
    }

    static func rows(_ result: ProcessResult) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    /// The daily rows of `report --artist --format json`.
    static func days(_ result: ProcessResult) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try #require(report["days"] as? [[String: Any]])
    }

    @Test func transformThenReportGiveTheHandWorkedNumbers() async throws {
        let lake = try Self.lake()
        defer { try? FileManager.default.removeItem(at: lake.deletingLastPathComponent()) }
        let transform = try await momentum(["transform", "--lake", lake.path])
        #expect(transform.status == 0, "\(transform.stderr)")

        let artist = try await momentum(["report", "--lake", lake.path, "--artist", "AAAAAAAAAAAAAAAAAAAAAA", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(artist.stdout.utf8)) as? [String: Any])
        let days = try #require(report["days"] as? [[String: Any]])
        let byDay = Dictionary(uniqueKeysWithValues: days.map { ($0["day"] as? String ?? "", $0) })
        #expect(days.count == 9, "03-07 has no record")
        #expect(byDay["2026-03-05"]?["followers"] is NSNull && byDay["2026-03-05"]?["prev_day"] is NSNull)
        #expect(byDay["2026-03-06"]?["prev_day"] as? String == "2026-03-04" && byDay["2026-03-06"]?["gap_days"] as? Int == 2)
        #expect(byDay["2026-03-06"]?["follower_delta"] as? Int == 20 && byDay["2026-03-06"]?["adds_per_day"] as? Double == 10)
        #expect(abs((byDay["2026-03-06"]?["log_growth"] as? Double ?? 0) - (log(1050.0) - log(1030.0)) / 2) < 1e-15)
        #expect(byDay["2026-03-08"]?["prev_day"] as? String == "2026-03-06")
        #expect(abs((byDay["2026-03-08"]?["growth_7d"] as? Double ?? 0) - 0.07) < 1e-12)
        #expect(abs((byDay["2026-03-09"]?["growth_7d"] as? Double ?? 0) - (1080.0 / 1010 - 1)) < 1e-12)
        #expect(byDay["2026-03-09"]?["popularity_change_7d"] as? Int == 7)
        #expect(byDay["2026-03-04"]?["release_count"] as? Int == 1 && byDay["2026-03-04"]?["days_since_release"] as? Int == 0)
        #expect(byDay["2026-03-09"]?["release_count"] as? Int == 1, "Second Wind counts on its own date")
        #expect(byDay["2026-03-10"]?["days_since_release"] as? Int == 6, "but the event day is the cluster's first date")

        let other = try await Self.days(momentum(["report", "--lake", lake.path, "--artist", "BBBBBBBBBBBBBBBBBBBBBB", "--format", "json"]))
        #expect(other.first?["artist_name"] as? String == "Ünder \"Q\" <b>")
        #expect(other.first { $0["day"] as? String == "2026-03-03" }?["followers"] as? Int == 503, "the latest capture of the day wins")
        #expect(other.first { $0["day"] as? String == "2026-03-04" }?["follower_delta"] as? Int == -3)

        let board = try await Self.rows(momentum(["report", "--lake", lake.path, "--format", "json"]))
        #expect(board.map { $0["artist_id"] as? String } == ["AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB"])
        #expect(board.map { $0["momentum_score"] as? Double } == [100, 0])
        #expect(board.allSatisfy { $0["day"] as? String == "2026-03-10" && $0["acceleration_7d"] is NSNull })

        let events = try await Self.rows(momentum(["releases", "impact", "--lake", lake.path, "--format", "json"]))
        #expect(events.count == 1)
        #expect(events.first?["event_day"] as? String == "2026-03-04")
        #expect(events.first?["album_ids"] as? String == "album00000000000000000,album00000000000000004")
        #expect(events.first?["album_names"] as? String == " first light  | Second Wind")
        #expect(events.first?["status"] as? String == "insufficient_data" && events.first?["contaminated"] as? Bool == false)
    }

    @Test(.tags(.outsideTools))
    func theHandWrittenLakeAgreesWithTheReferenceImplementation() async throws {
        let lake = try Self.lake()
        defer { try? FileManager.default.removeItem(at: lake.deletingLastPathComponent()) }
        #expect(try await momentum(["transform", "--lake", lake.path]).status == 0)
        let check = try await OutsideTools.runScript("reference_metrics.py", [lake.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }
}
