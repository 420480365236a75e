#!/usr/bin/env python3
"""An independent, deliberately plain implementation of the metric contract (Docs/METRICS.md,
sections 1 to 6 and 8), used as a test oracle: it reads a raw lake, computes every processed table,
and compares them with the Parquet files that `momentum transform` wrote (read with pyarrow).

Exit status 0 when every row and every value agrees (1e-9 relative error), 1 otherwise.
"""
import argparse
import datetime as dt
import glob
import json
import math
import os
import sys

import pyarrow.parquet as pq

EPOCH = dt.date(1970, 1, 1)


def parse_ts(text):
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return value.astimezone(dt.timezone.utc)


def read_raw(lake, dataset):
    keys = [k for k in glob.glob(os.path.join(lake, "raw", dataset, "**", "*"), recursive=True)
            if (k.endswith(".jsonl")) and not any(p.startswith((".", "_")) for p in os.path.relpath(k, lake).split("/"))]
    records = []
    for key in sorted(keys, key=lambda k: os.path.relpath(k, lake).encode()):
        with open(key, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return records


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def events_of(releases):
    by_id = {}
    for r in releases:
        group = r.get("album_group") or r.get("album_type")
        if r["release_date_precision"] != "day" or group not in ("album", "single"):
            continue
        try:
            day = dt.date.fromisoformat(r["release_date"])
        except ValueError:
            continue
        if r["album_id"] not in by_id:
            by_id[r["album_id"]] = (r, day)
    by_name = {}
    for album_id in sorted(by_id, key=lambda s: s.encode()):
        r, day = by_id[album_id]
        key = (r["album_name"].strip().lower(), day)
        if key not in by_name:
            by_name[key] = (album_id, r["album_name"], day)
    albums = sorted(by_name.values(), key=lambda a: (a[2], a[0].encode()))
    events = []
    for album in albums:
        if events and (album[2] - events[-1][-1][2]).days <= 7:
            events[-1].append(album)
        else:
            events.append([album])
    return albums, events


def growth_rows(days, count_of, make_row):
    """Section 2's count-only columns over one series: `days` maps a day to its kept record;
    `count_of` reads the count; `make_row` builds the row's other columns."""
    rows, prev = {}, None
    for day in sorted(days):
        rec = days[day]
        F = count_of(rec)
        row = make_row(day, rec)
        row.update(prev_day=None, gap_days=None, delta=None, adds_per_day=None, log_growth=None,
                   pct_change=None, growth_7d=None, growth_28d=None)
        if F is not None and prev is not None:
            gap = (day - prev[0]).days
            row.update(prev_day=prev[0], gap_days=gap, delta=F - prev[1], adds_per_day=(F - prev[1]) / gap)
            if F > 0 and prev[1] > 0:
                row["log_growth"] = (math.log(F) - math.log(prev[1])) / gap
            if prev[1] > 0:
                row["pct_change"] = (F - prev[1]) / prev[1]
        for n, col in ((7, "growth_7d"), (28, "growth_28d")):
            old = days.get(day - dt.timedelta(days=n))
            if old is not None and F is not None and count_of(old) is not None and count_of(old) > 0:
                row[col] = F / count_of(old) - 1
        if F is not None:
            prev = (day, F)
        rows[day] = row
    return rows


def series_signals(a, rows, source, metric):
    out = {}
    for day, row in rows.items():
        if row["adds_per_day"] is None:
            continue
        hist = [rows[d]["adds_per_day"] for d in (day - dt.timedelta(days=k) for k in range(1, 29))
                if d in rows and rows[d]["adds_per_day"] is not None]
        z = None
        if len(hist) >= 14:
            med = median(hist)
            mad = median([abs(b - med) for b in hist])
            if mad > 0:
                z = 0.6745 * (row["adds_per_day"] - med) / mad
        out[(a, source, metric, day)] = dict(artist_id=a, day=day, adds_per_day=row["adds_per_day"], robust_z=z,
                                             is_spike=z is not None and z > 3.5, is_drop=z is not None and z < -3.5,
                                             source=source, metric=metric)
    return out


def series_impacts(a, rows, events, source, metric):
    event_days = [e[0][2] for e in events]
    name = rows[max(rows)]["artist_name"] if rows else None
    out = []
    for event in events:
        r = event[0][2]
        E = [rows[d] for d in sorted(rows) if r - dt.timedelta(days=35) <= d <= r - dt.timedelta(days=8) and rows[d]["log_growth"] is not None]
        W = [rows[d] for d in sorted(rows) if r <= d <= r + dt.timedelta(days=13) and rows[d]["log_growth"] is not None]
        row = dict(artist_id=a, artist_name=name, event_day=r, album_ids=",".join(x[0] for x in event),
                   album_names=" | ".join(x[1] for x in event), n_baseline=len(E), n_window=len(W),
                   status="insufficient_data", baseline_growth=None, spread=None, abnormal_growth=None,
                   car=None, t_stat=None, uplift=None,
                   contaminated=any(r - dt.timedelta(days=35) <= o <= r - dt.timedelta(days=1) for o in event_days if o != r),
                   source=source, metric=metric)
        if len(E) >= 14 and len(W) >= 7:
            base = median([x["log_growth"] for x in E])
            spread = 1.4826 * median([abs(x["log_growth"] - base) for x in E])
            abn = sum(x["log_growth"] for x in W) / len(W) - base
            row.update(status="ok", baseline_growth=base, spread=spread, abnormal_growth=abn, car=14 * abn,
                       t_stat=abn / (spread / math.sqrt(len(W))) if spread > 0 else None)
            madds = median([x["adds_per_day"] for x in E])
            if madds > 0:
                row["uplift"] = (sum(x["adds_per_day"] for x in W) / len(W)) / madds - 1
        out.append(row)
    return out


def pick(records, count_field, tie_fields):
    """Section 1: per key and day the greatest captured_at, then the greater counts (null
    smallest), then the one read last."""
    chosen = {}
    for order, m in enumerate(records):
        ts = parse_ts(m["captured_at"])
        rank = (ts,) + tuple(-math.inf if m.get(f) is None else m.get(f) for f in tie_fields) + (order,)
        key = count_field(m)
        days = chosen.setdefault(key, {})
        if ts.date() not in days or rank > days[ts.date()][0]:
            days[ts.date()] = (rank, m)
    return {k: {d: v[1] for d, v in days.items()} for k, days in chosen.items()}


SPOTIFY = ("spotify", "followers")
PRIMARY = [SPOTIFY, ("deezer", "fans"), ("lastfm", "listeners")]


def compute(lake):
    metrics = read_raw(lake, "artist_metrics")
    releases = read_raw(lake, "releases")
    audience = [r for r in read_raw(lake, "audience") if "/" not in r.get("source", "/") and "/" not in r.get("metric", "/")]
    by_artist = pick(metrics, lambda m: m["artist_id"], ("followers", "popularity"))
    by_series = pick(audience, lambda m: (m["artist_id"], m["source"], m["metric"]), ("value",))
    rel_by_artist = {}
    for r in releases:
        rel_by_artist.setdefault(r["artist_id"], []).append(r)

    daily, signals, impacts, audience_daily = {}, {}, {}, {}
    artists = sorted(set(by_artist) | set(rel_by_artist) | {k[0] for k in by_series}, key=lambda s: s.encode())
    per_artist = {}
    all_days, counted_days = set(), set()
    for a in artists:
        albums, events = events_of(rel_by_artist.get(a, []))
        counts = {}
        for album in albums:
            counts[album[2]] = counts.get(album[2], 0) + 1
        event_days = [e[0][2] for e in events]

        def spotify_row(day, m):
            row = dict(artist_id=a, artist_name=m.get("artist_name"), day=day, followers=m.get("followers"),
                       popularity=m.get("popularity"), popularity_change_7d=None,
                       release_count=counts.get(day, 0), days_since_release=None)
            past = [r for r in event_days if r <= day]
            if past:
                row["days_since_release"] = (day - max(past)).days
            return row
        days = by_artist.get(a, {})
        rows = growth_rows(days, lambda m: m.get("followers"), spotify_row)
        for day, row in rows.items():
            row["follower_delta"] = row.pop("delta")
            old = rows.get(day - dt.timedelta(days=7))
            if old and row["popularity"] is not None and old["popularity"] is not None:
                row["popularity_change_7d"] = row["popularity"] - old["popularity"]
            daily[(a, day)] = row
            all_days.add(day)
            if row["followers"] is not None:
                counted_days.add(day)
        series = {SPOTIFY: rows}
        for (sa, source, metric) in sorted(k for k in by_series if k[0] == a):
            srows = growth_rows(by_series[(sa, source, metric)], lambda m: m.get("value"),
                                lambda day, m: dict(artist_id=a, artist_name=m.get("artist_name"), source=source,
                                                    metric=metric, day=day, value=m.get("value")))
            for day, row in srows.items():
                row["count"] = row["value"]
                audience_daily[(a, source, metric, day)] = row
                all_days.add(day)
                if row["value"] is not None:
                    counted_days.add(day)
            series[(source, metric)] = srows
        for row in rows.values():
            row["count"] = row["followers"]
        series_imps = {}
        for key, srows in series.items():
            signals.update(series_signals(a, srows, *key))
            imps = series_impacts(a, srows, events, *key)
            series_imps[key] = imps
            for imp in imps:
                impacts[(a, key[0], key[1], imp["event_day"])] = imp
        per_artist[a] = (series, series_imps)

    board = []
    # Contract v1.3: the latest day on which some series has a count, else the latest day.
    as_of = max(counted_days) if counted_days else (max(all_days) if all_days else None)
    for a, (series, series_imps) in per_artist.items():
        window = [as_of - dt.timedelta(days=k) for k in range(4)]
        primary = next((key for key in PRIMARY if key in series and
                        any(d in series[key] and series[key][d]["count"] is not None for d in window)), SPOTIFY)
        rows = series[primary]
        cands = [d for d in rows if as_of - dt.timedelta(days=3) <= d <= as_of]
        if not cands:
            continue
        row = rows[max(cands)]
        day = row["day"]
        e = dict(artist_id=a, artist_name=row["artist_name"], day=day, followers=row["count"],
                 growth_7d=row["growth_7d"], growth_28d=row["growth_28d"], acceleration_7d=None,
                 popularity_change_28d=None, last_event_day=None, last_event_uplift=None, last_event_car=None,
                 series=f"{primary[0]}/{primary[1]}")
        old = rows.get(day - dt.timedelta(days=7))
        if row["growth_7d"] is not None and old and old["growth_7d"] is not None:
            e["acceleration_7d"] = row["growth_7d"] - old["growth_7d"]
        spotify = series[SPOTIFY]
        now, old = spotify.get(day), spotify.get(day - dt.timedelta(days=28))
        if now and old and now["popularity"] is not None and old["popularity"] is not None:
            e["popularity_change_28d"] = now["popularity"] - old["popularity"]
        e["spikes_28d"] = sum(1 for (sa, so, me, sd), s in signals.items()
                              if sa == a and (so, me) == primary and s["is_spike"] and day - dt.timedelta(days=27) <= sd <= day)
        past = [i for i in series_imps[primary] if i["event_day"] <= day]
        if past:
            last = max(past, key=lambda i: i["event_day"])
            e.update(last_event_day=last["event_day"], last_event_uplift=last["uplift"], last_event_car=last["car"])
        board.append(e)
    weights = [("growth_28d", 0.4), ("growth_7d", 0.3), ("acceleration_7d", 0.2), ("popularity_change_28d", 0.1)]
    for e in board:
        num = den = 0.0
        for col, w in weights:
            if e[col] is None:
                continue
            pop = [x[col] for x in board if x[col] is not None]
            n = len(pop)
            pr = 0.5 if n == 1 else (sum(v < e[col] for v in pop) + 0.5 * (sum(v == e[col] for v in pop) - 1)) / (n - 1)
            num += w * pr
            den += w
        e["momentum_score"] = 100 * num / den if den else None
    board.sort(key=lambda e: (e["momentum_score"] is None, -(e["momentum_score"] or 0), e["artist_id"].encode()))
    momentum = {}
    for i, e in enumerate(board):
        e["rank"] = i + 1
        momentum[(e["artist_id"],)] = e
    for table in (daily, audience_daily):
        for row in table.values():
            row.pop("count", None)
    return dict(artist_daily=daily, audience_daily=audience_daily, artist_signals=signals, release_impact=impacts,
                momentum=momentum), as_of


# Column types of the lake contract, as pyarrow and DuckDB name them.
S, D, I32, I64, F, B = "string", "date32[day]", "int32", "int64", "double", "bool"
SCHEMAS = {
    "artist_daily": [("artist_id", S), ("artist_name", S), ("day", D), ("followers", I64), ("popularity", I32),
                     ("prev_day", D), ("gap_days", I32), ("follower_delta", I64), ("adds_per_day", F),
                     ("log_growth", F), ("pct_change", F), ("growth_7d", F), ("growth_28d", F),
                     ("popularity_change_7d", I32), ("release_count", I32), ("days_since_release", I32)],
    "audience_daily": [("artist_id", S), ("artist_name", S), ("source", S), ("metric", S), ("day", D), ("value", I64),
                       ("prev_day", D), ("gap_days", I32), ("delta", I64), ("adds_per_day", F), ("log_growth", F),
                       ("pct_change", F), ("growth_7d", F), ("growth_28d", F)],
    "artist_signals": [("artist_id", S), ("day", D), ("adds_per_day", F), ("robust_z", F), ("is_spike", B), ("is_drop", B),
                       ("source", S), ("metric", S)],
    "release_impact": [("artist_id", S), ("artist_name", S), ("event_day", D), ("album_ids", S), ("album_names", S),
                       ("n_baseline", I32), ("n_window", I32), ("status", S), ("baseline_growth", F), ("spread", F),
                       ("abnormal_growth", F), ("car", F), ("t_stat", F), ("uplift", F), ("contaminated", B),
                       ("source", S), ("metric", S)],
    "momentum": [("rank", I32), ("artist_id", S), ("artist_name", S), ("day", D), ("followers", I64), ("growth_7d", F),
                 ("growth_28d", F), ("acceleration_7d", F), ("popularity_change_28d", I32), ("momentum_score", F),
                 ("spikes_28d", I32), ("last_event_day", D), ("last_event_uplift", F), ("last_event_car", F),
                 ("series", S)],
}
DUCKDB_TYPES = {S: "VARCHAR", D: "DATE", I32: "INTEGER", I64: "BIGINT", F: "DOUBLE", B: "BOOLEAN"}
PARTITIONS = {"artist_daily": "month", "audience_daily": "month", "artist_signals": "month", "momentum": "as_of"}


def check_schemas(lake, expected):
    """Every processed file has the contract's columns and types, in pyarrow and in DuckDB."""
    import duckdb
    problems = 0
    for table, columns in SCHEMAS.items():
        files = sorted(glob.glob(os.path.join(lake, "processed", table, "**", "*.parquet"), recursive=True))
        if not files and table == "audience_daily" and not expected[table]:
            continue  # a lake without raw audience has no audience series (section 8)
        if not files:
            print(f"{table}: no Parquet files")
            problems += 1
        for f in files:
            got = [(field.name, str(field.type)) for field in pq.read_schema(f)]
            if got != columns:
                print(f"{f}: pyarrow schema {got} != {columns}")
                problems += 1
            partition = PARTITIONS.get(table)
            if partition and f"/{partition}=" not in f:
                print(f"{f}: not under a {partition}= partition")
                problems += 1
        pattern = os.path.join(lake, "processed", table, "**", "*.parquet")
        described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{pattern}', hive_partitioning = false)").fetchall()
        want = [(name, DUCKDB_TYPES[kind]) for name, kind in columns]
        if [(row[0], row[1]) for row in described] != want:
            print(f"{table}: DuckDB sees {[(r[0], r[1]) for r in described]}")
            problems += 1
        count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{pattern}')").fetchall()[0][0]
        arrow_count = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        if count != arrow_count:
            print(f"{table}: DuckDB counts {count} rows, pyarrow {arrow_count}")
            problems += 1
    return problems


def read_parquet(lake, table, keys):
    files = sorted(glob.glob(os.path.join(lake, "processed", table, "**", "*.parquet"), recursive=True))
    rows = {}
    for f in files:
        for r in pq.read_table(f).to_pylist():
            key = tuple(r[k] for k in keys)
            if key in rows:
                raise SystemExit(f"{table}: duplicate row {key}")
            rows[key] = r
    return rows


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return a == b


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("lake")
    args = parser.parse_args()
    expected, as_of = compute(args.lake)
    keys = dict(artist_daily=("artist_id", "day"), audience_daily=("artist_id", "source", "metric", "day"),
                artist_signals=("artist_id", "source", "metric", "day"),
                release_impact=("artist_id", "source", "metric", "event_day"), momentum=("artist_id",))
    problems = check_schemas(args.lake, expected)
    for table, key in keys.items():
        got = read_parquet(args.lake, table, key)
        want = expected[table]
        if set(got) != set(want):
            print(f"{table}: rows differ: {len(set(want) - set(got))} missing, {len(set(got) - set(want))} extra")
            problems += 1
            continue
        checked = 0
        for k, row in want.items():
            for col, value in row.items():
                if col not in got[k]:
                    print(f"{table}: column {col} missing from the Parquet file")
                    problems += 1
                    break
                checked += 1
                if not same(value, got[k][col]):
                    problems += 1
                    if problems < 20:
                        print(f"{table} {k} {col}: expected {value!r}, got {got[k][col]!r}")
        print(f"{table}: {len(want)} rows, {checked} values compared")
    print(f"as_of {as_of}; {'OK' if problems == 0 else f'{problems} problems'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
