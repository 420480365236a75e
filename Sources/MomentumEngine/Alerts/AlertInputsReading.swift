// The tables a set of rules needs, and no more: the processed months from a little before the
// earliest day any rule fires from (the history a crossing is measured from), the leaderboard
// snapshots from that day and the one before it, and the raw releases scanned since.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAlerts
import MomentumAnalytics

extension LocalEngine {
    /// Days of history read before the earliest day a rule fires from: enough for the row
    /// before a crossing, with gaps.
    static let alertHistoryDays = 40

    /// The latest day of the processed tables: the latest leaderboard snapshot, else the latest
    /// row of the latest month.
    package func latestProcessedDay(_ processed: ProcessedLake) async throws -> Day? {
        if let day = processed.latestLeaderboardDay { return day }
        let latestMonth = (processed.dailyKeys + processed.audienceKeys).compactMap(LocalEngine.month(ofKey:)).max()
        let keys = { (all: [String]) in all.filter { LocalEngine.month(ofKey: $0) == latestMonth } }
        let daily = try await ProcessedTableReader.daily(keys(processed.dailyKeys), in: store, artistID: nil).map(\.day)
        let audience = try await ProcessedTableReader.audience(keys(processed.audienceKeys), in: store, artistID: nil).map(\.day)
        return (daily + audience).max()
    }

    /// What `rules` read to fire from `earliest` on.
    package func alertInputs(_ processed: ProcessedLake, rules: [AlertRule], earliest: Day) async throws -> AlertInputs {
        let kinds = Set(rules.map(\.kind))
        let cutoff = (earliest - LocalEngine.alertHistoryDays).monthString
        let recent = { (keys: [String]) in keys.filter { (LocalEngine.month(ofKey: $0) ?? "") >= cutoff } }
        var inputs = AlertInputs(analyses: [])
        if !kinds.isDisjoint(with: [.spike, .drop, .growth, .milestone, .releaseImpact, .newRelease]) {
            var selected = processed
            selected.dailyKeys = recent(processed.dailyKeys)
            selected.audienceKeys = recent(processed.audienceKeys)
            selected.signalKeys = kinds.isDisjoint(with: [.spike, .drop]) ? [] : recent(processed.signalKeys)
            selected.impactKeys = kinds.contains(.releaseImpact) ? processed.impactKeys : []
            inputs.analyses = try await processedAnalyses(selected)
        }
        if kinds.contains(.leaderboard) {
            let days = processed.leaderboards.keys.sorted()
            let before = days.last { $0 < earliest }
            for day in days where day >= earliest || day == before {
                inputs.leaderboards[day] = try await ProcessedTableReader.leaderboard(processed.leaderboards[day] ?? [], in: store)
            }
        }
        if kinds.contains(.newRelease) {
            let first = (earliest - 1).isoString
            let releases = try await RawLakeReader.read(ReleaseRecord.self, dataset: .releases, from: store, including: { key in
                (LakeLayout.captureDay(ofRawKey: key) ?? "") >= first
            })
            inputs.newReleases = releases.records.compactMap { record in
                guard record.isNew, let discovered = record.discoveredAt?.day else { return nil }
                return AlertInputs.NewRelease(artistID: record.artistID, albumID: record.albumID, albumName: record.albumName,
                                              albumType: record.albumType, releaseDate: record.releaseDate, discovered: discovered)
            }
        }
        return inputs
    }

    /// `YYYY-MM` of a `month=YYYY-MM` partition key.
    static func month(ofKey key: String) -> String? {
        key.split(separator: "/").first { $0.hasPrefix("month=") }.map { String($0.dropFirst(6)) }
    }
}
