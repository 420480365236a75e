#!/usr/bin/env python3
"""Benchmark: LakeKit's S3 client against boto3 on the same transfers to SeaweedFS, and
LakeKit's Parquet reader against pyarrow on the same `artist_daily` file.

Transfers: one large object (multipart for both clients) and many small objects (the lake's
usual shape), uploaded then downloaded with 4 transfers in flight on each side. Each command is
a whole process, timed run by run in alternation; medians, throughput and ratios are printed.
Not a test: nothing here passes or fails. Run it with `Benchmarks/s3/run`.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

BOTO = r'''
import boto3, os, sys
from boto3.s3.transfer import TransferConfig
from concurrent.futures import ThreadPoolExecutor
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"])
config = TransferConfig(multipart_threshold=16 << 20, multipart_chunksize=8 << 20, max_concurrency=4)
mode, bucket, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "upload":
    def put(path): s3.upload_file(path, bucket, prefix + "/" + os.path.basename(path), Config=config)
    with ThreadPoolExecutor(4) as pool: list(pool.map(put, sys.argv[4:]))
else:
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/") for o in page.get("Contents", [])]
    def get(key): return len(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    with ThreadPoolExecutor(4) as pool: print(sum(pool.map(get, keys)))
'''

PYARROW = "import pyarrow.parquet as pq, sys; print(pq.read_table(sys.argv[1]).num_rows)"


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(label, ours, theirs, runs, megabytes=None):
    timed(ours(0)); timed(theirs(0))
    a, b = [], []
    for run in range(1, runs + 1):
        a.append(timed(ours(run)))
        b.append(timed(theirs(run)))
    o, t = statistics.median(a), statistics.median(b)
    ratios = sorted(x / y for x, y in zip(a, b))
    rate = (lambda s: f"{megabytes / s:7.1f} MB/s") if megabytes else (lambda s: "")
    print(f"{label:34} LakeKit {o:6.3f} s {rate(o)}   other {t:6.3f} s {rate(t)}   ratio {statistics.median(ratios):.2f} (min {ratios[0]:.2f}, max {ratios[-1]:.2f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--large-mb", type=int, default=64)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--parquet", help="an artist_daily Parquet file (default: one from a generated, transformed lake)")
    parser.add_argument("--bench", default=os.path.join(HERE, ".build", "release", "lakekit-bench"))
    args = parser.parse_args()
    bucket = "momentum-bench"
    python = sys.executable
    import boto3
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"])
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    work = tempfile.mkdtemp(prefix="lakekit-bench-")
    large = os.path.join(work, "large.bin")
    with open(large, "wb") as f:
        f.write(os.urandom(args.large_mb << 20))
    small = []
    for i in range(args.small):
        path = os.path.join(work, f"small-{i:04d}.jsonl")
        with open(path, "wb") as f:
            f.write(os.urandom(96 << 10))
        small.append(path)
    small_mb = args.small * 96 / 1024

    print(f"S3: SeaweedFS at {os.environ['AWS_ENDPOINT_URL_S3']}; {os.cpu_count()} cores; {args.runs} runs each, alternating")
    compare(f"upload 1 x {args.large_mb} MiB", lambda r: [args.bench, "upload", bucket, f"ours-large-{r}", large],
            lambda r: [python, "-c", BOTO, "upload", bucket, f"boto-large-{r}", large], args.runs, args.large_mb)
    compare(f"download 1 x {args.large_mb} MiB", lambda r: [args.bench, "download", bucket, f"ours-large-{r}"],
            lambda r: [python, "-c", BOTO, "download", bucket, f"boto-large-{r}"], args.runs, args.large_mb)
    compare(f"upload {args.small} x 96 KiB", lambda r: [args.bench, "upload", bucket, f"ours-small-{r}", *small],
            lambda r: [python, "-c", BOTO, "upload", bucket, f"boto-small-{r}", *small], args.runs, small_mb)
    compare(f"download {args.small} x 96 KiB", lambda r: [args.bench, "download", bucket, f"ours-small-{r}"],
            lambda r: [python, "-c", BOTO, "download", bucket, f"boto-small-{r}"], args.runs, small_mb)

    parquet = args.parquet
    if not parquet:
        lake = os.path.join(ROOT, "Benchmarks", ".data", "lake-2000x365")
        if not os.path.isdir(os.path.join(lake, "processed")):
            subprocess.run([python, os.path.join(ROOT, "Tests", "Tools", "generate_lake.py"), "--out", lake,
                            "--artists", "2000", "--days", "365", "--seed", "11"], check=True)
            subprocess.run([os.path.join(ROOT, ".build", "release", "momentum"), "transform", "--lake", lake, "--quiet"], check=True)
        folder = os.path.join(lake, "processed", "artist_daily")
        parquet = max((os.path.join(folder, d, f) for d in os.listdir(folder) for f in os.listdir(os.path.join(folder, d))), key=os.path.getsize)
    import pyarrow.parquet as pq
    rows = pq.ParquetFile(parquet).metadata.num_rows
    print(f"Parquet: {parquet} ({os.path.getsize(parquet) / 1e6:.1f} MB, {rows} rows), every column")
    compare("read artist_daily", lambda r: [args.bench, "parquet", parquet], lambda r: [python, "-c", PYARROW, parquet], args.runs)


if __name__ == "__main__":
    main()
