// One run of the daily pipeline per day, by construction. The state machine's first state claims
// the day: an object `_momentum/pipeline/<day>.json` created with a conditional put, naming the
// execution. A second execution for the same day finds it and stops before touching anything
// else (the claim is only read): while the first runs it fails fast, after the first succeeded it
// ends at once. The last state marks the claim done; the failure path removes it, so the day
// can be run again. A claim whose execution vanished without either (an execution stopped by
// hand) holds only until that execution could no longer be running: Step Functions ends every
// execution after the machine's timeout, counted from the start time it hands the claim, and
// the clocks of the hosts involved are allowed the same skew as the lake lock's.
//
// The day is the schedule's (EventBridge Scheduler's `<aws.scheduler.scheduled-time>` in the
// input), so a retried invocation after midnight is still that day's; an execution started by
// hand without it is the day it started. `"rerun": true` in the input runs a day that is done.

import Foundation
import LakeKit
import MomentumAnalytics

/// The claim of one day's pipeline run, as stored.
package struct PipelineDayClaim: Codable, Sendable, Equatable {
    package enum State: String, Codable, Sendable { case running, done }

    /// The day claimed, `YYYY-MM-DD`.
    package var day: String
    /// The Step Functions execution's name.
    package var execution: String
    package var state: State
    /// When the execution started (Step Functions' clock), ISO 8601.
    package var startedAt: String
    /// From when a claim still `running` is known dead: the start plus the machine's timeout
    /// and the clock skew allowed.
    package var expiresAt: String
    /// When the execution marked the day done.
    package var finishedAt: String?

    enum CodingKeys: String, CodingKey {
        case day, execution, state
        case startedAt = "started_at", expiresAt = "expires_at", finishedAt = "finished_at"
    }

    /// The state machine's timeout (`TimeoutSeconds`): no execution runs longer.
    package static let executionTimeout: Duration = .seconds(6 * 3600)

    /// This host's clock, as the lake lock reads it.
    package static var currentTime: Instant { Instant(nanosecondsSinceEpoch: LakeLock.now()) }

    /// Where the claim of `day` is; hidden, so readers of the lake ignore it.
    package static func key(for day: Day) -> String { "_momentum/pipeline/\(day.isoString).json" }

    /// What a claim attempt found.
    package struct Outcome: Sendable, Equatable {
        /// True when this execution runs the day (also when it had claimed it already: a retried task).
        package var claimed: Bool
        package var day: Day
        /// `claimed`, or why not: `running` (another execution runs the day) or `done`.
        package var state: String
        /// The execution holding the day.
        package var holder: String

        package init(claimed: Bool, day: Day, state: String, holder: String) {
            (self.claimed, self.day, self.state, self.holder) = (claimed, day, state, holder)
        }
    }

    /// Claims the day for `execution`. Nothing is written unless the day is free, or its claim
    /// is stale (expired while running, or done and `rerun` asked for).
    ///
    /// - Parameters:
    ///   - started: the execution's start time, as Step Functions gives it (`$$.Execution.StartTime`).
    ///   - scheduled: the schedule's time for this run, if the schedule gave one: it names the day.
    ///   - now: this host's clock, compared with the expiry only.
    package static func claim(in store: any ObjectStore, execution: String, started: Instant, scheduled: Instant?,
                              rerun: Bool, now: Instant) async throws -> Outcome {
        try AthenaSettings.validateRunID(execution)
        let day = (scheduled ?? started).day
        let key = key(for: day)
        let expires = Instant(nanosecondsSinceEpoch: started.nanosecondsSinceEpoch
                              + LakeLock.nanoseconds(executionTimeout + LakeLock.clockSkewAllowance))
        let mine = PipelineDayClaim(day: day.isoString, execution: execution, state: .running,
                                    startedAt: started.isoString, expiresAt: expires.isoString)
        let bytes = try mine.encoded()
        // Each pass either claims, stops, or removes a stale claim that was there: a few passes
        // end it unless other executions keep claiming and dying in between.
        for _ in 0..<5 {
            if try await store.create(key, bytes: bytes) { return Outcome(claimed: true, day: day, state: "claimed", holder: execution) }
            guard let (current, stored) = try await read(key, in: store) else { continue }
            if current.execution == execution { return Outcome(claimed: true, day: day, state: "claimed", holder: execution) }
            let stale: Bool
            switch current.state {
            case .done: stale = rerun
            case .running: stale = (Instant(iso: current.expiresAt).map { $0 < now } ?? false)
            }
            guard stale else { return Outcome(claimed: false, day: day, state: current.state.rawValue, holder: current.execution) }
            try await store.removeStale(key, claim: "_momentum/pipeline/\(day.isoString).takeover-\(current.execution)-\(current.state.rawValue).json",
                                        claimBytes: stored) { $0 == stored }
        }
        throw LakeError.locked("the pipeline claim \(key) kept changing while execution \(execution) tried to take it; try again")
    }

    /// Marks the day done, if `execution` holds it (again: a retried task finds it done).
    package static func finish(in store: any ObjectStore, day: Day, execution: String, now: Instant) async throws {
        let key = key(for: day)
        guard let (current, _) = try await read(key, in: store), current.execution == execution else {
            throw LakeError.locked("execution \(execution) no longer holds the pipeline claim \(key); another execution may have run \(day.isoString) meanwhile")
        }
        guard current.state == .running else { return }
        var done = current
        done.state = .done
        done.finishedAt = now.isoString
        // Only the holder writes a claim it holds, and nobody takes a running claim over before
        // its execution has ended: a plain put is safe here.
        try await store.put(key, bytes: try done.encoded())
    }

    /// Removes the claim after a failure, if `execution` still holds it, so the day can run
    /// again. True when it removed it.
    @discardableResult
    package static func release(in store: any ObjectStore, day: Day, execution: String) async throws -> Bool {
        let key = key(for: day)
        guard let (current, stored) = try await read(key, in: store), current.execution == execution else { return false }
        return try await store.delete(key, ifContentIs: stored)
    }

    /// The claim at `key` and its bytes, or nil when there is none.
    static func read(_ key: String, in store: any ObjectStore) async throws -> (PipelineDayClaim, [UInt8])? {
        let bytes: [UInt8]
        do { bytes = try await store.get(key) } catch let error as LakeError where error.isKind(of: .notFoundKind) { return nil }
        guard bytes.count <= 64 * 1024, let claim = try? JSONDecoder().decode(PipelineDayClaim.self, from: Data(bytes)) else {
            throw LakeError.locked("the pipeline claim \(key) is unreadable; if no execution runs that day, delete it")
        }
        return (claim, bytes)
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(self)) + [0x0a]
    }
}
