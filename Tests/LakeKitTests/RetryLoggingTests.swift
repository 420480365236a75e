// LakeKit logs each retried S3, Glue or Athena request once, at debug level, through the
// logger it is given, and never a credential.

import Foundation
import InMemoryLogging
import LakeKit
import Logging
import MomentumHTTP
import Testing

@Suite struct RetryLoggingTests {
    static func logger() -> (Logger, InMemoryLogHandler) {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "lakekit-test") { _ in handler }
        logger.logLevel = .debug
        return (logger, handler)
    }

    static func assertNoSecret(_ handler: InMemoryLogHandler) {
        let credentials = S3ClientTests.credentials
        for entry in handler.entries {
            let text = "\(entry.message) \(entry.metadata)"
            #expect(!text.contains(credentials.secretAccessKey) && !text.contains(credentials.sessionToken ?? "-")
                    && !text.contains("Signature=") && !text.contains("AWS4-HMAC-SHA256"), "\(text)")
        }
    }

    @Test func aRetriedS3RequestIsLoggedOnce() async throws {
        let (logger, handler) = Self.logger()
        let script = ScriptedS3 { _, index in index == 0 ? S3ClientTests.error(503, "SlowDown") : TransportResponse(status: 200, body: [7]) }
        let client = S3Client(credentials: S3ClientTests.Static(value: S3ClientTests.credentials), region: "us-east-1",
                              endpoint: AWSEndpoint(url: URL(string: "http://127.0.0.1:9000")!, usesPathStyle: true, source: "test"),
                              transport: script.transport, retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(2)),
                              logger: logger)
        #expect(try await client.getObject(bucket: "lake-bucket", key: "raw/a.jsonl") == [7])
        let lines = handler.entries.map { "\($0.message)" }
        #expect(lines.count == 1 && lines[0].hasPrefix("S3 GetObject s3://lake-bucket/raw/a.jsonl: SlowDown (HTTP 503); retrying in"), "\(lines)")
        #expect(handler.entries.first?.level == .debug)
        Self.assertNoSecret(handler)
    }

    @Test func aRetriedGlueOrAthenaRequestIsLoggedOnce() async throws {
        let (logger, handler) = Self.logger()
        let script = ScriptedS3 { _, index in
            index == 0 ? GlueAthenaClientTests.answer(["__type": "ThrottlingException", "message": "Rate exceeded"], status: 400)
                : GlueAthenaClientTests.answer(["Database": ["Name": "momentum"]])
        }
        let json = AWSJSONClient(service: "glue", targetPrefix: "AWSGlue", displayName: "Glue",
                                 credentials: S3ClientTests.Static(value: S3ClientTests.credentials), region: "eu-west-1",
                                 endpoint: AWSEndpoint(url: URL(string: "http://127.0.0.1:5000")!, usesPathStyle: true, source: "test"),
                                 transport: script.transport, retry: RetryPolicy(maximumAttempts: 3, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(2)),
                                 logger: logger)
        #expect(try await GlueClient(json: json).databaseExists("momentum"))
        let lines = handler.entries.map { "\($0.message)" }
        #expect(lines.count == 1 && lines[0].hasPrefix("Glue GetDatabase: ThrottlingException (HTTP 400); retrying in"), "\(lines)")
        #expect(handler.entries.first?.metadata["cause"] == "rateLimit")
        Self.assertNoSecret(handler)
    }
}
