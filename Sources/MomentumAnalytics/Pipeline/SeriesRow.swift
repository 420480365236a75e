// What signals (section 5), impacts (section 4) and the leaderboard (section 6) read of a
// series' rows, whichever table holds them: `artist_daily` for `spotify/followers`,
// `audience_daily` for the other series (section 8). One implementation of each serves both.

/// A row of one of an artist's audience series.
public protocol SeriesRow: Sendable {
    /// `artist_id`.
    var artistID: String { get }
    /// `artist_name`.
    var artistName: String { get }
    /// The series the row belongs to.
    var series: AudienceSeries { get }
    /// `day`.
    var day: Day { get }
    /// The count: `followers` or `value`.
    var count: Int64? { get }
    /// `adds_per_day`.
    var addsPerDay: Double? { get }
    /// `log_growth`.
    var logGrowth: Double? { get }
    /// `growth_7d`.
    var growth7d: Double? { get }
    /// `growth_28d`.
    var growth28d: Double? { get }
}

extension ArtistDaily: SeriesRow {
    /// Always `spotify/followers`.
    public var series: AudienceSeries { .spotifyFollowers }
    /// `followers`.
    public var count: Int64? { followers }
}

extension AudienceDaily: SeriesRow {
    /// `value`.
    public var count: Int64? { value }
}
