// `momentum ingest metrics|releases` and `momentum import csv`: the jobs that fill the raw lake.

import ArgumentParser
import Foundation
import MomentumAnalytics
import MomentumEngine
import SpotifyKit

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch from Spotify and the other audience sources into the raw lake.",
        subcommands: [Metrics.self, Releases.self, Audience.self]
    )

    struct Metrics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The daily job: followers and popularity of every tracked artist, one raw file a run.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "File the records under this capture day (YYYY-MM-DD), for back-fills and tests.")
        var date: String?

        @Flag(help: "Then run the audience job of the enabled sources too (what `run` and the Lambda metrics job do).")
        var audience = false

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
            let settings = try await Settings.resolve(global)
            let store = try settings.store()
            let jobs = IngestionJobs(store: store, spotify: try await settings.spotifyClient(), logger: settings.logger,
                                     progress: ProgressBar.forCommand(quiet: global.quiet).update)
            let sources = audience ? try await settings.audienceSources() : AudienceSources()
            let failures = try await settings.withLakeLock(store, command: "momentum ingest metrics") { () -> [CommandFailure] in
                let now = Date(), day = date.flatMap { Day(iso: $0) }
                var failures: [CommandFailure] = []
                if let failure = try await IngestMetricsStep.run(jobs, now: now, day: day, quiet: global.quiet) { failures.append(failure) }
                if !sources.enabled.isEmpty,
                   let failure = try await IngestAudienceStep.run(jobs, sources: sources, now: now, day: day, quiet: global.quiet) {
                    failures.append(failure)
                }
                return failures
            }
            if let worst = failures.max(by: { $0.code.rawValue < $1.code.rawValue }) { throw worst }
        }
    }

    struct Releases: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The weekly job: scan discographies, append new releases, update the state.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let settings = try await Settings.resolve(global)
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

extension Ingest {
    struct Audience: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The daily job for the other sources: Deezer fans, Last.fm listeners and plays of every tracked artist matched there.",
            discussion: """
            Deezer is on by default (no key); Last.fm when LASTFM_API_KEY is set. Artists not matched yet are             matched first (by an album's barcode, a track's ISRC, MusicBrainz, or a unique name), a few per run;             `momentum artists list` shows the matches and `momentum artists link` corrects them. A rerun asks only             for what has no record for the day.
            """
        )

        enum SourceChoice: String, ExpressibleByArgument, CaseIterable {
            case deezer, lastfm, all
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "The source to ask: deezer, lastfm or all (the enabled ones).")
        var source: SourceChoice = .all

        @Option(help: "File the records under this capture day (YYYY-MM-DD), for back-fills and tests.")
        var date: String?

        func validate() throws {
            guard let date else { return }
            guard let day = Day(iso: date) else { throw ValidationError("--date must be a day YYYY-MM-DD, got '\(date)'") }
            let today = Day(Date()) ?? Day.latest
            guard day <= today else { throw ValidationError("--date \(date) is in the future (today is \(today) UTC)") }
        }

        func run() async throws {
            let settings = try await Settings.resolve(global)
            let store = try settings.store()
            let wanted: Set<AudienceSourceName> = source == .all ? Set(AudienceSourceName.allCases) : [AudienceSourceName(rawValue: source.rawValue) ?? .deezer]
            let sources = try await settings.audienceSources(wanted: wanted)
            for name in wanted.sorted() where source != .all && !sources.enabled.contains(name) {
                throw CommandFailure.usage("\(name.displayName) is off: \(settings.whyOff(name))")
            }
            guard !sources.enabled.isEmpty else {
                throw CommandFailure.usage("no audience source is on: Deezer is off (\(settings.whyOff(.deezer))) and Last.fm is off (\(settings.whyOff(.lastfm)))")
            }
            let jobs = IngestionJobs(store: store, spotify: try await settings.spotifyClient(), logger: settings.logger,
                                     progress: ProgressBar.forCommand(quiet: global.quiet).update)
            let failure = try await settings.withLakeLock(store, command: "momentum ingest audience") {
                try await IngestAudienceStep.run(jobs, sources: sources, now: Date(), day: date.flatMap { Day(iso: $0) }, quiet: global.quiet)
            }
            if let failure { throw failure }
        }
    }
}

/// The audience job with its messages; shared by `ingest audience`, `run` and `demo`.
enum IngestAudienceStep {
    static func run(_ jobs: IngestionJobs, sources: AudienceSources, now: Date, day: Day? = nil, quiet: Bool,
                    matchBudget: Int = IngestionJobs.matchesPerRun) async throws -> CommandFailure? {
        let report = try await jobs.ingestAudience(sources: sources, now: now, day: day, matchBudget: matchBudget)
        let names = report.sources.map(\.displayName).joined(separator: " and ")
        if !quiet {
            for outcome in report.matched {
                for source in outcome.changed {
                    if let match = outcome.state.sources[source] {
                        Console.note("matched \(TerminalText.sanitized(outcome.artistName)) on \(source.displayName): \(TerminalText.sanitized(match.name)) (\(match.id), by \(match.matchedBy.rawValue))")
                    }
                }
            }
            let files = report.keys.count == 1 ? " in \(report.keys[0])" : report.keys.isEmpty ? "" : " in \(report.keys.count) files (\(report.keys[0]) …)"
            Console.note("\(names): recorded \(report.stored) artist count\(report.stored == 1 ? "" : "s") (\(report.recorded) records)\(files)\(report.alreadyRecorded > 0 ? "; \(report.alreadyRecorded) already recorded for \(report.day)" : "")")
            let unmatched = report.unmatched.sorted { $0.key < $1.key }.filter { $0.value > 0 }
                .map { "\($0.value) on \($0.key.displayName)" }.joined(separator: ", ")
            if !unmatched.isEmpty {
                Console.note("not matched yet: \(unmatched) (`momentum artists list` shows the matches, `momentum artists link` sets one)")
            }
        }
        guard !report.failures.isEmpty else { return nil }
        let shown = 25
        for failure in report.failures.prefix(shown) { Console.error("could not fetch \(failure)") }
        if report.failures.count > shown { Console.error("… and \(report.failures.count - shown) more") }
        if report.stored + report.alreadyRecorded == 0, report.failures.allSatisfy(\.isServiceFailure) {
            let which = report.unreachable.isEmpty ? names : report.unreachable.map(\.displayName).joined(separator: " and ")
            return CommandFailure(code: .unavailable, message: "\(which) refused or could not be reached for every artist; nothing was recorded")
        }
        return CommandFailure(code: .failed, message: "\(report.failures.count) artist count\(report.failures.count == 1 ? "" : "s") could not be fetched or matched; \(report.stored) recorded")
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
            Console.warnOnce("Spotify returned no follower counts: this app is in \(report.mode). \(report.withoutFollowers) artist\(report.withoutFollowers == 1 ? " was" : "s were") recorded with null followers and popularity. Their Deezer fans and Last.fm listeners rank them instead (`momentum ingest audience`, part of `momentum run`; see Docs/Sources.md); a history of an artist you manage comes in with `momentum import csv <file> --artist <id>`.")
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
            let settings = try await Settings.resolve(global)
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
