// Everything about how the client talks to Spotify that a user may want to change.

import Foundation
import MomentumHTTP

/// How a ``SpotifyClient`` talks to Spotify: where, how many requests at once, how long it
/// waits and retries, and the clock it waits on.
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
    /// How server errors, transport failures and short rate limits are retried (the core's one
    /// policy: attempts, full-jitter back-off, the longest `Retry-After` waited for).
    public var retry: RetryPolicy
    /// Time without progress before a request is abandoned (an idle timeout).
    public var requestTimeout: Duration
    /// Time before a request is abandoned whatever the server sends (an overall deadline).
    public var requestDeadline: Duration
    /// Time a client may spend in all: requests after that fail at once, so that a job
    /// against an unresponsive server ends. Nil for no limit.
    public var jobDeadline: Duration?
    /// Pages a paged endpoint may take before the client stops with an error (a server whose
    /// pages always announce a next one cannot keep a job going forever).
    public var maximumPages: Int
    /// The clock the client waits on (back-offs, `Retry-After`) and measures the job deadline
    /// with; tests pass one that records instead of sleeping.
    public var clock: any Clock<Duration>

    /// `https://api.spotify.com/v1`.
    public static let defaultAPIURL = URL(string: "https://api.spotify.com/v1")
    /// `https://accounts.spotify.com`.
    public static let defaultAccountsURL = URL(string: "https://accounts.spotify.com")

    /// Spotify's retries: seven attempts, 250 ms doubling up to 8 s, a `Retry-After` of up to a
    /// minute waited for.
    public static let defaultRetry = RetryPolicy(maximumAttempts: 7, baseDelay: .milliseconds(250), maximumDelay: .seconds(8),
                                                 retryAfterCap: .seconds(60))

    /// Creates a configuration; negative durations count as zero.
    public init(
        apiURL: URL? = nil, accountsURL: URL? = nil, market: String = "US",
        maxConcurrentRequests: Int = 4, retry: RetryPolicy = SpotifyConfiguration.defaultRetry,
        requestTimeout: Duration = .seconds(30), requestDeadline: Duration = .seconds(60), jobDeadline: Duration? = nil,
        maximumPages: Int = 200, clock: any Clock<Duration> = ContinuousClock()
    ) {
        // Both defaults are valid URL literals; the fallbacks only satisfy the type checker.
        self.apiURL = apiURL ?? SpotifyConfiguration.defaultAPIURL ?? URL(fileURLWithPath: "/")
        self.accountsURL = accountsURL ?? SpotifyConfiguration.defaultAccountsURL ?? URL(fileURLWithPath: "/")
        self.market = market
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.retry = retry
        self.requestTimeout = max(.milliseconds(1), requestTimeout)
        self.requestDeadline = max(.milliseconds(1), requestDeadline)
        self.jobDeadline = jobDeadline.map { max(.zero, $0) }
        self.maximumPages = max(1, maximumPages)
        self.clock = clock
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

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(batchEndpointAvailable: Bool, pageLimit: Int, followersMissing: Bool) {
        self.batchEndpointAvailable = batchEndpointAvailable
        self.pageLimit = pageLimit
        self.followersMissing = followersMissing
    }
}
