// One cache for values that expire (AWS credentials, the Spotify token, a secret read from
// Secrets Manager), after soto's ExpiringValue: the value is reused until `refreshMargin`
// before it expires, concurrent callers share one refresh, and a refresh that fails keeps a
// value that is still valid rather than failing a job that could go on.

import Foundation

/// A value that is fetched again shortly before it expires.
package actor ExpiringValue<Value: Sendable> {
    /// A value and when it stops being valid (nil: never).
    package typealias Fetched = (value: Value, expires: Date?)

    private let refreshMargin: Duration
    private let now: @Sendable () -> Date
    private let fetch: @Sendable () async throws -> Fetched
    private var cached: Fetched?
    private var refreshing: Task<Fetched, any Error>?

    /// A cache over `fetch`.
    ///
    /// - Parameters:
    ///   - refreshMargin: how long before expiry a value is fetched again.
    ///   - now: the wall clock expiries are read by (tests pass their own).
    ///   - fetch: gets a fresh value and its expiry.
    package init(refreshMargin: Duration, now: @escaping @Sendable () -> Date = { Date() },
                 fetch: @escaping @Sendable () async throws -> Fetched) {
        self.refreshMargin = refreshMargin
        self.now = now
        self.fetch = fetch
    }

    /// The cached value, fetched first when there is none or it is about to expire. When that
    /// fetch fails, a cached value that has not yet expired is answered instead.
    package func value() async throws -> Value {
        if let cached, !expiresSoon(cached, at: now()) { return cached.value }
        let task: Task<Fetched, any Error>
        if let refreshing {
            task = refreshing
        } else {
            // The refresh files its own result, so that it counts even when every caller that
            // waited for it was cancelled. The task runs on this actor, so filing is synchronous.
            task = Task { [fetch] in
                do {
                    let fresh = try await fetch()
                    self.finish(.success(fresh))
                    return fresh
                } catch {
                    self.finish(.failure(error))
                    throw error
                }
            }
            refreshing = task
        }
        do {
            return try await sharedValue(of: task).value
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if let cached, cached.expires.map({ $0 > now() }) ?? true { return cached.value }
            throw error
        }
    }

    private func finish(_ result: Result<Fetched, any Error>) {
        refreshing = nil
        if case .success(let fresh) = result { cached = fresh }
    }

    /// Forgets the value (the service refused it), when `matches` says it is the one refused.
    package func invalidate(where matches: @Sendable (Value) -> Bool = { _ in true }) {
        if let cached, matches(cached.value) { self.cached = nil }
    }

    private func expiresSoon(_ fetched: Fetched, at time: Date) -> Bool {
        guard let expires = fetched.expires else { return false }
        return expires.timeIntervalSince(time) < refreshMargin.secondsValue
    }
}
