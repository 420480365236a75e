// The servers scripts/test starts for the AWS tests (SeaweedFS for S3, moto for Glue, the
// Athena double), the environment that points the CLI at them, and a fresh lake in S3.

import Foundation
import LakeKit
import MomentumTestSupport

enum AWSServers {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var moto: String { get throws { try Services.moto() } }

    /// The AWS variables of the CLI: S3 at SeaweedFS, and Glue and Athena when they run.
    static func aws(secret: String? = nil) throws -> [String: String] {
        let s3 = try Services.s3()
        var variables = [
            "AWS_ENDPOINT_URL_S3": s3.endpoint,
            "AWS_ACCESS_KEY_ID": s3.accessKey,
            "AWS_SECRET_ACCESS_KEY": secret ?? s3.secret,
            "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        ]
        if let moto = environment["MOMENTUM_MOTO_ENDPOINT"] { variables["AWS_ENDPOINT_URL_GLUE"] = moto }
        if let athena = environment["MOMENTUM_ATHENA_ENDPOINT"] { variables["AWS_ENDPOINT_URL_ATHENA"] = athena }
        return variables
    }

    static let bucket = "momentum-cli-tests"

    /// A fresh `s3://bucket/prefix` lake; the bucket is created on first use.
    static func freshLake() async throws -> (url: String, prefix: String) {
        let client = try S3Client.standard(environment: aws())
        do { try await client.createBucket(bucket) } catch let error as S3Error where error.code.hasPrefix("BucketAlready") {}
        let prefix = "lake-" + UUID().uuidString.prefix(8).lowercased()
        return ("s3://\(bucket)/\(prefix)", prefix)
    }

    /// The lake at `prefix` as an object store.
    static func store(prefix: String) throws -> S3ObjectStore {
        try S3ObjectStore(client: S3Client.standard(environment: aws()), bucket: bucket, prefix: prefix)
    }

    /// Every statement the Athena double received, in order (its log).
    static func athenaStatements() throws -> [[String: Any]] {
        guard let path = environment["MOMENTUM_ATHENA_LOG"], let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }
}
