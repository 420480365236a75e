// One writer at a time per lake: every command that writes takes this lock first. It is an
// object created with a conditional put (`create`), so it works the same on a folder and on S3
// (`If-None-Match: *`). A holder that dies leaves its object behind; it is recovered when its
// process is gone (same host: liveness decides, whatever the clocks say) or, on another host,
// when it stopped renewing: either its lease ran out by more than the clock skew any host that
// can sign S3 requests may have (15 minutes), or a waiter watched it go unrenewed for a whole
// lease on its own monotonic clock. Recovery of one stale lock is itself claimed with a
// conditional put, so two waiters cannot both take it over, and a release removes the lock
// only while it is still this holder's (``ObjectStore/delete(_:ifContentIs:)``).

import Foundation
import MomentumHTTP

/// Who holds a lake lock, as stored in the lock object.
public struct LakeLockHolder: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Unique per acquisition.
    public var token: String
    /// The command holding the lock.
    public var command: String
    /// The host it runs on.
    public var host: String
    /// Its process id.
    public var pid: Int32
    /// When it was taken, ISO 8601.
    public var acquiredAt: String
    /// Until when the holder promises to be alive unless it renews (nanoseconds since epoch).
    public var leaseUntil: Int64

    enum CodingKeys: String, CodingKey {
        case token, command, host, pid
        case acquiredAt = "acquired_at", leaseUntil = "lease_until_ns"
    }

    /// A holder record (times are nanoseconds since 1970 UTC).
    public init(token: String, command: String, host: String, pid: Int32, acquiredAt: String, leaseUntil: Int64) {
        self.token = token
        self.command = command
        self.host = host
        self.pid = pid
        self.acquiredAt = acquiredAt
        self.leaseUntil = leaseUntil
    }

    public var description: String { "`\(command)` (pid \(pid) on \(host), since \(acquiredAt))" }
}

/// An exclusive lock on a lake, held until `release()`.
public final class LakeLock: Sendable {
    /// The lock object; hidden, so readers of the lake ignore it.
    public static let key = "_momentum/lock.json"

    /// The store the lock is in.
    public let store: any ObjectStore
    /// Who holds it: this process.
    public let holder: LakeLockHolder
    private let renewal: Task<Void, Never>
    /// The lock object as this holder last wrote it (renewals change it).
    private let written: LockedBytes

    final class LockedBytes: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var value: [UInt8] {
            get { lock.withLock { bytes } }
            set { lock.withLock { bytes = newValue } }
        }
    }

    /// How far apart two hosts' clocks may be: S3 refuses requests signed more than 15 minutes
    /// off its own clock, so no host that can write the lock is further off than that.
    public static let clockSkewAllowance: Duration = .seconds(15 * 60)

    private init(store: any ObjectStore, holder: LakeLockHolder, bytes: [UInt8], lease: Duration, clock: any Clock<Duration>) {
        self.store = store
        self.holder = holder
        let written = LockedBytes(bytes)
        self.written = written
        self.renewal = Task { [store, holder] in
            var current = holder
            while true {
                do { try await clock.sleep(for: lease / 3) } catch { return }
                // Renew only while the lock is still ours. `release` cancels this task and
                // waits for it before deleting, so a renewal can never bring a released lock back.
                guard !Task.isCancelled, let stored = try? await LakeLock.read(store), stored.token == holder.token else { return }
                current.leaseUntil = LakeLock.now() + LakeLock.nanoseconds(lease)
                guard let bytes = try? LakeLock.encode(current) else { return }
                if (try? await store.put(LakeLock.key, bytes: bytes)) != nil { written.value = bytes }
            }
        }
    }

    /// Takes the lock, waiting up to `wait` for another holder to finish.
    ///
    /// - Parameters:
    ///   - store: the lake.
    ///   - command: what the holder is doing, shown to whoever waits.
    ///   - wait: how long to wait for another holder before failing with `LakeError.lockedKind`.
    ///   - pollInterval: how often a waiter looks again.
    ///   - lease: how long the lock stays valid without renewal (it is renewed every third of
    ///     that while held); a holder on another host is presumed dead after it.
    ///   - clock: what waits, polls and renewals are timed and sleep on (a test's clock
    ///     advances without real time passing). The lease itself is wall-clock time, which
    ///     every host reads from the lock.
    public static func acquire(
        _ store: any ObjectStore, command: String, wait: Duration = .seconds(30), lease: Duration = .seconds(120),
        pollInterval: Duration = .milliseconds(200), clock: any Clock<Duration> = ContinuousClock()
    ) async throws -> LakeLock {
        let started = now()
        let holder = LakeLockHolder(
            token: UUID().uuidString, command: String(command.prefix(200)), host: hostName(),
            pid: getpid(), acquiredAt: MachineTime.iso(secondsSinceEpoch: started / 1_000_000_000),
            leaseUntil: started + nanoseconds(lease))
        let waited = ElapsedTime(on: clock)
        let mine = try encode(holder)
        // Another host's lock as first seen unchanged, on this process's monotonic clock.
        var watched: (holder: LakeLockHolder, since: ElapsedTime)?
        while true {
            if try await store.create(key, bytes: mine) {
                return LakeLock(store: store, holder: holder, bytes: mine, lease: lease, clock: clock)
            }
            let current: LakeLockHolder
            do {
                guard let stored = try await read(store) else { continue }  // released meanwhile
                current = stored
            } catch let error as LakeError where error.isKind(of: .formatKind) {
                // A lock object we cannot parse is left for a person to look at.
                throw LakeError.locked("the lake at \(store.location) has an unreadable lock object \(key) (\(error.message)); if no momentum command is running, delete it")
            }
            if watched?.holder != current { watched = (current, ElapsedTime(on: clock)) }
            let unrenewed = watched?.since.value ?? .zero
            if isStale(current, unrenewedFor: unrenewed, lease: lease) {
                try await takeOver(current, in: store)
                continue
            }
            guard waited.value < wait else {
                throw LakeError.locked("the lake at \(store.location) is locked by \(current); waited \(wait.formattedSeconds). Try again when it has finished")
            }
            try await clock.sleep(for: pollInterval)
        }
    }

    /// The lakes whose lock this task (and its children) already hold: nested jobs (`run`
    /// calls the daily job) take the lock once.
    @TaskLocal static var held: Set<String> = []

    /// Runs `body` while holding the lock; re-entrant within one task tree. On a local lake,
    /// temporary files that killed writers left behind are removed once the lock is taken.
    /// `wait` and `clock` are as ``acquire(_:command:wait:lease:pollInterval:clock:)`` takes them.
    public static func withLock<T: Sendable>(
        _ store: any ObjectStore, command: String, wait: Duration = .seconds(30), clock: any Clock<Duration> = ContinuousClock(),
        _ body: () async throws -> T
    ) async throws -> T {
        if held.contains(store.location) { return try await body() }
        let lock = try await acquire(store, command: command, wait: wait, clock: clock)
        do {
            if let local = store as? FileSystemObjectStore { _ = try? local.removeOrphanedTemporaryFiles() }
            let result = try await $held.withValue(held.union([store.location])) { try await body() }
            try await lock.release()
            return result
        } catch {
            try? await lock.release()
            throw error
        }
    }

    /// Gives the lock up, only if it is still ours: the lock object is removed only while its
    /// bytes are the ones this holder last wrote.
    public func release() async throws {
        renewal.cancel()
        await renewal.value
        // In a task of its own: the holder may be a cancelled task (a Lambda deadline), whose
        // requests end at once, and the lock must go all the same.
        let (store, bytes) = (self.store, written.value)
        try await Task { _ = try await store.delete(LakeLock.key, ifContentIs: bytes) }.value
    }

    /// The current holder, if any.
    public static func read(_ store: any ObjectStore) async throws -> LakeLockHolder? {
        let bytes: [UInt8]
        do {
            bytes = try await store.get(key)
        } catch let error as LakeError where error.isKind(of: .notFoundKind) {
            return nil
        }
        do {
            return try JSONDecoder().decode(LakeLockHolder.self, from: Data(bytes))
        } catch {
            throw LakeError.format("not a lock document")
        }
    }

    /// Dead when its process is gone on this host (a live process holds the lock whatever its
    /// lease says: clocks can jump); on another host, when its lease ran out by more than the
    /// clock skew allowed, or when this waiter saw it unrenewed for a whole lease.
    static func isStale(_ holder: LakeLockHolder, unrenewedFor unrenewed: Duration = .zero, lease: Duration = .seconds(120)) -> Bool {
        if holder.host == hostName(), holder.pid > 0 {
            if holder.pid == getpid() { return false }
            return LocalProcess.isGone(holder.pid)
        }
        if holder.leaseUntil < now() - nanoseconds(clockSkewAllowance) { return true }
        return unrenewed > lease
    }

    /// Removes a stale lock, once: the right to remove the lock of token T is itself an object
    /// created conditionally, so of several waiters only one deletes, and only that lock.
    static func takeOver(_ stale: LakeLockHolder, in store: any ObjectStore) async throws {
        try await store.removeStale(key, claim: "_momentum/lock-takeover-\(stale.token).json", claimBytes: encode(stale)) { bytes in
            (try? JSONDecoder().decode(LakeLockHolder.self, from: Data(bytes)))?.token == stale.token
        }
    }

    static func encode(_ holder: LakeLockHolder) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(holder)) + [0x0a]
    }

    package static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    package static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max / 2 : whole &+ attoseconds / 1_000_000_000
    }

    static func hostName() -> String {
        ProcessInfo.processInfo.hostName
    }
}

extension Duration {
    var formattedSeconds: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int64(seconds)) s" : String(format: "%.1f s", seconds)
    }
}

/// Processes on this host, as owners of locks and scratch folders.
package enum LocalProcess {
    /// True when no process has the pid (signal 0 probes without signalling; a process of
    /// another user answers EPERM, and is alive).
    package static func isGone(_ pid: Int32) -> Bool {
        pid > 0 && kill(pid, 0) != 0 && errno == ESRCH
    }
}
