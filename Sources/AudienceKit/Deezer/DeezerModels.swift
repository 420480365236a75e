// What Deezer answers, the fields Momentum reads. Ids are numbers; an album's `upc` and a
// track's `isrc` are strings; `nb_fan` counts the users who follow the artist on Deezer.

/// A Deezer artist (`GET /artist/{id}`, or an entry of `GET /search/artist`).
public struct DeezerArtist: Decodable, Sendable, Hashable {
    /// Deezer's id.
    public var id: Int64
    /// The artist's name on Deezer.
    public var name: String
    /// `nb_fan`: Deezer users who follow the artist; nil when not given.
    public var fans: Int64?
    /// `nb_album`: the artist's albums on Deezer; nil when not given.
    public var albums: Int?

    /// A value from its parts (for consumers' own tests).
    public init(id: Int64, name: String, fans: Int64? = nil, albums: Int? = nil) {
        self.id = id
        self.name = name
        self.fans = fans
        self.albums = albums
    }

    enum CodingKeys: String, CodingKey {
        case id, name, fans = "nb_fan", albums = "nb_album"
    }
}

/// The artist a Deezer album or track belongs to (its main artist).
public struct DeezerArtistReference: Decodable, Sendable, Hashable {
    /// Deezer's id.
    public var id: Int64
    /// The artist's name on Deezer.
    public var name: String

    /// A value from its parts.
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A Deezer album (`GET /album/upc:{upc}`).
public struct DeezerAlbum: Decodable, Sendable, Hashable {
    /// Deezer's id.
    public var id: Int64
    /// The album's title.
    public var title: String
    /// The album's barcode as Deezer has it.
    public var upc: String?
    /// Its main artist.
    public var artist: DeezerArtistReference

    /// A value from its parts.
    public init(id: Int64, title: String, upc: String?, artist: DeezerArtistReference) {
        self.id = id
        self.title = title
        self.upc = upc
        self.artist = artist
    }
}

/// A Deezer track (`GET /track/isrc:{isrc}`).
public struct DeezerTrack: Decodable, Sendable, Hashable {
    /// Deezer's id.
    public var id: Int64
    /// The track's title.
    public var title: String
    /// The recording's ISRC as Deezer has it.
    public var isrc: String?
    /// Its main artist.
    public var artist: DeezerArtistReference

    /// A value from its parts.
    public init(id: Int64, title: String, isrc: String?, artist: DeezerArtistReference) {
        self.id = id
        self.title = title
        self.isrc = isrc
        self.artist = artist
    }
}

/// Deezer's error object, answered with HTTP 200: `{"error": {"type", "message", "code"}}`.
struct DeezerErrorAnswer: Decodable {
    struct Body: Decodable {
        var type: String?
        var message: String?
        var code: Int?
    }

    var error: Body
}

/// A list answer: `{"data": [...]}`.
struct DeezerList<Item: Decodable>: Decodable {
    var data: [Item]
}
