// The inputs of the analytics: the lake contract's raw records (lake.md, `raw/artist_metrics`
// and `raw/releases`), field for field. LakeAnalytics reads and writes them as JSON Lines; the
// analytics read only some fields, but one type per record keeps the schema in one place.

/// One raw follower/popularity observation of an artist (a `raw/artist_metrics` record).
public struct MetricObservation: Sendable, Hashable {
    /// The artist.
    public var artistID: String
    /// The artist's name then.
    public var artistName: String
    /// Nil when the source did not return it (Spotify Development Mode since February 2026).
    public var followers: Int64?
    /// Popularity 0 to 100; nil in Development Mode.
    public var popularity: Int32?
    /// The artist's genres then; may be empty.
    public var genres: [String]
    /// When it was captured.
    public var capturedAt: Instant
    /// Where it came from, e.g. `spotify-web-api` or `csv-import`.
    public var source: String

    /// An observation.
    public init(
        artistID: String, artistName: String, followers: Int64?, popularity: Int32?, genres: [String] = [],
        capturedAt: Instant, source: String = ""
    ) {
        self.artistID = artistID
        self.artistName = artistName
        self.followers = followers
        self.popularity = popularity
        self.genres = genres
        self.capturedAt = capturedAt
        self.source = source
    }
}

/// One raw release record: an album seen in an artist's discography (a `raw/releases` record).
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
    /// The album's track count.
    public var totalTracks: Int64
    /// When the scan saw the album; used only to pick one record when an album repeats.
    public var discoveredAt: Instant?
    /// False on an artist's first scan (the baseline), true for albums found after it.
    public var isNew: Bool

    /// A release record.
    public init(
        artistID: String, albumID: String, albumName: String, albumType: String, albumGroup: String?,
        releaseDate: String, releaseDatePrecision: String, totalTracks: Int64 = 0, discoveredAt: Instant? = nil,
        isNew: Bool = false
    ) {
        self.artistID = artistID
        self.albumID = albumID
        self.albumName = albumName
        self.albumType = albumType
        self.albumGroup = albumGroup
        self.releaseDate = releaseDate
        self.releaseDatePrecision = releaseDatePrecision
        self.totalTracks = totalTracks
        self.discoveredAt = discoveredAt
        self.isNew = isNew
    }
}
