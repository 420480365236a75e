// `--artist` takes what `artists add` takes for an artist already known (an id, a
// `spotify:artist:` URI or an open.spotify.com link) or the artist's name: an exact match among
// the lake's artists after NFC and case folding ("zoë" finds "Zoë"). A name several artists share
// lists them and exits 2.

import ArgumentParser
import MomentumEngine
import SpotifyKit

enum ArtistArgument {
    /// Refuses what can be neither an id nor a name, before anything is read.
    static func validate(_ input: String) throws {
        guard !input.trimmingCharacters(in: .whitespaces).isEmpty,
              !TerminalText.hasControlCharacters(input) else {
            throw ValidationError("--artist must be an artist id, a spotify:artist: URI, an open.spotify.com/artist/ link or a name, got '\(TerminalText.sanitized(String(input.prefix(80))))'")
        }
        // What looks like a URI or a link must be an artist's, not an album's.
        if input.hasPrefix("spotify:") || input.contains("open.spotify.com/"), (try? SpotifyID(parsing: input, kind: .artist)) == nil {
            throw ValidationError("--artist must be an artist id, a spotify:artist: URI, an open.spotify.com/artist/ link or a name, got '\(TerminalText.sanitized(String(input.prefix(80))))'")
        }
    }

    /// The id `input` names: parsed when it is an id, URI or link; looked up when it is a name.
    static func id(_ input: String, in engine: LocalEngine) async throws -> String {
        if let id = try? SpotifyID(parsing: input, kind: .artist) { return id.rawValue }
        let matches = try await engine.artists(named: input)
        let shown = TerminalText.sanitized(String(input.prefix(80)))
        switch matches.count {
        case 1:
            return matches[0].id
        case 0:
            throw CommandFailure.usage("no artist named '\(shown)' in the lake at \(engine.store.location) (tracked artists, the latest leaderboard and release events); pass its id, URI or link, or see `momentum artists list`")
        default:
            let listed = matches.prefix(10).map { "\(TerminalText.sanitized($0.name)) (\($0.id))" }.joined(separator: ", ")
            throw CommandFailure.usage("--artist '\(shown)' matches \(matches.count) artists: \(listed)\(matches.count > 10 ? ", ..." : ""); pass the id of the one you mean")
        }
    }
}
