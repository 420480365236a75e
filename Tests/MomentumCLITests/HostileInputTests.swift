// Small hostile inputs at the command line, each answered with the exit code of cli.md v1.1
// and a message that names what is wrong, nothing written: control characters in names that
// reach SQL or the terminal, empty settings, a file:// Spotify URL, S3 answering nonsense.

import Foundation
import MomentumTestSupport
import Testing

@Suite struct HostileInputTests {
    private func handLake() throws -> (URL, URL) {
        let folder = try Repository.temporaryFolder("hostile-input")
        let lake = folder.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        return (folder, lake)
    }

    @Test func namesReachingSQLRefuseQuotesAndControlCharactersNamingTheirOption() async throws {
        let (folder, lake) = try handLake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let newline = try await momentum(["transform", "--engine", "athena", "--dry-run", "--lake", lake.path,
                                          "--athena-output", "s3://bucket/results\nDROP TABLE momentum.raw_artist_metrics; --"])
        #expect(newline.status == 2 && newline.stderr.contains("--athena-output") && newline.stderr.contains("control character"), "\(newline.stderr)")
        #expect(!newline.stdout.contains("DROP TABLE"))
        let quoted = folder.appendingPathComponent("it's a lake")
        try FileManager.default.copyItem(at: lake, to: quoted)
        let quote = try await momentum(["transform", "--engine", "athena", "--dry-run", "--lake", quoted.path])
        #expect(quote.status == 2 && quote.stderr.contains("--lake") && !quote.stderr.contains("--athena-output"), "\(quote.stderr)")
        // The plan names how many raw files were new (an incremental Athena run said 0).
        #expect(try await momentum(["transform", "--lake", lake.path, "--quiet"]).status == 0)
        let day = lake.appendingPathComponent("raw/artist_metrics/dt=2026-03-12")
        try FileManager.default.createDirectory(at: day, withIntermediateDirectories: true)
        try Data(#"{"artist_id":"0TnOYISbd1XYRBk9myaseg","artist_name":"Pitbull","followers":10,"popularity":50,"captured_at":"2026-03-12T06:00:00Z"}"#.utf8 + [0x0a])
            .write(to: day.appendingPathComponent("late.jsonl"))
        let plan = try await momentum(["transform", "--engine", "athena", "--dry-run", "--format", "json", "--lake", lake.path])
        let json = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
        #expect(json?["new_files"] as? Int == 1 && json?["mode"] as? String == "incremental", "\(plan.stdout.prefix(300)) \(plan.stderr)")
    }

    @Test func anImportedNameWithEscapesIsRefusedAndDaysAreCountedOnce() async throws {
        let (folder, lake) = try handLake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("history.csv")
        try Data("date,followers\n2026-01-05,100\n2026-01-05,120\n".utf8).write(to: csv)
        let escaped = try await momentum(["import", "csv", csv.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--name", "Evil\u{1B}[2J\u{07}", "--lake", lake.path])
        #expect(escaped.status == 2 && !escaped.stderr.contains("\u{1B}") && !escaped.stderr.contains("\u{07}"), "\(escaped.stderr.debugDescription)")
        let imported = try await momentum(["import", "csv", csv.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--name", "Pitbull", "--lake", lake.path])
        #expect(imported.status == 0 && imported.stderr.contains("imported 1 day for Pitbull (2 rows"), "\(imported.stderr)")
        // The same file again adds nothing.
        let day = lake.appendingPathComponent("raw/artist_metrics/dt=2026-01-05")
        let files = try FileManager.default.contentsOfDirectory(atPath: day.path)
        let again = try await momentum(["import", "csv", csv.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--name", "Pitbull", "--lake", lake.path])
        #expect(again.status == 0 && again.stderr.contains("1 of them were in the lake already"), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: day.path) == files)
        // A changed count is imported.
        try Data("date,followers\n2026-01-05,100\n2026-01-05,130\n".utf8).write(to: csv)
        let changed = try await momentum(["import", "csv", csv.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--name", "Pitbull", "--lake", lake.path])
        #expect(changed.status == 0 && !changed.stderr.contains("in the lake already"), "\(changed.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: day.path).count == files.count + 1)
    }

    @Test(arguments: [#"{"lake": ""}"#, #"{"lake": null}"#, #"{"lake": "./lake", "lake": "/elsewhere"}"#])
    func anEmptyNullOrRepeatedSettingIsRefused(_ config: String) async throws {
        let folder = try Repository.temporaryFolder("hostile-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("momentum.json")
        try Data(config.utf8).write(to: file)
        let result = try await momentum(["report", "--config", file.path])
        #expect(result.status == 2 && result.stderr.contains("\"lake\""), "\(result.stderr)")
    }

    @Test func aTimestampWithAnOffsetIsRefusedOnceNamingTheRule() async throws {
        let (folder, lake) = try handLake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let day = lake.appendingPathComponent("raw/artist_metrics/dt=2026-03-11")
        try FileManager.default.createDirectory(at: day, withIntermediateDirectories: true)
        try Data(#"{"artist_id":"AAAAAAAAAAAAAAAAAAAAAA","artist_name":"Aurora","followers":1200,"popularity":50,"captured_at":"2026-03-11T06:00:00+02:00"}"#.utf8 + [0x0a])
            .write(to: day.appendingPathComponent("offset.jsonl"))
        let result = try await momentum(["transform", "--lake", lake.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "+02:00").count == 2, "printed once: \(result.stderr)")
        #expect(result.stderr.contains("in UTC with Z (lake.md: no offset)"), "\(result.stderr)")
    }

    @Test func aFileSchemeSpotifyURLIsAUsageError() async throws {
        let (folder, lake) = try handLake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await momentum(["ingest", "metrics", "--lake", lake.path],
                                        environment: ["SPOTIFY_API_URL": "file:///etc/passwd", "SPOTIFY_CLIENT_ID": "id", "SPOTIFY_CLIENT_SECRET": "secret"])
        #expect(result.status == 2 && result.stderr.contains("SPOTIFY_API_URL") && !result.stderr.contains("could not be fetched"), "\(result.stderr)")
    }

    @Test func s3AnsweringNonsenseIsAServiceFailure() async throws {
        let server = try ScriptedHTTPServer { _ in .init(status: 200, body: Array("<html>a captive portal</html>".utf8)) }
        defer { server.stop() }
        let result = try await momentum(["report", "--lake", "s3://lake-bucket/lake"], environment: [
            "AWS_ENDPOINT_URL_S3": server.url, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        ])
        #expect(result.status == 3 && result.stderr.contains("InvalidAnswer"), "\(result.status): \(result.stderr)")
    }
}
