#!/usr/bin/env python3
"""Benchmark: `momentum transform --full` (all four processed tables) against DuckDB building
`artist_daily` alone (2 threads by default, as many as the machine's cores here), on the same
generated lakes of ARTISTS x DAYS raw JSON Lines; and an incremental `momentum transform` after
one more day against the full one.

Times whole processes, alternating the commands run by run, and reports for each the median wall
time, CPU time (user + system) and peak resident memory (the process's maxrss), side by side,
with the ratios. Not a test: nothing here passes or fails. Run it with `Benchmarks/transform/run`
(it builds a release binary first).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def measured(command, env=None):
    """Runs a command; its wall seconds, CPU seconds and peak memory (MiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed: {stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def lake_for(args, artists):
    lake = os.path.join(args.data, f"lake-{artists}x{args.days}")
    if not os.path.isdir(os.path.join(lake, "raw")):
        print(f"generating {lake} ...", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "Tools", "generate_lake.py"), "--out", lake,
                        "--artists", str(artists), "--days", str(args.days), "--seed", "11"], check=True)
    return lake


def medians(samples):
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


def compare_full(args, artists):
    lake = lake_for(args, artists)
    raw_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(lake, "raw")) for f in fs)
    ours = [args.binary, "transform", "--lake", lake, "--full", "--quiet"]
    duck = [sys.executable, os.path.join(HERE, "duckdb_artist_daily.py"), lake, os.path.join(args.data, "duckdb-out"),
            "--threads", str(args.threads)]
    measured(ours)
    measured(duck)  # warm-up: page cache, first-run costs
    ours_runs, duck_runs = [], []
    for _ in range(args.runs):
        ours_runs.append(measured(ours))
        duck_runs.append(measured(duck))
    ratios = sorted(a[0] / b[0] for a, b in zip(ours_runs, duck_runs))
    return {"lake": f"{artists:,} x {args.days} ({raw_bytes / 1e6:,.0f} MB)", "ours": medians(ours_runs),
            "duck": medians(duck_runs), "ratio": statistics.median(ratios), "lake_path": lake}


def compare_incremental(args, artists, scan=False):
    """A full run without the last day, then that day arrives: the incremental run against a
    full one of the same lake. Each run starts from the same processed tables. With `scan`,
    the day's weekly release scan (the lake's last) arrives with it."""
    lake = lake_for(args, artists)
    work = os.path.join(args.data, f"incremental-{artists}x{args.days}")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(lake, work, ignore=shutil.ignore_patterns("processed", "state"))
    held = [os.path.join(work, "raw", "artist_metrics")]
    if scan:
        held.append(os.path.join(work, "raw", "releases"))
    last = sorted(os.listdir(held[0]))[-1]
    if scan and last not in os.listdir(held[1]):
        sys.exit(f"the lake has no release scan on its last day ({last}): there is no scan day to measure")
    asides = [os.path.join(args.data, f"held-back-day-{index}") for index in range(len(held))]
    for folder, aside in zip(held, asides):
        shutil.rmtree(aside, ignore_errors=True)
        shutil.move(os.path.join(folder, last), aside)
    subprocess.run([args.binary, "transform", "--lake", work, "--full", "--quiet"], check=True)
    for folder, aside in zip(held, asides):
        shutil.move(aside, os.path.join(folder, last))
    saved = os.path.join(args.data, "saved-tables")
    shutil.rmtree(saved, ignore_errors=True)
    os.makedirs(saved)
    # Hard links, both ways: a file's version in the lake is its mtime and inode, so a copy looks
    # rewritten and the "incremental" run would rebuild in full. Every write of a transform
    # replaces a file by renaming a new one over it, so the saved links keep the old tables.
    for folder in ("processed", "state"):
        shutil.copytree(os.path.join(work, folder), os.path.join(saved, folder), copy_function=os.link)

    def restore():
        for folder in ("processed", "state"):
            shutil.rmtree(os.path.join(work, folder))
            shutil.copytree(os.path.join(saved, folder), os.path.join(work, folder), copy_function=os.link)

    # The run measured must be the incremental one: say so, or stop.
    restore()
    said = subprocess.run([args.binary, "transform", "--lake", work], capture_output=True, text=True, check=True).stderr
    if "(incremental" not in said:
        sys.exit(f"the run after one more day was not incremental, so there is nothing to compare: {said.strip()[-400:]}")

    incremental, full = [], []
    for _ in range(args.runs):
        restore()
        incremental.append(measured([args.binary, "transform", "--lake", work, "--quiet"]))
        restore()
        full.append(measured([args.binary, "transform", "--lake", work, "--full", "--quiet"]))
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(saved, ignore_errors=True)
    ratios = sorted(a[0] / b[0] for a, b in zip(incremental, full))
    return {"lake": f"{artists:,} x {args.days}, then day {args.days}" + (" and its scan" if scan else ""), "ours": medians(incremental), "duck": medians(full),
            "ratio": statistics.median(ratios)}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artists", default="2000,10000", help="comma-separated lake sizes (artists)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB's threads")
    parser.add_argument("--incremental", type=int, default=10000, help="artists of the incremental comparison (0: none)")
    parser.add_argument("--data", default=os.path.join(ROOT, "Benchmarks", ".data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "momentum"))
    args = parser.parse_args()

    rows = [compare_full(args, int(n)) for n in args.artists.split(",") if n]
    print(f"transform --full (4 tables) vs DuckDB (artist_daily, {args.threads} threads); medians of {args.runs} runs; {os.cpu_count()} cores")
    print(f"{'lake':<28} {'ours wall':>9} {'CPU':>7} {'peak':>9} | {'DuckDB wall':>11} {'CPU':>7} {'peak':>9} | {'wall ratio':>10}")
    for row in rows:
        (ow, oc, om), (dw, dc, dm) = row["ours"], row["duck"]
        print(f"{row['lake']:<28} {ow:>8.2f}s {oc:>6.2f}s {om:>6.0f} MiB | {dw:>10.2f}s {dc:>6.2f}s {dm:>6.0f} MiB | {row['ratio']:>10.2f}")
    if args.incremental:
        row = compare_incremental(args, args.incremental)
        (iw, ic, im), (fw, fc, fm) = row["ours"], row["duck"]
        print(f"incremental after one more day vs full, {row['lake']}: incremental {iw:.2f}s (CPU {ic:.2f}s, {im:.0f} MiB), "
              f"full {fw:.2f}s (CPU {fc:.2f}s, {fm:.0f} MiB): {row['ratio']:.1%} of a full run")


if __name__ == "__main__":
    main()
