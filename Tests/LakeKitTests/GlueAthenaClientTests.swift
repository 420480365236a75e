// The JSON 1.1 client, Glue and Athena on a scripted transport (what goes on the wire, which
// errors are retried, batches, paging, header rows, failures, cancellation), and the same
// clients against moto_server when scripts/test has started it (MOMENTUM_MOTO_ENDPOINT).

import Foundation
import LakeKit
import MomentumTestSupport
import Testing
import MomentumHTTP

@Suite struct GlueAthenaClientTests {
    static func json(_ script: ScriptedS3, service: String = "glue", prefix: String = "AWSGlue", name: String = "Glue") -> AWSJSONClient {
        AWSJSONClient(service: service, targetPrefix: prefix, displayName: name, credentials: S3ClientTests.Static(value: S3ClientTests.credentials),
                      region: "eu-west-1", endpoint: AWSEndpoint(url: URL(string: "http://127.0.0.1:5000")!, usesPathStyle: true, source: "test"),
                      transport: script.transport, retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(2)))
    }

    static func answer(_ object: Any, status: Int = 200) -> TransportResponse {
        TransportResponse(status: status, headers: ["x-amzn-RequestId": "RID-1"], body: Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data()))
    }

    static func body(_ request: TransportRequest) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(request.body ?? []))) as? [String: Any] ?? [:]
    }

    @Test func requestsAreJSON11SignedForTheService() async throws {
        let script = ScriptedS3 { _, _ in Self.answer(["Table": ["Name": "t", "Parameters": ["a": "b"], "SomethingNew": 1]]) }
        let table = try await GlueClient(json: Self.json(script)).table(database: "momentum", name: "t")
        #expect(table?.Name == "t" && table?.Parameters == ["a": "b"])
        let request = try #require(script.all.first)
        #expect(request.method == "POST" && request.url.absoluteString == "http://127.0.0.1:5000/")
        #expect(request.header("X-Amz-Target") == "AWSGlue.GetTable" && request.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(request.header("Authorization")?.contains("/eu-west-1/glue/aws4_request") == true)
        #expect(Self.body(request)["DatabaseName"] as? String == "momentum")
    }

    @Test func errorsAreTypedThrottlingIsRetriedBadInputIsNot() async throws {
        let throttled = ScriptedS3 { _, index in
            index == 0 ? Self.answer(["__type": "com.amazonaws.glue#ThrottlingException", "message": "Rate exceeded"], status: 400)
                : Self.answer(["Table": ["Name": "t"]])
        }
        #expect(try await GlueClient(json: Self.json(throttled)).table(database: "d", name: "t") != nil)
        #expect(throttled.all.count == 2)

        let missing = ScriptedS3 { _, _ in Self.answer(["__type": "EntityNotFoundException:http://internal.amazon.com/coral/", "Message": "no"], status: 400) }
        #expect(try await GlueClient(json: Self.json(missing)).table(database: "d", name: "t") == nil)

        let invalid = ScriptedS3 { _, _ in Self.answer(["__type": "InvalidInputException", "message": "bad name"], status: 400) }
        do {
            _ = try await GlueClient(json: Self.json(invalid)).table(database: "d", name: "t")
            Issue.record("InvalidInputException was not thrown")
        } catch let error as AWSServiceError {
            #expect(error.code == "InvalidInputException" && error.requestID == "RID-1" && error.description.contains("Glue GetTable"))
        }
        #expect(invalid.all.count == 1)
    }

    @Test func partitionsGoInBatchesOfAHundredAndFailuresAreNamed() async throws {
        let script = ScriptedS3 { request, index in
            let list = Self.body(request)["PartitionInputList"] as? [[String: Any]] ?? []
            if index == 1 {
                return Self.answer(["Errors": [
                    ["PartitionValues": ["2026-01-01"], "ErrorDetail": ["ErrorCode": "AlreadyExistsException", "ErrorMessage": "exists"]],
                    ["PartitionValues": ["2026-02-02"], "ErrorDetail": ["ErrorCode": "InvalidInputException", "ErrorMessage": "bad location"]],
                ], "Count": list.count])
            }
            return Self.answer([:])
        }
        let partitions = (0..<250).map { GluePartitionInput(values: [String(format: "p%03d", $0)], storage: nil) }
        await #expect(throws: LakeError.ioKind) {
            try await GlueClient(json: Self.json(script)).createPartitions(database: "d", table: "t", partitions)
        }
        #expect(script.all.map { (Self.body($0)["PartitionInputList"] as? [Any])?.count ?? 0 } == [100, 100, 50])
    }

    @Test func athenaResultsSkipTheHeaderKeepNullsAndFollowPages() async throws {
        let script = ScriptedS3 { request, _ in
            let token = Self.body(request)["NextToken"] as? String
            let header: [[String: Any]] = [["Data": [["VarCharValue": "artist_id"], ["VarCharValue": "followers"]]]]
            let rows: [[String: Any]] = token == nil
                ? header + [["Data": [["VarCharValue": "a"], [:]]]]
                : [["Data": [["VarCharValue": "b"], ["VarCharValue": "7"]]]]
            var page: [String: Any] = ["ResultSet": ["Rows": rows, "ResultSetMetadata": ["ColumnInfo": [["Name": "artist_id"], ["Name": "followers"]]]]]
            if token == nil { page["NextToken"] = "page-2" }
            return Self.answer(page)
        }
        let athena = AthenaClient(json: Self.json(script, service: "athena", prefix: "AmazonAthena", name: "Athena"))
        var rows: [[String?]] = []
        for try await row in athena.results("q-1") { rows.append(row) }
        #expect(rows == [["a", nil], ["b", "7"]])
        #expect(script.all.allSatisfy { $0.header("X-Amz-Target") == "AmazonAthena.GetQueryResults" })
    }

    @Test func aFailedQuerysReasonReachesTheCallerVerbatim() async throws {
        let script = ScriptedS3 { request, index in
            switch request.header("X-Amz-Target") {
            case "AmazonAthena.StartQueryExecution": return Self.answer(["QueryExecutionId": "q-42"])
            default:
                let state = index < 2 ? "RUNNING" : "FAILED"
                return Self.answer(["QueryExecution": ["QueryExecutionId": "q-42", "Status": ["State": state,
                    "StateChangeReason": "SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved"], "Statistics": ["DataScannedInBytes": 10]]])
            }
        }
        let athena = AthenaClient(json: Self.json(script, service: "athena", prefix: "AmazonAthena", name: "Athena"))
        let query = AthenaClient.Query(sql: "SELECT x FROM t", database: "momentum", clientRequestToken: String(repeating: "r", count: 40))
        do {
            _ = try await athena.run(query)
            Issue.record("a failed query succeeded")
        } catch let failure as AthenaQueryFailure {
            #expect(failure.description.contains("q-42") && failure.description.contains("SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved"))
        }
        let start = try #require(script.all.first)
        #expect(Self.body(start)["ClientRequestToken"] as? String == String(repeating: "r", count: 40))
    }

    @Test func aWaitTimesOutOnTheClientsClockAndStopsTheQuery() async throws {
        let script = ScriptedS3 { request, _ in
            request.header("X-Amz-Target") == "AmazonAthena.StopQueryExecution" ? Self.answer([:])
                : Self.answer(["QueryExecution": ["QueryExecutionId": "q-9", "Status": ["State": "RUNNING"]]])
        }
        let clock = SleepRecorder()
        let json = AWSJSONClient(service: "athena", targetPrefix: "AmazonAthena", displayName: "Athena",
                                 credentials: S3ClientTests.Static(value: S3ClientTests.credentials), region: "eu-west-1",
                                 endpoint: AWSEndpoint(url: URL(string: "http://127.0.0.1:5000")!, usesPathStyle: true, source: "test"),
                                 transport: script.transport, clock: clock)
        let started = ContinuousClock.now
        await #expect(throws: LakeError.ioKind) {
            _ = try await AthenaClient(json: json).wait(for: "q-9", firstPoll: .seconds(1), longestPoll: .seconds(60), timeout: .seconds(600))
        }
        // The pauses (1, 2, 4 … up to 60 s) add up past 600 s on the test clock, in no real time.
        #expect(clock.waits.reduce(0, +) >= 600 && clock.waits.max() == 60, "\(clock.waits)")
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(script.all.contains { $0.header("X-Amz-Target") == "AmazonAthena.StopQueryExecution" })
    }

    @Test func cancellingAWaitStopsTheQuery() async throws {
        let script = ScriptedS3 { request, _ in
            request.header("X-Amz-Target") == "AmazonAthena.StopQueryExecution" ? Self.answer([:])
                : Self.answer(["QueryExecution": ["QueryExecutionId": "q-7", "Status": ["State": "RUNNING"]]])
        }
        let athena = AthenaClient(json: Self.json(script, service: "athena", prefix: "AmazonAthena", name: "Athena"))
        let waiting = Task { try await athena.wait(for: "q-7", firstPoll: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(script.all.contains { $0.header("X-Amz-Target") == "AmazonAthena.StopQueryExecution" })
    }

    // MARK: Against moto

    static var motoEnvironment: [String: String] {
        get throws {
            let moto = try Services.moto()
            return ["AWS_ENDPOINT_URL_GLUE": moto, "AWS_ENDPOINT_URL_ATHENA": moto, "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"]
        }
    }

    @Test(.tags(.moto))
    func glueAndAthenaAgainstMoto() async throws {
        let glue = try GlueClient.standard(environment: Self.motoEnvironment)
        let database = "momentum_" + UUID().uuidString.prefix(8).lowercased()
        #expect(try await glue.ensureDatabase(database))
        #expect(try await glue.ensureDatabase(database) == false)
        #expect(try await glue.databaseExists(database))
        let storage = GlueStorageDescriptor(columns: [GlueColumn("artist_id", "string")], location: "s3://bucket/lake/raw/x/",
                                            inputFormat: "in", outputFormat: "out", serde: GlueSerDeInfo(library: "serde"))
        let table = GlueTableInput(name: "raw_x", parameters: ["projection.enabled": "true"], partitionKeys: [GlueColumn("dt", "string")], storage: storage)
        #expect(try await glue.createOrUpdateTable(database: database, table))
        var changed = table
        changed.Parameters?["projection.enabled"] = "false"
        #expect(try await glue.createOrUpdateTable(database: database, changed) == false)
        #expect(try await glue.table(database: database, name: "raw_x")?.Parameters?["projection.enabled"] == "false")
        let partitions = (0..<130).map { GluePartitionInput(values: [String(format: "2026-01-%03d", $0)], storage: storage) }
        try await glue.createPartitions(database: database, table: "raw_x", partitions)
        try await glue.createPartitions(database: database, table: "raw_x", Array(partitions.prefix(3)))   // existing: skipped
        #expect(try await glue.partitions(database: database, table: "raw_x").count == 130)
        #expect(try await glue.tables(database: database).map(\.Name) == ["raw_x"])
        try await glue.deleteTable(database: database, name: "raw_x")
        try await glue.deleteTable(database: database, name: "raw_x")
        #expect(try await glue.table(database: database, name: "raw_x") == nil)

        let athena = try AthenaClient.standard(environment: Self.motoEnvironment)
        let execution = try await athena.run(.init(sql: "SELECT 1", database: database, outputLocation: "s3://bucket/lake/_athena/results/"))
        #expect(execution.state == "SUCCEEDED")
    }

    @Test(.tags(.moto))
    func secretsManagerReadsAValueAndNeverShowsIt() async throws {
        var environment = try Self.motoEnvironment
        environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = try Services.moto()
        let secrets = try SecretsManagerClient.standard(environment: environment)
        let name = "momentum/spotify-" + UUID().uuidString.prefix(8).lowercased()
        let value = #"{"client_id": "app", "client_secret": "s3cr3t-value-42"}"#
        struct Create: Encodable { var Name: String; var SecretString: String }
        struct Created: Decodable { var ARN: String }
        let arn = try await secrets.json.send("CreateSecret", Create(Name: name, SecretString: value), as: Created.self).ARN
        for id in [name, arn] {
            let read = try await secrets.secretValue(id)
            #expect(read.string == value && read.name == name && read.arn == arn && read.binary == nil)
            #expect(!"\(read)".contains("s3cr3t") && "\(read)".contains(name))
        }
        await #expect {
            _ = try await secrets.secretValue(name + "-missing")
        } throws: { error in
            (error as? AWSServiceError)?.code == "ResourceNotFoundException" && (error as? AWSServiceError)?.service == "Secrets Manager"
        }
    }
}
