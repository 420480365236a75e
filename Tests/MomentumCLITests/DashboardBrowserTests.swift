// The dashboard in a real browser: headless Chromium renders `momentum dashboard` output, the
// tests assert on the DOM after the page's script ran, and check that the page attempted no
// network request (tagged .chromium; scripts/test installs Chromium).

import Foundation
import MomentumTestSupport
import Testing

struct BrowserReport: Decodable {
    struct Script: Decodable { var type: String?; var has_alert: Bool }
    struct Section: Decodable {
        var id: String; var artist: String; var hidden: Bool; var events: Int; var markers: Int
        var charts: Int; var impact_rows: Int; var notes: Int; var followers_points: [Int]; var spikes: Int
    }
    var network_requests: [String]
    var console: [String]
    var scripts: [Script]
    var event_handler_attributes: Int
    var sections: [Section]
    var visible_sections: [String]
    var selected_row: String?
    var leaderboard_rows: Int
    var artist_ids: [String]
    var section_html: [String: String]
    var board_html: String
    var search_results: [String]
    var text: String
}

/// The page as a reader gets it; `then` runs after the page's script (a reader's clicks).
func browse(_ page: URL, hash: String = "", screenshot: URL? = nil, script: Bool = true, then: String? = nil) async throws -> BrowserReport {
    var arguments = [page.path]
    if !script { arguments.append("--no-script") }
    if let then { arguments += ["--then", then] }
    if !hash.isEmpty { arguments += ["--hash", hash] }
    if let screenshot { arguments += ["--screenshot", screenshot.path] }
    let result = try await OutsideTools.runScript("browser_check.py", arguments)
    guard result.status == 0 else { throw TestSetupError("browser_check failed: \(result.stderr)") }
    return try JSONDecoder().decode(BrowserReport.self, from: Data(result.stdout.utf8))
}

@Suite(.tags(.outsideTools, .chromium), .serialized)
struct DashboardBrowserTests {
    /// A generated lake of 20 artists (two with hostile names, two without follower counts);
    /// with `audience`, Deezer and Last.fm series too (metrics.md section 8).
    static func dashboard(in folder: URL, audience: Bool = false) async throws -> URL {
        let lake = folder.appendingPathComponent("lake")
        let generated = try await OutsideTools.runScript("generate_lake.py", ["--out", lake.path, "--artists", "20", "--days", "200", "--seed", "4"]
                                                         + (audience ? ["--audience"] : []))
        guard generated.status == 0 else { throw TestSetupError(generated.stderr) }
        let page = folder.appendingPathComponent("dashboard.html")
        let result = try await momentum(["dashboard", "--lake", lake.path, "--out", page.path])
        guard result.status == 0 else { throw TestSetupError("momentum dashboard failed: \(result.stderr)") }
        return page
    }

    @Test func rendersChartsMarkersAndNoNetwork() async throws {
        let folder = try Repository.temporaryFolder("dashboard-browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = try await Self.dashboard(in: folder)
        let screenshot = folder.appendingPathComponent("dashboard.png")
        let report = try await browse(page, screenshot: screenshot)

        #expect(report.network_requests.isEmpty, "the page tried the network: \(report.network_requests)")
        #expect(report.console.isEmpty, "console: \(report.console)")
        #expect(report.leaderboard_rows == 20 && report.artist_ids.count == 20)
        // The page draws the artist it opens on; the others are drawn when opened.
        #expect(report.sections.count == 1)
        #expect(report.visible_sections.count == 1)
        var sections = report.sections
        // The script's drawing is compared with the page's for every artist below; here, a few
        // from each end of the list (the development-mode artists come last).
        for id in report.artist_ids.dropFirst().prefix(3) + report.artist_ids.suffix(3) {
            let opened = try await browse(page, hash: "#artist=\(id)")
            #expect(opened.console.isEmpty && opened.network_requests.isEmpty, "\(opened.console) \(opened.network_requests)")
            #expect(opened.visible_sections.count == 1 && opened.sections.count == 2)
            sections += opened.sections.filter { $0.artist == id }
        }
        for section in sections {
            #expect(section.markers == section.events, "\(section.id): \(section.markers) markers for \(section.events) events")
            if section.notes == 0 {
                #expect(section.charts == 3, "\(section.id) has \(section.charts) charts")
                #expect(section.followers_points.count == 2 && section.followers_points.allSatisfy { $0 > 100 })
            } else {
                #expect(section.charts == 0, "\(section.id): a note instead of empty charts")
            }
        }
        #expect(sections.contains { $0.notes > 0 }, "the development-mode artists show a note")
        #expect(sections.reduce(0) { $0 + $1.events } > 7)
        #expect(sections.reduce(0) { $0 + $1.spikes } > 0)
        // Hostile names are text: our two script elements only, no handler attributes.
        #expect(report.scripts.count == 2 && report.scripts.allSatisfy { !$0.has_alert })
        #expect(report.event_handler_attributes == 0)
        #expect(report.text.contains("<script>alert(1)</script>"))
        #expect(report.text.contains("\"onmouseover=alert(1) x=\""))
        // A real picture came out.
        let png = try Data(contentsOf: screenshot)
        #expect(png.count > 50_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }

    /// The demo's own dashboard, as `momentum demo` writes it.
    @Test func theDemosDashboardRendersWithMarkersAndNoNetwork() async throws {
        let folder = try Repository.temporaryFolder("demo-browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await momentum(["demo", "--dir", folder.path, "--artists", "20", "--days", "120", "--seed", "6", "--quiet"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let page = folder.appendingPathComponent("dashboard.html")
        let screenshot = folder.appendingPathComponent("demo.png")
        let report = try await browse(page, screenshot: screenshot)
        #expect(report.network_requests.isEmpty, "\(report.network_requests)")
        #expect(report.console.isEmpty, "\(report.console)")
        #expect(report.leaderboard_rows == 20 && report.sections.count == 1 && report.visible_sections.count == 1)
        let visible = try #require(report.sections.first { !$0.hidden })
        #expect(visible.charts == 3 && visible.events > 0 && visible.markers == visible.events)
        #expect(report.sections.allSatisfy { $0.markers == $0.events })
        // Simulated names such as "<Noise>" stay text.
        #expect(report.scripts.count == 2 && report.event_handler_attributes == 0)
        #expect(try Data(contentsOf: screenshot).count > 50_000)
    }

    /// The script draws an artist exactly as the page does: for each artist, the page opened
    /// on it (drawn in Swift) and the page opened elsewhere then on it (drawn by the script)
    /// serialise to the same markup, tag for tag and coordinate for coordinate. The artists have
    /// Deezer and Last.fm series, so the audience chart and the ranking series are drawn both ways.
    @Test func theScriptDrawsEachArtistAsThePageDoes() async throws {
        let folder = try Repository.temporaryFolder("dashboard-twin")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ids = try await browse(try await Self.dashboard(in: folder, audience: true)).artist_ids
        let lake = folder.appendingPathComponent("lake")
        #expect(ids.count == 20)
        var drawnByPage: [String: String] = [:], drawnByScript: [String: String] = [:]
        for (index, id) in ids.enumerated() {
            let next = ids[(index + 1) % ids.count]
            let page = folder.appendingPathComponent("on-\(index).html")
            let result = try await momentum(["dashboard", "--lake", lake.path, "--out", page.path, "--artist", id])
            #expect(result.status == 0, "\(result.stderr)")
            let report = try await browse(page, hash: "#artist=\(next)")
            #expect(report.console.isEmpty, "\(report.console)")
            drawnByPage[id] = report.section_html[id]
            drawnByScript[next] = report.section_html[next]
        }
        // The leaderboard: rows written by the page (script off) and by the script agree.
        let page = folder.appendingPathComponent("on-0.html")
        let withScript = try await browse(page), withoutScript = try await browse(page, script: false)
        #expect(withoutScript.board_html.count > 5_000)
        #expect(withScript.board_html.replacingOccurrences(of: " class=\"selected\"", with: "") == withoutScript.board_html)
        // Without script the page still shows the leaderboard and the artist it opens on.
        #expect(withoutScript.visible_sections.count == 1 && withoutScript.sections.first?.artist == ids.first)
        #expect(withoutScript.sections.first?.charts ?? 0 > 0)
        for id in ids {
            let page = try #require(drawnByPage[id]), script = try #require(drawnByScript[id])
            #expect(page.count > 2_000 && page.contains("audience-figure") && page.contains("Ranked on"))
            #expect(page == script, "artist \(id) is drawn differently by the script")
        }
    }

    /// A leaderboard longer than a page: the first hundred rows, and the button for the rest.
    @Test func aLongLeaderboardIsShownAPageAtATime() async throws {
        let folder = try Repository.temporaryFolder("dashboard-long")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let generated = try await OutsideTools.runScript("generate_lake.py", ["--out", lake.path, "--artists", "150", "--days", "40", "--seed", "5"])
        guard generated.status == 0 else { throw TestSetupError(generated.stderr) }
        let page = folder.appendingPathComponent("dashboard.html")
        let result = try await momentum(["dashboard", "--lake", lake.path, "--out", page.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try await browse(page)
        #expect(report.console.isEmpty, "\(report.console)")
        #expect(report.leaderboard_rows == 100 && report.artist_ids.count == 150)
        #expect(report.text.contains("100 of 150 artists shown"))
        #expect(report.board_html.count > 10_000)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("id=\"leaderboard-more\" hidden>"), "the page hides the button for readers without script")
        // Opening an artist beyond the first hundred rows works from the picker's data.
        let last = try #require(report.artist_ids.last)
        let opened = try await browse(page, hash: "#artist=\(last)")
        #expect(opened.visible_sections.count == 1 && opened.sections.contains { $0.artist == last && !$0.hidden })
    }

    @Test func theScriptSelectsTheArtistNamedInTheAddress() async throws {
        let folder = try Repository.temporaryFolder("dashboard-browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = try await Self.dashboard(in: folder)
        let first = try await browse(page)
        let target = try #require(first.artist_ids.dropFirst(5).first)
        let report = try await browse(page, hash: "#artist=\(target)")
        #expect(report.visible_sections == report.sections.filter { $0.artist == target }.map(\.id))
        #expect(report.visible_sections.count == 1)
        #expect(report.selected_row == target)
        #expect(report.console.isEmpty, "console: \(report.console)")
    }

    /// The network checks can fail: a page that loads an image is caught by the proxy, and
    /// the same page under our Content-Security-Policy is caught in the console.
    @Test func theNetworkChecksCatchAnAttempt() async throws {
        let folder = try Repository.temporaryFolder("dashboard-canary")
        defer { try? FileManager.default.removeItem(at: folder) }
        let open = folder.appendingPathComponent("open.html")
        try Data(#"<!DOCTYPE html><html><body><img src="http://canary.invalid/pixel.png"></body></html>"#.utf8).write(to: open)
        #expect(try await browse(open).network_requests.contains { $0.contains("canary.invalid") })
        let locked = folder.appendingPathComponent("locked.html")
        try Data(#"<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><img src="http://canary.invalid/pixel.png"></body></html>"#.utf8).write(to: locked)
        #expect(try await browse(locked).console.contains { $0.contains("canary.invalid") })
    }
}
