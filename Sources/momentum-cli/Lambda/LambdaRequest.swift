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
        /// A command the ingestion state machine invokes until it is done: stopped at the
        /// deadline, it answers "incomplete" (not an error) and the machine invokes it again.
        case loop(IngestLoop)
    }

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// Step Functions' largest state payload.
    static let maximumEventBytes = 256 * 1024

    /// The fields each job takes; any other is refused by name.
    static let fields: [String: Set<String>] = [
        "metrics": ["job", "date"], "releases": ["job"], "transform": ["job", "engine", "full"], "run": ["job"],
        "catalog": ["job"], "analytics": ["job", "plan"], "dashboard": ["job", "site"], "dashboard_plan": ["job", "parts"], "dashboard_part": ["job", "site", "index"], "artists_add": ["job", "ids"],
        "transform_plan": ["job", "run_id", "full"], "transform_promote": ["job", "plan"], "transform_cleanup": ["job", "run_id"],
        "alerts": ["job", "since"],
        "pipeline_claim": ["job", "execution", "started", "input"], "pipeline_finish": ["job", "execution", "day"],
        "pipeline_release": ["job", "execution", "day"], "ingest": ["job", "input", "started", "attempt"],
        "analytics_plan": ["job", "plan", "shards"], "analytics_shard": ["job", "shards", "index"], "analytics_publish": ["job", "plan", "shards"],
    ]
    static var jobs: [String] { fields.keys.sorted() }

    init(event: [UInt8]) throws {
        guard event.count <= LambdaRequest.maximumEventBytes else { throw Invalid(description: "the event is larger than 256 KiB") }
        if let key = JSONDuplicateKeys.first(in: event) {
            throw Invalid(description: "the event names \"\(TerminalText.sanitized(String(key.prefix(40))))\" twice in one object: which one was meant is unclear")
        }
        let decoded: LambdaEvent
        do {
            decoded = try JSONDecoder().decode(LambdaEvent.self, from: Data(event))
        } catch let invalid as Invalid {
            throw invalid
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is Invalid {
            throw context.underlyingError as? Invalid ?? Invalid(description: "\(context.debugDescription)")
        } catch {
            throw Invalid(description: #"the event is not a JSON object such as {"job": "metrics"}"#)
        }
        job = decoded.job
        work = try decoded.work()
    }
}
