#!/usr/bin/env python3
"""Benchmark: the daily and weekly jobs against the Spotify simulator with network latency.

For each API regime (extended quota, Development Mode) and roster size it serves the simulator
on 127.0.0.1 with LATENCY ms added to every answer, tracks that many artists, runs the jobs
(`momentum ingest metrics`; `momentum ingest releases`, a first scan of every album), and
reports the requests beside the minimum (daily job: one per 50 artists in extended quota, one
per artist in Development Mode, whose lack of the batch endpoint the lake remembers from the
day before's run), the wall time beside the ideal (the requests x
latency / the client's 4 requests in flight) and the job's peak memory.
Not a test: it measures. Run it with `Benchmarks/ingest/run`.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONCURRENCY = 4  # SpotifyConfiguration.maxConcurrentRequests


def minimum_requests(job, mode, artists):
    if job != "metrics":
        return None
    return -(-artists // 50) if mode == "extended" else artists


def timed(command, env):
    """Wall seconds and peak resident memory (MiB) of a whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_simulator/stats") as answer:
        return json.load(answer)["total"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artists", default="1000", help="comma-separated roster sizes")
    parser.add_argument("--modes", default="extended,development")
    parser.add_argument("--jobs", default="metrics,releases")
    parser.add_argument("--latency", type=float, default=50, help="milliseconds")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "momentum"))
    args = parser.parse_args()

    print(f"{args.latency:.0f} ms latency, {CONCURRENCY} requests in flight")
    print(f"{'mode':<12} {'job':<8} {'artists':>8} {'requests':>9} {'minimum':>8} {'wall s':>8} {'ideal s':>8} {'wall/ideal':>10} {'peak MiB':>9} {'simulator CPU s':>14}")
    for artists in [int(n) for n in args.artists.split(",")]:
        for mode in args.modes.split(","):
            server = subprocess.Popen([args.binary, "simulator", "serve", "--port", "0", "--artists", str(artists),
                                       "--seed", str(args.seed), "--mode", mode, "--latency", str(args.latency)],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            lake = tempfile.mkdtemp(prefix="momentum-ingest-bench-")
            try:
                port = int(re.search(r"127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1))
                ids = subprocess.run([args.binary, "simulator", "artists", "--artists", str(artists), "--seed", str(args.seed)],
                                     check=True, capture_output=True, text=True).stdout.splitlines()
                os.makedirs(os.path.join(lake, "state"))
                with open(os.path.join(lake, "state", "artists.json"), "w", encoding="utf-8") as handle:
                    json.dump({"artists": [{"id": line.split("\t")[0], "name": line.split("\t")[1], "added_at": "2026-01-01T00:00:00Z"} for line in ids]}, handle)
                env = dict(os.environ, SPOTIFY_CLIENT_ID="bench", SPOTIFY_CLIENT_SECRET="bench",
                           SPOTIFY_ACCOUNTS_URL=f"http://127.0.0.1:{port}", SPOTIFY_API_URL=f"http://127.0.0.1:{port}/v1")
                if "metrics" in args.jobs.split(","):
                    # The simulator computes an artist's history the first time it is asked for
                    # it, on our cores; yesterday's run (a back-fill of yesterday) warms it, so
                    # the timed run measures the client (as against Spotify, whose servers are
                    # not on this machine). It is the day before's run of the same lake, as the
                    # daily job runs: today's run knows what the app may do from it.
                    yesterday = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))
                    timed([args.binary, "ingest", "metrics", "--lake", lake, "--date", yesterday, "--quiet"], env)
                for job in args.jobs.split(","):
                    before = stats(port)
                    server_cpu = cpu_seconds(server.pid)
                    wall, peak = timed([args.binary, "ingest", job, "--lake", lake, "--quiet"], env)
                    server_cpu = cpu_seconds(server.pid) - server_cpu
                    requests = stats(port) - before - 1  # the token request is counted too; not the stats call
                    ideal = requests * args.latency / 1000 / CONCURRENCY
                    minimum = minimum_requests(job, mode, artists)
                    print(f"{mode:<12} {job:<8} {artists:>8} {requests:>9} {minimum if minimum is not None else '-':>8} {wall:>8.2f} {ideal:>8.2f} {wall / ideal:>10.2f} {peak:>9.0f} {server_cpu:>14.1f}",
                          flush=True)
            finally:
                server.terminate()
                server.wait()
                shutil.rmtree(lake, ignore_errors=True)


if __name__ == "__main__":
    main()
