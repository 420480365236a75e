// What the processed tables hold, and whether they are up to date with raw. A transform
// records a fingerprint of the raw files it read (`state/transform.json`); a reader compares it
// with the raw files there now. Tables written by another tool have no record: the latest raw
// day is then compared with the latest leaderboard day.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// The files of the processed tables.
package struct ProcessedLake: Sendable {
    package var dailyKeys: [String]
    package var signalKeys: [String]
    package var impactKeys: [String]
    /// `audience_daily` (metrics.md section 8); empty in a lake of Spotify followers only.
    package var audienceKeys: [String] = []
    /// Leaderboard snapshots by day, each with its files.
    package var leaderboards: [Day: [String]]

    package var isEmpty: Bool { dailyKeys.isEmpty && audienceKeys.isEmpty && impactKeys.isEmpty && leaderboards.isEmpty }
    package var latestLeaderboardDay: Day? { leaderboards.keys.max() }
}

extension LocalEngine {
    /// Lists the processed tables.
    package func processedLake() async throws -> ProcessedLake {
        var leaderboards: [Day: [String]] = [:]
        for key in try await ProcessedTableReader.files(.momentum, in: store) {
            let partition = key.split(separator: "/").first { $0.hasPrefix("as_of=") }
            guard let day = partition.flatMap({ Day(iso: $0.dropFirst(6)) }) else { continue }
            leaderboards[day, default: []].append(key)
        }
        var lake = ProcessedLake(
            dailyKeys: try await ProcessedTableReader.files(.artistDaily, in: store),
            signalKeys: try await ProcessedTableReader.files(.artistSignals, in: store),
            impactKeys: try await ProcessedTableReader.files(.releaseImpact, in: store),
            leaderboards: leaderboards)
        lake.audienceKeys = try await ProcessedTableReader.files(.audienceDaily, in: store)
        return lake
    }

    /// Per-artist analyses rebuilt from the processed tables (one artist's rows only, with
    /// row groups skipped by statistics, when `artistID` is given).
    package func processedAnalyses(_ processed: ProcessedLake, artistID: String? = nil) async throws -> [ArtistAnalysis] {
        let daily = Dictionary(grouping: try await ProcessedTableReader.daily(processed.dailyKeys, in: store, artistID: artistID), by: \.artistID)
        let signals = Dictionary(grouping: try await ProcessedTableReader.signals(processed.signalKeys, in: store, artistID: artistID), by: \.artistID)
        let impacts = Dictionary(grouping: try await ProcessedTableReader.impacts(processed.impactKeys, in: store, artistID: artistID), by: \.artistID)
        let audience = Dictionary(grouping: try await ProcessedTableReader.audience(processed.audienceKeys, in: store, artistID: artistID), by: \.artistID)
        let ids = Set(daily.keys).union(impacts.keys).union(audience.keys).sorted { UTF8Order.less($0, $1) }
        return ids.map {
            ArtistAnalysis(artistID: $0, daily: daily[$0] ?? [], signals: signals[$0] ?? [], impacts: impacts[$0] ?? [], audience: audience[$0] ?? [])
        }
    }

    /// The `release_impact` rows only (one artist's when `artistID` is given).
    package func processedImpacts(_ processed: ProcessedLake, artistID: String? = nil) async throws -> [ReleaseImpact] {
        try await ProcessedTableReader.impacts(processed.impactKeys, in: store, artistID: artistID)
    }

    /// The leaderboard as of `asOf` (the latest snapshot when nil): the stored snapshot when
    /// there is one, otherwise ranked from the processed daily, signal and impact rows.
    package func processedLeaderboard(_ processed: ProcessedLake, asOf: Day?) async throws -> (day: Day?, rows: [MomentumRow]) {
        if let day = asOf ?? processed.latestLeaderboardDay, let keys = processed.leaderboards[day] {
            return (day, try await ProcessedTableReader.leaderboard(keys, in: store))
        }
        let analyses = try await processedAnalyses(processed)
        guard let day = asOf ?? Leaderboard.defaultAsOf(analyses) else { return (nil, []) }
        return (day, Leaderboard.rank(analyses.compactMap { $0.leaderboardEntry(asOf: day) }))
    }

    /// A sentence for the user when raw data has arrived since the processed tables were
    /// written; nil when they are current (or there is no raw data to compare with).
    package func staleProcessedWarning(_ processed: ProcessedLake) async throws -> String? {
        let raw = try await rawFiles()
        guard !raw.isEmpty else { return nil }
        let advice = "raw data is newer than the processed tables: run `momentum transform` to bring them up to date"
        if let bytes = try? await store.get(TransformRecord.key),
           let record = try? JSONDecoder().decode(TransformRecord.self, from: Data(bytes)) {
            return record.rawFingerprint == LocalEngine.fingerprint(raw) ? nil : advice
        }
        let latestRaw = raw.compactMap { LakeLayout.captureDay(ofRawKey: $0.key) }.max().flatMap { Day(iso: $0) }
        let latestProcessed = processed.latestLeaderboardDay
        guard let latestRaw else { return nil }
        return latestProcessed.map { latestRaw > $0 } ?? true ? advice : nil
    }

    /// The raw data files of the lake a transform reads, in key order (a key outside the
    /// layout is never read, so never part of a run's record).
    func rawFiles() async throws -> [ObjectInfo] {
        var files: [ObjectInfo] = []
        for dataset in [LakeDataset.artistMetrics, .releases, .audience] {
            files += try await store.list(prefix: dataset.prefix).filter {
                LakeLayout.isDataKey($0.key) && LakeLayout.captureDay(ofRawKey: $0.key) != nil && $0.key.split(separator: "/").count == 4
            }
        }
        return files.sorted { $0.key < $1.key }
    }

    /// FNV-1a over every key, size and content version: any added, removed or rewritten file
    /// changes it.
    static func fingerprint(_ files: [ObjectInfo]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for file in files {
            for byte in file.key.utf8 + Array("\t\(file.size)\t\(file.version ?? "")\n".utf8) {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }
}
