// The promotion of an Athena run's staged `artist_daily` partitions, in process over a folder
// that stands in for the bucket: a plan handed back is checked whole (an empty or altered one
// removes nothing), and a promotion killed after any of its writes, then run again, leaves
// every partition old or new, none missing. Athena stages a month in no order; the promotion
// publishes it in artist order (`ArtistOrderRewrite`).

import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumAnalytics
import MomentumText
import MomentumEngine
import MomentumTestSupport
import Testing
import MomentumHTTP

@Suite struct AthenaPromotionTests {
    static let months = ["2026-01", "2026-02", "2026-03"]
    static let lake = "s3://lake-bucket/lake"

    static func engine(_ store: some ObjectStore) throws -> AthenaEngine {
        // Glue answers every call (the staging table's deletion) with an empty success.
        let environment = ["AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                           "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]
        let empty = ClosureTransport { _ in TransportResponse(status: 200, body: Array("{}".utf8)) }
        // Quiet: the kills make the promotion warn about the staging it could not drop.
        var logger = Logger(label: "promotion")
        logger.logLevel = .critical
        return try AthenaEngine(local: LocalEngine(store: store, logger: logger),
                                glue: try GlueClient.standard(environment: environment, transport: empty),
                                athena: try AthenaClient.standard(environment: environment, transport: empty),
                                settings: try AthenaSettings(lake: lake, database: "momentum", workgroup: "primary", athenaOutput: nil))
    }

    static func plan(months: [String] = months) throws -> AthenaTransformPlan {
        try AthenaTransformPlan.make(scope: .full(reason: "test"), months: months, root: lake, runID: "run-1", database: "momentum",
                                     workgroup: "primary", athenaOutput: lake + "/_athena/results/")
    }

    /// A lake with raw data in three months, their old partitions (two parts in February, a
    /// partition of April whose raw data is gone) and the run's staged output.
    static func lakeFolder() throws -> (URL, FileSystemObjectStore) {
        let folder = try Repository.temporaryFolder("promotion")
        let store = FileSystemObjectStore(root: folder)
        return (folder, store)
    }

    /// A month's rows as Athena stages them: three artists' days, last first.
    static func staged(_ month: String) -> [ArtistDaily] {
        let start = Day(iso: month + "-01")!
        return ["b-artist", "a-artist", "c-artist"].flatMap { artist in
            (0..<5).reversed().map { offset in
                ArtistDaily(artistID: artist, artistName: artist, day: start + offset, followers: Int64(offset * 10), popularity: nil,
                            prevDay: nil, gapDays: nil, followerDelta: nil, addsPerDay: nil, logGrowth: nil, pctChange: nil, growth7d: nil,
                            growth28d: nil, popularityChange7d: nil, releaseCount: 0, daysSinceRelease: nil)
            }
        }
    }

    /// The month as the promotion publishes it: in artist order, laid out as the local engine lays it out.
    static func published(_ month: String) throws -> [UInt8] {
        let sorted = staged(month).sorted { UTF8Order.equal($0.artistID, $1.artistID) ? $0.day < $1.day : UTF8Order.less($0.artistID, $1.artistID) }
        return try Tables.artistDaily.parquetFile(sorted, options: .init(rowGroupRows: LocalEngine.processedRowGroupRows))
    }

    static func fill(_ store: FileSystemObjectStore) async throws {
        for month in months {
            try await store.put("raw/artist_metrics/dt=\(month)-10/run.jsonl", bytes: Array("{}\n".utf8))
            try await store.put("processed/artist_daily/month=\(month)/part-0.parquet", bytes: Array("old \(month)".utf8))
            try await store.put("_athena/staging/run-1/month=\(month)/20260101_staged", bytes: try Tables.artistDaily.parquetFile(staged(month)))
        }
        try await store.put("processed/artist_daily/month=2026-02/part-1.parquet", bytes: Array("old 2026-02 part 1".utf8))
        try await store.put("processed/artist_daily/month=2026-04/part-0.parquet", bytes: Array("old 2026-04".utf8))
    }

    /// Each partition file: "old ..." as filled, or "new <month>" when it is the month as published.
    static func partitions(_ store: FileSystemObjectStore) async throws -> [String: String] {
        var out: [String: String] = [:]
        for object in try await store.list(prefix: "processed/artist_daily/") {
            let bytes = try await store.get(object.key)
            let month = object.key.split(separator: "/").first { $0.hasPrefix("month=") }.map { String($0.dropFirst(6)) } ?? ""
            out[object.key] = (try? published(month)) == bytes ? "new \(month)" : String(decoding: bytes.prefix(40), as: UTF8.self)
        }
        return out
    }

    @Test func aPlanWithoutMonthsOrAlteredRemovesNothing() async throws {
        let (folder, store) = try Self.lakeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.fill(store)
        let before = try await Self.partitions(store)
        let engine = try Self.engine(KilledStore(base: store, failAt: nil, reportedLocation: Self.lake))

        var empty = try Self.plan()
        empty.months = []
        await #expect(throws: EngineError.self) { _ = try await engine.promote(empty, report: { _ in }) }
        var altered = try Self.plan()
        altered.steps.removeAll { $0.kind == "athena_query" }
        await #expect(throws: EngineError.self) { _ = try await engine.promote(altered, report: { _ in }) }
        var elsewhere = try Self.plan()
        elsewhere.lake = "s3://other-bucket/lake"
        await #expect(throws: EngineError.self) { _ = try await engine.promote(elsewhere, report: { _ in }) }
        #expect(try await Self.partitions(store) == before, "nothing was removed or replaced")

        // A plan naming one month of three replaces that one and leaves the others.
        let one = try Self.plan(months: ["2026-01", "2026-02", "2026-03"].filter { $0 == "2026-03" })
        try await store.delete("_athena/staging/run-1/month=2026-01/20260101_staged")
        try await store.delete("_athena/staging/run-1/month=2026-02/20260101_staged")
        _ = try await engine.promote(one, report: { _ in })
        let after = try await Self.partitions(store)
        #expect(after["processed/artist_daily/month=2026-01/part-0.parquet"] == "old 2026-01")
        #expect(after["processed/artist_daily/month=2026-02/part-1.parquet"] == "old 2026-02 part 1")
        #expect(after["processed/artist_daily/month=2026-03/part-0.parquet"] == "new 2026-03")
    }

    @Test func aPromotionKilledAtAnyWriteThenRunAgainLeavesEveryPartitionOldOrNew() async throws {
        // How many changes a whole promotion makes, then a kill at each of them.
        let (countFolder, countStore) = try Self.lakeFolder()
        defer { try? FileManager.default.removeItem(at: countFolder) }
        try await Self.fill(countStore)
        let counting = KilledStore(base: countStore, failAt: nil, reportedLocation: Self.lake)
        _ = try await Self.engine(counting).promote(try Self.plan(), report: { _ in })
        let changes = counting.changes.count
        try #require(changes >= 6)
        let finished = try await Self.partitions(countStore)
        #expect(finished == Dictionary(uniqueKeysWithValues: Self.months.map { ("processed/artist_daily/month=\($0)/part-0.parquet", "new \($0)") }))

        for kill in 1...changes {
            let (folder, store) = try Self.lakeFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            try await Self.fill(store)
            // (The last changes drop the staging, best effort: a kill there is not an error.)
            _ = try? await Self.engine(KilledStore(base: store, failAt: kill, reportedLocation: Self.lake)).promote(try Self.plan(), report: { _ in })
            let killed = try await Self.partitions(store)
            for month in Self.months {
                let value = killed["processed/artist_daily/month=\(month)/part-0.parquet"]
                #expect(value == "old \(month)" || value == "new \(month)", "kill at change \(kill): \(month) is \(value ?? "missing")")
            }
            _ = try await Self.engine(KilledStore(base: store, failAt: nil, reportedLocation: Self.lake)).promote(try Self.plan(), report: { _ in })
            #expect(try await Self.partitions(store) == finished, "kill at change \(kill), then run again")
        }
    }
}
