// One artist's days as `momentum report --artist` shows them: the processed `artist_daily`
// columns of LakeAnalytics' table definitions, plus the day's signal and change point.

import LakeAnalytics
import MomentumAnalytics

/// One day of one artist as `momentum report --artist` shows it: the daily row, its spike
/// signal and whether a change point starts there.
package struct ArtistDayReport: Sendable {
    package var daily: ArtistDaily
    package var signal: ArtistSignal?
    package var changePoint: ChangePoint?

    /// The days of one analysed artist, in day order, with its change points (computed by the
    /// caller, who usually shows them too).
    package static func rows(of analysis: ArtistAnalysis, changePoints: [ChangePoint]) -> [ArtistDayReport] {
        let signals = Dictionary(analysis.signals(of: .spotifyFollowers).map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        let changePoints = Dictionary(changePoints.map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        return analysis.daily.map { ArtistDayReport(daily: $0, signal: signals[$0.day], changePoint: changePoints[$0.day]) }
    }
}

extension Tables {
    /// `artist_daily` columns plus the day's signal and change point.
    package static let artistDays = TableDefinition<ArtistDayReport>(
        dataset: .artistDaily,
        columns: artistDaily.columns.map { $0.pulled(back: \.daily) } + [
            .double("robust_z") { $0.pointee.signal?.robustZ },
            .boolean("is_spike", nullable: false) { $0.pointee.signal?.isSpike ?? false },
            .boolean("is_drop", nullable: false) { $0.pointee.signal?.isDrop ?? false },
            .boolean("change_point", nullable: false) { $0.pointee.changePoint != nil },
            .boolean("change_point_release_aligned", nullable: false) { $0.pointee.changePoint?.releaseAligned ?? false },
        ]
    )
}
