// Sharded analytics against the local engine: a lake transformed in full, then its signals,
// impacts and leaderboard computed again by shards (1 and 7) from the stored `artist_daily` and
// `audience_daily`, and published. The tables are the local engine's: `artist_signals` and the
// leaderboard byte for byte, `release_impact` value for value (its row groups follow the shards).
// Each shard reads only its artists' row groups. A publish killed after any of its writes leaves
// every file old or new, and run again publishes everything.

import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumAnalytics
@testable import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct ShardedAnalyticsTests {
    /// Small row groups, so that a shard has other artists' groups to skip.
    static let options = ParquetWriter.Options(rowGroupRows: 120)

    static func engine(_ store: any ObjectStore) -> LocalEngine {
        var logger = Logger(label: "shards")
        logger.logLevel = .critical
        return LocalEngine(store: store, logger: logger, parquetOptions: options)
    }

    /// 40 artists × 100 days from 2026-01-10 (a few days missing), Deezer fans of every third
    /// artist, releases of every fourth (one filed twice, under another date).
    static func rawLake(at folder: URL) throws {
        var random = SplitMix(seed: 21)
        func write(_ key: String, _ lines: [String]) throws {
            let url = folder.appendingPathComponent(key)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        }
        let start = Day(iso: "2026-01-10")!
        let artists = (0..<40).map { String(format: "%02dArtist%014d", $0 * 7 % 40, $0) }
        for offset in 0..<100 {
            let day = (start + offset).isoString
            var metrics: [String] = [], audience: [String] = []
            for (index, artist) in artists.enumerated() where Int.random(in: 0..<10, using: &random) > 0 {
                let followers = 10_000 * (index + 1) + offset * (5 + index) + Int.random(in: 0...(offset % 17 == 0 ? 4_000 : 50), using: &random)
                metrics.append(#"{"artist_id":"\#(artist)","artist_name":"Artist \#(index)","followers":\#(followers),"popularity":\#(Int.random(in: 20...80, using: &random)),"captured_at":"\#(day)T06:00:00Z"}"#)
                if index % 3 == 0 {
                    audience.append(#"{"artist_id":"\#(artist)","artist_name":"Artist \#(index)","source":"deezer","source_artist_id":"\#(index)","metric":"fans","value":\#(2_000 + offset * index),"captured_at":"\#(day)T07:00:00Z"}"#)
                }
            }
            try write("raw/artist_metrics/dt=\(day)/run.jsonl", metrics)
            try write("raw/audience/dt=\(day)/run.jsonl", audience)
        }
        var releases: [String] = []
        for (index, artist) in artists.enumerated() where index % 4 == 0 {
            for album in 0..<2 {
                let released = (start + 20 + index + album * 30).isoString
                releases.append(#"{"artist_id":"\#(artist)","album_id":"album\#(index)x\#(album)","album_name":"Record","album_type":"album","album_group":"album","release_date":"\#(released)","release_date_precision":"day","total_tracks":9,"discovered_at":"\#(start.isoString)T07:00:00Z","is_new":false}"#)
            }
        }
        try write("raw/releases/dt=\(start.isoString)/scan.jsonl", releases)
        // Seen again later under another date: the earlier sighting holds.
        try write("raw/releases/dt=\((start + 50).isoString)/scan.jsonl", [releases[0].replacingOccurrences(of: "\(start.isoString)T07", with: "\((start + 50).isoString)T07")
            .replacingOccurrences(of: (start + 20).isoString, with: (start + 25).isoString)])
    }

    /// Every processed file of the lake, with its bytes.
    static func processed(_ store: FileSystemObjectStore) async throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for object in try await store.list(prefix: "processed/") { files[object.key] = try await store.get(object.key) }
        return files
    }

    static func impacts(_ bytes: [UInt8]) async throws -> [ReleaseImpact] {
        let reader = try await ParquetReader.open(bytes: bytes, name: "release_impact")
        return try ProcessedTableReader.impacts(ProcessedColumns(table: try await reader.read(), file: "release_impact"), span: nil)
    }

    /// A lake transformed in full, and a copy whose analytics the shards compute again.
    static func lakes() async throws -> (reference: [String: [UInt8]], folder: URL, store: FileSystemObjectStore) {
        let folder = try Repository.temporaryFolder("sharded")
        let store = FileSystemObjectStore(root: folder)
        try rawLake(at: folder)
        _ = try await engine(store).transform(full: true)
        return (try await processed(store), folder, store)
    }

    @Test(arguments: [1, 7])
    func shardsGiveTheLocalEnginesTables(count: Int) async throws {
        let (reference, folder, store) = try await Self.lakes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let derived = reference.keys.filter { !$0.hasPrefix("processed/artist_daily/") && !$0.hasPrefix("processed/audience_daily/") }
        try #require(derived.contains { $0.hasPrefix("processed/artist_signals/") } && derived.contains { $0.hasPrefix("processed/momentum/") })
        for key in derived { try await store.delete(key) }

        let engine = Self.engine(store)
        let plan = try await engine.shardPlan(runID: "run-\(count)", firstDay: nil, count: count)
        #expect(plan.shards.count == count)
        var outcomes: [ShardOutcome] = []
        for shard in plan.shards { outcomes.append(try await engine.analyseShard(plan, index: shard.index)) }
        let published = try await engine.publishShards(plan, engine: "athena")
        #expect(published.total.artists == 40 && outcomes.map(\.artists).reduce(0, +) == 40)
        #expect(published.leaderboardRows > 0)

        let after = try await Self.processed(store)
        #expect(Set(after.keys) == Set(reference.keys), "\(Set(after.keys).symmetricDifference(reference.keys))")
        for key in derived.sorted() where !key.hasPrefix("processed/release_impact/") {
            let same = after[key] == reference[key]
            #expect(same, "\(key) differs from the local engine's")
        }
        let impactKey = try #require(derived.first { $0.hasPrefix("processed/release_impact/") })
        let sameImpacts = try await Self.impacts(try #require(after[impactKey])) == Self.impacts(try #require(reference[impactKey]))
        #expect(sameImpacts, "release_impact differs from the local engine's")

        // Each of several shards reads less than the stored tables: its artists' row groups.
        let stored = reference.filter { $0.key.hasPrefix("processed/artist_daily/") || $0.key.hasPrefix("processed/audience_daily/") }.values.reduce(0) { $0 + $1.count }
        if count > 1 {
            #expect(outcomes.allSatisfy { $0.bytesRead < stored / 2 }, "bytes read per shard \(outcomes.map(\.bytesRead)) of \(stored)")
        }
        // Published again (the answer lost): the record answers, nothing changes.
        #expect(try await engine.publishShards(plan, engine: "athena") == published)
        await engine.dropShardParts(runID: plan.runID, keepingRecord: true)
        #expect(try await store.list(prefix: AnalyticsShardPlan.prefix(runID: plan.runID)).map(\.key) == [LocalEngine.publishedMarker(runID: plan.runID)])
    }

    @Test func aPublishKilledAtAnyWriteThenRunAgainLeavesEveryFileOldOrNew() async throws {
        let (reference, folder, store) = try await Self.lakes()
        defer { try? FileManager.default.removeItem(at: folder) }
        let derived = reference.keys.filter { !$0.hasPrefix("processed/artist_daily/") && !$0.hasPrefix("processed/audience_daily/") }.sorted()
        let engine = Self.engine(store)
        let plan = try await engine.shardPlan(runID: "run-kill", firstDay: nil, count: 3)
        for shard in plan.shards { _ = try await engine.analyseShard(plan, index: shard.index) }
        // The tables before the publish: stand-ins that are neither the new files nor missing.
        for key in derived { try await store.put(key, bytes: Array("old \(key)".utf8)) }
        let staged = FileManager.default.temporaryDirectory.appendingPathComponent("sharded-staged-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: folder, to: staged)
        defer { try? FileManager.default.removeItem(at: staged) }

        let counting = KilledStore(base: store, failAt: nil)
        _ = try await Self.engine(counting).publishShards(plan, engine: "athena")
        let changes = counting.changes.count
        try #require(changes >= derived.count)

        for kill in 1...changes {
            try FileManager.default.removeItem(at: folder)
            try FileManager.default.copyItem(at: staged, to: folder)
            let killed = KilledStore(base: store, failAt: kill)
            await #expect(throws: (any Error).self) { _ = try await Self.engine(killed).publishShards(plan, engine: "athena") }
            let after = try await Self.processed(store)
            for key in derived {
                let bytes = after[key]
                var new = bytes == reference[key]
                if key.hasPrefix("processed/release_impact/"), let bytes, !new, !bytes.starts(with: Array("old".utf8)) {
                    new = try await Self.impacts(bytes) == Self.impacts(try #require(reference[key]))
                }
                #expect(bytes == Array("old \(key)".utf8) || new, "kill at change \(kill): \(key) is \(bytes == nil ? "missing" : "neither old nor new")")
            }
            _ = try await Self.engine(store).publishShards(plan, engine: "athena")
            let again = try await Self.processed(store)
            for key in derived where !key.hasPrefix("processed/release_impact/") {
                #expect(again[key] == reference[key], "kill at change \(kill), then run again: \(key)")
            }
        }
    }
}
