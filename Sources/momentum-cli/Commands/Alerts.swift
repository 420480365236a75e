// `momentum alerts`: the alert rules of momentum.json evaluated on the processed tables, and what
// is new delivered to each destination (Docs/Alerts.md). `run` does the same after `transform`.

import ArgumentParser
import Foundation
import LakeAnalytics
import LakeKit
import MomentumAlerts
import MomentumAnalytics
import MomentumEngine
import MomentumHTTP

struct Alerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate the alert rules of momentum.json on the processed tables and deliver what is new (Slack, Discord, signed webhooks, SNS, standard output).",
        discussion: "A rule fires for what happens from the day it is first evaluated (or its \"since\"); --since replays from a day on purpose, and alerts already delivered to a destination are never sent to it again. Exit 1 when some deliveries failed (they are tried again next run), 3 when every destination failed."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption

    @Option(help: "Replay from this day (YYYY-MM-DD) for every rule, on purpose; alerts already delivered are still not sent again.")
    var since: String?

    @Flag(help: "Evaluate and print what would be sent; send and record nothing.")
    var dryRun = false

    @Option(help: "The dashboard's address for the messages' link (default: \"dashboard_url\" in momentum.json).")
    var dashboardURL: String?

    func validate() throws {
        if let since, Day(iso: since) == nil { throw ValidationError("--since must be a day YYYY-MM-DD") }
        if let dashboardURL, HTTPURL.parse(dashboardURL) == nil {
            throw ValidationError("--dashboard-url must be an http or https URL")
        }
    }

    func run() async throws {
        var settings = try await Settings.resolve(global, format: output)
        if let dashboardURL { settings.dashboardURL = dashboardURL }
        guard !settings.alertRules.isEmpty else {
            throw CommandFailure.usage("no alert rules: add \"alerts\" to momentum.json (Docs/Alerts.md has an example for each destination)")
        }
        let store = try settings.existingStore()
        let step = AlertsStep(settings: settings, since: since.flatMap { Day(iso: $0) }, dryRun: dryRun, quiet: global.quiet)
        let failure: CommandFailure?
        if dryRun {
            failure = try await step.run(store: store)
        } else {
            failure = try await settings.withLakeLock(store, command: "momentum alerts") { try await step.run(store: store) }
        }
        if let failure { throw failure }
    }
}

/// The alerts with their output; shared by `alerts` and `run`.
struct AlertsStep {
    var settings: Settings
    var since: Day?
    var dryRun: Bool
    var quiet: Bool
    /// Part of `momentum run`.
    var inRun = false
    /// The destinations, when resolved before (`run` checks them before it fetches anything).
    var destinations: [String: AlertDestination]?

    /// Evaluates, delivers, prints; the failure to exit with, if any.
    func run(store: any ObjectStore) async throws -> CommandFailure? {
        let (job, report) = try await deliver(store: store)
        if !quiet {
            for (rule, day) in report.started.sorted(by: { $0.key < $1.key }) {
                Console.note("alert rule \(rule) is new: it fires for what happens from \(day) on (its \"since\" or --since replays earlier days)")
            }
        }
        // `run` prints a table only when there is something in it.
        if !report.deliveries.isEmpty || !inRun { Console.write(AlertsStep.table(report).render(settings.format)) }
        try await job.commit(report)
        if !quiet {
            Console.note(dryRun ? "dry run: \(report.deliveries.count) message(s) would be sent; nothing was sent or recorded"
                                : "delivered \(report.delivered.count) message(s) (\(report.deliveredAlerts) alert(s)) to \(report.deliveredDestinations.count) destination(s)")
        }
        for name in report.disabled { Console.error("alert destination \(name) is disabled (it answered HTTP 410): give it another address to enable it again") }
        for (_, reason) in report.failures.sorted(by: { $0.key < $1.key }) { Console.error(reason) }
        return AlertsStep.failure(report)
    }

    /// Evaluates and delivers; standard output's record is the caller's to commit once printed.
    func deliver(store: any ObjectStore) async throws -> (AlertJob, AlertJob.Report) {
        let rules = settings.alertRules
        let resolved = if let destinations { destinations } else { try await settings.alertDestinations(for: rules) }
        var options = AlertJob.Options(rules: rules, destinations: resolved, since: since, dryRun: dryRun,
                                       dashboardURL: settings.dashboardURL)
        options.requiresTables = !inRun
        let job = AlertJob(engine: LocalEngine(store: store, logger: settings.logger), sender: WebhookSender(logger: settings.logger))
        return (job, try await job.run(options))
    }

    /// Exit 1 when some destination did not take every message, 3 when none of those with
    /// something to send did.
    static func failure(_ report: AlertJob.Report) -> CommandFailure? {
        guard !report.failures.isEmpty else { return nil }
        let allFailed = report.attempted.allSatisfy { report.failures[$0] != nil }
        return CommandFailure(code: allFailed ? .unavailable : .failed,
                              message: "\(report.failures.count) of \(report.attempted.count) alert destination(s) did not take every message (\(report.failures.keys.sorted().joined(separator: ", "))); they are tried again next run")
    }

    static let columns = ["destination", "status", "message_id", "rule", "kind", "artist_id", "artist_name", "series", "day", "alert_id", "text"]

    /// One row per alert of every message.
    static func table(_ report: AlertJob.Report) -> TableOutput {
        let rows: [[Cell]] = report.deliveries.flatMap { delivery in
            let messageID = delivery.batch.id   // a digest's id hashes all its alerts' ids: once per message
            return delivery.batch.alerts.map { alert -> [Cell] in
                [.string(delivery.destination), .string(delivery.status.rawValue), .string(messageID), .string(alert.ruleID),
                 .string(alert.kind.rawValue), .string(alert.artistID), .string(alert.artistName), alert.series.map { .string($0.name) } ?? .null,
                 .date(alert.day), .string(alert.id), .string(AlertText.headline(of: alert))]
            }
        }
        var table = TableOutput(columns: columns, rows: rows)
        table.priority = ["destination", "status", "kind", "artist_name", "day", "text"]
        return table
    }
}
