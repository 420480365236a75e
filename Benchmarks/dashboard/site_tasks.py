#!/usr/bin/env python3
"""The dashboard site's tasks as the state machine runs them, each a Lambda invocation of its own
over a transformed lake: the plan (the leaderboard's files), every part, then the page; each a
whole `momentum lambda` process served one invocation by the fake Runtime API with Lambda's
15-minute deadline (as Benchmarks/shards/bench.py runs the analytics' shards). Prints, per task,
its wall and CPU time, its peak memory, its artists and the files and bytes it wrote; then the
written site timed in headless Chromium (page_timing.py: first paint, an artist opened with its
file loaded, the search, sorting every row).

The lake is hard-linked into --work first (`cp -al`): the tasks write only `dashboard/` and
`dashboard.html`, which the copy gets, so the source lake is left as it was.

    site_tasks.py --lake LAKE --binary MOMENTUM --work DIR [--parts N] [--runs 3]
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("shards_bench", os.path.join(HERE, "..", "shards", "bench.py"))
shards_bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shards_bench)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--parts", type=int)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lake = shards_bench.linked_copy(args.lake, args.work, "-site")
    try:
        event = {"job": "dashboard_plan", **({"parts": args.parts} if args.parts else {})}
        answer, wall, cpu, peak = shards_bench.invoke(args.binary, lake, event)
        plan = answer["site"]
        rows = [("plan", "", "board files", f"{answer['board_bytes'] / 2**20:,.1f} MiB", wall, cpu, peak)]
        for part in plan["parts"]:
            answer, wall, cpu, peak = shards_bench.invoke(args.binary, lake, {"job": "dashboard_part", "site": plan, "index": part["index"]})
            rows.append((f"part {part['index']}", f"{answer['artists']:,}", f"{answer['files']:,}", f"{answer['bytes'] / 2**20:,.1f} MiB", wall, cpu, peak))
        answer, wall, cpu, peak = shards_bench.invoke(args.binary, lake, {"job": "dashboard", "site": plan})
        rows.append(("page", f"{answer['artists']:,}", f"{answer['site_files']:,} in all", "", wall, cpu, peak))
        page = os.path.join(lake, "dashboard", "index.html")
        timed = subprocess.run([sys.executable, os.path.join(HERE, "page_timing.py"), page, "--runs", str(args.runs)],
                               capture_output=True, text=True)
        if timed.returncode != 0:
            sys.exit(f"page_timing failed: {timed.stderr[-2000:]}")
        browser = json.loads(timed.stdout)
    finally:
        shutil.rmtree(lake, ignore_errors=True)
    print(f"dashboard site over {args.lake}: {len(plan['parts'])} parts; each task a whole process with Lambda's 15-minute deadline")
    shards_bench.print_tasks(("task", "artists", "files", "written"), (10, 9, 14, 12), rows)
    parts = [r for r in rows if r[0].startswith("part")]
    print(f"largest part: {max(r[6] for r in parts):,.0f} MiB peak, {max(r[4] for r in parts):.1f} s")
    print(f"in headless Chromium (median of {args.runs}): page {browser['bytes'] / 1e6:.2f} MB; first paint {browser['fcp_ms'] / 1000:.2f} s; "
          f"loaded {browser['load_ms'] / 1000:.2f} s; an artist opened (its file loaded) {browser['open_ms'] / 1000:.2f} s; "
          f"search {browser['search_ms'] / 1000:.2f} s; sorting every row {browser['sort_ms'] / 1000:.2f} s")


if __name__ == "__main__":
    main()
