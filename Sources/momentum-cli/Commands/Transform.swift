// `momentum transform`: build the processed tables from the raw lake.

import ArgumentParser
import Foundation
import LakeKit
import MomentumEngine

struct Transform: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build artist_daily, artist_signals, release_impact and momentum from the raw lake."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Engine: local (in process). Athena is not available in this version.")
    var engine: String = "local"

    @Option(help: "Parquet compression: snappy, gzip or none.")
    var compression: String = "snappy"

    func validate() throws {
        guard engine == "local" else { throw ValidationError("--engine \(engine) is not available in this version; use --engine local") }
        guard ["snappy", "gzip", "none"].contains(compression) else {
            throw ValidationError("--compression must be snappy, gzip or none")
        }
    }

    func run() async throws {
        let settings = try Settings.resolve(global)
        let store = try settings.existingStore()
        let codec: ParquetCodec = compression == "gzip" ? .gzip : compression == "none" ? .uncompressed : .snappy
        let bar = ProgressBar.forCommand(quiet: global.quiet)
        let engine = LocalEngine(store: store, logger: settings.logger, parquetOptions: .init(codec: codec), progress: bar.update)
        let started = Date()
        defer { bar.finish() }
        let summary = try await settings.withLakeLock(store, command: "momentum transform") { try await engine.transform() }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        if !global.quiet {
            Console.note("""
            transformed \(summary.artists) artists in \(String(format: "%.2f", seconds)) s: \
            \(summary.dailyRows) artist_daily rows, \(summary.signalRows) artist_signals rows, \
            \(summary.events) release events, \(summary.leaderboardRows) leaderboard rows\
            \(summary.asOf.map { " as of \($0)" } ?? ""); \(summary.objectsWritten) files written to \(store.location)/processed
            """)
        }
        if !summary.malformed.isEmpty {
            for line in summary.malformed { Console.error("malformed record skipped: \(line)") }
            throw CommandFailure.partial("\(summary.malformed.count) malformed raw line(s) were skipped; everything else was transformed")
        }
    }
}
