// The one cache for values that expire: reused until the refresh margin, one refresh shared by
// concurrent callers, a failed refresh that keeps a still-valid value, and a waiter that leaves
// when its task is cancelled without cancelling the refresh the others wait for.

import Foundation
@testable import MomentumHTTP
import Testing

@Suite struct ExpiringValueTests {
    final class Source: @unchecked Sendable {
        let lock = NSLock()
        var calls = 0
        var fail = false
        var delay: Duration = .zero
        /// When set, a fetch waits for it to be opened.
        var gate: Gate?
        var lifetime: TimeInterval = 3600
        let now: @Sendable () -> Date

        init(now: @escaping @Sendable () -> Date) { self.now = now }

        func fetch() async throws -> (value: Int, expires: Date?) {
            let (number, failing, wait) = lock.withLock { () -> (Int, Bool, Duration) in calls += 1; return (calls, fail, delay) }
            if wait > .zero { try await Task.sleep(for: wait) }
            if let gate = lock.withLock({ self.gate }) { await gate.wait() }
            if failing { throw TransportError("the source is down") }
            return (number, now().addingTimeInterval(lifetime))
        }
    }

    final class ManualTime: @unchecked Sendable {
        let lock = NSLock()
        var current = Date(timeIntervalSince1970: 1_800_000_000)
        func now() -> Date { lock.withLock { current } }
        func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    }

    @Test func reusedUntilTheMarginThenRefreshedAndAFailedRefreshKeepsAValidValue() async throws {
        let time = ManualTime()
        let source = Source(now: { time.now() })
        let cache = ExpiringValue<Int>(refreshMargin: .seconds(600), now: { time.now() }) { try await source.fetch() }
        #expect(try await cache.value() == 1)
        time.advance(2000)
        #expect(try await cache.value() == 1 && source.calls == 1)
        time.advance(1100)   // 500 s left: inside the margin
        #expect(try await cache.value() == 2 && source.calls == 2)
        // The source fails while the value is still valid: the valid value is answered.
        time.advance(3100)
        source.lock.withLock { source.fail = true }
        #expect(try await cache.value() == 2 && source.calls == 3)
        // Once it has expired, the failure is the answer.
        time.advance(600)
        await #expect(throws: TransportError.self) { _ = try await cache.value() }
        // Invalidated: fetched again at once.
        source.lock.withLock { source.fail = false }
        #expect(try await cache.value() == 5)
        await cache.invalidate { $0 == 5 }
        #expect(try await cache.value() == 6)
    }

    @Test func concurrentCallersShareOneRefreshAndACancelledWaiterLeavesAlone() async throws {
        let source = Source(now: { Date() })
        let gate = Gate()
        source.gate = gate
        let cache = ExpiringValue<Int>(refreshMargin: .seconds(60)) { try await source.fetch() }
        async let a = cache.value()
        async let b = cache.value()
        let leaving = Task { try await cache.value() }
        try await Task.sleep(for: .milliseconds(50))
        // The refresh is held at the gate: the cancelled waiter must leave without it.
        leaving.cancel()
        await #expect(throws: CancellationError.self) { _ = try await leaving.value }
        await gate.open()
        let (first, second) = try await (a, b)
        #expect(first == 1 && second == 1 && source.calls == 1)
    }
}

/// Holds fetches until the test opens it.
actor Gate {
    private var opened = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if opened { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        opened = true
        waiting.forEach { $0.resume() }
        waiting = []
    }
}
