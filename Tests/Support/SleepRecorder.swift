// A clock that records the waits it is asked for instead of sleeping: back-offs and Retry-After
// waits are checked, and tests run at once. Its time moves on by each wait.

import Foundation

/// A clock that records the waits the client asks for (in seconds) instead of sleeping.
public final class SleepRecorder: Clock, @unchecked Sendable {
    public typealias Instant = ContinuousClock.Instant
    private let lock = NSLock()
    private var _waits: [Double] = []
    private var _now = ContinuousClock.now

    /// A recorder whose time starts now.
    public init() {}
    public var waits: [Double] { lock.withLock { _waits } }
    public var now: Instant { lock.withLock { _now } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        lock.withLock {
            let wait = deadline - _now
            _waits.append(Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            if deadline > _now { _now = deadline }
        }
    }
}
