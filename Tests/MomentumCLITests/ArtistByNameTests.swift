// From the leaderboard to one artist by name: `--artist` takes a name as well as an id (an exact
// match after NFC and case folding), an ambiguous name lists the candidates and exits 2; tables
// pad and fit by display width, so CJK names keep the columns in line within COLUMNS.

import Foundation
import MomentumTestSupport
import Testing

@Suite struct ArtistByNameTests {
    private func transformedHandLake(extraDays: [String: String] = [:]) async throws -> (URL, URL) {
        let folder = try Repository.temporaryFolder("artist-by-name")
        let lake = folder.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        for (day, lines) in extraDays {
            let dayFolder = lake.appendingPathComponent("raw/artist_metrics/dt=\(day)")
            try FileManager.default.createDirectory(at: dayFolder, withIntermediateDirectories: true)
            try Data(lines.utf8).write(to: dayFolder.appendingPathComponent("extra.jsonl"))
        }
        let transform = try await momentum(["transform", "--lake", lake.path, "--quiet"])
        try #require(transform.status == 0, "\(transform.stderr)")
        return (folder, lake)
    }

    @Test func aNameInAnyCaseOrCompositionFindsTheArtistOnEveryCommand() async throws {
        let (folder, lake) = try await transformedHandLake()
        defer { try? FileManager.default.removeItem(at: folder) }
        // "ünder" typed decomposed (U + combining diaeresis) and in other cases.
        let decomposed = "U\u{308}NDER \"q\" <B>"
        let report = try await momentum(["report", "--lake", lake.path, "--artist", decomposed, "--format", "table"])
        #expect(report.status == 0 && report.stdout.contains("(BBBBBBBBBBBBBBBBBBBBBB)"), "\(report.stderr)")
        // One artist's daily table starts with the day and repeats no id.
        let daily = report.stdout.components(separatedBy: "Daily\n").dropFirst().first ?? ""
        #expect(daily.hasPrefix("day"), "\(daily.prefix(200))")
        #expect(!daily.components(separatedBy: "Release events").first!.contains("BBBBBBBBBBBBBBBBBBBBBB"))
        let releases = try await momentum(["releases", "impact", "--lake", lake.path, "--artist", "aurora", "--format", "csv", "--all"])
        #expect(releases.status == 0, "\(releases.stderr)")
        #expect(releases.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix("AAAAAAAAAAAAAAAAAAAAAA,") }, "\(releases.stdout)")
        let page = folder.appendingPathComponent("page.html")
        let dashboard = try await momentum(["dashboard", "--lake", lake.path, "--artist", "AURORA", "--out", page.path])
        #expect(dashboard.status == 0, "\(dashboard.stderr)")
        let unknown = try await momentum(["report", "--lake", lake.path, "--artist", "Nobody Here"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no artist named 'Nobody Here'"), "\(unknown.stderr)")
    }

    @Test func aNameSeveralArtistsShareListsThemAndExits2() async throws {
        let (folder, lake) = try await transformedHandLake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let tracked = #"{"artists": [{"id": "AAAAAAAAAAAAAAAAAAAAAA", "name": "Aurora", "added_at": "2026-01-01T00:00:00Z"}, {"id": "CCCCCCCCCCCCCCCCCCCCCC", "name": "AURORA", "added_at": "2026-01-01T00:00:00Z"}]}"#
        try FileManager.default.createDirectory(at: lake.appendingPathComponent("state"), withIntermediateDirectories: true)
        try Data(tracked.utf8).write(to: lake.appendingPathComponent("state/artists.json"))
        for command in [["report"], ["releases", "impact"], ["dashboard", "--out", folder.appendingPathComponent("d.html").path]] {
            let result = try await momentum(command + ["--lake", lake.path, "--artist", "aurora"])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("matches 2 artists") && result.stderr.contains("AAAAAAAAAAAAAAAAAAAAAA")
                    && result.stderr.contains("CCCCCCCCCCCCCCCCCCCCCC"), "\(result.stderr)")
        }
    }

    /// Terminal columns, counted independently of the code under test: CJK and fullwidth
    /// characters take two.
    private func columns(_ line: Substring) -> Int {
        line.unicodeScalars.reduce(0) { total, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            return total + (wide ? 2 : 1)
        }
    }

    @Test func cjkNamesKeepColumnsInLineWithinColumns() async throws {
        let name = "坂本龍一とイエロー・マジック・オーケストラ"
        let lines = (1...10).map { day in
            #"{"artist_id":"DDDDDDDDDDDDDDDDDDDDDD","artist_name":"\#(name)","followers":\#(1000 + day * 37),"popularity":40,"captured_at":"2026-03-\#(String(format: "%02d", day))T06:00:00Z"}"#
        }
        var extra: [String: String] = [:]
        for (index, line) in lines.enumerated() { extra["2026-03-\(String(format: "%02d", index + 1))"] = line + "\n" }
        let (folder, lake) = try await transformedHandLake(extraDays: extra)
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in [["report"], ["report", "--artist", name], ["releases", "impact", "--all"]] {
            let result = try await momentum(command + ["--lake", lake.path, "--format", "table"], environment: ["COLUMNS": "80"])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            for line in result.stdout.split(separator: "\n") where !line.hasPrefix("(") {
                #expect(columns(line) <= 80, "\(command): \(columns(line)) columns: \(line)")
            }
        }
        // In the leaderboard, every row leaves blank the gaps the dashed line leaves between
        // columns: a wide name pushes nothing out of line.
        let board = try await momentum(["report", "--lake", lake.path, "--format", "table"], environment: ["COLUMNS": "200"])
        let boardLines = board.stdout.split(separator: "\n")
        let dashes = try #require(boardLines.first { $0.hasPrefix("-") })
        let gaps = Array(dashes).enumerated().filter { $0.element == " " }.map { $0.offset }
        #expect(!gaps.isEmpty)
        for line in boardLines where !line.hasPrefix("(") {
            var cells: [Character] = []
            for character in line { cells.append(character); if columns(Substring(String(character))) == 2 { cells.append(" ") } }
            for gap in gaps where gap < cells.count {
                #expect(cells[gap] == " ", "column gap \(gap) is not blank in: \(line)")
            }
        }
    }
}

@Suite struct LeaderboardEmptiesTests {
    @Test func artistsLeftOutOfALeaderboardAreCountedAndTheLatestDayNamed() async throws {
        let folder = try Repository.temporaryFolder("leaderboard-empties")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        for processed in [false, true] {
            if processed { #expect(try await momentum(["transform", "--lake", lake.path, "--quiet"]).status == 0) }
            let future = try await momentum(["report", "--lake", lake.path, "--as-of", "2030-01-01", "--format", "table"])
            #expect(future.status == 0 && future.stdout.contains("(no rows)"), "\(future.stdout)")
            #expect(future.stderr.contains("2 of 2 artists left out: no data in the 3 days up to 2030-01-01")
                    && future.stderr.contains("the latest day with a follower count is 2026-03-10"), "processed \(processed): \(future.stderr)")
            let quiet = try await momentum(["report", "--lake", lake.path, "--as-of", "2030-01-01", "--quiet"])
            #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        }
    }
}
