// The dashboard site written into a store: its files hold every shown artist once, in files
// whose first ids the page lists, and the leaderboard whole; a build killed after any of its
// writes leaves the previous page with every file it names; replaced builds go once old enough.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumDashboard
@testable import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct DashboardSiteWriterTests {
    /// Small files, so that every kind has several.
    static let sizes = DashboardSite.Sizes(boardRowsPerFile: 7, inlineBoardRows: 5, artistFileBytes: 6_000, directoryArtistsPerFile: 9)

    /// The sharded analytics' lake of 40 artists, transformed in full (its tables in artist order).
    static func lake() async throws -> (folder: URL, reading: LakeReading) {
        let folder = try Repository.temporaryFolder("dashboard-site")
        let store = FileSystemObjectStore(root: folder.appendingPathComponent("lake"))
        try ShardedAnalyticsTests.rawLake(at: folder.appendingPathComponent("lake"))
        _ = try await ShardedAnalyticsTests.engine(store).transform(full: true)
        return (folder, try await LakeReading.open(ShardedAnalyticsTests.engine(store)))
    }

    /// The JSON a data file hands to the page.
    static func received(_ bytes: [UInt8]) throws -> (name: String, value: Any) {
        let text = String(decoding: bytes, as: UTF8.self)
        let prefix = "MomentumSite.receive(", suffix = ");\n"
        try #require(text.hasPrefix(prefix) && text.hasSuffix(suffix))
        let array = try JSONSerialization.jsonObject(with: Data(("[" + text.dropFirst(prefix.count).dropLast(suffix.count) + "]").utf8)) as? [Any]
        let parts = try #require(array)
        return (try #require(parts.first as? String), parts[1])
    }

    /// The page's site data.
    static func siteData(_ page: String) throws -> [String: Any] {
        let start = try #require(page.range(of: "<script id=\"dashboard-data\" type=\"application/json\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let data = try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any]
        return try #require(data?["site"] as? [String: Any])
    }

    @Test func theFilesHoldEveryArtistOnceAndTheLeaderboardWhole() async throws {
        let (folder, reading) = try await Self.lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = FileSystemObjectStore(root: folder.appendingPathComponent("site"))
        let result = try await reading.writeDashboardSite(asOf: nil, selected: nil, sizes: Self.sizes,
                                                          to: DashboardSiteTarget(store: out, prefix: "", keep: .zero))
        #expect(result.artists == 40)
        let page = String(decoding: try await out.get("index.html"), as: UTF8.self)
        let site = try Self.siteData(page)
        let generation = try #require(site["base"] as? String)
        #expect(generation == result.generation + "/")
        let files = try #require(site["artistFiles"] as? [[String]])
        #expect(files.count > 3, "the artists are in several files")

        // Each artists file holds the artists from its first id up to the next file's first.
        var seen: [String] = []
        for (number, entry) in files.enumerated() {
            let file = try Self.received(try await out.get(generation + entry[0]))
            #expect(file.name == "artists-0-\(number).js" && entry[0] == file.name)
            let ids = try #require(file.value as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids.first == entry[1])
            if number + 1 < files.count { #expect(ids.allSatisfy { $0.utf8.lexicographicallyPrecedes(files[number + 1][1].utf8) }) }
            seen += ids
        }
        #expect(seen.count == 40 && seen == seen.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })

        // The directory names each artist once; the board files hold the leaderboard in rank order.
        var directory: [String] = []
        for name in try #require(site["directoryFiles"] as? [String]) {
            let file = try Self.received(try await out.get(generation + name))
            directory += try #require(file.value as? [[String]]).map { $0[0] }
        }
        #expect(directory == seen)
        let board = try await reading.leaderboard(asOf: nil).rows.map(\.artistID)
        var boardIDs: [String] = []
        for number in 0..<(site["boardFiles"] as? Int ?? 0) {
            let file = try Self.received(try await out.get(generation + "board-\(number).js"))
            let rows = try #require(file.value as? [[Any]])
            #expect(rows.count <= 7)
            boardIDs += rows.compactMap { $0[0] as? String }
        }
        #expect(boardIDs == board && site["boardRows"] as? Int == board.count)
        // The page itself: the first rows, and the artist it opens on drawn.
        #expect(page.contains("5 of \(board.count) artists shown"))
        #expect(page.contains(" data-artist=\"\(board[0])\" data-events="))
    }

    /// Every payload of a build, in its files' order, and its directory and board entries.
    static func contents(_ store: any ObjectStore) async throws -> (payloads: [String], directory: [[String]], board: [String]) {
        let site = try siteData(String(decoding: try await store.get("index.html"), as: UTF8.self))
        let base = try #require(site["base"] as? String)
        var payloads: [String] = [], directory: [[String]] = [], board: [String] = []
        for entry in try #require(site["artistFiles"] as? [[String]]) {
            for payload in try #require(try received(try await store.get(base + entry[0])).value as? [Any]) {
                payloads.append(String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self))
            }
        }
        for name in try #require(site["directoryFiles"] as? [String]) {
            directory += try #require(try received(try await store.get(base + name)).value as? [[String]])
        }
        for number in 0..<(site["boardFiles"] as? Int ?? 0) {
            board.append(String(decoding: try await store.get(base + "board-\(number).js"), as: UTF8.self))
        }
        return (payloads, directory, board)
    }

    /// A build in parts (one task each on AWS) holds what a build in one part holds, and its
    /// page differs only in the files it names; the page waits for every part.
    @Test func aBuildInPartsHoldsWhatABuildInOneHolds() async throws {
        let (folder, reading) = try await Self.lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = FileSystemObjectStore(root: folder.appendingPathComponent("whole"))
        let parted = FileSystemObjectStore(root: folder.appendingPathComponent("parted"))
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        _ = try await reading.writeDashboardSite(asOf: nil, selected: nil, now: now, sizes: Self.sizes,
                                                 to: DashboardSiteTarget(store: whole, prefix: "", keep: .zero))
        let target = DashboardSiteTarget(store: parted, prefix: "", keep: .zero)
        let (plan, _) = try await reading.planDashboardSite(asOf: nil, selected: nil, now: now, parts: .ranges(count: 3), sizes: Self.sizes, to: target)
        #expect(plan.parts.count == 3)
        var shown = 0
        for part in plan.parts.reversed() {
            if part.index == 0 {
                // Not every part written: no page.
                await #expect(throws: EngineError.self) { try await reading.publishDashboardSite(plan, now: now, sizes: Self.sizes, to: target) }
                #expect(try await parted.size(of: "index.html") == nil)
            }
            shown += try await reading.writeDashboardPart(plan, index: part.index, sizes: Self.sizes, to: target).manifest.artistsShown
        }
        // A part run again writes the same.
        _ = try await reading.writeDashboardPart(plan, index: 1, sizes: Self.sizes, to: target)
        let result = try await reading.publishDashboardSite(plan, now: now, sizes: Self.sizes, to: target)
        #expect(shown == 40 && result.artists == 40)
        let a = try await Self.contents(whole), b = try await Self.contents(parted)
        #expect(a.payloads.count == 40 && a.payloads == b.payloads)
        #expect(a.directory == b.directory && a.board == b.board)
        func normalized(_ page: [UInt8]) -> String {
            String(decoding: page, as: UTF8.self).replacing(#/"base":"[^"]*","/#, with: "").replacing(#/"directoryFiles":\[[^\]]*\],"artistFiles":\[.*?\]\],/#, with: "")
        }
        #expect(normalized(try await whole.get("index.html")) == normalized(try await parted.get("index.html")))
        try await Self.expectComplete(parted)
    }

    /// The stored leaderboard streams a row group at a time, in rank order, and holds what the
    /// whole read holds; a leaderboard in two files (ranks not ascending file by file) is read whole.
    @Test func theLeaderboardStreamsARowGroupAtATime() async throws {
        let folder = try Repository.temporaryFolder("dashboard-board")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        try ShardedAnalyticsTests.rawLake(at: folder)
        _ = try await LocalEngine(store: store, parquetOptions: .init(rowGroupRows: 7)).transform(full: true)
        let keys = try await store.list(prefix: "processed/momentum/").map(\.key).filter { $0.hasSuffix(".parquet") }
        try #require(keys.count == 1)
        let whole = try await ProcessedTableReader.leaderboard(keys, in: store)
        var batches: [[MomentumRow]] = []
        let count = try await ProcessedTableReader.forEachLeaderboardBatch(keys, in: store) { batches.append($0) }
        #expect(count == whole.count && batches.count == (whole.count + 6) / 7 && batches.allSatisfy { $0.count <= 7 })
        #expect(batches.flatMap { $0 } == whole)
        // Two files: one batch, sorted.
        try await store.put("processed/momentum/as_of=x/part-1.parquet", bytes: try await store.get(keys[0]))
        batches = []
        try await ProcessedTableReader.forEachLeaderboardBatch(keys + ["processed/momentum/as_of=x/part-1.parquet"], in: store) { batches.append($0) }
        #expect(batches.count == 1 && batches[0].count == 2 * whole.count && batches[0].map(\.rank) == batches[0].map(\.rank).sorted())
    }

    @Test func aBuildKilledAfterAnyWriteLeavesThePreviousPageWithItsFiles() async throws {
        let (folder, reading) = try await Self.lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let root = folder.appendingPathComponent("site")
        let base = FileSystemObjectStore(root: root)
        let first = try await reading.writeDashboardSite(asOf: nil, selected: nil, sizes: Self.sizes,
                                                         to: DashboardSiteTarget(store: base, prefix: "", keep: .zero))
        let firstPage = try await base.get("index.html")
        var killedAt = 1
        while true {
            let store = KilledStore(base: base, failAt: killedAt)
            do {
                _ = try await reading.writeDashboardSite(asOf: nil, selected: nil, sizes: Self.sizes,
                                                         to: DashboardSiteTarget(store: store, prefix: "", keep: .zero))
                break
            } catch is KilledStore.Killed {
                // The page is the first build's, and every file it names is there.
                #expect(try await base.get("index.html") == firstPage, "killed at write \(killedAt)")
                try await Self.expectComplete(base)
            }
            killedAt += 1
        }
        #expect(killedAt > first.files + 1, "every write of a build was a place to be killed")
        let final = String(decoding: try await base.get("index.html"), as: UTF8.self)
        #expect(final != String(decoding: firstPage, as: UTF8.self))
        try await Self.expectComplete(base)
    }

    /// Every data file the page names exists.
    static func expectComplete(_ store: any ObjectStore, prefix: String = "") async throws {
        let site = try siteData(String(decoding: try await store.get(prefix + "index.html"), as: UTF8.self))
        let base = prefix + (try #require(site["base"] as? String))
        var names = (0..<(site["boardFiles"] as? Int ?? 0)).map { "board-\($0).js" }
        names += try #require(site["directoryFiles"] as? [String])
        names += try #require(site["artistFiles"] as? [[String]]).map { $0[0] }
        for name in names { #expect(try await store.size(of: base + name) != nil, "\(base + name) is missing") }
    }

    @Test func replacedBuildsGoOnceOlderThanTheyAreKept() async throws {
        let (folder, reading) = try await Self.lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder.appendingPathComponent("site"))
        let target = DashboardSiteTarget(store: store, prefix: "dashboard/", keep: .seconds(8 * 86_400))
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        func generations() async throws -> Set<String> {
            Set(try await store.list(prefix: "dashboard/").compactMap { object in
                let rest = object.key.dropFirst("dashboard/".count)
                return rest.contains("/") ? String(rest.prefix { $0 != "/" }) : nil
            })
        }
        let old = try await reading.writeDashboardSite(asOf: nil, selected: nil, now: start, sizes: Self.sizes, to: target)
        // Something else in the folder is never touched.
        try await store.put("dashboard/notes/readme.txt", bytes: Array("mine".utf8))
        let day = try await reading.writeDashboardSite(asOf: nil, selected: nil, now: start + 86_400, sizes: Self.sizes, to: target)
        #expect(try await generations() == [old.generation, day.generation, "notes"])
        let later = try await reading.writeDashboardSite(asOf: nil, selected: nil, now: start + 9 * 86_400, sizes: Self.sizes, to: target)
        #expect(try await generations() == [day.generation, later.generation, "notes"])
        // Kept for nothing: still an hour, for a page opened a moment before.
        let folderTarget = DashboardSiteTarget(store: store, prefix: "dashboard/", keep: .zero)
        let soon = try await reading.writeDashboardSite(asOf: nil, selected: nil, now: start + 9 * 86_400 + 600, sizes: Self.sizes, to: folderTarget)
        #expect(try await generations() == [later.generation, soon.generation, "notes"])
        #expect(DashboardSiteGeneration.time(of: soon.generation) == start + 9 * 86_400 + 600)
        #expect(DashboardSiteGeneration.time(of: "notes") == nil && DashboardSiteGeneration.time(of: "20261301T000000Z-0000000g") == nil)
        try await Self.expectComplete(store, prefix: "dashboard/")
    }

    @Test func anArtistNotInTheLakeIsAnErrorAndNothingIsWritten() async throws {
        let (folder, reading) = try await Self.lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder.appendingPathComponent("site"))
        await #expect(throws: EngineError.self) {
            try await reading.writeDashboardSite(asOf: nil, selected: "nobody", sizes: Self.sizes, to: DashboardSiteTarget(store: store, prefix: "", keep: .zero))
        }
        #expect(try await store.size(of: "index.html") == nil)
    }

    @Test func aSignedPageLoadsEachFileFromItsURL() throws {
        let page = try DashboardSite.page(leaderboard: [], boardRows: 0, parts: [], opening: nil, generation: "g1", asOf: nil)
        #expect(DashboardSite.generation(ofPage: page) == "g1")
        let signed = try #require(DashboardSite.signed(page: page, urls: ["board-0.js": "https://b.s3/x?X-Amz-Signature=1&a=<b>"]))
        let data = try Self.siteData(signed)
        #expect((data["urls"] as? [String: String])?["board-0.js"] == "https://b.s3/x?X-Amz-Signature=1&a=<b>")
        #expect(!signed.contains("a=<b>"), "a URL cannot close the script element")
        #expect(DashboardSite.signed(page: "<html></html>", urls: [:]) == nil)
        #expect(throws: DashboardSiteError.self) {
            try DashboardSite.page(leaderboard: [], boardRows: 0, parts: [], opening: nil, generation: "../up", asOf: nil)
        }
    }
}
