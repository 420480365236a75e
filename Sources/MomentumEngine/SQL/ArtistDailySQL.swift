// `artist_daily` (metric contract sections 1 to 3) as one SQL statement over the raw tables of
// lake.md, in the subset of SQL that Athena (Trino) and DuckDB share, so that the same text runs
// on Athena and is checked locally by DuckDB against the Swift engine.
//
// Portable choices: days are integers (`date_diff` from 1970-01-01) so that "exactly t-7" is an
// equi-join; timestamps are parsed from `captured_at`/`discovered_at` with their `T` and `Z`
// replaced, which both engines cast; the previous day with followers is a running `max` of day
// numbers (the engines write IGNORE NULLS in different places), joined back for its count. A
// windowed statement keeps only records captured on their file's `dt` day (others break lake.md
// and the Swift reader skips them), so its `dt` predicates select exactly the days it needs; the
// full statement does not mention `dt`, so it runs over any table with lake.md's columns. Two
// rules cannot be written in SQL and are approximated: a tie on every ordering
// column keeps an arbitrary record, not "the one read last", and album names are trimmed of
// ASCII spaces, not of every Unicode space.

import Foundation
import MomentumAnalytics

package enum ArtistDailySQL {
    /// A quoted identifier after checking it is a plain name (Glue's rule), so that
    /// configuration can never inject SQL (`x; DROP TABLE y` is refused).
    package static func identifier(_ name: String) throws -> String {
        guard (1...255).contains(name.utf8.count),
              name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
            throw EngineError.invalidInput("'\(name.prefix(60))' is not a valid table or database name: lower-case letters, digits and '_' only")
        }
        return "\"\(name)\""
    }

    /// The rows an incremental statement recomputes: `artist_daily` from `firstDay` (a month's
    /// first day) on. Raw metrics are read from `firstDay - 28` (`dt` predicates, so Athena
    /// scans those partitions only); each artist's latest day with followers before that comes
    /// from the stored `artist_daily` (the unchanged months), for `prev_day`.
    package struct Window: Sendable, Hashable {
        package var firstDay: Day
        package var lookBackDay: Day { firstDay - 28 }

        package init(firstDay: Day) {
            self.firstDay = firstDay
        }
    }

    /// The SELECT of every `artist_daily` column (and `month`), from `database`'s raw tables;
    /// with a `window`, only its rows, reading only the raw partitions it needs.
    package static func select(database: String, metricsTable: String = "raw_artist_metrics", releasesTable: String = "raw_releases",
                               dailyTable: String = "artist_daily", window: Window? = nil) throws -> String {
        let metrics = "\(try identifier(database)).\(try identifier(metricsTable))"
        let releases = "\(try identifier(database)).\(try identifier(releasesTable))"
        let daily = "\(try identifier(database)).\(try identifier(dailyTable))"
        var rawFilter = ""
        var carried = ""
        var rowFilter = ""
        if let window {
            let lookBack = window.lookBackDay.isoString
            rawFilter = " AND substr(captured_at, 1, 10) = dt AND dt >= '\(lookBack)'"
            // The stored row is the day's kept record (section 1): it stands for its day, alone.
            carried = """

          UNION ALL
          SELECT artist_id, artist_name, followers, popularity, day, CAST(day AS TIMESTAMP) AS captured
          FROM (
            SELECT artist_id, artist_name, followers, popularity, day,
                   row_number() OVER (PARTITION BY artist_id ORDER BY day DESC) AS latest
            FROM \(daily)
            WHERE month <= '\(lookBack.prefix(7))' AND day < DATE '\(lookBack)' AND followers IS NOT NULL
          ) carried WHERE latest = 1
        """
            rowFilter = "\nWHERE p.day >= DATE '\(window.firstDay.isoString)'"
        }
        return """
        WITH observed AS (
          SELECT artist_id, artist_name, followers, popularity,
                 CAST(substr(captured_at, 1, 10) AS DATE) AS day,
                 CAST(replace(replace(captured_at, 'T', ' '), 'Z', '') AS TIMESTAMP) AS captured
          FROM \(metrics)
          WHERE artist_id IS NOT NULL AND length(captured_at) >= 20\(rawFilter)\(carried)
        ),
        ranked AS (
          SELECT *, row_number() OVER (
                   PARTITION BY artist_id, day
                   ORDER BY captured DESC, followers DESC NULLS LAST, popularity DESC NULLS LAST) AS pick
          FROM observed
        ),
        daily AS (
          SELECT artist_id, artist_name, day, followers, popularity,
                 date_diff('day', DATE '1970-01-01', day) AS dn
          FROM ranked WHERE pick = 1
        ),
        previous AS (
          SELECT d.*,
                 max(CASE WHEN followers IS NOT NULL THEN dn END) OVER (
                   PARTITION BY artist_id ORDER BY dn ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_dn
          FROM daily d
        ),
        releases AS (
          SELECT artist_id, album_id, album_name, TRY_CAST(release_date AS DATE) AS release_day,
                 CAST(replace(replace(discovered_at, 'T', ' '), 'Z', '') AS TIMESTAMP) AS discovered
          FROM \(releases)
          WHERE release_date_precision = 'day' AND COALESCE(album_group, album_type) IN ('album', 'single')
            AND length(release_date) = 10
        ),
        by_id AS (
          SELECT *, row_number() OVER (PARTITION BY artist_id, album_id ORDER BY discovered ASC NULLS LAST) AS pick
          FROM releases WHERE release_day IS NOT NULL
        ),
        albums AS (
          SELECT artist_id, album_id, release_day,
                 row_number() OVER (PARTITION BY artist_id, lower(trim(album_name)), release_day ORDER BY album_id) AS pick
          FROM by_id WHERE pick = 1
        ),
        album_days AS (
          SELECT artist_id, date_diff('day', DATE '1970-01-01', release_day) AS dn, CAST(count(*) AS INTEGER) AS albums
          FROM albums WHERE pick = 1
          GROUP BY artist_id, release_day
        ),
        starts AS (
          SELECT artist_id, dn,
                 CASE WHEN dn - lag(dn) OVER (PARTITION BY artist_id ORDER BY dn) <= 7 THEN 0 ELSE 1 END AS new_cluster
          FROM album_days
        ),
        clusters AS (
          SELECT artist_id, dn,
                 sum(new_cluster) OVER (PARTITION BY artist_id ORDER BY dn ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cluster
          FROM starts
        ),
        events AS (
          SELECT artist_id, min(dn) AS event_dn FROM clusters GROUP BY artist_id, cluster
        ),
        since AS (
          SELECT d.artist_id, d.dn, max(e.event_dn) AS last_event_dn
          FROM daily d JOIN events e ON e.artist_id = d.artist_id AND e.event_dn <= d.dn
          GROUP BY d.artist_id, d.dn
        )
        SELECT
          p.artist_id,
          p.artist_name,
          p.day,
          p.followers,
          p.popularity,
        \(CountGrowthSQL.columns(count: "followers", delta: "follower_delta"))
          CAST(p.popularity - w7.popularity AS INTEGER) AS popularity_change_7d,
          COALESCE(a.albums, 0) AS release_count,
          CAST(p.dn - s.last_event_dn AS INTEGER) AS days_since_release,
          substr(CAST(p.day AS VARCHAR), 1, 7) AS month
        FROM previous p
        LEFT JOIN daily pd ON pd.artist_id = p.artist_id AND pd.dn = p.prev_dn
        LEFT JOIN daily w7 ON w7.artist_id = p.artist_id AND w7.dn = p.dn - 7
        LEFT JOIN daily w28 ON w28.artist_id = p.artist_id AND w28.dn = p.dn - 28
        LEFT JOIN album_days a ON a.artist_id = p.artist_id AND a.dn = p.dn
        LEFT JOIN since s ON s.artist_id = p.artist_id AND s.dn = p.dn\(rowFilter)
        """
    }
}
