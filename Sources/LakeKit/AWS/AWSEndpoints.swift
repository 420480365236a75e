// Region and endpoints as botocore resolves them: the region from `AWS_REGION`, then
// `AWS_DEFAULT_REGION`, then the profile's `region`; an endpoint from
// `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then AWS's own. A custom endpoint (a
// local S3 such as SeaweedFS or MinIO) is addressed path-style: `http://host:port/bucket/key`.

import Foundation
import MomentumHTTP

/// Where and how to reach one AWS service.
public struct AWSEndpoint: Sendable, Hashable {
    /// The base URL, without a bucket.
    public var url: URL
    /// True for a custom endpoint: the bucket goes in the path, not the host name.
    public var usesPathStyle: Bool
    /// Where the URL came from, e.g. `AWS_ENDPOINT_URL_S3`, for messages.
    public var source: String

    /// An endpoint from its parts.
    public init(url: URL, usesPathStyle: Bool, source: String) {
        self.url = url
        self.usesPathStyle = usesPathStyle
        self.source = source
    }

    /// The configured region (``AWSRegion/configured(environment:config:)``): `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, then the profile's `region`; nil when none is set.
    public static func region(environment: [String: String] = ProcessInfo.processInfo.environment,
                              config: AWSSharedConfig? = nil) -> String? {
        AWSRegion.configured(environment: environment, config: config)?.name
    }

    /// The endpoint of a service (`s3`, `glue`, `athena`, ...) in a region.
    ///
    /// - Parameters:
    ///   - service: the service id, e.g. `s3` or `secretsmanager`; its environment variable is
    ///     `AWS_ENDPOINT_URL_` and the id upper-cased with spaces and hyphens as underscores.
    ///   - region: the region, for AWS's own endpoint.
    ///   - environment: the variables to read.
    public static func resolve(service: String, region: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AWSEndpoint {
        let specific = "AWS_ENDPOINT_URL_" + service.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        for variable in [specific, "AWS_ENDPOINT_URL"] {
            guard let text = environment[variable], !text.isEmpty else { continue }
            guard let url = HTTPURL.parse(text) else {
                throw LakeError.invalidArgument("\(variable) must be an http(s) URL, got '\(text.prefix(100))'")
            }
            return AWSEndpoint(url: url, usesPathStyle: true, source: variable)
        }
        guard region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), !region.isEmpty,
              let url = URL(string: "https://\(service).\(region).amazonaws.com") else {
            throw LakeError.invalidArgument("'\(region.prefix(40))' is not an AWS region")
        }
        return AWSEndpoint(url: url, usesPathStyle: false, source: "AWS (\(service).\(region).amazonaws.com)")
    }
}
