"""Rewrites a lake's processed tables with another tool, as if that tool had written them.

Usage: rewrite_processed.py SOURCE_LAKE TARGET_LAKE pyarrow|duckdb

Only processed/ is written to TARGET_LAKE (no raw, no state), at the same keys: pyarrow with
GZIP, data page v2 and no dictionary; DuckDB with its defaults (SNAPPY, dictionary) and small
row groups. The reader must then give the same report as from the original tables.
"""
import os
import sys

import duckdb
import pyarrow.parquet as pq


def main():
    source, target, tool = sys.argv[1], sys.argv[2], sys.argv[3]
    con = duckdb.connect()
    count = 0
    for directory, _, files in os.walk(os.path.join(source, "processed")):
        for name in files:
            if not name.endswith(".parquet") or name.startswith(("_", ".")):
                continue
            path = os.path.join(directory, name)
            out = os.path.join(target, os.path.relpath(path, source))
            os.makedirs(os.path.dirname(out), exist_ok=True)
            if tool == "pyarrow":
                pq.write_table(pq.read_table(path), out, compression="GZIP", data_page_version="2.0", use_dictionary=False)
            elif tool == "duckdb":
                con.execute("COPY (SELECT * FROM read_parquet(?)) TO '%s' (FORMAT parquet, ROW_GROUP_SIZE 2048)" % out.replace("'", "''"), [path])
            else:
                raise SystemExit("unknown tool " + tool)
            count += 1
    print(count)


if __name__ == "__main__":
    main()
