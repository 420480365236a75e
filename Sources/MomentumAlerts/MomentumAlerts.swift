// MomentumAlerts: tells people when an artist's audience moved, where they already look. Rules
// evaluated on the processed tables (pure, from MomentumAnalytics' types), messages for Slack,
// Discord and Standard Webhooks receivers, and their delivery on the HTTP core.

/// The library's identity, for logs and `--version` output.
public enum MomentumAlerts {
    /// Semantic version of the MomentumAlerts product (see Docs/CHANGELOG-MomentumAlerts.md).
    public static let version = "0.1.0"
}
