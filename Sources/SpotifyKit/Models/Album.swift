// Album objects: the simplified ones of artist discographies and search, and the full one.
// The captured responses in the test fixtures predate `album_type` and `total_tracks` being
// required; they decode all the same.

/// How an album relates to the artist whose discography lists it.
public enum AlbumGroup: String, Sendable, CaseIterable, Hashable {
    /// The artist's own albums.
    case album
    /// Singles and EPs.
    case single
    /// Compilations.
    case compilation
    /// Albums of others the artist appears on.
    case appearsOn = "appears_on"
}

/// An album as an artist's discography lists it.
public struct SimplifiedAlbum: Decodable, Sendable, Hashable {
    /// The album's Spotify id.
    public var id: String
    /// The album's name.
    public var name: String
    /// `album`, `single` or `compilation`.
    public var albumType: String?
    /// `album`, `single`, `compilation` or `appears_on`; may be absent since February 2026.
    public var albumGroup: String?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var releaseDate: String?
    /// `year`, `month` or `day`.
    public var releaseDatePrecision: String?
    /// Tracks on the album.
    public var totalTracks: Int?
    /// The album's artists.
    public var artists: [SimplifiedArtist]?
    /// Markets the album is sold in (absent when a market was sent).
    public var availableMarkets: [String]?
    /// Cover images, largest first.
    public var images: [SpotifyImage]?
    /// The `spotify:album:` URI.
    public var uri: String?

    /// Creates an album entry (for tests and simulators).
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
    /// The album's Spotify id.
    public var id: String
    /// The album's name.
    public var name: String
    /// `album`, `single` or `compilation`.
    public var albumType: String?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as `releaseDatePrecision` says.
    public var releaseDate: String?
    /// `year`, `month` or `day`.
    public var releaseDatePrecision: String?
    /// Tracks on the album.
    public var totalTracks: Int?
    /// The record label; Development Mode apps do not get it.
    public var label: String?
    /// 0 to 100; Development Mode apps do not get it.
    public var popularity: Int?
    /// The album's artists.
    public var artists: [SimplifiedArtist]?
    /// The first page of tracks.
    public var tracks: Paging<SimplifiedTrack>?
    /// The `spotify:album:` URI.
    public var uri: String?
    /// `external_ids`: the album's barcodes (`upc`, `ean`); Spotify restored them in March 2026.
    public var externalIDs: ExternalIDs?

    enum CodingKeys: String, CodingKey {
        case id, name, label, popularity, artists, tracks, uri
        case albumType = "album_type", releaseDate = "release_date"
        case releaseDatePrecision = "release_date_precision", totalTracks = "total_tracks", externalIDs = "external_ids"
    }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(
        id: String, name: String, albumType: String? = nil, releaseDate: String? = nil,
        releaseDatePrecision: String? = nil, totalTracks: Int? = nil, label: String? = nil,
        popularity: Int? = nil, artists: [SimplifiedArtist]? = nil, tracks: Paging<SimplifiedTrack>? = nil,
        uri: String? = nil, externalIDs: ExternalIDs? = nil
    ) {
        self.externalIDs = externalIDs
        self.id = id
        self.name = name
        self.albumType = albumType
        self.releaseDate = releaseDate
        self.releaseDatePrecision = releaseDatePrecision
        self.totalTracks = totalTracks
        self.label = label
        self.popularity = popularity
        self.artists = artists
        self.tracks = tracks
        self.uri = uri
    }
}

/// The codes a release or recording is known by outside Spotify.
public struct ExternalIDs: Decodable, Sendable, Hashable {
    /// Universal Product Code (an album's barcode).
    public var upc: String?
    /// International Article Number (an album's barcode outside North America).
    public var ean: String?
    /// International Standard Recording Code (a track's).
    public var isrc: String?

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(upc: String? = nil, ean: String? = nil, isrc: String? = nil) {
        self.upc = upc
        self.ean = ean
        self.isrc = isrc
    }
}

/// A full track (`GET /tracks/{id}`): what Momentum reads of it.
public struct Track: Decodable, Sendable, Hashable {
    /// The track's Spotify id.
    public var id: String
    /// The track's name.
    public var name: String
    /// The track's artists.
    public var artists: [SimplifiedArtist]?
    /// `external_ids`: the recording's ISRC.
    public var externalIDs: ExternalIDs?

    enum CodingKeys: String, CodingKey {
        case id, name, artists
        case externalIDs = "external_ids"
    }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(id: String, name: String, artists: [SimplifiedArtist]? = nil, externalIDs: ExternalIDs? = nil) {
        self.id = id
        self.name = name
        self.artists = artists
        self.externalIDs = externalIDs
    }
}

/// A track as an album lists it.
public struct SimplifiedTrack: Decodable, Sendable, Hashable {
    /// The track's Spotify id.
    public var id: String?
    /// The track's name.
    public var name: String?
    /// Length in milliseconds.
    public var durationMS: Int?
    /// Position on its disc.
    public var trackNumber: Int?

    enum CodingKeys: String, CodingKey {
        case id, name
        case durationMS = "duration_ms", trackNumber = "track_number"
    }

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(id: String? = nil, name: String? = nil, durationMS: Int? = nil, trackNumber: Int? = nil) {
        self.id = id
        self.name = name
        self.durationMS = durationMS
        self.trackNumber = trackNumber
    }
}

/// A page of a list.
public struct Paging<Item: Decodable & Sendable & Hashable>: Decodable, Sendable, Hashable {
    /// The items of this page.
    public var items: [Item]
    /// The page size asked for.
    public var limit: Int?
    /// The index of the first item of this page.
    public var offset: Int?
    /// Items in all pages.
    public var total: Int?
    /// The URL of the next page; nil on the last page.
    public var next: String?
    /// The URL of the previous page; nil on the first page.
    public var previous: String?
    /// The URL of this page.
    public var href: String?

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(
        items: [Item], limit: Int? = nil, offset: Int? = nil, total: Int? = nil, next: String? = nil,
        previous: String? = nil, href: String? = nil
    ) {
        self.items = items
        self.limit = limit
        self.offset = offset
        self.total = total
        self.next = next
        self.previous = previous
        self.href = href
    }
}
