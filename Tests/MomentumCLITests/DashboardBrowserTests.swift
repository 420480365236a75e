// The dashboard in a real browser: headless Chromium renders `momentum dashboard` output, the
// tests assert on the DOM after the page's script ran, and check that the page attempted no
// network request (switched on by MOMENTUM_OUTSIDE_TOOLS=1; scripts/test installs Chromium).

import Foundation
import MomentumTestSupport
import Testing

struct BrowserReport: Decodable {
    struct Script: Decodable { var type: String?; var has_alert: Bool }
    struct Section: Decodable {
        var id: String; var artist: String; var hidden: Bool; var events: Int; var markers: Int
        var charts: Int; var impact_rows: Int; var notes: Int; var followers_points: [Int]
    }
    var network_requests: [String]
    var console: [String]
    var scripts: [Script]
    var event_handler_attributes: Int
    var sections: [Section]
    var visible_sections: [String]
    var selected_row: String?
    var leaderboard_rows: Int
    var text: String
}

func browse(_ page: URL, hash: String = "", screenshot: URL? = nil) throws -> BrowserReport {
    var arguments = [page.path]
    if !hash.isEmpty { arguments += ["--hash", hash] }
    if let screenshot { arguments += ["--screenshot", screenshot.path] }
    let result = try OutsideTools.runScript("browser_check.py", arguments)
    guard result.status == 0 else { throw TestSetupError("browser_check failed: \(result.stderr)") }
    return try JSONDecoder().decode(BrowserReport.self, from: Data(result.stdout.utf8))
}

@Suite(.enabled(if: OutsideTools.enabled, "needs MOMENTUM_OUTSIDE_TOOLS=1 (scripts/test)"), .serialized)
struct DashboardBrowserTests {
    /// A generated lake of 20 artists (two with hostile names, two without follower counts).
    static func dashboard(in folder: URL) throws -> URL {
        let lake = folder.appendingPathComponent("lake")
        let generated = try OutsideTools.runScript("generate_lake.py", ["--out", lake.path, "--artists", "20", "--days", "200", "--seed", "4"])
        guard generated.status == 0 else { throw TestSetupError(generated.stderr) }
        let page = folder.appendingPathComponent("dashboard.html")
        let result = try momentum("dashboard", "--lake", lake.path, "--out", page.path)
        guard result.status == 0 else { throw TestSetupError("momentum dashboard failed: \(result.stderr)") }
        return page
    }

    @Test func rendersChartsMarkersAndNoNetwork() throws {
        let folder = try Repository.temporaryFolder("dashboard-browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = try Self.dashboard(in: folder)
        let screenshot = folder.appendingPathComponent("dashboard.png")
        let report = try browse(page, screenshot: screenshot)

        #expect(report.network_requests.isEmpty, "the page tried the network: \(report.network_requests)")
        #expect(report.console.isEmpty, "console: \(report.console)")
        #expect(report.leaderboard_rows == 20)
        #expect(report.sections.count == 20)
        #expect(report.visible_sections.count == 1)
        for section in report.sections {
            #expect(section.markers == section.events, "\(section.id): \(section.markers) markers for \(section.events) events")
            if section.notes == 0 {
                #expect(section.charts == 3, "\(section.id) has \(section.charts) charts")
                #expect(section.followers_points.count == 2 && section.followers_points.allSatisfy { $0 > 100 })
            } else {
                #expect(section.charts == 0, "\(section.id): a note instead of empty charts")
            }
        }
        #expect(report.sections.contains { $0.notes > 0 }, "the development-mode artists show a note")
        #expect(report.sections.reduce(0) { $0 + $1.events } > 20)
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
    @Test func theDemosDashboardRendersWithMarkersAndNoNetwork() throws {
        let folder = try Repository.temporaryFolder("demo-browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try momentum("demo", "--dir", folder.path, "--artists", "20", "--days", "120", "--seed", "6", "--quiet")
        #expect(demo.status == 0, "\(demo.stderr)")
        let page = folder.appendingPathComponent("dashboard.html")
        let screenshot = folder.appendingPathComponent("demo.png")
        let report = try browse(page, screenshot: screenshot)
        #expect(report.network_requests.isEmpty, "\(report.network_requests)")
        #expect(report.console.isEmpty, "\(report.console)")
        #expect(report.leaderboard_rows == 20 && report.sections.count == 20 && report.visible_sections.count == 1)
        let visible = try #require(report.sections.first { !$0.hidden })
        #expect(visible.charts == 3 && visible.events > 0 && visible.markers == visible.events)
        #expect(report.sections.allSatisfy { $0.markers == $0.events })
        // Simulated names such as "<Noise>" stay text.
        #expect(report.scripts.count == 2 && report.event_handler_attributes == 0)
        #expect(try Data(contentsOf: screenshot).count > 50_000)
    }

    @Test func theScriptSelectsTheArtistNamedInTheAddress() throws {
        let folder = try Repository.temporaryFolder("dashboard-browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = try Self.dashboard(in: folder)
        let first = try browse(page)
        let target = try #require(first.sections.dropFirst(5).first)
        let report = try browse(page, hash: "#artist=\(target.artist)")
        #expect(report.visible_sections == [target.id])
        #expect(report.selected_row == target.artist)
        #expect(report.console.isEmpty, "console: \(report.console)")
    }

    /// The network checks can fail: a page that loads an image is caught by the proxy, and
    /// the same page under our Content-Security-Policy is caught in the console.
    @Test func theNetworkChecksCatchAnAttempt() throws {
        let folder = try Repository.temporaryFolder("dashboard-canary")
        defer { try? FileManager.default.removeItem(at: folder) }
        let open = folder.appendingPathComponent("open.html")
        try Data(#"<!DOCTYPE html><html><body><img src="http://canary.invalid/pixel.png"></body></html>"#.utf8).write(to: open)
        #expect(try browse(open).network_requests.contains { $0.contains("canary.invalid") })
        let locked = folder.appendingPathComponent("locked.html")
        try Data(#"<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><img src="http://canary.invalid/pixel.png"></body></html>"#.utf8).write(to: locked)
        #expect(try browse(locked).console.contains { $0.contains("canary.invalid") })
    }
}
