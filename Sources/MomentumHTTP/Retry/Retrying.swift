// The one retry loop. Each client says what an attempt came to (an answer, something worth
// another attempt, or a step that is not an attempt: a same-origin redirect, fresh
// credentials); the loop counts attempts, waits on the injected clock (a wait ends when the
// task is cancelled), and logs each retry once, at debug level, without secrets.

import Logging

/// Why a request is sent again.
public enum RetryCause: String, Sendable, Hashable {
    /// The service asked to slow down (429, `SlowDown`, `ThrottlingException`).
    case rateLimit
    /// The service failed (500, 502, 503, 504, `InternalError`).
    case serverError
    /// No answer: no connection, a timeout, a lost connection.
    case transport
}

/// What one attempt came to.
package enum AttemptOutcome<Value: Sendable>: Sendable {
    /// The answer: the loop ends with it.
    case finished(Value)
    /// Worth another attempt after `after` (a `Retry-After`), else after the policy's back-off;
    /// `failure` is thrown when no attempt is left.
    case retry(RetryCause, String, after: Duration? = nil, failure: any Error)
    /// Not an attempt: go again at once (a redirect followed, credentials refreshed). The
    /// caller bounds how often.
    case again
}

extension RetryPolicy {
    /// Runs `attempt` until it finishes, throws, or the attempts run out.
    ///
    /// - Parameters:
    ///   - operation: what is sent, for the log (`S3 GetObject s3://bucket/key`).
    ///   - clock: what the waits sleep on (tests pass a clock that does not wait).
    ///   - logger: hears each retry once, at debug level.
    ///   - onRetry: hears each retry, for statistics.
    ///   - attempt: one attempt; its argument is the attempt's number, from 1.
    package func run<Value: Sendable>(
        _ operation: String, clock: any Clock<Duration>, logger: Logger? = nil,
        onRetry: ((RetryCause, String) -> Void)? = nil,
        _ attempt: (_ number: Int) async throws -> AttemptOutcome<Value>
    ) async throws -> Value {
        var number = 1
        var steps = 0
        while true {
            try Task.checkCancellation()
            steps += 1
            switch try await attempt(number) {
            case .finished(let value):
                return value
            case .again:
                // A bound for callers that forget theirs: a loop of redirects is no answer.
                guard steps < maximumAttempts + 20 else {
                    throw TransportError("\(operation): more than \(maximumAttempts + 20) steps without an answer")
                }
            case .retry(let cause, let reason, let after, let failure):
                guard number < maximumAttempts else { throw failure }
                let wait = after ?? delay(beforeRetry: number)
                logger?.debug("\(operation): \(reason); retrying in \(Duration.describe(seconds: wait.secondsValue)) (retry \(number) of \(maximumAttempts - 1))",
                              metadata: ["cause": "\(cause.rawValue)"])
                onRetry?(cause, reason)
                number += 1
                try await clock.sleep(for: wait)
            }
        }
    }
}
