// Album objects: the simplified ones of artist discographies and search, and the full one.
// The captured responses in the test fixtures predate `album_type` and `total_tracks` being
// required; they decode all the same.

/// How an album relates to the artist whose discography lists it.
public enum AlbumGroup: String, Sendable, CaseIterable, Hashable {
    case album, single, compilation
    case appearsOn = "appears_on"
}

/// An album as an artist's discography lists it.
public struct SimplifiedAlbum: Decodable, Sendable, Hashable {
    public var id: String
    public var name: String
    /// `album`, `single` or `compilation`.
    public var albumType: String?
    /// `album`, `single`, `compilation` or `appears_on`; may be absent since February 2026.
    public var albumGroup: String?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var releaseDate: String?
    /// `year`, `month` or `day`.
    public var releaseDatePrecision: String?
    public var totalTracks: Int?
    public var artists: [SimplifiedArtist]?
    public var availableMarkets: [String]?
    public var images: [SpotifyImage]?
    public var uri: String?

    public init(id: String, name: String, albumType: String?, albumGroup: String?, releaseDate: String?,
                releaseDatePrecision: String?, totalTracks: Int?) {
        self.id = id
        self.name = name
        self.albumType = albumType
        self.albumGroup = albumGroup
        self.releaseDate = releaseDate
        self.releaseDatePrecision = releaseDatePrecision
        self.totalTracks = totalTracks
    }

    enum CodingKeys: String, CodingKey {
        case id, name, artists, images, uri
        case albumType = "album_type", albumGroup = "album_group", releaseDate = "release_date"
        case releaseDatePrecision = "release_date_precision", totalTracks = "total_tracks"
        case availableMarkets = "available_markets"
    }
}

/// A full album (`GET /albums/{id}`).
public struct Album: Decodable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var albumType: String?
    public var releaseDate: String?
    public var releaseDatePrecision: String?
    public var totalTracks: Int?
    public var label: String?
    public var popularity: Int?
    public var artists: [SimplifiedArtist]?
    public var tracks: Paging<SimplifiedTrack>?
    public var uri: String?

    enum CodingKeys: String, CodingKey {
        case id, name, label, popularity, artists, tracks, uri
        case albumType = "album_type", releaseDate = "release_date"
        case releaseDatePrecision = "release_date_precision", totalTracks = "total_tracks"
    }
}

public struct SimplifiedTrack: Decodable, Sendable, Hashable {
    public var id: String?
    public var name: String?
    public var durationMS: Int?
    public var trackNumber: Int?

    enum CodingKeys: String, CodingKey {
        case id, name
        case durationMS = "duration_ms", trackNumber = "track_number"
    }
}

/// A page of a list.
public struct Paging<Item: Decodable & Sendable & Hashable>: Decodable, Sendable, Hashable {
    public var items: [Item]
    public var limit: Int?
    public var offset: Int?
    public var total: Int?
    public var next: String?
    public var previous: String?
    public var href: String?
}
