// When to try again: server errors and transport failures back off exponentially with jitter;
// a 429 waits for its Retry-After when that is short, and ends with an error that says when
// to come back when it is long (Spotify sometimes asks for hours). Redirects are followed here
// only within one origin, so that no credential ever reaches another host.

import Foundation

/// Why a request was sent again.
enum RetryReason: Sendable {
    case rateLimit, serverError, transport
}

struct RetryPolicy: Sendable {
    let maxRetries: Int
    let retryAfterCap: Duration
    let initialBackoff: Duration
    let maxBackoff: Duration
    let timeout: Duration
    let deadline: Duration
    let clock: any Clock<Duration>

    /// Redirects followed per request, at most.
    static let maximumRedirects = 5

    init(configuration: SpotifyConfiguration) {
        maxRetries = configuration.maxRetries
        retryAfterCap = configuration.retryAfterCap
        initialBackoff = configuration.initialBackoff
        maxBackoff = configuration.maxBackoff
        timeout = configuration.requestTimeout
        deadline = configuration.requestDeadline
        clock = configuration.clock
    }

    /// The delay before retry number `attempt` (1-based): exponential, with "full jitter" so
    /// that many clients do not retry in step.
    func backoff(attempt: Int) -> Duration {
        let ceiling = min(maxBackoff.secondsValue, initialBackoff.secondsValue * pow(2, Double(min(attempt, 60) - 1)))
        guard ceiling.isFinite, ceiling > 0 else { return .zero }
        return .clampedSeconds(Double.random(in: (ceiling / 2)...ceiling))
    }

    /// The seconds a `Retry-After` header asks for: delta-seconds only; nil when absent,
    /// negative, not a number or not finite (the caller then backs off as for a 5xx).
    static func retryAfterSeconds(_ header: String?) -> Double? {
        guard let header, let value = Double(header.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else { return nil }
        return value
    }

    func wait(_ duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }

    /// Sends until a response that is not worth retrying, or the retries run out. Returns the
    /// last response (the caller interprets statuses); throws for transport failures that
    /// outlast the retries, for rate limits longer than the cap and for refused redirects.
    /// `onRetry` hears each retry, with its reason and a message.
    func send(_ request: TransportRequest, endpoint: String, via transport: any HTTPTransport,
              onRetry: ((RetryReason, String) -> Void)? = nil) async throws -> TransportResponse {
        var attempt = 0
        var current = request
        var redirects = 0
        while true {
            attempt += 1
            let response: TransportResponse
            do {
                let sending = current
                response = try await RetryPolicy.withDeadline(sending.deadline) { try await transport.send(sending) }
            } catch let error as CancellationError {
                throw error
            } catch {
                guard attempt <= maxRetries else {
                    throw SpotifyError.transport(endpoint, "\(error)", attempts: attempt)
                }
                onRetry?(.transport, "\(endpoint): \(error); retrying")
                try await wait(backoff(attempt: attempt))
                continue
            }
            switch response.status {
            case 301, 302, 303, 307, 308:
                guard let next = try RetryPolicy.redirect(from: current, response: response, endpoint: endpoint) else { return response }
                redirects += 1
                guard redirects <= RetryPolicy.maximumRedirects else {
                    throw SpotifyError.redirect(endpoint, "more than \(RetryPolicy.maximumRedirects) redirects")
                }
                current = next
                attempt -= 1
            case 429:
                guard let seconds = RetryPolicy.retryAfterSeconds(response.header("Retry-After")) else {
                    guard attempt <= maxRetries else { throw SpotifyError.rateLimitedRepeatedly(endpoint: endpoint, attempts: attempt) }
                    onRetry?(.rateLimit, "\(endpoint): rate limited without a usable Retry-After; backing off")
                    try await wait(backoff(attempt: attempt))
                    continue
                }
                guard seconds <= retryAfterCap.secondsValue else {
                    throw SpotifyError.rateLimited(endpoint: endpoint, retryAfter: seconds, cap: retryAfterCap.secondsValue)
                }
                guard attempt <= maxRetries else {
                    throw SpotifyError.rateLimitedRepeatedly(endpoint: endpoint, attempts: attempt)
                }
                onRetry?(.rateLimit, "\(endpoint): rate limited, waiting \(seconds) s as Retry-After asks")
                try await wait(.clampedSeconds(seconds))
            case 500, 502, 503, 504:
                guard attempt <= maxRetries else { return response }
                onRetry?(.serverError, "\(endpoint): HTTP \(response.status); retrying")
                try await wait(backoff(attempt: attempt))
            default:
                return response
            }
        }
    }

    /// The request a redirect leads to, when it stays on the same origin; nil when the answer
    /// has no usable `Location` (it is then returned as it is). A redirect to another origin
    /// is refused: following it would hand our `Authorization` to another host.
    static func redirect(from request: TransportRequest, response: TransportResponse, endpoint: String) throws -> TransportRequest? {
        guard let location = response.header("Location"), let target = URL(string: location, relativeTo: request.url)?.absoluteURL else {
            return nil
        }
        guard sameOrigin(request.url, target) else {
            throw SpotifyError.redirect(endpoint, "the server redirected to another origin (\(target.scheme ?? "?")://\(target.host ?? "?")); not followed, so that credentials stay with \(request.url.host ?? "?")")
        }
        var next = request
        next.url = target
        if response.status == 303 || ((response.status == 301 || response.status == 302) && request.method == "POST") {
            next.method = "GET"
            next.body = nil
        }
        return next
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }

    /// Runs `body`, giving up after `seconds` whatever it does.
    static func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let seconds = limit.secondsValue
        guard seconds.isFinite, seconds > 0 else { return try await body() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(min(seconds, 1e9) * 1_000_000_000))
                throw TransportError("no complete answer within the \(seconds < 10 ? String(format: "%.1f", seconds) : String(Int(seconds))) s deadline")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}
