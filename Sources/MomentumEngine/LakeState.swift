// Small JSON documents under `state/`: the tracked artists and each artist's discography as of
// its last scan. They are rewritten whole, atomically, by the object store.

import Foundation
import LakeKit

/// The artists Momentum tracks (`state/artists.json`).
public struct TrackedArtists: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var addedAt: String

        public init(id: String, name: String, addedAt: String) {
            self.id = id
            self.name = name
            self.addedAt = addedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, name
            case addedAt = "added_at"
        }
    }

    public var artists: [Entry]

    public init(artists: [Entry]) {
        self.artists = artists
    }

    public static let key = "state/artists.json"

    public static func load(from store: some ObjectStore) async throws -> TrackedArtists {
        try await LakeStateJSON.load(TrackedArtists.self, key: key, from: store, what: "list of tracked artists")
            ?? TrackedArtists(artists: [])
    }

    public func save(to store: some ObjectStore) async throws {
        try await store.put(TrackedArtists.key, bytes: LakeStateJSON.encode(self))
    }
}

/// One artist's discography as of its last scan (`state/discography/<artist_id>.json`).
public struct DiscographyState: Codable, Sendable, Equatable {
    public var artistID: String
    /// Every album id seen so far, sorted.
    public var albumIDs: [String]
    public var firstScan: String
    public var lastScan: String

    enum CodingKeys: String, CodingKey {
        case artistID = "artist_id", albumIDs = "album_ids", firstScan = "first_scan", lastScan = "last_scan"
    }

    public static func load(artistID: String, from store: some ObjectStore) async throws -> DiscographyState? {
        try await LakeStateJSON.load(DiscographyState.self, key: LakeLayout.discographyStateKey(artistID: artistID),
                                     from: store, what: "discography state")
    }

    public func save(to store: some ObjectStore) async throws {
        try await store.put(LakeLayout.discographyStateKey(artistID: artistID), bytes: LakeStateJSON.encode(self))
    }
}

enum LakeStateJSON {
    /// The document at `key`, nil when there is none; a document that does not decode is an
    /// error that names it (and is left in place for the user to look at).
    static func load<T: Decodable>(_ type: T.Type, key: String, from store: some ObjectStore, what: String) async throws -> T? {
        let bytes: [UInt8]
        do {
            bytes = try await store.get(key)
        } catch LakeError.notFoundKind {
            return nil
        }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw EngineError.invalidInput("\(store.location)/\(key) is not a valid \(what): \(error)")
        }
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value)) + [0x0a]
    }
}
