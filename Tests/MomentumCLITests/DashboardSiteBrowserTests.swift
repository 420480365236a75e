// The dashboard site in a real browser, against the single page of the same lake: an artist
// opened on the site (its data file loaded when asked for) is drawn as the single page draws it;
// the leaderboard's later rows and its sorting load the board files; the search finds any artist
// from the directory files. Small file sizes, so that each kind has several files.

import Foundation
import LakeKit
import MomentumDashboard
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite(.tags(.outsideTools, .chromium), .serialized)
struct DashboardSiteBrowserTests {
    static let sizes = DashboardSite.Sizes(boardRowsPerFile: 7, inlineBoardRows: 5, artistFileBytes: 1, directoryArtistsPerFile: 6)

    /// The 20-artist lake of the single page's tests (Deezer and Last.fm series too), its single
    /// page, and its site.
    static func pages(in folder: URL) async throws -> (single: URL, site: URL) {
        let single = try await DashboardBrowserTests.dashboard(in: folder, audience: true)
        let reading = try await LakeReading.open(LocalEngine(store: FileSystemObjectStore(root: folder.appendingPathComponent("lake"))))
        let site = folder.appendingPathComponent("site")
        _ = try await reading.writeDashboardSite(asOf: nil, selected: nil, sizes: sizes,
                                                 to: DashboardSiteTarget(store: FileSystemObjectStore(root: site), prefix: "", keep: .zero))
        return (single, site.appendingPathComponent("index.html"))
    }

    /// A section's markup without its place in the page (`id="artist-N"`).
    static func placeless(_ markup: String?) -> String? {
        markup?.replacing(#/ id="artist-\d+"/#, with: "")
    }

    /// Each artist's name, from the single page's data.
    static func names(_ single: URL) throws -> [String: String] {
        let html = try String(contentsOf: single, encoding: .utf8)
        let start = try #require(html.range(of: "<script id=\"dashboard-data\" type=\"application/json\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let data = try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8)) as? [String: Any]
        let artists = try #require(data?["artists"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: artists.compactMap { a in (a["id"] as? String).map { ($0, a["name"] as? String ?? "") } })
    }

    @Test func anArtistOpenedOnTheSiteIsDrawnAsTheSinglePageDrawsIt() async throws {
        let folder = try Repository.temporaryFolder("dashboard-site")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (single, site) = try await Self.pages(in: folder)
        let opened = try await browse(site)
        #expect(opened.console.isEmpty && opened.network_requests.isEmpty, "\(opened.console) \(opened.network_requests)")
        #expect(opened.leaderboard_rows == 5 && opened.text.contains("5 of 20 artists shown"))
        #expect(opened.sections.count == 1 && opened.visible_sections.count == 1)
        let ids = try await browse(single).artist_ids
        try #require(ids.count == 20)
        // The artist the site opens on (drawn in Swift) and others from their files (one artist
        // a file here), the leaderboard's last and the development-mode artists without counts.
        for id in [ids[0], ids[1], ids[9]] + ids.suffix(3) {
            let onSite = try await browse(site, hash: "#artist=\(id)")
            let onPage = try await browse(single, hash: "#artist=\(id)")
            #expect(onSite.console.isEmpty && onSite.network_requests.isEmpty, "\(onSite.console) \(onSite.network_requests)")
            let shown = try #require(onSite.sections.first { !$0.hidden })
            #expect(shown.artist == id && onSite.visible_sections.count == 1)
            let drawn = try #require(Self.placeless(onSite.section_html[id]))
            #expect(drawn.count > 1_000 && drawn == Self.placeless(onPage.section_html[id]), "artist \(id) is drawn differently on the site")
        }
        // An id the site does not hold is said so, not thrown.
        let unknown = try await browse(site, hash: "#artist=zzzzNobody")
        #expect(unknown.console.isEmpty && unknown.text.contains("No artist zzzzNobody in this dashboard."))
        // One before the first file's first id: said too, and the page shows the artist it opens on.
        let early = try await browse(site, hash: "#artist=!!early")
        #expect(early.console.isEmpty && early.text.contains("No artist !!early in this dashboard.") && early.visible_sections.count == 1)
    }

    @Test func theLeaderboardsLaterRowsAndItsSortingLoadTheBoardFiles() async throws {
        let folder = try Repository.temporaryFolder("dashboard-site-board")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (single, site) = try await Self.pages(in: folder)
        func rows(_ report: BrowserReport) -> [String] {
            report.board_html.matches(of: #/<tr data-artist="([^"]*)"/#).map { String($0.output.1) }
        }
        // "Show more": five rows more, from the first board file.
        let more = try await browse(site, then: #"document.getElementById("leaderboard-more").click();"#)
        let all = rows(try await browse(single))
        #expect(more.console.isEmpty, "\(more.console)")
        #expect(rows(more) == Array(all.prefix(10)) && more.text.contains("10 of 20 artists shown"))
        // Sorting by followers ranks every row, the ones in later files too: as the single page does.
        let sort = #"document.querySelector('th[data-key="followers"] button').click();"#
        let sortedOnSite = try await browse(site, then: sort)
        let sortedOnPage = try await browse(single, then: sort)
        #expect(sortedOnSite.console.isEmpty, "\(sortedOnSite.console)")
        #expect(rows(sortedOnSite).count == 5 && rows(sortedOnSite) == Array(rows(sortedOnPage).prefix(5)))
        #expect(rows(sortedOnSite) != Array(all.prefix(5)), "the order changed")
        #expect(Set(rows(sortedOnSite)).subtracting(all.prefix(7)).count > 0, "rows from a later board file were ranked")
    }

    @Test func theSearchFindsAnyArtistByNameOrId() async throws {
        let folder = try Repository.temporaryFolder("dashboard-site-search")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (single, site) = try await Self.pages(in: folder)
        let names = try Self.names(single)
        let byID = names.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        // By name: every artist whose name holds the text, in the lake's order (across the
        // directory files: six artists each here).
        let word = "e"
        let expected = byID.filter { names[$0]!.lowercased().contains(word) }
        try #require(expected.count > 6)
        let found = try await browse(site, hash: "#find=E")
        #expect(found.console.isEmpty, "\(found.console)")
        #expect(found.search_results == Array(expected.prefix(20)))
        // By id, for the last artist (in the last directory file).
        let last = try #require(byID.last)
        #expect(try await browse(site, hash: "#find=\(last)").search_results == [last])
        // Nothing found is said so.
        #expect(try await browse(site, hash: "#find=zzzz-nobody").text.contains("No artist matches."))
    }
}
