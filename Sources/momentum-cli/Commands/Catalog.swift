// `momentum catalog sync`: register the lake in the Glue Data Catalog for Athena.

import ArgumentParser
import Foundation
import LakeKit
import MomentumAnalytics
import MomentumEngine

struct Catalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The lake's tables in the Glue Data Catalog (for Athena).",
        subcommands: [Sync.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update the Glue database and the raw and processed tables, with partition projection (or run a crawler, when named).",
            discussion: "Needs an s3:// lake. Glue is reached as the AWS CLI reaches it (AWS_REGION, AWS_ENDPOINT_URL_GLUE, credentials); see Docs/S3.md."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "Glue database (default: \"database\" in momentum.json, else momentum).")
        var database: String?

        @Option(help: "Create and run a Glue crawler of this name over the lake instead of defining the tables.")
        var crawler: String?

        @Option(help: "The IAM role ARN the crawler runs as (with --crawler).")
        var crawlerRole: String?

        func validate() throws {
            if let database {
                do {
                    try LakeCatalog.validateDatabase(database)
                } catch let error as EngineError {
                    throw ValidationError(error.message)
                }
            }
            if crawler != nil, crawlerRole == nil { throw ValidationError("--crawler needs --crawler-role (the IAM role ARN the crawler runs as)") }
            if crawler == nil, crawlerRole != nil { throw ValidationError("--crawler-role goes with --crawler") }
        }

        func run() async throws {
            let settings = try await Settings.resolve(global)
            let database = self.database ?? settings.catalog.database ?? LakeCatalog.defaultDatabase
            let store = try settings.store()
            guard store.location.hasPrefix("s3://") else {
                throw CommandFailure.usage("Glue tables point at S3: the lake at \(store.location) (\(settings.lakeSource.description)) is a folder; use --lake s3://bucket/prefix")
            }
            let region = try await settings.catalogRegion(store)
            let glue: GlueClient
            do {
                glue = try GlueClient.standard(environment: settings.environment, region: region, logger: settings.logger)
            } catch let error as LakeError {
                throw CommandFailure.usage(error.message)
            }
            let engine = LocalEngine(store: store, logger: settings.logger)
            let today = Day(Date()) ?? Day.epoch
            let summary = try await engine.syncCatalog(glue: glue, database: database, crawler: crawler.map { ($0, crawlerRole ?? "") }, today: today)
            if !global.quiet {
                var lines = ["Glue database \(summary.database) \(summary.databaseCreated ? "created" : "already there")"]
                if let crawled = summary.crawler {
                    lines.append("crawler \(crawled.Name) ran: \(crawled.LastCrawl?.Status ?? "done")")
                } else {
                    if !summary.created.isEmpty { lines.append("created: \(summary.created.joined(separator: ", "))") }
                    if !summary.updated.isEmpty { lines.append("updated: \(summary.updated.joined(separator: ", "))") }
                }
                Console.note(lines.joined(separator: "\n"))
            }
        }
    }
}
