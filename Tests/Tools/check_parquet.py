#!/usr/bin/env python3
"""Reads a Parquet file written by LakeKit with pyarrow and with DuckDB and checks it against
the expectation the Swift test wrote beside it (JSON: columns, types, nullability, values,
row groups, codec). Prints what differs; exit status 1 when anything does."""
import datetime as dt
import json
import math
import sys

import duckdb
import pyarrow.parquet as pq

ARROW = {"string": "string", "date": "date32[day]", "int32": "int32", "int64": "int64", "double": "double", "boolean": "bool"}
CODECS = {"uncompressed": "UNCOMPRESSED", "snappy": "SNAPPY", "gzip": "GZIP"}


def normalise(kind, value):
    if value is None:
        return None
    if kind == "date":
        return (dt.date(1970, 1, 1) + dt.timedelta(days=value)) if isinstance(value, int) else value
    return value


def equal(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def main():
    path, expectation = sys.argv[1], json.load(open(sys.argv[2]))
    problems = []
    parquet = pq.ParquetFile(path)
    table = parquet.read()
    columns = expectation["columns"]
    got = [(f.name, str(f.type), f.nullable) for f in table.schema]
    want = [(c["name"], ARROW[c["type"]], c["nullable"]) for c in columns]
    if got != want:
        problems.append(f"pyarrow schema {got} != {want}")
    md = parquet.metadata
    if md.num_row_groups != expectation["row_groups"]:
        problems.append(f"{md.num_row_groups} row groups, expected {expectation['row_groups']}")
    if md.num_rows != len(columns[0]["values"]):
        problems.append(f"{md.num_rows} rows, expected {len(columns[0]['values'])}")
    duck = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()
    for i, column in enumerate(columns):
        expected = [normalise(column["type"], v) for v in column["values"]]
        arrow_values = table.column(i).to_pylist()
        if not all(equal(a, b) for a, b in zip(arrow_values, expected)) or len(arrow_values) != len(expected):
            problems.append(f"pyarrow values of {column['name']}: {arrow_values[:8]} != {expected[:8]}")
        duck_values = [row[i] for row in duck]
        if not all(equal(a, b) for a, b in zip(duck_values, expected)) or len(duck_values) != len(expected):
            problems.append(f"DuckDB values of {column['name']}: {duck_values[:8]} != {expected[:8]}")
        start = 0
        for g in range(md.num_row_groups):
            chunk = md.row_group(g).column(i)
            rows = md.row_group(g).num_rows
            part = [v for v in expected[start:start + rows]]
            start += rows
            if chunk.compression != CODECS[expectation["codec"]]:
                problems.append(f"{column['name']} row group {g}: codec {chunk.compression}")
            stats = chunk.statistics
            if stats is None:
                problems.append(f"{column['name']} row group {g}: no statistics")
                continue
            present = [v for v in part if v is not None]
            if stats.null_count != len(part) - len(present):
                problems.append(f"{column['name']} row group {g}: null_count {stats.null_count} != {len(part) - len(present)}")
            if present:
                if column["type"] == "string":
                    lo = min(present, key=lambda s: s.encode())
                    hi = max(present, key=lambda s: s.encode())
                else:
                    lo, hi = min(present), max(present)
                if not stats.has_min_max or stats.min != lo or stats.max != hi:
                    problems.append(f"{column['name']} row group {g}: min/max {stats.min!r}/{stats.max!r} != {lo!r}/{hi!r}")
    for problem in problems:
        print(problem)
    print(f"{path}: {'OK' if not problems else f'{len(problems)} problems'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
