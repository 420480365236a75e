// `momentum catalog sync`: the Glue database and the lake's tables, created or brought up to
// date (so a second sync changes nothing), or, for users who want one, a crawler run over the
// lake instead of the defined tables.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

package struct CatalogSummary: Sendable {
    package var database: String
    package var databaseCreated: Bool
    package var created: [String] = []
    package var updated: [String] = []
    package var crawler: GlueCrawler?
}

extension LocalEngine {
    /// Creates or updates the database and every table of lake.md in Glue; with `crawler`
    /// (name and IAM role), creates and runs a crawler over `raw/` and `processed/` instead.
    package func syncCatalog(glue: GlueClient, database: String, crawler: (name: String, role: String)? = nil,
                             today: Day) async throws -> CatalogSummary {
        try LakeCatalog.validateDatabase(database)
        guard store.location.hasPrefix("s3://") else {
            throw EngineError.invalidInput("Glue tables point at S3: the lake at \(store.location) is a folder; use --lake s3://bucket/prefix")
        }
        var summary = CatalogSummary(database: database, databaseCreated: try await glue.ensureDatabase(database, description: "Momentum lake at \(store.location)"))
        if let crawler {
            let paths = [LakeDataset.artistMetrics, .releases, .audience, .artistDaily, .audienceDaily, .artistSignals, .releaseImpact, .momentum].map { "\(store.location)/\($0.prefix)" }
            try await glue.ensureCrawler(name: crawler.name, role: crawler.role, database: database, paths: paths)
            summary.crawler = try await glue.runCrawler(crawler.name)
            return summary
        }
        var firstDay = today
        for dataset in [LakeDataset.artistMetrics, .releases, .audience] {
            for object in try await store.list(prefix: dataset.prefix) {
                if let day = LakeLayout.captureDay(ofRawKey: object.key).flatMap({ Day(iso: $0) }), day < firstDay { firstDay = day }
            }
        }
        for table in LakeCatalog.tables(root: store.location, firstDay: firstDay) {
            if try await glue.createOrUpdateTable(database: database, table) {
                summary.created.append(table.Name)
            } else {
                summary.updated.append(table.Name)
            }
        }
        return summary
    }
}
