#!/usr/bin/env python3
"""The comparison job: DuckDB builds `artist_daily` (every column of the metric contract,
partitioned by month) from the same raw JSON Lines that `momentum transform` reads.

Usage: duckdb_artist_daily.py LAKE OUT [--threads N]
"""
import argparse
import os
import shutil

import duckdb

SQL = """
WITH raw AS (
    SELECT artist_id, artist_name, followers, popularity, CAST(captured_at AS TIMESTAMPTZ) AS captured_at, filename
    FROM read_json('{lake}/raw/artist_metrics/*/*.jsonl', format = 'newline_delimited', filename = true,
                   columns = {{artist_id: 'VARCHAR', artist_name: 'VARCHAR', followers: 'BIGINT',
                              popularity: 'INTEGER', captured_at: 'VARCHAR'}})
),
days AS (
    SELECT artist_id, artist_name, followers, popularity, day FROM (
        SELECT *, CAST(timezone('UTC', captured_at) AS DATE) AS day,
               row_number() OVER (PARTITION BY artist_id, CAST(timezone('UTC', captured_at) AS DATE)
                                  ORDER BY captured_at DESC, followers DESC NULLS LAST,
                                           popularity DESC NULLS LAST, filename DESC) AS pick
        FROM raw)
    WHERE pick = 1
),
releases AS (
    SELECT artist_id, album_id, album_name, CAST(release_date AS DATE) AS release_day
    FROM read_json('{lake}/raw/releases/*/*.jsonl', format = 'newline_delimited',
                   columns = {{artist_id: 'VARCHAR', album_id: 'VARCHAR', album_name: 'VARCHAR', album_type: 'VARCHAR',
                              album_group: 'VARCHAR', release_date: 'VARCHAR', release_date_precision: 'VARCHAR'}})
    WHERE release_date_precision = 'day' AND coalesce(album_group, album_type) IN ('album', 'single')
),
albums AS (
    SELECT artist_id, release_day, min(album_id) AS album_id
    FROM (SELECT DISTINCT artist_id, album_id, album_name, release_day FROM releases)
    GROUP BY artist_id, lower(trim(album_name)), release_day
),
dates AS (
    SELECT artist_id, release_day, count(*) AS albums,
           CASE WHEN release_day - lag(release_day) OVER (PARTITION BY artist_id ORDER BY release_day) <= 7
                THEN 0 ELSE 1 END AS starts_event
    FROM albums GROUP BY artist_id, release_day
),
events AS (SELECT artist_id, release_day AS event_day FROM dates WHERE starts_event = 1),
with_prev AS (
    SELECT d.*, CASE WHEN followers IS NOT NULL THEN
        max(CASE WHEN followers IS NOT NULL THEN day END)
            OVER (PARTITION BY artist_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END AS prev_day
    FROM days d
),
daily AS (
    SELECT w.artist_id, w.artist_name, w.day, w.followers, w.popularity, w.prev_day,
           CAST(w.day - w.prev_day AS INTEGER) AS gap_days,
           w.followers - p.followers AS follower_delta,
           (w.followers - p.followers) / (w.day - w.prev_day) AS adds_per_day,
           CASE WHEN w.followers > 0 AND p.followers > 0
                THEN (ln(w.followers) - ln(p.followers)) / (w.day - w.prev_day) END AS log_growth,
           CASE WHEN p.followers > 0 THEN (w.followers - p.followers) / p.followers END AS pct_change,
           CASE WHEN d7.followers > 0 THEN w.followers / d7.followers - 1 END AS growth_7d,
           CASE WHEN d28.followers > 0 THEN w.followers / d28.followers - 1 END AS growth_28d,
           w.popularity - d7.popularity AS popularity_change_7d,
           CAST(coalesce(r.albums, 0) AS INTEGER) AS release_count,
           CAST(w.day - e.event_day AS INTEGER) AS days_since_release,
           strftime(w.day, '%Y-%m') AS month
    FROM with_prev w
    LEFT JOIN days p ON p.artist_id = w.artist_id AND p.day = w.prev_day
    LEFT JOIN days d7 ON d7.artist_id = w.artist_id AND d7.day = w.day - 7
    LEFT JOIN days d28 ON d28.artist_id = w.artist_id AND d28.day = w.day - 28
    LEFT JOIN dates r ON r.artist_id = w.artist_id AND r.release_day = w.day
    ASOF LEFT JOIN events e ON e.artist_id = w.artist_id AND w.day >= e.event_day
)
SELECT * FROM daily
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("lake")
    parser.add_argument("out")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    con.execute(f"COPY ({SQL.format(lake=args.lake)}) TO '{args.out}' (FORMAT parquet, PARTITION_BY (month), COMPRESSION snappy)")


if __name__ == "__main__":
    main()
