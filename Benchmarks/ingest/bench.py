#!/usr/bin/env python3
"""Benchmark: the daily and weekly jobs against the Spotify simulator with network latency.

For each API regime (extended quota, Development Mode) it serves the simulator on 127.0.0.1
with LATENCY ms added to every answer, tracks ARTISTS artists, runs `momentum ingest metrics`
and `momentum ingest releases` (a first scan: every album), and reports requests per tracked
artist, wall time per 1,000 artists, and the ideal time requests x latency / concurrency.
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


def stats(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_simulator/stats") as answer:
        return json.load(answer)["total"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artists", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=50, help="milliseconds")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "momentum"))
    args = parser.parse_args()

    print(f"{args.artists} tracked artists, {args.latency:.0f} ms latency, {CONCURRENCY} requests in flight")
    print(f"{'mode':<12} {'job':<8} {'requests':>8} {'per artist':>10} {'wall s':>8} {'s / 1000 artists':>17} {'ideal s':>8} {'wall/ideal':>10}")
    for mode in ("extended", "development"):
        server = subprocess.Popen([args.binary, "simulator", "serve", "--port", "0", "--artists", str(args.artists),
                                   "--seed", str(args.seed), "--mode", mode, "--latency", str(args.latency)],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        lake = tempfile.mkdtemp(prefix="momentum-ingest-bench-")
        try:
            port = int(re.search(r"127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1))
            ids = subprocess.run([args.binary, "simulator", "artists", "--artists", str(args.artists), "--seed", str(args.seed)],
                                 check=True, capture_output=True, text=True).stdout.splitlines()
            os.makedirs(os.path.join(lake, "state"))
            with open(os.path.join(lake, "state", "artists.json"), "w", encoding="utf-8") as handle:
                json.dump({"artists": [{"id": line.split("\t")[0], "name": line.split("\t")[1], "added_at": "2026-01-01T00:00:00Z"} for line in ids]}, handle)
            env = dict(os.environ, SPOTIFY_CLIENT_ID="bench", SPOTIFY_CLIENT_SECRET="bench",
                       SPOTIFY_ACCOUNTS_URL=f"http://127.0.0.1:{port}", SPOTIFY_API_URL=f"http://127.0.0.1:{port}/v1")
            for job in ("metrics", "releases"):
                before = stats(port)
                start = time.perf_counter()
                subprocess.run([args.binary, "ingest", job, "--lake", lake, "--quiet"], check=True, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall = time.perf_counter() - start
                requests = stats(port) - before - 1  # the token request is counted too; not the stats call
                ideal = requests * args.latency / 1000 / CONCURRENCY
                print(f"{mode:<12} {job:<8} {requests:>8} {requests / args.artists:>10.2f} {wall:>8.2f} {wall * 1000 / args.artists:>17.2f} {ideal:>8.2f} {wall / ideal:>10.2f}")
        finally:
            server.terminate()
            server.wait()
            shutil.rmtree(lake, ignore_errors=True)


if __name__ == "__main__":
    main()
