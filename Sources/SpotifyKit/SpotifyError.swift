// Errors of SpotifyKit: a struct wrapping a private code, so that new cases are not API breaks.
// Messages say what happened and what to do; they never contain a token or a secret.

import MomentumHTTP

/// An error from the Spotify client, with a message a user can act on.
public struct SpotifyError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidID
        case authentication
        case rateLimited
        case notFound
        case endpointUnavailable
        case badRequest
        case http
        case transport
        case decoding
        case configuration
        case redirect
        case deadline
    }

    private let code: Code
    /// What went wrong and what to do, without credentials.
    public let message: String
    /// For rate limits: how long Spotify asked to wait.
    public let retryAfter: Duration?
    /// The HTTP status, when the error came from a response.
    public let status: Int?

    private init(_ code: Code, _ message: String, retryAfter: Duration? = nil, status: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.status = status
    }

    public var description: String { message }

    /// Errors are equal when they are of the same kind, whatever their message.
    public static func == (lhs: SpotifyError, rhs: SpotifyError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// True when Spotify (or the network) refused or could not be reached: worth retrying
    /// later, not a fault of the input.
    public var isServiceFailure: Bool {
        [.authentication, .rateLimited, .http, .transport, .endpointUnavailable, .redirect, .deadline].contains(code)
    }

    // MARK: Kinds, for matching: `#expect(throws: SpotifyError.rateLimitedKind)`

    /// Matches errors for an input that is not a Spotify id, URI or link.
    public static let invalidIDKind = SpotifyError(.invalidID, "")
    /// Matches errors for refused credentials.
    public static let authenticationKind = SpotifyError(.authentication, "")
    /// Matches errors for a rate limit longer than the client waits.
    public static let rateLimitedKind = SpotifyError(.rateLimited, "")
    /// Matches 404 answers.
    public static let notFoundKind = SpotifyError(.notFound, "")
    /// Matches endpoints this app may not call (Development Mode).
    public static let endpointUnavailableKind = SpotifyError(.endpointUnavailable, "")
    /// Matches 400 answers.
    public static let badRequestKind = SpotifyError(.badRequest, "")
    /// Matches other HTTP errors.
    public static let httpKind = SpotifyError(.http, "")
    /// Matches failures to reach Spotify.
    public static let transportKind = SpotifyError(.transport, "")
    /// Matches answers that do not decode.
    public static let decodingKind = SpotifyError(.decoding, "")
    /// Matches configuration errors.
    public static let configurationKind = SpotifyError(.configuration, "")
    /// Matches refused redirects (to another origin, or too many).
    public static let redirectKind = SpotifyError(.redirect, "")
    /// Matches requests past the job deadline.
    public static let deadlineKind = SpotifyError(.deadline, "")

    /// Lets `catch SpotifyError.notFoundKind` style patterns match errors of a kind.
    public static func ~= (pattern: SpotifyError, error: any Error) -> Bool {
        (error as? SpotifyError)?.code == pattern.code
    }

    // MARK: Constructors

    static func invalidID(_ input: String, kind: SpotifyID.Kind, reason: String) -> SpotifyError {
        let shown = input.count > 80 ? String(input.prefix(80)) + "…" : input
        return SpotifyError(.invalidID, "'\(shown)' is not a Spotify \(kind.rawValue) id, URI or URL: \(reason)")
    }

    static func authentication(_ detail: String, status: Int? = nil) -> SpotifyError {
        SpotifyError(.authentication, "Spotify refused the client credentials (\(detail)): check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET", status: status)
    }

    static func rateLimited(endpoint: String, retryAfter: Double, cap: Double) -> SpotifyError {
        let wait = SpotifyError.formatWait(retryAfter)
        return SpotifyError(.rateLimited, "Spotify's rate limit: \(endpoint) asks to wait \(wait), longer than the \(Int(cap)) s this client waits; run again after that", retryAfter: .clampedSeconds(retryAfter), status: 429)
    }

    /// `2 h 5 min`, `3 min 20 s`, `45 s`; absurd values (a server may send 1e30) are said as such
    /// instead of trapping in an integer conversion.
    static func formatWait(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "an unusable time (\(seconds))" }
        guard seconds < 86_400 * 366 else { return "more than a year" }
        let whole = Int(seconds)
        if whole >= 3600 { return "\(whole / 3600) h \(whole % 3600 / 60) min" }
        if whole >= 60 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole) s"
    }

    static func rateLimitedRepeatedly(endpoint: String, attempts: Int) -> SpotifyError {
        SpotifyError(.rateLimited, "Spotify's rate limit: \(endpoint) was still refused after \(attempts) attempts; run again later", status: 429)
    }

    static func notFound(_ what: String) -> SpotifyError {
        SpotifyError(.notFound, "\(what) was not found on Spotify", status: 404)
    }

    static func endpointUnavailable(_ endpoint: String, status: Int) -> SpotifyError {
        SpotifyError(.endpointUnavailable, "\(endpoint) is not available to this app (HTTP \(status))", status: status)
    }

    static func badRequest(_ endpoint: String, message: String) -> SpotifyError {
        SpotifyError(.badRequest, "Spotify rejected \(endpoint): \(Redaction.clean(message))", status: 400)
    }

    static func http(_ endpoint: String, status: Int, message: String, attempts: Int) -> SpotifyError {
        SpotifyError(.http, "Spotify answered \(endpoint) with HTTP \(status)\(message.isEmpty ? "" : " (\(Redaction.clean(message)))")\(attempts > 1 ? " after \(attempts) attempts" : "")", status: status)
    }

    static func transport(_ endpoint: String, _ detail: String, attempts: Int) -> SpotifyError {
        SpotifyError(.transport, "could not reach Spotify for \(endpoint) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(Redaction.clean(detail))")
    }

    static func decoding(_ endpoint: String, body: [UInt8], detail: String, secrets: [String] = []) -> SpotifyError {
        var excerpt = Redaction.clean(String(decoding: body.prefix(160), as: UTF8.self), secrets: secrets)
        if body.count > 160, !excerpt.hasSuffix("…") { excerpt += "…" }
        return SpotifyError(.decoding, "unexpected answer from \(endpoint) (\(Redaction.clean(detail, secrets: secrets))); the body began: \(excerpt)")
    }

    /// Wraps an error that did not come from SpotifyKit, for APIs that report per-item results.
    public static func unexpected(_ message: String) -> SpotifyError {
        SpotifyError(.transport, message)
    }

    static func configuration(_ message: String) -> SpotifyError {
        SpotifyError(.configuration, message)
    }

    static func redirect(_ endpoint: String, _ detail: String) -> SpotifyError {
        SpotifyError(.redirect, "\(endpoint): \(detail)")
    }

    static func deadline(_ endpoint: String, seconds: Double) -> SpotifyError {
        SpotifyError(.deadline, "\(endpoint) was not sent: the job's \(Int(seconds)) s deadline has passed")
    }

    /// A server answered something out of contract (an id that was not asked for, a count
    /// out of range).
    static func invalidAnswer(_ endpoint: String, _ detail: String) -> SpotifyError {
        SpotifyError(.decoding, "unexpected answer from \(endpoint): \(Redaction.clean(detail))")
    }
}
