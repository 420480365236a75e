// The one retry loop: full jitter within its ceiling, Retry-After honoured, attempts counted,
// steps that are not attempts bounded, each retry logged once, and a cancelled wait that ends.

import Foundation
import InMemoryLogging
import Logging
import MomentumHTTP
import MomentumTestSupport
import Testing

@Suite struct RetryPolicyTests {
    @Test func backOffIsFullJitterUnderADoublingCappedCeiling() {
        let policy = RetryPolicy(maximumAttempts: 10, baseDelay: .milliseconds(100), maximumDelay: .milliseconds(500))
        for retry in 1...8 {
            let ceiling = min(0.1 * Double(1 << (retry - 1)), 0.5)
            let delays = (0..<400).map { _ in policy.delay(beforeRetry: retry).secondsValue }
            #expect(delays.allSatisfy { $0 >= 0 && $0 <= ceiling + 1e-9 })
            // Full jitter: waits near zero as well as near the ceiling.
            #expect(delays.min()! < ceiling * 0.2 && delays.max()! > ceiling * 0.8, "retry \(retry): \(delays.min()!)…\(delays.max()!)")
        }
        #expect(RetryPolicy(maximumAttempts: 0).maximumAttempts == 1 && RetryPolicy(maximumAttempts: 99).maximumAttempts == 20)
    }

    @Test func retryAfterTakesDeltaSecondsOnly() {
        #expect(RetryPolicy.retryAfter("3") == .seconds(3))
        #expect(RetryPolicy.retryAfter(" 1.5 ") == .milliseconds(1500))
        for bad in [nil, "", "-1", "soon", "nan", "inf", "Wed, 21 Oct 2015 07:28:00 GMT"] as [String?] {
            #expect(RetryPolicy.retryAfter(bad) == nil, "\(bad ?? "nil")")
        }
        #expect(RetryPolicy.retryAfter("1e300") == .seconds(1_000_000_000))
    }

    @Test func theLoopCountsAttemptsWaitsAndLogsEachRetryOnce() async throws {
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in logs }
        logger.logLevel = .debug
        let clock = SleepRecorder()
        let policy = RetryPolicy(maximumAttempts: 3, baseDelay: .seconds(1), maximumDelay: .seconds(4))
        struct Failed: Error {}
        var attempts: [Int] = []
        var heard: [RetryCause] = []
        await #expect(throws: Failed.self) {
            _ = try await policy.run("GET thing", clock: clock, logger: logger, onRetry: { cause, _ in heard.append(cause) }) { number -> AttemptOutcome<Int> in
                attempts.append(number)
                return .retry(number == 1 ? .rateLimit : .serverError, "HTTP 503", after: number == 1 ? .seconds(7) : nil, failure: Failed())
            }
        }
        #expect(attempts == [1, 2, 3] && heard == [.rateLimit, .serverError])
        let waits = clock.waits
        #expect(waits.count == 2 && waits[0] == 7 && waits[1] <= 2)
        let lines = logs.entries.map { "\($0.message)" }
        #expect(lines.count == 2 && lines[0] == "GET thing: HTTP 503; retrying in 7 s (retry 1 of 2)", "\(lines)")

        // A step that is not an attempt (a redirect) does not count, but cannot loop forever.
        var steps = 0
        let value = try await policy.run("GET redirect", clock: clock) { number -> AttemptOutcome<String> in
            steps += 1
            return steps < 4 ? .again : .finished("answer \(number)")
        }
        #expect(value == "answer 1")
        await #expect(throws: TransportError.self) {
            _ = try await policy.run("GET loop", clock: clock) { _ -> AttemptOutcome<Int> in .again }
        }
    }
}
