// Ingestion inside a state machine (deploy/state-machine/ingest.asl.json): a roster too large
// for one invocation (Development Mode asks Spotify one artist at a time) is ingested by the
// machine invoking the job again and again. Each invocation stops before its deadline with what
// it stored kept, and answers "incomplete" with the count of invocations so far; the machine
// loops on that answer (Step Functions cannot tell a loop's attempts apart from failures'
// retries otherwise) up to its cap, then raises its alarm. Every invocation of one execution
// files its metrics under the same day, the schedule's, even past midnight: each artist has
// that day's snapshot once, and the next day's run asks for everyone again.

import Foundation
import MomentumAnalytics
import MomentumEngine

struct IngestLoop: Sendable, Equatable {
    enum Kind: String, Sendable { case metrics, releases }

    /// The cap of the machine's loop.
    static let maximumInvocations = IngestionLoop.maximumInvocations

    var kind: Kind
    /// The schedule's time (or the execution's start): its day names the metrics' day.
    var scheduled: Instant
    /// Invocations before this one.
    var attempt: Int

    /// The command line it runs.
    var arguments: [String] {
        switch kind {
        case .metrics: ["ingest", "metrics", "--audience", "--date", scheduled.day.isoString]
        case .releases: ["ingest", "releases"]
        }
    }

    /// The answer the machine reads: whether to invoke again, and the invocations so far.
    func answer(done: Bool) -> [UInt8] {
        let object: [String: Any] = ["job": kind.rawValue, "status": done ? "done" : "incomplete", "attempt": attempt + 1,
                                     "day": scheduled.day.isoString, "scheduled_time": scheduled.isoString]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }
}
