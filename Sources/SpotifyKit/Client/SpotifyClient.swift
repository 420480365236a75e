// The Spotify Web API client: one transport, one token provider, a shared concurrency limit,
// retries, and decoding that survives the fields Spotify dropped in February 2026.

import Foundation
import Logging
import MomentumHTTP

/// A client for the parts of the Spotify Web API that Momentum needs.
///
/// ```swift
/// let spotify = SpotifyClient(clientID: id, clientSecret: secret)
/// let artist = try await spotify.artist(SpotifyID(parsing: "spotify:artist:0TnOYISbd1XYRBk9myaseg", kind: .artist))
/// for try await album in spotify.albums(of: artistID, groups: [.album, .single]) { print(album.name) }
/// ```
public final class SpotifyClient: Sendable {
    /// How this client talks to Spotify.
    public let configuration: SpotifyConfiguration
    let transport: any HTTPTransport
    let tokens: any TokenProvider
    let logger: Logger?
    let limiter: ConcurrencyLimiter
    let exchange: SpotifyExchange
    let state = ClientState()
    let retryStatistics = RetryCounter()
    /// When the client was made: the job deadline counts from here.
    let started = ContinuousClock.now

    /// A client with the Client Credentials flow.
    public convenience init(
        clientID: String, clientSecret: String, configuration: SpotifyConfiguration = SpotifyConfiguration(),
        transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil
    ) {
        let tokens = ClientCredentialsTokenProvider(
            clientID: clientID, clientSecret: clientSecret, configuration: configuration, transport: transport)
        self.init(tokenProvider: tokens, configuration: configuration, transport: transport, logger: logger)
    }

    /// A client with any token provider (a user token, a token from your own service, ...).
    public init(
        tokenProvider: any TokenProvider, configuration: SpotifyConfiguration = SpotifyConfiguration(),
        transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil
    ) {
        self.configuration = configuration
        self.transport = transport
        self.tokens = tokenProvider
        self.logger = logger
        self.limiter = ConcurrencyLimiter(limit: configuration.maxConcurrentRequests)
        self.exchange = SpotifyExchange(configuration: configuration)
    }

    /// The requests this client has retried so far, by reason; a job takes the difference of
    /// two readings to report its own.
    public var retries: RetryStatistics { retryStatistics.snapshot }

    /// What the client has learnt about this app's access so far.
    public var apiMode: SpotifyAPIMode {
        get async { await state.mode }
    }

    /// Starts from what an earlier run learnt about the app's access (a job keeps `apiMode`
    /// between runs): a batch endpoint known to be unavailable is not tried, pages are asked at
    /// the remembered size. Whether artists come without followers is not assumed: the answers
    /// tell, so a job can see that the app has since got extended quota.
    public func assume(_ mode: SpotifyAPIMode) async {
        await state.assume(mode)
    }

    /// Fetches an access token now, so that a job can overlap the token's round trip with its
    /// own start-up; the first request then finds it. A failure is left for that request to
    /// report (it asks again).
    public func prefetchToken() async {
        _ = try? await tokens.accessToken()
    }

    // MARK: Requests

    /// GETs `path` (relative to the API base) and decodes the answer.
    ///
    /// - Parameter endpoint: how the request is named in messages (`GET /artists/{id}`).
    func get<T: Decodable>(_ type: T.Type, path: String, query: [(String, String)] = [], endpoint: String) async throws -> T {
        let response = try await send(path: path, query: query, endpoint: endpoint)
        return try decode(type, from: response, endpoint: endpoint)
    }

    /// GETs `path` and returns the response after authentication, retries and the concurrency
    /// limit; statuses other than 2xx become errors except those the caller handles itself.
    func send(path: String, query: [(String, String)], endpoint: String, passing: Set<Int> = []) async throws -> TransportResponse {
        let url = try makeURL(path: path, query: query)
        return try await limiter.withPermit {
            var refreshed = false
            while true {
                let remaining = try remainingJobTime(endpoint: endpoint)
                let token = try await tokens.accessToken()
                let request = TransportRequest(
                    url: url, headers: ["Authorization": "Bearer \(token)", "Accept": "application/json",
                                        "User-Agent": "SpotifyKit/\(SpotifyKit.version)"],
                    timeout: configuration.requestTimeout, deadline: min(configuration.requestDeadline, remaining)
                )
                logger?.debug("request", metadata: ["endpoint": "\(endpoint)", "url": "\(url.path)"])
                let statistics = retryStatistics
                var retried = false
                // Each retry at debug level (the loop logs it); the job prints a summary
                // (`retryStatistics`).
                let response = try await exchange.send(request, endpoint: endpoint, via: transport, logger: logger) { reason, _ in
                    statistics.record(reason, firstForRequest: !retried)
                    retried = true
                }
                if response.status == 401, !refreshed {
                    // The token expired early or was revoked: get a new one, once.
                    refreshed = true
                    await tokens.invalidate(token)
                    continue
                }
                if (200..<300).contains(response.status) || passing.contains(response.status) {
                    return response
                }
                throw error(for: response, endpoint: endpoint, secrets: [token])
            }
        }
    }

    /// Time left before the job deadline; throws once it has passed.
    func remainingJobTime(endpoint: String) throws -> Duration {
        guard let limit = configuration.jobDeadline else { return .seconds(Int64.max / 2) }
        let spent = ContinuousClock.now - started
        guard spent < limit else { throw SpotifyError.deadline(endpoint, seconds: limit.secondsValue) }
        return limit - spent
    }

    func makeURL(path: String, query: [(String, String)]) throws -> URL {
        var components = URLComponents(url: configuration.apiURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        if !query.isEmpty {
            components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
            // `+` means a space to many servers; encode it.
            let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            components?.percentEncodedQuery = encoded
        }
        guard let url = components?.url else {
            throw SpotifyError.configuration("cannot build a request URL from \(configuration.apiURL) and \(path)")
        }
        return url
    }

    func decode<T: Decodable>(_ type: T.Type, from response: TransportResponse, endpoint: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch let DecodingError.keyNotFound(key, context) {
            throw SpotifyError.decoding(endpoint, body: response.body, detail: "missing '\(key.stringValue)' at \(SpotifyClient.path(context))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw SpotifyError.decoding(endpoint, body: response.body, detail: "\(context.debugDescription) at \(SpotifyClient.path(context))")
        } catch {
            throw SpotifyError.decoding(endpoint, body: response.body, detail: "not valid JSON")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "the top level" : path
    }

    /// Spotify's error object: `{"error": {"status": 400, "message": "Invalid limit"}}`.
    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var status: Int?
            var message: String?
        }
        var error: Detail?
    }

    /// The server's error message, cleaned of credentials and capped.
    func errorMessage(_ response: TransportResponse, secrets: [String] = []) -> String {
        Redaction.clean((try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)))?.error?.message ?? "", secrets: secrets)
    }

    func error(for response: TransportResponse, endpoint: String, secrets: [String] = []) -> SpotifyError {
        let message = errorMessage(response, secrets: secrets)
        switch response.status {
        case 400: return .badRequest(endpoint, message: message.isEmpty ? "HTTP 400" : message)
        case 401: return .authentication("the access token was refused twice", status: 401)
        case 404: return .notFound(endpoint)
        default:
            let retried = (500...504).contains(response.status)
            return .http(endpoint, status: response.status, message: message, attempts: retried ? exchange.retry.maximumAttempts : 1)
        }
    }
}

/// What the client learnt about the app's access; shared by all of a client's calls.
actor ClientState {
    private(set) var batchEndpointAvailable = true
    private(set) var pageLimit = 50
    private(set) var followersMissing = false

    var mode: SpotifyAPIMode {
        SpotifyAPIMode(batchEndpointAvailable: batchEndpointAvailable, pageLimit: pageLimit, followersMissing: followersMissing)
    }

    func batchEndpointUnavailable() { batchEndpointAvailable = false }
    func assume(_ mode: SpotifyAPIMode) {
        if !mode.batchEndpointAvailable { batchEndpointAvailable = false }
        pageLimit = min(pageLimit, max(1, mode.pageLimit))
    }
    func limitPages(to limit: Int) { pageLimit = min(pageLimit, limit) }
    func sawArtistWithoutFollowers() { followersMissing = true }
}
