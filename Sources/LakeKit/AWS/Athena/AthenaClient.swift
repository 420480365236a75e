// Athena: start a query (idempotently: a retried start with the same client request token
// never runs it twice), poll it with back-off to a final state, read its results page by page
// as typed rows, and stop it when the caller gives up. A failed query's reason reaches the
// caller verbatim, with the query id.

import Foundation
import Logging
import MomentumHTTP

/// A query's state as Athena reports it.
public struct AthenaQueryExecution: Sendable, Hashable {
    /// The query id.
    public var id: String
    /// `QUEUED`, `RUNNING`, `SUCCEEDED`, `FAILED` or `CANCELLED` (kept as sent).
    public var state: String
    /// Why it failed or was cancelled, verbatim.
    public var reason: String?
    /// Bytes scanned (what Athena bills).
    public var dataScannedBytes: Int64
    /// Where its results are, `s3://...`.
    public var outputLocation: String?

    /// True once the query can change no more.
    public var isFinal: Bool { ["SUCCEEDED", "FAILED", "CANCELLED"].contains(state) }
}

/// A query that ended other than `SUCCEEDED`.
public struct AthenaQueryFailure: Error, Sendable, CustomStringConvertible {
    /// Its final state.
    public var execution: AthenaQueryExecution
    /// The statement, shortened, for messages.
    public var statement: String

    /// The query id, the state and Athena's reason, verbatim.
    public var description: String {
        "Athena query \(execution.id) \(execution.state): \(execution.reason ?? "no reason given") (statement: \(statement))"
    }
}

/// An Athena client.
public struct AthenaClient: Sendable {
    /// The JSON 1.1 client underneath.
    public let json: AWSJSONClient

    /// Athena through this JSON client.
    public init(json: AWSJSONClient) {
        self.json = json
    }

    /// The client the environment describes (`AWS_ENDPOINT_URL_ATHENA`, credentials, region).
    /// `region` is the one ``AWSRegion/resolve(for:bucket:environment:transport:)`` found; when nil,
    /// the configured one, else a refusal.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                region: AWSRegion? = nil,
                                transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil) throws -> AthenaClient {
        AthenaClient(json: try AWSJSONClient.standard(service: "athena", targetPrefix: "AmazonAthena", displayName: "Athena",
                                                      environment: environment, region: region, transport: transport, logger: logger))
    }

    /// One statement to run.
    public struct Query: Sendable, Hashable {
        /// The SQL.
        public var sql: String
        /// The database it runs in.
        public var database: String
        /// The workgroup.
        public var workGroup: String
        /// Where results go (`s3://...`); nil for the workgroup's own.
        public var outputLocation: String?
        /// Makes the start idempotent: 32 to 128 characters, the same for a retry of the same run.
        public var clientRequestToken: String

        /// A query; the token defaults to a new random one.
        public init(sql: String, database: String, workGroup: String = "primary", outputLocation: String? = nil,
                    clientRequestToken: String = UUID().uuidString + "-" + UUID().uuidString) {
            self.sql = sql
            self.database = database
            self.workGroup = workGroup
            self.outputLocation = outputLocation
            self.clientRequestToken = clientRequestToken
        }
    }

    /// Starts the query; its id.
    public func start(_ query: Query) async throws -> String {
        guard (32...128).contains(query.clientRequestToken.count) else {
            throw LakeError.invalidArgument("an Athena client request token has 32 to 128 characters")
        }
        struct Context: Encodable { var Database: String }
        struct Result: Encodable { var OutputLocation: String }
        struct Input: Encodable {
            var QueryString: String
            var ClientRequestToken: String
            var QueryExecutionContext: Context
            var ResultConfiguration: Result?
            var WorkGroup: String
        }
        struct Output: Decodable { var QueryExecutionId: String }
        let input = Input(QueryString: query.sql, ClientRequestToken: query.clientRequestToken, QueryExecutionContext: Context(Database: query.database),
                          ResultConfiguration: query.outputLocation.map(Result.init), WorkGroup: query.workGroup)
        return try await json.send("StartQueryExecution", input, as: Output.self).QueryExecutionId
    }

    /// The query's current state.
    public func execution(_ id: String) async throws -> AthenaQueryExecution {
        struct Output: Decodable {
            var QueryExecution: Execution
            struct Execution: Decodable {
                var QueryExecutionId: String?
                var Status: Status?
                var Statistics: Statistics?
                var ResultConfiguration: Result?
            }
            struct Status: Decodable { var State: String?; var StateChangeReason: String? }
            struct Statistics: Decodable { var DataScannedInBytes: Int64? }
            struct Result: Decodable { var OutputLocation: String? }
        }
        let output = try await json.send("GetQueryExecution", ["QueryExecutionId": id], as: Output.self).QueryExecution
        return AthenaQueryExecution(id: output.QueryExecutionId ?? id, state: output.Status?.State ?? "UNKNOWN",
                                    reason: output.Status?.StateChangeReason, dataScannedBytes: output.Statistics?.DataScannedInBytes ?? 0,
                                    outputLocation: output.ResultConfiguration?.OutputLocation)
    }

    /// Stops the query (a query already finished is left as it is).
    public func stop(_ id: String) async throws {
        struct Empty: Decodable {}
        _ = try await json.send("StopQueryExecution", ["QueryExecutionId": id], as: Empty.self)
    }

    /// Polls the query until it ends, waiting from `firstPoll` up to `longestPoll` between
    /// polls, at most `timeout`. Throws `AthenaQueryFailure` unless it succeeded; a cancelled
    /// task or a timeout stops the query first.
    public func wait(for id: String, statement: String = "", firstPoll: Duration = .milliseconds(250), longestPoll: Duration = .seconds(5),
                     timeout: Duration = .seconds(3600)) async throws -> AthenaQueryExecution {
        let elapsed = ElapsedTime(on: json.exchange.clock)
        var pause = firstPoll
        do {
            while true {
                let execution = try await execution(id)
                if execution.isFinal {
                    guard execution.state == "SUCCEEDED" else {
                        throw AthenaQueryFailure(execution: execution, statement: String(statement.prefix(200)))
                    }
                    return execution
                }
                guard elapsed.value < timeout else {
                    try? await stop(id)
                    throw LakeError.io("Athena query \(id) still \(execution.state) after \(Int(timeout.secondsValue)) s: stopped")
                }
                try await json.exchange.clock.sleep(for: pause)
                pause = min(pause * 2, longestPoll)
            }
        } catch is CancellationError {
            // In a task of its own: this one is cancelled, and its requests would end at once.
            try? await Task { try await stop(id) }.value
            throw CancellationError()
        }
    }

    /// Starts the query and waits for it to succeed.
    public func run(_ query: Query, timeout: Duration = .seconds(3600)) async throws -> AthenaQueryExecution {
        try await wait(for: try await start(query), statement: query.sql, timeout: timeout)
    }

    /// The results of a finished query, page by page.
    public func results(_ id: String, pageSize: Int = 1000) -> AthenaResults {
        AthenaResults(client: self, queryID: id, pageSize: min(max(1, pageSize), 1000))
    }
}

/// A query's result rows: an `AsyncSequence` of rows, the header row left out, nulls kept.
public struct AthenaResults: AsyncSequence, Sendable {
    /// One row: values by column, nil for null.
    public typealias Element = [String?]

    let client: AthenaClient
    let queryID: String
    let pageSize: Int

    /// Reads pages as rows are consumed.
    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, queryID: queryID, pageSize: pageSize)
    }

    /// Reads one page at a time.
    public struct Iterator: AsyncIteratorProtocol {
        let client: AthenaClient
        let queryID: String
        let pageSize: Int
        var buffered: [[String?]] = []
        var token: String?
        var started = false
        var finished = false
        var pages = 0
        /// The result's column names, known after the first page.
        public private(set) var columns: [String] = []

        init(client: AthenaClient, queryID: String, pageSize: Int) {
            self.client = client
            self.queryID = queryID
            self.pageSize = pageSize
        }

        /// The next row; nil after the last.
        public mutating func next() async throws -> [String?]? {
            while buffered.isEmpty {
                guard !finished else { return nil }
                try await fetch()
            }
            return buffered.removeFirst()
        }

        private mutating func fetch() async throws {
            struct Input: Encodable { var QueryExecutionId: String; var NextToken: String?; var MaxResults: Int }
            struct Output: Decodable {
                var ResultSet: ResultSet?
                var NextToken: String?
                struct ResultSet: Decodable { var Rows: [Row]?; var ResultSetMetadata: Metadata? }
                struct Row: Decodable { var Data: [Datum]? }
                struct Datum: Decodable { var VarCharValue: String? }
                struct Metadata: Decodable { var ColumnInfo: [Column]? }
                struct Column: Decodable { var Name: String }
            }
            pages += 1
            guard pages <= 100_000 else { throw LakeError.io("Athena GetQueryResults \(queryID): more than 100,000 pages") }
            let output = try await client.json.send("GetQueryResults", Input(QueryExecutionId: queryID, NextToken: token, MaxResults: pageSize), as: Output.self)
            var rows = (output.ResultSet?.Rows ?? []).map { ($0.Data ?? []).map(\.VarCharValue) }
            if !started {
                started = true
                columns = output.ResultSet?.ResultSetMetadata?.ColumnInfo?.map(\.Name) ?? []
                // A SELECT's first row repeats the column names.
                if let first = rows.first, !columns.isEmpty, first.map({ $0 ?? "" }) == columns { rows.removeFirst() }
            }
            buffered = rows
            let next = output.NextToken.flatMap { $0.isEmpty ? nil : $0 }
            if next == nil || next == token { finished = true }
            token = next
        }
    }
}
