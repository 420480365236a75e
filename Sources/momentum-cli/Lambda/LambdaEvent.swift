// An invocation's event, decoded with `Codable`: one case per job, each with the fields it
// takes. Unknown fields and values of the wrong type are refused with a message that names the
// field (Step Functions and people write these events by hand).

import Foundation
import MomentumAnalytics
import MomentumEngine
import SpotifyKit

/// The jobs a Lambda event names.
enum LambdaEvent: Decodable, Sendable {
    case metrics(date: String?)
    case releases
    case transform(engine: Transform.Engine?, full: Bool)
    case run
    case catalog
    case artistsAdd(ids: [String])
    case analytics(plan: AthenaTransformPlan?)
    case dashboard(site: DashboardSitePlan?)
    case dashboardPlan(parts: Int?)
    case dashboardPart(site: DashboardSitePlan, index: Int)
    case transformPlan(runID: String, full: Bool)
    case transformPromote(plan: AthenaTransformPlan)
    case transformCleanup(runID: String)
    case alerts(since: Day?)
    case pipelineClaim(execution: String, started: Instant, scheduled: Instant?, rerun: Bool)
    case pipelineFinish(execution: String, day: Day)
    case pipelineRelease(execution: String, day: Day)
    case ingest(IngestLoop)
    case analyticsPlan(plan: AthenaTransformPlan?, shards: Int?)
    case analyticsShard(shards: AnalyticsShardPlan, index: Int)
    case analyticsPublish(plan: AthenaTransformPlan?, shards: AnalyticsShardPlan)

    typealias Invalid = LambdaRequest.Invalid

    /// Any field name, so that unknown ones can be named.
    struct Field: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var job: String {
        switch self {
        case .metrics: "metrics"
        case .releases: "releases"
        case .transform: "transform"
        case .run: "run"
        case .catalog: "catalog"
        case .artistsAdd: "artists_add"
        case .analytics: "analytics"
        case .dashboard: "dashboard"
        case .dashboardPlan: "dashboard_plan"
        case .dashboardPart: "dashboard_part"
        case .transformPlan: "transform_plan"
        case .transformPromote: "transform_promote"
        case .transformCleanup: "transform_cleanup"
        case .alerts: "alerts"
        case .pipelineClaim: "pipeline_claim"
        case .pipelineFinish: "pipeline_finish"
        case .pipelineRelease: "pipeline_release"
        case .ingest: "ingest"
        case .analyticsPlan: "analytics_plan"
        case .analyticsShard: "analytics_shard"
        case .analyticsPublish: "analytics_publish"
        }
    }

    init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: Field.self)
        guard let job = try? object.decode(String.self, forKey: Field("job")) else {
            throw Invalid(description: #"the event has no "job" (one of \#(LambdaRequest.jobs.joined(separator: ", ")))"#)
        }
        guard let allowed = LambdaRequest.fields[job] else {
            throw Invalid(description: "unknown job '\(TerminalText.sanitized(String(job.prefix(40))))': one of \(LambdaRequest.jobs.joined(separator: ", "))")
        }
        if let unknown = object.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw Invalid(description: "the \(job) event has an unknown field '\(TerminalText.sanitized(String(unknown.prefix(40))))' (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        func flag(_ name: String) throws -> Bool {
            guard object.contains(Field(name)) else { return false }
            guard let value = try? object.decode(Bool.self, forKey: Field(name)) else { throw Invalid(description: "\"\(name)\" must be true or false") }
            return value
        }
        func runID() throws -> String {
            guard let text = try? object.decode(String.self, forKey: Field("run_id")) else {
                throw Invalid(description: #""run_id" must be a string (the execution's name)"#)
            }
            do { try AthenaSettings.validateRunID(text) } catch { throw Invalid(description: "\(error)") }
            return text
        }
        func execution() throws -> String {
            guard let text = try? object.decode(String.self, forKey: Field("execution")) else {
                throw Invalid(description: #""execution" must be a string (the execution's name, $$.Execution.Name)"#)
            }
            do { try AthenaSettings.validateRunID(text) } catch { throw Invalid(description: "\(error)") }
            return text
        }
        func day() throws -> Day {
            guard let text = try? object.decode(String.self, forKey: Field("day")), let day = Day(iso: text) else {
                throw Invalid(description: #""day" must be a day YYYY-MM-DD (the claim's)"#)
            }
            return day
        }
        func shardPlan() throws -> AnalyticsShardPlan {
            guard let plan = try? object.decode(AnalyticsShardPlan.self, forKey: Field("shards")) else {
                throw Invalid(description: #""shards" must be the shard plan the analytics_plan job answered (run_id, shards, ...)"#)
            }
            do { return try plan.validated() } catch { throw Invalid(description: "\(error)") }
        }
        func sitePlan() throws -> DashboardSitePlan? {
            guard object.contains(Field("site")) else { return nil }
            guard let plan = try? object.decode(DashboardSitePlan.self, forKey: Field("site")) else {
                throw Invalid(description: #""site" must be the plan the dashboard_plan job answered (generation, parts, ...)"#)
            }
            do { return try plan.validated() } catch { throw Invalid(description: "\(error)") }
        }
        func plan() throws -> AthenaTransformPlan? {
            guard object.contains(Field("plan")) else { return nil }
            guard let plan = try? object.decode(AthenaTransformPlan.self, forKey: Field("plan")) else {
                throw Invalid(description: #""plan" must be the plan the transform_plan job answered (run_id, mode, months, lake, ...)"#)
            }
            return plan
        }
        switch job {
        case "metrics":
            guard !object.contains(Field("date")) || (try? object.decode(String.self, forKey: Field("date"))) != nil else {
                throw Invalid(description: #""date" must be a string YYYY-MM-DD"#)
            }
            self = .metrics(date: try? object.decode(String.self, forKey: Field("date")))
        case "releases": self = .releases
        case "transform":
            var engine: Transform.Engine?
            if object.contains(Field("engine")) {
                guard let text = try? object.decode(String.self, forKey: Field("engine")), let known = Transform.Engine(rawValue: text) else {
                    throw Invalid(description: #""engine" must be "local" or "athena""#)
                }
                engine = known
            }
            self = .transform(engine: engine, full: try flag("full"))
        case "catalog": self = .catalog
        case "artists_add":
            guard let ids = try? object.decode([String].self, forKey: Field("ids")), !ids.isEmpty, ids.count <= 10_000 else {
                throw Invalid(description: #""ids" must be a list of 1 to 10,000 Spotify artist ids"#)
            }
            // Ids (or their URIs and links) only: a name would be a search, and `--yes` would accept its best match unseen.
            if let bad = ids.first(where: { (try? SpotifyID(parsing: $0, kind: .artist)) == nil }) {
                throw Invalid(description: "'\(TerminalText.sanitized(String(bad.prefix(40))))' is not a Spotify artist id (22 letters and digits)")
            }
            self = .artistsAdd(ids: ids)
        case "analytics": self = .analytics(plan: try plan())
        case "dashboard": self = .dashboard(site: try sitePlan())
        case "dashboard_plan":
            var count: Int?
            if object.contains(Field("parts")) {
                guard let value = try? object.decode(Int.self, forKey: Field("parts")), (1...AnalyticsShardPlan.maximumShards).contains(value) else {
                    throw Invalid(description: "\"parts\" must be a count of parts, 1 to \(AnalyticsShardPlan.maximumShards)")
                }
                count = value
            }
            self = .dashboardPlan(parts: count)
        case "dashboard_part":
            guard let site = try sitePlan() else { throw Invalid(description: #"the dashboard_part event needs "site" (the dashboard_plan job's answer)"#) }
            guard let index = try? object.decode(Int.self, forKey: Field("index")), site.parts.indices.contains(index) else {
                throw Invalid(description: "\"index\" must be a part of the plan, 0 to \(site.parts.count - 1)")
            }
            self = .dashboardPart(site: site, index: index)
        case "transform_plan": self = .transformPlan(runID: try runID(), full: try flag("full"))
        case "transform_promote":
            guard let plan = try plan() else { throw Invalid(description: #"the transform_promote event needs "plan" (the transform_plan job's answer)"#) }
            self = .transformPromote(plan: plan)
        case "transform_cleanup": self = .transformCleanup(runID: try runID())
        case "alerts":
            var since: Day?
            if object.contains(Field("since")) {
                guard let text = try? object.decode(String.self, forKey: Field("since")), let day = Day(iso: text) else {
                    throw Invalid(description: #""since" must be a day YYYY-MM-DD"#)
                }
                since = day
            }
            self = .alerts(since: since)
        case "pipeline_claim":
            guard let text = try? object.decode(String.self, forKey: Field("started")), let started = Instant(iso: text) else {
                throw Invalid(description: #""started" must be an ISO 8601 time (the execution's, $$.Execution.StartTime)"#)
            }
            let input = try ExecutionInput(object, key: Field("input"), allowing: ["scheduled_time", "rerun"])
            self = .pipelineClaim(execution: try execution(), started: started, scheduled: input.scheduled, rerun: input.rerun)
        case "ingest":
            guard let text = try? object.decode(String.self, forKey: Field("started")), let started = Instant(iso: text) else {
                throw Invalid(description: #""started" must be an ISO 8601 time (the execution's, $$.Execution.StartTime)"#)
            }
            guard let attempt = try? object.decode(Int.self, forKey: Field("attempt")), (0..<IngestLoop.maximumInvocations).contains(attempt) else {
                throw Invalid(description: "\"attempt\" must be the invocations so far, 0 to \(IngestLoop.maximumInvocations - 1)")
            }
            let input = try ExecutionInput(object, key: Field("input"), allowing: ["job", "scheduled_time"])
            guard let what = input.job, let kind = IngestLoop.Kind(rawValue: what) else {
                throw Invalid(description: #"the execution's input needs "job": "metrics" or "releases""#)
            }
            self = .ingest(IngestLoop(kind: kind, scheduled: input.scheduled ?? started, attempt: attempt))
        case "analytics_plan":
            let plan = try plan()
            var count: Int?
            if object.contains(Field("shards")) {
                guard let value = try? object.decode(Int.self, forKey: Field("shards")), (1...AnalyticsShardPlan.maximumShards).contains(value) else {
                    throw Invalid(description: "\"shards\" must be a count of shards, 1 to \(AnalyticsShardPlan.maximumShards)")
                }
                count = value
            }
            self = .analyticsPlan(plan: plan, shards: count)
        case "analytics_shard":
            let shards = try shardPlan()
            guard let index = try? object.decode(Int.self, forKey: Field("index")), shards.shards.indices.contains(index) else {
                throw Invalid(description: "\"index\" must be a shard of the plan, 0 to \(shards.shards.count - 1)")
            }
            self = .analyticsShard(shards: shards, index: index)
        case "analytics_publish": self = .analyticsPublish(plan: try plan(), shards: try shardPlan())
        case "pipeline_finish": self = .pipelineFinish(execution: try execution(), day: try day())
        case "pipeline_release": self = .pipelineRelease(execution: try execution(), day: try day())
        default: self = .run
        }
    }

    /// What the job runs: the command line a user would type, or a step of the state machine.
    func work() throws -> LambdaRequest.Work {
        switch self {
        // With the other sources' counts, when a source is on.
        case .metrics(let date): .command(["ingest", "metrics", "--audience"] + (date.map { ["--date", $0] } ?? []))
        case .releases: .command(["ingest", "releases"])
        case .transform(let engine, let full):
            .command(["transform"] + (engine.map { ["--engine", $0.rawValue] } ?? []) + (full ? ["--full"] : []))
        case .run: .command(["run"])
        case .catalog: .command(["catalog", "sync"])
        case .artistsAdd(let ids): .command(["artists", "add", "--yes"] + ids)
        case .analytics(let plan): .pipeline(.analytics(plan: plan))
        case .dashboard(let site): .pipeline(.dashboard(site: site))
        case .dashboardPlan(let parts): .pipeline(.dashboardPlan(parts: parts))
        case .dashboardPart(let site, let index): .pipeline(.dashboardPart(site: site, index: index))
        case .transformPlan(let runID, let full): .pipeline(.plan(runID: runID, full: full))
        case .transformPromote(let plan): .pipeline(.promote(plan: plan))
        case .transformCleanup(let runID): .pipeline(.cleanup(runID: runID))
        case .alerts(let since): .pipeline(.alerts(since: since))
        case .pipelineClaim(let execution, let started, let scheduled, let rerun):
            .pipeline(.claim(execution: execution, started: started, scheduled: scheduled, rerun: rerun))
        case .pipelineFinish(let execution, let day): .pipeline(.finish(execution: execution, day: day))
        case .pipelineRelease(let execution, let day): .pipeline(.release(execution: execution, day: day))
        case .ingest(let loop): .loop(loop)
        case .analyticsPlan(let plan, let shards): .pipeline(.shardPlan(plan: plan, shards: shards))
        case .analyticsShard(let shards, let index): .pipeline(.shard(shards: shards, index: index))
        case .analyticsPublish(let plan, let shards): .pipeline(.publish(plan: plan, shards: shards))
        }
    }

    /// A state machine execution's input, as its tasks read it: the schedule's time, `rerun`,
    /// the job; only the fields the task allows (a misspelt field would silently claim another
    /// day, or not run a day again).
    struct ExecutionInput {
        var scheduled: Instant?
        var rerun = false
        var job: String?

        init(_ event: KeyedDecodingContainer<Field>, key: Field, allowing allowed: Set<String>) throws {
            guard event.contains(key) else { return }
            guard let input = try? event.nestedContainer(keyedBy: Field.self, forKey: key) else {
                throw Invalid(description: #""input" must be the execution's input, a JSON object ($)"#)
            }
            if let unknown = input.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
                throw Invalid(description: "the execution's input has an unknown field '\(TerminalText.sanitized(String(unknown.prefix(40))))' (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            if input.contains(Field("job")) {
                guard let text = try? input.decode(String.self, forKey: Field("job")) else { throw Invalid(description: #"the execution's "job" must be a string"#) }
                job = text
            }
            if input.contains(Field("scheduled_time")) {
                guard let text = try? input.decode(String.self, forKey: Field("scheduled_time")), let time = Instant(iso: text) else {
                    throw Invalid(description: #"the execution's "scheduled_time" must be an ISO 8601 time (the schedule's <aws.scheduler.scheduled-time>)"#)
                }
                scheduled = time
            }
            if input.contains(Field("rerun")) {
                guard let value = try? input.decode(Bool.self, forKey: Field("rerun")) else { throw Invalid(description: #"the execution's "rerun" must be true or false"#) }
                rerun = value
            }
        }
    }
}
