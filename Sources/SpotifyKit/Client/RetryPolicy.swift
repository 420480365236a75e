// When to try again: server errors and transport failures back off exponentially with jitter;
// a 429 waits for its Retry-After when that is short, and ends with an error that says when
// to come back when it is long (Spotify sometimes asks for hours).

import Foundation

struct RetryPolicy: Sendable {
    let maxRetries: Int
    let retryAfterCap: Double
    let initialBackoff: Double
    let maxBackoff: Double
    let timeout: Double
    let sleep: @Sendable (Double) async throws -> Void

    init(configuration: SpotifyConfiguration) {
        maxRetries = configuration.maxRetries
        retryAfterCap = configuration.retryAfterCap
        initialBackoff = configuration.initialBackoff
        maxBackoff = configuration.maxBackoff
        timeout = configuration.requestTimeout
        sleep = configuration.sleep
    }

    /// The delay before retry number `attempt` (1-based): exponential, with "full jitter" so
    /// that many clients do not retry in step.
    func backoff(attempt: Int) -> Double {
        let ceiling = min(maxBackoff, initialBackoff * pow(2, Double(attempt - 1)))
        return Double.random(in: (ceiling / 2)...ceiling)
    }

    /// Sends until a response that is not worth retrying, or the retries run out. Returns the
    /// last response (the caller interprets statuses); throws for transport failures that
    /// outlast the retries and for rate limits longer than the cap.
    func send(_ request: HTTPRequest, endpoint: String, via transport: any HTTPTransport,
              onRetry: ((String) -> Void)? = nil) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as CancellationError {
                throw error
            } catch {
                guard attempt <= maxRetries else {
                    throw SpotifyError.transport(endpoint, "\(error)", attempts: attempt)
                }
                onRetry?("\(endpoint): \(error); retrying")
                try await sleep(backoff(attempt: attempt))
                continue
            }
            switch response.status {
            case 429:
                let wait = response.header("Retry-After").flatMap(Double.init) ?? 1
                guard wait <= retryAfterCap else {
                    throw SpotifyError.rateLimited(endpoint: endpoint, retryAfter: wait, cap: retryAfterCap)
                }
                guard attempt <= maxRetries else {
                    throw SpotifyError.rateLimitedRepeatedly(endpoint: endpoint, attempts: attempt)
                }
                onRetry?("\(endpoint): rate limited, waiting \(wait) s as Retry-After asks")
                try await sleep(wait)
            case 500, 502, 503, 504:
                guard attempt <= maxRetries else { return response }
                onRetry?("\(endpoint): HTTP \(response.status); retrying")
                try await sleep(backoff(attempt: attempt))
            default:
                return response
            }
        }
    }
}
