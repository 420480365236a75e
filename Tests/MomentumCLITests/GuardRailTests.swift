// The guard rails as a user meets them: kills at random moments, two commands at once, bad
// items in the lake's state, future dates, hostile names, the demo pointed at a real lake.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumEngine
import MomentumTestSupport
import SpotifySimulator
import MomentumAnalytics
import Testing

private func today() -> String {
    Instant(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970) * 1_000_000_000).isoString.prefix(10).description
}

/// Starts `momentum` and kills it with SIGKILL after `delay` seconds (if still running).
private func killed(_ arguments: [String], after delay: Double, environment: [String: String]) async throws {
    let child = try ChildProcess(Repository.momentumBinary().path, arguments, environment: environment)
    try await Task.sleep(for: .seconds(delay))
    child.signal(SIGKILL)
    _ = await child.result()
}

/// What must hold after any sequence of kills and reruns. With `audienceComplete` (the audience
/// job finished last), every artist matched on a source has its counts exactly once for the day.
private func checkInvariants(lake: URL, tracked: [String], metricsDay: String, audienceComplete: Bool = false) throws {
    let store = FileSystemObjectStore(root: lake)
    var perSeries: [String: Int] = [:]
    for key in store.keys(under: "raw/audience/dt=\(metricsDay)/") where LakeLayout.isDataKey(key) {
        let file = try JSONLines.decode(AudienceObservation.self, from: Array(try Data(contentsOf: lake.appendingPathComponent(key))), source: key)
        for record in file.records { perSeries["\(record.artistID) \(record.source)/\(record.metric)", default: 0] += 1 }
    }
    #expect(perSeries.values.allSatisfy { $0 == 1 }, "audience counts filed twice: \(perSeries.filter { $0.value > 1 })")
    if audienceComplete {
        for id in tracked {
            let url = lake.appendingPathComponent("state/identity/\(id).json")
            guard let data = try? Data(contentsOf: url),
                  let sources = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["sources"] as? [String: Any] else { continue }
            if sources["deezer"] != nil { #expect(perSeries["\(id) deezer/fans"] == 1, "artist \(id): no Deezer count for \(metricsDay)") }
        }
    }
    let metrics = try metricRecords(in: lake).filter { $0.record.capturedAt.day.isoString == metricsDay }
    var perArtist: [String: Int] = [:]
    for (_, record) in metrics { perArtist[record.artistID, default: 0] += 1 }
    for id in tracked { #expect(perArtist[id] == 1, "artist \(id) has \(perArtist[id] ?? 0) records for \(metricsDay)") }
    let releases = try releaseRecords(in: lake)
    var seen = Set<String>()
    for release in releases {
        #expect(seen.insert(release.artistID + "/" + release.albumID).inserted, "album \(release.albumID) written twice")
        // Within one day the world has no new release: everything is the first scan's baseline.
        #expect(!release.isNew, "album \(release.albumID) reported as new")
    }
    let leftovers = FileSystemObjectStore(root: lake).keys(under: "").filter { $0.hasSuffix(".tmp") }
    #expect(leftovers.isEmpty || leftovers.allSatisfy { $0.hasPrefix("_momentum/") }, "temporary files left: \(leftovers)")
}

@Suite(.serialized) struct CrashSafetyTests {
    /// Trials per command; `scripts/crash-test` raises it to 30.
    static var trials: Int { Int(ProcessInfo.processInfo.environment["MOMENTUM_CRASH_TRIALS"] ?? "") ?? 3 }

    @Test func killsAtRandomMomentsLoseAndDoubleNothing() async throws {
        let server = try await ServedSimulator(artists: 24, seed: 5, mode: .extended, faultRate: 0.05, latencyMilliseconds: 15)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("crash")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = SpotifySimulator(options: server.options).artistDirectory
        let tracked = directory.map(\.id)
        var generator = SystemRandomNumberGenerator()
        for command in [["ingest", "metrics"], ["ingest", "releases"], ["ingest", "audience"], ["run"], ["transform"]] {
            for trial in 0..<CrashSafetyTests.trials {
                let lake = folder.appendingPathComponent("\(command.joined(separator: "-"))-\(trial)")
                let added = try await server.momentum(["artists", "add", "--lake", lake.path] + tracked)
                #expect(added.status == 0, "\(added.stderr)")
                if command == ["transform"] {
                    #expect(try await server.momentum(["ingest", "metrics", "--lake", lake.path]).status == 0)
                    #expect(try await server.momentum(["ingest", "releases", "--lake", lake.path]).status == 0)
                }
                // Kill once or twice at random moments, then let it finish.
                for _ in 0..<Int.random(in: 1...2, using: &generator) {
                    try await killed(command + ["--lake", lake.path, "--quiet"], after: Double.random(in: 0.05...0.6, using: &generator),
                               environment: server.environment)
                }
                let finished = try await server.momentum(command + ["--lake", lake.path, "--quiet"])
                #expect(finished.status == 0, "\(command) after a kill: \(finished.stderr)")
                if command != ["transform"] {
                    // Whatever the killed run did, a complete rerun finishes the day.
                    #expect(try await server.momentum(["ingest", "metrics", "--lake", lake.path, "--quiet"]).status == 0)
                    #expect(try await server.momentum(["ingest", "releases", "--lake", lake.path, "--quiet"]).status == 0)
                }
                try checkInvariants(lake: lake, tracked: tracked, metricsDay: today(),
                                    audienceComplete: command == ["ingest", "audience"] || command == ["run"])
                // The processed tables equal an uninterrupted transform's.
                #expect(try await server.momentum(["transform", "--lake", lake.path, "--quiet"]).status == 0)
                let store = FileSystemObjectStore(root: lake)
                let processed = store.keys(under: "processed/")
                let copy = folder.appendingPathComponent("copy-\(UUID().uuidString)")
                try FileManager.default.copyItem(at: lake, to: copy)
                try FileManager.default.removeItem(at: copy.appendingPathComponent("processed"))
                #expect(try await server.momentum(["transform", "--lake", copy.path, "--quiet"]).status == 0)
                let fresh = FileSystemObjectStore(root: copy)
                #expect(fresh.keys(under: "processed/") == processed)
                for key in processed { #expect(try fresh.readFile(key) == store.readFile(key), "\(key) differs") }
                try? FileManager.default.removeItem(at: copy)
                try? FileManager.default.removeItem(at: lake)
            }
        }
    }

    @Test func twoOfEachWritingCommandAtOnceLoseAndDoubleNothing() async throws {
        let server = try await ServedSimulator(artists: 30, seed: 9, mode: .extended, faultRate: 0, latencyMilliseconds: 5)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("concurrent")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake").path
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        func together(_ a: [String], _ b: [String]) async throws -> (ProcessResult, ProcessResult) {
            async let first = server.momentum(a)
            async let second = server.momentum(b)
            return try await (first, second)
        }
        // Two `artists add` of different artists: both kept.
        let (first, second) = try await together(["artists", "add", "--lake", lake] + ids[0..<15], ["artists", "add", "--lake", lake] + ids[15..<30])
        #expect(first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
        let list = try await server.momentum(["artists", "list", "--lake", lake, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["artist_id"] as? String }) == Set(ids))
        for pair in [["ingest", "metrics"], ["ingest", "releases"], ["run"], ["transform"]] {
            let (a, b) = try await together(pair + ["--lake", lake, "--quiet"], pair + ["--lake", lake, "--quiet"])
            #expect(a.status == 0 && b.status == 0, "\(pair): \(a.stderr) \(b.stderr)")
        }
        try checkInvariants(lake: URL(fileURLWithPath: lake), tracked: ids, metricsDay: today())
    }
}

@Suite(.serialized) struct CLIGuardRailTests {
    @Test func oneBadItemDoesNotStopTheOthers() async throws {
        let server = try await ServedSimulator(artists: 6, seed: 3, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("bad-items")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path] + ids).status == 0)
        // A hand edit adds an invalid id; one discography state is corrupt.
        let listFile = lake.appendingPathComponent("state/artists.json")
        var tracked = try JSONDecoder().decode(TrackedArtists.self, from: Data(contentsOf: listFile))
        tracked.artists.append(.init(id: "not an id!", name: "Typo", addedAt: "2026-01-01T00:00:00Z"))
        try JSONEncoder().encode(tracked).write(to: listFile)
        let stateFolder = lake.appendingPathComponent("state/discography")
        try FileManager.default.createDirectory(at: stateFolder, withIntermediateDirectories: true)
        try Data("{ not json".utf8).write(to: stateFolder.appendingPathComponent("\(ids[2]).json"))

        let metrics = try await server.momentum(["ingest", "metrics", "--lake", lake.path])
        #expect(metrics.status == 1 && metrics.stderr.contains("not an id!"), "\(metrics.stderr)")
        #expect(try metricRecords(in: lake).count == ids.count)
        let releases = try await server.momentum(["ingest", "releases", "--lake", lake.path])
        #expect(releases.status == 1 && releases.stderr.contains(ids[2]), "\(releases.stderr)")
        #expect(Set(try releaseRecords(in: lake).map(\.artistID)) == Set(ids).subtracting([ids[2]]))
        // The corrupt state is left for the user to look at, not overwritten.
        #expect(try String(contentsOf: stateFolder.appendingPathComponent("\(ids[2]).json"), encoding: .utf8) == "{ not json")
        // Anything listed can be removed.
        let removed = try await server.momentum(["artists", "remove", "--lake", lake.path, "not an id!"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try await server.momentum(["ingest", "metrics", "--lake", lake.path]).status == 0)
    }

    @Test func futureDatesAreRefusedAndTheirSnapshotsGoWithThem() async throws {
        let server = try await ServedSimulator(artists: 3, seed: 4, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("future")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path] + ids).status == 0)
        let future = try await server.momentum(["ingest", "metrics", "--lake", lake.path, "--date", "2999-01-01"])
        #expect(future.status == 2 && future.stderr.contains("future"), "\(future.stderr)")
        let farFuture = try await server.momentum(["ingest", "metrics", "--lake", lake.path, "--date", "9999-12-31"])
        #expect(farFuture.status == 2)
        let csv = folder.appendingPathComponent("history.csv")
        try "date,followers\n2026-01-01,10\n2999-01-01,20\n9999-12-31,30\n".write(to: csv, atomically: true, encoding: .utf8)
        let imported = try await server.momentum(["import", "csv", csv.path, "--artist", ids[0], "--lake", lake.path])
        #expect(imported.status == 1 && imported.stderr.contains("line 3") && imported.stderr.contains("line 4"), "\(imported.stderr)")
        #expect(try metricRecords(in: lake).count == 1)

        // A leaderboard snapshot of a day the data no longer has is removed by transform.
        #expect(try await server.momentum(["ingest", "metrics", "--lake", lake.path]).status == 0)
        let stale = lake.appendingPathComponent("processed/momentum/as_of=2999-01-01/part-0.parquet")
        try FileManager.default.createDirectory(at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("PAR1".utf8).write(to: stale)
        #expect(try await server.momentum(["transform", "--lake", lake.path]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

    @Test func theDemoReplacesOnlyItsOwnFolder() async throws {
        let folder = try Repository.temporaryFolder("demo-dir")
        defer { try? FileManager.default.removeItem(at: folder) }
        let precious = folder.appendingPathComponent("lake/raw/artist_metrics/dt=2026-01-01/keep.jsonl")
        try FileManager.default.createDirectory(at: precious.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{}\n".utf8).write(to: precious)
        let refused = try await run(Repository.momentumBinary().path, ["demo", "--dir", folder.path, "--days", "3", "--artists", "2", "--quiet"])
        #expect(refused.status == 2 && refused.stderr.contains("not created by `momentum demo`"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: precious.path))
        let own = folder.appendingPathComponent("demo")
        for _ in 0..<2 {
            let result = try await run(Repository.momentumBinary().path, ["demo", "--dir", own.path, "--days", "3", "--artists", "2", "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func hostileNamesCannotDriveTheTerminalOrASpreadsheet() async throws {
        let lake = try Repository.temporaryFolder("hostile-names")
        defer { try? FileManager.default.removeItem(at: lake) }
        let store = FileSystemObjectStore(root: lake)
        let capture = Day(iso: "2026-01-01")!.start
        let records = [
            MetricObservation(artistID: "AAAAAAAAAAAAAAAAAAAAAA", artistName: "Clear\u{1B}[2J\u{1B}[H screen", followers: 10, popularity: 1, capturedAt: capture, source: "t"),
            MetricObservation(artistID: "BBBBBBBBBBBBBBBBBBBBBB", artistName: "=HYPERLINK(\"http://evil\",\"x\")", followers: 20, popularity: 1, capturedAt: capture, source: "t"),
        ]
        try store.writeFile("raw/artist_metrics/dt=2026-01-01/r.jsonl", bytes: JSONLines.encode(records))
        let table = try await run(Repository.momentumBinary().path, ["report", "--lake", lake.path, "--format", "table"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(!table.stdout.contains("\u{1B}") && table.stdout.contains("\\u{1b}[2J"))
        let csv = try await run(Repository.momentumBinary().path, ["report", "--lake", lake.path, "--format", "csv"])
        #expect(csv.stdout.contains("\"'=HYPERLINK(") && !csv.stdout.contains(",=HYPERLINK"), "\(csv.stdout)")
    }

    @Test func theSimulatorSurvivesSlowClientsHugeBodiesAndHugeOffsets() async throws {
        let server = try await ServedSimulator(artists: 3, seed: 1, mode: .extended, faultRate: 0)
        defer { server.stop() }
        // Slow clients: each sends a partial request and stalls.
        var sockets: [Int32] = []
        for _ in 0..<40 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(server.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            _ = "GET /v1/artists HTTP/1.1\r\nX-Slow: ".withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            sockets.append(fd)
        }
        defer { sockets.forEach { close($0) } }
        // A huge Content-Length, and an offset at Int64.max.
        let big = try await run("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Length: 400000000",
                                           "--max-time", "5", "http://127.0.0.1:\(server.port)/api/token"])
        #expect(big.stdout == "413", "\(big.stdout) \(big.stderr)")
        let id = SpotifySimulator(options: server.options).artistDirectory[0].id
        let huge = try await run("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                                            "http://127.0.0.1:\(server.port)/v1/artists/\(id)/albums?offset=9223372036854775807&limit=10"])
        #expect(["400", "401"].contains(huge.stdout), "\(huge.stdout)")
        // The server still answers real clients.
        let lake = try Repository.temporaryFolder("slowloris")
        defer { try? FileManager.default.removeItem(at: lake) }
        let added = try await server.momentum(["artists", "add", "--lake", lake.path, id])
        #expect(added.status == 0, "\(added.stderr)")
    }
}
