// `audience_daily` (metric contract section 8) as one SQL statement over `raw_audience`, in the
// subset of SQL Athena (Trino) and DuckDB share, like `artist_daily` (ArtistDailySQL: the same
// portable choices, and the same growth columns, from CountGrowthSQL). Each series is an artist,
// a source and a metric; a day keeps its record with the greatest `captured_at`, then the
// greater `value` (a tie on both keeps an arbitrary record, not "the one read last").
//
// Only a full statement exists: a lake with audience series is rebuilt in full (TransformScope).

package enum AudienceDailySQL {
    /// The SELECT of every `audience_daily` column (and `month`) from `database`'s raw table.
    package static func select(database: String, audienceTable: String = "raw_audience") throws -> String {
        let audience = "\(try ArtistDailySQL.identifier(database)).\(try ArtistDailySQL.identifier(audienceTable))"
        // The records the Swift reader refuses are left out here too: no series, a series name
        // with '/', a negative count.
        return """
        WITH observed AS (
          SELECT artist_id, artist_name, source, metric, value,
                 CAST(substr(captured_at, 1, 10) AS DATE) AS day,
                 CAST(replace(replace(captured_at, 'T', ' '), 'Z', '') AS TIMESTAMP) AS captured
          FROM \(audience)
          WHERE artist_id IS NOT NULL AND length(artist_id) > 0 AND length(source) > 0 AND length(metric) > 0
            AND strpos(source, '/') = 0 AND strpos(metric, '/') = 0 AND (value IS NULL OR value >= 0)
            AND length(captured_at) >= 20
        ),
        ranked AS (
          SELECT *, row_number() OVER (
                   PARTITION BY artist_id, source, metric, day
                   ORDER BY captured DESC, value DESC NULLS LAST) AS pick
          FROM observed
        ),
        daily AS (
          SELECT artist_id, artist_name, source, metric, day, value,
                 date_diff('day', DATE '1970-01-01', day) AS dn
          FROM ranked WHERE pick = 1
        ),
        previous AS (
          SELECT d.*,
                 max(CASE WHEN value IS NOT NULL THEN dn END) OVER (
                   PARTITION BY artist_id, source, metric ORDER BY dn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_dn
          FROM daily d
        )
        SELECT
          p.artist_id,
          p.artist_name,
          p.source,
          p.metric,
          p.day,
          p.value,
        \(CountGrowthSQL.columns(count: "value", delta: "delta"))
          substr(CAST(p.day AS VARCHAR), 1, 7) AS month
        FROM previous p
        LEFT JOIN daily pd ON pd.artist_id = p.artist_id AND pd.source = p.source AND pd.metric = p.metric AND pd.dn = p.prev_dn
        LEFT JOIN daily w7 ON w7.artist_id = p.artist_id AND w7.source = p.source AND w7.metric = p.metric AND w7.dn = p.dn - 7
        LEFT JOIN daily w28 ON w28.artist_id = p.artist_id AND w28.source = p.source AND w28.metric = p.metric AND w28.dn = p.dn - 28
        """
    }
}
