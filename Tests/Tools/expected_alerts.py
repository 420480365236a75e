#!/usr/bin/env python3
"""The alerts a lake's tables should give, computed from the Parquet and JSON Lines files with
pyarrow and this file's own code (not Momentum's), per Docs/Alerts.md.

    expected_alerts.py LAKE CONFIG

LAKE is a lake folder; CONFIG a momentum.json whose every rule has a "since". Prints a JSON list
of {id, rule, kind, artist_id, artist_name, series, day, key}, where id is the documented stable
id: "alert_" and the first 32 hexadecimal digits of the SHA-256 of rule, kind, artist and key,
joined by newlines.
"""
import glob
import gzip
import hashlib
import json
import os
import sys
from datetime import date, datetime, timedelta

import pyarrow.parquet as pq

DEFAULT_MILESTONES = [10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]


def rows(lake, table):
    out = []
    for path in sorted(glob.glob(os.path.join(lake, "processed", table, "**", "*.parquet"), recursive=True)):
        out += pq.read_table(path).to_pylist()
    return out


def as_day(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def alert_id(rule, kind, artist, key):
    return "alert_" + hashlib.sha256(f"{rule}\n{kind}\n{artist}\n{key}".encode()).hexdigest()[:32]


def main():
    lake, config_path = sys.argv[1:3]
    rules = json.load(open(config_path))["alerts"]
    daily = rows(lake, "artist_daily")
    audience = rows(lake, "audience_daily")
    signals = rows(lake, "artist_signals")
    impacts = rows(lake, "release_impact")

    # Every series' rows by (artist, series), in day order: spotify/followers from artist_daily.
    series_rows = {}
    names = {}
    for row in daily:
        series_rows.setdefault((row["artist_id"], "spotify/followers"), []).append(
            {"day": as_day(row["day"]), "count": row["followers"], "growth_7d": row["growth_7d"], "growth_28d": row["growth_28d"]})
    for row in audience:
        series_rows.setdefault((row["artist_id"], f"{row['source']}/{row['metric']}"), []).append(
            {"day": as_day(row["day"]), "count": row["value"], "growth_7d": row["growth_7d"], "growth_28d": row["growth_28d"]})
    latest_name = {}
    for row in daily + audience:
        d = as_day(row["day"])
        if row["artist_id"] not in latest_name or d >= latest_name[row["artist_id"]][0]:
            latest_name[row["artist_id"]] = (d, row["artist_name"])
    names = {artist: name for artist, (_, name) in latest_name.items()}
    for values in series_rows.values():
        values.sort(key=lambda r: r["day"])

    snapshots = {}
    for path in glob.glob(os.path.join(lake, "processed", "momentum", "as_of=*", "*.parquet")):
        day = date.fromisoformat(path.split("as_of=")[1][:10])
        snapshots.setdefault(day, []).extend(pq.read_table(path).to_pylist())

    new_releases = []
    for path in sorted(glob.glob(os.path.join(lake, "raw", "releases", "dt=*", "*.jsonl*"))):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt") as lines:
            for line in lines:
                record = json.loads(line)
                if record.get("is_new"):
                    found = datetime.fromisoformat(record["discovered_at"].replace("Z", "+00:00")).date()
                    new_releases.append((record["artist_id"], record["album_id"], found))

    out = []

    def add(rule, artist, series, day, key, name=None):
        out.append({"id": alert_id(rule["id"], rule["kind"], artist, key), "rule": rule["id"], "kind": rule["kind"],
                    "artist_id": artist, "artist_name": name or names.get(artist, artist), "series": series,
                    "day": day.isoformat(), "key": key})

    for rule in rules:
        since = date.fromisoformat(rule["since"])
        artists = set(rule["artists"]) if "artists" in rule else None
        wanted = set(rule["series"]) if "series" in rule else None
        watched = lambda artist: artists is None or artist in artists
        kind = rule["kind"]
        if kind == "new_release":
            first = {}
            for artist, album, found in new_releases:
                if found >= since and watched(artist) and ((artist, album) not in first or found < first[(artist, album)]):
                    first[(artist, album)] = found
            for (artist, album), found in first.items():
                add(rule, artist, None, found, f"album/{album}")
        elif kind in ("spike", "drop"):
            threshold = rule.get("threshold", 3.5)
            for row in signals:
                series = f"{row['source']}/{row['metric']}"
                flag = row["is_spike"] if kind == "spike" else row["is_drop"]
                d = as_day(row["day"])
                if flag and d >= since and watched(row["artist_id"]) and (wanted is None or series in wanted) \
                        and row["robust_z"] is not None and abs(row["robust_z"]) >= threshold:
                    add(rule, row["artist_id"], series, d, f"{series}/{d.isoformat()}")
        elif kind == "growth":
            column = rule.get("window", "growth_7d")
            for (artist, series), values in series_rows.items():
                if not watched(artist) or (wanted is not None and series not in wanted):
                    continue
                before = False
                for row in values:
                    above = row[column] is not None and row[column] >= rule["threshold"]
                    if above and not before and row["day"] >= since:
                        add(rule, artist, series, row["day"], f"{series}/{row['day'].isoformat()}")
                    before = above
        elif kind == "milestone":
            marks = sorted(set(rule.get("milestones", DEFAULT_MILESTONES)))
            for (artist, series), values in series_rows.items():
                if not watched(artist) or (wanted is not None and series not in wanted):
                    continue
                previous, reached = None, set()
                for row in values:
                    if row["count"] is None:
                        continue
                    if previous is not None and row["day"] >= since:
                        for mark in marks:
                            if previous < mark <= row["count"] and mark not in reached:
                                reached.add(mark)
                                add(rule, artist, series, row["day"], f"{series}/{mark}")
                    previous = row["count"]
        elif kind == "release_impact":
            threshold = rule.get("threshold", 2.0)
            for row in impacts:
                series = f"{row['source']}/{row['metric']}"
                closes = as_day(row["event_day"]) + timedelta(days=13)
                values = series_rows.get((row["artist_id"], series), [])
                if row["status"] == "ok" and row["t_stat"] is not None and row["t_stat"] >= threshold and closes >= since \
                        and watched(row["artist_id"]) and (wanted is None or series in wanted) and values and values[-1]["day"] >= closes:
                    add(rule, row["artist_id"], series, closes, f"{series}/{as_day(row['event_day']).isoformat()}")
        elif kind == "leaderboard":
            top = rule.get("top", 10)
            days = sorted(snapshots)
            for before_day, day in zip(days, days[1:]):
                if day < since:
                    continue
                now = {r["artist_id"]: r for r in snapshots[day] if r["rank"] <= top}
                then = {r["artist_id"]: r for r in snapshots[before_day] if r["rank"] <= top}
                ranked = {r["artist_id"]: r for r in snapshots[day]}
                for artist in now.keys() - then.keys():
                    if watched(artist):
                        add(rule, artist, None, day, f"entered/{day.isoformat()}", now[artist]["artist_name"])
                for artist in then.keys() - now.keys():
                    if watched(artist):
                        add(rule, artist, None, day, f"left/{day.isoformat()}", (ranked.get(artist) or then[artist])["artist_name"])
    print(json.dumps(sorted(out, key=lambda a: (a["rule"], a["day"], a["artist_id"], a["key"]))))


if __name__ == "__main__":
    main()
