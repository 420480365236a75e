// `momentum run`: whatever is due, then transform. For cron or a systemd timer.

import ArgumentParser
import Foundation
import LakeKit
import MomentumEngine

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run what is due: daily metrics (and audience counts of the enabled sources) when today's are missing, releases when the last scan is 7 or more days old, then transform, then the alerts of momentum.json."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let settings = try await Settings.resolve(global)
        let store = try settings.store()
        try await settings.withLakeLock(store, command: "momentum run") { try await runLocked(settings: settings, store: store) }
    }

    private func runLocked(settings: Settings, store: any ObjectStore) async throws {
        let now = Date()
        // A destination without its URL or secret is a configuration error, said before anything is fetched.
        let alertDestinations = try await settings.alertDestinations(for: settings.alertRules)
        // Artist by artist: those without today's record, those whose last completed scan is
        // 7 days old. Whatever failed last time is therefore retried, and nothing else.
        let due = try await IngestionJobs.due(in: store, now: now, scanInterval: 7)
        // The other sources' job asks only for what has no record today: cheap when all is there.
        let sources = try await settings.audienceSources()
        let audienceDue = try await IngestionJobs.audienceDue(in: store, now: now, sources: sources)
        var failures: [CommandFailure] = []
        if due.metrics || due.releases || audienceDue > 0 {
            let jobs = IngestionJobs(store: store, spotify: try await settings.spotifyClient(), logger: settings.logger,
                                     progress: ProgressBar.forCommand(quiet: global.quiet).update)
            if due.metrics, let failure = try await IngestMetricsStep.run(jobs, now: now, quiet: global.quiet) { failures.append(failure) }
            if audienceDue > 0, let failure = try await IngestAudienceStep.run(jobs, sources: sources, now: now, quiet: global.quiet) {
                failures.append(failure)
            }
            if due.releases, let failure = try await IngestReleasesStep.run(jobs, now: now, interval: 7, quiet: global.quiet) { failures.append(failure) }
        } else if !global.quiet {
            Console.note("nothing to fetch: every artist has today's metrics\(sources.enabled.isEmpty ? "" : " and audience counts") and a release scan under 7 days old")
        }
        let engine = LocalEngine(store: store, logger: settings.logger, progress: ProgressBar.forCommand(quiet: global.quiet).update)
        let summary = try await engine.transform()
        if !global.quiet {
            Console.note(summary.scope == .upToDate ? "processed tables already up to date"
                         : "transformed \(summary.artists) artists (\(summary.scope.summary); \(summary.dailyRows) daily rows, \(summary.events) release events)")
        }
        // After the tables, so the alerts read today's rows; an alert that fails to go out is
        // tried again next run, and does not undo what was fetched.
        if !settings.alertRules.isEmpty,
           let failure = try await AlertsStep(settings: settings, since: nil, dryRun: false, quiet: global.quiet, inRun: true,
                                 destinations: alertDestinations).run(store: store) {
            failures.append(failure)
        }
        if !summary.malformed.isEmpty {
            for line in summary.malformed { Console.error("malformed record skipped: \(line)") }
            failures.append(.partial("\(summary.malformed.count) malformed raw line(s) were skipped"))
        }
        if let worst = failures.max(by: { $0.code.rawValue < $1.code.rawValue }) { throw worst }
    }
}
