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
        let options = Dashboard.Options(generatedAt: generatedAt, selectedArtistID: selected)
        var composer: DashboardComposer
        var asOfShown: Day?
        if case .processed(let processed) = source, let day = asOf ?? processed.latestLeaderboardDay, processed.leaderboards[day] != nil {
            // The stored leaderboard, and the artists a span at a time: the page holds each
            // artist's compact data, never every artist's rows.
            let board = try await engine.processedLeaderboard(processed, asOf: day)
            asOfShown = board.day
            composer = DashboardComposer(leaderboard: board.rows, asOf: board.day, options: options)
            try await engine.forEachProcessedSpan(processed) { analyses in
                // Each artist's page data (its charts and change points are the work) on every
                // core. The copy the workers share ends with its scope, so adding to the
                // composer below does not copy what it holds.
                let prepared: [DashboardComposer.PreparedArtist?]
                do {
                    let preparing = composer
                    prepared = await LocalEngine.parallelMap(analyses) { preparing.prepare($0) }
                }
                for (analysis, page) in zip(analyses, prepared) { composer.add(analysis, prepared: page) }
            }
        } else {
            // Raw data (already in memory), or tables without a stored leaderboard for the day:
            // the leaderboard is ranked from every artist's analysis.
            let analysis = try await analysis(asOf: asOf)
            asOfShown = analysis.asOf
            composer = DashboardComposer(leaderboard: analysis.leaderboard, asOf: analysis.asOf, options: options)
            for artist in analysis.analyses { composer.add(artist) }
        }
        if selected != nil, !composer.hasSelectedArtist {
            throw EngineError.invalidInput("artist \(selected ?? "") is not in \(place)")
        }
        return DashboardPage(html: composer.render(), artists: composer.artistsSeen, asOf: asOfShown)
    }
}
