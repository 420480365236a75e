// One pipeline run per day: the claim a state machine execution takes first. A second execution
// of the day is refused while the first runs and after it is done, and writes nothing; a retried
// claim task is the same claim; the day is free again after a failure, after `rerun`, and once
// a vanished execution could no longer be running; of many executions claiming at once, one runs.

import Foundation
import LakeKit
import MomentumAnalytics
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct PipelineDayClaimTests {
    let started = Instant(iso: "2026-12-05T07:00:04.123Z")!
    let scheduled = Instant(iso: "2026-12-05T07:00:00Z")!
    var day: Day { scheduled.day }

    /// Every object of the store, with its bytes.
    func snapshot(_ store: FileSystemObjectStore) async throws -> [String: [UInt8]] {
        var objects: [String: [UInt8]] = [:]
        for object in try await store.list(prefix: "") { objects[object.key] = try await store.get(object.key) }
        return objects
    }

    func lake() throws -> (FileSystemObjectStore, URL) {
        let folder = try Repository.temporaryFolder("day-claim")
        let store = FileSystemObjectStore(root: folder)
        return (store, folder)
    }

    @Test func aSecondExecutionOfTheDayIsRefusedAndWritesNothing() async throws {
        let (store, folder) = try lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await store.put("raw/artist_metrics/dt=2026-12-05/r1.jsonl", bytes: Array("{}\n".utf8))
        let first = try await PipelineDayClaim.claim(in: store, execution: "first", started: started, scheduled: scheduled, rerun: false, now: started)
        #expect(first == .init(claimed: true, day: day, state: "claimed", holder: "first"))
        // The claim task retried (its answer lost): the same execution holds the day still.
        let retried = try await PipelineDayClaim.claim(in: store, execution: "first", started: started, scheduled: scheduled, rerun: false, now: started)
        #expect(retried.claimed)

        let before = try await snapshot(store)
        let later = Instant(nanosecondsSinceEpoch: started.nanosecondsSinceEpoch + 3_600_000_000_000)
        let second = try await PipelineDayClaim.claim(in: store, execution: "second", started: later, scheduled: scheduled, rerun: true, now: later)
        #expect(second == .init(claimed: false, day: day, state: "running", holder: "first"), "rerun does not take a running day")
        // Started by hand the same day, without the schedule's time: the day it started.
        let byHand = try await PipelineDayClaim.claim(in: store, execution: "by-hand", started: later, scheduled: nil, rerun: false, now: later)
        #expect(byHand.claimed == false && byHand.holder == "first")
        #expect(try await snapshot(store) == before, "a refused execution touched the lake")

        try await PipelineDayClaim.finish(in: store, day: day, execution: "first", now: later)
        try await PipelineDayClaim.finish(in: store, day: day, execution: "first", now: later)  // retried: still done
        let afterDone = try await snapshot(store)
        let third = try await PipelineDayClaim.claim(in: store, execution: "third", started: later, scheduled: scheduled, rerun: false, now: later)
        #expect(third == .init(claimed: false, day: day, state: "done", holder: "first"))
        #expect(try await snapshot(store) == afterDone)
        await #expect(throws: LakeError.self) { try await PipelineDayClaim.finish(in: store, day: day, execution: "third", now: later) }

        // Asked to run the day again, an execution takes the done day over.
        let rerun = try await PipelineDayClaim.claim(in: store, execution: "rerun", started: later, scheduled: scheduled, rerun: true, now: later)
        #expect(rerun.claimed)
        // The next day is another claim.
        let tomorrow = Instant(nanosecondsSinceEpoch: scheduled.nanosecondsSinceEpoch + 86_400_000_000_000)
        #expect(try await PipelineDayClaim.claim(in: store, execution: "tomorrow", started: tomorrow, scheduled: tomorrow, rerun: false, now: tomorrow).claimed)
        // Only the claims were written, hidden from the lake's readers.
        let written = Set(try await snapshot(store).keys).subtracting(before.keys)
        #expect(written == [PipelineDayClaim.key(for: tomorrow.day)], "\(written)")
    }

    @Test func aFailedRunFreesTheDayAndAVanishedOneHoldsItUntilItCannotBeRunning() async throws {
        let (store, folder) = try lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await PipelineDayClaim.claim(in: store, execution: "failing", started: started, scheduled: scheduled, rerun: false, now: started)
        #expect(try await PipelineDayClaim.release(in: store, day: day, execution: "another") == false, "only the holder frees the day")
        #expect(try await PipelineDayClaim.release(in: store, day: day, execution: "failing"))
        #expect(try await PipelineDayClaim.release(in: store, day: day, execution: "failing") == false)
        #expect(try await PipelineDayClaim.claim(in: store, execution: "next", started: started, scheduled: scheduled, rerun: false, now: started).claimed)

        // "next" vanishes (stopped by hand): its claim holds for the machine's timeout and the
        // clock skew allowed, then the day is free.
        let lifetime = LakeLock.nanoseconds(PipelineDayClaim.executionTimeout + LakeLock.clockSkewAllowance)
        let justBefore = Instant(nanosecondsSinceEpoch: started.nanosecondsSinceEpoch + lifetime - 1_000_000_000)
        let justAfter = Instant(nanosecondsSinceEpoch: started.nanosecondsSinceEpoch + lifetime + 1_000_000_000)
        #expect(try await PipelineDayClaim.claim(in: store, execution: "early", started: justBefore, scheduled: scheduled, rerun: false, now: justBefore).claimed == false)
        let late = try await PipelineDayClaim.claim(in: store, execution: "late", started: justAfter, scheduled: scheduled, rerun: false, now: justAfter)
        #expect(late.claimed)
        await #expect(throws: LakeError.self) { try await PipelineDayClaim.finish(in: store, day: day, execution: "next", now: justAfter) }
        #expect(try await store.list(prefix: "_momentum/").map(\.key) == [PipelineDayClaim.key(for: day)], "no take-over object is left behind")
    }

    @Test func ofManyExecutionsClaimingAtOnceOneRuns() async throws {
        let (store, folder) = try lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A stale claim first, so that the racers also race to take it over.
        let old = Instant(nanosecondsSinceEpoch: started.nanosecondsSinceEpoch - 7 * 3_600_000_000_000)
        _ = try await PipelineDayClaim.claim(in: store, execution: "vanished", started: old, scheduled: scheduled, rerun: false, now: old)
        let outcomes = try await withThrowingTaskGroup(of: PipelineDayClaim.Outcome.self) { group in
            for index in 0..<16 {
                group.addTask {
                    try await PipelineDayClaim.claim(in: store, execution: "racer-\(index)", started: started, scheduled: scheduled, rerun: false, now: started)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = outcomes.filter(\.claimed)
        #expect(winners.count == 1, "\(outcomes)")
        #expect(outcomes.allSatisfy { $0.holder == winners.first?.holder })
    }

    @Test func anUnreadableClaimIsLeftForAPerson() async throws {
        let (store, folder) = try lake()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await store.put(PipelineDayClaim.key(for: day), bytes: Array("not json".utf8))
        await #expect(throws: LakeError.self) {
            try await PipelineDayClaim.claim(in: store, execution: "first", started: started, scheduled: scheduled, rerun: true, now: started)
        }
        #expect(try await store.get(PipelineDayClaim.key(for: day)) == Array("not json".utf8))
        await #expect(throws: EngineError.self) {
            try await PipelineDayClaim.claim(in: store, execution: "bad name/../x", started: started, scheduled: scheduled, rerun: false, now: started)
        }
    }
}
