// `momentum report`: the leaderboard, or one artist in detail.

import ArgumentParser
import Foundation
import LakeAnalytics
import MomentumAnalytics
import MomentumEngine
import MomentumText

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the momentum leaderboard, or one artist's days, events and change points.",
        discussion: """
        Without --as-of the leaderboard is as of the latest day on which some artist has a \
        follower count. Artists without a momentum score are listed after the ranked ones, \
        unranked, in table output.

        With --artist, table output shows the artist's daily rows with spike signals, its release \
        events with their impact, its change points and the strongest release/growth \
        correlation; json prints one object with all of it ("days", "release_events", \
        "change_points", "cross_correlation" at every lag); csv prints the daily rows.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption

    @Option(name: .customLong("as-of"), help: "Leaderboard day (YYYY-MM-DD); default: the latest day with follower counts.")
    var asOf: String?

    @Option(help: "Show only the first N rows of the leaderboard.")
    var top: Int?

    @Option(help: "One artist's details instead of the leaderboard: an id, spotify:artist: URI, open.spotify.com link or the name (any case).")
    var artist: String?

    func validate() throws {
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if let artist { try ArtistArgument.validate(artist) }
    }

    func run() async throws {
        let settings = try await Settings.resolve(global, format: output)
        let store = try settings.existingStore()
        let engine = LocalEngine(store: store, logger: settings.logger)
        let selected: String?
        if let artist { selected = try await ArtistArgument.id(artist, in: engine) } else { selected = nil }
        let day = asOf.flatMap { Day(iso: $0) }
        let reading = try await LakeReading.open(engine)
        guard !reading.isEmpty else { throw settings.emptyLake(store) }
        if let warning = reading.staleWarning { Console.warnOnce(warning) }
        if let selected {
            guard let analysis = try await reading.artist(selected) else {
                throw CommandFailure.usage("artist \(selected) is not in \(reading.place)")
            }
            printArtist(analysis, format: settings.format)
        } else {
            let board = try await reading.leaderboard(asOf: day)
            if asOf == nil { warnIfAfterToday(board.day) }
            Console.write(LeaderboardOutput.render(top.map { Array(board.rows.prefix($0)) } ?? board.rows, format: settings.format))
            if !global.quiet {
                explainLeftOut(shown: board.rows.count, artists: board.artists.count, asOf: board.day ?? day,
                               latestWithData: board.latestWithData)
            }
        }
        if let raw = reading.rawLake { try reportMalformed(raw) }
    }

    private func printArtist(_ analysis: ArtistAnalysis, format: OutputFormat) {
        let id = analysis.artistID
        let points = analysis.changePoints()
        let days = ArtistDayReport.rows(of: analysis, changePoints: points)
        let correlations = analysis.crossCorrelations()
        // The series that ranks the artist on its latest day (metrics.md section 8).
        let latest = (analysis.daily.map(\.day) + analysis.audience.map(\.day)).max()
        let rankedOn = latest.map { Leaderboard.primarySeries(asOf: $0, daily: analysis.daily, audience: analysis.audience) }
        switch format {
        case .csv:
            Console.write(TableOutput(Tables.artistDays, days).render(.csv))
        case .json:
            Console.write(ArtistReportJSON.render(artistID: id, name: analysis.daily.last?.artistName, days: days,
                                                  impacts: analysis.impacts, changePoints: points, correlations: correlations,
                                                  audience: analysis.audience, rankedOn: rankedOn))
        case .table:
            let name = TerminalText.sanitized(analysis.daily.last?.artistName ?? id)
            // One artist: the heading names it, so its tables start with the day, not its id.
            let oneArtist: Set<String> = ["artist_id", "artist_name"]
            var days = TableOutput(Tables.artistDays, days).dropping(oneArtist)
            days.priority = ["day", "followers", "growth_7d", "growth_28d", "adds_per_day", "robust_z", "is_spike", "change_point"]
            var text = "\(name) (\(id))\n"
            if let rankedOn, let latest { text += "ranked on \(rankedOn.name) as of \(latest)\n" }
            text += "\nDaily\n" + days.render(.table)
            if !analysis.audience.isEmpty {
                var audience = TableOutput(Tables.audienceDaily, analysis.audience).dropping(oneArtist)
                audience.priority = ["source", "metric", "day", "value", "growth_7d", "growth_28d", "adds_per_day"]
                text += "\nAudience on other sources\n" + audience.render(.table)
            }
            var events = TableOutput(Tables.releaseImpact, analysis.impacts.sorted(by: ReleaseOrder.newestFirst)).dropping(oneArtist)
            events.priority = ReleaseOrder.tablePriority
            text += "\nRelease events\n" + events.render(.table)
            text += "\nChange points\n"
            text += points.isEmpty ? "(none)\n" : points.map { "\($0.day)\($0.releaseAligned ? "  release-aligned" : "")\n" }.joined()
            // Does growth follow releases, and how many days later?
            text += "\nRelease/growth cross-correlation, lags −14…28 days (--format json: each lag)\n"
            let defined = correlations.filter { $0.correlation != nil }
            if let peak = defined.max(by: { ($0.correlation ?? 0) < ($1.correlation ?? 0) }), let r = peak.correlation {
                text += "strongest at \(peak.lag >= 0 ? "+" : "")\(peak.lag) days: r = \(String(format: "%.3f", r)) over \(peak.pairs) days\n"
            } else {
                text += "(not enough data: needs release events and days with growth on both sides)\n"
            }
            Console.write(text)
        }
    }
}

/// `report --artist X --format json`: everything the table shows, as one object.
enum ArtistReportJSON {
    static func render(artistID: String, name: String?, days: [ArtistDayReport], impacts: [ReleaseImpact],
                       changePoints: [ChangePoint], correlations: [LagCorrelation], audience: [AudienceDaily] = [],
                       rankedOn: AudienceSeries? = nil) -> String {
        var out = "{\n  \"artist_id\": \(JSONString.quoted(artistID)),\n"
        out += "  \"artist_name\": \(name.map { JSONString.quoted($0) } ?? "null"),\n"
        out += "  \"series\": \(rankedOn.map { JSONString.quoted($0.name) } ?? "null"),\n"
        out += "  \"days\": " + TableOutput(Tables.artistDays, days).jsonArray(indent: "  ") + ",\n"
        out += "  \"audience\": " + TableOutput(Tables.audienceDaily, audience).jsonArray(indent: "  ") + ",\n"
        out += "  \"release_events\": " + TableOutput(Tables.releaseImpact, impacts).jsonArray(indent: "  ") + ",\n"
        let points = TableOutput(columns: ["day", "release_aligned"],
                                 rows: changePoints.map { [.date($0.day), .boolean($0.releaseAligned)] })
        out += "  \"change_points\": " + points.jsonArray(indent: "  ") + ",\n"
        let lags = TableOutput(columns: ["lag", "correlation", "pairs"],
                               rows: correlations.map { [.integer(Int64($0.lag)), $0.correlation.map(Cell.double) ?? .null, .integer(Int64($0.pairs))] })
        out += "  \"cross_correlation\": " + lags.jsonArray(indent: "  ") + "\n}\n"
        return out
    }
}

/// The leaderboard for people (unscored artists unranked, after the ranked ones) and programs
/// (the contract's rows as they are).
enum LeaderboardOutput {
    static func render(_ rows: [MomentumRow], format: OutputFormat) -> String {
        var output = TableOutput(Tables.momentum, rows)
        guard format == .table else { return output.render(format) }
        for (index, row) in rows.enumerated() where row.momentumScore == nil { output.rows[index][0] = .null }
        // Which count ranks each artist matters once some are ranked on Deezer or Last.fm (a
        // Development Mode app); a board of Spotify counts only says nothing with it.
        if rows.allSatisfy({ $0.series == .spotifyFollowers }) { output = output.dropping(["series"]) }
        output.priority = ["rank", "artist_name", "momentum_score", "growth_7d", "growth_28d", "followers", "series", "day", "spikes_28d"]
        return output.render(.table)
    }
}

/// Says why artists are missing from a leaderboard, which lists only those with a row in the 3
/// days up to its day (metrics.md section 6): how many, and the latest day with a count, so that
/// "(no rows)" for a day past the data is not a silent empty.
func explainLeftOut(shown: Int, artists: Int, asOf: Day?, latestWithData: Day?) {
    guard artists > shown else { return }
    var text = "\(artists - shown) of \(artists) artist\(artists == 1 ? "" : "s") left out: no data in the 3 days up to \(asOf?.isoString ?? "the leaderboard's day")"
    if let latestWithData { text += "; the latest day with a follower count is \(latestWithData)" }
    Console.note(text)
}

/// Generated or imported lakes may hold days after today; the default leaderboard day is then
/// one that has not happened yet, which a reader should be told.
func warnIfAfterToday(_ day: Day?) {
    guard let day, let today = Day(Date()), day > today else { return }
    Console.warnOnce("the latest day in the lake, \(day), is after today (\(today) UTC): the leaderboard is as of \(day); pass --as-of for another day")
}

/// Names every malformed raw line on stderr; a report still prints, from the valid lines.
func reportMalformed(_ lake: RawLake) throws {
    guard !lake.malformed.isEmpty else { return }
    for line in lake.malformed { Console.error("malformed record skipped: \(line)") }
    throw CommandFailure.partial("\(lake.malformed.count) malformed raw line(s) were skipped")
}
