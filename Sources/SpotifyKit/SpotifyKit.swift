// SpotifyKit: a Spotify Web API client for the jobs Momentum runs (artists, discographies,
// search), built for the API as it is since February 2026.

/// The library's identity, for logs, the `User-Agent` and `--version` output.
public enum SpotifyKit {
    /// Semantic version of the SpotifyKit product (see Docs/CHANGELOG-SpotifyKit.md).
    public static let version = "0.6.0"
}
