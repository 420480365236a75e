// Multipart upload for large objects: parts of at least 5 MiB (S3's minimum, but for the last),
// a few in flight at once, and an abort on any failure so that no half-written upload stays
// (and costs storage) behind.

import Foundation
import MomentumText

extension S3Client {
    /// S3's smallest part (the last part may be smaller).
    public static let minimumPartSize = 5 << 20

    /// Uploads `bytes` in parts of `partSize` bytes; the object appears whole or not at all.
    public func putObjectInParts(bucket: String, key: String, bytes: [UInt8], partSize: Int = 8 << 20,
                                 concurrency: Int = 4) async throws {
        try await putObjectInParts(bucket: bucket, key: key, bytes: bytes, partSize: partSize, concurrency: concurrency,
                                   contentType: "application/octet-stream")
    }

    /// Uploads `bytes` in parts, stored with `contentType` (what S3 answers a GET with).
    public func putObjectInParts(bucket: String, key: String, bytes: [UInt8], partSize: Int, concurrency: Int,
                                 contentType: String) async throws {
        try await putObjectInParts(bucket: bucket, key: key, size: bytes.count, partSize: partSize, concurrency: concurrency,
                                   contentType: contentType) { Array(bytes[$0]) }
    }

    /// Uploads an object of `size` bytes in parts that `part` reads (each range once, up to
    /// `concurrency` at a time: memory holds that many parts, however large the object).
    package func putObjectInParts(bucket: String, key: String, size: Int, partSize: Int, concurrency: Int, contentType: String,
                                  part: @escaping @Sendable (Range<Int>) throws -> [UInt8]) async throws {
        let partSize = max(S3Client.minimumPartSize, partSize)
        let ranges = stride(from: 0, to: max(size, 1), by: partSize).map { $0..<min(size, $0 + partSize) }
        guard ranges.count <= 10_000 else {
            throw LakeError.invalidArgument("s3://\(bucket)/\(key): \(size) bytes need more than S3's 10,000 parts of \(partSize) bytes")
        }
        let uploadID = try await createMultipartUpload(bucket: bucket, key: key, contentType: contentType)
        do {
            var eTags = [String](repeating: "", count: ranges.count)
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 0
                func start() {
                    let index = next
                    let range = ranges[index]
                    group.addTask { (index, try await self.uploadPart(bucket: bucket, key: key, uploadID: uploadID, number: index + 1, bytes: try part(range))) }
                    next += 1
                }
                while next < min(ranges.count, max(1, concurrency)) { start() }
                while let (index, eTag) = try await group.next() {
                    eTags[index] = eTag
                    if next < ranges.count { start() }
                }
            }
            try await completeMultipartUpload(bucket: bucket, key: key, uploadID: uploadID, eTags: eTags)
        } catch {
            // Best effort: the original error is the one worth reporting.
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
            throw error
        }
    }

    func createMultipartUpload(bucket: String, key: String, contentType: String) async throws -> String {
        var call = Call(operation: "CreateMultipartUpload", method: "POST", bucket: bucket, key: key, query: [("uploads", "")])
        call.headers = [("Content-Type", contentType)]
        let response = try await send(call)
        guard let id = try call.document(response, root: "InitiateMultipartUploadResult").value("UploadId"), !id.isEmpty else {
            throw call.invalidAnswer("no UploadId in the answer", response)
        }
        return id
    }

    func uploadPart(bucket: String, key: String, uploadID: String, number: Int, bytes: [UInt8]) async throws -> String {
        var call = Call(operation: "UploadPart", method: "PUT", bucket: bucket, key: key,
                        query: [("partNumber", String(number)), ("uploadId", uploadID)], body: bytes)
        call.headers = [("Content-MD5", S3Client.base64MD5(bytes))]
        let response = try await send(call)
        guard let eTag = response.header("etag"), !eTag.isEmpty else {
            throw call.invalidAnswer("no ETag in the answer for part \(number)", response)
        }
        return eTag
    }

    func completeMultipartUpload(bucket: String, key: String, uploadID: String, eTags: [String]) async throws {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (index, eTag) in eTags.enumerated() {
            xml += "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(MarkupText.escaped(eTag, controls: .reference))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        var call = Call(operation: "CompleteMultipartUpload", method: "POST", bucket: bucket, key: key,
                        query: [("uploadId", uploadID)], body: Array(xml.utf8))
        call.headers = [("Content-Type", "application/xml")]
        _ = try await send(call)
    }

    func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        var call = Call(operation: "AbortMultipartUpload", method: "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)])
        call.accepted = [404]
        _ = try await send(call)
    }
}
