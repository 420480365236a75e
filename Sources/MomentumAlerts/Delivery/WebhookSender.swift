// Posts a message to a webhook on the HTTP core's retry loop: 429 (its `Retry-After` honoured up
// to the cap), 5xx and failures below HTTP are tried again with back-off; 410 Gone means the
// receiver was removed; any other answer is final for this run. Redirects are not followed: a
// webhook URL is a credential, and so is the body's signature. Messages name the destination,
// never its URL.

import Foundation
import Logging
import MomentumHTTP

/// What became of one message.
public enum DeliveryOutcome: Sendable, Hashable {
    /// A 2xx answer.
    case delivered(status: Int)
    /// 410 Gone: the receiver no longer exists; send it nothing more.
    case gone
    /// Not delivered in this run (why, without the URL); worth trying next run.
    case failed(String)
}

/// Sends webhook messages.
public struct WebhookSender: Sendable {
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let clock: any Clock<Duration>
    let logger: Logger?

    /// Four attempts, a second doubling up to 30 s, a `Retry-After` of up to a minute.
    public static let defaultRetry = RetryPolicy(maximumAttempts: 4, baseDelay: .seconds(1), maximumDelay: .seconds(30), retryAfterCap: .seconds(60))

    /// A sender from its parts.
    public init(transport: any HTTPTransport = CurlTransport(), retry: RetryPolicy = WebhookSender.defaultRetry,
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger? = nil) {
        self.transport = transport
        self.retry = retry
        self.clock = clock
        self.logger = logger
    }

    private struct Failure: Error, CustomStringConvertible { let description: String }

    /// Posts `body` (JSON) to `url` with `headers` (built again for each attempt, so that a
    /// signature's timestamp is fresh). Throws only `CancellationError`.
    public func post(_ body: [UInt8], to url: URL, destination: String,
                     headers: @Sendable () -> [(name: String, value: String)] = { [] }) async throws -> DeliveryOutcome {
        let operation = "alert destination \(destination)"
        do {
            return try await retry.run(operation, clock: clock, logger: logger) { attempt in
                let request = TransportRequest(method: "POST", url: url,
                                               headers: HTTPHeaders([("Content-Type", "application/json"), ("User-Agent", "momentum-alerts")] + headers()),
                                               body: body, timeout: .seconds(15), deadline: .seconds(30), maximumResponseBytes: 1 << 20)
                let response: TransportResponse
                do {
                    response = try await transport.send(request)
                } catch let error as TransportError {
                    return .retry(.transport, error.description, failure: Failure(description: "\(operation): no answer after \(attempt) attempt(s): \(error.description)"))
                }
                switch response.status {
                case 200..<300: return .finished(.delivered(status: response.status))
                case 410: return .finished(.gone)
                case 429:
                    let wait = RetryPolicy.retryAfter(response.header("Retry-After"))
                    if let wait, wait > retry.retryAfterCap {
                        return .finished(.failed("\(operation): rate limited for \(Duration.describe(seconds: wait.secondsValue)); tried again next run"))
                    }
                    return .retry(.rateLimit, "HTTP 429", after: wait, failure: Failure(description: "\(operation): still rate limited (HTTP 429) after \(attempt) attempt(s)"))
                case 500..<600:
                    return .retry(.serverError, "HTTP \(response.status)", failure: Failure(description: "\(operation): HTTP \(response.status) after \(attempt) attempt(s)"))
                default:
                    return .finished(.failed("\(operation): HTTP \(response.status)\(Self.reason(response))"))
                }
            }
        } catch let failure as Failure {
            return .failed(failure.description)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return .failed("\(operation): \(error)")
        }
    }

    /// The start of a short text answer (Slack says `invalid_payload`, `no_service`), printable only.
    static func reason(_ response: TransportResponse) -> String {
        let text = String(decoding: response.body.prefix(120), as: UTF8.self)
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else { return "" }
        return " (\(text))"
    }
}
