// An invocation's event, checked field by field, and what it runs: a command line, or one
// step of the daily pipeline's state machine (`deploy/`), which answers with data.

import Foundation
import MomentumEngine
import SpotifyKit

struct LambdaRequest: Sendable {
    var job: String
    var work: Work

    enum Work: Sendable {
        /// The command line a CLI user would type.
        case command([String])
        /// A step of the state machine, answered with JSON the machine reads.
        case pipeline(PipelineJob)
    }

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// Step Functions' largest state payload.
    static let maximumEventBytes = 256 * 1024

    static let fields: [String: Set<String>] = [
        "metrics": ["job", "date"], "releases": ["job"], "transform": ["job", "engine", "full"], "run": ["job"],
        "catalog": ["job"], "analytics": ["job", "plan"], "dashboard": ["job"], "artists_add": ["job", "ids"],
        "transform_plan": ["job", "run_id", "full"], "transform_promote": ["job", "plan"], "transform_cleanup": ["job", "run_id"],
    ]
    static var jobs: [String] { fields.keys.sorted() }

    init(event: [UInt8]) throws {
        guard event.count <= LambdaRequest.maximumEventBytes else { throw Invalid(description: "the event is larger than 256 KiB") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(event)) as? [String: Any] else {
            throw Invalid(description: #"the event is not a JSON object such as {"job": "metrics"}"#)
        }
        if let key = JSONDuplicateKeys.first(in: event) {
            throw Invalid(description: "the event names \"\(TerminalText.sanitized(String(key.prefix(40))))\" twice in one object: which one was meant is unclear")
        }
        guard let job = object["job"] as? String else {
            throw Invalid(description: #"the event has no "job" (one of \#(LambdaRequest.jobs.joined(separator: ", ")))"#)
        }
        guard let allowed = LambdaRequest.fields[job] else {
            throw Invalid(description: "unknown job '\(TerminalText.sanitized(String(job.prefix(40))))': one of \(LambdaRequest.jobs.joined(separator: ", "))")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Invalid(description: "the \(job) event has an unknown field '\(TerminalText.sanitized(String(unknown.prefix(40))))' (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        self.job = job
        switch job {
        case "metrics":
            var arguments = ["ingest", "metrics"]
            if let date = object["date"] {
                guard let text = date as? String else { throw Invalid(description: #""date" must be a string YYYY-MM-DD"#) }
                arguments += ["--date", text]
            }
            work = .command(arguments)
        case "releases":
            work = .command(["ingest", "releases"])
        case "transform":
            var arguments = ["transform"]
            if let engine = object["engine"] {
                guard let text = engine as? String else { throw Invalid(description: #""engine" must be "local" or "athena""#) }
                arguments += ["--engine", text]
            }
            if try LambdaRequest.flag(object, "full") { arguments.append("--full") }
            work = .command(arguments)
        case "catalog":
            work = .command(["catalog", "sync"])
        case "artists_add":
            guard let ids = object["ids"] as? [String], !ids.isEmpty, ids.count <= 10_000 else {
                throw Invalid(description: #""ids" must be a list of 1 to 10,000 Spotify artist ids"#)
            }
            // Ids (or their URIs and links) only: a name would be a search, and `--yes` would accept its best match unseen.
            if let bad = ids.first(where: { (try? SpotifyID(parsing: $0, kind: .artist)) == nil }) {
                throw Invalid(description: "'\(TerminalText.sanitized(String(bad.prefix(40))))' is not a Spotify artist id (22 letters and digits)")
            }
            work = .command(["artists", "add", "--yes"] + ids)
        case "analytics":
            work = .pipeline(.analytics(plan: try object["plan"].map { try LambdaRequest.plan($0) }))
        case "dashboard":
            work = .pipeline(.dashboard)
        case "transform_plan":
            work = .pipeline(.plan(runID: try LambdaRequest.runID(object), full: try LambdaRequest.flag(object, "full")))
        case "transform_promote":
            guard let plan = object["plan"] else { throw Invalid(description: #"the transform_promote event needs "plan" (the transform_plan job's answer)"#) }
            work = .pipeline(.promote(plan: try LambdaRequest.plan(plan)))
        case "transform_cleanup":
            work = .pipeline(.cleanup(runID: try LambdaRequest.runID(object)))
        default:
            work = .command(["run"])
        }
    }

    static func flag(_ object: [String: Any], _ name: String) throws -> Bool {
        guard let value = object[name] else { return false }
        guard let flag = value as? Bool else { throw Invalid(description: "\"\(name)\" must be true or false") }
        return flag
    }

    static func runID(_ object: [String: Any]) throws -> String {
        guard let text = object["run_id"] as? String else { throw Invalid(description: #""run_id" must be a string (the execution's name)"#) }
        do { try AthenaSettings.validateRunID(text) } catch { throw Invalid(description: "\(error)") }
        return text
    }

    static func plan(_ value: Any) throws -> AthenaTransformPlan {
        guard JSONSerialization.isValidJSONObject(value), let data = try? JSONSerialization.data(withJSONObject: value),
              let plan = try? JSONDecoder().decode(AthenaTransformPlan.self, from: data) else {
            throw Invalid(description: #""plan" must be the plan the transform_plan job answered (run_id, mode, months, lake, ...)"#)
        }
        return plan
    }
}
