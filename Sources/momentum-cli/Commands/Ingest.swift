// `momentum ingest metrics|releases` and `momentum import csv`: the jobs that fill the raw lake.

import ArgumentParser
import Foundation
import MomentumAnalytics
import MomentumEngine
import SpotifyKit

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch from Spotify into the raw lake.",
        subcommands: [Metrics.self, Releases.self]
    )

    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The daily job: followers and popularity of every tracked artist, one raw file a run.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "File the records under this capture day (YYYY-MM-DD), for back-fills and tests.")
        var date: String?

        func validate() throws {
            guard let date else { return }
            let today = Day(Date()) ?? Day.latest
            let future = ValidationError("--date \(date) is in the future (today is \(today) UTC)")
            guard let day = Day(iso: date) else {
                // A well-formed date past the last one there is (2262-04-11) is still a future one.
                if date.utf8.count == 10, date.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }), date > Day.latest.isoString { throw future }
                throw ValidationError("--date must be a day YYYY-MM-DD from \(Day.earliest) to \(Day.latest), got '\(date)'")
            }
            guard day <= today else { throw future }
        }

        func run() async throws {
            let settings = try Settings.resolve(global)
            let store = try settings.store()
            let jobs = IngestionJobs(store: store, spotify: try await settings.spotifyClient(), logger: settings.logger,
                                     progress: ProgressBar.forCommand(quiet: global.quiet).update)
            let report = try await settings.withLakeLock(store, command: "momentum ingest metrics") {
                try await IngestMetricsStep.run(jobs, now: Date(), day: date.flatMap { Day(iso: $0) }, quiet: global.quiet)
            }
            if let failure = report { throw failure }
        }
    }

    struct Releases: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The weekly job: scan discographies, append new releases, update the state.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let settings = try Settings.resolve(global)
            let store = try settings.store()
            let jobs = IngestionJobs(store: store, spotify: try await settings.spotifyClient(), logger: settings.logger,
                                     progress: ProgressBar.forCommand(quiet: global.quiet).update)
            let failure = try await settings.withLakeLock(store, command: "momentum ingest releases") {
                // Everyone not yet scanned today: a rerun after a kill finishes the rest.
                try await IngestReleasesStep.run(jobs, now: Date(), interval: 1, quiet: global.quiet)
            }
            if let failure { throw failure }
        }
    }
}

/// The daily job with its messages; shared by `ingest metrics`, `run` and `demo`.
enum IngestMetricsStep {
    /// Runs the job and reports; returns the failure to exit with, if any.
    static func run(_ jobs: IngestionJobs, now: Date, day: Day? = nil, quiet: Bool) async throws -> CommandFailure? {
        let before = jobs.spotify.retries
        defer { RetrySummary.print(jobs.spotify.retries.since(before), job: "daily metrics", quiet: quiet) }
        let report = try await jobs.ingestMetrics(now: now, day: day)
        if report.withoutFollowers > 0 {
            Console.warnOnce("Spotify returned no follower counts: this app is in \(report.mode). \(report.withoutFollowers) artist\(report.withoutFollowers == 1 ? " was" : "s were") recorded with null followers and popularity. Bring in a follower history (e.g. from Spotify for Artists) with `momentum import csv <file> --artist <id>`, or ask Spotify for extended quota.")
        }
        if !quiet, let first = report.keys.first {
            let files = report.keys.count == 1 ? first : "\(report.keys.count) files (\(first) …)"
            Console.note("recorded \(report.recorded) artist\(report.recorded == 1 ? "" : "s") in \(files)")
        }
        if !quiet, report.alreadyRecorded > 0 {
            Console.note("\(report.alreadyRecorded) artist\(report.alreadyRecorded == 1 ? " was" : "s were") already recorded for \(report.day) and not fetched again")
        }
        guard !report.failures.isEmpty else { return nil }
        // Every failure up to a screenful; a count for the rest (a Spotify outage fails them all).
        let shown = 25
        for failure in report.failures.prefix(shown) { Console.error("could not fetch \(failure)") }
        if report.failures.count > shown { Console.error("… and \(report.failures.count - shown) more artists could not be fetched") }
        return CommandFailure(code: failureStatus(succeeded: report.recorded + report.alreadyRecorded, failures: report.failures),
                              message: "\(report.failures.count) artist\(report.failures.count == 1 ? "" : "s") could not be fetched; \(report.recorded) recorded")
    }
}

/// The weekly job with its messages; shared by `ingest releases`, `run` and `demo`.
enum IngestReleasesStep {
    static func run(_ jobs: IngestionJobs, now: Date, interval: Int, quiet: Bool) async throws -> CommandFailure? {
        let before = jobs.spotify.retries
        defer { RetrySummary.print(jobs.spotify.retries.since(before), job: "release scan", quiet: quiet) }
        let report = try await jobs.ingestReleases(now: now, interval: interval)
        if !quiet {
            Console.note("scanned \(report.artistsScanned) discograph\(report.artistsScanned == 1 ? "y" : "ies"): \(report.newAlbums) new release\(report.newAlbums == 1 ? "" : "s"), \(report.baselineAlbums) in first-scan baselines\(report.key.map { " → \($0)" } ?? "")\(report.notDue > 0 ? "; \(report.notDue) scanned recently and skipped" : "")")
        }
        guard !report.failures.isEmpty else { return nil }
        for failure in report.failures { Console.error("could not scan \(failure)") }
        return CommandFailure(code: failureStatus(succeeded: report.artistsScanned + report.notDue, failures: report.failures),
                              message: "\(report.failures.count) discograph\(report.failures.count == 1 ? "y" : "ies") could not be scanned; the others were recorded")
    }
}

/// One line per job for the requests that had to be sent again (each one is logged at
/// `--verbose`).
enum RetrySummary {
    static func print(_ retries: RetryStatistics, job: String, quiet: Bool) {
        guard retries.requests > 0, !quiet else { return }
        Console.note("\(job): \(retries) (--verbose shows each)")
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import data into the raw lake.", subcommands: [CSV.self])

    struct CSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csv",
            abstract: "Import a daily history (columns date,followers[,popularity], e.g. from Spotify for Artists)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The CSV file.")
        var file: String

        @Option(help: "The artist the history belongs to (id, URI or link).")
        var artist: String

        @Option(help: "The artist's name (default: the tracked artist's name).")
        var name: String?

        func run() async throws {
            let settings = try Settings.resolve(global)
            let store = try settings.store()
            let id = try SpotifyID(parsing: artist, kind: .artist).rawValue
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CommandFailure.usage("cannot read \(file)")
            }
            let tracked = try await TrackedArtists.load(from: store)
            guard let artistName = name ?? tracked.artists.first(where: { $0.id == id })?.name else {
                throw CommandFailure.usage("artist \(id) is not tracked: pass --name, or track it first with `momentum artists add`")
            }
            if let name, TerminalText.hasControlCharacters(name) || name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw CommandFailure.usage("--name '\(TerminalText.sanitized(String(name.prefix(80))))' is empty or holds a control character (an escape, a bell, a newline)")
            }
            let today = Day(Date()) ?? Day.latest
            let report = CSVImport.parse(String(decoding: data, as: UTF8.self), artistID: id, artistName: artistName, today: today)
            guard !report.records.isEmpty else {
                for problem in report.problems { Console.error("\(file): \(problem)") }
                throw CommandFailure.usage("\(file) holds no importable rows")
            }
            let written = try await settings.withLakeLock(store, command: "momentum import csv") {
                try await CSVImport.write(report.records, to: store, now: Date())
            }
            if !global.quiet {
                let days = written.keys.count + written.unchangedDays
                let rows = report.records.count == days ? "" : " (\(report.records.count) rows: a date given twice keeps its last row)"
                let unchanged = written.unchangedDays == 0 ? "" : "; \(written.unchangedDays) of them were in the lake already, as imported before: nothing written for those"
                Console.note("imported \(days) day\(days == 1 ? "" : "s") for \(TerminalText.sanitized(artistName))\(rows)\(unchanged)")
            }
            if !report.problems.isEmpty {
                for problem in report.problems { Console.error("\(file): \(problem)") }
                throw CommandFailure.partial("\(report.problems.count) row\(report.problems.count == 1 ? "" : "s") skipped; the others were imported")
            }
        }
    }
}
