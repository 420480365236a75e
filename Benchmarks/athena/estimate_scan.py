"""Estimates what Athena scans (and bills) for one daily `transform --engine athena` on a lake,
full rebuild against incremental, from the lake's own files (Docs/Scaling-on-AWS.md).

Usage: estimate_scan.py LAKE   (a folder lake after `momentum transform`)

A full rebuild reads every raw metrics and release object. An incremental run after day D reads
the raw metrics of dt >= first-of-D's-month - 28 days, every release object (release days are
not partitions), and the five columns it needs of the stored artist_daily months up to that
look-back (Athena reads Parquet column chunks, not whole files). The incremental figure is
averaged over every day of the lake's last month as D. Prints JSON.
"""
import datetime as dt
import glob
import json
import os
import sys

import pyarrow.parquet as pq

CARRIED = {"artist_id", "artist_name", "day", "followers", "popularity"}


def main():
    lake = sys.argv[1]
    metrics = {}
    for path in glob.glob(os.path.join(lake, "raw", "artist_metrics", "dt=*", "*.jsonl*")):
        day = dt.date.fromisoformat(path.split("dt=")[1][:10])
        metrics[day] = metrics.get(day, 0) + os.path.getsize(path)
    releases = sum(os.path.getsize(p) for p in glob.glob(os.path.join(lake, "raw", "releases", "dt=*", "*.jsonl*")))
    carried = {}
    for path in glob.glob(os.path.join(lake, "processed", "artist_daily", "month=*", "*.parquet")):
        month = path.split("month=")[1][:7]
        meta = pq.ParquetFile(path).metadata
        size = 0
        for group in range(meta.num_row_groups):
            for column in range(meta.num_columns):
                chunk = meta.row_group(group).column(column)
                if chunk.path_in_schema in CARRIED:
                    size += chunk.total_compressed_size
        carried[month] = carried.get(month, 0) + size
    full = sum(metrics.values()) + releases
    last = max(metrics)
    runs = []
    day = last.replace(day=1)
    while day <= last:
        look_back = day.replace(day=1) - dt.timedelta(days=28)
        raw = sum(size for d, size in metrics.items() if look_back <= d <= day)
        stored = sum(size for month, size in carried.items() if month <= look_back.isoformat()[:7])
        runs.append(raw + releases + stored)
        day += dt.timedelta(days=1)
    incremental = sum(runs) / len(runs)
    print(json.dumps({"days": len(metrics), "raw_metrics_bytes": sum(metrics.values()), "raw_release_bytes": releases,
                      "full_scan_bytes": full, "incremental_scan_bytes_mean": round(incremental),
                      "incremental_scan_bytes_max": max(runs), "incremental_share": round(incremental / full, 3)}))


if __name__ == "__main__":
    main()
