// The Glue Data Catalog operations Momentum uses: databases, tables, partitions (100 per batch,
// per-item errors surfaced, pages followed) and crawlers (started, then polled to the end).

import Foundation
import Logging
import MomentumHTTP

/// A Glue Data Catalog client.
public struct GlueClient: Sendable {
    /// The JSON 1.1 client underneath.
    public let json: AWSJSONClient

    /// Glue through this JSON client.
    public init(json: AWSJSONClient) {
        self.json = json
    }

    /// The client the environment describes (`AWS_ENDPOINT_URL_GLUE`, credentials, region).
    /// `region` is the one ``AWSRegion/resolve(for:bucket:environment:transport:)`` found; when nil,
    /// the configured one, else a refusal.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                region: AWSRegion? = nil,
                                transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil) throws -> GlueClient {
        GlueClient(json: try AWSJSONClient.standard(service: "glue", targetPrefix: "AWSGlue", displayName: "Glue",
                                                    environment: environment, region: region, transport: transport, logger: logger))
    }

    /// The most partitions BatchCreatePartition takes at once.
    public static let partitionBatchSize = 100
    /// The most pages a listing reads.
    public static let maximumPages = 10_000

    private struct Empty: Codable {}

    // MARK: Databases

    /// Creates the database unless it exists; true when it was created.
    @discardableResult
    public func ensureDatabase(_ name: String, description: String? = nil) async throws -> Bool {
        struct Input: Encodable { var DatabaseInput: [String: String] }
        do {
            var input = ["Name": name]
            if let description { input["Description"] = description }
            _ = try await json.send("CreateDatabase", Input(DatabaseInput: input), as: Empty.self)
            return true
        } catch AWSServiceError.alreadyExists {
            return false
        }
    }

    /// True when the database exists.
    public func databaseExists(_ name: String) async throws -> Bool {
        do {
            _ = try await json.send("GetDatabase", ["Name": name], as: Empty.self)
            return true
        } catch AWSServiceError.entityNotFound {
            return false
        }
    }

    // MARK: Tables

    /// The table; nil when it does not exist.
    public func table(database: String, name: String) async throws -> GlueTable? {
        struct Output: Decodable { var Table: GlueTable }
        do {
            return try await json.send("GetTable", ["DatabaseName": database, "Name": name], as: Output.self).Table
        } catch AWSServiceError.entityNotFound {
            return nil
        }
    }

    /// Every table of the database.
    public func tables(database: String) async throws -> [GlueTable] {
        struct Input: Encodable { var DatabaseName: String; var NextToken: String? }
        struct Output: Decodable { var TableList: [GlueTable]?; var NextToken: String? }
        var tables: [GlueTable] = []
        var token: String?
        for _ in 0..<GlueClient.maximumPages {
            let page = try await json.send("GetTables", Input(DatabaseName: database, NextToken: token), as: Output.self)
            tables += page.TableList ?? []
            guard let next = page.NextToken, !next.isEmpty, next != token else { return tables }
            token = next
        }
        throw LakeError.io("Glue GetTables \(database): more than \(GlueClient.maximumPages) pages")
    }

    /// Creates the table, or updates it to this definition when it exists; true when created.
    @discardableResult
    public func createOrUpdateTable(database: String, _ table: GlueTableInput) async throws -> Bool {
        struct Input: Encodable { var DatabaseName: String; var TableInput: GlueTableInput }
        do {
            _ = try await json.send("CreateTable", Input(DatabaseName: database, TableInput: table), as: Empty.self)
            return true
        } catch AWSServiceError.alreadyExists {
            _ = try await json.send("UpdateTable", Input(DatabaseName: database, TableInput: table), as: Empty.self)
            return false
        }
    }

    /// Removes the table; an absent table is not an error.
    public func deleteTable(database: String, name: String) async throws {
        do {
            _ = try await json.send("DeleteTable", ["DatabaseName": database, "Name": name], as: Empty.self)
        } catch AWSServiceError.entityNotFound {}
    }

    // MARK: Partitions

    /// Adds partitions, 100 per call. Partitions that exist already are skipped; any other
    /// per-item failure is thrown, naming the partitions.
    public func createPartitions(database: String, table: String, _ partitions: [GluePartitionInput]) async throws {
        struct Input: Encodable { var DatabaseName: String; var TableName: String; var PartitionInputList: [GluePartitionInput] }
        struct Failure: Decodable {
            var PartitionValues: [String]?
            var ErrorDetail: Detail?
            struct Detail: Decodable { var ErrorCode: String?; var ErrorMessage: String? }
        }
        struct Output: Decodable { var Errors: [Failure]? }
        var failures: [String] = []
        var start = 0
        while start < partitions.count {
            let batch = Array(partitions[start..<min(partitions.count, start + GlueClient.partitionBatchSize)])
            start += batch.count
            let output = try await json.send("BatchCreatePartition", Input(DatabaseName: database, TableName: table, PartitionInputList: batch), as: Output.self)
            for failure in output.Errors ?? [] where failure.ErrorDetail?.ErrorCode != "AlreadyExistsException" {
                failures.append("\((failure.PartitionValues ?? []).joined(separator: "/")): \(failure.ErrorDetail?.ErrorCode ?? "?") \(failure.ErrorDetail?.ErrorMessage ?? "")")
            }
        }
        if !failures.isEmpty {
            throw LakeError.io("Glue BatchCreatePartition \(database).\(table): \(failures.count) partitions not created: \(failures.prefix(5).joined(separator: "; "))")
        }
    }

    /// Every partition of the table, page after page.
    public func partitions(database: String, table: String) async throws -> [GluePartition] {
        struct Input: Encodable { var DatabaseName: String; var TableName: String; var NextToken: String? }
        struct Output: Decodable { var Partitions: [GluePartition]?; var NextToken: String? }
        var partitions: [GluePartition] = []
        var token: String?
        for _ in 0..<GlueClient.maximumPages {
            let page = try await json.send("GetPartitions", Input(DatabaseName: database, TableName: table, NextToken: token), as: Output.self)
            partitions += page.Partitions ?? []
            guard let next = page.NextToken, !next.isEmpty, next != token else { return partitions }
            token = next
        }
        throw LakeError.io("Glue GetPartitions \(database).\(table): more than \(GlueClient.maximumPages) pages")
    }

    // MARK: Crawlers

    /// Creates the crawler over the S3 paths unless it exists; true when created.
    @discardableResult
    public func ensureCrawler(name: String, role: String, database: String, paths: [String], tablePrefix: String? = nil) async throws -> Bool {
        struct Target: Encodable { var Path: String }
        struct Targets: Encodable { var S3Targets: [Target] }
        struct Input: Encodable { var Name: String; var Role: String; var DatabaseName: String; var Targets: Targets; var TablePrefix: String? }
        do {
            _ = try await json.send("CreateCrawler", Input(Name: name, Role: role, DatabaseName: database,
                                                            Targets: Targets(S3Targets: paths.map(Target.init)), TablePrefix: tablePrefix), as: Empty.self)
            return true
        } catch AWSServiceError.alreadyExists {
            return false
        }
    }

    /// The crawler's state.
    public func crawler(_ name: String) async throws -> GlueCrawler {
        struct Output: Decodable { var Crawler: GlueCrawler }
        return try await json.send("GetCrawler", ["Name": name], as: Output.self).Crawler
    }

    /// Starts the crawler (unless it is running already) and polls until it is `READY` again,
    /// at most `timeout`; throws when the crawl failed or the wait ran out.
    public func runCrawler(_ name: String, poll: Duration = .seconds(10), timeout: Duration = .seconds(3600)) async throws -> GlueCrawler {
        do {
            _ = try await json.send("StartCrawler", ["Name": name], as: Empty.self)
        } catch let error as AWSServiceError where error.code == "CrawlerRunningException" {}
        let elapsed = ElapsedTime(on: json.exchange.clock)
        var started = false
        while elapsed.value < timeout {
            let state = try await crawler(name)
            if state.State == "RUNNING" || state.State == "STOPPING" { started = true }
            if state.State == "READY", started || state.LastCrawl != nil {
                if let status = state.LastCrawl?.Status, status != "SUCCEEDED" {
                    throw LakeError.io("Glue crawler \(name): the crawl ended \(status): \(state.LastCrawl?.ErrorMessage ?? "no reason given")")
                }
                return state
            }
            try await json.exchange.clock.sleep(for: poll)
        }
        throw LakeError.io("Glue crawler \(name): still running after \(Int(timeout.secondsValue)) s")
    }
}
