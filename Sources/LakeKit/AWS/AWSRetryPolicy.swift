// Retries with jittered exponential back-off ("full jitter"), as botocore's standard mode: a
// few attempts, each wait drawn between zero and a ceiling that doubles, capped.

/// How often and how patiently AWS requests (S3, Glue, Athena) are retried.
public struct AWSRetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maximumAttempts: Int
    /// The first back-off; each retry doubles it, with full jitter.
    public var baseDelay: Duration
    /// The longest single back-off.
    public var maximumDelay: Duration

    /// A policy from its parts.
    public init(maximumAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(20)) {
        self.maximumAttempts = min(max(1, maximumAttempts), 20)
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// botocore's standard mode: five attempts.
    public static let standard = AWSRetryPolicy()

    func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(0, retry - 1), 20)
        let ceiling = min(baseDelay.seconds * Double(1 << exponent), maximumDelay.seconds)
        return .milliseconds(Int64(Double.random(in: 0...max(0, ceiling)) * 1000))
    }
}
