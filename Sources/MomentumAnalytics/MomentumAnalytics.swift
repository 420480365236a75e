// MomentumAnalytics: the metric contract of Momentum as pure functions.
//
// Every number that Momentum publishes (daily growth, release events, event-study impact,
// spikes, the leaderboard, change points, cross-correlations) is computed here from plain
// values the caller passes in. Nothing in this module reads a file, the network or the clock.

/// The library's identity, for logs and `--version` output.
public enum MomentumAnalytics {
    /// Semantic version of the MomentumAnalytics product (see Docs/CHANGELOG-MomentumAnalytics.md).
    public static let version = "0.6.0"
    /// Version of the metric contract these functions implement.
    public static let metricContractVersion = "1.3"
}
