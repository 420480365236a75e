// Access tokens. The client asks a `TokenProvider` for a token before each request and tells
// it when Spotify rejected one; the built-in provider runs the Client Credentials flow.

import Foundation

/// Supplies bearer tokens for the Web API.
public protocol TokenProvider: Sendable {
    /// A token valid for at least a little while.
    func accessToken() async throws -> String
    /// Spotify answered 401 to `token`: forget it, so the next call gets a fresh one.
    func invalidate(_ token: String) async
}

/// A fixed token, for example a user token obtained elsewhere.
public struct StaticTokenProvider: TokenProvider {
    private let token: String

    /// A provider that always answers `token`.
    public init(token: String) {
        self.token = token
    }

    public func accessToken() async throws -> String { token }
    public func invalidate(_ token: String) async {}
}

/// The Client Credentials flow: `POST {accounts}/api/token` with Basic auth. The token is
/// cached, refreshed ahead of expiry, dropped after a 401, and one refresh is shared by every
/// caller that needs it at the same time.
public actor ClientCredentialsTokenProvider: TokenProvider {
    private let clientID: String
    private let clientSecret: String
    private let tokenURL: URL
    private let transport: any HTTPTransport
    private let retry: RetryPolicy
    private let now: @Sendable () -> Date
    /// Refresh this long before the token expires.
    private let refreshMargin: Duration

    private var cached: (token: String, expires: Date)?
    private var refreshing: Task<(String, Date), any Error>?

    /// A provider for an app's client id and secret; `now` is the wall clock tokens expire by (tests pass their own).
    public init(
        clientID: String, clientSecret: String, configuration: SpotifyConfiguration = SpotifyConfiguration(),
        transport: any HTTPTransport = URLSessionTransport(), refreshMargin: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenURL = configuration.accountsURL.appendingPathComponent("api/token")
        self.transport = transport
        self.retry = RetryPolicy(configuration: configuration)
        self.refreshMargin = refreshMargin
        self.now = now
    }

    public func accessToken() async throws -> String {
        if let cached, now().addingTimeInterval(refreshMargin.secondsValue) < cached.expires {
            return cached.token
        }
        if let refreshing {
            return try await refreshing.value.0
        }
        let task = Task { [clientID, clientSecret, tokenURL, transport, retry, now] in
            try await ClientCredentialsTokenProvider.fetch(
                clientID: clientID, clientSecret: clientSecret, url: tokenURL, transport: transport, retry: retry, now: now)
        }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh.0
    }

    public func invalidate(_ token: String) async {
        if cached?.token == token { cached = nil }
    }

    private struct TokenAnswer: Decodable {
        var access_token: String
        var token_type: String?
        var expires_in: Double?
    }

    private struct TokenError: Decodable {
        var error: String?
        var error_description: String?
    }

    private static func fetch(
        clientID: String, clientSecret: String, url: URL, transport: any HTTPTransport, retry: RetryPolicy,
        now: @Sendable () -> Date
    ) async throws -> (String, Date) {
        guard !clientID.isEmpty, !clientSecret.isEmpty else {
            throw SpotifyError.configuration("no Spotify client credentials: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (an app at developer.spotify.com)")
        }
        let basic = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        let request = TransportRequest(
            method: "POST", url: url,
            headers: ["Authorization": "Basic \(basic)", "Content-Type": "application/x-www-form-urlencoded"],
            body: Array("grant_type=client_credentials".utf8), timeout: retry.timeout, deadline: retry.deadline
        )
        let response = try await retry.send(request, endpoint: "POST /api/token", via: transport)
        switch response.status {
        case 200:
            guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(response.body)), !answer.access_token.isEmpty else {
                throw SpotifyError.decoding("POST /api/token", body: [], detail: "the answer holds no access token")
            }
            return (answer.access_token, now().addingTimeInterval(Duration.clampedSeconds(answer.expires_in ?? 3600).secondsValue))
        case 400, 401, 403:
            let detail = (try? JSONDecoder().decode(TokenError.self, from: Data(response.body)))?.error ?? "HTTP \(response.status)"
            throw SpotifyError.authentication(Redaction.clean(detail, secrets: [clientSecret, basic, clientID]), status: response.status)
        default:
            throw SpotifyError.http("POST /api/token", status: response.status, message: "", attempts: 1)
        }
    }
}
