#!/usr/bin/env python3
"""Writes a raw lake (lake contract v1) of synthetic artists, deterministically from a seed.

Used for the sample lake in Examples/, the test suite's comparison runs and the benchmark.
Artists grow organically with noise; releases lift growth for a couple of weeks; some days are
missing, some days are captured twice, one artist in ten has no follower counts (Spotify's
Development Mode), and names include non-ASCII and HTML-hostile characters.

With --audience, raw/audience (lake contract v1.1) gets each artist's Deezer fans and Last.fm
listeners and playcount (metrics contract section 8): each follows the artist's audience with its
own scale and noise; some artists are missing from a source, some values are null, some days are
captured twice. It draws from its own random stream, so the other datasets do not change.
"""
import argparse
import datetime as dt
import json
import math
import os
import random
import string

NAMES = ["Aurora Vale", "Los Niños del Sur", "Björk-ish Echo", "Tame Lantern", "MØ Rivers",
         "The <Script> Kiddies", "\"Quoted\" Band", "Café Tacvba Tribute", "Ólafur & Friends",
         "坂本 Sound", "Zeta Φ", "Anouk O'Brien", "DJ Ünder", "Sigur Rós Jr.", "Beyoncé Cover Band",
         # Names that must stay text wherever they are shown (artists 16 and 17 of a lake).
         "<script>alert(1)</script>", "\"onmouseover=alert(1) x=\""]


def artist_id(rng):
    alphabet = string.ascii_letters + string.digits
    return "".join(rng.choice(alphabet) for _ in range(22))


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="lake root to write")
    parser.add_argument("--artists", type=int, default=20)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", default="2026-01-01")
    parser.add_argument("--clean", action="store_true", help="no gaps, no duplicates, no null followers")
    parser.add_argument("--audience", action="store_true", help="also write raw/audience (Deezer and Last.fm counts)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    start = dt.date.fromisoformat(args.start)
    artists = []
    for i in range(args.artists):
        base = NAMES[i % len(NAMES)]
        name = base if i < len(NAMES) else f"{base} {i // len(NAMES) + 1}"
        followers = int(10 ** rng.uniform(2.5, 6.8))
        releases = []
        day = rng.randint(-60, 20)
        while day < args.days:
            releases.append(day)
            day += rng.randint(20, 90)
        artists.append({
            "id": artist_id(rng), "name": name, "followers": followers,
            "growth": rng.uniform(-0.0005, 0.004), "noise": rng.uniform(0.0005, 0.004),
            "popularity": rng.randint(5, 90), "release_days": releases,
            "dev_mode": (not args.clean) and i % 10 == 9,
        })

    audience_rng = random.Random(args.seed * 7919 + 1)
    for i, artist in enumerate(artists):
        artist["deezer"] = None if i % 7 == 3 else (str(100000 + i * 37), audience_rng.uniform(0.2, 3.0), audience_rng.uniform(0.0005, 0.003))
        artist["lastfm"] = None if i % 5 == 1 else (f"mbid-{i:04d}", audience_rng.uniform(0.5, 8.0), audience_rng.uniform(0.0005, 0.004))

    # Daily metric runs: one file per day, a second run on some days.
    for d in range(args.days):
        day = start + dt.timedelta(days=d)
        runs = [[]]
        if not args.clean and rng.random() < 0.08:
            runs.append([])
        for artist in artists:
            lift = sum(0.02 * math.exp(-(d - r) / 5) for r in artist["release_days"] if 0 <= d - r < 21)
            artist["followers"] = max(0, int(artist["followers"] * math.exp(artist["growth"] + lift + rng.gauss(0, artist["noise"]))))
            if rng.random() < 0.01:
                artist["followers"] += int(artist["followers"] * 0.05)  # a viral day
            artist["popularity"] = min(100, max(0, artist["popularity"] + rng.choice([-1, 0, 0, 0, 1])))
            if not args.clean and rng.random() < 0.03:
                continue  # a missed day
            for k, run in enumerate(runs):
                captured = dt.datetime(day.year, day.month, day.day, 6 + 6 * k, rng.randint(0, 59), rng.randint(0, 59))
                dev = artist["dev_mode"]
                run.append({
                    "artist_id": artist["id"], "artist_name": artist["name"],
                    "followers": None if dev else artist["followers"] + k * rng.randint(0, 50),
                    "popularity": None if dev else artist["popularity"],
                    "genres": ["pop"] if d % 2 else [],
                    "captured_at": captured.strftime("%Y-%m-%dT%H:%M:%S") + (".250Z" if k else "Z"),
                    "source": "spotify-simulator",
                })
        for k, run in enumerate(runs):
            stamp = f"{day.strftime('%Y%m%d')}T0{6 + 6 * k:02d}000Z-{k:04x}{args.seed % 65536:04x}"
            write(os.path.join(args.out, "raw/artist_metrics", f"dt={day.isoformat()}", f"{stamp}.jsonl"), run)
        if args.audience:
            write_audience(args, audience_rng, artists, day)

    # Weekly discography scans: the first scan lists everything (is_new=false), later ones
    # only what is new.
    seen = {a["id"]: set() for a in artists}
    for d in range(0, args.days, 7):
        day = start + dt.timedelta(days=d)
        records = []
        for artist in artists:
            for n, r in enumerate(artist["release_days"]):
                if r > d:
                    continue
                album_id = artist["id"][:12] + f"{n:010d}"
                if album_id in seen[artist["id"]]:
                    continue
                first_scan = d == 0
                seen[artist["id"]].add(album_id)
                release = start + dt.timedelta(days=r)
                group = "single" if n % 3 else "album"
                title = f"Record {n + 1}" + (" ★" if n % 4 == 1 else "")
                base = {
                    "artist_id": artist["id"], "album_name": title, "album_type": group,
                    "album_group": group, "release_date": release.isoformat(),
                    "release_date_precision": "day", "total_tracks": 1 if group == "single" else 11,
                    "discovered_at": f"{day.isoformat()}T07:00:00Z", "is_new": not first_scan,
                }
                records.append(dict(base, album_id=album_id))
                if not args.clean and n % 5 == 2:
                    # The same release under another market's id, with other spacing and case.
                    records.append(dict(base, album_id=album_id[:-1] + "Z", album_name=" " + title.upper() + " "))
                if not args.clean and n % 7 == 3:
                    records.append(dict(base, album_id=album_id[:-1] + "Y", album_group="appears_on"))
        if records:
            write(os.path.join(args.out, "raw/releases", f"dt={day.isoformat()}", f"{day.strftime('%Y%m%d')}T070000Z-scan.jsonl"), records)


def write_audience(args, rng, artists, day):
    """One day's audience run (a second on some days), from each artist's current followers."""
    runs = [[] for _ in range(2 if rng.random() < 0.1 else 1)]
    for artist in artists:
        if rng.random() < 0.04:
            continue  # the sources missed the artist that day
        for k, run in enumerate(runs):
            captured = dt.datetime(day.year, day.month, day.day, 7 + 5 * k, rng.randint(0, 59), rng.randint(0, 59))
            stamp = captured.strftime("%Y-%m-%dT%H:%M:%S") + (".5Z" if k else "Z")
            series = []
            if artist["deezer"]:
                source_id, scale, noise = artist["deezer"]
                series.append(("deezer", source_id, "fans", scale, noise))
            if artist["lastfm"]:
                source_id, scale, noise = artist["lastfm"]
                series.append(("lastfm", source_id, "listeners", scale, noise))
                series.append(("lastfm", source_id, "playcount", scale * 40, noise))
            for source, source_id, metric, scale, noise in series:
                value = int(artist["followers"] * scale * math.exp(rng.gauss(0, noise))) + k * rng.randint(0, 9)
                run.append({
                    "artist_id": artist["id"], "artist_name": artist["name"] if source == "deezer" else artist["name"].upper(),
                    "source": source, "source_artist_id": source_id, "metric": metric,
                    "value": None if rng.random() < 0.02 else value, "captured_at": stamp,
                })
    for k, run in enumerate(runs):
        write(os.path.join(args.out, "raw/audience", f"dt={day.isoformat()}", f"{day.strftime('%Y%m%d')}T{7 + 5 * k:02d}0000Z-aud{k}.jsonl"), run)


if __name__ == "__main__":
    main()
