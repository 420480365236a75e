// The `momentum` binary as a user runs it: exit codes, formats, messages, and the whole
// transform checked against an independent implementation of the metric contract.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumTestSupport
import MomentumAnalytics
import Testing

/// Writes a small hand-made raw lake: two artists, 60 days, one release each, and one artist
/// without follower counts.
func writeHandMadeLake(at root: URL, malformedLine: Bool = false) throws {
    let store = FileSystemObjectStore(root: root)
    let start = try #require(Day(iso: "2026-03-01"))
    for offset in 0..<60 {
        let day = Day(daysSinceEpoch: start.daysSinceEpoch + Int32(offset))!
        let at = Instant(nanosecondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400_000_000_000 + 6 * 3_600_000_000_000)
        let records = [
            MetricObservation(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: 1000 + Int64(offset * offset),
                            popularity: Int32(50 + offset % 5), capturedAt: at, source: "test"),
            MetricObservation(artistID: "1uNFoZAHBGtllmzznpCI3s", artistName: "Justin <b>Bieber</b>",
                            followers: 5000 + Int64(offset * 10 + (offset % 3) * 7), popularity: 70, capturedAt: at, source: "test"),
            MetricObservation(artistID: "2DevModeArtistNoCount0", artistName: "Dev Mode", followers: nil, popularity: nil,
                            capturedAt: at, source: "test"),
        ]
        var bytes = try JSONLines.encode(records)
        if malformedLine, offset == 10 { bytes += Array("{\"artist_id\": broken\n".utf8) }
        try store.writeFile(LakeLayout.rawKey(.artistMetrics, day: day.isoString, runID: "run\(offset)"), bytes: bytes)
    }
    let releases = [
        ReleaseRecord(artistID: "0TnOYISbd1XYRBk9myaseg", albumID: "album000000000000000001", albumName: "Climate Change",
                   albumType: "album", albumGroup: "album", releaseDate: "2026-04-10", releaseDatePrecision: "day",
                   totalTracks: 12, discoveredAt: nil, isNew: false),
        ReleaseRecord(artistID: "1uNFoZAHBGtllmzznpCI3s", albumID: "album000000000000000002", albumName: "Swag",
                   albumType: "single", albumGroup: nil, releaseDate: "2026-04-12", releaseDatePrecision: "day",
                   totalTracks: 1, discoveredAt: nil, isNew: true),
    ]
    try store.writeFile(LakeLayout.rawKey(.releases, day: start.isoString, runID: "scan", gzip: true), bytes: JSONLines.encode(releases, gzip: true))
}

@Suite struct CLITests {
    @Test func versionNamesEveryLibrary() async throws {
        let result = try await momentum(["--version"])
        #expect(result.status == 0)
        for name in ["momentum ", "MomentumHTTP ", "SpotifyKit ", "SpotifySimulator ", "LakeKit ", "LakeAnalytics ", "MomentumAnalytics ", "MomentumDashboard ", "AudienceKit ", "MomentumAlerts "] {
            #expect(result.stdout.contains(name), "\(result.stdout)")
        }
    }

    @Test func usageErrorsExitTwoWithOneClearLine() async throws {
        let lake = try Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: lake) }
        let cases: [[String]] = [
            ["report", "--lake", lake.appendingPathComponent("missing").path],
            ["report", "--lake", lake.path, "--as-of", "2026-02-30"],
            ["report", "--lake", lake.path, "--format", "xml"],
            ["report", "--lake", lake.path, "--top", "0"],
            ["transform", "--lake", lake.path],
            ["no-such-command"],
            ["report", "--lake", lake.path, "--config", lake.appendingPathComponent("none.json").path],
        ]
        for arguments in cases {
            let result = try await run(Repository.momentumBinary().path, arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments) printed data: \(result.stdout)")
            #expect(!result.stderr.isEmpty)
        }
        // Nothing was written by the failed transform.
        #expect(try FileManager.default.contentsOfDirectory(atPath: lake.path).isEmpty)
    }

    @Test func transformThenReportInEveryFormat() async throws {
        let lake = try Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake)
        let transform = try await momentum(["transform", "--lake", lake.path])
        #expect(transform.status == 0, "\(transform.stderr)")
        for dataset in ["artist_daily/month=2026-03", "artist_daily/month=2026-04", "artist_signals/month=2026-04",
                        "release_impact", "momentum/as_of=2026-04-29"] {
            let file = lake.appendingPathComponent("processed/\(dataset)/part-0.parquet")
            #expect(FileManager.default.fileExists(atPath: file.path), "missing \(file.path)")
        }

        let json = try await momentum(["report", "--lake", lake.path, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(Set(rows[0].keys) == ["rank", "artist_id", "artist_name", "day", "followers", "growth_7d", "growth_28d",
                                       "acceleration_7d", "popularity_change_28d", "momentum_score", "spikes_28d",
                                       "last_event_day", "last_event_uplift", "last_event_car", "series"])
        #expect(rows.allSatisfy { $0["series"] as? String == "spotify/followers" }, "a lake of Spotify counts only")
        #expect(rows.map { $0["rank"] as? Int } == [1, 2, 3])
        // The development-mode artist has no growth at all: no score, ranked last.
        #expect(rows[2]["artist_id"] as? String == "2DevModeArtistNoCount0")
        #expect(rows[2]["momentum_score"] is NSNull)
        #expect(rows[0]["day"] as? String == "2026-04-29")

        let csv = try await momentum(["report", "--lake", lake.path, "--format", "csv", "--top", "2"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "rank,artist_id,artist_name,day,followers,growth_7d,growth_28d,acceleration_7d,popularity_change_28d,momentum_score,spikes_28d,last_event_day,last_event_uplift,last_event_car,series")

        let table = try await momentum(["report", "--lake", lake.path, "--format", "table"])
        #expect(table.stdout.contains("Justin <b>Bieber</b>") && table.stdout.contains("rank"))

        let artist = try await momentum(["report", "--lake", lake.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(artist.stdout.utf8)) as? [String: Any])
        let days = try #require(object["days"] as? [[String: Any]])
        #expect(days.count == 60)
        #expect(days.first?["robust_z"] != nil && days.first?["change_point"] != nil)
        let artistTable = try await momentum(["report", "--lake", lake.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--format", "table"])
        #expect(artistTable.stdout.contains("Release events") && artistTable.stdout.contains("Change points"))

        let impact = try await momentum(["releases", "impact", "--lake", lake.path, "--format", "json"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(impact.stdout.utf8)) as? [[String: Any]])
        #expect(events.count == 2)
        #expect(events.first?["status"] as? String == "ok")
        let one = try await momentum(["releases", "impact", "--lake", lake.path, "--artist", "1uNFoZAHBGtllmzznpCI3s", "--format", "csv"])
        #expect(one.stdout.split(separator: "\n").count == 2)

        let unknown = try await momentum(["report", "--lake", lake.path, "--artist", "nobody"])
        #expect(unknown.status == 2)
    }

    @Test func settingsComeFromFlagThenEnvironmentThenConfigFile() async throws {
        let folder = try Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("configured-lake")
        try writeHandMadeLake(at: lake)
        try Data(#"{"lake": "configured-lake", "format": "csv"}"#.utf8).write(to: folder.appendingPathComponent("momentum.json"))
        let fromConfig = try await momentum(["report", "--top", "1"], in: folder)
        #expect(fromConfig.status == 0, "\(fromConfig.stderr)")
        #expect(fromConfig.stdout.hasPrefix("rank,artist_id"))
        let flagWins = try await momentum(["report", "--top", "1", "--format", "json"], in: folder)
        #expect(flagWins.stdout.hasPrefix("["))
        var environment = ProcessInfo.processInfo.environment
        environment["MOMENTUM_LAKE"] = folder.appendingPathComponent("elsewhere").path
        let fromEnvironment = try await run(Repository.momentumBinary().path, ["report"], environment: environment, currentDirectory: folder)
        #expect(fromEnvironment.status == 2 && fromEnvironment.stderr.contains("elsewhere"))
    }

    @Test func malformedRawLinesAreNamedAndTheRestIsTransformed() async throws {
        let lake = try Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake, malformedLine: true)
        let result = try await momentum(["transform", "--lake", lake.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("raw/artist_metrics/dt=2026-03-11/run10.jsonl:4:"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: lake.appendingPathComponent("processed/release_impact/part-0.parquet").path))
        // report reads the processed tables, which hold every valid line; the transform named the rest.
        let report = try await momentum(["report", "--lake", lake.path, "--format", "json"])
        #expect(report.status == 0 && report.stdout.hasPrefix("["), "\(report.stderr)")
    }

    @Test func aSecondTransformReplacesTheTablesWithoutLeftovers() async throws {
        let lake = try Repository.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake)
        #expect(try await momentum(["transform", "--lake", lake.path]).status == 0)
        // A stale partition from an older run disappears; hidden files are never produced.
        let stale = lake.appendingPathComponent("processed/artist_daily/month=1999-01")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data([1]).write(to: stale.appendingPathComponent("part-0.parquet"))
        #expect(try await momentum(["transform", "--lake", lake.path, "--compression", "gzip"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale.appendingPathComponent("part-0.parquet").path))
        let everything = FileManager.default.enumerator(atPath: lake.appendingPathComponent("processed").path)?.allObjects as? [String] ?? []
        #expect(!everything.contains { $0.split(separator: "/").contains { $0.hasPrefix(".") } })
    }
}

@Suite(.tags(.outsideTools))
struct ContractConformanceTests {
    /// The processed tables of a generated lake (gaps, duplicate runs, null followers, market
    /// duplicates, clustered releases) agree with an independent implementation of the metric
    /// contract to 1e-9, and open in pyarrow and DuckDB with the contract's names and types.
    /// With audience series (section 8), so do `audience_daily`, the signals and impacts of every
    /// series and the leaderboard of primary series.
    @Test(arguments: [(artists: 25, days: 150, seed: 3, audience: false), (artists: 8, days: 400, seed: 99, audience: false),
                      (artists: 30, days: 150, seed: 5, audience: true)])
    func transformMatchesTheReferenceImplementation(_ shape: (artists: Int, days: Int, seed: Int, audience: Bool)) async throws {
        let lake = try Repository.temporaryFolder("conformance")
        defer { try? FileManager.default.removeItem(at: lake) }
        let generated = try await OutsideTools.runScript("generate_lake.py", [
            "--out", lake.path, "--artists", "\(shape.artists)", "--days", "\(shape.days)", "--seed", "\(shape.seed)",
        ] + (shape.audience ? ["--audience"] : []))
        #expect(generated.status == 0, "\(generated.stderr)")
        let transform = try await momentum(["transform", "--lake", lake.path])
        #expect(transform.status == 0, "\(transform.stderr)")
        let check = try await OutsideTools.runScript("reference_metrics.py", [lake.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("OK"))
        guard shape.audience else { return }
        #expect(check.stdout.contains("audience_daily: ") && !check.stdout.contains("audience_daily: 0 rows"), "\(check.stdout)")
        let leaderboard = try await momentum(["report", "--lake", lake.path, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(leaderboard.stdout.utf8)) as? [[String: Any]])
        // One artist in ten has no Spotify counts: Deezer's fans rank it.
        #expect(Set(rows.compactMap { $0["series"] as? String }) == ["spotify/followers", "deezer/fans"], "\(leaderboard.stdout)")

        // A new audience file: the series are rebuilt in full, and the plan says why.
        let next = lake.appendingPathComponent("raw/audience/dt=2026-05-30/20260530T230000Z-late.jsonl")
        try Data(#"{"artist_id":"late-artist","artist_name":"Late","source":"deezer","source_artist_id":"9","metric":"fans","value":5,"captured_at":"2026-05-30T23:00:00Z"}"#.utf8 + [10]).write(to: next)
        let again = try await momentum(["transform", "--lake", lake.path])
        #expect(again.status == 0 && again.stderr.contains("full rebuild: the lake has audience series"), "\(again.stderr)")
        let recheck = try await OutsideTools.runScript("reference_metrics.py", [lake.path])
        #expect(recheck.status == 0, "\(recheck.stdout)\(recheck.stderr)")
    }
}

@Suite struct StarterTests {
    @Test func initWritesAConfigThatLoads() async throws {
        let folder = try Repository.temporaryFolder("init")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try await momentum(["init"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let text = try String(contentsOf: folder.appendingPathComponent("momentum.json"), encoding: .utf8)
        #expect(!text.contains("//") && text.contains("\"lake\": \"./lake\""))
        #expect(try await momentum(["init"], in: folder).status == 2, "never overwrites without --force")
        #expect(try await momentum(["init", "--force"], in: folder).status == 0)
        // The file is read as configuration: its lake (./lake, next to it) does not exist yet.
        let list = try await momentum(["artists", "list", "--format", "json"], in: folder)
        let lake = folder.appendingPathComponent("lake").standardizedFileURL.path
        #expect(list.status == 2 && list.stderr.contains("no lake at \(lake)") && list.stderr.contains("momentum.json"), "\(list.stderr)")
    }

    @Test func theSampleLakeInTheRepositoryReports() async throws {
        let report = try await momentum(["report", "--lake", Repository.root.appendingPathComponent("Examples/sample-lake").path, "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 12)
    }

    @Test func anS3LakeWithoutCredentialsIsAClearConfigurationError() async throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials"
        environment["AWS_CONFIG_FILE"] = "/nonexistent/config"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        let result = try await run(Repository.momentumBinary().path, ["report", "--lake", "s3://momentum-bucket/prefix"], environment: environment)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("s3://momentum-bucket/prefix") && result.stderr.contains("AWS_ACCESS_KEY_ID"), "\(result.stderr)")
        let badName = try await run(Repository.momentumBinary().path, ["report", "--lake", "s3://B/prefix"], environment: environment)
        #expect(badName.status == 2 && badName.stderr.contains("bucket name"), "\(badName.stderr)")
    }
}

/// `dashboard --out` into what is not a regular file: a rename there would replace a device
/// (run as root, /dev/null became a regular file and broke apt on the machine) or a link.
@Suite struct OutputFileTests {
    private static func transformedLake() async throws -> URL {
        let lake = try Repository.temporaryFolder("output-file")
        try writeHandMadeLake(at: lake)
        let transform = try await momentum(["transform", "--lake", lake.path, "--quiet"])
        try #require(transform.status == 0, "\(transform.stderr)")
        return lake
    }

    private static func fileType(_ path: String) throws -> FileAttributeType? {
        try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
    }

    @Test func aDeviceStaysADevice() async throws {
        let lake = try await Self.transformedLake()
        defer { try? FileManager.default.removeItem(at: lake) }
        #expect(try Self.fileType("/dev/null") == .typeCharacterSpecial)
        let result = try await momentum(["dashboard", "--lake", lake.path, "--out", "/dev/null"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.fileType("/dev/null") == .typeCharacterSpecial, "dashboard --out /dev/null replaced the device")
    }

    @Test func aFIFOGetsThePageAndStaysAFIFO() async throws {
        let lake = try await Self.transformedLake()
        defer { try? FileManager.default.removeItem(at: lake) }
        let fifo = lake.appendingPathComponent("page.fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let reader = try ChildProcess("/bin/cat", [fifo])
        let result = try await momentum(["dashboard", "--lake", lake.path, "--out", fifo])
        #expect(result.status == 0, "\(result.stderr)")
        var status = stat()
        let stillAFIFO = lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO
        #expect(stillAFIFO, "the FIFO was replaced")
        // A replaced FIFO never gets a writer: its reader would wait forever.
        if !stillAFIFO { reader.signal(SIGKILL) }
        let page = await reader.result()
        #expect(page.stdout.hasPrefix("<!DOCTYPE html>") && page.stdout.contains("</html>"), "\(page.stdout.prefix(200))")
    }

    @Test func aLinkIsFollowedAndStaysALink() async throws {
        let lake = try await Self.transformedLake()
        defer { try? FileManager.default.removeItem(at: lake) }
        let target = lake.appendingPathComponent("pages/dashboard.html"), link = lake.appendingPathComponent("latest.html")
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let result = try await momentum(["dashboard", "--lake", lake.path, "--out", link.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.fileType(link.path) == .typeSymbolicLink)
        #expect(try String(contentsOf: target, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    }
}
