// EC2 instance credentials through IMDSv2: a session token from a PUT, then the role's name and
// its credentials with that token. Short timeouts and one attempt, as botocore, so that a
// machine outside EC2 learns quickly that there is nothing there.

import Foundation
import MomentumHTTP

/// Credentials of the instance's IAM role, from the instance metadata service (IMDSv2 only).
public struct InstanceMetadataCredentials: AWSCredentialProvider {
    let environment: [String: String]
    let transport: any HTTPTransport

    /// Reads the given environment (`AWS_EC2_METADATA_DISABLED`,
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`); fetches through `transport`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, transport: any HTTPTransport = CurlTransport()) {
        self.environment = environment
        self.transport = transport
    }

    var endpoint: String {
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://169.254.169.254"
        return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
    }

    /// The role's credentials; nil when disabled or when no metadata service answers.
    public func credentials() async throws -> AWSCredentials? {
        if environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        guard let tokenURL = URL(string: endpoint + "/latest/api/token"),
              let roleURL = URL(string: endpoint + "/latest/meta-data/iam/security-credentials/") else {
            throw LakeError.credentials("AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL")
        }
        // No answer at all: not on EC2 (or no role), so this source simply has nothing.
        guard let tokenResponse = try? await fetch("PUT", tokenURL, [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]),
              tokenResponse.status == 200, !tokenResponse.body.isEmpty else { return nil }
        let token = String(decoding: tokenResponse.body, as: UTF8.self)
        let roles = try await fetch("GET", roleURL, [("X-aws-ec2-metadata-token", token)])
        guard roles.status == 200 else {
            if roles.status == 404 { return nil }   // an instance without a role
            throw LakeError.credentials("instance metadata: listing the role answered HTTP \(roles.status)")
        }
        let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !role.isEmpty, role.allSatisfy({ $0.isLetter || $0.isNumber || "+=,.@_-".contains($0) }),
              let credentialsURL = URL(string: roleURL.absoluteString + role) else {
            throw LakeError.credentials("instance metadata: no valid role name")
        }
        let answer = try await fetch("GET", credentialsURL, [("X-aws-ec2-metadata-token", token)])
        guard answer.status == 200 else {
            throw LakeError.credentials("instance metadata: the role's credentials answered HTTP \(answer.status)")
        }
        return try TemporaryCredentialsDocument.decode(answer.body, source: "instance metadata")
    }

    private func fetch(_ method: String, _ url: URL, _ headers: [(name: String, value: String)]) async throws -> TransportResponse {
        do {
            return try await transport.send(TransportRequest(method: method, url: url, headers: HTTPHeaders(headers), timeout: .seconds(1),
                                                           deadline: .seconds(2), maximumResponseBytes: 64 << 10))
        } catch {
            throw LakeError.credentials("instance metadata at \(url.host ?? "?"): \(error)")
        }
    }

    /// `instance metadata (IMDSv2)`.
    public var sourceDescription: String { "instance metadata (IMDSv2)" }
}
