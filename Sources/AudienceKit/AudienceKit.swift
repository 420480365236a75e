// AudienceKit: the audience of artists on public sources other than Spotify: Deezer's fans,
// Last.fm's listeners and plays, and MusicBrainz's map from Spotify artists to MBIDs. Spotify's
// Development Mode apps get no follower counts since February 2026; these sources still count.

/// The library's identity, for logs and `--version` output.
public enum AudienceKit {
    /// Semantic version of the AudienceKit product (see Docs/CHANGELOG-AudienceKit.md).
    public static let version = "0.1.0"
}
