// `transform --engine athena` end to end: S3 is SeaweedFS, Glue is moto, Athena is the double
// of Tests/Tools/athena_double.py (DuckDB running each statement over the objects in S3). The
// tables it leaves must equal the local engine's value for value, full and incremental; Glue
// and the statements received are checked; a failed statement leaves the tables as they were.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite(.serialized) struct AthenaEngineTests {
    /// A demo lake on disk, with its last metrics day and last release scan held back, and the
    /// same raw data (without them) in S3.
    private func lakes(artists: Int = 12, days: Int = 80) async throws -> (folder: URL, s3: String, prefix: String, heldBack: [String]) {
        let work = try Repository.temporaryFolder("athena-engine")
        let demo = try await momentum(["demo", "--dir", work.path, "--artists", "\(artists)", "--days", "\(days)", "--seed", "7", "--quiet"], environment: AWSServers.aws())
        try #require(demo.status == 0, "\(demo.stderr)")
        let folder = work.appendingPathComponent("lake")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("processed"))
        let local = FileSystemObjectStore(root: folder)
        let raw = try await local.list(prefix: "raw/").map(\.key).filter(LakeLayout.isDataKey)
        let heldBack = [raw.last { $0.hasPrefix("raw/artist_metrics/") }, raw.last { $0.hasPrefix("raw/releases/") }].compactMap { $0 }
        let (url, prefix) = try await AWSServers.freshLake()
        let remote = try AWSServers.store(prefix: prefix)
        for object in try await local.list(prefix: "") where object.key.hasPrefix("raw/") || object.key.hasPrefix("state/discography") {
            guard !heldBack.contains(object.key) else { continue }
            try await remote.put(object.key, bytes: try await local.get(object.key))
        }
        let aside = work.appendingPathComponent("held-back")
        for key in heldBack {
            try FileManager.default.createDirectory(at: aside.appendingPathComponent(key).deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: folder.appendingPathComponent(key), to: aside.appendingPathComponent(key))
        }
        return (folder, url, prefix, heldBack)
    }

    private func compare(_ folder: URL, _ prefix: String) async throws -> ProcessResult {
        try await run(OutsideTools.python, [OutsideTools.tool("compare_s3_lake.py"),
                                      folder.path, AWSServers.bucket, prefix, "--values"],
                environment: ProcessInfo.processInfo.environment.merging(AWSServers.aws()) { $1 })
    }

    private func statements(database: String) throws -> [[String: Any]] {
        try AWSServers.athenaStatements().filter { $0["database"] as? String == database }
    }

    /// Metric contract section 8 on Athena: `audience_daily` by the SQL twin (its own CTAS into
    /// the run's staging), the signals, impacts and leaderboard of every series from it; the
    /// tables equal the local engine's value for value.
    @Test(.tags(.seaweedFS, .moto, .athenaDouble, .outsideTools))
    func athenaGivesTheLocalEnginesAudienceTables() async throws {
        let work = try Repository.temporaryFolder("athena-audience")
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent("lake")
        let generated = try await OutsideTools.runScript("generate_lake.py", ["--out", folder.path, "--artists", "12", "--days", "70", "--seed", "8", "--audience"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let (s3, prefix) = try await AWSServers.freshLake()
        let remote = try AWSServers.store(prefix: prefix)
        let local = FileSystemObjectStore(root: folder)
        for object in try await local.list(prefix: "raw/") { try await remote.put(object.key, bytes: try await local.get(object.key)) }
        let database = "momentum_" + UUID().uuidString.prefix(6).lowercased()

        let onAthena = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database], environment: AWSServers.aws())
        try #require(onAthena.status == 0, "\(onAthena.stderr)")
        #expect(onAthena.stderr.contains("Athena statement 2 of 2") && onAthena.stderr.contains("audience_daily partition file(s) rewritten in artist order"), "\(onAthena.stderr)")
        let sql = try statements(database: database).compactMap { $0["sql"] as? String }
        #expect(sql.count == 2 && sql[1].contains("_audience\"") && sql[1].contains("/_athena/staging/") && sql[1].contains("audience_daily/'"), "\(sql)")
        let inLake = try await momentum(["transform", "--lake", folder.path, "--full", "--quiet"])
        try #require(inLake.status == 0, "\(inLake.stderr)")
        let same = try await compare(folder, prefix)
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")
        #expect(try await remote.list(prefix: "processed/audience_daily/").contains { $0.key.hasSuffix(".parquet") })
        let check = try await OutsideTools.runScript("reference_metrics.py", [folder.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // Staging gone: no table, no object.
        let glue = try GlueClient.standard(environment: AWSServers.aws())
        #expect(try await glue.tables(database: database).allSatisfy { !$0.Name.hasPrefix("momentum_staging_") })
        #expect(try await remote.list(prefix: "_athena/staging/").isEmpty)
    }

    @Test(.tags(.seaweedFS, .moto, .athenaDouble, .outsideTools))
    func athenaGivesTheLocalEnginesTablesFullThenIncremental() async throws {
        let (folder, s3, prefix, heldBack) = try await lakes()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let database = "momentum_" + UUID().uuidString.prefix(6).lowercased()
        let root = "s3://\(AWSServers.bucket)/\(prefix)"

        let onAthena = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database], environment: AWSServers.aws())
        try #require(onAthena.status == 0, "\(onAthena.stderr)")
        #expect(onAthena.stderr.contains("Athena statement 1 of 1") && onAthena.stderr.contains("scanned"), "\(onAthena.stderr)")
        let local = try await momentum(["transform", "--lake", folder.path, "--full", "--quiet"], environment: AWSServers.aws())
        try #require(local.status == 0, "\(local.stderr)")
        let same = try await compare(folder, prefix)
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")

        // The statement received: a CTAS into this run's staging prefix, one file per partition.
        let first = try statements(database: database)
        try #require(first.count == 1)
        let sql = try #require(first[0]["sql"] as? String)
        #expect(sql.hasPrefix("CREATE TABLE \"\(database)\".\"momentum_staging_"))
        #expect(sql.contains("external_location = '\(root)/_athena/staging/") && sql.contains("bucket_count = 1") && sql.contains("partitioned_by = ARRAY['month']"))
        #expect(first[0]["output"] as? String == "\(root)/_athena/results/")
        #expect((first[0]["token"] as? String)?.hasPrefix("momentum-transform-") == true && first[0]["state"] as? String == "SUCCEEDED")
        let readFull = (first[0]["read"] as? [String: [String]])?["raw_artist_metrics"] ?? []
        // Glue: the lake's six tables, the staging table gone; S3: staging deleted, one file per partition.
        let glue = try GlueClient.standard(environment: AWSServers.aws())
        let tables = try await glue.tables(database: database)
        #expect(Set(tables.map(\.Name)) == ["raw_artist_metrics", "raw_releases", "raw_audience", "artist_daily", "audience_daily", "artist_signals",
                                             "release_impact", "momentum"])
        let daily = try #require(tables.first { $0.Name == "artist_daily" })
        #expect(daily.StorageDescriptor?.Location == "\(root)/processed/artist_daily/" && daily.Parameters?["projection.enabled"] == "true")
        #expect(tables.first { $0.Name == "raw_artist_metrics" }?.StorageDescriptor?.SerdeInfo?.SerializationLibrary == "org.openx.data.jsonserde.JsonSerDe")
        let store = try AWSServers.store(prefix: prefix)
        #expect(try await store.list(prefix: "_athena/staging/").isEmpty)
        let dailyKeys = try await store.list(prefix: "processed/artist_daily/").map(\.key)
        #expect(!dailyKeys.isEmpty && dailyKeys.allSatisfy { $0.hasSuffix("/part-0.parquet") }, "\(dailyKeys)")

        // One more day (and a release scan) arrive: an incremental run, reading only its window.
        for key in heldBack {
            let bytes = try Data(contentsOf: folder.deletingLastPathComponent().appendingPathComponent("held-back/\(key)"))
            try await store.put(key, bytes: Array(bytes))
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(key).deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: folder.appendingPathComponent(key))
        }
        let plan = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database, "--dry-run", "--format", "json"], environment: AWSServers.aws())
        try #require(plan.status == 0, "\(plan.stderr)")
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect(planned["mode"] as? String == "incremental", "\(plan.stdout.prefix(400))")
        let rawFrom = try #require(planned["raw_from"] as? String)
        let plannedSteps = try #require(planned["steps"] as? [[String: Any]])
        #expect(plannedSteps.map { $0["kind"] as? String ?? "" } == ["glue_sync", "athena_query", "promote_partitions", "remove_stale_partitions", "drop_staging", "analytics", "record"])
        #expect((plannedSteps[1]["sql"] as? String)?.contains("dt >= '\(rawFrom)'") == true)
        #expect(try statements(database: database).count == 1, "a dry run runs nothing")

        let incremental = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database], environment: AWSServers.aws())
        try #require(incremental.status == 0, "\(incremental.stderr)")
        #expect(incremental.stderr.contains("incremental"), "\(incremental.stderr)")
        let second = try statements(database: database)
        try #require(second.count == 2)
        let readIncremental = (second[1]["read"] as? [String: [String]])?["raw_artist_metrics"] ?? []
        #expect(!readIncremental.isEmpty && readIncremental.count < readFull.count, "\(readIncremental.count) of \(readFull.count)")
        for key in readIncremental {
            let dt = key.components(separatedBy: "/dt=").last?.prefix(10) ?? ""
            #expect(dt >= rawFrom, "\(key) is outside the window from \(rawFrom)")
        }
        #expect((second[1]["read"] as? [String: [String]])?["artist_daily"] != nil, "the stored months stand in for older raw data")
        #expect((second[1]["scanned"] as? Int ?? 0) < (first[0]["scanned"] as? Int ?? 0))

        let localIncremental = try await momentum(["transform", "--lake", folder.path, "--quiet"], environment: AWSServers.aws())
        try #require(localIncremental.status == 0, "\(localIncremental.stderr)")
        let sameAgain = try await compare(folder, prefix)
        #expect(sameAgain.status == 0, "\(sameAgain.stdout) \(sameAgain.stderr)")
        // And both equal a full rebuild.
        let rebuilt = try await momentum(["transform", "--lake", folder.path, "--full", "--quiet"], environment: AWSServers.aws())
        try #require(rebuilt.status == 0)
        let sameAsFull = try await compare(folder, prefix)
        #expect(sameAsFull.status == 0, "\(sameAsFull.stdout) \(sameAsFull.stderr)")
        let upToDate = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database], environment: AWSServers.aws())
        let statementCount = try statements(database: database).count
        #expect(upToDate.status == 0 && upToDate.stderr.contains("up to date") && statementCount == 2, "\(upToDate.stderr)")
    }

    @Test(.tags(.seaweedFS, .moto, .athenaDouble, .outsideTools))
    func moreThanAHundredMonthsAreWrittenInBatches() async throws {
        // Nine years of monthly-ish observations: 109 partitions, over Athena's 100 per statement.
        let work = try Repository.temporaryFolder("athena-batches")
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = FileSystemObjectStore(root: work)
        let (s3, prefix) = try await AWSServers.freshLake()
        let remote = try AWSServers.store(prefix: prefix)
        for step in 0..<109 {
            let day = try #require(Day(iso: String(format: "%04d-%02d-03", 2017 + step / 12, step % 12 + 1)))
            let at = Instant(nanosecondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400_000_000_000 + 3_600_000_000_000)
            let records = [MetricObservation(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: 1000 + Int64(step * step),
                                           popularity: Int32(40 + step % 20), capturedAt: at, source: "test")]
            let key = LakeLayout.rawKey(.artistMetrics, day: day.isoString, runID: "r\(step)")
            let bytes = try JSONLines.encode(records)
            try await folder.put(key, bytes: bytes)
            try await remote.put(key, bytes: bytes)
        }
        let database = "momentum_" + UUID().uuidString.prefix(6).lowercased()
        let plan = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database, "--dry-run"], environment: AWSServers.aws())
        let statementLines = plan.stdout.split(separator: "\n").filter { $0.hasPrefix("CREATE TABLE") || $0.hasPrefix("INSERT INTO") }
        #expect(statementLines.count == 2 && statementLines[1].hasPrefix("INSERT INTO"), "\(plan.stdout.prefix(600))")
        let onAthena = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database], environment: AWSServers.aws())
        try #require(onAthena.status == 0, "\(onAthena.stderr)")
        let received = try statements(database: database)
        #expect(received.count == 2 && (received[1]["sql"] as? String)?.hasPrefix("INSERT INTO") == true)
        #expect(try await remote.list(prefix: "processed/artist_daily/").count == 109)
        #expect(try await momentum(["transform", "--lake", work.path, "--quiet"]).status == 0)
        let same = try await compare(work, prefix)
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")
    }

    @Test(.tags(.seaweedFS, .moto, .athenaDouble, .outsideTools))
    func aFailedStatementLeavesTheTablesAsTheyWereAndNoStaging() async throws {
        let (folder, s3, prefix, _) = try await lakes(artists: 4, days: 40)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let database = "momentum_" + UUID().uuidString.prefix(6).lowercased()
        try #require(try await momentum(["transform", "--lake", s3], environment: AWSServers.aws()).status == 0)
        let store = try AWSServers.store(prefix: prefix)
        let before = try await store.list(prefix: "processed/")
        // Something already at this run's staging location: Athena refuses the CTAS.
        let runID = "20260101T000000Z-0badf00d"
        try await store.put(AthenaTransformPlan.stagingPrefix(runID: runID) + "month=2026-01/stray", bytes: [1, 2, 3])
        let environment = try AWSServers.aws()
        let engine = try AthenaEngine(local: LocalEngine(store: store), glue: try GlueClient.standard(environment: environment),
                                      athena: try AthenaClient.standard(environment: environment),
                                      settings: AthenaSettings(lake: store.location, database: database, workgroup: "primary", athenaOutput: nil))
        do {
            _ = try await engine.transform(full: true, runID: runID)
            Issue.record("the run should have failed")
        } catch let failure as AthenaQueryFailure {
            #expect(failure.description.contains("HIVE_PATH_ALREADY_EXISTS") && failure.description.contains(failure.execution.id))
        }
        let after = try await store.list(prefix: "processed/")
        #expect(after == before)
        #expect(try await store.list(prefix: "_athena/staging/").isEmpty)
        #expect(try await GlueClient.standard(environment: environment).tables(database: database).allSatisfy { !$0.Name.hasPrefix("momentum_staging_") })
        // A killed run's staging (objects and table) is removed by the next run.
        try await store.put("_athena/staging/20200101T000000Z-00000000/month=2026-01/stray", bytes: [1])
        let glue = try GlueClient.standard(environment: environment)
        _ = try await glue.createOrUpdateTable(database: database, GlueTableInput(name: "momentum_staging_20200101t000000z_00000000", parameters: [:],
                                                                                  partitionKeys: [], storage: GlueStorageDescriptor(
            columns: [GlueColumn("artist_id", "string")], location: "\(s3)/_athena/staging/20200101T000000Z-00000000/", inputFormat: "x",
            outputFormat: "y", serde: GlueSerDeInfo(library: "z"))))
        let next = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--database", database, "--full"], environment: AWSServers.aws())
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try await store.list(prefix: "_athena/staging/").isEmpty)
        #expect(try await glue.tables(database: database).allSatisfy { !$0.Name.hasPrefix("momentum_staging_") })
        // Through the CLI the failure is exit 3 with Athena's reason; bad names are exit 2.
        let badName = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--workgroup", "a b;c"], environment: AWSServers.aws())
        #expect(badName.status == 2 && badName.stderr.contains("workgroup"), "\(badName.stderr)")
        let onFolder = try await momentum(["transform", "--engine", "athena", "--lake", folder.path], environment: AWSServers.aws())
        #expect(onFolder.status == 2 && onFolder.stderr.contains("s3://"), "\(onFolder.stderr)")
        let badOutput = try await momentum(["transform", "--engine", "athena", "--lake", s3, "--athena-output", "/tmp/results"], environment: AWSServers.aws())
        #expect(badOutput.status == 2 && badOutput.stderr.contains("--athena-output"), "\(badOutput.stderr)")
    }
}
