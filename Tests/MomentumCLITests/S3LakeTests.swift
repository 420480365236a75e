// Every command on `--lake s3://bucket/prefix` against SeaweedFS (started by scripts/test), the
// same as on a folder; and the report, releases and dashboard commands on processed tables that
// pyarrow or DuckDB wrote, with no raw data at all.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LakeKit
import MomentumTestSupport
import Testing

private typealias S3Server = AWSServers

@Suite struct S3LakeTests {
    /// A simulated demo lake on disk, copied object by object (raw and state) into S3.
    func demoLakes() async throws -> (folder: URL, s3: String, prefix: String) {
        let work = try Repository.temporaryFolder("s3-lake")
        let demo = try await momentum(["demo", "--dir", work.path, "--artists", "12", "--days", "90", "--seed", "5", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let folder = work.appendingPathComponent("lake")
        let local = FileSystemObjectStore(root: folder)
        let (url, prefix) = try await S3Server.freshLake()
        let remote = try S3ObjectStore(client: S3Client.standard(environment: S3Server.aws()), bucket: S3Server.bucket, prefix: prefix)
        for object in try await local.list(prefix: "") where !object.key.hasPrefix("processed/") && !ObjectKey.isHidden(object.key) {
            try await remote.put(object.key, bytes: try await local.get(object.key))
        }
        return (folder, url, prefix)
    }

    @Test(.tags(.seaweedFS, .outsideTools))
    func transformOnS3GivesTheTablesOfTheSameLakeOnDisk() async throws {
        let (folder, s3, prefix) = try await demoLakes()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let onDisk = try await momentum(["transform", "--lake", folder.path, "--quiet"])
        let onS3 = try await momentum(["transform", "--lake", s3, "--quiet"], environment: S3Server.aws())
        try #require(onDisk.status == 0 && onS3.status == 0, "\(onDisk.stderr) \(onS3.stderr)")
        // Read back by pyarrow through boto3: the same files, table for table.
        let compared = try await run(OutsideTools.python, [OutsideTools.tool("compare_s3_lake.py"),
                                                     folder.path, S3Server.bucket, prefix], environment: ProcessInfo.processInfo.environment.merging(S3Server.aws()) { $1 })
        #expect(compared.status == 0, "\(compared.stdout) \(compared.stderr)")
        #expect(compared.stdout.contains("\"files\""))
        // And every reading command prints the same thing from either lake.
        for command in [["report", "--format", "json"], ["releases", "impact", "--format", "csv"], ["report", "--format", "csv", "--top", "3"], ["dashboard", "--out", "/dev/null"]] {
            let disk = try await momentum(command + ["--lake", folder.path])
            let cloud = try await momentum(command + ["--lake", s3], environment: S3Server.aws())
            #expect(disk.status == 0 && cloud.status == 0 && disk.stdout == cloud.stdout, "\(command): \(cloud.stderr)")
            #expect(command[0] == "dashboard" || !disk.stdout.isEmpty)
        }
    }

    @Test(.tags(.seaweedFS, .outsideTools))
    func theWholePipelineRunsOnS3() async throws {
        let simulator = try await ServedSimulator(artists: 8, seed: 11, mode: .extended, faultRate: 0)
        defer { simulator.stop() }
        let (lake, _) = try await S3Server.freshLake()
        let out = try Repository.temporaryFolder("s3-dashboard")
        defer { try? FileManager.default.removeItem(at: out) }
        let listing = try await simulator.momentum(["simulator", "artists", "--artists", "8", "--seed", "11"]).stdout
        let ids: [String] = listing.split(separator: "\n").prefix(5).map { line in String(line.prefix { $0 != "\t" }) }
        func step(_ arguments: [String]) async throws -> ProcessResult {
            var environment = simulator.environment
            for (name, value) in try S3Server.aws() { environment[name] = value }
            return try await run(Repository.momentumBinary().path, arguments + ["--lake", lake], environment: environment)
        }
        let add = try await step(["artists", "add"] + ids + ["--yes"])
        #expect(add.status == 0, "\(add.stderr)")
        for command in [["ingest", "metrics"], ["ingest", "releases"], ["transform"], ["artists", "list", "--format", "json"]] {
            let result = try await step(command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let report = try await step(["report", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(report.status == 0 && rows.count == 5, "\(report.stderr)")
        let page = out.appendingPathComponent("dashboard.html")
        let dashboard = try await step(["dashboard", "--out", page.path])
        #expect(dashboard.status == 0 && FileManager.default.fileExists(atPath: page.path), "\(dashboard.stderr)")
        // Run twice: the lake holds each day's record once.
        let again = try await step(["ingest", "metrics"])
        #expect(again.status == 0)
        let store = try S3ObjectStore.parse(lake).map { try S3ObjectStore(client: S3Client.standard(environment: S3Server.aws()), bucket: $0.bucket, prefix: $0.prefix) }
        let raw = try await store?.list(prefix: "raw/artist_metrics/") ?? []
        #expect(raw.count == 1)
    }

    @Test(.tags(.seaweedFS, .outsideTools))
    func dashboardPublishWritesThePageIntoTheLakeAndPrintsALinkAnyoneCanOpen() async throws {
        let (folder, s3, prefix) = try await demoLakes()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let published = try await momentum(["dashboard", "--lake", s3, "--publish", "--expires", "2h"], environment: S3Server.aws())
        try #require(published.status == 0, "\(published.stderr)")
        let link = try #require(URL(string: published.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(link.absoluteString.contains("/\(prefix)/dashboard.html?") && link.absoluteString.contains("X-Amz-Expires=7200"), "\(link)")
        #expect(published.stderr.contains("\(s3)/dashboard.html") && !published.stderr.contains("X-Amz-Signature"), "\(published.stderr)")
        #expect(try !published.stdout.contains(S3Server.aws()["AWS_SECRET_ACCESS_KEY"] ?? "-"))
        // The link opens the page with no credentials, served as HTML; it is the page --out writes.
        let (body, response) = try await URLSession.shared.data(from: link)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/html") == true)
        let out = folder.deletingLastPathComponent().appendingPathComponent("page.html")
        #expect(try await momentum(["dashboard", "--lake", s3, "--out", out.path, "--quiet"], environment: S3Server.aws()).status == 0)
        let local = try String(contentsOf: out, encoding: .utf8), online = String(decoding: body, as: UTF8.self)
        // The pages differ only in when they were generated.
        let generated = #/generated [^<"]*/#
        #expect(local.replacing(generated, with: "") == online.replacing(generated, with: ""))

        for (arguments, message) in [(["--publish"], "is a folder"), (["--expires", "1h"], "--expires goes with --publish"),
                                     (["--publish", "--expires", "8d"], "at most 7d"), (["--publish", "--expires", "soon"], "7d, 12h")] {
            let lake = arguments == ["--publish"] ? folder.path : s3
            let refused = try await momentum(["dashboard", "--lake", lake] + arguments, environment: S3Server.aws())
            #expect(refused.status == 2 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
    }

    /// The site in the lake: a signed copy of its page loads every data file from a presigned
    /// URL, so the printed link alone opens it; `--link` signs the published site again without
    /// building one, and a lake without a dashboard says so.
    @Test(.tags(.seaweedFS, .outsideTools))
    func aSitePublishedIntoTheLakeOpensFromItsLinkAlone() async throws {
        let (folder, s3, prefix) = try await demoLakes()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let none = try await momentum(["dashboard", "--lake", s3, "--link"], environment: S3Server.aws())
        #expect(none.status == 2 && none.stderr.contains("holds no dashboard yet"), "\(none.stderr)")
        let published = try await momentum(["dashboard", "--lake", s3, "--site", "--publish", "--expires", "3h"], environment: S3Server.aws())
        try #require(published.status == 0, "\(published.stderr)")
        #expect(try published.stderr.contains("\(s3)/dashboard/index.html") && !published.stdout.contains(S3Server.aws()["AWS_SECRET_ACCESS_KEY"] ?? "-"))
        for output in [published.stdout, try await momentum(["dashboard", "--lake", s3, "--link", "--expires", "1h"], environment: S3Server.aws()).stdout] {
            let link = try #require(URL(string: output.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(link.absoluteString.contains("/\(prefix)/dashboard/") && link.absoluteString.contains("X-Amz-Signature="), "\(link)")
            let (body, response) = try await URLSession.shared.data(from: link)
            #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/html") == true)
            let page = String(decoding: body, as: UTF8.self)
            let start = try #require(page.range(of: "<script id=\"dashboard-data\" type=\"application/json\">"))
            let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
            let data = try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any]
            let urls = try #require((data?["site"] as? [String: Any])?["urls"] as? [String: String])
            #expect(Set(urls.keys) == ["board-0.js", "artists-0-0.js", "directory-0-0.js"])
            for (name, address) in urls {
                let (file, answer) = try await URLSession.shared.data(from: try #require(URL(string: address)))
                #expect((answer as? HTTPURLResponse)?.statusCode == 200, "\(name)")
                #expect((answer as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/javascript") == true)
                #expect(String(decoding: file, as: UTF8.self).hasPrefix("MomentumSite.receive(\"\(name)\","), "\(name)")
                // Without its signature the file is not served: the bucket stays private.
                var unsigned = try #require(URLComponents(string: address))
                unsigned.query = nil
                let (_, refused) = try await URLSession.shared.data(from: try #require(unsigned.url))
                #expect((refused as? HTTPURLResponse)?.statusCode == 403, "\(name)")
            }
        }
    }

    @Test(.tags(.seaweedFS, .outsideTools))
    func aWrongSecretIsExitThreeNamingTheCause() async throws {
        let (lake, _) = try await S3Server.freshLake()
        let result = try await momentum(["artists", "list", "--lake", lake], environment: S3Server.aws(secret: "wrong-secret-123"))
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("SignatureDoesNotMatch") && result.stderr.contains("AWS_SECRET_ACCESS_KEY"))
        #expect(!result.stderr.contains("wrong-secret-123"))
    }

    @Test(.tags(.outsideTools), arguments: ["pyarrow", "duckdb"])
    func processedTablesWrittenByAnotherToolReportTheSame(_ tool: String) async throws {
        let work = try Repository.temporaryFolder("foreign-tables")
        defer { try? FileManager.default.removeItem(at: work) }
        let demo = try await momentum(["demo", "--dir", work.path, "--artists", "10", "--days", "120", "--seed", "9", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let original = work.appendingPathComponent("lake")
        let foreign = work.appendingPathComponent("foreign")
        let rewrite = try await OutsideTools.runScript("rewrite_processed.py", [original.path, foreign.path, tool])
        try #require(rewrite.status == 0, "\(rewrite.stderr)")
        #expect(!FileManager.default.fileExists(atPath: foreign.appendingPathComponent("raw").path))
        let artist = try await momentum(["artists", "list", "--lake", original.path, "--format", "json"])
        let firstID = (try JSONSerialization.jsonObject(with: Data(artist.stdout.utf8)) as? [[String: Any]])?.first?["artist_id"] as? String ?? "?"
        for command in [["report", "--format", "json"], ["report", "--format", "csv", "--top", "3"], ["releases", "impact", "--format", "json"],
                        ["report", "--artist", firstID, "--format", "json"]] {
            let expected = try await momentum(command + ["--lake", original.path])
            let got = try await momentum(command + ["--lake", foreign.path])
            #expect(got.status == 0 && got.stdout == expected.stdout && !got.stdout.isEmpty, "\(tool) \(command): \(got.stderr)")
        }
        let page = work.appendingPathComponent("foreign.html")
        let dashboard = try await momentum(["dashboard", "--lake", foreign.path, "--out", page.path])
        #expect(dashboard.status == 0, "\(dashboard.stderr)")
    }


    @Test(.tags(.seaweedFS, .moto))
    func catalogSyncDefinesEveryTableWithProjection() async throws {
        let (folder, s3, prefix) = try await demoLakes()
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        var environment = try S3Server.aws()
        environment["AWS_ENDPOINT_URL_GLUE"] = try AWSServers.moto
        let database = "momentum_" + UUID().uuidString.prefix(6).lowercased()
        let first = try await momentum(["catalog", "sync", "--lake", s3, "--database", database], environment: environment)
        #expect(first.status == 0 && first.stderr.contains("created: raw_artist_metrics"), "\(first.stderr)")
        let second = try await momentum(["catalog", "sync", "--lake", s3, "--database", database], environment: environment)
        #expect(second.status == 0 && second.stderr.contains("updated: raw_artist_metrics") && !second.stderr.contains("created:"), "\(second.stderr)")

        let glue = try GlueClient.standard(environment: environment)
        let tables = Dictionary(uniqueKeysWithValues: try await glue.tables(database: database).map { ($0.Name, $0) })
        #expect(Set(tables.keys) == ["raw_artist_metrics", "raw_releases", "raw_audience", "artist_daily", "audience_daily", "artist_signals",
                                     "release_impact", "momentum"])
        let root = "s3://\(S3Server.bucket)/\(prefix)"
        let metrics = try #require(tables["raw_artist_metrics"])
        #expect(metrics.TableType == "EXTERNAL_TABLE")
        #expect(metrics.StorageDescriptor?.SerdeInfo?.SerializationLibrary == "org.openx.data.jsonserde.JsonSerDe")
        #expect(metrics.StorageDescriptor?.Location == "\(root)/raw/artist_metrics/")
        #expect(metrics.PartitionKeys?.map(\.Name) == ["dt"])
        #expect(metrics.Parameters?["projection.dt.type"] == "date" && metrics.Parameters?["projection.dt.format"] == "yyyy-MM-dd")
        #expect(metrics.Parameters?["projection.dt.range"]?.hasSuffix(",NOW") == true)
        #expect(metrics.Parameters?["storage.location.template"] == "\(root)/raw/artist_metrics/dt=${dt}/")
        let daily = try #require(tables["artist_daily"])
        #expect(daily.StorageDescriptor?.SerdeInfo?.SerializationLibrary == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
        #expect(daily.StorageDescriptor?.Columns?.map(\.Name).prefix(4) == ["artist_id", "artist_name", "day", "followers"])
        #expect(daily.StorageDescriptor?.Columns?.first { $0.Name == "followers" }?.Type == "bigint")
        #expect(daily.StorageDescriptor?.Columns?.first { $0.Name == "day" }?.Type == "date")
        #expect(daily.Parameters?["projection.month.format"] == "yyyy-MM" && daily.Parameters?["projection.month.interval.unit"] == "MONTHS")
        #expect(tables["release_impact"]?.PartitionKeys?.isEmpty == true)
        #expect(tables["momentum"]?.Parameters?["projection.as_of.format"] == "yyyy-MM-dd")

        // No region anywhere, and a local S3 that does not say where its bucket lives: a refusal,
        // not a catalog in a guessed region.
        var regionless = environment
        for (name, value) in ["AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_CONFIG_FILE": "/nonexistent"] { regionless[name] = value }
        let guessed = try await momentum(["catalog", "sync", "--lake", s3, "--database", database + "_guess"], environment: regionless)
        #expect(guessed.status == 2 && guessed.stderr.contains("no AWS region for Glue and Athena: set AWS_REGION"), "\(guessed.stderr)")
        #expect(try await glue.databaseExists(database + "_guess") == false)

        let onFolder = try await momentum(["catalog", "sync", "--lake", folder.path, "--database", database], environment: environment)
        #expect(onFolder.status == 2 && onFolder.stderr.contains("s3://"), "\(onFolder.stderr)")
        let injected = try await momentum(["catalog", "sync", "--lake", s3, "--database", "x; DROP TABLE y"], environment: environment)
        #expect(injected.status == 2 && injected.stderr.contains("not a Glue database name"))
    }

    @Test func rawNewerThanTheProcessedTablesIsSaid() async throws {
        let work = try Repository.temporaryFolder("stale-tables")
        defer { try? FileManager.default.removeItem(at: work) }
        try writeHandMadeLake(at: work)
        #expect(try await momentum(["transform", "--lake", work.path, "--quiet"]).status == 0)
        let fresh = try await momentum(["report", "--lake", work.path, "--format", "json"])
        #expect(fresh.status == 0 && !fresh.stderr.contains("momentum transform"), "\(fresh.stderr)")
        // A new raw file: the report still shows the tables, and says to transform.
        let store = FileSystemObjectStore(root: work)
        let line = #"{"artist_id":"0TnOYISbd1XYRBk9myaseg","artist_name":"Pitbull","followers":1,"popularity":1,"captured_at":"2026-05-01T06:00:00Z"}"#
        try await store.put("raw/artist_metrics/dt=2026-05-01/late.jsonl", bytes: Array((line + "\n").utf8))
        let stale = try await momentum(["report", "--lake", work.path, "--format", "json"])
        #expect(stale.status == 0 && stale.stdout == fresh.stdout && stale.stderr.contains("run `momentum transform`"), "\(stale.stderr)")
        #expect(try await momentum(["transform", "--lake", work.path, "--quiet"]).status == 0)
        #expect(!(try await momentum(["report", "--lake", work.path, "--format", "json"]).stderr.contains("momentum transform")))
    }
}
