// MomentumDashboard: analytics in, one self-contained HTML page out. It reads MomentumAnalytics'
// results and writes a page with inline SVG, CSS and a small script; nothing else.

/// The library's identity, for logs and `--version` output.
public enum MomentumDashboard {
    /// Semantic version of the MomentumDashboard product (see Docs/CHANGELOG-MomentumDashboard.md).
    public static let version = "0.3.0"
}
