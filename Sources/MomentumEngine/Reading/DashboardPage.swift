// The dashboard page as a service of the engine: `momentum dashboard` writes it to a file or
// publishes it, the Lambda's dashboard job publishes it; both read the lake by the one policy.

import LakeKit
import MomentumAnalytics
import MomentumDashboard

/// A rendered dashboard and what went into it.
package struct DashboardPage: Sendable {
    package var html: String
    /// Artists on the page.
    package var artists: Int
    /// The leaderboard's day.
    package var asOf: Day?

    /// The page's key in a lake.
    package static let lakeKey = "dashboard.html"

    /// Puts the page at the lake's `dashboard.html` (one PUT or a completed multipart upload:
    /// a reader gets the old page or the new, never half of one); its location.
    package static func publish(_ html: String, to store: S3ObjectStore) async throws -> String {
        try await store.put(lakeKey, bytes: Array(html.utf8), contentType: "text/html; charset=utf-8")
        return "\(store.location)/\(lakeKey)"
    }
}

extension LakeReading {
    /// The page for the lake's results.
    ///
    /// - Parameters:
    ///   - asOf: the leaderboard's day (the contract's default when nil).
    ///   - selected: the artist the page opens on; an error when the lake does not hold it.
    ///   - generatedAt: the time the page says it was made.
    package func dashboardPage(asOf: Day?, selected: String?, generatedAt: String) async throws -> DashboardPage {
        let analysis = try await analysis(asOf: asOf)
        if let selected, !analysis.analyses.contains(where: { $0.artistID == selected }) {
            throw EngineError.invalidInput("artist \(selected) is not in \(place)")
        }
        let html = Dashboard.render(
            leaderboard: analysis.leaderboard, analyses: analysis.analyses, asOf: analysis.asOf,
            options: .init(generatedAt: generatedAt, selectedArtistID: selected))
        return DashboardPage(html: html, artists: analysis.analyses.count, asOf: analysis.asOf)
    }
}
