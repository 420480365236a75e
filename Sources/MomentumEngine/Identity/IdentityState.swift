// Who a tracked artist is on the other audience sources (`state/identity/<artist_id>.json`,
// lake.md v1.1): per source the artist it was matched to, how (strongest first: `upc`, `isrc`,
// `musicbrainz`, `name`; `manual` by hand), the evidence and when. Rewritten whole, atomically.

import Foundation
import LakeKit

/// An audience source other than Spotify.
package enum AudienceSourceName: String, Sendable, CaseIterable, Codable, Hashable, Comparable {
    case deezer
    case lastfm

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// How people write it.
    package var displayName: String { self == .deezer ? "Deezer" : "Last.fm" }
}

/// How a match was made, strongest first.
package enum MatchEvidence: String, Sendable, Codable, Hashable, Comparable {
    /// By hand (`momentum artists link`): never replaced automatically.
    case manual
    /// An album's barcode on both sides.
    case upc
    /// A track's ISRC on both sides.
    case isrc
    /// MusicBrainz links the Spotify artist to the MBID the source knows.
    case musicbrainz
    /// By name alone: weaker; checked again when stronger evidence appears.
    case name

    private var strength: Int { [.manual: 4, .upc: 3, .isrc: 3, .musicbrainz: 3, .name: 1][self] ?? 0 }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.strength < rhs.strength }

    /// True for matches stronger than a name.
    package var isStrong: Bool { self != .name }
}

/// One artist's identity on the other sources.
package struct IdentityState: Codable, Sendable, Equatable {
    /// A match on one source.
    package struct SourceMatch: Codable, Sendable, Equatable {
        /// The artist on that source: Deezer's numeric id; Last.fm's MBID, else its name.
        package var id: String
        /// The artist's name there.
        package var name: String
        package var matchedBy: MatchEvidence
        /// What the match rests on (`upc`, `album_id`, `album_name`, `isrc`, `mbid`, ...).
        package var evidence: [String: String]
        package var checkedAt: String

        package init(id: String, name: String, matchedBy: MatchEvidence, evidence: [String: String], checkedAt: String) {
            self.id = id
            self.name = name
            self.matchedBy = matchedBy
            self.evidence = evidence
            self.checkedAt = checkedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, name, evidence
            case matchedBy = "matched_by", checkedAt = "checked_at"
        }
    }

    package var artistID: String
    /// Matches by source (`deezer`, `lastfm`).
    package var sources: [AudienceSourceName: SourceMatch]
    /// When each source was last searched without a match: the daily job looks again only a
    /// week later.
    package var unmatchedCheckedAt: [AudienceSourceName: String]

    package init(artistID: String, sources: [AudienceSourceName: SourceMatch] = [:], unmatchedCheckedAt: [AudienceSourceName: String] = [:]) {
        self.artistID = artistID
        self.sources = sources
        self.unmatchedCheckedAt = unmatchedCheckedAt
    }

    enum CodingKeys: String, CodingKey {
        case sources
        case artistID = "artist_id", unmatchedCheckedAt = "unmatched_checked_at"
    }

    // Dictionaries keyed by an enum encode as arrays; the document keeps them as objects.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        artistID = try container.decode(String.self, forKey: .artistID)
        func keyed<V>(_ raw: [String: V]) -> [AudienceSourceName: V] {
            Dictionary(uniqueKeysWithValues: raw.compactMap { key, value in AudienceSourceName(rawValue: key).map { ($0, value) } })
        }
        sources = keyed(try container.decodeIfPresent([String: SourceMatch].self, forKey: .sources) ?? [:])
        unmatchedCheckedAt = keyed(try container.decodeIfPresent([String: String].self, forKey: .unmatchedCheckedAt) ?? [:])
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(artistID, forKey: .artistID)
        try container.encode(Dictionary(uniqueKeysWithValues: sources.map { ($0.key.rawValue, $0.value) }), forKey: .sources)
        try container.encode(Dictionary(uniqueKeysWithValues: unmatchedCheckedAt.map { ($0.key.rawValue, $0.value) }), forKey: .unmatchedCheckedAt)
    }

    package static func key(artistID: String) -> String { "\(LakeDataset.identityState.prefix)\(artistID).json" }

    package static func load(artistID: String, from store: any ObjectStore) async throws -> IdentityState? {
        try await LakeStateJSON.load(IdentityState.self, key: key(artistID: artistID), from: store, what: "identity state")
    }

    package func save(to store: any ObjectStore) async throws {
        try await store.put(IdentityState.key(artistID: artistID), bytes: LakeStateJSON.encode(self))
    }
}
