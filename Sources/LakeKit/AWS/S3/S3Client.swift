// The S3 REST client: builds each request (path-style for custom endpoints, virtual-hosted
// otherwise), signs it with SigV4 under S3's path rules, sends it through the one transport,
// retries what is worth retrying with jittered exponential back-off, follows S3's region
// redirects by re-signing for the named region (never by forwarding a signature), and turns XML
// errors into `S3Error`s.

import Crypto
import Foundation
import Logging
import MomentumHTTP

/// A client for one S3 endpoint.
public struct S3Client: Sendable {
    /// Where requests go.
    public let endpoint: AWSEndpoint
    /// The signing region.
    public let region: String
    /// Credentials, transport, retries, clocks and logger.
    let exchange: AWSExchange
    /// Regions S3 named for buckets outside `region`: asked once, not on every request.
    let bucketRegions = BucketRegions()

    /// A client from its parts.
    ///
    /// - Parameters:
    ///   - credentials: where signing credentials come from; wrap slow sources in
    ///     ``CachedCredentials`` (``standard(environment:region:transport:logger:)`` does).
    ///   - region: the signing region (a bucket found in another is signed for its own).
    ///   - endpoint: where requests go; a custom endpoint is addressed path-style.
    ///   - transport: what sends the requests.
    ///   - retry: how often and how patiently to retry.
    ///   - now: the clock signatures are dated by (injected for tests).
    ///   - clock: what back-offs sleep on (injected for tests).
    ///   - logger: hears each retry once, at debug level, without secrets.
    public init(credentials: any AWSCredentialProvider, region: String, endpoint: AWSEndpoint,
                transport: any HTTPTransport = CurlTransport(), retry: RetryPolicy = .standard,
                now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger? = nil) {
        self.exchange = AWSExchange(credentials: credentials, transport: transport, retry: retry, now: now, clock: clock, logger: logger)
        self.region = region
        self.endpoint = endpoint
    }

    /// The client botocore would build from this environment: the credential chain, the
    /// region and the endpoint.
    ///
    /// - Parameters:
    ///   - environment: the variables to read.
    ///   - region: the region by ``AWSRegion/resolve(for:bucket:environment:transport:)``; when
    ///     nil, the configured one, else `us-east-1`, S3's global region, whose requests S3
    ///     redirects to the bucket's own (each one is signed again for it).
    ///   - transport: what sends requests.
    ///   - logger: hears each retry once, at debug level.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                region: AWSRegion? = nil,
                                transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil) throws -> S3Client {
        let region = region?.name ?? AWSRegion.configured(environment: environment)?.name ?? "us-east-1"
        let endpoint = try AWSEndpoint.resolve(service: "s3", region: region, environment: environment)
        let chain = AWSCredentialChain.standard(environment: environment, transport: transport)
        return S3Client(credentials: CachedCredentials(chain), region: region, endpoint: endpoint, transport: transport, logger: logger)
    }

    // MARK: Requests

    /// One S3 call, before signing.
    struct Call: Sendable {
        var operation: String
        var method: String
        var bucket: String
        var key: String?
        var query: [(String, String)] = []
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var maximumResponseBytes = 16 << 20
        /// What the call is about, when more than bucket and key (a listing's prefix).
        var resourceOverride: String?
        /// Statuses that are answers, not errors (e.g. 404 for HeadObject, 412 for a lost
        /// conditional write).
        var accepted: Set<Int> = []

        var resource: String { resourceOverride ?? ("s3://\(bucket)" + (key.map { "/\($0)" } ?? "")) }

        /// The answer's XML document, whose root must be `root`; anything else is an
        /// `InvalidAnswer` (a service answering nonsense, exit 3), never a format error of the lake.
        func document(_ response: TransportResponse, root: String) throws -> S3XMLNode {
            let xml: S3XMLNode
            do { xml = try S3XMLNode.parse(response.body) } catch let failure as LakeError {
                throw invalidAnswer(failure.message, response)
            }
            guard xml.name == root else { throw invalidAnswer("expected <\(root)>, got <\(xml.name)>", response) }
            return xml
        }

        /// An `InvalidAnswer` about this call.
        func invalidAnswer(_ reason: String, _ response: TransportResponse) -> S3Error {
            S3Error.invalidAnswer(reason, status: response.status, operation: operation, resource: resource)
        }
    }

    /// Sends a call with retries; a 2xx (or an accepted status) answer, or a thrown error.
    func send(_ call: Call, followingRegionRedirects: Bool = true) async throws -> TransportResponse {
        var region = bucketRegions[call.bucket] ?? self.region
        var redirected: Set<String> = []
        let operation = "S3 \(call.operation) \(call.resource)"
        return try await exchange.send(operation, request: { try await signed(call, region: region) }) { response in
            if (200..<300).contains(response.status) || call.accepted.contains(response.status) {
                // CompleteMultipartUpload and CopyObject can fail after a 200: the error is in the body.
                if ["CompleteMultipartUpload", "CopyObject"].contains(call.operation), let xml = try? S3XMLNode.parse(response.body), xml.name == "Error" {
                    return .refused(S3Error.from(response, operation: call.operation, resource: call.resource))
                }
                return .finished(response)
            }
            // The bucket is in another region: sign again for it (AWS endpoints only; a custom
            // endpoint has one region), once per region.
            if followingRegionRedirects, let other = response.header("x-amz-bucket-region"), other != region, !endpoint.usesPathStyle,
               [301, 307, 400].contains(response.status), redirected.insert(other).inserted {
                region = other
                bucketRegions[call.bucket] = other
                return .again
            }
            return .refused(S3Error.from(response, operation: call.operation, resource: call.resource))
        }
    }

    /// The request on the wire: URL with the key encoded once, headers, signature.
    func signed(_ call: Call, region: String) async throws -> TransportRequest {
        let found = try await exchange.credentials.required(for: call.resource)
        let (url, host, path) = try location(bucket: call.bucket, key: call.key, query: call.query, region: region)
        let query = S3Client.queryString(call.query)
        var headers: [(name: String, value: String)] = [("Host", host)] + call.headers
        let signer = SigV4Signer(credentials: found, region: region, service: "s3")
        let request = SigV4Signer.Request(method: call.method, path: path, query: query, headers: headers, body: call.body)
        let signature = signer.sign(request, date: exchange.now())
        headers += signature.headers
        // URLSession sets Host itself from the URL; sending it twice would be refused.
        headers.removeFirst()
        // The whole exchange at 1 MB/s or better, within an hour: uploads by their size, answers
        // by what they may be (the idle timeout catches a server that stops).
        let transferred = max(call.body.count, min(call.maximumResponseBytes, 1 << 32))
        let deadline: Duration = .seconds(min(3600, 60 + transferred / 1_000_000))
        return TransportRequest(method: call.method, url: url, headers: HTTPHeaders(headers), body: call.body, timeout: .seconds(30),
                              deadline: deadline, maximumResponseBytes: call.maximumResponseBytes)
    }

    /// The URL, Host header and encoded path of an object (or a bucket when `key` is nil).
    func location(bucket: String, key: String?, query: [(String, String)], region: String) throws -> (URL, String, String) {
        try S3Client.validate(bucket: bucket)
        let encodedKey = key.map { "/" + $0.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Signer.encode(String($0)) }.joined(separator: "/") } ?? "/"
        let base: String
        let path: String
        let host: String
        let scheme = endpoint.url.scheme ?? "https"
        if endpoint.usesPathStyle || bucket.contains(".") {
            let baseHost = endpoint.usesPathStyle ? (endpoint.url.host ?? "") : "s3.\(region).amazonaws.com"
            host = baseHost + (endpoint.url.port.map { ":\($0)" } ?? "")
            let basePath = endpoint.usesPathStyle ? endpoint.url.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")) : ""
            path = (basePath.isEmpty ? "" : "/" + basePath) + "/" + bucket + (key == nil ? "" : encodedKey)
            base = "\(scheme)://\(host)"
        } else {
            host = "\(bucket).s3.\(region).amazonaws.com"
            path = encodedKey
            base = "https://\(host)"
        }
        let query = S3Client.queryString(query)
        guard let url = URL(string: base + path + (query.isEmpty ? "" : "?" + query)) else {
            throw LakeError.invalidArgument("cannot make a URL for s3://\(bucket)/\(key ?? "")")
        }
        return (url, host, path)
    }

    static func queryString(_ items: [(String, String)]) -> String {
        items.map { SigV4Signer.encode($0.0) + "=" + SigV4Signer.encode($0.1) }.joined(separator: "&")
    }

    /// S3's bucket naming rules (the DNS-safe ones), so that a typo is caught before a request.
    static func validate(bucket: String) throws {
        let allowed = bucket.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }
        guard (3...63).contains(bucket.utf8.count), allowed, bucket.first?.isLetter == true || bucket.first?.isNumber == true,
              bucket.last?.isLetter == true || bucket.last?.isNumber == true, !bucket.contains("..") else {
            throw LakeError.invalidArgument("'\(bucket.prefix(70))' is not an S3 bucket name (3 to 63 characters: lower-case letters, digits, '-' and '.')")
        }
    }

    static func base64MD5(_ bytes: [UInt8]) -> String {
        Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
    }

    static func base64SHA256(_ bytes: [UInt8]) -> String {
        Data(SHA256.hash(data: bytes)).base64EncodedString()
    }
}

/// The regions S3 named for buckets, shared by the copies of one client.
final class BucketRegions: @unchecked Sendable {
    private let lock = NSLock()
    private var regions: [String: String] = [:]

    subscript(bucket: String) -> String? {
        get { lock.withLock { regions[bucket] } }
        set { lock.withLock { regions[bucket] = newValue } }
    }
}
