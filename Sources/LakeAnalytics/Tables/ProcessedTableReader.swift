// The processed tables read back into the analytics' row types: `report`, `releases impact` and
// `dashboard` show what the last transform (ours, Athena's, or any tool's that follows the
// contract) wrote, without recomputing it from raw.

import LakeKit
import MomentumAnalytics

/// Rows of the processed tables, read from Parquet.
package enum ProcessedTableReader {
    package static func files(_ dataset: LakeDataset, in store: any ObjectStore) async throws -> [String] {
        try await store.list(prefix: dataset.prefix).map(\.key).filter(LakeLayout.isDataKey).filter { $0.hasSuffix(".parquet") }
    }

    package static func table(_ key: String, in store: any ObjectStore, filter: ParquetFilter?) async throws -> ProcessedColumns {
        let reader = try await ParquetReader.open(store, key: key)
        // The contract's types are all readable: a column of another type is the first thing wrong.
        if let (name, type) = reader.unreadableColumns.min(by: { $0.key < $1.key }) {
            throw LakeError.format("\(store.location)/\(key): column '\(name)' is \(type), which the lake contract does not use (lake.md gives each column's type)")
        }
        return ProcessedColumns(table: try await reader.read(filter: filter), file: "\(store.location)/\(key)")
    }

    package static func daily(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [ArtistDaily] {
        var rows: [ArtistDaily] = []
        for key in keys {
            let c = try await table(key, in: store, filter: artistID.map { .equals("artist_id", .string($0)) })
            let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("day")
            let followers = try c.int64s("followers"), popularity = try c.int32s("popularity"), prev = try c.days("prev_day")
            let gaps = try c.int32s("gap_days"), deltas = try c.int64s("follower_delta"), adds = try c.doubles("adds_per_day")
            let logs = try c.doubles("log_growth"), pcts = try c.doubles("pct_change"), g7 = try c.doubles("growth_7d")
            let g28 = try c.doubles("growth_28d"), pop7 = try c.int32s("popularity_change_7d")
            let releases = try c.int32s("release_count"), since = try c.int32s("days_since_release")
            for row in 0..<c.table.rowCount {
                let id = try c.required(ids, "artist_id", row)
                if let artistID, id != artistID { continue }
                rows.append(ArtistDaily(
                    artistID: id, artistName: names[row] ?? id, day: try c.required(days, "day", row), followers: followers[row],
                    popularity: popularity[row], prevDay: prev[row], gapDays: gaps[row], followerDelta: deltas[row],
                    addsPerDay: adds[row], logGrowth: logs[row], pctChange: pcts[row], growth7d: g7[row], growth28d: g28[row],
                    popularityChange7d: pop7[row], releaseCount: try c.required(releases, "release_count", row),
                    daysSinceRelease: since[row]))
            }
        }
        return rows
    }

    package static func audience(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [AudienceDaily] {
        var rows: [AudienceDaily] = []
        for key in keys {
            let c = try await table(key, in: store, filter: artistID.map { .equals("artist_id", .string($0)) })
            let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), sources = try c.strings("source")
            let metrics = try c.strings("metric"), days = try c.days("day"), values = try c.int64s("value"), prev = try c.days("prev_day")
            let gaps = try c.int32s("gap_days"), deltas = try c.int64s("delta"), adds = try c.doubles("adds_per_day")
            let logs = try c.doubles("log_growth"), pcts = try c.doubles("pct_change"), g7 = try c.doubles("growth_7d")
            let g28 = try c.doubles("growth_28d")
            for row in 0..<c.table.rowCount {
                let id = try c.required(ids, "artist_id", row)
                if let artistID, id != artistID { continue }
                rows.append(AudienceDaily(
                    artistID: id, artistName: names[row] ?? id, source: try c.required(sources, "source", row),
                    metric: try c.required(metrics, "metric", row), day: try c.required(days, "day", row), value: values[row],
                    prevDay: prev[row], gapDays: gaps[row], delta: deltas[row], addsPerDay: adds[row], logGrowth: logs[row],
                    pctChange: pcts[row], growth7d: g7[row], growth28d: g28[row]))
            }
        }
        return rows
    }

    package static func signals(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [ArtistSignal] {
        var rows: [ArtistSignal] = []
        for key in keys {
            let c = try await table(key, in: store, filter: artistID.map { .equals("artist_id", .string($0)) })
            let ids = try c.strings("artist_id"), days = try c.days("day"), adds = try c.doubles("adds_per_day")
            let z = try c.doubles("robust_z"), spikes = try c.booleans("is_spike"), drops = try c.booleans("is_drop")
            let series = try c.series()
            for row in 0..<c.table.rowCount {
                let id = try c.required(ids, "artist_id", row)
                if let artistID, id != artistID { continue }
                rows.append(ArtistSignal(artistID: id, day: try c.required(days, "day", row), addsPerDay: try c.required(adds, "adds_per_day", row),
                                         robustZ: z[row], isSpike: try c.required(spikes, "is_spike", row), isDrop: try c.required(drops, "is_drop", row),
                                         series: try series(row)))
            }
        }
        return rows
    }

    package static func impacts(_ keys: [String], in store: any ObjectStore, artistID: String?) async throws -> [ReleaseImpact] {
        var rows: [ReleaseImpact] = []
        for key in keys {
            let c = try await table(key, in: store, filter: artistID.map { .equals("artist_id", .string($0)) })
            let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("event_day")
            let albumIDs = try c.strings("album_ids"), albumNames = try c.strings("album_names")
            let nBaseline = try c.int32s("n_baseline"), nWindow = try c.int32s("n_window"), statuses = try c.strings("status")
            let baseline = try c.doubles("baseline_growth"), spread = try c.doubles("spread"), abnormal = try c.doubles("abnormal_growth")
            let car = try c.doubles("car"), t = try c.doubles("t_stat"), uplift = try c.doubles("uplift"), contaminated = try c.booleans("contaminated")
            let series = try c.series()
            for row in 0..<c.table.rowCount {
                let id = try c.required(ids, "artist_id", row)
                if let artistID, id != artistID { continue }
                let statusText = try c.required(statuses, "status", row)
                guard let status = ImpactStatus(rawValue: statusText) else {
                    throw LakeError.format("\(c.file): column 'status', row \(row + 1): '\(statusText.prefix(40))' is not ok or insufficient_data")
                }
                rows.append(ReleaseImpact(
                    artistID: id, artistName: names[row], eventDay: try c.required(days, "event_day", row),
                    albumIDs: try c.required(albumIDs, "album_ids", row), albumNames: try c.required(albumNames, "album_names", row),
                    nBaseline: try c.required(nBaseline, "n_baseline", row), nWindow: try c.required(nWindow, "n_window", row),
                    status: status, baselineGrowth: baseline[row], spread: spread[row], abnormalGrowth: abnormal[row], car: car[row],
                    tStat: t[row], uplift: uplift[row], contaminated: try c.required(contaminated, "contaminated", row),
                    series: try series(row)))
            }
        }
        return rows
    }

    package static func leaderboard(_ keys: [String], in store: any ObjectStore) async throws -> [MomentumRow] {
        var rows: [MomentumRow] = []
        for key in keys {
            let c = try await table(key, in: store, filter: nil)
            let ranks = try c.int32s("rank"), ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("day")
            let followers = try c.int64s("followers"), g7 = try c.doubles("growth_7d"), g28 = try c.doubles("growth_28d")
            let acceleration = try c.doubles("acceleration_7d"), pop28 = try c.int32s("popularity_change_28d")
            let scores = try c.doubles("momentum_score"), spikes = try c.int32s("spikes_28d"), lastDays = try c.days("last_event_day")
            let lastUplift = try c.doubles("last_event_uplift"), lastCar = try c.doubles("last_event_car")
            let seriesNames = try c.strings("series", absentAs: AudienceSeries.spotifyFollowers.name)
            for row in 0..<c.table.rowCount {
                let id = try c.required(ids, "artist_id", row)
                let seriesName = try c.required(seriesNames, "series", row)
                guard let series = AudienceSeries(name: seriesName) else {
                    throw LakeError.format("\(c.file): column 'series', row \(row + 1): '\(seriesName.prefix(40))' is not source/metric")
                }
                rows.append(MomentumRow(
                    rank: try c.required(ranks, "rank", row), artistID: id, artistName: names[row] ?? id, day: try c.required(days, "day", row),
                    followers: followers[row], growth7d: g7[row], growth28d: g28[row], acceleration7d: acceleration[row],
                    popularityChange28d: pop28[row], momentumScore: scores[row], spikes28d: try c.required(spikes, "spikes_28d", row),
                    lastEventDay: lastDays[row], lastEventUplift: lastUplift[row], lastEventCar: lastCar[row], series: series))
            }
        }
        return rows.sorted { $0.rank < $1.rank }
    }
}

extension ProcessedColumns {
    /// The series of each row from `source` and `metric` (`spotify/followers` in tables written
    /// before contract v1.3 added them).
    func series() throws -> (Int) throws -> AudienceSeries {
        let sources = try strings("source", absentAs: AudienceSeries.spotifyFollowers.source)
        let metrics = try strings("metric", absentAs: AudienceSeries.spotifyFollowers.metric)
        return { row in
            AudienceSeries(source: try self.required(sources, "source", row), metric: try self.required(metrics, "metric", row))
        }
    }
}
