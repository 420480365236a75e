// Section 2's columns that depend on the count alone, as SQL: `artist_daily` computes them from
// `followers`, `audience_daily` (metrics.md section 8) from `value`. One text for both statements,
// as one Swift implementation (MomentumAnalytics' CountGrowth) serves both tables.

enum CountGrowthSQL {
    /// The select-list entries `prev_day` to `growth_28d`, each followed by a comma. They read
    /// `p` (the row, with its day number `dn` and `prev_dn`, the latest earlier day number with
    /// a count), `pd` (the row of `prev_dn`), `w7` and `w28` (the rows exactly 7 and 28 days
    /// before). `count` names the count column, `delta` the output name of the difference.
    static func columns(count: String, delta: String) -> String {
        """
          CASE WHEN p.\(count) IS NOT NULL THEN pd.day END AS prev_day,
          CASE WHEN p.\(count) IS NOT NULL AND p.prev_dn IS NOT NULL THEN CAST(p.dn - p.prev_dn AS INTEGER) END AS gap_days,
          CASE WHEN p.\(count) IS NOT NULL AND p.prev_dn IS NOT NULL THEN p.\(count) - pd.\(count) END AS \(delta),
          CASE WHEN p.\(count) IS NOT NULL AND p.prev_dn IS NOT NULL
               THEN CAST(p.\(count) - pd.\(count) AS DOUBLE) / (p.dn - p.prev_dn) END AS adds_per_day,
          CASE WHEN p.\(count) > 0 AND p.prev_dn IS NOT NULL AND pd.\(count) > 0
               THEN (ln(CAST(p.\(count) AS DOUBLE)) - ln(CAST(pd.\(count) AS DOUBLE))) / (p.dn - p.prev_dn) END AS log_growth,
          CASE WHEN p.\(count) IS NOT NULL AND p.prev_dn IS NOT NULL AND pd.\(count) > 0
               THEN CAST(p.\(count) - pd.\(count) AS DOUBLE) / pd.\(count) END AS pct_change,
          CASE WHEN p.\(count) IS NOT NULL AND w7.\(count) > 0 THEN CAST(p.\(count) AS DOUBLE) / w7.\(count) - 1 END AS growth_7d,
          CASE WHEN p.\(count) IS NOT NULL AND w28.\(count) > 0 THEN CAST(p.\(count) AS DOUBLE) / w28.\(count) - 1 END AS growth_28d,
        """
    }
}
