// Errors of AudienceKit: a struct wrapping a private code, so that new cases are not API
// breaks. Messages name the source and the endpoint; they never contain an API key (requests
// are named by their templates, never by their URLs).

/// An error from an audience source, with a message a user can act on.
public struct AudienceError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case transport
        case rateLimited
        case refused
        case service
        case malformed
        case redirect
    }

    private let code: Code
    /// `Deezer`, `Last.fm` or `MusicBrainz`.
    public let source: String
    /// What went wrong and what to do, without credentials.
    public let message: String

    private init(_ code: Code, source: String, _ message: String) {
        self.code = code
        self.source = source
        self.message = message
    }

    public var description: String { message }

    /// Errors are equal when they are of the same kind, whatever their source and message.
    public static func == (lhs: AudienceError, rhs: AudienceError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// True when the source refused or could not be reached (worth trying later), not an
    /// answer about the artist.
    public var isServiceFailure: Bool { code != .malformed }

    /// True when the source refused the credentials (a bad or suspended key): no request of
    /// the job can succeed.
    public var isRefusal: Bool { code == .refused }

    // MARK: Kinds, for matching: `#expect(throws: AudienceError.rateLimitedKind)`

    /// Matches failures to get an answer (connection, timeout, repeated server errors).
    public static let transportKind = AudienceError(.transport, source: "", "")
    /// Matches a quota or rate limit that lasted past the retries.
    public static let rateLimitedKind = AudienceError(.rateLimited, source: "", "")
    /// Matches refused credentials (Last.fm: an invalid or suspended key).
    public static let refusedKind = AudienceError(.refused, source: "", "")
    /// Matches other errors the source answered.
    public static let serviceKind = AudienceError(.service, source: "", "")
    /// Matches answers that are not what the source documents.
    public static let malformedKind = AudienceError(.malformed, source: "", "")
    /// Matches redirects the client does not follow (to another origin, or too many).
    public static let redirectKind = AudienceError(.redirect, source: "", "")

    static func transport(_ source: String, _ endpoint: String, _ detail: String, attempts: Int) -> AudienceError {
        AudienceError(.transport, source: source, "\(source) \(endpoint): no answer after \(attempts) attempt(s): \(detail)")
    }

    static func rateLimited(_ source: String, _ endpoint: String, _ detail: String, attempts: Int) -> AudienceError {
        AudienceError(.rateLimited, source: source,
                      "\(source) \(endpoint): \(detail), still after \(attempts) attempt(s); try again later (the job resumes where it stopped)")
    }

    static func refused(_ source: String, _ endpoint: String, _ detail: String) -> AudienceError {
        AudienceError(.refused, source: source, "\(source) \(endpoint) refused the credentials: \(detail)")
    }

    static func service(_ source: String, _ endpoint: String, _ detail: String) -> AudienceError {
        AudienceError(.service, source: source, "\(source) \(endpoint) answered an error: \(detail)")
    }

    static func malformed(_ source: String, _ endpoint: String, _ detail: String) -> AudienceError {
        AudienceError(.malformed, source: source, "\(source) \(endpoint) answered something unexpected: \(detail)")
    }

    static func redirect(_ source: String, _ endpoint: String, _ detail: String) -> AudienceError {
        AudienceError(.redirect, source: source, "\(source) \(endpoint): \(detail)")
    }
}
