// The S3 client's behaviour on a scripted transport: what goes on the wire, which answers are
// retried, how region redirects and listings are followed, and that a failed multipart upload
// is aborted. Container and instance-metadata credentials, and their refresh, likewise.

import Crypto
import Foundation
import LakeKit
import Testing
import MomentumHTTP

/// Records requests and answers them from a script.
final class ScriptedS3: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var requests: [TransportRequest] = []
    private let answer: @Sendable (TransportRequest, Int) throws -> TransportResponse

    init(_ answer: @escaping @Sendable (TransportRequest, Int) throws -> TransportResponse) {
        self.answer = answer
    }

    var transport: ClosureTransport {
        ClosureTransport { request in
            let index = self.lock.withLock { () -> Int in self.requests.append(request); return self.requests.count - 1 }
            return try self.answer(request, index)
        }
    }

    var all: [TransportRequest] { lock.withLock { requests } }
}

@Suite struct S3ClientTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session-token-value")

    struct Static: AWSCredentialProvider {
        var value: AWSCredentials
        func credentials() async throws -> AWSCredentials? { value }
        var sourceDescription: String { "test" }
    }

    static func client(_ script: ScriptedS3, custom: Bool = true) -> S3Client {
        let endpoint = custom ? AWSEndpoint(url: URL(string: "http://127.0.0.1:9000")!, usesPathStyle: true, source: "test")
            : try! AWSEndpoint.resolve(service: "s3", region: "us-east-1", environment: [:])
        return S3Client(credentials: Static(value: credentials), region: "us-east-1", endpoint: endpoint, transport: script.transport,
                        retry: RetryPolicy(maximumAttempts: 4, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(5)))
    }

    static func error(_ status: Int, _ code: String) -> TransportResponse {
        TransportResponse(status: status, headers: ["x-amz-request-id": "REQ123"],
                        body: Array("<?xml version=\"1.0\"?><Error><Code>\(code)</Code><Message>It went wrong &amp; here.</Message><RequestId>REQ123</RequestId></Error>".utf8))
    }

    @Test func aPutSendsExactBytesUnderAnEncodedKeyWithChecksums() async throws {
        let script = ScriptedS3 { _, _ in TransportResponse(status: 200) }
        let body = Array("hello".utf8)
        try await Self.client(script).putObject(bucket: "lake-bucket", key: "raw/dt=2026-01-01/a b+c=d*%é.jsonl", bytes: body)
        let request = try #require(script.all.first)
        #expect(request.method == "PUT" && request.body == body)
        #expect(request.url.absoluteString == "http://127.0.0.1:9000/lake-bucket/raw/dt%3D2026-01-01/a%20b%2Bc%3Dd%2A%25%C3%A9.jsonl")
        #expect(request.header("Content-MD5") == Data(Insecure.MD5.hash(data: body)).base64EncodedString())
        #expect(request.header("x-amz-content-sha256") == SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined())
        #expect(request.header("Authorization")?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") == true)
        #expect(request.header("X-Amz-Security-Token") == "session-token-value")
        #expect(request.header("Host") == nil, "URLSession sets Host from the URL")
        // The secret never travels.
        #expect(!request.headers.contains { $0.value.contains(Self.credentials.secretAccessKey) })
    }

    @Test func throttlingAndServerErrorsAreRetriedOtherRefusalsAreNot() async throws {
        let flaky = ScriptedS3 { _, index in index < 2 ? Self.error(503, "SlowDown") : TransportResponse(status: 200, body: [7]) }
        #expect(try await Self.client(flaky).getObject(bucket: "lake-bucket", key: "a") == [7])
        #expect(flaky.all.count == 3)

        let denied = ScriptedS3 { _, _ in Self.error(403, "AccessDenied") }
        do {
            _ = try await Self.client(denied).getObject(bucket: "lake-bucket", key: "a")
            Issue.record("AccessDenied was not an error")
        } catch let error as S3Error {
            #expect(error == S3Error.accessDenied && error.requestID == "REQ123" && error.message == "It went wrong & here.")
            #expect(error.description.contains("GetObject s3://lake-bucket/a") && error.description.contains("permissions"))
        }
        #expect(denied.all.count == 1)

        let down = ScriptedS3 { _, _ in throw TransportError("connection refused") }
        await #expect(throws: TransportError.self) { _ = try await Self.client(down).getObject(bucket: "lake-bucket", key: "a") }
        #expect(down.all.count == 4)

        // An answer that is not XML still becomes a typed error.
        let garbage = ScriptedS3 { _, _ in TransportResponse(status: 400, body: Array("<<<not xml".utf8)) }
        await #expect(throws: S3Error.self) { _ = try await Self.client(garbage).getObject(bucket: "lake-bucket", key: "a") }
    }

    @Test func aBucketInAnotherRegionIsSignedAgainForItsRegionNotFollowed() async throws {
        let script = ScriptedS3 { request, index in
            index == 0 ? TransportResponse(status: 301, headers: ["x-amz-bucket-region": "eu-west-1", "Location": "https://evil.example/"], body: [])
                : TransportResponse(status: 200, body: [1])
        }
        #expect(try await Self.client(script, custom: false).getObject(bucket: "lake-bucket", key: "k") == [1])
        let requests = script.all
        #expect(requests.count == 2)
        #expect(requests[0].url.host == "lake-bucket.s3.us-east-1.amazonaws.com")
        #expect(requests[1].url.host == "lake-bucket.s3.eu-west-1.amazonaws.com")
        #expect(requests[1].header("Authorization")?.contains("/eu-west-1/s3/aws4_request") == true)
        #expect(!requests.contains { $0.url.host == "evil.example" })
    }

    @Test func theBucketsRegionIsLearnedOnceNotAskedOnEveryRequest() async throws {
        let script = ScriptedS3 { request, _ in
            request.url.host == "lake-bucket.s3.us-east-1.amazonaws.com"
                ? TransportResponse(status: 301, headers: ["x-amz-bucket-region": "eu-west-1"], body: [])
                : TransportResponse(status: 200, body: [1])
        }
        let client = Self.client(script, custom: false)
        _ = try await client.getObject(bucket: "lake-bucket", key: "a")
        _ = try await client.getObject(bucket: "lake-bucket", key: "b")
        #expect(script.all.map { $0.url.host ?? "" } == ["lake-bucket.s3.us-east-1.amazonaws.com", "lake-bucket.s3.eu-west-1.amazonaws.com",
                                                          "lake-bucket.s3.eu-west-1.amazonaws.com"])
    }

    @Test func oneRegionRuleConfiguredElseTheBucketsOwnElseARefusal() async throws {
        let keys = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_CONFIG_FILE": "/nonexistent",
                    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"]
        let paris = ScriptedS3 { request, _ in
            // S3 says where a bucket lives whatever region the question was signed for.
            TransportResponse(status: request.method == "HEAD" ? 301 : 500, headers: ["x-amz-bucket-region": "eu-west-3"], body: [])
        }
        // Configured wins and asks nothing.
        let configured = try await AWSRegion.resolve(for: "Glue", bucket: "lake-bucket", environment: keys.merging(["AWS_REGION": "ap-south-1"]) { $1 },
                                                     transport: paris.transport)
        #expect(configured == AWSRegion(name: "ap-south-1", source: "AWS_REGION") && paris.all.isEmpty)
        // Else the bucket's own, asked once with a HEAD.
        let found = try await AWSRegion.resolve(for: "Glue", bucket: "lake-bucket", environment: keys, transport: paris.transport)
        #expect(found.name == "eu-west-3" && found.source == "the bucket lake-bucket")
        #expect(paris.all.map(\.method) == ["HEAD"])
        let glue = try GlueClient.standard(environment: keys, region: found)
        #expect(glue.json.region == "eu-west-3" && glue.json.endpoint.url.host == "glue.eu-west-3.amazonaws.com")
        // Else a refusal, never a guess: no bucket, or a server that does not say.
        let silent = ScriptedS3 { _, _ in TransportResponse(status: 200) }
        for bucket in [nil, "lake-bucket"] {
            do {
                _ = try await AWSRegion.resolve(for: "Glue and Athena", bucket: bucket, environment: keys, transport: silent.transport)
                Issue.record("a region was guessed")
            } catch let error as LakeError {
                #expect(error.message.contains("no AWS region for Glue and Athena: set AWS_REGION"), "\(error.message)")
            }
        }
        #expect(throws: LakeError.self) { _ = try AthenaClient.standard(environment: keys) }
        // An ARN names its own region.
        #expect(AWSRegion.of(arn: "arn:aws:secretsmanager:eu-central-1:111122223333:secret:spotify-AbCdEf")?.name == "eu-central-1")
        #expect(AWSRegion.of(arn: "not-an-arn") == nil)
    }

    @Test func listingsFollowContinuationTokensAndDecodeKeys() async throws {
        let script = ScriptedS3 { request, index in
            let page = index == 0
                ? "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated><NextContinuationToken>t/1+=</NextContinuationToken><Contents><Key>p/a+b%2Bc</Key><Size>3</Size></Contents></ListBucketResult>"
                : "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>p/%C3%A9%3D</Key><Size>4</Size></Contents></ListBucketResult>"
            return TransportResponse(status: 200, body: Array(page.utf8))
        }
        let objects = try await Self.client(script).listAllObjects(bucket: "lake-bucket", prefix: "p/")
        #expect(objects == [ObjectInfo(key: "p/a b+c", size: 3), ObjectInfo(key: "p/é=", size: 4)])
        #expect(script.all[1].url.query?.contains("continuation-token=t%2F1%2B%3D") == true)
        #expect(script.all[0].url.query?.contains("encoding-type=url") == true)

        let looping = ScriptedS3 { _, _ in
            TransportResponse(status: 200, body: Array("<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken></ListBucketResult>".utf8))
        }
        await #expect(throws: S3Error.invalidAnswer) { _ = try await Self.client(looping).listAllObjects(bucket: "lake-bucket", prefix: "") }
    }

    @Test func aFailedMultipartUploadIsAborted() async throws {
        let script = ScriptedS3 { request, _ in
            let query = request.url.query ?? ""
            if request.method == "POST", query.contains("uploads=") {
                return TransportResponse(status: 200, body: Array("<InitiateMultipartUploadResult><UploadId>UP1</UploadId></InitiateMultipartUploadResult>".utf8))
            }
            if query.contains("partNumber=2") { return Self.error(403, "AccessDenied") }
            if request.method == "PUT" { return TransportResponse(status: 200, headers: ["ETag": "\"e\""]) }
            return TransportResponse(status: 204)
        }
        let bytes = [UInt8](repeating: 1, count: 11 << 20)
        await #expect(throws: S3Error.self) {
            try await Self.client(script).putObjectInParts(bucket: "lake-bucket", key: "big", bytes: bytes, partSize: 5 << 20, concurrency: 1)
        }
        let last = try #require(script.all.last)
        #expect(last.method == "DELETE" && last.url.query == "uploadId=UP1")
        #expect(!script.all.contains { $0.url.query?.contains("uploadId=UP1") == true && $0.method == "POST" })
    }

    @Test func aCopyNamesItsSourceEncodedAndAnErrorInsideA200IsThrown() async throws {
        let script = ScriptedS3 { request, index in
            index == 0 ? TransportResponse(status: 200, body: Array("<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>".utf8))
                : TransportResponse(status: 200, body: Self.error(200, "AccessDenied").body)
        }
        try await Self.client(script).copyObject(bucket: "lake-bucket", sourceKey: "_athena/staging/r/month=2026-11/a b+c", destinationKey: "processed/x")
        let sent = try #require(script.all.first)
        #expect(sent.method == "PUT" && sent.url.path.hasSuffix("/processed/x"))
        #expect(sent.headers.first { $0.name == "x-amz-copy-source" }?.value == "lake-bucket/_athena/staging/r/month%3D2026-11/a%20b%2Bc")
        await #expect(throws: S3Error.self) {
            try await Self.client(script).copyObject(bucket: "lake-bucket", sourceKey: "a", destinationKey: "b")
        }
        #expect(script.all.count == 2, "AccessDenied inside a 200 is not retried")
    }

    @Test func aCompletionThatFailsInsideA200IsRetried() async throws {
        let script = ScriptedS3 { request, index in
            let query = request.url.query ?? ""
            if query.contains("uploads=") { return TransportResponse(status: 200, body: Array("<InitiateMultipartUploadResult><UploadId>U</UploadId></InitiateMultipartUploadResult>".utf8)) }
            if request.method == "PUT" { return TransportResponse(status: 200, headers: ["ETag": "\"e\""]) }
            if request.method == "POST", index == 2 { return TransportResponse(status: 200, body: Self.error(200, "InternalError").body) }
            return TransportResponse(status: 200, body: Array("<CompleteMultipartUploadResult/>".utf8))
        }
        try await Self.client(script).putObjectInParts(bucket: "lake-bucket", key: "k", bytes: [1, 2, 3])
        #expect(script.all.filter { $0.method == "POST" && $0.url.query == "uploadId=U" }.count == 2)
    }

    @Test func aCreateWhoseAnswerWasLostIsNotMistakenForALostRace() async throws {
        let stored = Array("{\"token\":\"mine\"}".utf8)
        let script = ScriptedS3 { request, index in
            switch (request.method, index) {
            case ("PUT", 0): throw TransportError("connection reset after the body was sent")
            case ("PUT", _): return Self.error(412, "PreconditionFailed")
            case ("HEAD", _): return TransportResponse(status: 200, headers: ["Content-Length": "\(stored.count)"])
            default: return TransportResponse(status: 200, body: stored)
            }
        }
        let store = try S3ObjectStore(client: Self.client(script), bucket: "lake-bucket", prefix: "lake")
        #expect(try await store.create("state/lock.json", bytes: stored))
        // Someone else's bytes: a lost race.
        #expect(try await store.create("state/lock.json", bytes: Array("{\"token\":\"other\"}".utf8)) == false)
    }

    @Test(arguments: ["ab", "Upper", "-lead", "a..b", "under_score", String(repeating: "a", count: 64)])
    func badBucketNamesAreRefusedBeforeARequest(_ bucket: String) async throws {
        let script = ScriptedS3 { _, _ in TransportResponse(status: 200) }
        await #expect(throws: LakeError.self) { try await Self.client(script).putObject(bucket: bucket, key: "k", bytes: []) }
        #expect(script.all.isEmpty)
    }
}

@Suite struct RemoteCredentialTests {
    static let document = #"{"AccessKeyId":"ASIAREMOTE","SecretAccessKey":"remote-secret","Token":"remote-token","Expiration":"2030-01-01T00:00:00Z"}"#

    @Test func containerCredentialsUseTheRelativeURIAndTheTokenFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("momentum-token-\(UUID().uuidString)")
        try Data("token-from-file\n".utf8).write(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = ScriptedS3 { _, _ in TransportResponse(status: 200, body: Array(Self.document.utf8)) }
        let provider = ContainerCredentials(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": folder.path], transport: script.transport)
        let found = try #require(try await provider.credentials())
        #expect(found.accessKeyID == "ASIAREMOTE" && found.sessionToken == "remote-token" && found.expiration != nil)
        #expect(script.all.first?.url.absoluteString == "http://169.254.170.2/v2/credentials/abc")
        #expect(script.all.first?.header("Authorization") == "token-from-file")
        #expect(!String(describing: found).contains("remote-secret"))
    }

    @Test func containerCredentialsOverPlainHTTPGoOnlyToLoopbackOrTheAgent() async throws {
        let script = ScriptedS3 { _, _ in TransportResponse(status: 200, body: Array(Self.document.utf8)) }
        let remote = ContainerCredentials(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://attacker.example/creds"], transport: script.transport)
        await #expect(throws: LakeError.credentialsKind) { _ = try await remote.credentials() }
        let local = ContainerCredentials(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8080/creds"], transport: script.transport)
        #expect(try await local.credentials()?.accessKeyID == "ASIAREMOTE")
        #expect(try await ContainerCredentials(environment: [:], transport: script.transport).credentials() == nil)
    }

    @Test func instanceMetadataUsesIMDSv2Tokens() async throws {
        let script = ScriptedS3 { request, _ in
            switch (request.method, request.url.absoluteString.replacingOccurrences(of: "http://127.0.0.1:1338", with: "")) {
            case ("PUT", "/latest/api/token"):
                return TransportResponse(status: request.header("X-aws-ec2-metadata-token-ttl-seconds") == nil ? 400 : 200, body: Array("imds-token".utf8))
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return TransportResponse(status: request.header("X-aws-ec2-metadata-token") == "imds-token" ? 200 : 401, body: Array("my-role\n".utf8))
            case ("GET", "/latest/meta-data/iam/security-credentials/my-role"):
                return TransportResponse(status: 200, body: Array(#"{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00Z"}"#.utf8))
            default:
                return TransportResponse(status: 404)
            }
        }
        let provider = InstanceMetadataCredentials(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338"], transport: script.transport)
        #expect(try await provider.credentials()?.accessKeyID == "ASIAIMDS")
        #expect(script.all.count == 3)
        // Off EC2 (no answer) the source has nothing; disabled, it asks nothing.
        let nothing = InstanceMetadataCredentials(environment: [:], transport: ClosureTransport { _ in throw TransportError("timed out") })
        #expect(try await nothing.credentials() == nil)
        let disabled = ScriptedS3 { _, _ in TransportResponse(status: 200) }
        #expect(try await InstanceMetadataCredentials(environment: ["AWS_EC2_METADATA_DISABLED": "true"], transport: disabled.transport).credentials() == nil)
        #expect(disabled.all.isEmpty)
    }

    /// Hands out credentials that expire `lifetime` after each fetch, counting fetches.
    final class Expiring: AWSCredentialProvider, @unchecked Sendable {
        let lifetime: TimeInterval
        let now: @Sendable () -> Date
        private let lock = NSLock()
        private var count = 0
        init(lifetime: TimeInterval, now: @escaping @Sendable () -> Date) { self.lifetime = lifetime; self.now = now }
        var fetches: Int { lock.withLock { count } }
        func credentials() async throws -> AWSCredentials? {
            let n = lock.withLock { count += 1; return count }
            return AWSCredentials(accessKeyID: "ASIA\(n)", secretAccessKey: "s", sessionToken: "t", expiration: now().addingTimeInterval(lifetime))
        }
        var sourceDescription: String { "expiring" }
    }

    @Test func cachedCredentialsAreRefreshedBeforeTheyExpire() async throws {
        let clock = TestClock()
        let source = Expiring(lifetime: 3600, now: clock.now)
        let cache = CachedCredentials(source, refreshMargin: .seconds(600), now: clock.now)
        #expect(try await cache.credentials()?.accessKeyID == "ASIA1")
        clock.advance(by: 2000)
        #expect(try await cache.credentials()?.accessKeyID == "ASIA1")
        clock.advance(by: 1100)   // 500 s left: inside the margin
        #expect(try await cache.credentials()?.accessKeyID == "ASIA2")
        #expect(source.fetches == 2)
    }

    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current = Date(timeIntervalSince1970: 1_800_000_000)
        var now: @Sendable () -> Date { { self.lock.withLock { self.current } } }
        func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    }
}
