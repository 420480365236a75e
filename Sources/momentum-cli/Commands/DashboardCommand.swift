// `momentum dashboard`: the self-contained HTML dashboard.

import ArgumentParser
import Foundation
import LakeKit
import MomentumAnalytics
import MomentumEngine

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Write a self-contained HTML dashboard (no network needed to view it)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Where to write the page.")
    var out: String = "dashboard.html"

    @Option(name: .customLong("as-of"), help: "Leaderboard day (YYYY-MM-DD); default: the latest day with follower counts.")
    var asOf: String?

    @Option(help: "Open the page on this artist: an id, spotify:artist: URI or open.spotify.com link.")
    var artist: String?

    func validate() throws {
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'") }
        if let artist { _ = try ArtistArgument.id(artist) }
    }

    func run() async throws {
        let settings = try Settings.resolve(global)
        let store = try settings.existingStore()
        let engine = LocalEngine(store: store, logger: settings.logger, progress: ProgressBar.forCommand(quiet: global.quiet).update)
        let selected = try artist.map(ArtistArgument.id)
        let day = asOf.flatMap { Day(iso: $0) }
        var malformedFrom: RawLake?
        let analysis: LakeAnalysis
        let processed = try await engine.processedLake()
        if !processed.isEmpty {
            if let warning = try await engine.staleProcessedWarning(processed) { Console.warnOnce(warning) }
            let analyses = try await engine.processedAnalyses(processed)
            let (shownDay, rows) = try await engine.processedLeaderboard(processed, asOf: day)
            analysis = LakeAnalysis(analyses: analyses, asOf: shownDay, leaderboard: rows)
        } else {
            let lake = try await engine.loadRawLake()
            guard !lake.artists.isEmpty else { throw settings.emptyLake(store) }
            analysis = await engine.analyze(lake, asOf: day)
            malformedFrom = lake
        }
        if let selected, !analysis.analyses.contains(where: { $0.artistID == selected }) {
            throw CommandFailure.usage("artist \(selected) is not in the lake at \(engine.store.location)")
        }
        if asOf == nil { warnIfAfterToday(analysis.asOf) }
        let html = Dashboard.render(
            leaderboard: analysis.leaderboard, analyses: analysis.analyses, asOf: analysis.asOf,
            options: .init(generatedAt: Timestamp.iso(nanoseconds: Int64(Date().timeIntervalSince1970) * 1_000_000_000),
                           selectedArtistID: selected)
        )
        try DashboardCommand.write(html, to: out)
        if !global.quiet {
            Console.note("wrote \(out) (\(html.utf8.count / 1024) KiB, \(analysis.analyses.count) artists)")
        }
        if let malformedFrom { try reportMalformed(malformedFrom) }
    }

    /// Writes atomically: a half-written page never replaces a good one.
    static func write(_ html: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try Data(html.utf8).write(to: url, options: .atomic)
        } catch {
            throw CommandFailure.usage("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
