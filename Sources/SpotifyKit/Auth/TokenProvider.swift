// Access tokens. The client asks a `TokenProvider` for a token before each request and tells
// it when Spotify rejected one; the built-in provider runs the Client Credentials flow.

import Foundation
import MomentumHTTP

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
/// cached, refreshed ahead of expiry, dropped after a 401, one refresh is shared by every caller
/// that needs it at the same time, and a failed refresh keeps a token that is still valid.
public actor ClientCredentialsTokenProvider: TokenProvider {
    private let cache: ExpiringValue<String>

    /// A provider for an app's client id and secret; `now` is the wall clock tokens expire by (tests pass their own).
    public init(
        clientID: String, clientSecret: String, configuration: SpotifyConfiguration = SpotifyConfiguration(),
        transport: any HTTPTransport = CurlTransport(), refreshMargin: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let tokenURL = configuration.accountsURL.appendingPathComponent("api/token")
        let exchange = SpotifyExchange(configuration: configuration)
        cache = ExpiringValue(refreshMargin: refreshMargin, now: now) {
            let (token, expires) = try await ClientCredentialsTokenProvider.fetch(
                clientID: clientID, clientSecret: clientSecret, url: tokenURL, transport: transport, exchange: exchange, now: now)
            return (token, expires)
        }
    }

    public func accessToken() async throws -> String {
        try await cache.value()
    }

    public func invalidate(_ token: String) async {
        await cache.invalidate { $0 == token }
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
        clientID: String, clientSecret: String, url: URL, transport: any HTTPTransport, exchange: SpotifyExchange,
        now: @Sendable () -> Date
    ) async throws -> (String, Date) {
        guard !clientID.isEmpty, !clientSecret.isEmpty else {
            throw SpotifyError.configuration("no Spotify client credentials: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (an app at developer.spotify.com)")
        }
        let basic = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        let request = TransportRequest(
            method: "POST", url: url,
            headers: ["Authorization": "Basic \(basic)", "Content-Type": "application/x-www-form-urlencoded"],
            body: Array("grant_type=client_credentials".utf8), timeout: exchange.timeout, deadline: exchange.deadline
        )
        let response = try await exchange.send(request, endpoint: "POST /api/token", via: transport)
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
