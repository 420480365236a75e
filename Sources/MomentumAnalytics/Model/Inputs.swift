// The inputs of the analytics: raw observations and release records, as the lake holds them
// (see the lake contract), already decoded by the caller.

/// One raw follower/popularity observation of an artist.
public struct MetricObservation: Sendable, Hashable {
    /// The artist.
    public var artistID: String
    /// The artist's name then.
    public var artistName: String
    /// Nil when the source did not return it (Spotify Development Mode since February 2026).
    public var followers: Int64?
    /// Popularity 0 to 100; nil in Development Mode.
    public var popularity: Int32?
    /// When it was captured.
    public var capturedAt: Instant

    /// An observation.
    public init(artistID: String, artistName: String, followers: Int64?, popularity: Int32?, capturedAt: Instant) {
        self.artistID = artistID
        self.artistName = artistName
        self.followers = followers
        self.popularity = popularity
        self.capturedAt = capturedAt
    }
}

/// One raw release record: an album seen in an artist's discography.
public struct ReleaseRecord: Sendable, Hashable {
    /// The tracked artist.
    public var artistID: String
    /// The album's id.
    public var albumID: String
    /// The album's name.
    public var albumName: String
    /// `album`, `single` or `compilation`.
    public var albumType: String
    /// `album`, `single`, `compilation`, `appears_on`; nil when the API omitted it.
    public var albumGroup: String?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as the API gives it.
    public var releaseDate: String
    /// `year`, `month` or `day`.
    public var releaseDatePrecision: String
    /// When the scan saw the album; used only to pick one record when an album repeats.
    public var discoveredAt: Instant?

    /// A release record.
    public init(
        artistID: String, albumID: String, albumName: String, albumType: String, albumGroup: String?,
        releaseDate: String, releaseDatePrecision: String, discoveredAt: Instant? = nil
    ) {
        self.artistID = artistID
        self.albumID = albumID
        self.albumName = albumName
        self.albumType = albumType
        self.albumGroup = albumGroup
        self.releaseDate = releaseDate
        self.releaseDatePrecision = releaseDatePrecision
        self.discoveredAt = discoveredAt
    }
}
