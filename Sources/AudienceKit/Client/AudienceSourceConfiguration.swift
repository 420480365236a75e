// How a client talks to its source: where, at what pace, how patiently, on which clock. Each
// source has its defaults: Deezer's quota (about 50 requests per 5 s per address), MusicBrainz's
// one request per second and its demand for a User-Agent that names the application.

import Foundation
import MomentumHTTP

/// How an audience client talks to its source.
public struct AudienceSourceConfiguration: Sendable {
    /// The API base, e.g. `https://api.deezer.com`.
    public var baseURL: URL
    /// The most requests started per interval, retries included.
    public var rate: RequestRate
    /// How server errors, transport failures and rate limits are retried (the core's policy).
    public var retry: RetryPolicy
    /// How long to pause after a quota answer that carries no `Retry-After` (Deezer's and
    /// Last.fm's come in the body of an HTTP 200) before the next attempt.
    public var quotaPause: Duration
    /// Time without progress before a request is abandoned.
    public var requestTimeout: Duration
    /// Time before a request is abandoned whatever the server sends.
    public var requestDeadline: Duration
    /// Sent with every request: MusicBrainz refuses anonymous clients.
    public var userAgent: String
    /// The clock pauses and the pace are measured on; tests pass one that does not wait.
    public var clock: any Clock<Duration>

    /// A configuration; the rate, retries and pauses default to the politest values.
    public init(baseURL: URL, rate: RequestRate, retry: RetryPolicy = AudienceSourceConfiguration.defaultRetry,
                quotaPause: Duration = .seconds(5), requestTimeout: Duration = .seconds(30), requestDeadline: Duration = .seconds(60),
                userAgent: String = AudienceSourceConfiguration.defaultUserAgent, clock: any Clock<Duration> = ContinuousClock()) {
        self.baseURL = baseURL
        self.rate = rate
        self.retry = retry
        self.quotaPause = max(.zero, quotaPause)
        self.requestTimeout = max(.milliseconds(1), requestTimeout)
        self.requestDeadline = max(.milliseconds(1), requestDeadline)
        self.userAgent = userAgent
        self.clock = clock
    }

    /// Six attempts, 500 ms doubling up to 20 s, a `Retry-After` of up to two minutes waited for.
    public static let defaultRetry = RetryPolicy(maximumAttempts: 6, baseDelay: .milliseconds(500), maximumDelay: .seconds(20),
                                                 retryAfterCap: .seconds(120))

    /// `Momentum/<version> (+https://github.com/momentum-music/momentum)`: MusicBrainz asks for
    /// an application name, a version and a way to reach its author.
    public static let defaultUserAgent = "Momentum-AudienceKit/\(AudienceKit.version) (+https://github.com/momentum-music/momentum)"

    /// Deezer: `https://api.deezer.com`, 45 requests per 5 s (under its quota of about 50).
    public static func deezer(baseURL: URL? = nil, clock: any Clock<Duration> = ContinuousClock()) -> AudienceSourceConfiguration {
        AudienceSourceConfiguration(baseURL: baseURL ?? URL(string: "https://api.deezer.com") ?? URL(fileURLWithPath: "/"),
                                    rate: RequestRate(requests: 45, per: .seconds(5)), clock: clock)
    }

    /// Last.fm: `https://ws.audioscrobbler.com/2.0`, 4 requests per second.
    public static func lastFM(baseURL: URL? = nil, clock: any Clock<Duration> = ContinuousClock()) -> AudienceSourceConfiguration {
        AudienceSourceConfiguration(baseURL: baseURL ?? URL(string: "https://ws.audioscrobbler.com/2.0") ?? URL(fileURLWithPath: "/"),
                                    rate: RequestRate(requests: 4, per: .seconds(1)), clock: clock)
    }

    /// MusicBrainz: `https://musicbrainz.org`, one request per second.
    public static func musicBrainz(baseURL: URL? = nil, userAgent: String = defaultUserAgent,
                                   clock: any Clock<Duration> = ContinuousClock()) -> AudienceSourceConfiguration {
        AudienceSourceConfiguration(baseURL: baseURL ?? URL(string: "https://musicbrainz.org") ?? URL(fileURLWithPath: "/"),
                                    rate: RequestRate(requests: 1, per: .seconds(1)), userAgent: userAgent, clock: clock)
    }
}
