// The ingestion commands as a user runs them: the real URLSession transport against
// `momentum simulator serve` on 127.0.0.1, with faults switched on.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumEngine
import MomentumTestSupport
import SpotifySimulator
import MomentumAnalytics
import Testing

/// `momentum simulator serve` in the background, on a free port.
final class ServedSimulator: Sendable {
    let child: ChildProcess
    let port: Int
    let options: SpotifySimulator.Options

    init(artists: Int, seed: UInt64, mode: SpotifySimulator.Mode, faultRate: Double, latencyMilliseconds: Int = 0) async throws {
        options = .init(artists: artists, seed: seed, mode: mode, faultRate: faultRate)
        child = try ChildProcess(Repository.momentumBinary().path,
                                 ["simulator", "serve", "--port", "0", "--artists", "\(artists)", "--seed", "\(seed)",
                                  "--mode", mode.rawValue, "--fault-rate", "\(faultRate)", "--latency", "\(latencyMilliseconds)"],
                                 captureStderr: false)
        let line = try await child.line(containing: "http://127.0.0.1:", timeout: .seconds(20))
        guard let match = line.firstRange(of: "http://127.0.0.1:"),
              let port = Int(line[match.upperBound...].prefix { $0.isNumber }) else {
            child.signal(SIGTERM)
            throw TestSetupError("the simulator did not start: \(line)")
        }
        self.port = port
    }

    /// What points `momentum` at this simulator.
    var spotifyVariables: [String: String] {
        [
            "SPOTIFY_ACCOUNTS_URL": "http://127.0.0.1:\(port)",
            "SPOTIFY_API_URL": "http://127.0.0.1:\(port)/v1",
            "SPOTIFY_CLIENT_ID": "integration",
            "SPOTIFY_CLIENT_SECRET": "not-a-real-secret-42",
            // The other audience sources, served by the same simulator.
            "DEEZER_API_URL": "http://127.0.0.1:\(port)/deezer",
            "LASTFM_API_URL": "http://127.0.0.1:\(port)/lastfm/2.0",
            "MUSICBRAINZ_API_URL": "http://127.0.0.1:\(port)/musicbrainz",
        ]
    }

    var environment: [String: String] { momentumEnvironment(spotifyVariables) }

    func momentum(_ arguments: [String], in folder: URL? = nil) async throws -> ProcessResult {
        try await MomentumTestSupport.momentum(arguments, in: folder, environment: spotifyVariables)
    }

    /// Ends the server; it needs no waiting for (nothing reads its output after the test).
    func stop() {
        child.signal(SIGTERM)
    }
}

extension ServedSimulator {
    /// Every simulated artist tracked in `lake`, with a config in `folder` that turns Deezer off
    /// (a test of Spotify's pacing: Deezer's on hundreds of artists at 150 ms would be minutes).
    func trackEveryArtist(in lake: URL, configIn folder: URL) async throws -> (ids: [String], config: URL) {
        let ids = SpotifySimulator(options: options).artistDirectory.map(\.id)
        let config = folder.appendingPathComponent("momentum.json")
        try Data(#"{"sources": {"deezer": false}}"#.utf8).write(to: config)
        #expect(try await momentum(["artists", "add", "--lake", lake.path, "--config", config.path, "--yes"] + ids).status == 0)
        return (ids, config)
    }
}

func metricRecords(in lake: URL) throws -> [(key: String, record: MetricObservation)] {
    let store = FileSystemObjectStore(root: lake)
    return try store.keys(under: LakeDataset.artistMetrics.prefix).filter(LakeLayout.isDataKey).flatMap { key in
        try JSONLines.decode(MetricObservation.self, from: store.readFile(key), source: key).records.map { (key, $0) }
    }
}

func releaseRecords(in lake: URL) throws -> [ReleaseRecord] {
    let store = FileSystemObjectStore(root: lake)
    return try store.keys(under: LakeDataset.releases.prefix).filter(LakeLayout.isDataKey).flatMap {
        try JSONLines.decode(ReleaseRecord.self, from: store.readFile($0), source: $0).records
    }
}

@Suite(.serialized) struct IngestionTests {
    @Test(arguments: SpotifySimulator.Mode.allCases)
    func dailyJobOverLoopbackWithFaultsKeepsExactlyOneRecordPerArtist(_ mode: SpotifySimulator.Mode) async throws {
        let server = try await ServedSimulator(artists: 30, seed: 21, mode: mode, faultRate: 0.2)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("ingest")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake").path
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)

        let add = try await server.momentum(["artists", "add", "--lake", lake, "--yes"] + ids)
        #expect(add.status == 0, "\(add.stderr)")
        let metrics = try await server.momentum(["ingest", "metrics", "--lake", lake])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        #expect(!metrics.stderr.contains("not-a-real-secret-42") && !metrics.stdout.contains("not-a-real-secret-42"))

        let records = try metricRecords(in: URL(fileURLWithPath: lake))
        #expect(records.count == 30, "none lost, none doubled")
        #expect(Set(records.map(\.record.artistID)) == Set(ids))
        #expect(Set(records.map(\.key)).count == 1, "one file per run")
        let today = Instant(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970) * 1_000_000_000).day
        #expect(records.allSatisfy { $0.key.contains("dt=\(today.isoString)/") })
        let truth = SpotifySimulator(options: server.options)
        switch mode {
        case .extended:
            for (_, record) in records {
                #expect(record.followers.map(Int.init) == truth.followers(of: record.artistID, on: Date()))
                #expect(record.popularity != nil && record.source == "spotify-web-api")
            }
        case .development:
            #expect(records.allSatisfy { $0.record.followers == nil && $0.record.popularity == nil })
            #expect(metrics.stderr.components(separatedBy: "Development Mode").count == 2, "warned once, plainly: \(metrics.stderr)")
        }
    }

    @Test func weeklyJobWritesABaselineThenOnlyNewReleases() async throws {
        let server = try await ServedSimulator(artists: 8, seed: 5, mode: .development, faultRate: 0.15)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("ingest")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path, "--yes"] + ids).status == 0)

        let first = try await server.momentum(["ingest", "releases", "--lake", lake.path])
        #expect(first.status == 0, "\(first.stderr)")
        let baseline = try releaseRecords(in: lake)
        #expect(!baseline.isEmpty && baseline.allSatisfy { !$0.isNew })
        #expect(Set(baseline.map(\.albumID)).count == baseline.count)
        for id in ids {
            #expect(FileManager.default.fileExists(atPath: lake.appendingPathComponent("state/discography/\(id).json").path))
        }
        // Nothing new since: nothing is written again.
        let second = try await server.momentum(["ingest", "releases", "--lake", lake.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try releaseRecords(in: lake).count == baseline.count)

        // An album missing from an artist's state (a kill before the state was written) is
        // already in the raw releases: a rescan does not write it again.
        let stateFile = lake.appendingPathComponent("state/discography/\(ids[0]).json")
        var state = try JSONDecoder().decode(DiscographyState.self, from: Data(contentsOf: stateFile))
        state.albumIDs.removeLast()
        state.lastScan = "2020-01-01T00:00:00Z"
        try JSONEncoder().encode(state).write(to: stateFile)
        #expect(try await server.momentum(["ingest", "releases", "--lake", lake.path]).status == 0)
        let after = try releaseRecords(in: lake)
        #expect(after.count == baseline.count)
    }

    @Test func artistsAreAddedByNameListedAndRemoved() async throws {
        let server = try await ServedSimulator(artists: 40, seed: 8, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("artists")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake").path
        let directory = SpotifySimulator(options: server.options).artistDirectory
        let name = directory[3].name

        let unconfirmed = try await server.momentum(["artists", "add", "--lake", lake, name])
        #expect(unconfirmed.status == 2 && unconfirmed.stderr.contains("--yes"))
        let added = try await server.momentum(["artists", "add", "--lake", lake, "--yes", name.uppercased(),
                                         "https://open.spotify.com/artist/\(directory[5].id)?si=abc", "spotify:artist:\(directory[6].id)"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("→"), "the match is shown: \(added.stderr)")
        let again = try await server.momentum(["artists", "add", "--lake", lake, "--yes", directory[5].id])
        #expect(again.status == 0 && again.stderr.contains("already tracked"))
        let bad = try await server.momentum(["artists", "add", "--lake", lake, "--yes", "zzz no such artist zzz"])
        #expect(bad.status == 1, "an item failed: exit 1 (2 is for usage errors)")

        let list = try await server.momentum(["artists", "list", "--lake", lake, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows.contains { ($0["artist_id"] as? String) == directory[6].id })

        #expect(try await server.momentum(["artists", "remove", "--lake", lake, directory[6].id]).status == 0)
        #expect(try await server.momentum(["artists", "remove", "--lake", lake, directory[6].id]).status == 2)
        let after = try await server.momentum(["artists", "list", "--lake", lake, "--format", "csv"])
        #expect(after.stdout.split(separator: "\n").count == 3)
    }

    @Test func runDoesWhatIsDueThenTransforms() async throws {
        let server = try await ServedSimulator(artists: 6, seed: 2, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path, "--yes"] + ids).status == 0)
        let first = try await server.momentum(["run", "--lake", lake.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try metricRecords(in: lake).count == 6)
        #expect(!(try releaseRecords(in: lake)).isEmpty)
        #expect(FileManager.default.fileExists(atPath: lake.appendingPathComponent("processed/release_impact/part-0.parquet").path))
        let second = try await server.momentum(["run", "--lake", lake.path])
        #expect(second.status == 0 && second.stderr.contains("nothing to fetch"), "\(second.stderr)")
        #expect(try metricRecords(in: lake).count == 6)
    }

    @Test func aBackFillFilesRecordsUnderTheDayItNames() async throws {
        let server = try await ServedSimulator(artists: 3, seed: 4, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("backfill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path, "--yes"] + ids).status == 0)
        let result = try await server.momentum(["ingest", "metrics", "--lake", lake.path, "--date", "2026-01-05"])
        #expect(result.status == 0, "\(result.stderr)")
        let records = try metricRecords(in: lake)
        #expect(records.count == 3 && records.allSatisfy { $0.key.contains("/dt=2026-01-05/") })
        #expect(records.allSatisfy { $0.record.capturedAt.day.isoString == "2026-01-05" })
        #expect(try await server.momentum(["ingest", "metrics", "--lake", lake.path, "--date", "5 Jan"]).status == 2)
    }

    @Test func missingCredentialsAreAConfigurationError() async throws {
        let folder = try Repository.temporaryFolder("credentials")
        defer { try? FileManager.default.removeItem(at: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["SPOTIFY_CLIENT_ID"] = nil
        environment["SPOTIFY_CLIENT_SECRET"] = nil
        let result = try await run(Repository.momentumBinary().path, ["ingest", "metrics", "--lake", folder.path], environment: environment)
        #expect(result.status == 2 && result.stderr.contains("SPOTIFY_CLIENT_ID"))
    }

    @Test func anUnreachableSpotifyIsExitThree() async throws {
        let folder = try Repository.temporaryFolder("unreachable")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        try TrackedArtistsFile.write(["0TnOYISbd1XYRBk9myaseg"], to: lake)
        var environment = ProcessInfo.processInfo.environment
        environment["SPOTIFY_CLIENT_ID"] = "x"
        environment["SPOTIFY_CLIENT_SECRET"] = "y"
        // Port 9 (discard) on loopback: nothing listens there.
        environment["SPOTIFY_ACCOUNTS_URL"] = "http://127.0.0.1:9"
        environment["SPOTIFY_API_URL"] = "http://127.0.0.1:9/v1"
        let result = try await run(Repository.momentumBinary().path, ["ingest", "metrics", "--lake", lake.path], environment: environment)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("api/token") || result.stderr.contains("reach"), "\(result.stderr)")
    }
}

enum TrackedArtistsFile {
    static func write(_ ids: [String], to lake: URL) throws {
        let store = FileSystemObjectStore(root: lake)
        let tracked = TrackedArtists(artists: ids.map { .init(id: $0, name: "Artist \($0.prefix(4))", addedAt: "2026-01-01T00:00:00Z") })
        let encoder = JSONEncoder()
        try store.writeFile(TrackedArtists.key, bytes: [UInt8](try encoder.encode(tracked)))
    }
}

@Suite struct CSVImportTests {
    @Test func aHistoryBecomesRawRecordsAndBadRowsAreNamed() async throws {
        let folder = try Repository.temporaryFolder("csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let csv = folder.appendingPathComponent("history.csv")
        try Data("date,followers,popularity\r\n2026-01-01,1000,40\n2026-01-02,1010,\n2026-02-30,5,1\n2026-01-03,lots,2\n2026-01-04,1030,41\n".utf8).write(to: csv)
        let result = try await momentum(["import", "csv", csv.path, "--artist", "spotify:artist:0TnOYISbd1XYRBk9myaseg", "--name", "Pitbull", "--lake", lake.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 4") && result.stderr.contains("line 5"), "\(result.stderr)")
        let records = try metricRecords(in: lake).map(\.record).sorted { $0.capturedAt < $1.capturedAt }
        #expect(records.map(\.followers) == [1000, 1010, 1030])
        #expect(records.map(\.popularity) == [40, nil, 41])
        #expect(records.allSatisfy { $0.source == "csv-import" && $0.artistName == "Pitbull" })
        #expect(Set(try metricRecords(in: lake).map(\.key)).count == 3, "one file per day")
        let untracked = try await momentum(["import", "csv", csv.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--lake", lake.path])
        #expect(untracked.status == 2 && untracked.stderr.contains("--name"))
    }
}

@Suite(.serialized) struct DemoTests {
    @Test func theDemoBuildsALakeADashboardAndAReport() async throws {
        let folder = try Repository.temporaryFolder("demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await momentum(["demo", "--dir", folder.path, "--artists", "12", "--days", "70", "--seed", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("dashboard:") && result.stderr.contains("lake:"))
        let lake = folder.appendingPathComponent("lake")
        let html = try String(contentsOf: folder.appendingPathComponent("dashboard.html"), encoding: .utf8)
        #expect(html.contains("Momentum demo") && html.utf8.count > 50_000)
        let records = try metricRecords(in: lake)
        #expect(records.count == 12 * 70)
        #expect(Set(records.map { $0.key.split(separator: "/")[2] }).count == 70, "one partition a day")
        let report = try await momentum(["report", "--lake", lake.path, "--format", "json"])
        #expect(report.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 12)
        // A second demo in the same folder starts afresh.
        #expect(try await momentum(["demo", "--dir", folder.path, "--artists", "5", "--days", "10"]).status == 0)
        #expect(try metricRecords(in: lake).count == 50)
    }

    @Test(.tags(.outsideTools))
    func theDemosNumbersFollowTheMetricContract() async throws {
        let folder = try Repository.temporaryFolder("demo-contract")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await momentum(["demo", "--dir", folder.path, "--artists", "15", "--days", "120", "--seed", "8"]).status == 0)
        let check = try await OutsideTools.runScript("reference_metrics.py", [folder.appendingPathComponent("lake").path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }
}
