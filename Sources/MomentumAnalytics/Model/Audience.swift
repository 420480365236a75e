// The audience beyond Spotify (metric contract section 8): raw audience records and the series
// they form. Spotify Development Mode apps get no follower counts since February 2026, so an
// artist's audience may come from Deezer fans or Last.fm listeners instead.

/// One raw audience count of a tracked artist on another source (a `raw/audience` record).
public struct AudienceObservation: Sendable, Hashable {
    /// The tracked artist's Spotify id (the lake's key for an artist).
    public var artistID: String
    /// The artist's name as the source gives it.
    public var artistName: String
    /// `deezer` or `lastfm` (readers keep sources they do not know).
    public var source: String
    /// The artist on that source: Deezer's numeric id, Last.fm's MBID or name.
    public var sourceArtistID: String
    /// `fans`, `listeners` or `playcount`.
    public var metric: String
    /// Nil when the source did not return it.
    public var value: Int64?
    /// When it was captured.
    public var capturedAt: Instant

    /// An observation.
    public init(
        artistID: String, artistName: String, source: String, sourceArtistID: String, metric: String, value: Int64?,
        capturedAt: Instant
    ) {
        self.artistID = artistID
        self.artistName = artistName
        self.source = source
        self.sourceArtistID = sourceArtistID
        self.metric = metric
        self.value = value
        self.capturedAt = capturedAt
    }

    /// The series the observation belongs to.
    public var series: AudienceSeries { AudienceSeries(source: source, metric: metric) }
}

/// One audience series of an artist: a source and what it counts (`spotify/followers`,
/// `deezer/fans`, `lastfm/listeners`, `lastfm/playcount`, or one a later source adds).
public struct AudienceSeries: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The source: `spotify`, `deezer`, `lastfm`.
    public var source: String
    /// What it counts: `followers`, `fans`, `listeners`, `playcount`.
    public var metric: String

    /// A series.
    public init(source: String, metric: String) {
        self.source = source
        self.metric = metric
    }

    /// Parses `source/metric`; nil when either part is empty.
    public init?(name: some StringProtocol) {
        let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(source: String(parts[0]), metric: String(parts[1]))
    }

    /// Spotify's followers: the `artist_daily` series.
    public static let spotifyFollowers = AudienceSeries(source: "spotify", metric: "followers")
    /// Deezer's `nb_fan`.
    public static let deezerFans = AudienceSeries(source: "deezer", metric: "fans")
    /// Last.fm's `stats.listeners`.
    public static let lastfmListeners = AudienceSeries(source: "lastfm", metric: "listeners")
    /// Last.fm's `stats.playcount` (plays, not people: never an artist's primary series).
    public static let lastfmPlaycount = AudienceSeries(source: "lastfm", metric: "playcount")

    /// The series that can rank an artist, strongest first (section 8's primary series).
    public static let primaryOrder: [AudienceSeries] = [.spotifyFollowers, .deezerFans, .lastfmListeners]

    /// `source/metric`, as the `series` column writes it.
    public var name: String { "\(source)/\(metric)" }

    public var description: String { name }

    /// Source, then metric, in UTF-8 byte order (the order the tables list series in).
    public static func < (lhs: AudienceSeries, rhs: AudienceSeries) -> Bool {
        lhs.source != rhs.source ? lhs.source.utf8Less(than: rhs.source) : lhs.metric.utf8Less(than: rhs.metric)
    }
}
