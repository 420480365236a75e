// LakeAnalytics: the bridge between a lake (LakeKit) and the metric contract
// (MomentumAnalytics). The raw records are MomentumAnalytics' inputs and read and write as the
// lake's JSON Lines; the processed tables read and write as the lake's Parquet. The engine
// inside `momentum` uses exactly this; an embedder does not write the conversion by hand.

/// The library's identity, for logs and `--version` output.
public enum LakeAnalytics {
    /// Semantic version of the LakeAnalytics product (see Docs/CHANGELOG-LakeAnalytics.md).
    public static let version = "0.3.0"
}
