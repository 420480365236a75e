// An invocation's event, checked field by field, and the command line it stands for.

import Foundation
import MomentumEngine

struct LambdaRequest: Sendable {
    var job: String
    var arguments: [String]

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static let jobs = ["metrics", "releases", "transform", "run"]
    static let fields: [String: Set<String>] = [
        "metrics": ["job", "date"], "releases": ["job"], "transform": ["job", "engine", "full"], "run": ["job"],
    ]

    init(event: [UInt8]) throws {
        guard event.count <= 64 * 1024 else { throw Invalid(description: "the event is larger than 64 KiB") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(event)) as? [String: Any] else {
            throw Invalid(description: #"the event is not a JSON object such as {"job": "metrics"}"#)
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
            arguments = ["ingest", "metrics"]
            if let date = object["date"] {
                guard let text = date as? String else { throw Invalid(description: #""date" must be a string YYYY-MM-DD"#) }
                arguments += ["--date", text]
            }
        case "releases":
            arguments = ["ingest", "releases"]
        case "transform":
            arguments = ["transform"]
            if let engine = object["engine"] {
                guard let text = engine as? String else { throw Invalid(description: #""engine" must be "local" or "athena""#) }
                arguments += ["--engine", text]
            }
            if let full = object["full"] {
                guard let flag = full as? Bool else { throw Invalid(description: #""full" must be true or false"#) }
                if flag { arguments.append("--full") }
            }
        default:
            arguments = ["run"]
        }
    }
}
