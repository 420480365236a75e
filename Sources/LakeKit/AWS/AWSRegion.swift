// The one region rule of every AWS client (S3, Glue, Athena, Secrets Manager): the configured
// region (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`), else the region the lake
// bucket lives in when S3 says so (`x-amz-bucket-region`, which S3 answers to a request signed
// for any region) or an ARN names, else a refusal that says what to set. A catalog never runs in a
// guessed region: tables created in the wrong one are invisible to the queries that need them.

import Foundation
import MomentumHTTP

/// A region and where it came from.
public struct AWSRegion: Sendable, Hashable, CustomStringConvertible {
    /// The region's name, e.g. `eu-west-1`.
    public var name: String
    /// Where it came from, for messages: `AWS_REGION`, `the profile`, `bucket my-lake`, ...
    public var source: String

    /// A region and its source.
    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    public var description: String { "\(name) (from \(source))" }

    /// The configured region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    ///
    /// - Parameters:
    ///   - environment: the variables to read.
    ///   - config: the shared config file, when already read (else read from `environment`).
    public static func configured(environment: [String: String] = ProcessInfo.processInfo.environment,
                                  config: AWSSharedConfig? = nil) -> AWSRegion? {
        for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let region = environment[variable], !region.isEmpty { return AWSRegion(name: region, source: variable) }
        }
        let profile = config ?? (try? AWSSharedConfig(environment: environment))
        guard let region = profile?.settings()["region"], !region.isEmpty else { return nil }
        return AWSRegion(name: region, source: "the profile's region")
    }

    /// The region of the resource an ARN names (`arn:aws:secretsmanager:eu-west-1:...`), if any.
    public static func of(arn: String) -> AWSRegion? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[3].isEmpty else { return nil }
        return AWSRegion(name: String(parts[3]), source: "the ARN \(arn.prefix(80))")
    }

    /// The region by the rule: configured, else the lake bucket's own (asked of S3 once), else
    /// an error naming `service` and what to set.
    ///
    /// - Parameters:
    ///   - service: who needs the region, for the refusal (`Glue`, `S3`, ...).
    ///   - bucket: the lake's bucket, when the lake is in S3.
    ///   - environment: the variables (credentials and endpoint for the question to S3).
    ///   - transport: what sends the question.
    public static func resolve(for service: String, bucket: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               transport: any HTTPTransport = CurlTransport()) async throws -> AWSRegion {
        if let configured = configured(environment: environment) { return configured }
        if let bucket {
            // Any region's signature gets the bucket's region back; us-east-1 is S3's global one.
            let probe = try S3Client.standard(environment: environment, region: AWSRegion(name: "us-east-1", source: "the probe"),
                                              transport: transport)
            if let found = try await probe.bucketRegion(bucket) {
                return AWSRegion(name: found, source: "the bucket \(bucket)")
            }
        }
        throw LakeError.credentials("no AWS region for \(service): set AWS_REGION (or a profile's region)"
            + (bucket.map { "; S3 did not say where the bucket \($0) lives" } ?? ""))
    }
}
