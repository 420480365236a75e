// `momentum releases impact`: the event study of every release event.

import ArgumentParser
import LakeAnalytics
import MomentumAnalytics
import MomentumEngine

struct Releases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Release events and their impact.",
        subcommands: [Impact.self]
    )

    struct Impact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the release_impact rows, newest first.",
            discussion: "Tables hide events with status insufficient_data unless --all; json and csv keep every row."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        @Option(help: "Only this artist's events: an id, spotify:artist: URI, open.spotify.com link or the name (any case).")
        var artist: String?

        @Flag(help: "Show events with too little data around them too (tables only; json and csv show all).")
        var all = false

        func validate() throws {
            if let artist { try ArtistArgument.validate(artist) }
        }

        func run() async throws {
            let settings = try await Settings.resolve(global, format: output)
            let store = try settings.existingStore()
            let engine = LocalEngine(store: store, logger: settings.logger)
            let id: String?
            if let artist { id = try await ArtistArgument.id(artist, in: engine) } else { id = nil }
            let reading = try await LakeReading.open(engine)
            guard !reading.isEmpty else { throw settings.emptyLake(store) }
            if let warning = reading.staleWarning { Console.warnOnce(warning) }
            guard var impacts = try await reading.impacts(artistID: id) else {
                throw CommandFailure.usage("artist \(id ?? "") is not in \(reading.place)")
            }
            impacts.sort(by: ReleaseOrder.newestFirst)
            guard settings.format == .table else {
                return Console.write(TableOutput(Tables.releaseImpact, impacts).render(settings.format))
            }
            let shown = all ? impacts : impacts.filter { $0.status != .insufficientData }
            var table = TableOutput(Tables.releaseImpact, shown)
            table.priority = ReleaseOrder.tablePriority
            var text = table.render(.table)
            if shown.count < impacts.count {
                text += "(\(impacts.count - shown.count) event\(impacts.count - shown.count == 1 ? "" : "s") with insufficient data hidden; --all shows them)\n"
            }
            Console.write(text)
            if let raw = reading.rawLake { try reportMalformed(raw) }
        }
    }
}

/// Release events as people read them: the latest first.
enum ReleaseOrder {
    static func newestFirst(_ a: ReleaseImpact, _ b: ReleaseImpact) -> Bool {
        if a.eventDay != b.eventDay { return a.eventDay > b.eventDay }
        if a.artistID != b.artistID { return a.artistID < b.artistID }
        return a.albumIDs < b.albumIDs
    }

    /// What a reader asks first: whose release, when, which, did it move the audience (uplift,
    /// then the cumulative abnormal return and its status), how sure; the id last (the name
    /// finds the artist: `--artist NAME`).
    static let tablePriority = ["artist_name", "event_day", "album_names", "uplift", "car", "status", "t_stat", "n_window", "n_baseline",
                                "contaminated", "abnormal_growth", "baseline_growth"]
}
