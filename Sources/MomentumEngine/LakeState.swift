// Small JSON documents under `state/`: the tracked artists and each artist's discography as of
// its last scan. They are rewritten whole, atomically, by the object store.

import Foundation
import LakeKit
import SpotifyKit

/// The artists Momentum tracks (`state/artists.json`).
package struct TrackedArtists: Codable, Sendable, Equatable {
    package struct Entry: Codable, Sendable, Equatable {
        package var id: String
        package var name: String
        package var addedAt: String

        package init(id: String, name: String, addedAt: String) {
            self.id = id
            self.name = name
            self.addedAt = addedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, name
            case addedAt = "added_at"
        }
    }

    package var artists: [Entry]

    package init(artists: [Entry]) {
        self.artists = artists
    }

    package static let key = "state/artists.json"

    /// An entry whose id is a valid Spotify artist id.
    package struct ValidEntry: Sendable {
        package var id: SpotifyID
        package var name: String
    }

    /// Entries whose id parses; the jobs work on these.
    package var validEntries: [ValidEntry] {
        artists.compactMap { entry in (try? SpotifyID(parsing: entry.id, kind: .artist)).map { ValidEntry(id: $0, name: entry.name) } }
    }

    /// Entries whose id does not parse (a hand edit): named and skipped by the jobs.
    package var invalidEntries: [Entry] {
        artists.filter { (try? SpotifyID(parsing: $0.id, kind: .artist)) == nil }
    }

    /// The invalid entries as the jobs report them.
    var invalidEntryFailures: [IngestFailure] {
        invalidEntries.map {
            IngestFailure(artistID: $0.id, artistName: $0.name, error: EngineError.invalidInput(
                "not a valid Spotify artist id in \(TrackedArtists.key); remove it with `momentum artists remove`"))
        }
    }

    package static func load(from store: any ObjectStore) async throws -> TrackedArtists {
        try await LakeStateJSON.load(TrackedArtists.self, key: key, from: store, what: "list of tracked artists")
            ?? TrackedArtists(artists: [])
    }

    package func save(to store: any ObjectStore) async throws {
        try await store.put(TrackedArtists.key, bytes: LakeStateJSON.encode(self))
    }

    /// Reads, changes and writes the list under the lake lock, so that two commands changing
    /// it at once cannot lose each other's change.
    package static func update<T: Sendable>(in store: any ObjectStore, command: String,
                                           _ change: (inout TrackedArtists) async throws -> T) async throws -> T {
        try await LakeLock.withLock(store, command: command) {
            var tracked = try await load(from: store)
            let before = tracked
            let result = try await change(&tracked)
            if tracked != before { try await tracked.save(to: store) }
            return result
        }
    }
}

/// One artist's discography as of its last scan (`state/discography/<artist_id>.json`).
package struct DiscographyState: Codable, Sendable, Equatable {
    package var artistID: String
    /// Every album id seen so far, sorted.
    package var albumIDs: [String]
    package var firstScan: String
    package var lastScan: String

    enum CodingKeys: String, CodingKey {
        case artistID = "artist_id", albumIDs = "album_ids", firstScan = "first_scan", lastScan = "last_scan"
    }

    package init(artistID: String, albumIDs: [String], firstScan: String, lastScan: String) {
        self.artistID = artistID
        self.albumIDs = albumIDs
        self.firstScan = firstScan
        self.lastScan = lastScan
    }

    package static func load(artistID: String, from store: any ObjectStore) async throws -> DiscographyState? {
        try await LakeStateJSON.load(DiscographyState.self, key: LakeLayout.discographyStateKey(artistID: artistID),
                                     from: store, what: "discography state")
    }

    package func save(to store: any ObjectStore) async throws {
        try await store.put(LakeLayout.discographyStateKey(artistID: artistID), bytes: LakeStateJSON.encode(self))
    }
}

enum LakeStateJSON {
    /// The document at `key`, nil when there is none. A document that exists but cannot be
    /// read is an error, never "absent": treating it as absent would start over from nothing.
    static func load<T: Decodable>(_ type: T.Type, key: String, from store: any ObjectStore, what: String) async throws -> T? {
        let bytes: [UInt8]
        do {
            bytes = try await store.get(key)
        } catch LakeError.notFoundKind {
            return nil
        } catch let error as LakeError {
            throw EngineError.invalidInput("cannot read the \(what) \(store.location)/\(key): \(error.message)")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw EngineError.invalidInput("\(store.location)/\(key) is not a valid \(what): \(error)")
        }
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        // Plain JSON (no comments): `jq` and every JSON library read it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value)) + [0x0a]
    }
}
