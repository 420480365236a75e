// LakeKit: the storage side of Momentum. Object stores (a local folder today), the lake's key
// layout, JSON Lines with transparent gzip, the raw record schemas, and a pure-Swift Parquet
// writer. It knows nothing of Spotify or of the metrics: it moves records and columns.

/// The library's identity, for logs and `--version` output.
public enum LakeKit {
    /// Semantic version of the LakeKit product (see Docs/CHANGELOG-LakeKit.md).
    public static let version = "0.10.0"
}
