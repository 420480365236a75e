// Regression tests for hostile and out-of-contract input to LakeKit: each case trapped, leaked
// memory or passed silently before.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumTestSupport
import Testing

@Suite struct LakeGuardRailTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func record(day: String, followers: String = "1", popularity: String = "1", capturedAt: String? = nil) -> String {
        #"{"artist_id":"AAAAAAAAAAAAAAAAAAAAAA","artist_name":"A","followers":\#(followers),"popularity":\#(popularity),"genres":[],"captured_at":"\#(capturedAt ?? day + "T06:00:00Z")","source":"t"}"#
    }

    @Test(arguments: [
        "0001-01-01T00:00:00Z", "1677-09-21T00:00:00Z", "2262-04-12T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
    ])
    func timestampsOutsideNanosecondRangeAreRefusedNotTrapped(_ text: String) {
        #expect(Instant(iso: text) == nil)
        let (records, malformed) = (try? JSONLines.decode(MetricObservation.self, from: bytes(record(day: "2026-01-01", capturedAt: text)), source: "k")) ?? ([], [])
        #expect(records.isEmpty && malformed.count == 1)
    }

    @Test func outOfContractValuesAreRejectedWithTheirLine() throws {
        let day = "2026-01-01"
        let lines = [
            record(day: "2026-01-01"),
            record(day: "2026-01-01", followers: "-5"),
            record(day: "2026-01-01", popularity: "101"),
            record(day: "2026-01-01", popularity: "3000000000"),
            record(day: "2026-01-01", capturedAt: "2026-01-01T07:00:00+01:00"),
            record(day: "2026-01-02"),
            record(day: "2026-01-01", followers: "99999999999999999999"),
        ]
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: bytes(lines.joined(separator: "\n")), source: "raw/k", partitionDay: day)
        #expect(records.count == 1)
        #expect(malformed.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(malformed[0].description.contains("followers -5 is negative"))
        #expect(malformed[4].description.contains("not on the file's day dt=2026-01-01"))
    }

    @Test func invalidUTF8IsALineErrorNotAReplacementCharacter() throws {
        var data = bytes(record(day: "2026-01-01")) + [0x0a]
        data += bytes(#"{"artist_id":"AAAAAAAAAAAAAAAAAAAAAA","artist_name":"bad "#) + [0xff, 0xfe] + bytes(#"","captured_at":"2026-01-01T06:00:00Z"}"#)
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: data, source: "k")
        #expect(records.count == 1)
        #expect(malformed.map(\.line) == [2] && malformed[0].reason.contains("UTF-8"))
    }

    @Test func aLineLongerThanTheCapIsSkippedWithoutBufferingIt() throws {
        // 4 MiB of one line, gzip-compressed to a few KiB, between two good lines.
        var text = record(day: "2026-01-01") + "\n"
        text += String(repeating: "x", count: 4 << 20) + "\n"
        text += record(day: "2026-01-01") + "\n"
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: try Gzip.compress(bytes(text)), source: "big.jsonl.gz")
        #expect(records.count == 2)
        #expect(malformed.map(\.line) == [2] && malformed[0].reason.contains("longer than"))
    }

    @Test func snappyRefusesHostileHeadersAndOverruns() {
        // A header claiming 2 GiB for a few bytes, and a copy that runs past the declared length.
        #expect(throws: LakeError.self) { try Snappy.decompress([0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x41]) }
        #expect(throws: LakeError.self) { try Snappy.decompress([0x02, 0x00, 0x41, 0x01, 0x01]) }
        #expect((try? Snappy.decompress(Snappy.compress(Array(repeating: 7, count: 100_000)))) == Array(repeating: 7, count: 100_000))
    }
}

@Suite struct LakeStorageGuardRailTests {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lake-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func createIsConditionalAndOnlyOneOfManyRacersWins() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let winners = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<16 { group.addTask { (try? await store.create("x/lock.json", bytes: [UInt8(index)])) ?? false } }
            var count = 0
            for await won in group where won { count += 1 }
            return count
        }
        #expect(winners == 1)
        #expect(try await store.create("x/lock.json", bytes: [9]) == false)
    }

    @Test func anUnreadableObjectIsAnIOErrorNeverNotFound() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        // A folder where a file should be: reading it fails with EISDIR even as root.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("state/artists.json"), withIntermediateDirectories: true)
        await #expect(throws: LakeError.ioKind) { try await store.get("state/artists.json") }
        await #expect(throws: LakeError.notFoundKind) { try await store.get("state/none.json") }
    }

    @Test func unreadableFoldersAndStrayFilesAreReportedByTheRawReader() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let good = MetricObservation(artistID: "AAAAAAAAAAAAAAAAAAAAAA", artistName: "A", followers: 1, popularity: 1,
                                   capturedAt: try #require(Day(iso: "2026-01-01")).start, source: "t")
        try await store.put("raw/artist_metrics/dt=2026-01-01/r.jsonl", bytes: JSONLines.encode([good]))
        try await store.put("raw/artist_metrics/stray.jsonl", bytes: JSONLines.encode([good]))
        // A symlink loop: unreadable for root too (ELOOP).
        let loop = root.appendingPathComponent("raw/artist_metrics/dt=2026-01-02").path
        #expect(symlink(loop, loop) == 0)
        let read = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store)
        #expect(read.recordCount == 1)
        let problems = read.malformed.map(\.description)
        #expect(problems.contains { $0.contains("dt=2026-01-02") && $0.contains("cannot be read") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("raw/artist_metrics/stray.jsonl") && $0.contains("not in a dt=") }, "\(problems)")
    }

    @Test func orphanedTemporaryFilesAreRemovedWhenTheLockIsTaken() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let orphan = root.appendingPathComponent("raw/releases/dt=2026-01-01/.x.jsonl.\(UUID().uuidString).tmp")
        try FileManager.default.createDirectory(at: orphan.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([1, 2]).write(to: orphan)
        try await LakeLock.withLock(store, command: "test") {}
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
    }

    @Test func aWaiterWaitsOnItsClockNotOnRealTime() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let first = try await LakeLock.acquire(store, command: "holder")
        let clock = SleepRecorder()
        let started = ContinuousClock.now
        await #expect(throws: LakeError.lockedKind) {
            _ = try await LakeLock.acquire(store, command: "waiter", wait: .seconds(30), pollInterval: .seconds(1), clock: clock)
        }
        // Thirty polls of a second on the injected clock, in far less real time.
        #expect(clock.waits.count == 30 && clock.waits.allSatisfy { $0 == 1 }, "\(clock.waits)")
        #expect(ContinuousClock.now - started < .seconds(5))
        try await first.release()
    }

    @Test func aSecondLockerWaitsThenNamesTheHolder() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let first = try await LakeLock.acquire(store, command: "momentum ingest metrics")
        do {
            _ = try await LakeLock.acquire(store, command: "second", wait: .milliseconds(300))
            Issue.record("the second locker got the lock")
        } catch let error as LakeError {
            #expect(error.isKind(of: .lockedKind))
            #expect(error.message.contains("momentum ingest metrics") && error.message.contains("pid \(getpid())"))
        }
        try await first.release()
        let second = try await LakeLock.acquire(store, command: "second", wait: .milliseconds(300))
        try await second.release()
    }

    @Test func aRenewedLockStaysReleased() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        for _ in 0..<5 {
            let lock = try await LakeLock.acquire(store, command: "renewing", lease: .milliseconds(60))
            try await Task.sleep(for: .milliseconds(70))
            try await lock.release()
            try await Task.sleep(for: .milliseconds(40))
            #expect(try await LakeLock.read(store) == nil, "a renewal brought a released lock back")
        }
    }

    @Test func aDeadHoldersLockIsRecoveredOnceByOneOfManyWaiters() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        // A holder on this host whose process is gone (pid 2^22 - 1 is above Linux's default pid_max of 2^22... or unused).
        let dead = LakeLockHolder(token: "dead", command: "killed", host: ProcessInfo.processInfo.hostName, pid: 4_194_303,
                                  acquiredAt: "2026-01-01T00:00:00Z", leaseUntil: Int64.max)
        let encoder = JSONEncoder()
        #expect(try await store.create(LakeLock.key, bytes: [UInt8](encoder.encode(dead))))
        // Many waiters at once: each gets the lock in turn, never two together.
        let inside = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask {
                    // A generous wait: other suites' process tests can starve this one's threads on a 2-core machine.
                    try await LakeLock.withLock(store, command: "waiter \(index)", wait: .seconds(180)) {
                        #expect(inside.enter() == 1)
                        try await Task.sleep(for: .milliseconds(20))
                        inside.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await LakeLock.read(store) == nil)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("_momentum").path))
    }

    private func plant(_ holder: LakeLockHolder, in store: FileSystemObjectStore) async throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = [UInt8](try encoder.encode(holder)) + [0x0a]
        try await store.put(LakeLock.key, bytes: bytes)
        return bytes
    }

    @Test func aLiveHolderOnThisHostKeepsItsLockWhateverItsLeaseSays() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        // pid 1 is alive on every Linux machine; its lease ended an hour ago (a clock that jumped).
        let live = LakeLockHolder(token: "live", command: "transform", host: ProcessInfo.processInfo.hostName, pid: 1,
                                  acquiredAt: "2026-01-01T00:00:00Z", leaseUntil: nowNanoseconds() - 3_600_000_000_000)
        let planted = try await plant(live, in: store)
        await #expect(throws: LakeError.lockedKind) { _ = try await LakeLock.acquire(store, command: "second", wait: .milliseconds(300)) }
        #expect(try await store.get(LakeLock.key) == planted)
    }

    @Test func anotherHostsLeaseToleratesClockSkew() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let minute: Int64 = 60_000_000_000
        // Five minutes "expired" by this clock: the holder's clock may be five minutes behind.
        let skewed = LakeLockHolder(token: "skewed", command: "transform", host: "other-host", pid: 77,
                                    acquiredAt: "2026-01-01T00:00:00Z", leaseUntil: nowNanoseconds() - 5 * minute)
        _ = try await plant(skewed, in: store)
        await #expect(throws: LakeError.lockedKind) { _ = try await LakeLock.acquire(store, command: "second", wait: .milliseconds(300)) }
        // Expired by more than any host's clock can be off: taken over.
        let gone = LakeLockHolder(token: "gone", command: "transform", host: "other-host", pid: 77,
                                  acquiredAt: "2026-01-01T00:00:00Z", leaseUntil: nowNanoseconds() - 20 * minute)
        _ = try await plant(gone, in: store)
        let lock = try await LakeLock.acquire(store, command: "second", wait: .seconds(5))
        try await lock.release()
        // A holder that stops renewing is taken over once a waiter has watched it for a whole lease.
        let silent = LakeLockHolder(token: "silent", command: "transform", host: "other-host", pid: 77,
                                    acquiredAt: "2026-01-01T00:00:00Z", leaseUntil: nowNanoseconds() + 10 * minute)
        _ = try await plant(silent, in: store)
        let watched = try await LakeLock.acquire(store, command: "third", wait: .seconds(5), lease: .milliseconds(600), pollInterval: .milliseconds(50))
        try await watched.release()
    }

    @Test func aLockReplacedBetweenTheReleasesReadAndItsDeleteIsKept() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let base = FileSystemObjectStore(root: root)
        let other = LakeLockHolder(token: "other", command: "second", host: "other-host", pid: 9,
                                   acquiredAt: "2026-01-01T00:00:00Z", leaseUntil: nowNanoseconds() + 60_000_000_000)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Another writer replaces the lock as the release looks at it: a release that reads,
        // compares and then deletes would delete the other writer's lock.
        let store = ReplacingAfterRead(base: base, key: LakeLock.key, replacement: [UInt8](try encoder.encode(other)) + [0x0a])
        let lock = try await LakeLock.acquire(store, command: "first")
        try await lock.release()
        #expect(try await LakeLock.read(base)?.token == "other", "the other writer's lock is left in place")
    }

    @Test func aReleaseRemovesOnlyItsOwnLock() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let lock = try await LakeLock.acquire(store, command: "first")
        // Someone else's lock replaced ours meanwhile (a takeover after a long pause).
        let other = LakeLockHolder(token: "other", command: "second", host: "other-host", pid: 9,
                                   acquiredAt: "2026-01-01T00:00:00Z", leaseUntil: nowNanoseconds() + 60_000_000_000)
        let planted = try await plant(other, in: store)
        try await lock.release()
        #expect(try await store.get(LakeLock.key) == planted, "the other holder's lock is left in place")
        #expect(try await store.delete(LakeLock.key, ifContentIs: planted))
        #expect(try await LakeLock.read(store) == nil)
        #expect(try await !store.delete(LakeLock.key, ifContentIs: planted))
    }
}

/// A folder store where another writer replaces `key` right after its first read, or as a
/// conditional delete of it starts, whichever comes first.
private struct ReplacingAfterRead: ObjectStore {
    let base: FileSystemObjectStore
    let key: String
    let replacement: [UInt8]
    let fired = Flag()

    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var raised = false
        func raiseOnce() -> Bool { lock.withLock { defer { raised = true }; return !raised } }
    }

    var location: String { base.location }
    func list(prefix: String) async throws -> [ObjectInfo] { try await base.list(prefix: prefix) }
    func get(_ key: String) async throws -> [UInt8] {
        let bytes = try await base.get(key)
        if key == self.key, fired.raiseOnce() { try await base.put(key, bytes: replacement) }
        return bytes
    }
    func put(_ key: String, bytes: [UInt8]) async throws { try await base.put(key, bytes: bytes) }
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool { try await base.create(key, bytes: bytes) }
    func delete(_ key: String) async throws { try await base.delete(key) }
    func delete(_ key: String, ifContentIs expected: [UInt8]) async throws -> Bool {
        // The other writer may as well come just as the conditional delete starts.
        if key == self.key, fired.raiseOnce() { try await base.put(key, bytes: replacement) }
        return try await base.delete(key, ifContentIs: expected)
    }
}

private func nowNanoseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func enter() -> Int { lock.withLock { value += 1; return value } }
    func leave() { lock.withLock { value -= 1 } }
}
