// `momentum alerts`: the rules evaluated on the processed tables, and what is new delivered to
// each destination, at least once and never again once recorded. Runs under the lake's lock (the
// caller holds it), so two runs never send the same alert; a destination's record is written
// after every message it took, so that only a kill between a receiver's 2xx and that write can
// repeat a message, with the same id.

import Foundation
import LakeKit
import Logging
import MomentumAlerts
import MomentumAnalytics

package struct AlertJob: Sendable {
    package let engine: LocalEngine
    package let sender: WebhookSender
    package let now: @Sendable () -> Date

    package init(engine: LocalEngine, sender: WebhookSender, now: @escaping @Sendable () -> Date = { Date() }) {
        self.engine = engine
        self.sender = sender
        self.now = now
    }

    package struct Options: Sendable {
        package var rules: [AlertRule]
        /// Every destination the rules name, by name.
        package var destinations: [String: AlertDestination]
        /// Replays from this day on purpose (`--since`), whatever each rule's start.
        package var since: Day?
        /// Evaluates and says what would be sent; sends and records nothing.
        package var dryRun: Bool
        /// The dashboard's address for the messages' link, when it is published.
        package var dashboardURL: String?
        /// False in `run`: a lake without processed tables has nothing to alert on yet.
        package var requiresTables = true

        package init(rules: [AlertRule], destinations: [String: AlertDestination], since: Day? = nil, dryRun: Bool = false, dashboardURL: String? = nil) {
            self.rules = rules
            self.destinations = destinations
            self.since = since
            self.dryRun = dryRun
            self.dashboardURL = dashboardURL
        }
    }

    /// One message to one destination and what became of it.
    package struct Delivery: Sendable {
        package enum Status: String, Sendable {
            case delivered, failed, gone
            case wouldSend = "would_send"
        }
        package var destination: String
        package var batch: AlertBatch
        package var status: Status
    }

    package struct Report: Sendable {
        package var deliveries: [Delivery] = []
        /// Per destination that did not take everything: why.
        package var failures: [String: String] = [:]
        /// Destinations skipped because they answered 410 before, with pending alerts.
        package var disabled: [String] = []
        /// Destinations with something to send this run.
        package var attempted: Set<String> = []
        /// Rules evaluated for the first time, with the day they fire from.
        package var started: [String: Day] = [:]
        /// Standard output's record, written by ``commit(_:)`` once the caller has printed.
        package var standardOutputRecord: AlertDeliveryRecord?

        /// The messages a receiver took.
        package var delivered: [Delivery] { deliveries.filter { $0.status == .delivered } }
        /// The alerts in them.
        package var deliveredAlerts: Int { delivered.reduce(0) { $0 + $1.batch.alerts.count } }
        /// The destinations that took some.
        package var deliveredDestinations: [String] { Set(delivered.map(\.destination)).sorted() }
    }

    /// Records what standard output took, after the caller printed it: a kill before this
    /// prints it again next run, never loses it.
    package func commit(_ report: Report) async throws {
        try await report.standardOutputRecord?.save(to: engine.store)
    }

    /// Evaluates and delivers (standard output's messages are the caller's to print, then ``commit(_:)``).
    package func run(_ options: Options) async throws -> Report {
        var report = Report()
        let store = engine.store
        let processed = try await engine.processedLake()
        guard let latest = try await engine.latestProcessedDay(processed) else {
            if !options.requiresTables { return report }
            throw EngineError.noData("the lake at \(store.location) has no processed tables to evaluate alerts on: run `momentum transform` first")
        }
        var records = try await AlertRuleRecords.load(from: store)
        var starts: [String: Day] = [:]
        for rule in options.rules {
            if let since = options.since ?? rule.since {
                starts[rule.id] = since
            } else if let recorded = records.rules[rule.id].flatMap({ Day(iso: $0.firstDay) }) {
                starts[rule.id] = recorded
            } else {
                starts[rule.id] = latest
                report.started[rule.id] = latest
                records.rules[rule.id] = .init(kind: rule.kind.rawValue, firstDay: latest.isoString)
            }
        }
        guard let earliest = starts.values.min() else { return report }
        let inputs = try await engine.alertInputs(processed, rules: options.rules, earliest: earliest)
        var alertsByRule: [String: [Alert]] = [:]
        for rule in options.rules {
            alertsByRule[rule.id] = AlertEvaluator.alerts(for: rule, in: inputs, from: starts[rule.id] ?? latest)
        }
        if !options.dryRun, !report.started.isEmpty {
            // Recorded before anything is sent: a run killed later starts from the same day.
            try await records.save(to: store)
        }
        for name in options.destinations.keys.sorted() {
            guard let destination = options.destinations[name] else { continue }
            let rules = options.rules.filter { $0.destinations.contains(name) }
            guard !rules.isEmpty else { continue }
            try await deliver(to: destination, rules: rules, alerts: alertsByRule, options: options, report: &report)
        }
        return report
    }

    private func deliver(to destination: AlertDestination, rules: [AlertRule], alerts: [String: [Alert]], options: Options,
                         report: inout Report) async throws {
        let store = engine.store
        var record = try await AlertDeliveryRecord.load(destination, from: store)
        let batches = rules.flatMap { rule in
            AlertBatch.batches(for: rule, alerts: (alerts[rule.id] ?? []).filter { record.delivered[$0.id] == nil })
        }
        guard !batches.isEmpty else { return }
        if let disabled = record.disabled {
            if disabled.fingerprint == destination.fingerprint {
                report.disabled.append(destination.name)
                engine.logger.warning("alert destination \(destination.name) answered HTTP 410 (gone) on \(disabled.at) and is disabled: \(batches.count) message(s) wait; give it another address to enable it again")
                return
            }
            engine.logger.notice("alert destination \(destination.name) has a new address since it answered 410: enabled again")
            record.disabled = nil
        }
        if options.dryRun {
            report.deliveries += batches.map { Delivery(destination: destination.name, batch: $0, status: .wouldSend) }
            return
        }
        report.attempted.insert(destination.name)
        for (index, batch) in batches.enumerated() {
            try Task.checkCancellation()
            let outcome = try await send(batch, to: destination, dashboardURL: options.dashboardURL)
            switch outcome {
            case .delivered:
                for alert in batch.alerts { record.delivered[alert.id] = alert.day.isoString }
                if case .standardOutput = destination.target { report.standardOutputRecord = record } else { try await record.save(to: store) }
                report.deliveries.append(Delivery(destination: destination.name, batch: batch, status: .delivered))
            case .gone:
                record.disabled = .init(at: now().isoSeconds, reason: "HTTP 410 Gone", fingerprint: destination.fingerprint)
                try await record.save(to: store)
                report.deliveries.append(Delivery(destination: destination.name, batch: batch, status: .gone))
                report.failures[destination.name] = "alert destination \(destination.name) answered HTTP 410 (gone): disabled until it has another address"
                return
            case .failed(let reason):
                report.deliveries.append(Delivery(destination: destination.name, batch: batch, status: .failed))
                // The rest waits for the next run: a receiver that failed once after its retries
                // is not hammered with the other messages.
                report.failures[destination.name] = reason + "; \(batches.count - index) message(s) wait for the next run"
                return
            }
        }
    }

    private func send(_ batch: AlertBatch, to destination: AlertDestination, dashboardURL: String?) async throws -> DeliveryOutcome {
        switch destination.target {
        case .standardOutput:
            // The caller prints it, then commits the record.
            return .delivered(status: 200)
        case .slack(let url):
            return try await sender.post(SlackMessage.body(for: batch, dashboardURL: dashboardURL), to: url, destination: destination.name)
        case .discord(let url):
            return try await sender.post(DiscordMessage.body(for: batch, dashboardURL: dashboardURL), to: url, destination: destination.name)
        case .webhook(let url, let signer):
            let body = WebhookPayload.body(for: batch, timestamp: now().isoSeconds, dashboardURL: dashboardURL)
            let id = batch.id
            let clock = now
            return try await sender.post(body, to: url, destination: destination.name) {
                signer.headers(id: id, timestamp: Int64(clock().timeIntervalSince1970), body: body)
            }
        case .sns(let topic, let client):
            do {
                try await client.publish(AlertText.plain(batch, dashboardURL: dashboardURL), topicARN: topic, subject: AlertText.title(of: batch))
                return .delivered(status: 200)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                return .failed("alert destination \(destination.name): \(error)")
            }
        }
    }
}
