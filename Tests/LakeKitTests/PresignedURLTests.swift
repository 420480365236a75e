// Presigned GET URLs: AWS's documented example, and the real thing against SeaweedFS (a URL
// opens the object with no credentials; a changed URL, another object or an expired URL do not).

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LakeKit
import MomentumTestSupport
import Testing

@Suite struct PresignedURLTests {
    /// The example of AWS's S3 documentation ("Authenticating Requests: Using Query
    /// Parameters"): GET examplebucket/test.txt, 2013-05-24, 86,400 s.
    @Test func theSignerGivesAWSsDocumentedPresignedSignature() throws {
        let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3", signsPayloadHeader: false)
        let request = SigV4Signer.Request(method: "GET", path: "/test.txt", headers: [("Host", "examplebucket.s3.amazonaws.com")],
                                          payloadHash: SigV4Signer.unsignedPayload)
        let date = try #require(ISO8601DateFormatter().date(from: "2013-05-24T00:00:00Z"))
        let signature = signer.presign(request, date: date, expires: .seconds(86_400))
        #expect(signature.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(signature.headers.isEmpty, "a browser sends no signed header but Host")
    }

    @Test func lifetimesOutsideSigV4sRangeAreRefused() async throws {
        let client = try S3Client.standard(environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                                                         "AWS_REGION": "eu-west-1", "AWS_EC2_METADATA_DISABLED": "true",
                                                         "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent"])
        for bad in [Duration.zero, .seconds(-1), .seconds(7 * 24 * 3600 + 1)] {
            await #expect(throws: LakeError.self) { try await client.presignedURL(bucket: "lake-bucket", key: "d.html", expires: bad) }
        }
        let url = try await client.presignedURL(bucket: "lake-bucket", key: "a b+c=d/dashboard.html", expires: .seconds(3600))
        #expect(url.url.absoluteString.hasPrefix("https://lake-bucket.s3.eu-west-1.amazonaws.com/a%20b%2Bc%3Dd/dashboard.html?X-Amz-Algorithm="))
        #expect(!url.description.contains("X-Amz-Signature") && !url.description.contains("AKIDEXAMPLE"), "the description is safe for logs")
        #expect(!url.cutShortByCredentials)
    }

    @Test func temporaryCredentialsCutTheLifetimeShort() async throws {
        let expiry = Date().addingTimeInterval(900)
        let client = S3Client(credentials: FixedCredentials(AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "s", sessionToken: "token",
                                                                              expiration: expiry)),
                              region: "us-east-1", endpoint: try AWSEndpoint.resolve(service: "s3", region: "us-east-1", environment: [:]))
        let url = try await client.presignedURL(bucket: "lake-bucket", key: "dashboard.html", expires: .seconds(7 * 24 * 3600))
        #expect(url.cutShortByCredentials && url.expires == expiry)
        #expect(url.url.query?.contains("X-Amz-Security-Token=token") == true)
    }

    @Test(.tags(.seaweedFS))
    func aPresignedURLOpensTheObjectAndNothingElse() async throws {
        let (client, bucket, prefix) = try await LiveS3.freshPrefix()
        let key = "\(prefix)/odd key+=/dashboard.html"
        let page = Array("<!doctype html><title>momentum</title>".utf8)
        try await client.putObject(bucket: bucket, key: key, bytes: page)
        try await client.putObject(bucket: bucket, key: "\(prefix)/other.html", bytes: [1])
        let signed = try await client.presignedURL(bucket: bucket, key: key, expires: .seconds(600))
        #expect(try await Self.get(signed.url) == (200, page))

        let other = signed.url.absoluteString.replacingOccurrences(of: "dashboard.html", with: "other.html")
        #expect(try await Self.get(try #require(URL(string: other))).status == 403, "the signature covers the key")
        let longer = signed.url.absoluteString.replacingOccurrences(of: "X-Amz-Expires=600", with: "X-Amz-Expires=6000")
        #expect(try await Self.get(try #require(URL(string: longer))).status == 403, "the signature covers the expiry")

        let old = try await client.presignedURL(bucket: bucket, key: key, expires: .seconds(1), date: Date().addingTimeInterval(-3600))
        #expect(try await Self.get(old.url).status == 403, "an expired URL is refused")
        // A page over the multipart threshold keeps its Content-Type too (a 10,000-artist page is 34 MB).
        let store = try S3ObjectStore(client: client, bucket: bucket, prefix: prefix, multipartThreshold: 5 << 20)
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 6 << 20)
        try await store.put("big/dashboard.html", bytes: big, contentType: "text/html; charset=utf-8")
        let bigURL = try await store.presignedURL("big/dashboard.html", expires: .seconds(60))
        let (data, response) = try await URLSession.shared.data(from: bigURL.url)
        #expect(data.count == big.count)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/html") == true)
    }

    static func get(_ url: URL) async throws -> (status: Int, body: [UInt8]) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, Array(data))
    }
}

/// One set of credentials, as a role's would be.
struct FixedCredentials: AWSCredentialProvider {
    var value: AWSCredentials
    init(_ value: AWSCredentials) { self.value = value }
    func credentials() async throws -> AWSCredentials? { value }
    var sourceDescription: String { "fixed" }
}
