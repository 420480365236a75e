// The streaming transform (artists in buckets spilled to disk, tables written row group by row
// group) against the in-memory one on lakes with gaps, ties, duplicate runs, Development Mode
// artists, clustered releases and a leaderboard day whose records lose their follower counts to
// a later capture: every table holds the same rows.

import Foundation
import LakeKit
import MomentumAnalytics
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct StreamingTransformTests {
    /// Transforms copies of `lake` in memory and in buckets of `bucketBytes`, and compares.
    private func streamingEqualsInMemory(_ lake: URL, bucketBytes: Int) async throws {
        let work = lake.deletingLastPathComponent()
        let copies = ["memory", "streaming"].map { work.appendingPathComponent($0) }
        for copy in copies { try FileManager.default.copyItem(at: lake, to: copy) }
        let memory = LocalEngine(store: FileSystemObjectStore(root: copies[0]))
        var streaming = LocalEngine(store: FileSystemObjectStore(root: copies[1]))
        streaming.streamingBucketBytes = bucketBytes
        let expected = try await memory.transform(full: true)
        let streamed = try await streaming.transform(full: true)
        #expect(expected.scope == .full(reason: "--full") && streamed.scope == .full(reason: "--full"))
        #expect(streamed.dailyRows == expected.dailyRows && streamed.signalRows == expected.signalRows)
        #expect(streamed.events == expected.events && streamed.leaderboardRows == expected.leaderboardRows)
        #expect(streamed.asOf == expected.asOf && streamed.malformed == expected.malformed, "\(streamed.malformed) vs \(expected.malformed)")

        let a = try await memory.processedAnalyses(try await memory.processedLake())
        let b = try await streaming.processedAnalyses(try await streaming.processedLake())
        #expect(a.map(\.artistID) == b.map(\.artistID))
        for (x, y) in zip(a, b) {
            #expect(x.daily == y.daily, "\(x.artistID): artist_daily")
            #expect(x.signals == y.signals, "\(x.artistID): artist_signals")
            #expect(x.impacts == y.impacts, "\(x.artistID): release_impact")
        }
        let leaderboardA = try await memory.processedLeaderboard(try await memory.processedLake(), asOf: nil)
        let leaderboardB = try await streaming.processedLeaderboard(try await streaming.processedLake(), asOf: nil)
        #expect(leaderboardA.day == leaderboardB.day && leaderboardA.rows == leaderboardB.rows)
        let files = try FileManager.default.subpathsOfDirectory(atPath: copies[1].appendingPathComponent("processed").path)
        #expect(files.filter { $0.hasSuffix(".parquet") }.count == (try FileManager.default.subpathsOfDirectory(atPath: copies[0].appendingPathComponent("processed").path)).filter { $0.hasSuffix(".parquet") }.count)
        // A streamed full rebuild is recorded like any other: the next run is incremental.
        #expect(try await streaming.transformScope(full: false) == .upToDate)
    }

    @Test(.enabled(if: OutsideTools.enabled, "needs MOMENTUM_OUTSIDE_TOOLS=1 (scripts/test)"))
    func aGeneratedLakeStreamedInBucketsEqualsTheInMemoryTransform() async throws {
        let work = try Repository.temporaryFolder("streaming-generated")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        let generated = try OutsideTools.runScript("generate_lake.py", ["--out", lake.path, "--artists", "60", "--days", "120", "--seed", "3"])
        try #require(generated.status == 0, "\(generated.stderr)")
        // About 1.5 MB of raw metrics: 24 buckets.
        try await streamingEqualsInMemory(lake, bucketBytes: 64 << 10)
    }

    @Test func theHandWrittenLakeAndAMispredictedLeaderboardDayStreamAsInMemory() async throws {
        let work = try Repository.temporaryFolder("streaming-hand")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        // The last day's only count is overtaken by a later capture without one: the day with
        // followers in some record is not the leaderboard's day.
        let store = FileSystemObjectStore(root: lake)
        let day = try #require(LakeDate(iso: "2026-03-11"))
        let at = Int64(day.daysSinceEpoch) * 86_400_000_000_000 + 6 * 3_600_000_000_000
        let records = [
            RawArtistMetric(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: 999, popularity: 50, capturedAt: at, source: "test"),
            RawArtistMetric(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: nil, popularity: nil,
                            capturedAt: at + 3_600_000_000_000, source: "test"),
        ]
        try store.writeFile(LakeLayout.rawKey(.artistMetrics, day: day, runID: "late"), bytes: JSONLines.encode(records))
        try await streamingEqualsInMemory(lake, bucketBytes: 256)
    }
}
