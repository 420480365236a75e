// `--artist` takes what `artists add` takes for an artist already known: an id, a
// `spotify:artist:` URI or an open.spotify.com link.

import ArgumentParser
import MomentumEngine
import SpotifyKit

enum ArtistArgument {
    static func id(_ input: String) throws -> String {
        do {
            return try SpotifyID(parsing: input, kind: .artist).rawValue
        } catch {
            throw ValidationError("--artist must be an artist id, a spotify:artist: URI or an open.spotify.com/artist/ link, got '\(TerminalText.sanitized(String(input.prefix(80))))'")
        }
    }
}
