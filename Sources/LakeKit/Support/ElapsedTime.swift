// A stopwatch on an injected clock, for the waits that time out (the lake lock, Athena's and
// Glue's polls): their timeouts run on the clock their pauses sleep on.

/// Time passed since it was made, on a clock whatever its instants are: a test clock moves a
/// timeout and the pauses it bounds together.
struct ElapsedTime {
    private let read: () -> Duration

    init(on clock: any Clock<Duration>) {
        read = ElapsedTime.stopwatch(clock)
    }

    private static func stopwatch<C: Clock<Duration>>(_ clock: C) -> () -> Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// The time passed so far.
    var value: Duration { read() }
}
