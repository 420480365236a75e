// Artist objects. Since February 2026 apps in Development Mode get artists without
// `followers`, `popularity` or `genres`: everything but the id and name is optional, and
// unknown fields are ignored.

/// A Spotify artist.
public struct Artist: Decodable, Sendable, Hashable {
    public var id: String
    public var name: String
    public var followers: Followers?
    /// 0-100; nil for Development Mode apps.
    public var popularity: Int?
    public var genres: [String]?
    public var images: [SpotifyImage]?
    public var href: String?
    public var uri: String?
    public var externalURLs: [String: String]?

    /// The follower count, when Spotify gave one.
    public var followerCount: Int? { followers?.total }

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

public struct Followers: Decodable, Sendable, Hashable {
    public var total: Int?
    public var href: String?

    public init(total: Int?) {
        self.total = total
    }
}

public struct SpotifyImage: Decodable, Sendable, Hashable {
    public var url: String
    public var width: Int?
    public var height: Int?
}

/// The short artist object inside albums.
public struct SimplifiedArtist: Decodable, Sendable, Hashable {
    public var id: String?
    public var name: String?
    public var uri: String?
}

/// `GET /artists?ids=` answers; unknown ids come back as null.
struct ArtistBatch: Decodable {
    var artists: [Artist?]
}

/// `GET /search?type=artist` answers.
struct ArtistSearchResult: Decodable {
    var artists: Paging<Artist>
}
