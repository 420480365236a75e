// The steps of the daily pipeline that the state machine of `deploy/` hands to the function:
// each runs the engine's code for its plan steps (the same code `transform --engine athena`
// runs in one process) and answers with what the machine reads next.

import Foundation
import LakeKit
import Logging
import MomentumAlerts
import MomentumAnalytics
import MomentumDashboard
import MomentumEngine

enum PipelineJob: Sendable {
    /// The run's plan (glue_sync ... record), as `transform --engine athena --dry-run --format json`.
    case plan(runID: String, full: Bool)
    /// promote_partitions, remove_stale_partitions, drop_staging.
    case promote(plan: AthenaTransformPlan)
    /// analytics and record, from `artist_daily` as stored; without a plan, every month. In
    /// one task, shard after shard.
    case analytics(plan: AthenaTransformPlan?)
    /// The analytics' shards (`AnalyticsShardPlan`): the machine runs one task per shard.
    /// Without a transform plan, every month's (run id `analytics`).
    case shardPlan(plan: AthenaTransformPlan?, shards: Int?)
    /// One shard's analytics, into the run's staging.
    case shard(shards: AnalyticsShardPlan, index: Int)
    /// The shards' parts published into the tables, and the run recorded. Without a transform
    /// plan, over `artist_daily` as stored (a lake the local engine wrote: a benchmark's).
    case publish(plan: AthenaTransformPlan?, shards: AnalyticsShardPlan)
    /// The dashboard written into the lake (no link: a link signed by the function's role would
    /// die with its session): with a site plan, that build's page from its parts; without, the
    /// whole build in this one task (`DashboardJobs`).
    case dashboard(site: DashboardSitePlan?)
    /// A dashboard build's plan: its board files written, its parts.
    case dashboardPlan(parts: Int?)
    /// One part of a dashboard build: its artists' files.
    case dashboardPart(site: DashboardSitePlan, index: Int)
    /// After a failure: the run's staging table and objects dropped.
    case cleanup(runID: String)
    /// The alert rules of the function's config (MOMENTUM_CONFIG) delivered; `since` replays.
    case alerts(since: Day?)
    /// The day's claim taken for the execution, or why not (`PipelineDayClaim`).
    case claim(execution: String, started: Instant, scheduled: Instant?, rerun: Bool)
    /// The day's claim marked done: the last state of a run that got through.
    case finish(execution: String, day: Day)
    /// The day's claim removed after a failure, so the day can run again.
    case release(execution: String, day: Day)

    /// Runs the step; the answer's JSON.
    func run() async throws -> [UInt8] {
        let settings = try await Settings.resolve(try GlobalOptions.parse([]))
        let store = try settings.existingStore()
        if case .alerts(let since) = self { return try await PipelineJob.alerts(settings: settings, store: store, since: since) }
        if let answer = try await claimJob(store: store, logger: settings.logger) { return answer }
        if let answer = try await DashboardJobs.run(self, settings: settings, store: store) { return answer }
        let local = LocalEngine(store: store, logger: settings.logger)
        // The shards read and write the lake only: no Athena, any lake (a benchmark's too).
        switch self {
        case .shard(let shards, let index):
            // Into the run's staging only: no lake lock, so that the shards run at once.
            let outcome = try await local.analyseShard(shards, index: index)
            return try PipelineJob.answer(["status": "done", "index": index, "artists": outcome.artists, "daily_rows": outcome.dailyRows,
                                           "bytes_read": outcome.bytesRead, "release_bytes_read": outcome.releaseBytesRead])
        case .shardPlan(nil, let count):
            return try await PipelineJob.shardPlanAnswer(local, runID: "analytics", firstDay: nil, count: count)
        case .publish(nil, let shards):
            let published = try await settings.withLakeLock(store, command: "momentum lambda analytics_publish") { () -> ShardsPublished in
                let published = try await local.publishShards(shards, engine: "local")
                await local.dropShardParts(runID: shards.runID, keepingRecord: false)
                return published
            }
            return try PipelineJob.answer(["status": "done", "artists": published.total.artists, "signal_rows": published.total.signalRows,
                                           "release_events": published.total.events, "as_of": published.asOf ?? ""])
        default:
            break
        }
        let athenaSettings = try settings.athenaSettings(store, database: nil, workgroup: nil, athenaOutput: nil)
        let engine = try await settings.athenaEngine(local, settings: athenaSettings)
        let log = settings.logger
        switch self {
        case .plan(let runID, let full):
            return try Transform.planJSON(try await engine.plan(full: full, runID: runID), pretty: false)
        case .promote(let handed):
            let plan = try athenaSettings.restore(handed, root: store.location)
            let promoted = try await settings.withLakeLock(store, command: "momentum lambda transform_promote") {
                try await engine.promote(plan) { log.info("\($0)") }
            }
            return try PipelineJob.answer(["status": "done", "written": promoted.written, "removed": promoted.removed])
        case .analytics(let handed):
            let plan = try handed.map { try athenaSettings.restore($0, root: store.location) }
                ?? AthenaTransformPlan.make(scope: .full(reason: "analytics of every month"), months: [], root: store.location,
                                            runID: "analytics", database: athenaSettings.database, workgroup: athenaSettings.workgroup,
                                            athenaOutput: athenaSettings.athenaOutput)
            let tables = try await settings.withLakeLock(store, command: "momentum lambda analytics") {
                try await engine.analyse(plan, promoted: .init(written: 0, removed: 0))
            }
            if !tables.malformed.isEmpty { log.warning("\(tables.malformed.count) malformed raw release line(s) were skipped") }
            return try PipelineJob.answer(["status": "done", "artists": tables.artists, "signal_rows": tables.signalRows,
                                           "release_events": tables.events, "as_of": tables.asOf?.isoString ?? ""])
        case .shardPlan(let handed?, let count):
            let plan = try athenaSettings.restore(handed, root: store.location)
            return try await PipelineJob.shardPlanAnswer(local, runID: plan.runID, firstDay: plan.firstDay, count: count)
        case .shardPlan(nil, _), .shard, .publish(nil, _):
            return []
        case .publish(let handed?, let shards):
            let plan = try athenaSettings.restore(handed, root: store.location)
            guard shards.runID == plan.runID else { throw CommandFailure.usage("the shard plan is run \(shards.runID)'s, the plan run \(plan.runID)'s") }
            let tables = try await settings.withLakeLock(store, command: "momentum lambda analytics_publish") { () -> LocalEngine.TransformSummary in
                let published = try await local.publishShards(shards, engine: "athena")
                await local.dropShardParts(runID: shards.runID, keepingRecord: true)
                return await engine.finishAnalytics(plan, published: published, promoted: .init(written: 0, removed: 0))
            }
            if !tables.malformed.isEmpty { log.warning("\(tables.malformed.count) malformed raw release line(s) were skipped") }
            return try PipelineJob.answer(["status": "done", "artists": tables.artists, "signal_rows": tables.signalRows,
                                           "release_events": tables.events, "as_of": tables.asOf?.isoString ?? ""])
        case .cleanup(let runID):
            // The plan's staging names come from the run id alone.
            let plan = try AthenaTransformPlan.make(scope: .full(reason: "clean-up"), months: [], root: store.location, runID: runID,
                                                    database: athenaSettings.database, workgroup: athenaSettings.workgroup,
                                                    athenaOutput: athenaSettings.athenaOutput)
            await engine.dropStaging(plan)
            return try PipelineJob.answer(["status": "done", "dropped": plan.stagingTable])
        case .dashboard, .dashboardPlan, .dashboardPart, .alerts, .claim, .finish, .release:
            return []
        }
    }

    /// The claim's jobs; nil for the others.
    func claimJob(store: any ObjectStore, logger: Logger) async throws -> [UInt8]? {
        let now = PipelineDayClaim.currentTime
        switch self {
        case .claim(let execution, let started, let scheduled, let rerun):
            let outcome = try await PipelineDayClaim.claim(in: store, execution: execution, started: started, scheduled: scheduled, rerun: rerun, now: now)
            if !outcome.claimed {
                logger.notice("the pipeline of \(outcome.day.isoString) is \(outcome.state == "done" ? "done" : "running") in execution \(outcome.holder): this execution stops and touches nothing")
            }
            return try PipelineJob.answer(["claimed": outcome.claimed, "day": outcome.day.isoString, "state": outcome.state, "holder": outcome.holder])
        case .finish(let execution, let day):
            try await PipelineDayClaim.finish(in: store, day: day, execution: execution, now: now)
            // The run is over: its publish record (kept for a retried publish task) goes.
            await LocalEngine(store: store, logger: logger).dropShardParts(runID: execution, keepingRecord: false)
            return try PipelineJob.answer(["status": "done", "day": day.isoString])
        case .release(let execution, let day):
            let released = try await PipelineDayClaim.release(in: store, day: day, execution: execution)
            return try PipelineJob.answer(["status": "done", "day": day.isoString, "released": released])
        default:
            return nil
        }
    }

    static func alerts(settings: Settings, store: any ObjectStore, since: Day?) async throws -> [UInt8] {
        guard !settings.alertRules.isEmpty else {
            return try answer(["status": "done", "rules": 0, "delivered": 0, "note": "no alert rules in the function's config (MOMENTUM_CONFIG)"])
        }
        let step = AlertsStep(settings: settings, since: since, dryRun: false, quiet: true)
        let report = try await settings.withLakeLock(store, command: "momentum lambda alerts") {
            let (job, report) = try await step.deliver(store: store)
            // The function's output is its log: standard output's alerts are logged, then recorded.
            for delivery in report.deliveries where delivery.destination == "stdout" {
                for alert in delivery.batch.alerts { settings.logger.notice("alert: \(AlertText.line(of: alert))", metadata: ["alert_id": "\(alert.id)"]) }
            }
            try await job.commit(report)
            return report
        }
        if let failure = AlertsStep.failure(report) { throw failure }
        return try answer(["status": "done", "rules": settings.alertRules.count, "messages": report.delivered.count,
                           "delivered": report.deliveredAlerts, "destinations": report.deliveredDestinations, "disabled": report.disabled])
    }

    /// The shard plan and how many shards run at once, as the machine reads them.
    static func shardPlanAnswer(_ local: LocalEngine, runID: String, firstDay: String?, count: Int?) async throws -> [UInt8] {
        try await local.requireStoredRows()
        return try rangesAnswer("shards", try await local.shardPlan(runID: runID, firstDay: firstDay, count: count))
    }

    /// A plan of ranges of artists (the analytics' shards, the dashboard's parts) under `key`,
    /// with how many of its tasks run at once, as the machine's Map reads them.
    static func rangesAnswer(_ key: String, _ plan: some Encodable, also: [String: Any] = [:]) throws -> [UInt8] {
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(plan))
        return try answer(also.merging([key: object, "concurrency": try shardConcurrency()]) { $1 })
    }

    /// How many shard tasks the machine runs at once: MOMENTUM_SHARD_CONCURRENCY (Terraform's
    /// `shard_concurrency`), 10 by default; each is a Lambda invocation of its own.
    static func shardConcurrency(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        guard let text = environment["MOMENTUM_SHARD_CONCURRENCY"], !text.isEmpty else { return 10 }
        guard let value = Int(text), (1...1_000).contains(value) else {
            throw CommandFailure.usage("MOMENTUM_SHARD_CONCURRENCY must be 1 to 1000, got '\(text.prefix(20))'")
        }
        return value
    }

    static func answer(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
