// One retry policy for every client (Spotify, S3, Glue, Athena, the audience sources), as
// botocore's standard mode and soto's: a few attempts, each wait drawn between zero and a
// ceiling that doubles ("full jitter", so that many clients do not retry in step), capped; a
// `Retry-After` is honoured up to a cap, beyond which the client says when to come back.

import Foundation

/// How often and how patiently requests are sent again.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (1 never retries).
    public var maximumAttempts: Int
    /// The first back-off's ceiling; each retry doubles it.
    public var baseDelay: Duration
    /// The largest back-off ceiling.
    public var maximumDelay: Duration
    /// The longest `Retry-After` waited for; a longer one ends the request with an error that
    /// says when to come back (Spotify sometimes asks for hours).
    public var retryAfterCap: Duration

    /// A policy from its parts; attempts are kept within 1…20, delays at zero or more.
    public init(maximumAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(20),
                retryAfterCap: Duration = .seconds(60)) {
        self.maximumAttempts = min(max(1, maximumAttempts), 20)
        self.baseDelay = max(.zero, baseDelay)
        self.maximumDelay = max(.zero, maximumDelay)
        self.retryAfterCap = max(.zero, retryAfterCap)
    }

    /// botocore's standard mode: five attempts, 200 ms doubling up to 20 s.
    public static let standard = RetryPolicy()

    /// No retries at all.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// The wait before retry number `retry` (1-based): uniform between zero and
    /// `min(maximumDelay, baseDelay × 2^(retry-1))`.
    public func delay(beforeRetry retry: Int) -> Duration {
        let exponent = Double(min(max(0, retry - 1), 60))
        let ceiling = min(maximumDelay.secondsValue, baseDelay.secondsValue * pow(2, exponent))
        guard ceiling.isFinite, ceiling > 0 else { return .zero }
        return .clampedSeconds(Double.random(in: 0...ceiling))
    }

    /// The wait a `Retry-After` header asks for: delta-seconds only; nil when absent,
    /// negative, not a number or not finite (the caller then backs off as for a 5xx).
    public static func retryAfter(_ header: String?) -> Duration? {
        guard let header, let value = Double(header.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else { return nil }
        return .clampedSeconds(value)
    }
}
