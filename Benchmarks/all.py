#!/usr/bin/env python3
"""Every benchmark in one run, printed side by side: ours, the other tool, the ratio, the goal.

- transform --full vs DuckDB running the SQL twin of artist_daily (2 threads), per lake size;
- an incremental transform after one more day, and after the day of a weekly scan, vs a full
  one (10,000 artists);
- `report --artist` and `report` on the largest lake vs DuckDB querying the same Parquet;
- the dashboard at 1,000 and 10,000 artists: page size, first paint and opening an artist in
  headless Chromium; the dashboard site (`--dashboard-site`, 10,000 by default; 100,000 with
  `--dashboard-site 100000 --data` pointing at that lake): its writer's time and peak memory,
  first paint, an artist opened with its file, the search and sorting every row;
- Parquet read, and read + write (Snappy), of the largest artist_daily partition vs pyarrow;
- JSON Lines decoding throughput vs DuckDB's read_json over the same raw files;
- the daily job against the simulator with 50 ms latency vs the ideal.

Every figure is a whole process (start-up included on both sides), the median of --runs runs,
the two sides alternating run by run. Not a test: nothing passes or fails. Run it with
`Benchmarks/run-all` (it builds the release binaries first).
"""
import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


transform_bench = load("transform_bench", "transform/bench.py")
ingest_bench = load("ingest_bench", "ingest/bench.py")
measured = transform_bench.measured  # (wall s, CPU s, peak MiB) of a whole process


def alternate(ours, other, runs):
    """Medians of each side and of the run-by-run wall ratio, after one warm-up each."""
    measured(ours)
    measured(other)
    a, b = [], []
    for _ in range(runs):
        a.append(measured(ours))
        b.append(measured(other))
    ratio = statistics.median(x[0] / y[0] for x, y in zip(a, b))
    return transform_bench.medians(a), transform_bench.medians(b), ratio


def process(figures):
    wall, cpu, peak = figures
    return f"{wall:.2f} s (CPU {cpu:.2f} s, {peak:,.0f} MiB)"


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} {platform.release()}"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, component, size, ours, other, ratio, goal):
        self.rows.append((component, size, ours, other, ratio, goal))
        print(f"  {component}, {size}: ours {ours}; other {other}; ratio {ratio}", file=sys.stderr, flush=True)

    def print(self, header):
        print(header)
        widths = [max(len(str(row[i])) for row in self.rows + [self.heading()]) for i in range(6)]
        for index, row in enumerate([self.heading()] + self.rows):
            print("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                print("  ".join("-" * w for w in widths))

    @staticmethod
    def heading():
        return ("component", "size", "ours", "other", "ratio", "goal")


def transform_rows(args, table):
    for artists in args.artists:
        row = transform_bench.compare_full(args, artists)
        table.add("transform --full vs DuckDB SQL twin", row["lake"], process(row["ours"]), "DuckDB " + process(row["duck"]),
                  f"{row['ratio']:.2f}", "<= 0.5 (time); peak <= 512 MiB at 100,000")
    if args.incremental:
        row = transform_bench.compare_incremental(args, args.incremental)
        table.add("incremental transform vs full", row["lake"], process(row["ours"]), "full " + process(row["duck"]),
                  f"{row['ratio']:.2f}", "<= 0.05")
        # The day of the weekly scan: its new albums change the days they were released on.
        row = transform_bench.compare_incremental(args, args.incremental, scan=True)
        table.add("incremental transform vs full", row["lake"], process(row["ours"]), "full " + process(row["duck"]),
                  f"{row['ratio']:.2f}", "(no goal; bounded memory)")


def largest_lake(args):
    lakes = [os.path.join(args.data, name) for name in os.listdir(args.data) if name.startswith("lake-")]
    lakes = [lake for lake in lakes if os.path.isdir(os.path.join(lake, "processed", "momentum"))]
    return max(lakes, key=lambda lake: int(os.path.basename(lake).split("-")[1].split("x")[0]), default=None)


def report_rows(args, table):
    lake = largest_lake(args)
    if lake is None:
        return
    name = os.path.basename(lake)[5:].replace("x", " x ")
    board = subprocess.run([args.binary, "report", "--lake", lake, "--top", "1000", "--format", "json"],
                           capture_output=True, text=True, check=True).stdout
    rows = json.loads(board)
    artist = rows[len(rows) // 2]["artist_id"]
    day = rows[0]["day"]
    duck_artist = [PYTHON, "-c", (
        "import duckdb, sys; c = duckdb.connect(config={'threads': 2});"
        "d = c.execute(\"SELECT * FROM read_parquet(?, hive_partitioning = true) WHERE artist_id = ? ORDER BY day\", [sys.argv[1], sys.argv[2]]).fetchall();"
        "i = c.execute(\"SELECT * FROM read_parquet(?) WHERE artist_id = ? ORDER BY event_day\", [sys.argv[3], sys.argv[2]]).fetchall();"
        "print(len(d), len(i))"),
        os.path.join(lake, "processed", "artist_daily", "*", "*.parquet"), artist,
        os.path.join(lake, "processed", "release_impact", "*.parquet")]
    ours, other, ratio = alternate([args.binary, "report", "--lake", lake, "--artist", artist, "--format", "json"], duck_artist, args.runs)
    table.add("report --artist vs DuckDB query", name, process(ours), "DuckDB " + process(other), f"{ratio:.2f}", "well under 1 s")
    duck_board = [PYTHON, "-c", (
        "import duckdb, sys; c = duckdb.connect(config={'threads': 2});"
        "print(len(c.execute(\"SELECT * FROM read_parquet(?) ORDER BY rank LIMIT 20\", [sys.argv[1]]).fetchall()))"),
        os.path.join(lake, "processed", "momentum", f"as_of={day}", "*.parquet")]
    ours, other, ratio = alternate([args.binary, "report", "--lake", lake, "--top", "20", "--as-of", day], duck_board, args.runs)
    table.add("report (top 20) vs DuckDB query", name, process(ours), "DuckDB " + process(other), f"{ratio:.2f}", "")


def dashboard_rows(args, table):
    timing = os.path.join(HERE, "dashboard", "page_timing.py")
    for artists in args.dashboard:
        lake = transform_bench.lake_for(args, artists)
        if not os.path.isdir(os.path.join(lake, "processed", "momentum")):
            subprocess.run([args.binary, "transform", "--lake", lake, "--full", "--quiet"], check=True)
        page = os.path.join(args.data, f"dashboard-{artists}.html")
        made = measured([args.binary, "dashboard", "--lake", lake, "--out", page, "--quiet"])
        timed = subprocess.run([PYTHON, timing, page, "--runs", str(args.runs)], capture_output=True, text=True)
        if timed.returncode != 0:
            raise subprocess.CalledProcessError(timed.returncode, timing, timed.stdout, timed.stderr)
        result = json.loads(timed.stdout)
        table.add("dashboard in headless Chromium", f"{artists:,} x {args.days}",
                  f"page {result['bytes'] / 1e6:.1f} MB; first paint {result['fcp_ms'] / 1000:.2f} s; loaded {result['load_ms'] / 1000:.2f} s; "
                  f"an artist opened {result['open_ms'] / 1000:.2f} s; written in {process(made)}",
                  "(was 19 MB and 22 s at 500 artists)", "", "first paint <= 2 s at 10,000")
    for artists in args.dashboard_site:
        lake = transform_bench.lake_for(args, artists)
        if not os.path.isdir(os.path.join(lake, "processed", "momentum")):
            subprocess.run([args.binary, "transform", "--lake", lake, "--full", "--quiet"], check=True)
        folder = os.path.join(args.data, f"dashboard-site-{artists}")
        made = measured([args.binary, "dashboard", "--lake", lake, "--site", "--out", folder, "--quiet"])
        page = os.path.join(folder, "index.html")
        timed = subprocess.run([PYTHON, timing, page, "--runs", str(args.runs)], capture_output=True, text=True)
        if timed.returncode != 0:
            raise subprocess.CalledProcessError(timed.returncode, timing, timed.stdout, timed.stderr)
        result = json.loads(timed.stdout)
        total = sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(folder) for name in names)
        table.add("dashboard site in headless Chromium", f"{artists:,} x {args.days}",
                  f"page {result['bytes'] / 1e6:.2f} MB of {total / 1e6:.0f} MB; first paint {result['fcp_ms'] / 1000:.2f} s; "
                  f"loaded {result['load_ms'] / 1000:.2f} s; an artist opened (its file loaded) {result['open_ms'] / 1000:.2f} s; "
                  f"search {result['search_ms'] / 1000:.2f} s; sort all rows {result['sort_ms'] / 1000:.2f} s; written in {process(made)}",
                  "", "", "opens in a few seconds at 100,000; peak <= 512 MiB")


def parquet_rows(args, table):
    # The largest lake's largest month: big enough that start-up is not the whole story.
    lake = transform_bench.lake_for(args, max(args.artists))
    daily = os.path.join(lake, "processed", "artist_daily")
    if not os.path.isdir(daily):
        subprocess.run([args.binary, "transform", "--lake", lake, "--full", "--quiet"], check=True)
    files = [os.path.join(d, f) for d, _, fs in os.walk(daily) for f in fs if f.endswith(".parquet")]
    largest = max(files, key=os.path.getsize)
    rows = int(subprocess.run([args.bench, "parquet", largest], capture_output=True, text=True, check=True).stdout)
    size = f"artist_daily, {rows:,} rows, {os.path.getsize(largest) / 1e6:.1f} MB"
    read_py = [PYTHON, "-c", "import pyarrow.parquet as pq, sys; print(pq.read_table(sys.argv[1]).num_rows)", largest]
    ours, other, ratio = alternate([args.bench, "parquet", largest], read_py, args.runs)
    table.add("Parquet read vs pyarrow", size, process(ours), "pyarrow " + process(other), f"{ratio:.2f}", "<= 1")
    out = os.path.join(args.data, "parquet-copy.parquet")
    copy_py = [PYTHON, "-c", "import pyarrow.parquet as pq, sys; pq.write_table(pq.read_table(sys.argv[1]), sys.argv[2], compression='snappy')", largest, out]
    ours, other, ratio = alternate([args.bench, "parquet-copy", largest, out], copy_py, args.runs)
    table.add("Parquet read + write (Snappy) vs pyarrow", size, process(ours), "pyarrow " + process(other), f"{ratio:.2f}", "<= 1")


def jsonl_rows(args, table):
    lake = transform_bench.lake_for(args, args.artists[0])
    raw = os.path.join(lake, "raw", "artist_metrics")
    megabytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(raw) for f in fs) / 1e6
    duck = [PYTHON, "-c", (
        "import duckdb, sys; c = duckdb.connect(config={'threads': 2});"
        "print(c.execute(\"SELECT count(*), sum(followers) FROM read_json(?, format = 'newline_delimited', columns = "
        "{'artist_id': 'VARCHAR', 'artist_name': 'VARCHAR', 'followers': 'BIGINT', 'popularity': 'INTEGER', "
        "'genres': 'VARCHAR[]', 'captured_at': 'VARCHAR', 'source': 'VARCHAR'})\", [sys.argv[1]]).fetchall())"),
        os.path.join(raw, "*", "*.jsonl")]
    ours, other, ratio = alternate([args.bench, "jsonl", lake], duck, args.runs)
    table.add("JSON Lines decode vs DuckDB read_json", f"{megabytes:,.0f} MB of raw metrics",
              f"{megabytes / ours[0]:,.0f} MB/s; {process(ours)}", f"DuckDB {megabytes / other[0]:,.0f} MB/s; {process(other)}",
              f"{ratio:.2f}", "")


def ingest_rows(args, table):
    for artists in args.ingest:
        command = [PYTHON, os.path.join(HERE, "ingest", "bench.py"), "--artists", str(artists), "--modes", "extended",
                   "--jobs", "metrics", "--latency", "50", "--binary", args.binary]
        lines = subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()
        fields = lines[-1].split()
        requests, minimum, wall, ideal, ratio, peak = fields[3], fields[4], float(fields[5]), float(fields[6]), fields[7], fields[8]
        table.add("daily job vs the simulator (50 ms, extended quota)", f"{artists:,} artists",
                  f"{requests} requests (minimum {minimum}); {wall:.2f} s; {peak} MiB", f"ideal {ideal:.2f} s", ratio, "<= 1.1 x ideal")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artists", default="2000,10000", help="transform lake sizes; add 100000 for the largest (hours)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB's threads")
    parser.add_argument("--incremental", type=int, default=10000)
    parser.add_argument("--dashboard", default="1000,10000")
    parser.add_argument("--dashboard-site", default="10000", help="rosters whose dashboard site is timed (the lake's artists)")
    parser.add_argument("--ingest", default="10000,100000")
    parser.add_argument("--only", default="transform,report,dashboard,parquet,jsonl,ingest")
    parser.add_argument("--data", default=os.path.join(HERE, ".data"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "momentum"))
    parser.add_argument("--bench", default=os.path.join(HERE, "s3", ".build", "release", "lakekit-bench"))
    args = parser.parse_args()
    args.artists = [int(n) for n in args.artists.split(",") if n]
    args.dashboard = [int(n) for n in args.dashboard.split(",") if n]
    args.dashboard_site = [int(n) for n in args.dashboard_site.split(",") if n]
    args.ingest = [int(n) for n in args.ingest.split(",") if n]
    os.makedirs(args.data, exist_ok=True)

    table = Table()
    sections = {"transform": transform_rows, "report": report_rows, "dashboard": dashboard_rows,
                "parquet": parquet_rows, "jsonl": jsonl_rows, "ingest": ingest_rows}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for name in args.only.split(","):
        try:
            sections[name](args, table)
        except (subprocess.CalledProcessError, OSError, ValueError, KeyError) as error:
            # One failing comparison is reported in the table; the others still run.
            detail = getattr(error, "stderr", None) or ""
            table.add(name, "failed", str(error)[:200], str(detail)[-300:].replace("\n", " "), "", "")
    table.print(f"Momentum benchmarks, {started}; {machine()}; medians of {args.runs} runs of whole processes; ratio = ours / other (time)")


if __name__ == "__main__":
    main()
