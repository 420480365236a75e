// The one HTTP core under every Momentum client (Spotify, S3, Glue, Athena, Secrets Manager and
// the audience sources): the transport seam and its URLSession implementation, one retry
// policy, one cache for values that expire. Consumers see the seam (to mock or replace the
// network) and the settings; the machinery is `package`.

/// The library's identity, for logs and `--version` output.
public enum MomentumHTTP {
    /// Semantic version of the MomentumHTTP product (see Docs/CHANGELOG-MomentumHTTP.md).
    public static let version = "0.2.0"
}
