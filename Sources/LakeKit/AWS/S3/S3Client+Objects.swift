// The S3 operations LakeKit uses: objects (put, conditional put, get with ranges, head,
// delete), listings (ListObjectsV2 with continuation and URL encoding), batch deletes and
// multipart uploads.

import Foundation
import MomentumText

/// What HeadObject (or a listing) tells about an object.
public struct S3ObjectHead: Sendable, Hashable {
    /// Its size in bytes.
    public var size: Int
    /// Its entity tag, quotes removed.
    public var eTag: String?
}

/// One page of ListObjectsV2.
public struct S3ListPage: Sendable, Hashable {
    /// The objects, keys decoded.
    public var objects: [ObjectInfo]
    /// The token of the next page; nil on the last.
    public var continuationToken: String?
}

extension S3Client {
    /// The most keys DeleteObjects takes at once.
    public static let deleteBatchSize = 1000
    /// The most pages one listing reads (100 million keys): a server that never ends a listing
    /// cannot hold a job.
    public static let maximumListPages = 100_000

    /// Stores an object. `ifNoneMatch` makes it a conditional create: false, nothing written,
    /// when an object has the key.
    ///
    /// The body's SHA-256 is signed and its MD5 sent as `Content-MD5`, so S3 refuses a body
    /// damaged on the way.
    @discardableResult
    public func putObject(bucket: String, key: String, bytes: [UInt8], ifNoneMatch: Bool = false,
                          contentType: String = "application/octet-stream") async throws -> Bool {
        var call = Call(operation: "PutObject", method: "PUT", bucket: bucket, key: key, body: bytes)
        call.headers = [("Content-Type", contentType), ("Content-MD5", S3Client.base64MD5(bytes))]
        if ifNoneMatch {
            call.headers.append(("If-None-Match", "*"))
            // 409: another conditional write to the key is in flight (S3's ConditionalRequestConflict).
            call.accepted = [412, 409]
        }
        let response = try await send(call)
        return (200..<300).contains(response.status)
    }

    /// An object's bytes, or the bytes of `range` (offsets into the object, end exclusive).
    public func getObject(bucket: String, key: String, range: Range<Int>? = nil, maximumBytes: Int = 1 << 32) async throws -> [UInt8] {
        var call = Call(operation: "GetObject", method: "GET", bucket: bucket, key: key)
        call.maximumResponseBytes = maximumBytes
        if let range {
            guard range.lowerBound >= 0 else { throw LakeError.invalidArgument("a negative byte range of s3://\(bucket)/\(key)") }
            if range.isEmpty { return [] }
            call.headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)"))
        }
        let response = try await send(call)
        if let range, response.status == 200, response.body.count > range.count {
            // A server that ignored the range: cut it here.
            let upper = min(response.body.count, range.upperBound)
            return range.lowerBound < upper ? Array(response.body[range.lowerBound..<upper]) : []
        }
        return response.body
    }

    /// The object's size and ETag; nil when there is no object with the key.
    public func headObject(bucket: String, key: String) async throws -> S3ObjectHead? {
        var call = Call(operation: "HeadObject", method: "HEAD", bucket: bucket, key: key)
        call.accepted = [404]
        let response = try await send(call)
        guard response.status != 404 else { return nil }
        guard let text = response.header("content-length"), let size = Int(text), size >= 0 else {
            throw call.invalidAnswer("no valid Content-Length in the answer", response)
        }
        return S3ObjectHead(size: size, eTag: response.header("etag")?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
    }

    /// The most bytes one CopyObject copies (larger objects need a multipart copy).
    public static let maximumCopyBytes = 5 << 30

    /// Copies an object within S3 (CopyObject): the bytes never leave S3, and the copy appears
    /// whole or not at all. An error S3 reports inside a 200 is thrown like any other.
    public func copyObject(bucket: String, sourceKey: String, destinationKey: String) async throws {
        var call = Call(operation: "CopyObject", method: "PUT", bucket: bucket, key: destinationKey)
        // The source is `bucket/key`, URL-encoded as a path (S3 decodes it once).
        call.headers = [("x-amz-copy-source", "\(bucket)/\(S3Client.encodeCopySource(sourceKey))")]
        call.resourceOverride = "s3://\(bucket)/\(destinationKey) (copy of \(sourceKey))"
        _ = try await send(call)
    }

    /// Every byte outside RFC 3986's unreserved set and `/` percent-encoded.
    static func encodeCopySource(_ key: String) -> String {
        var encoded = ""
        for byte in key.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    /// Removes an object; an absent object is not an error.
    public func deleteObject(bucket: String, key: String) async throws {
        var call = Call(operation: "DeleteObject", method: "DELETE", bucket: bucket, key: key)
        call.accepted = [404]
        _ = try await send(call)
    }

    /// One page of the keys under `prefix`.
    public func listObjectsV2(bucket: String, prefix: String, continuationToken: String? = nil, maximumKeys: Int = 1000) async throws -> S3ListPage {
        var query: [(String, String)] = [("list-type", "2"), ("encoding-type", "url"), ("max-keys", String(min(max(1, maximumKeys), 1000)))]
        if !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        query.sort { $0.0 < $1.0 }
        var call = Call(operation: "ListObjectsV2", method: "GET", bucket: bucket, key: nil, query: query)
        call.resourceOverride = "s3://\(bucket)/\(prefix)"
        let response = try await send(call)
        let xml = try call.document(response, root: "ListBucketResult")
        let encoded = xml.value("EncodingType") == "url"
        var objects: [ObjectInfo] = []
        for entry in xml.all("Contents") {
            guard let rawKey = entry.value("Key"), let size = entry.value("Size").flatMap({ Int($0) }), size >= 0 else {
                throw call.invalidAnswer("an entry without a key or a valid size", response)
            }
            let eTag = entry.value("ETag").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }.flatMap { $0.isEmpty ? nil : $0 }
            objects.append(ObjectInfo(key: encoded ? S3Client.formDecode(rawKey) : rawKey, size: size, version: eTag))
        }
        let truncated = xml.value("IsTruncated") == "true"
        let next = xml.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        if truncated && next == nil {
            throw call.invalidAnswer("a truncated page without a continuation token", response)
        }
        return S3ListPage(objects: objects, continuationToken: truncated ? next : nil)
    }

    /// Every object under `prefix`, page after page, sorted by key.
    public func listAllObjects(bucket: String, prefix: String) async throws -> [ObjectInfo] {
        var objects: [ObjectInfo] = []
        var token: String?
        var seen: Set<String> = []
        for _ in 0..<S3Client.maximumListPages {
            let page = try await listObjectsV2(bucket: bucket, prefix: prefix, continuationToken: token)
            objects += page.objects
            guard let next = page.continuationToken else { return objects.sorted { $0.key < $1.key } }
            guard seen.insert(next).inserted else {
                throw S3Error.invalidAnswer("the server repeated a continuation token", status: 200, operation: "ListObjectsV2", resource: "s3://\(bucket)/\(prefix)")
            }
            token = next
        }
        throw LakeError.io("S3 ListObjectsV2 s3://\(bucket)/\(prefix): more than \(S3Client.maximumListPages) pages")
    }

    /// Removes the keys, 1,000 per request. Throws naming the keys S3 could not remove.
    public func deleteObjects(bucket: String, keys: [String]) async throws {
        var failures: [String] = []
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(keys.count, start + S3Client.deleteBatchSize)]
            start += batch.count
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            for key in batch { xml += "<Object><Key>\(MarkupText.escaped(key, controls: .reference))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            var call = Call(operation: "DeleteObjects", method: "POST", bucket: bucket, key: nil, query: [("delete", "")], body: body)
            call.headers = [("Content-Type", "application/xml"), ("Content-MD5", S3Client.base64MD5(body))]
            let response = try await send(call)
            let result = try call.document(response, root: "DeleteResult")
            for error in result.all("Error") {
                failures.append("\(error.value("Key") ?? "?"): \(error.value("Code") ?? "?")")
            }
        }
        if !failures.isEmpty {
            throw LakeError.io("S3 DeleteObjects s3://\(bucket): \(failures.count) keys not removed: \(failures.prefix(5).joined(separator: "; "))")
        }
    }

    /// The region `bucket` lives in, as S3 says it (`x-amz-bucket-region`, sent whichever
    /// region the request was signed for); nil when the server does not say (a local S3).
    public func bucketRegion(_ bucket: String) async throws -> String? {
        var call = Call(operation: "HeadBucket", method: "HEAD", bucket: bucket, key: nil)
        call.accepted = [301, 307, 400, 403]
        call.maximumResponseBytes = 1 << 16
        let response = try await send(call, followingRegionRedirects: false)
        return response.header("x-amz-bucket-region").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates a bucket (in the client's region).
    public func createBucket(_ bucket: String) async throws {
        var call = Call(operation: "CreateBucket", method: "PUT", bucket: bucket, key: nil)
        if region != "us-east-1" {
            call.body = Array("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>".utf8)
        }
        _ = try await send(call)
    }

    // MARK: Encoding helpers

    /// `encoding-type=url` keys: `+` is a space (real S3), then percent escapes.
    static func formDecode(_ text: String) -> String {
        SigV4Signer.decode(text.replacingOccurrences(of: "+", with: " "))
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
