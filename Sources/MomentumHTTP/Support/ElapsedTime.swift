// A stopwatch on an injected clock, for the waits that time out (the lake lock, Athena's and
// Glue's polls) and the pace of requests (RequestPacer): their times run on the clock their
// pauses sleep on.

/// Time passed since it was made, on a clock whatever its instants are: a test clock moves a
/// timeout and the pauses it bounds together.
package struct ElapsedTime: Sendable {
    private let read: @Sendable () -> Duration

    package init(on clock: any Clock<Duration>) {
        read = ElapsedTime.stopwatch(clock)
    }

    private static func stopwatch<C: Clock<Duration>>(_ clock: C) -> @Sendable () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// The time passed so far.
    package var value: Duration { read() }
}
