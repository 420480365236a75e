// MomentumDashboard: analytics in, one self-contained HTML page out (or, for a roster of any
// size, a site: a page and data files it loads on demand). It reads MomentumAnalytics' results
// and writes pages with inline SVG, CSS and a small script; nothing else.

/// The library's identity, for logs and `--version` output.
public enum MomentumDashboard {
    /// Semantic version of the MomentumDashboard product (see Docs/CHANGELOG-MomentumDashboard.md).
    public static let version = "0.4.0"
}
