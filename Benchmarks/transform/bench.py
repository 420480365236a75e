#!/usr/bin/env python3
"""Benchmark: `momentum transform` (all four processed tables) against DuckDB building
`artist_daily` alone, on the same generated lake of ARTISTS x DAYS raw JSON Lines.

Times whole processes, alternating the two commands run by run, and reports the median wall
time of each, rows of artist_daily per second and the ratio. Not a test: nothing here passes or
fails. Run it with `Benchmarks/transform/run` (it builds a release binary first).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artists", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", default=os.path.join(ROOT, "Benchmarks", ".data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "momentum"))
    args = parser.parse_args()

    lake = os.path.join(args.data, f"lake-{args.artists}x{args.days}")
    if not os.path.isdir(os.path.join(lake, "raw")):
        print(f"generating {lake} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "lib", "generate_lake.py"), "--out", lake,
                        "--artists", str(args.artists), "--days", str(args.days), "--seed", "11"], check=True)
    raw_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(lake, "raw")) for f in fs)

    ours = [args.binary, "transform", "--lake", lake, "--quiet"]
    duck = [sys.executable, os.path.join(HERE, "duckdb_artist_daily.py"), lake, os.path.join(args.data, "duckdb-out")]
    timed(ours)
    timed(duck)  # warm-up: page cache, first-run costs
    ours_times, duck_times = [], []
    for _ in range(args.runs):
        ours_times.append(timed(ours))
        duck_times.append(timed(duck))

    import duckdb
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{lake}/processed/artist_daily/*/*.parquet')").fetchall()[0][0]
    o, d = statistics.median(ours_times), statistics.median(duck_times)
    ratios = sorted(a / b for a, b in zip(ours_times, duck_times))
    print(f"lake: {args.artists} artists x {args.days} days, {raw_bytes / 1e6:.0f} MB of JSON Lines, {rows} artist_daily rows; {os.cpu_count()} cores")
    print(f"momentum transform (4 tables):   median {o:.2f} s  ({rows / o:,.0f} artist_daily rows/s, {raw_bytes / 1e6 / o:.0f} MB/s)")
    print(f"DuckDB artist_daily only:        median {d:.2f} s  ({rows / d:,.0f} rows/s)")
    print(f"ratio momentum/DuckDB, run by run: median {statistics.median(ratios):.2f} (min {ratios[0]:.2f}, max {ratios[-1]:.2f})")


if __name__ == "__main__":
    main()
