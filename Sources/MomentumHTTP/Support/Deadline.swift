// An overall deadline for work that does not bound itself (a mock transport, a simulator): the
// work is cancelled and the wait ends when the time is up.

/// Runs `body`, giving up after `limit` whatever it does; the timer sleeps on `clock`.
package func withDeadline<T: Sendable>(_ limit: Duration, clock: any Clock<Duration> = ContinuousClock(),
                                       _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let seconds = limit.secondsValue
    guard seconds.isFinite, seconds > 0 else { return try await body() }
    return try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await clock.sleep(for: limit)
            throw TransportError("no complete answer within the \(Duration.describe(seconds: seconds)) deadline")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
