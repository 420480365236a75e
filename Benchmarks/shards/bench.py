#!/usr/bin/env python3
"""The sharded analytics' tasks, each as a Lambda invocation of its own, over a lake's stored
artist_daily: the shard plan, every shard, then the publish, each a whole `momentum lambda`
process served one invocation by the fake Runtime API (Tests/Tools/fake_lambda_runtime.py) with
Lambda's 15-minute deadline. Prints, per task: its wall and CPU time, its peak memory and, for a
shard, its artists, daily rows, the bytes of the stored tables it read and of the raw release
files (every shard reads them all, keeping its artists').

The lake is hard-linked into --work first (`cp -al`), so that the publish, which replaces the
derived tables file by file, leaves the source lake as it was.

    bench.py --lake LAKE --binary MOMENTUM --work DIR [--shards N]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUNTIME = os.path.join(ROOT, "Tests", "Tools", "fake_lambda_runtime.py")


def invoke(binary, lake, event):
    """One invocation in a fresh process: its answer, wall seconds, CPU seconds, peak MiB."""
    with tempfile.TemporaryDirectory() as folder:
        events = os.path.join(folder, "events.json")
        log = os.path.join(folder, "log.jsonl")
        with open(events, "w") as handle:
            json.dump([{"event": event, "deadline_seconds": 900}], handle)
        runtime = subprocess.Popen([sys.executable, RUNTIME, events, log], stdout=subprocess.PIPE, text=True)
        try:
            line = runtime.stdout.readline()
            if "listening on " not in line:
                sys.exit(f"the fake Runtime API did not start: {line}")
            address = line.strip().split("listening on ", 1)[1]
            env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=address, MOMENTUM_LAKE=lake)
            start = time.perf_counter()
            process = subprocess.Popen([binary, "lambda"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            stderr = process.stderr.read().decode(errors="replace")
            process.stderr.close()
        finally:
            runtime.terminate()
            runtime.wait()
        posts = [json.loads(line) for line in open(log)] if os.path.exists(log) else []
        # The runtime exits 3 once the fake API has no more invocations: that is the end.
        if os.waitstatus_to_exitcode(status) != 3 or not posts or posts[0].get("kind") != "response":
            sys.exit(f"{event['job']} failed (exit {os.waitstatus_to_exitcode(status)}): {posts[:1]} {stderr[-2000:]}")
        return posts[0]["body"], wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def linked_copy(lake, work, suffix):
    """The lake hard-linked into `work` (`cp -al`): tasks that replace or add files leave the
    source lake as it was."""
    copy = os.path.join(work, os.path.basename(os.path.normpath(lake)) + suffix)
    if os.path.exists(copy):
        shutil.rmtree(copy)
    os.makedirs(work, exist_ok=True)
    subprocess.run(["cp", "-al", lake, copy], check=True)
    return copy


def print_tasks(header, widths, rows):
    """The tasks' table: the given columns, then each task's wall time, CPU time and peak."""
    widths = widths + (8, 8, 10)
    print("  ".join(f"{h:<{w}}" for h, w in zip(header + ("wall", "CPU", "peak"), widths)))
    for row in rows:
        *columns, wall, cpu, peak = row
        print("  ".join(f"{c:<{w}}" for c, w in zip((*columns, f"{wall:.1f} s", f"{cpu:.1f} s", f"{peak:,.0f} MiB"), widths)))


def stored_bytes(lake):
    total = 0
    for table in ("artist_daily", "audience_daily"):
        for folder, _, files in os.walk(os.path.join(lake, "processed", table)):
            total += sum(os.path.getsize(os.path.join(folder, name)) for name in files if name.endswith(".parquet"))
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--shards", type=int)
    args = parser.parse_args()
    lake = linked_copy(args.lake, args.work, "-shards")
    try:
        event = {"job": "analytics_plan"}
        if args.shards:
            event["shards"] = args.shards
        answer, wall, cpu, peak = invoke(args.binary, lake, event)
        plan = answer["shards"]
        rows = [("plan", "", "", "", wall, cpu, peak)]
        stored = stored_bytes(lake)
        for shard in plan["shards"]:
            answer, wall, cpu, peak = invoke(args.binary, lake, {"job": "analytics_shard", "shards": plan, "index": shard["index"]})
            rows.append((f"shard {shard['index']}", f"{answer['artists']:,}", f"{answer['daily_rows']:,}",
                         f"{answer['bytes_read'] / 2**20:,.0f} MiB ({100 * answer['bytes_read'] / stored:.0f} %) + {answer['release_bytes_read'] / 2**20:,.0f}",
                         wall, cpu, peak))
        answer, wall, cpu, peak = invoke(args.binary, lake, {"job": "analytics_publish", "shards": plan})
        rows.append(("publish", f"{answer['artists']:,}", "", "", wall, cpu, peak))
    finally:
        shutil.rmtree(lake, ignore_errors=True)
    print(f"sharded analytics over {args.lake}: {len(plan['shards'])} shards; stored artist_daily + audience_daily {stored / 2**20:,.0f} MiB; "
          f"each task a whole process with Lambda's 15-minute deadline")
    print_tasks(("task", "artists", "daily rows", "tables + releases read"), (10, 9, 11, 30), rows)
    shards = [r for r in rows if r[0].startswith("shard")]
    print(f"largest shard: {max(r[6] for r in shards):,.0f} MiB peak, {max(r[4] for r in shards):.1f} s (goals: 1,024 MiB, 600 s)")


if __name__ == "__main__":
    main()
