// The pace a service asks of one client: Deezer about 50 requests per 5 s per address,
// MusicBrainz one per second. A sliding window of the last starts on the injected clock: a
// request that would exceed the rate waits for the oldest start to leave the window, and the
// wait ends when its task is cancelled. Retries go through it too (each attempt is a request).

/// At most `requests` starts in any `interval`.
public struct RequestRate: Sendable, Hashable, CustomStringConvertible {
    /// Starts allowed per interval (at least 1).
    public var requests: Int
    /// The interval (at least a millisecond).
    public var interval: Duration

    /// A rate from its parts.
    public init(requests: Int, per interval: Duration) {
        self.requests = max(1, requests)
        self.interval = max(.milliseconds(1), interval)
    }

    public var description: String { "\(requests) per \(Duration.describe(seconds: interval.secondsValue))" }
}

/// Spaces the requests of one client to a ``RequestRate``.
package actor RequestPacer {
    private let rate: RequestRate
    private let clock: any Clock<Duration>
    private let elapsed: ElapsedTime
    /// Times of the starts still in the window, oldest first.
    private var starts: [Duration] = []

    package init(rate: RequestRate, clock: any Clock<Duration>) {
        self.rate = rate
        self.clock = clock
        elapsed = ElapsedTime(on: clock)
    }

    /// Returns when one more request may start; throws `CancellationError` when the task is
    /// cancelled while it waits.
    package func acquire() async throws {
        while true {
            try Task.checkCancellation()
            let now = elapsed.value
            starts.removeAll { now - $0 >= rate.interval }
            if starts.count < rate.requests {
                starts.append(now)
                return
            }
            // Others may take the freed slot first (the actor is re-entered while this one
            // sleeps): the loop looks again.
            try await clock.sleep(for: starts[0] + rate.interval - now)
        }
    }
}
