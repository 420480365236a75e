// One request to an audience source, on the core's retry loop and the source's pace. The
// statuses every source shares are read here (a 429 with or without `Retry-After`, 5xx, a
// redirect followed only within one origin, so that Last.fm's key never reaches another host);
// what a source says in the body of an answer (Deezer and Last.fm answer errors, quota included,
// with HTTP 200) is read by the client, which says whether to try again.

import Foundation
import Logging
import MomentumHTTP

struct AudienceExchange: Sendable {
    let source: String
    let configuration: AudienceSourceConfiguration
    let transport: any HTTPTransport
    let pacer: RequestPacer
    let logger: Logger?

    /// Redirects followed per request, at most.
    static let maximumRedirects = 5
    /// The largest answer accepted: a page of search results is a few kilobytes.
    static let maximumResponseBytes = 4 << 20

    init(source: String, configuration: AudienceSourceConfiguration, transport: any HTTPTransport, logger: Logger?) {
        self.source = source
        self.configuration = configuration
        self.transport = transport
        pacer = RequestPacer(rate: configuration.rate, clock: configuration.clock)
        self.logger = logger
    }

    /// What a client makes of an answer the shared statuses did not settle.
    enum Reading<Value: Sendable> {
        /// The result.
        case value(Value)
        /// The source asked to slow down (a quota in the body): pause and try again.
        case quota(String)
        /// The source failed for now: back off and try again.
        case busy(String)
        /// A final error.
        case failed(AudienceError)

        /// The same reading with its value transformed.
        func map<Other: Sendable>(_ transform: (Value) -> Other) -> Reading<Other> {
            switch self {
            case .value(let value): .value(transform(value))
            case .quota(let detail): .quota(detail)
            case .busy(let detail): .busy(detail)
            case .failed(let error): .failed(error)
            }
        }
    }

    /// The URL of `path` under the base with `query` (names and values percent-encoded).
    func url(_ path: String, query: [(String, String)]) throws -> URL {
        var base = configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard var components = URLComponents(string: base + path) else {
            throw AudienceError.malformed(source, path, "the base URL \(configuration.baseURL) does not make a URL with \(path)")
        }
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        // URLComponents leaves `+` as it is, which a server reads as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else {
            throw AudienceError.malformed(source, path, "cannot make a URL of \(path)")
        }
        return url
    }

    /// GETs `url` until `read` settles the answer or the attempts run out. `endpoint` names the
    /// request in messages and logs (`GET /artist/{id}`): never the URL, which may hold a key.
    func get<Value: Sendable>(_ url: URL, endpoint: String, read: @escaping (TransportResponse) throws -> Reading<Value>) async throws -> Value {
        var current = TransportRequest(
            url: url, headers: ["Accept": "application/json", "User-Agent": configuration.userAgent],
            timeout: configuration.requestTimeout, deadline: configuration.requestDeadline,
            maximumResponseBytes: AudienceExchange.maximumResponseBytes)
        var redirects = 0
        let source = self.source
        let operation = "\(source) \(endpoint)"
        return try await configuration.retry.run(operation, clock: configuration.clock, logger: logger) { attempt in
            try await pacer.acquire()
            let response: TransportResponse
            do {
                let sending = current
                // The deadline is wall time (an answer that never ends), whatever clock the pauses use.
                response = try await withDeadline(sending.deadline) { try await transport.send(sending) }
            } catch let error as TransportError {
                return .retry(.transport, error.description, failure: AudienceError.transport(source, endpoint, error.description, attempts: attempt))
            }
            switch response.status {
            case 301, 302, 303, 307, 308:
                let next: TransportRequest?
                do { next = try current.following(response) } catch let refused as TransportError {
                    throw AudienceError.redirect(source, endpoint, refused.description)
                }
                guard let next else { throw AudienceError.redirect(source, endpoint, "HTTP \(response.status) without a usable Location") }
                redirects += 1
                guard redirects <= AudienceExchange.maximumRedirects else {
                    throw AudienceError.redirect(source, endpoint, "more than \(AudienceExchange.maximumRedirects) redirects")
                }
                current = next
                return .again
            case 429:
                let limited = AudienceError.rateLimited(source, endpoint, "rate limited (HTTP 429)", attempts: attempt)
                guard let wait = RetryPolicy.retryAfter(response.header("Retry-After")) else {
                    return .retry(.rateLimit, "HTTP 429 without a usable Retry-After; backing off", failure: limited)
                }
                guard wait <= configuration.retry.retryAfterCap else {
                    throw AudienceError.rateLimited(source, endpoint, "asked to wait \(Duration.describe(seconds: wait.secondsValue)) (HTTP 429)", attempts: attempt)
                }
                return .retry(.rateLimit, "HTTP 429, waiting \(Duration.describe(seconds: wait.secondsValue)) as Retry-After asks", after: wait, failure: limited)
            case 500, 502, 503, 504:
                // MusicBrainz answers 503 to a client over its rate.
                let wait = RetryPolicy.retryAfter(response.header("Retry-After")).map { min($0, configuration.retry.retryAfterCap) }
                return .retry(.serverError, "HTTP \(response.status)", after: wait,
                              failure: AudienceError.transport(source, endpoint, "HTTP \(response.status)", attempts: attempt))
            default:
                switch try read(response) {
                case .value(let value):
                    return .finished(value)
                case .quota(let detail):
                    return .retry(.rateLimit, detail, after: configuration.quotaPause,
                                  failure: AudienceError.rateLimited(source, endpoint, detail, attempts: attempt))
                case .busy(let detail):
                    return .retry(.serverError, detail, failure: AudienceError.transport(source, endpoint, detail, attempts: attempt))
                case .failed(let error):
                    throw error
                }
            }
        }
    }

    /// Decodes a JSON answer, or a malformed-answer error naming the endpoint.
    func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8], endpoint: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw AudienceError.malformed(source, endpoint, "\(type) could not be read (\(AudienceExchange.reason(error)))")
        }
    }

    /// A decoding error in one line: the path to the field and what was wrong, no data.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        switch error {
        case .keyNotFound(let key, let context): return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        @unknown default: return "not readable"
        }
    }
}
