// Finding an artist by the name a person types: the lake's artists are the tracked ones
// (`state/artists.json`) and those of the latest leaderboard and release events, each under its
// latest name; a name matches after NFC and case folding (``ArtistNames``).

import LakeKit
import MomentumAnalytics
import MomentumText

/// An artist a name matched.
package struct ArtistMatch: Sendable, Hashable {
    package var id: String
    package var name: String
}

extension LocalEngine {
    /// Every artist of the lake whose name matches `name`, in id order (several when the name
    /// is ambiguous, none when no artist has it).
    package func artists(named name: String) async throws -> [ArtistMatch] {
        let key = ArtistNames.matchKey(name)
        var names: [String: Set<String>] = [:]
        for entry in try await TrackedArtists.load(from: store).artists { names[entry.id, default: []].insert(entry.name) }
        let processed = try await processedLake()
        if !processed.isEmpty {
            for row in try await processedLeaderboard(processed, asOf: nil).rows { names[row.artistID, default: []].insert(row.artistName) }
            for impact in try await processedImpacts(processed, artistID: nil) {
                if let artistName = impact.artistName { names[impact.artistID, default: []].insert(artistName) }
            }
        }
        var matches: [ArtistMatch] = []
        for (id, known) in names {
            if let hit = known.sorted().first(where: { ArtistNames.matchKey($0) == key }) { matches.append(ArtistMatch(id: id, name: hit)) }
        }
        return matches.sorted { UTF8Order.less($0.id, $1.id) }
    }
}
