// What a new user meets: the config file, where the lake is looked for, `--artist` forms, JSON
// for scripts, errors and exit codes, tables that fit, and the first day of a lake.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumEngine
import MomentumTestSupport
import SpotifySimulator
import MomentumAnalytics
import Testing

private func jsonObject(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

@Suite struct ConfigFileTests {
    @Test func initWritesPlainJSONAndItsHelpExplainsTheKeys() async throws {
        let folder = try Repository.temporaryFolder("init")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await momentum(["init"], in: folder).status == 0)
        let config = try #require(try jsonObject(String(decoding: try Data(contentsOf: folder.appendingPathComponent("momentum.json")), as: UTF8.self)) as? [String: Any])
        #expect(config["lake"] as? String == "./lake")
        let help = try await momentum(["init", "--help"])
        for key in ["lake", "format", "market", "spotify_api_url", "spotify_accounts_url"] { #expect(help.stdout.contains(key), "\(key)") }
        #expect(try await momentum(["init"], in: folder).status == 2, "an existing file is not replaced without --force")
    }

    @Test func unknownKeysAreNamedWithTheClosestKnownOne() async throws {
        let folder = try Repository.temporaryFolder("config-keys")
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeHandMadeLake(at: folder.appendingPathComponent("lake"))
        try Data(#"{"lake": "lake", "formt": "csv", "zzzzzzzzzz": 1}"#.utf8).write(to: folder.appendingPathComponent("momentum.json"))
        let result = try await momentum(["report", "--top", "1"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(#"unknown key "formt""#) && result.stderr.contains(#"did you mean "format"?"#), "\(result.stderr)")
        #expect(result.stderr.contains(#"unknown key "zzzzzzzzzz""#) && result.stderr.contains("known keys: lake"), "\(result.stderr)")
    }

    @Test func aValueOfTheWrongTypeNamesKeyTypeAndFile() async throws {
        let folder = try Repository.temporaryFolder("config-types")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("momentum.json")
        try Data(#"{"lake": 42}"#.utf8).write(to: file)
        let result = try await momentum(["artists", "list"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains(#""lake" must be a string, got a number"#) && result.stderr.contains(file.standardizedFileURL.path), "\(result.stderr)")
        try Data(#"{"format": "yaml"}"#.utf8).write(to: file)
        let format = try await momentum(["artists", "list"], in: folder)
        #expect(format.status == 2 && format.stderr.contains("table, json, csv"), "\(format.stderr)")
        try Data(#"{"lake": }"#.utf8).write(to: file)
        let broken = try await momentum(["artists", "list"], in: folder)
        #expect(broken.status == 2 && broken.stderr.contains("not valid JSON") && !broken.stderr.contains("Error:"), "\(broken.stderr)")
    }

    @Test func aRelativeLakeIsRelativeToTheConfigFilesFolder() async throws {
        let folder = try Repository.temporaryFolder("config-relative")
        defer { try? FileManager.default.removeItem(at: folder) }
        let etc = folder.appendingPathComponent("etc/momentum")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        try writeHandMadeLake(at: etc.appendingPathComponent("data/lake"))
        try Data(#"{"lake": "data/lake"}"#.utf8).write(to: etc.appendingPathComponent("momentum.json"))
        // From another folder, as cron would run it.
        let elsewhere = folder.appendingPathComponent("somewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let result = try await momentum(["report", "--config", etc.appendingPathComponent("momentum.json").path, "--format", "json"], in: elsewhere)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try jsonObject(result.stdout) as? [Any])?.count == 3)
        // `~/` means the home folder, as in a shell.
        try Data(#"{"lake": "~/home-lake"}"#.utf8).write(to: elsewhere.appendingPathComponent("momentum.json"))
        let home = try await momentum(["artists", "list"], in: elsewhere, environment: ["HOME": folder.path])
        #expect(home.status == 2 && home.stderr.contains("no lake at \(folder.appendingPathComponent("home-lake").path)"), "\(home.stderr)")
    }
}

@Suite struct ReadCommandTests {
    static let readCommands: [[String]] = [
        ["artists", "list"], ["report"], ["releases", "impact"], ["dashboard", "--out", "/dev/null"], ["transform"],
    ]

    @Test func aMissingLakeIsExitTwoNamingThePathAndItsSource() async throws {
        let folder = try Repository.temporaryFolder("missing-lake")
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("nowhere")
        for command in Self.readCommands {
            let result = try await momentum(command + ["--lake", missing.path])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains(missing.path) && result.stderr.contains("from --lake"), "\(command): \(result.stderr)")
        }
        let fromEnvironment = try await momentum(["artists", "list"], environment: ["MOMENTUM_LAKE": missing.path])
        #expect(fromEnvironment.status == 2 && fromEnvironment.stderr.contains("from MOMENTUM_LAKE"), "\(fromEnvironment.stderr)")
        try Data(#"{"lake": "nowhere"}"#.utf8).write(to: folder.appendingPathComponent("momentum.json"))
        let fromConfig = try await momentum(["releases", "impact"], in: folder)
        #expect(fromConfig.status == 2 && fromConfig.stderr.contains("momentum.json"), "\(fromConfig.stderr)")
    }

    @Test func anEmptyLakeGetsTheSameExitCodeFromEveryReadCommand() async throws {
        let lake = try Repository.temporaryFolder("empty-lake")
        defer { try? FileManager.default.removeItem(at: lake) }
        let site = lake.deletingLastPathComponent().appendingPathComponent(lake.lastPathComponent + "-site")
        for command in Self.readCommands + [["dashboard", "--site", "--out", site.path]] {
            let result = try await momentum(command + ["--lake", lake.path])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.components(separatedBy: "error:").count == 2, "one error line: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: site.path), "a lake with nothing to show makes no site folder")
        // --link reads an S3 lake's published dashboard; a folder lake is told so.
        let link = try await momentum(["dashboard", "--link", "--lake", lake.path])
        #expect(link.status == 2 && link.stderr.contains("--link reads an S3 lake"), "\(link.stderr)")
    }

    @Test func artistAcceptsAnIdAURIOrALink() async throws {
        let lake = try Repository.temporaryFolder("artist-forms")
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake)
        for form in ["0TnOYISbd1XYRBk9myaseg", "spotify:artist:0TnOYISbd1XYRBk9myaseg",
                     "https://open.spotify.com/artist/0TnOYISbd1XYRBk9myaseg?si=abc"] {
            #expect(try await momentum(["report", "--lake", lake.path, "--artist", form, "--format", "csv"]).status == 0, "\(form)")
            #expect(try await momentum(["releases", "impact", "--lake", lake.path, "--artist", form, "--format", "csv"]).status == 0, "\(form)")
        }
        // The page opens on the artist asked for, whichever is first on the leaderboard: each of
        // the two counted artists in turn is the one section not hidden.
        let page = lake.appendingPathComponent("page.html")
        for id in ["0TnOYISbd1XYRBk9myaseg", "1uNFoZAHBGtllmzznpCI3s"] {
            for form in [id, "spotify:artist:\(id)", "https://open.spotify.com/artist/\(id)?si=abc"] {
                #expect(try await momentum(["dashboard", "--lake", lake.path, "--artist", form, "--out", page.path]).status == 0, "\(form)")
                await #expect(try Self.visibleSections(String(contentsOf: page, encoding: .utf8)) == [id], "\(form)")
            }
        }
        let bad = try await momentum(["report", "--lake", lake.path, "--artist", "spotify:album:0TnOYISbd1XYRBk9myaseg"])
        #expect(bad.status == 2 && bad.stderr.contains("--artist must be"), "\(bad.stderr)")
    }

    /// The artists whose dashboard sections are not hidden.
    static func visibleSections(_ html: String) async throws -> [String] {
        let tag = try Regex(#"<section class="artist"[^>]*data-artist="([^"]+)"[^>]*>"#)
        return html.matches(of: tag).filter { !$0.output[0].substring!.contains(" hidden") }
            .compactMap { $0.output[1].substring.map(String.init) }
    }

    @Test func theArtistReportAsJSONIsOneObjectWithEverythingTheTableShows() async throws {
        let lake = try Repository.temporaryFolder("artist-json")
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake)
        let result = try await momentum(["report", "--lake", lake.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try jsonObject(result.stdout) as? [String: Any])
        #expect(report["artist_id"] as? String == "0TnOYISbd1XYRBk9myaseg" && report["artist_name"] as? String == "Pitbull")
        let days = try #require(report["days"] as? [[String: Any]])
        #expect(days.count == 60 && days[0]["robust_z"] != nil && days[0]["change_point"] != nil)
        let events = try #require(report["release_events"] as? [[String: Any]])
        #expect(events.count == 1 && events[0]["event_day"] as? String == "2026-04-10" && events[0]["status"] != nil)
        #expect(report["change_points"] is [[String: Any]])
        let lags = try #require(report["cross_correlation"] as? [[String: Any]])
        #expect(lags.map { $0["lag"] as? Int } == (-14...28).map { $0 })
    }

    @Test func tablesFitTheTerminalAndShowGrowthAsPercent() async throws {
        let lake = try Repository.temporaryFolder("widths")
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake)
        let narrow = try await momentum(["report", "--lake", lake.path, "--format", "table"], environment: ["COLUMNS": "60"])
        #expect(narrow.status == 0, "\(narrow.stderr)")
        let lines = narrow.stdout.split(separator: "\n")
        #expect(lines.dropLast().allSatisfy { $0.count <= 60 }, "\(narrow.stdout)")
        #expect(narrow.stdout.contains("hidden to fit 60 characters") && narrow.stdout.contains("--format csv shows all"))
        #expect(lines[0].contains("momentum_score"), "the score is kept before other columns: \(lines[0])")
        let wide = try await momentum(["report", "--lake", lake.path, "--format", "table"], environment: ["COLUMNS": "400"])
        #expect(!wide.stdout.contains("hidden to fit"))
        #expect(wide.stdout.range(of: #"[+-]\d+\.\d%"#, options: .regularExpression) != nil, "growth as a percent: \(wide.stdout)")
        // Not a terminal and no COLUMNS: 100 characters.
        let piped = try await momentum(["report", "--lake", lake.path, "--format", "table"])
        let pipedLines: [Substring] = piped.stdout.split(separator: "\n")
        #expect(pipedLines.dropLast().allSatisfy { $0.count <= 100 })
        let csv = try await momentum(["report", "--lake", lake.path, "--format", "csv"], environment: ["COLUMNS": "20"])
        let header: [Substring] = csv.stdout.split(separator: "\n")
        #expect(header[0].split(separator: ",").count == 15, "csv keeps every column")
        #expect(!csv.stdout.contains("%"), "csv keeps the contract's fractions")
    }

    @Test func formatIsOfferedOnlyByCommandsThatPrintData() async throws {
        for command in [["ingest", "metrics"], ["run"], ["init"], ["artists", "add", "x"], ["dashboard"]] {
            let result = try await momentum(command + ["--format", "json"])
            #expect(result.status == 2 && result.stderr.contains("Unknown option '--format'"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("error: Error"), "\(result.stderr)")
        }
        // transform prints no data: its --format is the form of the plan of a dry run.
        let transform = try await momentum(["transform", "--format", "json"])
        #expect(transform.status == 2 && transform.stderr.contains("--format json goes with --dry-run"), "\(transform.stderr)")
        for command in [["report"], ["releases", "impact"], ["artists", "list"]] {
            #expect(try await momentum(command + ["--help"]).stdout.contains("--format"), "\(command)")
        }
    }

    @Test func releaseImpactIsNewestFirstAndTablesHideInsufficientData() async throws {
        let lake = try Repository.temporaryFolder("impact-order")
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake)
        let store = FileSystemObjectStore(root: lake)
        // An event on the lake's third day: too few baseline days (insufficient_data).
        let early = ReleaseRecord(artistID: "0TnOYISbd1XYRBk9myaseg", albumID: "album000000000000000003", albumName: "Early",
                               albumType: "single", albumGroup: "single", releaseDate: "2026-03-03", releaseDatePrecision: "day",
                               totalTracks: 1, discoveredAt: nil, isNew: false)
        try store.writeFile(LakeLayout.rawKey(.releases, day: try #require(Day(iso: "2026-03-04")).isoString, runID: "early"), bytes: JSONLines.encode([early]))
        let json = try #require(jsonObject(try await momentum(["releases", "impact", "--lake", lake.path, "--format", "json"]).stdout) as? [[String: Any]])
        let days = json.compactMap { $0["event_day"] as? String }
        #expect(days == days.sorted(by: >) && days.count == 3, "\(days)")
        #expect(json.contains { $0["status"] as? String == "insufficient_data" })
        let table = try await momentum(["releases", "impact", "--lake", lake.path, "--format", "table"], environment: ["COLUMNS": "300"])
        #expect(!table.stdout.contains("insufficient_data") && table.stdout.contains("--all shows them"), "\(table.stdout)")
        let all = try await momentum(["releases", "impact", "--lake", lake.path, "--format", "table", "--all"], environment: ["COLUMNS": "300"])
        #expect(all.stdout.contains("insufficient_data") && !all.stdout.contains("--all shows them"))
        let page = lake.appendingPathComponent("page.html")
        #expect(try await momentum(["dashboard", "--lake", lake.path, "--out", page.path, "--artist", "0TnOYISbd1XYRBk9myaseg"]).status == 0)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("class=\"insufficient-row\"") && html.contains("Show all 2 (1 with insufficient data)"), "the page hides them behind a link")
        let first = try #require(html.range(of: "2026-04-10</time>")), second = try #require(html.range(of: "2026-03-03</time>"))
        #expect(first.lowerBound < second.lowerBound, "newest first on the page too")
    }
}

@Suite struct FirstDayTests {
    @Test func everyTableExistsOnTheFirstDayAndUnscoredArtistsAreNotRanked() async throws {
        let lake = try Repository.temporaryFolder("first-day")
        defer { try? FileManager.default.removeItem(at: lake) }
        let store = FileSystemObjectStore(root: lake)
        let day = try #require(Day(iso: "2026-03-01"))
        let at = Instant(nanosecondsSinceEpoch: day.start.nanosecondsSinceEpoch + 3_600_000_000_000)
        try store.writeFile(LakeLayout.rawKey(.artistMetrics, day: day.isoString, runID: "first"), bytes: JSONLines.encode([
            MetricObservation(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: 10, popularity: 50, capturedAt: at, source: "test"),
            MetricObservation(artistID: "1uNFoZAHBGtllmzznpCI3s", artistName: "Other", followers: 20, popularity: 60, capturedAt: at, source: "test"),
        ]))
        let transform = try await momentum(["transform", "--lake", lake.path])
        #expect(transform.status == 0, "\(transform.stderr)")
        for table in ["artist_daily", "artist_signals", "momentum"] {
            #expect(!store.keys(under: "processed/\(table)/").filter { $0.hasSuffix(".parquet") }.isEmpty, "\(table)")
        }
        #expect(FileManager.default.fileExists(atPath: lake.appendingPathComponent("processed/release_impact/part-0.parquet").path))
        let table = try await momentum(["report", "--lake", lake.path, "--format", "table"])
        let lines: [Substring] = table.stdout.split(separator: "\n")
        let rows = lines.dropFirst(2).filter { !$0.hasPrefix("(") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.hasPrefix("   -") || $0.hasPrefix("-") }, "unranked: \(table.stdout)")
    }

    @Test func theDefaultAsOfIsTheLatestDayWithFollowerCounts() async throws {
        let lake = try Repository.temporaryFolder("as-of")
        defer { try? FileManager.default.removeItem(at: lake) }
        try writeHandMadeLake(at: lake)
        // A later Development Mode day: every count null.
        let store = FileSystemObjectStore(root: lake)
        let day = try #require(Day(iso: "2026-05-10"))
        try store.writeFile(LakeLayout.rawKey(.artistMetrics, day: day.isoString, runID: "devmode"), bytes: JSONLines.encode([
            MetricObservation(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: nil, popularity: nil,
                            capturedAt: day.start, source: "test"),
        ]))
        let rows = try #require(jsonObject(try await momentum(["report", "--lake", lake.path, "--format", "json"]).stdout) as? [[String: Any]])
        #expect(rows.first?["day"] as? String == "2026-04-29", "as of the last day with counts, not 2026-05-10: \(rows)")
    }
}

@Suite struct CSVReaderTests {
    @Test func readsRFC4180() throws {
        let text = "\u{FEFF}date,followers,popularity\r\n2026-01-01,\"1,200\",40\r\n\"2026-01-02\",\"1,2\"\"00\",\r\n\r\n2026-01-03,\"multi\nline\",1"
        let records = try CSVReader.records(text)
        #expect(records.map(\.fields) == [["date", "followers", "popularity"], ["2026-01-01", "1,200", "40"],
                                          ["2026-01-02", "1,2\"00", ""], ["2026-01-03", "multi\nline", "1"]])
        #expect(records.map(\.line) == [1, 2, 3, 5])
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records("a,\"open\n") }
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records("a,\"x\"y\n") }
        #expect(try CSVReader.records("a\rb\r").map(\.fields) == [["a"], ["b"]])
        #expect(try CSVReader.records("").isEmpty)
        #expect(try CSVReader.records("x,\"\"").map(\.fields) == [["x", ""]])
        // A hostile field is refused at the cap instead of being buffered.
        let huge = "date,followers\n2026-01-01,\"" + String(repeating: "9", count: CSVReader.maximumFieldLength + 10) + "\"\n"
        #expect(throws: CSVReader.Failure.self) { try CSVReader.records(huge) }
    }

    @Test func importReadsSpreadsheetExports() async throws {
        let folder = try Repository.temporaryFolder("csv-rfc")
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("export.csv")
        try Data("\u{FEFF}Date,Followers,Popularity\r\n2026-01-01,\"1,200\",40\r\n2026-01-02,\"1,250\",\"41\"\r\n".utf8).write(to: csv)
        let lake = folder.appendingPathComponent("lake")
        let result = try await momentum(["import", "csv", csv.path, "--artist", "0TnOYISbd1XYRBk9myaseg", "--name", "Pitbull", "--lake", lake.path])
        #expect(result.status == 0, "\(result.stderr)")
        let records = try metricRecords(in: lake).map(\.record).sorted { $0.capturedAt < $1.capturedAt }
        #expect(records.map(\.followers) == [1200, 1250] && records.map(\.popularity) == [40, 41])
    }
}

@Suite(.serialized) struct JobOutputTests {
    @Test func retriesAreSummarisedPerJobAndListedAtVerbose() async throws {
        let server = try await ServedSimulator(artists: 12, seed: 5, mode: .extended, faultRate: 0.3)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("retries")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path, "--yes"] + ids).status == 0)
        let quiet = try await server.momentum(["ingest", "releases", "--lake", lake.path])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr.contains("release scan: retried ") && quiet.stderr.contains("rate limit"), "\(quiet.stderr)")
        #expect(!quiet.stderr.contains("retrying"), "no line per retry without --verbose: \(quiet.stderr)")
        let second = folder.appendingPathComponent("second")
        #expect(try await server.momentum(["artists", "add", "--lake", second.path, "--yes"] + ids).status == 0)
        let verbose = try await server.momentum(["ingest", "releases", "--lake", second.path, "--verbose"])
        #expect(verbose.status == 0, "\(verbose.stderr)")
        #expect(verbose.stderr.contains("release scan: retried ") && (verbose.stderr.contains("retrying") || verbose.stderr.contains("Retry-After")), "\(verbose.stderr)")
    }

    @Test func artistsAddWhereEveryArtistIsUnknownIsExitOne() async throws {
        let server = try await ServedSimulator(artists: 3, seed: 5, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("unknown-artists")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await server.momentum(["artists", "add", "--lake", folder.appendingPathComponent("lake").path,
                                          "0000000000000000000000", "spotify:artist:1111111111111111111111"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("Error:"), "\(result.stderr)")
    }

    @Test func theDevelopmentModeWarningNamesImportCSV() async throws {
        let server = try await ServedSimulator(artists: 2, seed: 5, mode: .development, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("devmode")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path, "--yes"] + ids).status == 0)
        let result = try await server.momentum(["ingest", "metrics", "--lake", lake.path])
        #expect(result.stderr.contains("momentum import csv"), "\(result.stderr)")
    }
}
