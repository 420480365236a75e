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

    /// The largest roster the pipeline still writes the single page for (its 34 MB at 10,000
    /// artists open in about 2 s); beyond it the site alone (`DashboardSite`).
    package static let singlePageArtists = 20_000

    /// Puts the page at the lake's `dashboard.html` (one PUT or a completed multipart upload:
    /// a reader gets the old page or the new, never half of one); its location.
    package static func publish(_ html: String, to store: any ObjectStore) async throws -> String {
        try await store.put(lakeKey, bytes: Array(html.utf8), servedAs: "text/html; charset=utf-8")
        return "\(store.location)/\(lakeKey)"
    }
}

extension ObjectStore {
    /// Stores an object a browser opens, with the type S3 serves it with (a folder keeps none).
    package func put(_ key: String, bytes: [UInt8], servedAs contentType: String) async throws {
        if let s3 = self as? S3ObjectStore {
            try await s3.put(key, bytes: bytes, contentType: contentType)
        } else {
            try await put(key, bytes: bytes)
        }
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
        let board = try await pageLeaderboard(asOf: asOf)
        var composer = DashboardComposer(leaderboard: board.rows, asOf: board.day, options: options)
        try await forEachArtistOfPage(asOf: board.day) { analyses in
            // Each artist's page data (its charts and change points are the work) on every
            // core; only its compact data stays, never every artist's rows. The copy the
            // workers share ends with its scope, so adding to the composer below does not copy
            // what it holds.
            let prepared: [DashboardComposer.PreparedArtist?]
            do {
                let preparing = composer
                prepared = await LocalEngine.parallelMap(analyses) { preparing.prepare($0) }
            }
            for (analysis, page) in zip(analyses, prepared) { composer.add(analysis, prepared: page) }
        }
        let asOfShown = board.day
        if selected != nil, !composer.hasSelectedArtist {
            throw EngineError.invalidInput("artist \(selected ?? "") is not in \(place)")
        }
        return DashboardPage(html: composer.render(), artists: composer.artistsSeen, asOf: asOfShown)
    }
}
