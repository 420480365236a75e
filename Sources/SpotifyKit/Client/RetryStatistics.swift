// How often requests were sent again, and why: a job under faults prints one summary line
// instead of a notice per retry.

import Foundation
import MomentumHTTP

/// Counts of retried requests, by reason.
public struct RetryStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Requests that needed at least one retry.
    public var requests: Int
    /// Retries after a 429.
    public var rateLimits: Int
    /// Retries after a 500, 502, 503 or 504.
    public var serverErrors: Int
    /// Retries after a transport failure (no connection, timeout, connection lost).
    public var transportFailures: Int

    /// Creates statistics.
    public init(requests: Int = 0, rateLimits: Int = 0, serverErrors: Int = 0, transportFailures: Int = 0) {
        self.requests = requests
        self.rateLimits = rateLimits
        self.serverErrors = serverErrors
        self.transportFailures = transportFailures
    }

    /// What happened between an earlier reading and this one.
    public func since(_ earlier: RetryStatistics) -> RetryStatistics {
        RetryStatistics(requests: requests - earlier.requests, rateLimits: rateLimits - earlier.rateLimits,
                        serverErrors: serverErrors - earlier.serverErrors, transportFailures: transportFailures - earlier.transportFailures)
    }

    /// "retried 3 requests: 2 rate limits, 1 server error, 0 transport failures".
    public var description: String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        return "retried \(count(requests, "request")): \(count(rateLimits, "rate limit")), \(count(serverErrors, "server error")), \(count(transportFailures, "transport failure"))"
    }
}

/// The client's running counts, updated from concurrent requests.
final class RetryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var statistics = RetryStatistics()

    func record(_ reason: RetryCause, firstForRequest: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if firstForRequest { statistics.requests += 1 }
        switch reason {
        case .rateLimit: statistics.rateLimits += 1
        case .serverError: statistics.serverErrors += 1
        case .transport: statistics.transportFailures += 1
        }
    }

    var snapshot: RetryStatistics {
        lock.lock()
        defer { lock.unlock() }
        return statistics
    }
}
