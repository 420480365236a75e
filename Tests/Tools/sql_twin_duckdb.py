"""Runs the SQL twin of artist_daily (or audience_daily) on DuckDB over a lake's raw JSON Lines
and compares the result with the lake's processed Parquet of that table (written by the Swift
engine).

Usage: sql_twin_duckdb.py LAKE SQL_FILE DATABASE [FIRST_DAY] [--table audience_daily]

The raw tables are views named as in Glue (DATABASE.raw_artist_metrics, DATABASE.raw_releases)
with the columns of lake.md and `dt` from the key, as Athena sees them. Every row and every
column must agree (doubles to 1e-9 relative error). With FIRST_DAY (an incremental statement),
DATABASE.artist_daily is the lake's processed artist_daily too (the statement reads its stored
months), and only the Swift rows from FIRST_DAY on are compared. Prints a JSON summary; exits 1 on a
difference, naming the first.
"""
import json
import math
import os
import sys

import duckdb


KEYS = {"artist_daily": ("artist_id", "day"), "audience_daily": ("artist_id", "source", "metric", "day")}


def main():
    args = sys.argv[1:]
    table = "artist_daily"
    if "--table" in args:
        at = args.index("--table")
        table = args[at + 1]
        del args[at:at + 2]
    lake, sql_file, database = args[0], args[1], args[2]
    first_day = args[3] if len(args) > 3 else None
    keys = KEYS[table]
    sql = open(sql_file).read()
    con = duckdb.connect()
    con.execute(f'CREATE SCHEMA "{database}"')
    metrics = os.path.join(lake, "raw", "artist_metrics", "*", "*.jsonl*")
    releases = os.path.join(lake, "raw", "releases", "*", "*.jsonl*")
    con.execute(f"""CREATE VIEW "{database}".raw_artist_metrics AS
        SELECT *, regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt FROM read_json('{metrics}', format='newline_delimited',
        filename=true, ignore_errors=true, columns={{'artist_id': 'VARCHAR', 'artist_name': 'VARCHAR', 'followers': 'BIGINT',
        'popularity': 'INTEGER', 'genres': 'VARCHAR[]', 'captured_at': 'VARCHAR', 'source': 'VARCHAR'}})""")
    has_releases = any(files for _, _, files in os.walk(os.path.join(lake, "raw", "releases")))
    if has_releases:
        con.execute(f"""CREATE VIEW "{database}".raw_releases AS
            SELECT *, regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt FROM read_json('{releases}', format='newline_delimited',
            filename=true, ignore_errors=true, columns={{'artist_id': 'VARCHAR', 'album_id': 'VARCHAR', 'album_name': 'VARCHAR',
            'album_type': 'VARCHAR', 'album_group': 'VARCHAR', 'release_date': 'VARCHAR', 'release_date_precision': 'VARCHAR',
            'total_tracks': 'INTEGER', 'discovered_at': 'VARCHAR', 'is_new': 'BOOLEAN'}})""")
    else:
        con.execute(f"""CREATE TABLE "{database}".raw_releases (artist_id VARCHAR, album_id VARCHAR, album_name VARCHAR,
            album_type VARCHAR, album_group VARCHAR, release_date VARCHAR, release_date_precision VARCHAR, total_tracks INTEGER,
            discovered_at VARCHAR, is_new BOOLEAN, dt VARCHAR)""")
    audience = os.path.join(lake, "raw", "audience", "*", "*.jsonl*")
    if any(files for _, _, files in os.walk(os.path.join(lake, "raw", "audience"))):
        con.execute(f"""CREATE VIEW "{database}".raw_audience AS
            SELECT *, regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt FROM read_json('{audience}', format='newline_delimited',
            filename=true, ignore_errors=true, columns={{'artist_id': 'VARCHAR', 'artist_name': 'VARCHAR', 'source': 'VARCHAR',
            'source_artist_id': 'VARCHAR', 'metric': 'VARCHAR', 'value': 'BIGINT', 'captured_at': 'VARCHAR'}})""")
    else:
        con.execute(f"""CREATE TABLE "{database}".raw_audience (artist_id VARCHAR, artist_name VARCHAR, source VARCHAR,
            source_artist_id VARCHAR, metric VARCHAR, value BIGINT, captured_at VARCHAR, dt VARCHAR)""")
    daily = os.path.join(lake, 'processed', table, '*', '*.parquet')
    if first_day:
        con.execute(f"""CREATE VIEW "{database}".artist_daily AS SELECT * FROM read_parquet('{daily}', hive_partitioning=true,
            hive_types={{'month': VARCHAR}})""")
    twin = con.execute(sql)
    columns = [d[0] for d in twin.description]
    twin_rows = {tuple(r[columns.index(k)] for k in keys): r for r in twin.fetchall()}
    window = f"WHERE day >= DATE '{first_day}'" if first_day else ""
    ours = con.execute(f"SELECT * FROM read_parquet('{daily}', hive_partitioning=true, hive_types={{'month': VARCHAR}}) {window}")
    our_columns = [d[0] for d in ours.description]
    our_rows = {tuple(r[our_columns.index(k)] for k in keys): r for r in ours.fetchall()}
    if set(twin_rows) != set(our_rows):
        print(f"rows differ: {len(twin_rows)} from SQL, {len(our_rows)} from Swift; only SQL {sorted(set(twin_rows) - set(our_rows))[:3]}, only Swift {sorted(set(our_rows) - set(twin_rows))[:3]}")
        sys.exit(1)
    compared = 0
    for key, row in twin_rows.items():
        mine = our_rows[key]
        for index, name in enumerate(columns):
            a, b = row[index], mine[our_columns.index(name)]
            same = (a is None and b is None) or (a is not None and b is not None and (
                math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) if isinstance(a, float) or isinstance(b, float) else str(a) == str(b)))
            if not same:
                print(f"{key} {name}: SQL {a!r}, Swift {b!r}")
                sys.exit(1)
            compared += 1
    print(json.dumps({"rows": len(twin_rows), "values": compared, "columns": columns}))


if __name__ == "__main__":
    main()
