// Everything about how the client talks to Spotify that a user may want to change.

import Foundation

public struct SpotifyConfiguration: Sendable {
    /// The Web API base, e.g. `https://api.spotify.com/v1`.
    public var apiURL: URL
    /// The accounts service base; the token endpoint is `<accountsURL>/api/token`.
    public var accountsURL: URL
    /// Market (ISO 3166-1 alpha-2) sent with every catalogue request; without one Spotify lists
    /// a release once per market it is sold in.
    public var market: String
    /// Requests in flight at once, shared by every call of one client.
    public var maxConcurrentRequests: Int
    /// Attempts after the first one, for server errors, transport errors and short rate limits.
    public var maxRetries: Int
    /// The longest `Retry-After` (seconds) the client waits; longer ones end with an error.
    public var retryAfterCap: Double
    /// Seconds without progress before a request is abandoned (an idle timeout).
    public var requestTimeout: Double
    /// Seconds before a request is abandoned whatever the server sends (an overall deadline).
    public var requestDeadline: Double
    /// Seconds a client may spend in all: requests after that fail at once, so that a job
    /// against an unresponsive server ends. Nil for no limit.
    public var jobDeadline: Double?
    /// Pages a paged endpoint may take before the client stops with an error (a server whose
    /// pages always announce a next one cannot keep a job going forever).
    public var maximumPages: Int
    /// First back-off delay (seconds) after a server or transport error; it doubles each time,
    /// with jitter, up to `maxBackoff`.
    public var initialBackoff: Double
    public var maxBackoff: Double
    /// How the client waits; tests pass one that records instead of sleeping.
    public var sleep: @Sendable (Double) async throws -> Void

    public static let defaultAPIURL = URL(string: "https://api.spotify.com/v1")
    public static let defaultAccountsURL = URL(string: "https://accounts.spotify.com")

    public init(
        apiURL: URL? = nil, accountsURL: URL? = nil, market: String = "US",
        maxConcurrentRequests: Int = 4, maxRetries: Int = 6, retryAfterCap: Double = 60,
        requestTimeout: Double = 30, requestDeadline: Double = 60, jobDeadline: Double? = nil, maximumPages: Int = 200,
        initialBackoff: Double = 0.25, maxBackoff: Double = 8,
        sleep: @escaping @Sendable (Double) async throws -> Void = { seconds in
            // Clamped: a NaN, negative or astronomically large wait must not trap the conversion.
            let clamped = seconds.isNaN ? 0 : min(max(0, seconds), 1e9)
            try await Task.sleep(nanoseconds: UInt64(clamped * 1_000_000_000))
        }
    ) {
        // Both defaults are valid URL literals; the fallbacks only satisfy the type checker.
        self.apiURL = apiURL ?? SpotifyConfiguration.defaultAPIURL ?? URL(fileURLWithPath: "/")
        self.accountsURL = accountsURL ?? SpotifyConfiguration.defaultAccountsURL ?? URL(fileURLWithPath: "/")
        self.market = market
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.maxRetries = max(0, maxRetries)
        self.retryAfterCap = retryAfterCap.isNaN ? 60 : max(0, retryAfterCap)
        self.requestTimeout = requestTimeout.isFinite ? max(0.001, requestTimeout) : 30
        self.requestDeadline = requestDeadline.isNaN ? 60 : max(0.001, requestDeadline)
        self.jobDeadline = jobDeadline.map { $0.isNaN ? 0 : max(0, $0) }
        self.maximumPages = max(1, maximumPages)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.sleep = sleep
    }
}

/// Which rules of the Web API this app is under, as far as the client has seen.
public struct SpotifyAPIMode: Sendable, Hashable, CustomStringConvertible {
    /// False once `GET /artists?ids=` answered that it is unavailable.
    public var batchEndpointAvailable: Bool
    /// The page size the API accepts for artist albums and search (50, or 10 in Development Mode).
    public var pageLimit: Int
    /// True once an artist came back without followers.
    public var followersMissing: Bool

    /// Development Mode shows itself by any of these since February 2026.
    public var isDevelopmentMode: Bool { !batchEndpointAvailable || pageLimit <= 10 || followersMissing }

    public var description: String {
        isDevelopmentMode
            ? "Development Mode (no follower counts or popularity, no batch endpoints, pages of at most 10); follower tracking needs an app with extended quota"
            : "extended quota (follower counts, batches of 50, pages of 50)"
    }
}
