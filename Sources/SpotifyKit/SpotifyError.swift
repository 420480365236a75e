// Errors of SpotifyKit: a struct wrapping a private code, so that new cases are not API breaks.

/// An error from the Spotify client, with a message a user can act on.
public struct SpotifyError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidID
    }

    private let code: Code
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Errors are equal when they are of the same kind, whatever their message.
    public static func == (lhs: SpotifyError, rhs: SpotifyError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func invalidID(_ input: String, kind: SpotifyID.Kind, reason: String) -> SpotifyError {
        let shown = input.count > 80 ? String(input.prefix(80)) + "…" : input
        return SpotifyError(.invalidID, "'\(shown)' is not a Spotify \(kind.rawValue) id, URI or URL: \(reason)")
    }

    /// Matches any invalid-id error: `#expect(throws: SpotifyError.invalidIDKind)`.
    public static let invalidIDKind = SpotifyError(.invalidID, "")

    public static func ~= (pattern: SpotifyError, error: any Error) -> Bool {
        (error as? SpotifyError)?.code == pattern.code
    }
}
