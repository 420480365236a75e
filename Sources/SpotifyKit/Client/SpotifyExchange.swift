// One request to Spotify, on the core's retry loop: server errors and transport failures back
// off with full jitter; a 429 waits for its Retry-After when that is short, and ends with an
// error that says when to come back when it is long (Spotify sometimes asks for hours).
// Redirects are followed only within one origin, so that no credential reaches another host.

import Foundation
import Logging
import MomentumHTTP

struct SpotifyExchange: Sendable {
    let retry: RetryPolicy
    let timeout: Duration
    let deadline: Duration
    let clock: any Clock<Duration>

    /// Redirects followed per request, at most.
    static let maximumRedirects = 5

    init(configuration: SpotifyConfiguration) {
        retry = configuration.retry
        timeout = configuration.requestTimeout
        deadline = configuration.requestDeadline
        clock = configuration.clock
    }

    /// Sends until a response that is not worth retrying, or the retries run out. Returns the
    /// last response (the caller interprets statuses); throws for transport failures that
    /// outlast the retries, for rate limits longer than the cap and for refused redirects.
    /// `onRetry` hears each retry, with its cause and a message.
    func send(_ request: TransportRequest, endpoint: String, via transport: any HTTPTransport, logger: Logger? = nil,
              onRetry: ((RetryCause, String) -> Void)? = nil) async throws -> TransportResponse {
        var current = request
        var redirects = 0
        return try await retry.run(endpoint, clock: clock, logger: logger, onRetry: onRetry) { attempt in
            let response: TransportResponse
            do {
                let sending = current
                // The transport's own deadline, and this one for transports that have none.
                response = try await withDeadline(sending.deadline) { try await transport.send(sending) }
            } catch let error as TransportError {
                return .retry(.transport, "\(error)", failure: SpotifyError.transport(endpoint, "\(error)", attempts: attempt))
            }
            switch response.status {
            case 301, 302, 303, 307, 308:
                let next: TransportRequest?
                do { next = try current.following(response) } catch let refused as TransportError {
                    throw SpotifyError.redirect(endpoint, refused.description)
                }
                guard let next else { return .finished(response) }
                redirects += 1
                guard redirects <= SpotifyExchange.maximumRedirects else {
                    throw SpotifyError.redirect(endpoint, "more than \(SpotifyExchange.maximumRedirects) redirects")
                }
                current = next
                return .again
            case 429:
                let repeated = SpotifyError.rateLimitedRepeatedly(endpoint: endpoint, attempts: attempt)
                guard let wait = RetryPolicy.retryAfter(response.header("Retry-After")) else {
                    return .retry(.rateLimit, "rate limited without a usable Retry-After; backing off", failure: repeated)
                }
                guard wait <= retry.retryAfterCap else {
                    throw SpotifyError.rateLimited(endpoint: endpoint, retryAfter: wait.secondsValue, cap: retry.retryAfterCap.secondsValue)
                }
                return .retry(.rateLimit, "rate limited, waiting \(Duration.describe(seconds: wait.secondsValue)) as Retry-After asks",
                              after: wait, failure: repeated)
            case 500, 502, 503, 504:
                return attempt < retry.maximumAttempts
                    ? .retry(.serverError, "HTTP \(response.status)", failure: TransportError("HTTP \(response.status)"))
                    : .finished(response)
            default:
                return .finished(response)
            }
        }
    }
}
