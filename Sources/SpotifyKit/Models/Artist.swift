// Artist objects. Since February 2026 apps in Development Mode get artists without
// `followers`, `popularity` or `genres`: everything but the id and name is optional, and
// unknown fields are ignored.

/// A Spotify artist.
public struct Artist: Decodable, Sendable, Hashable {
    /// The artist's Spotify id.
    public var id: String
    /// The artist's name.
    public var name: String
    /// Follower count; nil for Development Mode apps (since February 2026).
    public var followers: Followers?
    /// 0-100; nil for Development Mode apps.
    public var popularity: Int?
    /// Genres; empty when Spotify gives none.
    public var genres: [String]?
    /// Images, largest first.
    public var images: [SpotifyImage]?
    /// The API URL of the artist.
    public var href: String?
    /// The `spotify:artist:` URI.
    public var uri: String?
    /// Links, e.g. `spotify` to open.spotify.com.
    public var externalURLs: [String: String]?

    /// The follower count, when Spotify gave one.
    public var followerCount: Int? { followers?.total }

    /// Creates an artist (for tests and simulators).
    public init(id: String, name: String, followers: Int? = nil, popularity: Int? = nil, genres: [String]? = nil) {
        self.id = id
        self.name = name
        self.followers = followers.map { Followers(total: $0) }
        self.popularity = popularity
        self.genres = genres
    }

    enum CodingKeys: String, CodingKey {
        case id, name, followers, popularity, genres, images, href, uri
        case externalURLs = "external_urls"
    }
}

/// An artist's followers as the API nests them.
public struct Followers: Decodable, Sendable, Hashable {
    /// The count.
    public var total: Int?
    /// Always nil today (the API's placeholder).
    public var href: String?

    /// Creates a follower count.
    public init(total: Int?) {
        self.total = total
    }
}

/// An image Spotify hosts.
public struct SpotifyImage: Decodable, Sendable, Hashable {
    /// Where the image is.
    public var url: String
    /// Width in pixels, when known.
    public var width: Int?
    /// Height in pixels, when known.
    public var height: Int?

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(url: String, width: Int? = nil, height: Int? = nil) {
        self.url = url
        self.width = width
        self.height = height
    }
}

/// The short artist object inside albums.
public struct SimplifiedArtist: Decodable, Sendable, Hashable {
    /// The artist's Spotify id.
    public var id: String?
    /// The artist's name.
    public var name: String?
    /// The `spotify:artist:` URI.
    public var uri: String?

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(id: String? = nil, name: String? = nil, uri: String? = nil) {
        self.id = id
        self.name = name
        self.uri = uri
    }
}

/// `GET /artists?ids=` answers; unknown ids come back as null.
struct ArtistBatch: Decodable {
    var artists: [Artist?]
}

/// `GET /search?type=artist` answers.
struct ArtistSearchResult: Decodable {
    var artists: Paging<Artist>
}
