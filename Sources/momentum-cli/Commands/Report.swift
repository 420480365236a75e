// `momentum report`: the leaderboard, or one artist in detail.

import ArgumentParser
import Foundation
import LakeKit
import MomentumAnalytics
import MomentumEngine

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the momentum leaderboard, or one artist's days, events and change points.",
        discussion: """
        With --artist, table output shows the artist's daily rows with spike signals, its release \
        events with their impact, and its change points; json and csv print the daily rows with \
        the signal and change-point columns (release_impact rows come from `momentum releases impact`).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("as-of"), help: "Leaderboard day (YYYY-MM-DD); default: the latest day in the lake.")
    var asOf: String?

    @Option(help: "Show only the first N rows of the leaderboard.")
    var top: Int?

    @Option(help: "One artist's details instead of the leaderboard.")
    var artist: String?

    func validate() throws {
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() async throws {
        let settings = try Settings.resolve(global)
        let engine = LocalEngine(store: try settings.existingLocalStore(), logger: settings.logger)
        let lake = try await engine.loadRawLake()
        guard !lake.artists.isEmpty else {
            throw CommandFailure.usage("the lake at \(engine.store.location) holds no raw records: run `momentum ingest` or check --lake")
        }
        if let artist {
            try await printArtist(artist, lake: lake, engine: engine, format: settings.format)
        } else {
            let analysis = await engine.analyze(lake, asOf: asOf.flatMap { Day(iso: $0) })
            if asOf == nil { warnIfAfterToday(analysis.asOf) }
            let rows = top.map { Array(analysis.leaderboard.prefix($0)) } ?? analysis.leaderboard
            Console.write(TableOutput(Tables.momentum, rows).render(settings.format))
        }
        try reportMalformed(lake)
    }

    private func printArtist(_ id: String, lake: RawLake, engine: LocalEngine, format: OutputFormat) async throws {
        guard let input = lake.artists.first(where: { $0.artistID == id }) else {
            throw CommandFailure.usage("artist \(id) is not in the lake at \(engine.store.location)")
        }
        let analysis = ArtistAnalysis(artistID: input.artistID, observations: input.observations, releases: input.releases)
        let points = analysis.changePoints()
        let days = ArtistDayReport.rows(of: analysis, changePoints: points)
        guard format == .table else {
            return Console.write(TableOutput(Tables.artistDays, days).render(format))
        }
        let name = analysis.daily.last?.artistName ?? id
        var text = "\(name) (\(id))\n\nDaily\n" + TableOutput(Tables.artistDays, days).render(.table)
        text += "\nRelease events\n" + TableOutput(Tables.releaseImpact, analysis.impacts).render(.table)
        text += "\nChange points\n"
        text += points.isEmpty ? "(none)\n" : points.map { "\($0.day)\($0.releaseAligned ? "  release-aligned" : "")\n" }.joined()
        // Does growth follow releases, and how many days later?
        let correlations = analysis.crossCorrelations().filter { $0.correlation != nil }
        text += "\nRelease/growth cross-correlation (lags −14…28 days)\n"
        if let peak = correlations.max(by: { ($0.correlation ?? 0) < ($1.correlation ?? 0) }), let r = peak.correlation {
            text += "strongest at \(peak.lag >= 0 ? "+" : "")\(peak.lag) days: r = \(String(format: "%.3f", r)) over \(peak.pairs) days\n"
        } else {
            text += "(not enough data: needs release events and days with growth on both sides)\n"
        }
        Console.write(text)
    }
}

/// Generated or imported lakes may hold days after today; the default leaderboard day is then
/// one that has not happened yet, which a reader should be told.
func warnIfAfterToday(_ day: Day?) {
    guard let day, let today = Day(iso: Timestamp.iso(nanoseconds: Int64(Date().timeIntervalSince1970) * 1_000_000_000).prefix(10)),
          day > today else { return }
    Console.warnOnce("the latest day in the lake, \(day), is after today (\(today) UTC): the leaderboard is as of \(day); pass --as-of for another day")
}

/// Names every malformed raw line on stderr; a report still prints, from the valid lines.
func reportMalformed(_ lake: RawLake) throws {
    guard !lake.malformed.isEmpty else { return }
    for line in lake.malformed { Console.error("malformed record skipped: \(line)") }
    throw CommandFailure.partial("\(lake.malformed.count) malformed raw line(s) were skipped")
}
