// Spotify identifies everything by a 22-character base-62 id. Users paste ids, `spotify:` URIs
// and `open.spotify.com` links interchangeably; all three are accepted, and anything else is
// refused before a request is made.

/// A validated Spotify id of a given kind (artist, album, ...).
public struct SpotifyID: Hashable, Sendable, CustomStringConvertible {
    /// The kinds of object an id can name.
    public enum Kind: String, Sendable, CaseIterable {
        /// An artist.
        case artist
        /// An album.
        case album
        /// A track.
        case track
    }

    /// What the id names.
    public let kind: Kind
    /// The 22-character base-62 id.
    public let rawValue: String

    /// Parses an id, a `spotify:<kind>:<id>` URI or an `https://open.spotify.com/<kind>/<id>` URL
    /// (query strings such as `?si=` and locale prefixes such as `/intl-de/` are allowed).
    public init(parsing text: String, kind: Kind) throws {
        // A bare id, the common case (a roster of 100,000 is parsed on every run), skips the
        // trimming, which walks characters.
        if text.utf8.count == 22, SpotifyID.isBase62ID(Substring(text)) {
            self.kind = kind
            self.rawValue = text
            return
        }
        let input = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        let candidate: Substring
        if input.hasPrefix("spotify:") {
            let parts = input.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1] == Substring(kind.rawValue) else {
                throw SpotifyError.invalidID(text, kind: kind, reason: "expected spotify:\(kind.rawValue):<id>")
            }
            candidate = parts[2]
        } else if let marker = input.firstRange(of: "open.spotify.com/") {
            var path = input[marker.upperBound...].split(separator: "?", maxSplits: 1).first ?? ""
            path = path.split(separator: "#", maxSplits: 1).first ?? ""
            var segments = path.split(separator: "/")
            if let first = segments.first, first.hasPrefix("intl-") { segments.removeFirst() }
            guard segments.count == 2, segments[0] == Substring(kind.rawValue) else {
                throw SpotifyError.invalidID(text, kind: kind, reason: "expected https://open.spotify.com/\(kind.rawValue)/<id>")
            }
            candidate = segments[1]
        } else {
            candidate = Substring(input)
        }
        guard SpotifyID.isBase62ID(candidate) else {
            throw SpotifyError.invalidID(text, kind: kind, reason: "a Spotify id is 22 letters and digits")
        }
        self.kind = kind
        self.rawValue = String(candidate)
    }

    /// `spotify:<kind>:<id>`
    public var uri: String { "spotify:\(kind.rawValue):\(rawValue)" }

    public var description: String { rawValue }

    static func isBase62ID(_ text: Substring) -> Bool {
        text.utf8.count == 22 && text.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
        }
    }
}
