"""Writes Parquet files the way other tools do, for LakeKit's reader tests.

Usage: write_parquet_variants.py OUT_DIR

Every file holds the same table (strings with nulls and non-ASCII text, dates, int32, int64,
doubles, booleans), written by pyarrow and DuckDB with each codec, both data page versions,
dictionary on and off, the delta and byte-stream-split encodings, and small row groups.
OUT_DIR/expected.json holds the table as JSON and OUT_DIR/files.json the files with how each
was written; OUT_DIR/zstd.parquet is one the reader must refuse by name.
"""
import datetime
import json
import os
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

ROWS = 3000


def table():
    names = ["Beyoncé", "坂本龍一", "Zoë 🎵", "", "a,b \"c\""]
    ids, artist, days, pop, followers, growth, spike = [], [], [], [], [], [], []
    for i in range(ROWS):
        ids.append("id%05d" % (i // 30))           # sorted: row-group statistics can skip
        artist.append(None if i % 7 == 3 else names[i % len(names)] + str(i % 13))
        days.append(None if i % 11 == 5 else datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 400))
        pop.append(None if i % 4 == 1 else (i % 101) - 3)
        followers.append(None if i % 9 == 2 else i * 1_000_003 - 5_000_000)
        growth.append(None if i % 6 == 0 else i / 7 - 3.25)
        spike.append(None if i % 5 == 4 else i % 3 == 0)
    return pa.table({
        "artist_id": pa.array(ids, pa.string()),
        "artist_name": pa.array(artist, pa.string()),
        "day": pa.array(days, pa.date32()),
        "popularity": pa.array(pop, pa.int32()),
        "followers": pa.array(followers, pa.int64()),
        "growth_7d": pa.array(growth, pa.float64()),
        "is_spike": pa.array(spike, pa.bool_()),
    })


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    t = table()
    files = []

    def pyarrow_file(name, **options):
        pq.write_table(t, os.path.join(out, name), **options)
        files.append({"file": name, "writer": "pyarrow", "options": {k: str(v) for k, v in options.items()}})

    for codec in ["NONE", "SNAPPY", "GZIP"]:
        for page in ["1.0", "2.0"]:
            pyarrow_file("pyarrow-%s-v%s.parquet" % (codec.lower(), page[0]), compression=codec, data_page_version=page)
    pyarrow_file("pyarrow-plain.parquet", use_dictionary=False, compression="SNAPPY")
    pyarrow_file("pyarrow-row-groups.parquet", row_group_size=700, data_page_size=2048, compression="GZIP")
    pyarrow_file("pyarrow-delta.parquet", use_dictionary=False, compression="NONE", data_page_version="2.0",
                 column_encoding={"popularity": "DELTA_BINARY_PACKED", "followers": "DELTA_BINARY_PACKED",
                                  "artist_name": "DELTA_LENGTH_BYTE_ARRAY", "artist_id": "DELTA_BYTE_ARRAY",
                                  "growth_7d": "BYTE_STREAM_SPLIT"})
    pq.write_table(t, os.path.join(out, "zstd.parquet"), compression="ZSTD")

    con = duckdb.connect()
    con.register("t", t)
    for codec in ["uncompressed", "snappy", "gzip"]:
        name = "duckdb-%s.parquet" % codec
        con.execute("COPY (SELECT * FROM t) TO '%s' (FORMAT parquet, COMPRESSION %s, ROW_GROUP_SIZE 1024)"
                    % (os.path.join(out, name), codec))
        files.append({"file": name, "writer": "duckdb", "options": {"compression": codec}})
    name = "duckdb-v2.parquet"
    con.execute("COPY (SELECT * FROM t) TO '%s' (FORMAT parquet, COMPRESSION snappy, PARQUET_VERSION v2)"
                % os.path.join(out, name))
    files.append({"file": name, "writer": "duckdb", "options": {"parquet_version": "v2"}})

    columns = {}
    for field in t.schema:
        values = t.column(field.name).to_pylist()
        if field.name == "growth_7d":
            values = [None if v is None else repr(v) for v in values]   # exact: JSON readers differ
        if field.name == "day":
            values = [None if v is None else (v - datetime.date(1970, 1, 1)).days for v in values]
        columns[field.name] = values
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(columns, f)
    with open(os.path.join(out, "files.json"), "w") as f:
        json.dump(files, f)


if __name__ == "__main__":
    main()
