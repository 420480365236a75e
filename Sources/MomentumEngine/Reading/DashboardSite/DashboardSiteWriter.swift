// The dashboard site (`DashboardSite`) written into a store (`DashboardSiteTarget`): a build's
// plan (its folder, the leaderboard's files, its parts), each part's artists' files, then the
// page, which names them. In one process for `momentum dashboard --site`; one Lambda task each
// on AWS. A reader who opens the page gets the files it names, and a page opened before a
// rebuild keeps its files while they are kept.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumDashboard
import MomentumText

/// A site build: its folder, its leaderboard's day and its parts (ranges of artist ids, one
/// task each on AWS). Small: even a thousand parts stay far below Step Functions' 256 KiB.
package struct DashboardSitePlan: Codable, Sendable, Equatable {
    package var generation: String
    /// The leaderboard's day, `YYYY-MM-DD`; nil when the lake has none.
    package var asOf: String?
    /// When the build started (the page's "generated"), `YYYY-MM-DDTHH:MM:SSZ`.
    package var generatedAt: String
    /// The artist the page opens on, when asked for.
    package var selected: String?
    package var parts: [AnalyticsShardPlan.Shard]

    enum CodingKeys: String, CodingKey {
        case generation, asOf = "as_of", generatedAt = "generated_at", selected, parts
    }

    /// Checks a plan handed back by the state machine.
    package func validated() throws -> DashboardSitePlan {
        guard DashboardSiteGeneration.time(of: generation) != nil else {
            throw EngineError.invalidInput("the dashboard plan's generation '\(generation.prefix(40))' is not a build's name")
        }
        guard (1...AnalyticsShardPlan.maximumShards).contains(parts.count), parts.enumerated().allSatisfy({ $0.offset == $0.element.index }),
              parts.first?.after == nil, parts.last?.through == nil else {
            throw EngineError.invalidInput("the dashboard plan names \(parts.count) parts, or numbers or bounds them wrongly")
        }
        return self
    }

    /// A part's record, written after its files: the page is made from these.
    static func manifestKey(_ target: DashboardSiteTarget, generation: String, part: Int) -> String {
        target.prefix + generation + "/part-\(part).json"
    }
}

/// A site written: where and what.
package struct DashboardSiteResult: Sendable {
    package var pageKey: String
    package var generation: String
    /// Data files of the build, and the bytes written by the call that answers (the page's
    /// included).
    package var files: Int
    package var bytes: Int
    /// Artists the site shows.
    package var artists: Int
    package var asOf: Day?
}

extension LakeReading {
    /// Builds the dashboard site for the lake's results into `target` in one go: the plan, its
    /// one part and the page. Streaming: artists a span at a time, each file written as it fills.
    ///
    /// - Parameters:
    ///   - asOf: the leaderboard's day (the contract's default when nil).
    ///   - selected: the artist the page opens on; an error when the lake does not hold it.
    ///   - now: the build's time: its folder's name and the page's "generated".
    ///   - sizes: how the data are cut into files.
    package func writeDashboardSite(asOf: Day?, selected: String?, now: Date = Date(), sizes: DashboardSite.Sizes = .standard,
                                    to target: DashboardSiteTarget) async throws -> DashboardSiteResult {
        let (plan, boardBytes) = try await planDashboardSite(asOf: asOf, selected: selected, now: now, parts: .one, sizes: sizes, to: target)
        let (_, partBytes) = try await writeDashboardPart(plan, index: 0, sizes: sizes, to: target)
        var result = try await publishDashboardSite(plan, now: now, sizes: sizes, to: target)
        result.bytes += boardBytes + partBytes
        return result
    }

    /// How a build is cut into parts.
    package enum Parts: Sendable {
        /// One part: every artist (a build in one process).
        case one
        /// Cut at quantiles of the artists' ids as the analytics' shards are: `count` parts, or
        /// when nil about `AnalyticsShardPlan.rowsPerShard` daily rows each (a lake with
        /// processed tables; one part otherwise).
        case ranges(count: Int?)
    }

    /// A build's plan, its leaderboard's files written; the bytes written.
    package func planDashboardSite(asOf: Day?, selected: String?, now: Date = Date(), parts: Parts, sizes: DashboardSite.Sizes = .standard,
                                   to target: DashboardSiteTarget) async throws -> (plan: DashboardSitePlan, bytes: Int) {
        if let selected, try await artist(selected) == nil { throw EngineError.invalidInput("artist \(selected) is not in \(place)") }
        var plan = DashboardSitePlan(generation: DashboardSiteGeneration.name(at: now), asOf: nil, generatedAt: now.isoSeconds, selected: selected,
                                     parts: [AnalyticsShardPlan.Shard(index: 0, after: nil, through: nil)])
        // The board files as the leaderboard streams by: a file's rows at a time.
        var bytes = 0, pending: [MomentumRow] = [], written = 0
        func flush(upTo count: Int) async throws {
            while pending.count >= count, !pending.isEmpty {
                let rows = pending.prefix(sizes.boardRowsPerFile)
                bytes += try await Self.write(DashboardSite.boardFile(written, rows: rows), of: plan, to: target)
                pending.removeFirst(rows.count)
                written += 1
            }
        }
        let board = try await forEachLeaderboardBatch(asOf: asOf) { rows in
            pending += rows
            try await flush(upTo: sizes.boardRowsPerFile)
        }
        try await flush(upTo: 1)
        plan.asOf = board.day?.isoString
        if case .ranges(let count) = parts, case .processed = source, board.fromTables {
            plan.parts = try await engine.shardPlan(runID: "dashboard", firstDay: nil, count: count).shards
        }
        return (plan, bytes)
    }

    /// Part `index` of a build: its artists' files, then its record. Run again, it writes the same.
    package func writeDashboardPart(_ handed: DashboardSitePlan, index: Int, sizes: DashboardSite.Sizes = .standard,
                                    to target: DashboardSiteTarget) async throws -> (manifest: DashboardSite.Manifest, bytes: Int) {
        let plan = try handed.validated()
        guard plan.parts.indices.contains(index) else { throw EngineError.invalidInput("the dashboard plan has no part \(index)") }
        let span = plan.parts[index].span
        // The part's artists' leaderboard rows only (the series each is ranked on).
        var ranked: [MomentumRow] = []
        let board = try await forEachLeaderboardBatch(asOf: plan.asOf.flatMap { Day(iso: $0) }) { rows in
            ranked += rows.filter { span.contains($0.artistID) }
        }
        var part = DashboardSite.Part(number: index, leaderboard: ranked, sizes: sizes)
        ranked = []
        var bytes = 0
        try await forEachArtistOfPage(asOf: board.day, span: span) { analyses in
            // Each artist's page data on every core (its charts and change points are the work);
            // the workers' copy of the part ends with its scope (adding must not copy it).
            let prepared: [DashboardComposer.PreparedArtist?]
            do {
                let preparing = part
                prepared = await LocalEngine.parallelMap(analyses) { preparing.prepare($0) }
            }
            for (analysis, data) in zip(analyses, prepared) {
                for file in try part.add(analysis, prepared: data) { bytes += try await Self.write(file, of: plan, to: target) }
            }
        }
        for file in part.finish() { bytes += try await Self.write(file, of: plan, to: target) }
        let manifest = try JSONEncoder().encode(part.manifest)
        try await target.store.put(DashboardSitePlan.manifestKey(target, generation: plan.generation, part: index), bytes: Array(manifest))
        return (part.manifest, bytes + manifest.count)
    }

    /// A build's page, from its parts' records (every part must be written), then the builds
    /// replaced long enough before `now` removed.
    package func publishDashboardSite(_ handed: DashboardSitePlan, now: Date = Date(), sizes: DashboardSite.Sizes = .standard,
                                      to target: DashboardSiteTarget) async throws -> DashboardSiteResult {
        let plan = try handed.validated()
        var manifests: [DashboardSite.Manifest] = []
        for part in plan.parts {
            let key = DashboardSitePlan.manifestKey(target, generation: plan.generation, part: part.index)
            guard try await target.store.size(of: key) != nil else {
                throw EngineError.invalidInput("part \(part.index) of dashboard build \(plan.generation) is not written (\(key))")
            }
            do {
                manifests.append(try JSONDecoder().decode(DashboardSite.Manifest.self, from: Data(try await target.store.get(key))))
            } catch is DecodingError {
                throw EngineError.invalidInput("\(key) is not a dashboard part's record: write the part again (or build the site again)")
            }
        }
        // The leaderboard's first rows, its length and the series the opening artist is ranked on.
        var top: [MomentumRow] = [], rankedOn: AudienceSeries?
        let board = try await forEachLeaderboardBatch(asOf: plan.asOf.flatMap { Day(iso: $0) }) { rows in
            if top.count < sizes.inlineBoardRows { top += rows.prefix(sizes.inlineBoardRows - top.count) }
            if rankedOn == nil, let id = plan.selected ?? top.first?.artistID { rankedOn = rows.first { $0.artistID == id }?.series }
        }
        let openingID = plan.selected ?? top.first?.artistID ?? manifests.lazy.compactMap(\.firstShown).first
        var opening: ArtistAnalysis?
        if let openingID { opening = try await artist(openingID) }
        let options = Dashboard.Options(generatedAt: plan.generatedAt, selectedArtistID: plan.selected)
        let page = Array(try DashboardSite.page(leaderboard: top, boardRows: board.rows, parts: manifests,
                                                opening: opening.map { ($0, rankedOn) }, generation: plan.generation, asOf: board.day,
                                                options: options, sizes: sizes).utf8)
        // The page last: it names this build's files, which are all in place now.
        try await target.store.put(target.pageKey, bytes: page, servedAs: "text/html; charset=utf-8")
        try await DashboardSiteGeneration.removeReplaced(in: target, current: plan.generation, now: now)
        let files = (board.rows + sizes.boardRowsPerFile - 1) / sizes.boardRowsPerFile
            + manifests.reduce(0) { $0 + $1.artistFiles.count + $1.directoryFiles.count }
        return DashboardSiteResult(pageKey: target.pageKey, generation: plan.generation, files: files, bytes: page.count,
                                   artists: manifests.reduce(0) { $0 + $1.artistsShown }, asOf: board.day)
    }

    /// A data file of a build; its size.
    private static func write(_ file: DashboardSite.File, of plan: DashboardSitePlan, to target: DashboardSiteTarget) async throws -> Int {
        let bytes = Array(file.text.utf8)
        try await target.store.put(target.prefix + plan.generation + "/" + file.name, bytes: bytes, servedAs: "text/javascript; charset=utf-8")
        return bytes.count
    }

    /// The leaderboard a dashboard shows, in rank order, a batch at a time: the stored one of the
    /// day when the tables have it (`fromTables`; a row group at a time), else ranked from every
    /// artist's analysis (raw data, in memory: one batch). Its day and its rows in all.
    func forEachLeaderboardBatch(asOf: Day?, _ body: ([MomentumRow]) async throws -> Void) async throws -> (day: Day?, rows: Int, fromTables: Bool) {
        if let stored = storedLeaderboard(asOf: asOf) {
            let rows = try await ProcessedTableReader.forEachLeaderboardBatch(stored.keys, in: engine.store, body)
            return (stored.day, rows, true)
        }
        let analysis = try await analysis(asOf: asOf)
        try await body(analysis.leaderboard)
        return (analysis.asOf, analysis.leaderboard.count, false)
    }

    /// The processed tables and the keys of their stored leaderboard of `asOf` (the latest
    /// when nil), when they have it: a dashboard then reads the tables, a span at a time.
    private func storedLeaderboard(asOf: Day?) -> (processed: ProcessedLake, day: Day, keys: [String])? {
        guard case .processed(let processed) = source, let day = asOf ?? processed.latestLeaderboardDay,
              let keys = processed.leaderboards[day] else { return nil }
        return (processed, day, keys)
    }

    /// The whole leaderboard a dashboard shows (`forEachLeaderboardBatch`'s rows together).
    func pageLeaderboard(asOf: Day?) async throws -> (rows: [MomentumRow], day: Day?) {
        var rows: [MomentumRow] = []
        let board = try await forEachLeaderboardBatch(asOf: asOf) { rows += $0 }
        return (rows, board.day)
    }

    /// A dashboard's artists (those in `span`, or all), in the lake's order: a span at a time
    /// from processed tables with a stored leaderboard for the day; otherwise from every
    /// artist's analysis (raw data, already in memory).
    func forEachArtistOfPage(asOf: Day?, span: ArtistSpan? = nil, _ body: ([ArtistAnalysis]) async throws -> Void) async throws {
        if let stored = storedLeaderboard(asOf: asOf) {
            try await engine.forEachProcessedSpan(stored.processed, within: span) { try await body($0) }
        } else {
            let analyses = try await analysis(asOf: asOf).analyses.filter { span?.contains($0.artistID) ?? true }
            try await body(analyses.sorted { UTF8Order.less($0.artistID, $1.artistID) })
        }
    }
}
