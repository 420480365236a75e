// Presigned GET URLs: anyone holding the URL may read the one object until it expires, with no
// AWS credentials of their own. SigV4 query signing allows at most seven days, and a URL
// signed with temporary credentials stops working when they expire, whatever it says.

import Foundation

extension S3Client {
    /// A presigned URL, and when it stops working.
    public struct PresignedURL: Sendable, Hashable, CustomStringConvertible {
        /// The URL (its query holds the signature).
        public var url: URL
        /// When S3 stops honouring it: the requested expiry, or the signing credentials'
        /// expiry when that comes first.
        public var expires: Date
        /// True when the credentials expire before the requested expiry.
        public var cutShortByCredentials: Bool

        /// The URL without its signature, safe for logs.
        public var description: String {
            var parts = URLComponents(url: url, resolvingAgainstBaseURL: false)
            parts?.query = nil
            return (parts?.string ?? "s3 object") + "?<presigned until \(expires)>"
        }
    }

    /// The longest SigV4 query signing allows.
    public static let maximumPresignedLifetime: Duration = .seconds(7 * 24 * 3600)

    /// A URL that GETs `key` from `bucket` until `expires` from now.
    public func presignedURL(bucket: String, key: String, expires: Duration) async throws -> PresignedURL {
        try await presignedURL(bucket: bucket, key: key, expires: expires, date: exchange.now())
    }

    /// A URL that GETs `key` from `bucket` until `expires` after `date` (the signing time).
    public func presignedURL(bucket: String, key: String, expires: Duration, date: Date) async throws -> PresignedURL {
        guard expires > .zero, expires <= S3Client.maximumPresignedLifetime else {
            throw LakeError.invalidArgument("a presigned URL lives between 1 second and 7 days, not \(expires.components.seconds) s")
        }
        let found = try await exchange.credentials.required(for: "s3://\(bucket)/\(key)")
        let (url, host, path) = try location(bucket: bucket, key: key, query: [], region: region)
        // Only Host is signed: a browser sends no x-amz-content-sha256.
        let signer = SigV4Signer(credentials: found, region: region, service: "s3", signsPayloadHeader: false)
        let request = SigV4Signer.Request(method: "GET", path: path, headers: [("Host", host)], payloadHash: SigV4Signer.unsignedPayload)
        let signature = signer.presign(request, date: date, expires: expires)
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
            throw LakeError.invalidArgument("cannot make a URL for s3://\(bucket)/\(key)")
        }
        // The signer's items are encoded already, exactly as signed.
        parts.percentEncodedQuery = signature.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        guard let signed = parts.url else { throw LakeError.invalidArgument("cannot make a URL for s3://\(bucket)/\(key)") }
        let requested = date.addingTimeInterval(TimeInterval(expires.components.seconds))
        let cut = found.expiration.map { $0 < requested } ?? false
        return PresignedURL(url: signed, expires: cut ? (found.expiration ?? requested) : requested, cutShortByCredentials: cut)
    }
}
