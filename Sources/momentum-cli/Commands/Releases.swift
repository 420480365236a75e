// `momentum releases impact`: the event study of every release event.

import ArgumentParser
import MomentumEngine

struct Releases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Release events and their impact.",
        subcommands: [Impact.self]
    )

    struct Impact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the release_impact rows.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only this artist's events.")
        var artist: String?

        func run() async throws {
            let settings = try Settings.resolve(global)
            let engine = LocalEngine(store: try settings.existingLocalStore(), logger: settings.logger)
            let lake = try await engine.loadRawLake()
            let subset = artist.map { lake.only(artistID: $0) } ?? lake
            if let artist, subset.artists.isEmpty {
                throw CommandFailure.usage("artist \(artist) is not in the lake at \(engine.store.location)")
            }
            let analysis = await engine.analyze(subset)
            let impacts = analysis.analyses.flatMap(\.impacts)
            Console.write(TableOutput(Tables.releaseImpact, impacts).render(settings.format))
            try reportMalformed(lake)
        }
    }
}
